import { createServer, type Server } from 'node:net';

/**
 * The proxy Chromium is started with: it accepts a connection and drops it.
 * Every request Chromium makes is answered by `context.route` before it
 * reaches the network, so nothing legitimate ever gets here. What does is a
 * connection Chromium opens outside request interception: the speculative
 * connection it opens for an iframe, a WebSocket from a worker, the request
 * after a redirect Playwright answered with a 3xx, WebRTC over TCP. With
 * this proxy (and no loopback bypass) those fail instead of reaching
 * whatever address the page named.
 */
export class SinkholeProxy {
  #server: Server;

  private constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket) => socket.destroy());
  }

  /** Listens on 127.0.0.1, on a port the kernel picks. */
  static async start(): Promise<SinkholeProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Listening alone must not keep the process running; HeadlessBrowser.close() closes it.
    server.unref();
    return new SinkholeProxy(server);
  }

  /** For `--proxy-server`. */
  get url(): string {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the sinkhole proxy is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
