/**
 * Email over SMTP through nodemailer, pooled. `LEAKWATCH_SMTP_URL` (or
 * `mail.smtpUrl`) names the server: `smtp://user:pass@host:587` (STARTTLS
 * when offered) or `smtps://host:465`.
 */
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { bareAddress, buildMessage } from './mime.js';

export interface OutgoingEmail {
  from: string;
  replyTo: string | null;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Fixed per outbox row, so a re-send is recognisably the same message. */
  messageId: string;
  headers: Record<string, string>;
}

export interface MailTransport {
  send(email: OutgoingEmail): Promise<{ response: string }>;
  close(): void;
}

export interface SmtpOptions {
  /** Connections kept open (and messages in flight). */
  maxConnections: number;
  /** Connect, greeting and socket inactivity timeouts. */
  timeoutMs: number;
}

/** nodemailer's message options for an email, the same for every transport. */
export function mailOptions(email: OutgoingEmail): Mail.Options {
  return {
    from: email.from,
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: email.messageId,
    headers: email.headers,
    // Chosen, not detected: detecting means scanning every part, and quoted-printable encoding
    // of a long HTML part cost more than everything else the notifier does per message.
    textEncoding: 'base64',
  };
}

/** A pooled nodemailer transport for `url`. */
export function smtpTransport(url: string, options: SmtpOptions): MailTransport {
  const parsed = new URL(url);
  const settings: SMTPPool.Options = {
    pool: true,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : parsed.protocol === 'smtps:' ? 465 : 587,
    secure: parsed.protocol === 'smtps:',
    maxConnections: options.maxConnections,
    maxMessages: 1000,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    ...(parsed.username ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } } : {}),
  };
  const transporter = nodemailer.createTransport(settings);
  return {
    async send(email) {
      // The message is written once, as text (mime.ts): nodemailer's own MIME tree was most of a send's cost.
      const info = await transporter.sendMail({ envelope: { from: bareAddress(email.from), to: [bareAddress(email.to)] }, raw: buildMessage(email) });
      return { response: info.response };
    },
    close() {
      transporter.close();
    },
  };
}

/** What to do about a failed send. */
export interface FailureVerdict {
  retry: boolean;
  reason: string;
}

/**
 * SMTP failures that may pass (connection errors, timeouts, 4xx replies) are
 * retried; ones that will not (authentication, a refused envelope, 5xx
 * replies, a malformed message) are not.
 */
export function classifySmtpError(error: unknown): FailureVerdict {
  const e = error as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const reply = typeof e.responseCode === 'number' ? e.responseCode : null;
  const text = typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : String(error);
  const reason = `${code ? `${code}: ` : ''}${text}`.replace(/\s+/g, ' ').trim();
  if (code === 'EAUTH') return { retry: false, reason: `authentication failed (${reason}); fix the credentials in LEAKWATCH_SMTP_URL, then \`leakwatch outbox retry\`` };
  if (reply !== null) return { retry: reply >= 400 && reply < 500, reason };
  if (code === 'EENVELOPE' || code === 'EMESSAGE') return { retry: false, reason };
  return { retry: true, reason };
}
