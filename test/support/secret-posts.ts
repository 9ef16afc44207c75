/**
 * Posts that carry a known passcode, link token or host key written in one
 * of the encodings attackers and mail clients use, and the check that an
 * output holds no recoverable copy of it: decoded back through the
 * extractor's own normalisation (entities, NFKC, invisible characters),
 * percent-decoding, and with blanks and dashes between digits dropped.
 */
import fc from 'fast-check';
import { percentDecodeDeep } from '../../src/extract/link.js';
import { normalize } from '../../src/extract/normalize.js';

export interface SecretPost {
  text: string;
  /** The secrets as a person would type them; none may survive masking. */
  secrets: string[];
  /** The meeting the post names. */
  meetingId: string;
}

/** Whether `output` still holds `secret` in any form the extractor would read back. */
export function recoverable(output: string, secret: string): boolean {
  const plain = normalize(output).text;
  const forms = [plain, percentDecodeDeep(plain), percentDecodeDeep(normalize(percentDecodeDeep(output)).text)];
  if (/^\d+$/.test(secret)) forms.push(...forms.map((f) => f.replace(/(?<=\d)[\s-]+(?=\d)/g, '')));
  return forms.some((f) => f.includes(secret));
}

const hex = (c: string) => c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');

/** Ways to write one character of a secret. */
type CharEncoding = 'plain' | 'percent' | 'entity-dec' | 'entity-hex' | 'full-width' | 'zero-width-after';

function encodeChar(c: string, how: CharEncoding, inLink: boolean): string {
  switch (how) {
    case 'plain':
      return c;
    case 'percent':
      return inLink ? `%${hex(c)}` : c;
    case 'entity-dec':
      return `&#${c.charCodeAt(0)};`;
    case 'entity-hex':
      return `&#x${c.charCodeAt(0).toString(16)};`;
    case 'full-width':
      return String.fromCharCode(c.charCodeAt(0) + 0xfee0);
    case 'zero-width-after':
      return `${c}\u200b`;
  }
}

const CHAR_ENCODINGS: CharEncoding[] = ['plain', 'percent', 'entity-dec', 'entity-hex', 'full-width', 'zero-width-after'];

/** A secret written with each character encoded its own way. */
function encoded(secret: string, inLink: boolean): fc.Arbitrary<string> {
  return fc
    .array(fc.constantFrom(...CHAR_ENCODINGS), { minLength: secret.length, maxLength: secret.length })
    .map((hows) => [...secret].map((c, i) => encodeChar(c, hows[i] ?? 'plain', inLink)).join(''));
}

const DIGIT = '0123456789';
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A written passcode: six digits, or letters and digits with at least one of each. */
const writtenPasscode = fc.oneof(
  fc.string({ unit: fc.constantFrom(...DIGIT), minLength: 6, maxLength: 8 }),
  fc
    .tuple(fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 5, maxLength: 9 }), fc.constantFrom(...'23456789'), fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ'))
    .map(([body, digit, letter]) => `${letter}${body}${digit}`),
);
/** A link token (Zoom's `pwd=`) or a host key (`zak=`). */
const linkSecret = fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 12, maxLength: 32 }).map((s) => `${s}Q9`);
const meetingId = fc.integer({ min: 81_000_000_000, max: 89_999_999_999 }).map(String);
const grouped = (id: string) => `${id.slice(0, 3)} ${id.slice(3, 7)} ${id.slice(7)}`;

/** `pwd` or `zak` spelled as a link parameter name: plain, upper case or with a percent-encoded letter. */
function paramName(name: string): fc.Arbitrary<string> {
  return fc.constantFrom(name, name.toUpperCase(), `%${hex(name[0]!)}${name.slice(1)}`, `${name.slice(0, 1)}%${hex(name[1]!)}${name.slice(2)}`);
}

/** A post with a written passcode, placed before, after or below the id, or after a link with its own token. */
export const writtenPasscodePost: fc.Arbitrary<SecretPost> = fc
  .record({ id: meetingId, code: writtenPasscode, token: linkSecret, layout: fc.integer({ min: 0, max: 6 }), spaced: fc.boolean() })
  .chain(({ id, code, token, layout, spaced }) =>
    encoded(spaced && /^\d{6}$/.test(code) ? `${code.slice(0, 4)} ${code.slice(4)}` : code, false).map((written): SecretPost => {
      const texts = [
        `Meeting ID: ${grouped(id)} Passcode: ${written}`,
        `Passcode ${written} — Meeting ID ${grouped(id)}`,
        `bio class https://zoom.us/j/${id}?pwd=${token} passcode ${written}`,
        `Join Zoom Meeting\nhttps://us02web.zoom.us/j/${id}\n\nMeeting ID: ${grouped(id)}\nPasscode:\n${written}`,
        `zoom.us/j/${id} pw: ${written} come raid`,
        `https://teams.microsoft.com/meet/${id}${id.slice(0, 1)}?p=${token}\nMeeting ID: ${grouped(id)} 1\nPasscode: ${written}`,
        `Zoom: https://zoom.us/j/${id}\nContraseña: ${written}`,
      ];
      const secrets = layout === 2 || layout === 5 ? [code, token] : [code];
      return { text: texts[layout]!, secrets, meetingId: id };
    }),
  );

/** A post with a link token or host key in a link, in any encoding, in the query or the fragment, maybe wrapped. */
export const linkSecretPost: fc.Arbitrary<SecretPost> = fc
  .record({
    id: meetingId,
    secret: linkSecret,
    name: fc.constantFrom('pwd', 'zak', 'tk'),
    separator: fc.constantFrom('?', '#', '?x=1&', '?x=1&amp;'),
    wrapped: fc.boolean(),
    trailing: fc.constantFrom('', ' ', '.', ')', '&uname=Kid', '\nPasscode is in the link'),
  })
  .chain(({ id, secret, name, separator, wrapped, trailing }) =>
    fc.tuple(paramName(name), encoded(secret, true)).map(([param, value]): SecretPost => {
      const path = name === 'pwd' ? 'j' : name === 'zak' ? 's' : 'w';
      let link = `https://westfield.zoom.us/${path}/${id}${separator}${param}=${value}`;
      if (wrapped && !value.includes('&')) link = `https://www.google.com/url?q=${encodeURIComponent(link)}&sa=D`;
      return { text: `class link ${link}${trailing}`, secrets: [secret], meetingId: id };
    }),
  );

/**
 * A reply that carries only a written passcode, in any encoding, for the
 * meeting of the post it replies to ("pw is 662810" under "Meeting ID: …").
 */
export const writtenPasscodeReply: fc.Arbitrary<{ text: string; secrets: string[] }> = fc
  .record({ code: writtenPasscode, layout: fc.integer({ min: 0, max: 5 }), spaced: fc.boolean() })
  .chain(({ code, layout, spaced }) =>
    encoded(spaced && /^\d{6}$/.test(code) ? `${code.slice(0, 4)} ${code.slice(4)}` : code, false).map((written) => {
      const texts = [`pw is ${written}`, `Passcode: ${written}`, `the password is ${written} lol`, `Contraseña: ${written}`, `pwd ${written} raid it`, `pass: ${written}`];
      return { text: texts[layout]!, secrets: [code] };
    }),
  );
