/**
 * The text of an uploaded file, whatever Excel or an older system saved it
 * as: UTF-8 (with or without a BOM), UTF-16 little- or big-endian ("Unicode
 * text", with a BOM), or Windows-1252 / Latin-1 ("CSV" from a Windows Excel
 * in western Europe).
 */

import { InputError } from '../errors.js';

/** Encodings the import accepts by name (`--encoding`), as WHATWG labels. */
export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'latin1', 'iso-8859-1'] as const;

export interface DecodedText {
  text: string;
  /** The encoding the text was read as: utf-8, utf-16le, utf-16be or windows-1252. */
  encoding: string;
}

/**
 * Decodes `bytes`. With `encoding` (one of {@link ENCODINGS}, any case) the
 * file is read as that, a matching BOM dropped; without, a BOM decides, then
 * UTF-16 without a BOM is recognised by its zero bytes, then valid UTF-8 is
 * UTF-8 and anything else Windows-1252 (of which Latin-1 is a subset).
 * @throws InputError for an encoding it does not know, or bytes that are not
 *   valid in the encoding named.
 */
export function decodeText(bytes: Uint8Array, encoding?: string): DecodedText {
  if (encoding !== undefined) {
    const label = encoding.trim().toLowerCase();
    if (!(ENCODINGS as readonly string[]).includes(label)) {
      throw new InputError(`unknown encoding "${encoding}"; use one of: ${ENCODINGS.join(', ')}`);
    }
    // Every byte is a Windows-1252 character, so only the Unicode encodings can fail.
    const decoder = new TextDecoder(label, { fatal: label.startsWith('utf') });
    try {
      const text = decoder.decode(bytes);
      return { text: decoder.encoding === 'windows-1252' ? windows1252(text) : text, encoding: decoder.encoding };
    } catch (error) {
      throw new InputError(`the file is not valid ${label}; leave out --encoding to have it detected`, { cause: error });
    }
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };
  const utf16 = utf16WithoutBom(bytes);
  if (utf16 !== null) return { text: new TextDecoder(utf16).decode(bytes), encoding: utf16 };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: windows1252(new TextDecoder('windows-1252').decode(bytes)), encoding: 'windows-1252' };
  }
}

/** Windows-1252's characters for bytes 0x80–0x9F; the five it leaves undefined stay as the C1 controls. */
const WINDOWS_1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f'
  + '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Node's decoder for the label windows-1252 reads bytes 0x80–0x9F as
 * ISO-8859-1 control characters, not as the euro sign, dashes and curly
 * quotes Windows writes there; they are put right here.
 */
function windows1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, function fromWindows(c) {
    return WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!;
  });
}

/** ASCII text in UTF-16 has a zero in every other byte; a CSV header is ASCII. */
function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const sample = Math.min(bytes.length - (bytes.length % 2), 512);
  if (sample < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = sample / 2;
  if (oddZeros > pairs * 0.4 && evenZeros === 0) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros === 0) return 'utf-16be';
  return null;
}
