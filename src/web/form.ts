import type { Context } from 'hono';

/**
 * The fields of a URL-encoded form body. The body's size was limited by the
 * app's body limit before it is read; bytes that are not UTF-8 and broken
 * percent escapes come out as replacement characters, never as an error.
 */
export async function readForm(c: Context): Promise<URLSearchParams> {
  return new URLSearchParams(await c.req.text());
}
