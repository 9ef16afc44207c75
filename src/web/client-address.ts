import type { Context } from 'hono';
import type { DashboardEnv } from './dashboard-deps.js';

/**
 * The client's address for rate limits: the connection's, or, when
 * `web.trustProxy` says a proxy in front sets it, the last address of
 * `X-Forwarded-For` (the one that proxy added; earlier ones are the client's
 * own claims).
 */
export function clientAddress(c: Context<DashboardEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
