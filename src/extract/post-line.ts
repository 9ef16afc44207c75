/**
 * Reading one JSON Lines post (`{"id": …, "text": "…", …}`) for the scanner.
 *
 * `JSON.parse` costs more than everything else on a line that mentions no
 * meeting, so the common case (a flat object of scalars) is validated by one
 * linear regex and its `text` and `id` are sliced out with `indexOf`.
 * Anything else (nesting, a duplicate or escaped key, a missing field) goes to
 * {@link parsePost}, which is also the only place that words error messages,
 * so both paths agree on what is malformed.
 */

/** A post as the scanner needs it. */
export interface Post {
  id: string | number;
  text: string;
}

/** A post read without `JSON.parse`: the text, and the id still as JSON. */
export interface FlatPost {
  text: string;
  /** The id's JSON source (`"p1"` or `42`); `JSON.parse` it when the post is reported. */
  rawId: string;
}

const WS = String.raw`[ \t\r]*`;
const STRING = String.raw`"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"`;
const NUMBER = String.raw`-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?`;
const VALUE = `(?:${STRING}|${NUMBER}|true|false|null)`;
const MEMBER = `${WS}${STRING}${WS}:${WS}${VALUE}${WS}`;

/**
 * A JSON object whose values are all scalars: exactly what `JSON.parse`
 * accepts for such objects, and unambiguous, so it runs in linear time
 * (several times faster than `JSON.parse` on these lines).
 */
const FLAT_OBJECT = new RegExp(`^${WS}\\{(?:${MEMBER}(?:,${MEMBER})*)?\\}${WS}$`);

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}

/** Index of the quote closing the string that starts after `from`, or -1. */
function stringEnd(s: string, from: number): number {
  let q = s.indexOf('"', from);
  while (q >= 0) {
    let backslashes = 0;
    for (let k = q - 1; s.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return q;
    q = s.indexOf('"', q + 1);
  }
  return -1;
}

/**
 * Where the value starts if a top-level key `quotedKey` begins at `at`, or
 * -1. In a line already known to be a flat object, a quote right after `{`
 * or `,` (blanks aside) opens a key, and no key can hide inside a string:
 * there every quote is escaped.
 */
function valueOfKeyAt(line: string, quotedKey: string, at: number): number {
  let before = at - 1;
  while (before >= 0 && isBlank(line.charCodeAt(before))) before--;
  const opener = line.charCodeAt(before);
  if (opener !== 0x7b && opener !== 0x2c) return -1;
  let after = at + quotedKey.length;
  while (isBlank(line.charCodeAt(after))) after++;
  if (line.charCodeAt(after) !== 0x3a) return -1;
  after++;
  while (isBlank(line.charCodeAt(after))) after++;
  return after;
}

/** The first key `quotedKey` at or after `from`: `[key index, value index]`, or null. */
function firstKey(line: string, quotedKey: string, from: number): [number, number] | null {
  for (let at = line.indexOf(quotedKey, from); at >= 0; at = line.indexOf(quotedKey, at + 1)) {
    const value = valueOfKeyAt(line, quotedKey, at);
    if (value >= 0) return [at, value];
  }
  return null;
}

/** The last key `quotedKey` starting before `to` (searching backwards, so only `[0, to)` is read). */
function lastKeyBefore(line: string, quotedKey: string, to: number): [number, number] | null {
  for (let at = line.lastIndexOf(quotedKey, to - quotedKey.length); at >= 0; at = at > 0 ? line.lastIndexOf(quotedKey, at - 1) : -1) {
    const value = valueOfKeyAt(line, quotedKey, at);
    if (value >= 0) return [at, value];
  }
  return null;
}

/**
 * The fast path; null means "ask {@link parsePost}", not "malformed". The
 * text value, most of the line, is never searched for the other keys, and a
 * duplicate key (where `JSON.parse` keeps the last) takes the slow path.
 */
export function readFlatPost(line: string): FlatPost | null {
  if (!FLAT_OBJECT.test(line)) return null;
  const text = firstKey(line, '"text"', 0);
  if (text === null || line.charCodeAt(text[1]) !== 0x22) return null;
  const textEnd = stringEnd(line, text[1] + 1);
  if (firstKey(line, '"text"', textEnd) !== null) return null;
  const before = lastKeyBefore(line, '"id"', text[0]);
  const after = firstKey(line, '"id"', textEnd);
  if ((before === null) === (after === null)) return null; // missing or duplicate
  if (before !== null && lastKeyBefore(line, '"id"', before[0]) !== null) return null;
  if (after !== null && firstKey(line, '"id"', after[0] + 1) !== null) return null;
  const idAt = (before ?? after ?? [0, 0])[1];
  const c = line.charCodeAt(idAt);
  let idEnd: number;
  if (c === 0x22) idEnd = stringEnd(line, idAt + 1) + 1;
  else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
    idEnd = idAt + 1;
    for (let d = line.charCodeAt(idEnd); (d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d; d = line.charCodeAt(++idEnd));
  } else return null;
  const body = line.slice(text[1] + 1, textEnd);
  return { text: body.includes('\\') ? (JSON.parse(`"${body}"`) as string) : body, rawId: line.slice(idAt, idEnd) };
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Parses a line with `JSON.parse`; returns the post or what is wrong with the line. */
export function parsePost(line: string): Post | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { problem: `not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: `expected a JSON object with "id" and "text", got ${typeName(value)}` };
  }
  const { id, text } = value as Record<string, unknown>;
  if (id === undefined || id === null) return { problem: 'missing "id"' };
  if (typeof id !== 'string' && typeof id !== 'number') return { problem: `"id" must be a string or a number, got ${typeName(id)}` };
  if (text === undefined) return { problem: 'missing "text"' };
  if (typeof text !== 'string') return { problem: `"text" must be a string, got ${typeName(text)}` };
  return { id, text };
}
