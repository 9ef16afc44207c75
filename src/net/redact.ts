/**
 * How a URL someone gave us may be shown: its scheme and host only. Paths
 * and queries are often secrets in their own right (Slack and Teams webhook
 * URLs, a calendar's private iCal address, a feed's token), so errors, logs,
 * listings and `leakwatch config` never carry more than this.
 */
export function redactUrl(raw: string | URL): string {
  let url: URL;
  try {
    url = typeof raw === 'string' ? new URL(raw) : raw;
  } catch {
    return '(not a URL)';
  }
  const rest = url.pathname.length > 1 || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '';
  return `${url.protocol}//${url.host}${rest ? '/…' : ''}`;
}

/** `text` with each of `urls` (as given, and as `new URL()` would print it) replaced by {@link redactUrl}. */
export function redactUrlsIn(text: string, urls: readonly string[]): string {
  let out = text;
  for (const raw of urls) {
    let href: string | null = null;
    try {
      href = new URL(raw).href;
    } catch {
      // Not a URL: only its literal spelling can appear.
    }
    const shown = redactUrl(raw);
    for (const form of new Set([raw, href].filter((f): f is string => f !== null && f.length > 0))) out = out.split(form).join(shown);
  }
  return out;
}
