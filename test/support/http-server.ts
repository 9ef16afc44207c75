import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export interface TestHttpServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Every request received, in order. */
  requests: { method: string; url: string; headers: IncomingMessage['headers'] }[];
  /** Replaces the handler of a path. */
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback, port 0, replaying what each path is given.
 * `/hang` never answers (for timeouts); unknown paths are 404.
 */
export async function startHttpServer(routes: Record<string, Handler> = {}): Promise<TestHttpServer> {
  const table = new Map(Object.entries(routes));
  const requests: TestHttpServer['requests'] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer(function handle(request, response) {
    requests.push({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers });
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/hang') {
      hanging.add(response);
      return;
    }
    const handler = table.get(path);
    if (!handler) {
      response.writeHead(404).end('not found');
      return;
    }
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (path, handler) => table.set(path, handler),
    close: () =>
      new Promise((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
