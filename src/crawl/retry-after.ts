/**
 * When a `Retry-After` header (seconds, or an HTTP date) says to come back;
 * null when it is missing or unreadable. Never earlier than `now`, never
 * later than `maxMs` from now (a broken header must not stall a source for days).
 */
export function retryAfter(header: string | null | undefined, now: Date, maxMs = 3_600_000): Date | null {
  if (!header) return null;
  const value = header.trim();
  let at: number;
  if (/^\d+$/.test(value)) at = now.getTime() + Number(value) * 1000;
  else {
    at = Date.parse(value);
    if (Number.isNaN(at)) return null;
  }
  return new Date(Math.min(Math.max(at, now.getTime()), now.getTime() + maxMs));
}
