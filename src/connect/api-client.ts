import { setTimeout as sleep } from 'node:timers/promises';
import { BlockedError, ParseError, RateLimitedError, RetryableError } from '../crawl/errors.js';
import { retryAfter } from '../crawl/retry-after.js';
import { BlockedUrlError } from '../net/blocked-url-error.js';
import { guardedFetch, ResponseTooLargeError } from '../net/guarded-fetch.js';
import type { UrlGuardOptions } from '../net/guard-options.js';

export interface ApiClientOptions {
  /** Where requests may go (`http.allowPrivateHosts`, `.allowHosts`, `.dnsServers`): the same guard as every fetcher. */
  guard: UrlGuardOptions;
  /** Sent as the User-Agent. */
  userAgent: string;
  /** Per attempt (`http.timeoutMs`). */
  timeoutMs: number;
  /** `http.maxResponseBytes`. */
  maxResponseBytes: number;
  /** Extra attempts after a network error, a 5xx or a 429 (`http.retries`). */
  retries: number;
  /** Longest `Retry-After` waited for; a longer one gives up with a {@link RateLimitedError} (`connections.maxRetryAfterSecs`). */
  maxRetryAfterMs: number;
  /** First retry after a 5xx or a network error waits about this long, doubling each time, with jitter. Default 500. */
  retryBaseMs?: number;
}

export interface ApiRequest {
  /** Default `GET`. */
  method?: 'GET' | 'POST' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The body as JSON; a {@link ParseError} naming the endpoint (never the body: it may carry a token) when it is not. */
  json<T = unknown>(): T;
}

/**
 * Requests to platform APIs (Zoom, and later Microsoft Graph and Google),
 * each through the URL guard (`src/net`): a 429 waits for its `Retry-After`
 * (up to {@link ApiClientOptions.maxRetryAfterMs}), a 5xx or a network error
 * is retried with backoff, redirects are not followed. Any other answer is
 * returned for the provider to read: a 401 means something different at a
 * token endpoint than at a resource. Errors name the method, host and path,
 * never a query string, header or body.
 */
export class ApiClient {
  #options: Required<ApiClientOptions>;

  constructor(options: ApiClientOptions) {
    this.#options = { retryBaseMs: 500, ...options };
  }

  async request(request: ApiRequest): Promise<ApiResponse> {
    const where = endpoint(request);
    for (let attempt = 0; ; attempt++) {
      let status: number;
      let headers: Record<string, string>;
      let body: Buffer;
      try {
        ({ status, headers, body } = await guardedFetch(request.url, {
          guard: this.#options.guard,
          method: request.method ?? 'GET',
          headers: { 'user-agent': this.#options.userAgent, accept: 'application/json', ...request.headers },
          body: request.body === undefined ? null : Buffer.from(request.body, 'utf8'),
          timeoutMs: this.#options.timeoutMs,
          maxResponseBytes: this.#options.maxResponseBytes,
          signal: request.signal,
        }));
      } catch (error) {
        if (error instanceof BlockedUrlError) throw new BlockedError(`${where}: ${error.message}`, null, { cause: error });
        if (error instanceof ResponseTooLargeError) throw new BlockedError(`${where}: the answer is larger than http.maxResponseBytes (${this.#options.maxResponseBytes} bytes)`, null, { cause: error });
        if (request.signal?.aborted) throw error;
        if (attempt >= this.#options.retries) throw new RetryableError(`${where}: ${(error as Error).message}`, null, { cause: error });
        await this.#backoff(attempt, request.signal);
        continue;
      }
      if (status === 429) {
        const now = new Date();
        const at = retryAfter(headers['retry-after'], now, this.#options.maxRetryAfterMs + 1) ?? new Date(now.getTime() + this.#options.retryBaseMs * 2 ** (attempt + 1));
        const waitMs = at.getTime() - now.getTime();
        if (attempt >= this.#options.retries || waitMs > this.#options.maxRetryAfterMs) {
          throw new RateLimitedError(`${where} answered 429 (rate limited); try again after ${at.toISOString()}`, at);
        }
        await sleep(waitMs, undefined, { signal: request.signal });
        continue;
      }
      if (status >= 500) {
        if (attempt >= this.#options.retries) throw new RetryableError(`${where}: HTTP ${status} after ${attempt + 1} attempts`, status);
        await this.#backoff(attempt, request.signal);
        continue;
      }
      if (status >= 300 && status < 400) throw new BlockedError(`${where}: HTTP ${status} (redirects are not followed)`, status);
      return {
        status,
        headers,
        body,
        json<T>() {
          try {
            return JSON.parse(body.toString('utf8')) as T;
          } catch (error) {
            throw new ParseError(`${where}: HTTP ${status} with an answer that is not JSON (${body.length} bytes, ${headers['content-type'] ?? 'no content type'})`, { cause: error });
          }
        },
      };
    }
  }

  async #backoff(attempt: number, signal: AbortSignal | undefined): Promise<void> {
    const base = this.#options.retryBaseMs * 2 ** attempt;
    await sleep(base / 2 + Math.random() * base, undefined, { signal });
  }
}

/** `GET api.zoom.us/v2/users`: what errors may say of a request. */
function endpoint(request: ApiRequest): string {
  try {
    const url = new URL(request.url);
    return `${request.method ?? 'GET'} ${url.host}${url.pathname}`;
  } catch {
    return `${request.method ?? 'GET'} (not a URL)`;
  }
}
