import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { decodeText } from '../../src/registry/text-decoding.js';

const HEADER = 'platform;meeting_id;owner_email;title\r\nzoom;84512397260;lee@école.example;Français – Année 9\r\n';

function utf16be(text: string): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
}

describe('decodeText', () => {
  it.each([
    ['UTF-8', Buffer.from(HEADER, 'utf8'), 'utf-8'],
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(HEADER, 'utf8')]), 'utf-8'],
    ['UTF-16LE with a BOM (Excel "Unicode text")', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, 'utf16le')]), 'utf-16le'],
    ['UTF-16BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(HEADER)]), 'utf-16be'],
    ['UTF-16LE without a BOM', Buffer.from(HEADER, 'utf16le'), 'utf-16le'],
    ['UTF-16BE without a BOM', utf16be(HEADER), 'utf-16be'],
  ])('reads %s', (_name, bytes, encoding) => {
    expect(decodeText(bytes)).toEqual({ text: HEADER, encoding });
  });

  it('reads a file that is not UTF-8 as Windows-1252: Latin-1 letters and the en dash, euro and curly quotes Windows adds', () => {
    // "é" is 0xE9 in Latin-1; "–" 0x96, "€" 0x80 and "’" 0x92 in Windows-1252 only.
    const bytes = Buffer.from([...Buffer.from('title\r\nFran'), 0xe7, ...Buffer.from('ais '), 0x96, ...Buffer.from(' 5'), 0x80, ...Buffer.from(' l'), 0x92, ...Buffer.from('\u00e9cole', 'latin1')]);
    expect(decodeText(bytes)).toEqual({ text: 'title\r\nFrançais – 5€ l’école', encoding: 'windows-1252' });
  });

  it('reads the encoding it is told, by any WHATWG name in any case, and refuses others', () => {
    const latin1 = Buffer.from('Müller', 'latin1');
    expect(decodeText(latin1, 'Latin1')).toEqual({ text: 'Müller', encoding: 'windows-1252' });
    expect(decodeText(latin1, 'ISO-8859-1').text).toBe('Müller');
    // Told UTF-8, a file that is not is refused rather than read with replacement characters.
    expect(() => decodeText(latin1, 'utf-8')).toThrow(/the file is not valid utf-8/);
    expect(decodeText(Buffer.from('Müller', 'utf16le'), 'utf-16le').text).toBe('Müller');
    expect(() => decodeText(latin1, 'ebcdic')).toThrow(InputError);
    expect(() => decodeText(latin1, 'ebcdic')).toThrow('unknown encoding "ebcdic"; use one of: utf-8, utf-16le, utf-16be, windows-1252, latin1, iso-8859-1');
  });

  it('gets back any text written as UTF-8 or UTF-16 with a BOM (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      expect(decodeText(Buffer.from(text, 'utf8')).text).toBe(text);
      expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])).text).toBe(text);
      expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])).text).toBe(text);
    }));
  });
});
