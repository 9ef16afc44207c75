/**
 * Reading one JSON Lines post (`{"id": …, "text": "…", …}`) for the scanner.
 *
 * `JSON.parse` costs more than everything else on a line that mentions no
 * meeting, so the common case is read without it: a linear regex proves the
 * line is a flat JSON object (no nesting), and the `text` value is sliced out
 * of it. Anything unusual (nesting, a duplicate key, a missing field) takes
 * the slow path, which is also the only one that words error messages, so
 * both paths agree on what is malformed.
 */

const WS = String.raw`[ \t\r]*`;
const STRING = String.raw`"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"`;
const NUMBER = String.raw`-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?`;
const VALUE = `(?:${STRING}|${NUMBER}|true|false|null)`;
const MEMBER = `${WS}${STRING}${WS}:${WS}${VALUE}${WS}`;

/** A JSON object whose values are all scalars. Unambiguous, so it runs in linear time. */
const FLAT_OBJECT = new RegExp(`^${WS}\\{(?:${MEMBER}(?:,${MEMBER})*)?\\}${WS}$`);

/**
 * A top-level key. In a valid flat object a `"` preceded by `{` or `,` (and
 * blanks) always opens a key, never sits inside a string, where every quote
 * is escaped.
 */
const TEXT_KEY = new RegExp(`[{,]${WS}"text"${WS}:${WS}"([^"\\\\]*(?:\\\\.[^"\\\\]*)*)"`, 'g');
const ID_KEY = new RegExp(`[{,]${WS}"id"${WS}:${WS}(${STRING}|${NUMBER})`, 'g');

/** A post as the scanner needs it. */
export interface Post {
  id: string | number;
  text: string;
}

/** A line's text, read without `JSON.parse`, plus how to get its id when needed. */
export interface FastPost {
  text: string;
  /** Parses the id; only called for posts that mention a meeting. */
  id(): string | number;
}

function single(pattern: RegExp, line: string): RegExpExecArray | null {
  pattern.lastIndex = 0;
  const first = pattern.exec(line);
  if (first === null) return null;
  return pattern.exec(line) === null ? first : null;
}

/** The fast path; null means "use {@link parsePost}", not "malformed". */
export function readFlatPost(line: string): FastPost | null {
  if (!FLAT_OBJECT.test(line)) return null;
  const text = single(TEXT_KEY, line);
  const id = single(ID_KEY, line);
  const rawText = text?.[1];
  const rawId = id?.[1];
  if (rawText === undefined || rawId === undefined) return null;
  return {
    text: rawText.includes('\\') ? (JSON.parse(`"${rawText}"`) as string) : rawText,
    id: () => JSON.parse(rawId) as string | number,
  };
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
  const record = value as Record<string, unknown>;
  const { id, text } = record;
  if (id === undefined || id === null) return { problem: 'missing "id"' };
  if (typeof id !== 'string' && typeof id !== 'number') return { problem: `"id" must be a string or a number, got ${typeName(id)}` };
  if (text === undefined) return { problem: 'missing "text"' };
  if (typeof text !== 'string') return { problem: `"text" must be a string, got ${typeName(text)}` };
  return { id, text };
}
