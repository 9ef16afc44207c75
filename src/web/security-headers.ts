import type { MiddlewareHandler } from 'hono';

/**
 * No inline script or style anywhere (styles are `/static/app.css`), nothing
 * fetched from elsewhere, framed by nobody, forms posted only here. `default-src
 * 'none'` rather than `'self'`: the pages load one stylesheet and nothing else.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/**
 * Headers on every response. Pages carry tokens in their URLs and personal
 * data in their bodies: no Referer leaves them, nothing caches them. HSTS
 * only when the public address is https (a plain-http deployment would lock
 * itself out).
 */
export function securityHeaders(options: { https: boolean }): MiddlewareHandler {
  return async function setSecurityHeaders(c, next) {
    await next();
    const headers = c.res.headers;
    headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
    headers.set('x-content-type-options', 'nosniff');
    headers.set('x-frame-options', 'DENY');
    headers.set('referrer-policy', 'no-referrer');
    if (!headers.has('cache-control')) headers.set('cache-control', 'no-store');
    if (options.https) headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
  };
}
