/** A URL (or the address a name resolves to) leakwatch will not fetch, with why. */
export class BlockedUrlError extends Error {
  override name = 'BlockedUrlError';
}
