/**
 * Paging cursors: opaque to clients, signed so that a cursor cannot be
 * forged or edited, and bound to the organisation and filters it was made
 * for. A cursor names the last row of its page; the next page starts after
 * it in an order new and changed rows never disturb (by number).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/database.js';
import { installationKey } from '../store/settings.js';

const KEY_NAME = 'api-cursor';
const MAC_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What a cursor is bound to: who asked, and with which filters (any JSON value, compared exactly). */
export interface CursorScope {
  orgId: number;
  filters: Record<string, unknown>;
}

export function encodeCursor(db: Db, scope: CursorScope, afterId: number): string {
  const payload = Buffer.from(JSON.stringify({ a: afterId })).toString('base64url');
  return `${payload}.${mac(db, scope, payload)}`;
}

/** The row a cursor continues after, or null when it is not one this installation made for this scope. */
export function decodeCursor(db: Db, scope: CursorScope, cursor: string): number | null {
  const [payload, signature, ...rest] = cursor.split('.');
  if (payload === undefined || signature === undefined || rest.length > 0 || !BASE64URL.test(payload)) return null;
  // Compared as written: base64url decoding forgives padding and stray characters, so two spellings could pass.
  const expected = Buffer.from(mac(db, scope, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const { a } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { a?: unknown };
    return typeof a === 'number' && Number.isSafeInteger(a) && a >= 0 ? a : null;
  } catch {
    return null;
  }
}

function mac(db: Db, scope: CursorScope, payload: string): string {
  const filters = Object.fromEntries(Object.entries(scope.filters).filter(([, value]) => value !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  return createHmac('sha256', installationKey(db, KEY_NAME))
    .update(JSON.stringify([scope.orgId, filters, payload]))
    .digest()
    .subarray(0, MAC_BYTES)
    .toString('base64url');
}
