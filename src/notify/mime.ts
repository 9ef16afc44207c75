/**
 * The MIME text of an alert email, written directly: multipart/alternative
 * with a text and an HTML part, both UTF-8 in base64. nodemailer builds the
 * same message through a tree of streams, which cost the notifier more
 * than rendering, querying and sending together; every email leakwatch
 * sends has this one shape, so the message is assembled as a string and
 * handed to the transport as it is.
 */
import { randomBytes } from 'node:crypto';
import type { OutgoingEmail } from './smtp.js';

const LINE = 76;
const NON_ASCII = /[^\x20-\x7e]/;

/** RFC 2047 encoded words for a header value that is not plain ASCII, each at most 75 characters. */
export function encodeHeaderText(value: string): string {
  if (!NON_ASCII.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const ch of value) {
    // 45 bytes of UTF-8 make 60 characters of base64, which with `=?UTF-8?B?…?=` stays under 75.
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk !== '') words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** `Name <address>` with the name encoded and quoted as needed; a bare address as it is. */
export function encodeAddress(value: string): string {
  const m = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(value);
  if (m === null) return value.trim();
  const name = m[1]!.replace(/^"(.*)"$/, '$1');
  if (name === '') return `<${m[2]}>`;
  const shown = NON_ASCII.test(name) ? encodeHeaderText(name) : /[()<>@,;:\\".[\]]/.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : name;
  return `${shown} <${m[2]}>`;
}

/** The address part of `Name <address>`, for the envelope. */
export function bareAddress(value: string): string {
  return /<([^<>]+)>/.exec(value)?.[1]?.trim() ?? value.trim();
}

function base64Lines(text: string): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += LINE) lines.push(encoded.slice(i, i + LINE));
  return lines.join('\r\n');
}

/** A header line, folded at blanks where it would pass 900 characters (SMTP allows 998). */
function header(name: string, value: string): string {
  const line = `${name}: ${value}`;
  if (line.length <= 900) return line;
  return line.replace(/(.{1,900})(?: |$)/g, '$1\r\n ').trimEnd();
}

/** The whole message, CRLF line ends, ready for the SMTP DATA command. */
export function buildMessage(email: OutgoingEmail, date: Date = new Date()): string {
  const boundary = `----=_leakwatch_${randomBytes(12).toString('hex')}`;
  const lines = [
    header('From', encodeAddress(email.from)),
    ...(email.replyTo ? [header('Reply-To', encodeAddress(email.replyTo))] : []),
    header('To', encodeAddress(email.to)),
    header('Subject', encodeHeaderText(email.subject)),
    header('Message-ID', email.messageId.startsWith('<') ? email.messageId : `<${email.messageId}>`),
    header('Date', date.toUTCString().replace(/GMT$/, '+0000')),
    'MIME-Version: 1.0',
    ...Object.entries(email.headers).map(([name, value]) => header(name, encodeHeaderText(value))),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.html),
    `--${boundary}--`,
    '',
  ];
  return lines.join('\r\n');
}
