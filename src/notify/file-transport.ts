/**
 * A mail transport that writes each message to a directory instead of
 * sending it: `NNN-<to>.eml` (the whole message, as an SMTP server would
 * receive it) and `NNN-<to>.html` (its HTML part, to open in a browser).
 * Used by `leakwatch demo`, which runs offline.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { mailOptions, type MailTransport } from './smtp.js';

export interface WrittenEmail {
  to: string;
  subject: string;
  eml: string;
  html: string;
}

export function fileTransport(dir: string): MailTransport & { written: WrittenEmail[] } {
  mkdirSync(dir, { recursive: true });
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const written: WrittenEmail[] = [];
  return {
    written,
    async send(email) {
      const info = await transporter.sendMail(mailOptions(email));
      const base = join(dir, `${String(written.length + 1).padStart(3, '0')}-${email.to.replace(/[^\w.@-]/g, '_')}`);
      writeFileSync(`${base}.eml`, info.message as Buffer);
      writeFileSync(`${base}.html`, email.html);
      written.push({ to: email.to, subject: email.subject, eml: `${base}.eml`, html: `${base}.html` });
      return { response: `written to ${base}.eml` };
    },
    close() {
      transporter.close();
    },
  };
}
