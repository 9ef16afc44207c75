/**
 * Reading one JSON Lines post (`{"id": …, "text": "…", …}`) for the scanner.
 *
 * `JSON.parse` costs more than everything else on a line that mentions no
 * meeting, so the common case (a flat object of scalars) is read by a small
 * scanner that jumps from quote to quote with `indexOf`. Anything it is not
 * sure about (nesting, control characters, a duplicate or escaped key, a
 * missing field) goes to {@link parsePost}, which is also the only place that
 * words error messages, so both paths agree on what is malformed.
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

const CONTROL = /[\x00-\x08\x0a-\x1f]/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const BAD_ESCAPE = /\\(?!["\\/bfnrt]|u[0-9a-fA-F]{4})/;

function skipBlanks(s: string, i: number): number {
  let c = s.charCodeAt(i);
  while (c === 0x20 || c === 0x09 || c === 0x0d) c = s.charCodeAt(++i);
  return i;
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

/** The fast path; null means "ask {@link parsePost}", not "malformed". */
export function readFlatPost(line: string): FlatPost | null {
  if (CONTROL.test(line)) return null;
  let i = skipBlanks(line, 0);
  if (line.charCodeAt(i) !== 0x7b) return null;
  i = skipBlanks(line, i + 1);
  let text: string | null = null;
  let rawId: string | null = null;
  for (;;) {
    if (line.charCodeAt(i) !== 0x22) return null;
    const keyEnd = stringEnd(line, i + 1);
    if (keyEnd < 0) return null;
    const key = line.slice(i + 1, keyEnd);
    if (key.includes('\\')) return null;
    i = skipBlanks(line, keyEnd + 1);
    if (line.charCodeAt(i) !== 0x3a) return null;
    i = skipBlanks(line, i + 1);
    const c = line.charCodeAt(i);
    let valueEnd: number;
    if (c === 0x22) {
      const end = stringEnd(line, i + 1);
      if (end < 0) return null;
      const body = line.slice(i + 1, end);
      if (body.includes('\\') && BAD_ESCAPE.test(body)) return null;
      if (key === 'text') {
        if (text !== null) return null;
        text = body.includes('\\') ? (JSON.parse(`"${body}"`) as string) : body;
      }
      valueEnd = end + 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      for (let d = line.charCodeAt(j); (d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d; d = line.charCodeAt(++j));
      if (!NUMBER.test(line.slice(i, j))) return null;
      if (key === 'text') return null;
      valueEnd = j;
    } else if (line.startsWith('true', i) || line.startsWith('null', i)) {
      valueEnd = i + 4;
    } else if (line.startsWith('false', i)) {
      valueEnd = i + 5;
    } else {
      return null;
    }
    if (key === 'id') {
      if (rawId !== null || (c !== 0x22 && c !== 0x2d && !(c >= 0x30 && c <= 0x39))) return null;
      rawId = line.slice(i, valueEnd);
    }
    i = skipBlanks(line, valueEnd);
    const sep = line.charCodeAt(i);
    if (sep === 0x2c) {
      i = skipBlanks(line, i + 1);
      continue;
    }
    if (sep !== 0x7d) return null;
    if (skipBlanks(line, i + 1) !== line.length) return null;
    return text === null || rawId === null ? null : { text, rawId };
  }
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
