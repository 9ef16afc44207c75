/**
 * A real SMTP server on loopback, port 0 (smtp-server), keeping every message
 * it accepts, parsed with mailparser. Plain SMTP (no STARTTLS) so tests need
 * no certificates; `reply` lets a test refuse recipients with any code, and
 * `beforeReply` holds a message back (a slow server) or kills its sender
 * between the server receiving it and saying so.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:PORT` */
  url: string;
  port: number;
  received: ReceivedMail[];
  /**
   * Decides the answer to each RCPT TO: return null to accept, or
   * `[code, text]` to refuse (4xx: try later, 5xx: never).
   */
  reply: (recipient: string) => [number, string] | null;
  /**
   * Runs after a message is received (it is already in `received`) and before
   * the server answers 250; the answer waits for the promise it returns.
   */
  beforeReply: (mail: ReceivedMail) => Promise<void> | void;
  /** Resolves once `count` messages have been received. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

export interface SmtpServerOptions {
  port?: number;
  /** Require this user and password (AUTH PLAIN/LOGIN); anything else is refused with 535. */
  credentials?: { user: string; pass: string };
}

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const state: Pick<TestSmtpServer, 'reply' | 'beforeReply'> = { reply: () => null, beforeReply: () => {} };
  const settings: SMTPServerOptions = {
    disabledCommands: options.credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: options.credentials === undefined,
    allowInsecureAuth: true,
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      const ok = options.credentials && auth.username === options.credentials.user && auth.password === options.credentials.pass;
      if (ok) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const refusal = state.reply(address.address);
      if (refusal === null) callback();
      else callback(Object.assign(new Error(refusal[1]), { responseCode: refusal[0] }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then(async (parsed) => {
            const mail: ReceivedMail = {
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              raw,
              parsed,
            };
            received.push(mail);
            for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
            await state.beforeReply(mail);
            callback();
          })
          .catch(callback);
      });
    },
  };
  const server = new SMTPServer(settings);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  // A client killed mid-conversation (the fault tests SIGKILL the daemon) resets its connection: the server
  // reports it as an error event, which is the client's doing, not the server's failure.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    get reply() {
      return state.reply;
    },
    set reply(fn) {
      state.reply = fn;
    },
    get beforeReply() {
      return state.beforeReply;
    },
    set beforeReply(fn) {
      state.beforeReply = fn;
    },
    waitFor(count) {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
