import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { BlockedUrlError } from './blocked-url-error.js';
import type { UrlGuardOptions } from './guard-options.js';
import { guardedLookup } from './guarded-lookup.js';
import { checkUserUrl } from './url-guard.js';

export interface GuardedFetchOptions {
  /** Where the request may go; checked on the URL and again on the addresses connected to. */
  guard: UrlGuardOptions;
  /** Default `GET`. */
  method?: string;
  /** Sent as given, less the hop-by-hop ones and those Node sets itself (host, content-length). Default none. */
  headers?: Record<string, string>;
  /** Default none. */
  body?: Buffer | null;
  /** From the start of the request to the last byte of the body. */
  timeoutMs: number;
  /** Decoded body size above which the response is refused. */
  maxResponseBytes: number;
  signal?: AbortSignal;
}

export interface GuardedResponse {
  status: number;
  /** Lower-case names; several Set-Cookie headers joined by `\n` (as Playwright's `route.fulfill` takes them), others by `, `. */
  headers: Record<string, string>;
  /** Decoded: a gzip, deflate or br body arrives decompressed and without its content-encoding. */
  body: Buffer;
}

/** A response refused for its size; not worth retrying. */
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
}

/** Request headers that describe one connection, not the request, or that Node computes for the request it sends. */
const DROPPED_REQUEST_HEADERS = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length', 'accept-encoding']);
/** Response headers that no longer describe the body once it has been read and decoded here. */
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'trailer', 'upgrade']);
const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress };

/**
 * One HTTP request under the URL guard, for a client that is not leakwatch's
 * own (Chromium, through `page.route`): the URL is checked, the name is
 * resolved by {@link guardedLookup} so that only checked addresses are
 * connected to, redirects are returned, not followed (the caller checks the
 * Location and asks again), and the body is capped in time and size. Throws
 * a {@link BlockedUrlError} for a refused URL or address, a
 * {@link ResponseTooLargeError}, or the network error.
 */
export async function guardedFetch(rawUrl: string, options: GuardedFetchOptions): Promise<GuardedResponse> {
  const url = checkUserUrl(rawUrl, options.guard);
  const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br' };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!DROPPED_REQUEST_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])]);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = send(url, { method: options.method ?? 'GET', headers, lookup: guardedLookup(options.guard, url), signal }, resolve);
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EBLOCKED' && !(error instanceof BlockedUrlError)) return reject(new BlockedUrlError(error.message, { cause: error }));
      reject(timedOut(signal, options.timeoutMs, url) ?? error);
    });
    request.end(options.body ?? undefined);
  });
  try {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxResponseBytes) {
      throw new ResponseTooLargeError(`${url.href}: response of ${declared} bytes is larger than the ${options.maxResponseBytes}-byte limit (http.maxResponseBytes)`);
    }
    const encoding = String(response.headers['content-encoding'] ?? '').trim().toLowerCase();
    const decoder = DECODERS[encoding];
    const body = await readCapped(decoder ? response.pipe(decoder()) : response, options.maxResponseBytes, url);
    return { status: response.statusCode ?? 0, headers: flatHeaders(response.headers, decoder !== undefined), body };
  } catch (error) {
    response.destroy();
    throw timedOut(signal, options.timeoutMs, url) ?? error;
  }
}

async function readCapped(stream: Readable | NodeJS.ReadableStream, limit: number, url: URL): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ResponseTooLargeError(`${url.href}: response is larger than the ${limit}-byte limit (http.maxResponseBytes)`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function timedOut(signal: AbortSignal, timeoutMs: number, url: URL): Error | null {
  const reason: unknown = signal.reason;
  if (!signal.aborted || !(reason instanceof DOMException) || reason.name !== 'TimeoutError') return null;
  return Object.assign(new Error(`${url.href}: no complete response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
}

function flatHeaders(headers: IncomingHttpHeaders, decoded: boolean): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name) || (decoded && name === 'content-encoding')) continue;
    flat[name] = Array.isArray(value) ? value.join(name === 'set-cookie' ? '\n' : ', ') : value;
  }
  return flat;
}
