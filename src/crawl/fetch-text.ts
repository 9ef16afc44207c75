import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockedUrlError, checkUserUrl, guardedLookup } from './url-guard.js';

export interface FetchTextOptions {
  userAgent: string;
  timeoutMs: number;
  maxResponseBytes: number;
  maxRedirects: number;
  allowPrivateHosts: boolean;
  /** Conditional request: what the last response said. */
  etag?: string | null;
  lastModified?: string | null;
  signal?: AbortSignal;
}

export type FetchTextResult =
  | { status: 'ok'; url: string; text: string; etag: string | null; lastModified: string | null }
  | { status: 'not-modified'; url: string };

/** An HTTP failure that says what went wrong with which URL. */
export class FetchError extends Error {
  override name = 'FetchError';
  readonly status: number | null;

  constructor(message: string, status: number | null = null, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

/**
 * GETs a user-supplied URL as text: checked before fetching and at every
 * connection (no private addresses unless allowed), redirects followed up to
 * a limit and each checked, a timeout, a size cap, and conditional requests.
 */
export async function fetchText(rawUrl: string, options: FetchTextOptions): Promise<FetchTextResult> {
  let url = checkUserUrl(rawUrl, options);
  for (let redirects = 0; ; redirects++) {
    const response = await get(url, options);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304 && response.headers.location) {
      response.resume();
      if (redirects >= options.maxRedirects) throw new FetchError(`${rawUrl}: more than ${options.maxRedirects} redirects`, status);
      url = checkUserUrl(new URL(response.headers.location, url).href, options);
      continue;
    }
    if (status === 304) {
      response.resume();
      return { status: 'not-modified', url: url.href };
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw new FetchError(`${url.href}: HTTP ${status}`, status);
    }
    const text = await readCapped(response, options.maxResponseBytes, url.href);
    const header = (name: string) => {
      const value = response.headers[name];
      return typeof value === 'string' ? value : null;
    };
    return { status: 'ok', url: url.href, text, etag: header('etag'), lastModified: header('last-modified') };
  }
}

function get(url: URL, options: FetchTextOptions): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { 'user-agent': options.userAgent, accept: 'text/calendar, text/plain;q=0.9, */*;q=0.5' };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, lookup: guardedLookup(options.allowPrivateHosts), timeout: options.timeoutMs, signal: options.signal }, resolve);
    req.on('timeout', () => req.destroy(new FetchError(`${url.href}: no response within ${options.timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof FetchError) return reject(error);
      if (error.code === 'EBLOCKED') return reject(new BlockedUrlError(error.message));
      reject(new FetchError(`${url.href}: ${error.message}`, null, { cause: error }));
    });
    req.end();
  });
}

async function readCapped(response: IncomingMessage, maxBytes: number, url: string): Promise<string> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw new FetchError(`${url}: response of ${declared} bytes is larger than the ${maxBytes}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.destroy();
      throw new FetchError(`${url}: response is larger than the ${maxBytes}-byte limit`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
