import { redactUrl } from '../net/redact.js';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import PQueue from 'p-queue';
import robotsParserModule from 'robots-parser';
import { BlockedError, ParseError, RateLimitedError, RetryableError } from './errors.js';
import { retryAfter } from './retry-after.js';
import { BlockedUrlError, checkUserUrl, guardedLookup, type UrlGuardOptions } from '../net/url-guard.js';

export interface HttpClientOptions {
  /** Product token and version, e.g. `leakwatch/0.1`; the contact URL is appended. */
  userAgent: string;
  /** Where a site operator can reach whoever runs this leakwatch. */
  contactUrl: string;
  /** Per attempt. */
  timeoutMs: number;
  maxResponseBytes: number;
  maxRedirects: number;
  /** Extra attempts after a network error, a 5xx or a 429. */
  retries: number;
  /** Fetch loopback, private and link-local addresses too (`http.allowPrivateHosts`). */
  allowPrivateHosts: boolean;
  /** `host:port` pairs fetched even though private (`http.allowHosts`). Default none. */
  allowHosts?: readonly string[];
  /** DNS servers names are resolved with (`http.dnsServers`). Default none: the system's resolver. */
  dnsServers?: readonly string[];
  respectRobotsTxt: boolean;
  /** First retry waits about this long, doubling each time, with jitter. Default 500. */
  retryBaseMs?: number;
  /** Longest a Retry-After is honoured before giving up on the request. Default 10 minutes. */
  maxRetryAfterMs?: number;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** At least this long between two requests to the host (the source's own rate limit). Default 0. */
  minIntervalMs?: number;
  /** Send If-None-Match / If-Modified-Since from the last answer for this URL. Default true. */
  conditional?: boolean;
  /**
   * Check robots.txt first. Default true; false for a URL a person gave us to
   * read on their behalf (a calendar feed), as a feed reader does.
   */
  robots?: boolean;
  /**
   * The URL is a credential in its own right (a calendar's private address):
   * errors name only its scheme and host, and those of every redirect. Default false.
   */
  secretUrl?: boolean;
}

/** A URL as errors may show it: whole, or up to its host when it is a secret. */
function shown(url: URL | string, options: Pick<RequestOptions, 'secretUrl'>): string {
  return options.secretUrl === true ? redactUrl(url) : String(url);
}

export interface HttpResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  /** 304: nothing changed since the last answer. */
  notModified: boolean;
  body: Buffer;
  text(): string;
  /** The body as JSON; a {@link ParseError} naming the URL when it is not. */
  json<T = unknown>(): T;
}

interface HostState {
  queue: PQueue;
  nextSlot: number;
  cooldownUntil: number;
  robots?: Promise<{ allowed(url: string): boolean; crawlDelayMs: number }>;
}

const ROBOTS_TOKEN = 'leakwatch';

/** robots-parser is CommonJS with loose typings: its export is this function. */
const robotsParser = robotsParserModule as unknown as (
  url: string,
  contents: string,
) => { isAllowed(url: string, ua?: string): boolean | undefined; getCrawlDelay(ua?: string): number | undefined };

/**
 * The one HTTP client of every crawler: one queue per host (requests to a
 * host are spaced by the source's rate and the host's robots.txt
 * Crawl-delay), robots.txt fetched once and obeyed, a User-Agent that names
 * leakwatch and its operator, timeouts, retries with jitter on network
 * errors and 5xx, 429/503 with Retry-After cooling the host down,
 * conditional requests, a response size cap, a redirect limit, and no
 * private addresses unless allowed.
 */
export class HttpClient {
  #options: Required<HttpClientOptions>;
  #hosts = new Map<string, HostState>();
  #validators = new Map<string, { etag: string | null; lastModified: string | null }>();

  constructor(options: HttpClientOptions) {
    this.#options = { retryBaseMs: 500, maxRetryAfterMs: 600_000, allowHosts: [], dnsServers: [], ...options };
  }

  /** Whether loopback and private addresses may be fetched (`http.allowPrivateHosts`); the browser helper follows it too. */
  get allowPrivateHosts(): boolean {
    return this.#options.allowPrivateHosts;
  }

  /** Where this client may connect (`http.allowPrivateHosts`, `.allowHosts`, `.dnsServers`); the browser helper uses the same. */
  get guard(): UrlGuardOptions {
    const { allowPrivateHosts, allowHosts, dnsServers } = this.#options;
    return { allowPrivateHosts, allowHosts, dnsServers };
  }

  /** The largest response accepted (`http.maxResponseBytes`). */
  get maxResponseBytes(): number {
    return this.#options.maxResponseBytes;
  }

  /** Redirects followed per request (`http.maxRedirects`). */
  get maxRedirects(): number {
    return this.#options.maxRedirects;
  }

  /** Per attempt (`http.timeoutMs`). */
  get timeoutMs(): number {
    return this.#options.timeoutMs;
  }

  get userAgent(): string {
    return `${this.#options.userAgent} (+${this.#options.contactUrl})`;
  }

  /** GET with everything above; throws the errors of `errors.ts`. */
  async get(rawUrl: string, options: RequestOptions = {}): Promise<HttpResponse> {
    let url: URL;
    try {
      url = checkUserUrl(rawUrl, this.#options);
    } catch (error) {
      throw new BlockedError((error as Error).message, null, { cause: error });
    }
    const host = this.#host(url.origin);
    if (this.#options.respectRobotsTxt && options.robots !== false && url.pathname !== '/robots.txt') {
      const robots = await (host.robots ??= this.#loadRobots(url.origin, options.signal));
      if (!robots.allowed(url.href)) throw new BlockedError(`robots.txt of ${url.host} disallows ${url.pathname}`);
    }

    for (let attempt = 0; ; attempt++) {
      try {
        return await host.queue.add(() => this.#spaced(host, options, () => this.#fetch(url, options)), { signal: options.signal });
      } catch (error) {
        if (error instanceof RateLimitedError) {
          host.cooldownUntil = Math.max(host.cooldownUntil, error.retryAt.getTime());
          if (attempt >= this.#options.retries || error.retryAt.getTime() - Date.now() > this.#options.maxRetryAfterMs) throw error;
          continue;
        }
        if (error instanceof RetryableError && attempt < this.#options.retries) {
          const backoff = this.#options.retryBaseMs * 2 ** attempt;
          await sleep(backoff / 2 + Math.random() * backoff, options.signal);
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * Forgets the ETags and Last-Modified dates seen. Called when a crawl
   * fails after an answer arrived: otherwise the next run would get a 304
   * for the answer it could not use, and read nothing until it changed.
   */
  forgetValidators(): void {
    this.#validators.clear();
  }

  /** GET and parse JSON. */
  async getJson<T = unknown>(url: string, options: RequestOptions = {}): Promise<T> {
    return (await this.get(url, options)).json<T>();
  }

  #host(origin: string): HostState {
    let state = this.#hosts.get(origin);
    if (!state) {
      state = { queue: new PQueue({ concurrency: 1 }), nextSlot: 0, cooldownUntil: 0 };
      this.#hosts.set(origin, state);
    }
    return state;
  }

  /** Waits for the host's next slot (rate, Crawl-delay, cool-down), then runs `work`. */
  async #spaced<T>(host: HostState, options: RequestOptions, work: () => Promise<T>): Promise<T> {
    const robots = host.robots ? await host.robots : null;
    const wait = Math.max(host.nextSlot, host.cooldownUntil) - Date.now();
    if (wait > 0) await sleep(wait, options.signal);
    try {
      return await work();
    } finally {
      host.nextSlot = Date.now() + Math.max(options.minIntervalMs ?? 0, robots?.crawlDelayMs ?? 0);
    }
  }

  async #loadRobots(origin: string, signal?: AbortSignal): Promise<{ allowed(url: string): boolean; crawlDelayMs: number }> {
    const robotsUrl = `${origin}/robots.txt`;
    try {
      const response = await this.#fetch(new URL(robotsUrl), { signal, conditional: false });
      const robots = robotsParser(robotsUrl, response.text());
      return {
        allowed: (url: string) => robots.isAllowed(url, ROBOTS_TOKEN) !== false,
        crawlDelayMs: Math.min((robots.getCrawlDelay(ROBOTS_TOKEN) ?? 0) * 1000, 60_000),
      };
    } catch (error) {
      // No robots.txt (4xx) means everything is allowed; a failure to fetch it is retried next run.
      if (error instanceof BlockedError) return { allowed: () => true, crawlDelayMs: 0 };
      throw error;
    }
  }

  /** One request, following redirects; classifies the outcome into the crawl errors. */
  async #fetch(start: URL, options: RequestOptions): Promise<HttpResponse> {
    let url = start;
    for (let redirects = 0; ; redirects++) {
      const response = await this.#request(url, options);
      const status = response.statusCode ?? 0;
      const headers = flatHeaders(response);
      if (status >= 300 && status < 400 && status !== 304 && headers.location) {
        response.resume();
        if (redirects >= this.#options.maxRedirects) throw new BlockedError(`${shown(start, options)}: more than ${this.#options.maxRedirects} redirects`, status);
        let target: string;
        try {
          target = new URL(headers.location, url).href;
        } catch (error) {
          throw new BlockedError(`${shown(url, options)} redirects to something that is not a URL`, status, { cause: error });
        }
        try {
          url = checkUserUrl(target, this.#options);
        } catch (error) {
          throw new BlockedError(`${shown(url, options)} redirects to ${shown(target, options)}: ${(error as Error).message}`, status, { cause: error });
        }
        continue;
      }
      if (status === 429 || (status === 503 && headers['retry-after'])) {
        response.resume();
        const at =
          retryAfter(headers['retry-after'], new Date(), this.#options.maxRetryAfterMs + 1) ??
          rateLimitReset(headers, new Date(), this.#options.maxRetryAfterMs + 1) ??
          new Date(Date.now() + this.#options.retryBaseMs * 4);
        throw new RateLimitedError(`${url.host} answered ${status}; retrying after ${at.toISOString()}`, at);
      }
      if (status >= 500) {
        response.resume();
        throw new RetryableError(`${shown(url, options)}: HTTP ${status}`, status);
      }
      if (status >= 400) {
        response.resume();
        throw new BlockedError(`${shown(url, options)}: HTTP ${status}`, status);
      }
      if (status === 304) {
        response.resume();
        return makeResponse(url.href, status, headers, Buffer.alloc(0), true, options);
      }
      const body = await this.#read(response, url.href, options);
      if (headers.etag || headers['last-modified']) {
        this.#remember(start.href, { etag: headers.etag ?? null, lastModified: headers['last-modified'] ?? null });
      }
      return makeResponse(url.href, status, headers, body, false, options);
    }
  }

  #request(url: URL, options: RequestOptions): Promise<IncomingMessage> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json, text/html;q=0.9, */*;q=0.5', ...options.headers };
    const validators = options.conditional === false ? undefined : this.#validators.get(url.href);
    if (validators?.etag) headers['if-none-match'] = validators.etag;
    if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(url, { headers, lookup: guardedLookup(this.#options, url), signal: options.signal }, resolve);
      request.setTimeout(this.#options.timeoutMs, () => request.destroy(new RetryableError(`${shown(url, options)}: no response within ${this.#options.timeoutMs} ms`)));
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof RetryableError) return reject(error);
        if (error.code === 'EBLOCKED' || error instanceof BlockedUrlError) return reject(new BlockedError(error.message, null, { cause: error }));
        if (error.name === 'AbortError') return reject(error);
        reject(new RetryableError(`${shown(url, options)}: ${error.message}`, null, { cause: error }));
      });
      request.end();
    });
  }

  async #read(response: IncomingMessage, url: string, options: RequestOptions): Promise<Buffer> {
    const limit = this.#options.maxResponseBytes;
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      response.destroy();
      throw new BlockedError(`${shown(url, options)}: response of ${declared} bytes is larger than the ${limit}-byte limit`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response) {
        size += (chunk as Buffer).length;
        if (size > limit) {
          response.destroy();
          throw new BlockedError(`${shown(url, options)}: response is larger than the ${limit}-byte limit`);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof BlockedError) throw error;
      throw new RetryableError(`${shown(url, options)}: ${(error as Error).message}`, null, { cause: error });
    }
    return Buffer.concat(chunks);
  }

  #remember(url: string, validators: { etag: string | null; lastModified: string | null }): void {
    // Bounded: the oldest entries go first.
    if (this.#validators.size >= 10_000) this.#validators.delete(this.#validators.keys().next().value!);
    this.#validators.set(url, validators);
  }
}

/**
 * When a 429 without Retry-After may be retried, from the rate-limit headers
 * sources send instead: `x-ratelimit-reset` and `ratelimit-reset` (seconds
 * from now: Reddit, the IETF draft) and `x-rate-limit-reset` (a Unix time: X).
 */
function rateLimitReset(headers: Record<string, string>, now: Date, maxMs: number): Date | null {
  const relative = Number(headers['x-ratelimit-reset'] ?? headers['ratelimit-reset']);
  const absolute = Number(headers['x-rate-limit-reset']);
  let at: number | null = null;
  if (Number.isFinite(relative) && relative >= 0) at = now.getTime() + relative * 1000;
  else if (Number.isFinite(absolute) && absolute > 0) at = absolute * 1000;
  if (at === null) return null;
  return new Date(Math.min(Math.max(at, now.getTime()), now.getTime() + maxMs));
}

function flatHeaders(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function makeResponse(url: string, status: number, headers: Record<string, string>, body: Buffer, notModified: boolean, options: RequestOptions): HttpResponse {
  return {
    url,
    status,
    headers,
    notModified,
    body,
    text: () => body.toString('utf8'),
    json<T>() {
      try {
        return JSON.parse(body.toString('utf8')) as T;
      } catch (error) {
        throw new ParseError(`${shown(url, options)}: expected JSON, got ${JSON.stringify(body.subarray(0, 80).toString('utf8'))}…`, { cause: error });
      }
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** The client the configuration's `http` section describes. */
export function httpClientFromConfig(http: HttpClientOptions): HttpClient {
  return new HttpClient(http);
}
