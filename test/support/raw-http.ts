import { connect } from 'node:net';

/**
 * Sends bytes as they are over a fresh TCP connection and resolves with
 * everything the server wrote back before it closed (or `waitMs` passed).
 * For requests no HTTP client would send.
 */
export function rawRequest(url: string, bytes: string | Buffer, waitMs = 2000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => socket.end(bytes));
  });
}

/** Request lines and headers that have ended HTTP servers: bad targets, ports, encodings and framing. */
export const MALFORMED_REQUESTS: readonly string[] = [
  'GET //[ HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET //h:99999/ HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET //[::1 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET http://x:99999/a/b HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET http://[/ HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET //user:pass@/healthz HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET * HTTP/1.1\r\nHost: x\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n',
  'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET a/b HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /a/%zz HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /a/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /verify/%00%ff HTTP/1.1\r\nHost: x\r\n\r\n',
  `GET /a/${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
  `GET /${'/'.repeat(5000)}healthz HTTP/1.1\r\nHost: x\r\n\r\n`,
  'GET /a/\u00ff\u00fe HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n',
  'GET /healthz\r\n\r\n',
  'GARBAGE\r\n\r\n',
  '\u0000\u0001\u0002\r\n\r\n',
  'GET /healthz HTTP/1.1\r\nHost: [\r\n\r\n',
  'GET /healthz HTTP/1.1\r\nHost: x:99999\r\n\r\n',
  'GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n',
  'GET /healthz HTTP/1.1\r\nBad Header: x\r\n\r\n',
  `GET /healthz HTTP/1.1\r\nX-Big: ${'x'.repeat(70_000)}\r\n\r\n`,
  'POST /verify/abc HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
  'POST /verify/abc HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
  'POST /verify/abc HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
  'POST /verify/abc HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n',
  'POST /a/abc.def HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10\r\n\r\n%%%%%=%%%%',
  'POST /a/abc.def HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort',
  'POST /manage/x.y HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\naction=%G',
  'GET /a/abc.def HTTP/1.1\r\nHost: x\r\nCookie: \u0000\r\n\r\n',
  'GET /unsubscribe/..%2F..%2Fetc HTTP/1.1\r\nHost: x\r\n\r\n',
  'HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n',
  'DELETE // HTTP/1.1\r\nHost: x\r\n\r\n',
];
