/**
 * The two HTML safety helpers of the email templates. Everything a post or a
 * user wrote goes through {@link escapeHtml}; every URL put into an `href`
 * goes through {@link safeHref} first.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` safe to put in HTML text and in double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** `http://` or `https://` at the very start: absolute web URLs only. */
const ABSOLUTE_WEB_URL = /^https?:\/\//i;

/** Whitespace and control characters, which browsers silently drop or trim from URLs. */
const INVISIBLE = /[\s\u0000-\u001f\u007f-\u009f]/;

/**
 * The URL to use as an `href`, or null when it must not be linked. Only
 * absolute `http:` and `https:` URLs with a host are linked; `javascript:`,
 * `data:`, relative, protocol-relative and malformed URLs return null and are
 * shown as escaped text instead. A valid URL is returned as written, except
 * that one containing whitespace or control characters is returned in the
 * URL parser's serialisation (what a browser would open anyway). The result
 * still has to be escaped with {@link escapeHtml} inside the attribute.
 */
export function safeHref(url: string): string | null {
  const trimmed = url.trim();
  if (!ABSOLUTE_WEB_URL.test(trimmed)) return null;
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.hostname === '') return null;
  return INVISIBLE.test(trimmed) ? parsed.href : trimmed;
}
