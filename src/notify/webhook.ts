/**
 * Webhooks: a JSON POST per alert, signed so the receiver can tell it came
 * from us and is fresh. Headers:
 * - `X-Leakwatch-Timestamp`: seconds since the epoch;
 * - `X-Leakwatch-Signature`: `sha256=` + hex HMAC-SHA256 over `<timestamp>.<body>`
 *   with `LEAKWATCH_WEBHOOK_SECRET` (reject old timestamps to stop replays);
 * - `X-Leakwatch-Delivery`: the message's id, the same on every retry.
 * The body has a Slack-compatible `text`. The URL is checked like every URL a
 * user supplies (`src/net/url-guard.ts`): http(s) only, public addresses
 * only (unless `http.allowPrivateHosts` or `http.allowHosts`), checked again
 * at connection time; redirects are not followed.
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkUserUrl, guardedLookup } from '../net/url-guard.js';
import type { FailureVerdict } from './smtp.js';

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class WebhookError extends Error {
  override name = 'WebhookError';
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
  }
}

export interface WebhookOptions {
  secret: string;
  timeoutMs: number;
  /** `http.allowPrivateHosts`. */
  allowPrivateHosts: boolean;
  /** `http.allowHosts`: `host:port` pairs posted to even though private. Default none. */
  allowHosts?: readonly string[];
  /** `http.dnsServers`. Default none: the system's resolver. */
  dnsServers?: readonly string[];
  userAgent: string;
  delivery: string;
  now?: Date;
}

/** POSTs `body`; resolves on a 2xx answer, throws a {@link WebhookError} saying whether to retry otherwise. */
export async function postWebhook(url: string, body: string, options: WebhookOptions): Promise<number> {
  let target: URL;
  try {
    target = checkUserUrl(url, options);
  } catch (error) {
    throw new WebhookError((error as Error).message, false);
  }
  const timestamp = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const request = send(
      target,
      {
        method: 'POST',
        lookup: guardedLookup(options, target),
        timeout: options.timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': options.userAgent,
          'x-leakwatch-timestamp': String(timestamp),
          'x-leakwatch-signature': signWebhook(options.secret, timestamp, body),
          'x-leakwatch-delivery': options.delivery,
        },
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(status);
        else if (status === 429 || status === 408 || status >= 500) reject(new WebhookError(`${target.host} answered HTTP ${status}`, true));
        else reject(new WebhookError(`${target.host} answered HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`, false));
      },
    );
    request.on('timeout', () => request.destroy(new WebhookError(`${target.host} did not answer within ${options.timeoutMs} ms`, true)));
    request.on('error', (error) => {
      if (error instanceof WebhookError) reject(error);
      else if ((error as NodeJS.ErrnoException).code === 'EBLOCKED') reject(new WebhookError(error.message, false));
      else reject(new WebhookError(`${target.host}: ${error.message}`, true));
    });
    request.end(body);
  });
}

export function classifyWebhookError(error: unknown): FailureVerdict {
  if (error instanceof WebhookError) return { retry: error.retry, reason: error.message };
  return { retry: true, reason: String(error) };
}
