/**
 * Serves the web app (`app.ts`) on one host and port with @hono/node-server.
 * What the HTTP parser refuses before the app sees it (bad request lines,
 * header overflow, bad framing) and request targets no URL can be made of
 * are answered with a 4xx here; nothing a client sends ends the process.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener, RequestError } from '@hono/node-server';
import type { Logger } from '../logger.js';
import { metrics as processMetrics, type Metrics } from '../metrics.js';
import type { OnVerified } from '../registry/identifiers.js';
import type { Db } from '../store/database.js';
import { type AppDeps, createApp } from './app.js';
import type { HealthCheck } from './health.js';
import { page } from './layout.js';
import { CONTENT_SECURITY_POLICY } from './security-headers.js';

export interface WebServerOptions {
  db: Db;
  /** The key action links are signed with (`linkKey`). */
  linkKey: Buffer;
  onVerified: OnVerified;
  log: Logger;
  host: string;
  /** 0: any free port (the bound one is in {@link WebServer.url}). */
  port: number;
  clock?: () => Date;
  /** What `/healthz` reports. Without it, only whether the database answers. */
  health?: HealthCheck;
  /** What `/metrics` serves. Default: the process's ({@link processMetrics}). */
  metrics?: Metrics;
  /** The rest of the app's dependencies (`web.publicUrl`, the dashboard's). Default: none, only the email-link pages, health and metrics. */
  app?: Omit<AppDeps, 'db' | 'linkKey' | 'onVerified' | 'log' | 'clock' | 'health' | 'metrics'>;
}

export interface WebServer {
  /** `http://host:port` as bound (port 0 becomes the real port). */
  url: string;
  close(): Promise<void>;
}

/** Starts the endpoint; resolves once it listens. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { log } = options;
  const meter = options.metrics ?? processMetrics;
  meter.collectProcessMetrics();
  const app = createApp({ ...options.app, db: options.db, linkKey: options.linkKey, onVerified: options.onVerified, log, clock: options.clock, health: options.health, metrics: meter });
  const listener = getRequestListener(app.fetch, {
    errorHandler: function unreadableRequest(error) {
      // A target or Host no URL can be made of (`//[`, `x:99999`): the client's fault.
      if (error instanceof RequestError) {
        log.warn({ reason: error.message }, 'unreadable HTTP request refused');
        return new Response(page('Bad request', '<p>The address of this request is not valid.</p>'), {
          status: 400,
          headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
        });
      }
      log.error({ err: error }, 'web request failed');
      return new Response(null, { status: 500 });
    },
  });
  const server: Server = createServer(function handle(request, response) {
    response.once('finish', () => meter.httpResponse(response.statusCode));
    void listener(request, response);
  });
  server.on('clientError', function clientError(error: NodeJS.ErrnoException, socket) {
    log.warn({ code: error.code, reason: error.message }, 'malformed HTTP request refused');
    if (socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      meter.httpResponse(Number(status.slice(0, 3)));
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    } else {
      socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
