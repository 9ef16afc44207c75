/**
 * The MIME text leakwatch writes for its emails, read back by mailparser (a
 * parser we did not write): headers, names and subjects in any script, both
 * parts byte for byte.
 */
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { bareAddress, buildMessage, encodeAddress, encodeHeaderText } from '../../src/notify/mime.js';

const EMAIL = {
  from: 'leakwatch <alerts@leakwatch.test>',
  replyTo: 'IT-Hilfe „Westfield“ <help@westfield.example>',
  to: 'teacher@westfield.example',
  subject: 'CRITICAL — act now: your Zoom meeting “Year 9 Maths — Ünterricht 数学 🔥” was posted on Reddit',
  text: 'Line one\nZeile zwei: äöü ß\n数学 and 🔥 and a long line '.repeat(40),
  html: '<p>Hello &lt;script&gt; “quotes” 数学</p>'.repeat(50),
  messageId: '<alert-7-1@leakwatch.test>',
  headers: { 'List-Unsubscribe': `<https://leakwatch.test/unsubscribe/${'x'.repeat(300)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Auto-Submitted': 'auto-generated' },
};

describe('buildMessage', () => {
  it('is read back exactly by a MIME parser', async () => {
    const raw = buildMessage(EMAIL, new Date('2026-09-01T12:00:00Z'));
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    expect(raw).not.toMatch(/[^\r]\n/);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(EMAIL.subject);
    expect(parsed.text).toBe(EMAIL.text);
    expect(parsed.html).toBe(EMAIL.html);
    expect(parsed.messageId).toBe(EMAIL.messageId);
    expect(parsed.from?.value[0]).toMatchObject({ name: 'leakwatch', address: 'alerts@leakwatch.test' });
    expect(parsed.replyTo?.value[0]).toMatchObject({ name: 'IT-Hilfe „Westfield“', address: 'help@westfield.example' });
    const lines = new Map(parsed.headerLines.map((h) => [h.key, h.line]));
    expect(lines.get('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(lines.get('auto-submitted')).toBe('Auto-Submitted: auto-generated');
    expect(lines.get('list-unsubscribe')).toContain(`unsubscribe/${'x'.repeat(300)}>`);
    expect(parsed.date?.toISOString()).toBe('2026-09-01T12:00:00.000Z');
  });

  it('encodes what is not plain ASCII and leaves the rest alone', () => {
    expect(encodeHeaderText('Year 9 Maths')).toBe('Year 9 Maths');
    expect(encodeHeaderText('Maths — 9')).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    for (const word of encodeHeaderText('数学'.repeat(40)).split('\r\n ')) expect(word.length).toBeLessThanOrEqual(75);
    expect(encodeAddress('teacher@westfield.example')).toBe('teacher@westfield.example');
    expect(encodeAddress('Smith, Jane <jane@westfield.example>')).toBe('"Smith, Jane" <jane@westfield.example>');
    expect(bareAddress('Smith, Jane <jane@westfield.example>')).toBe('jane@westfield.example');
  });
});
