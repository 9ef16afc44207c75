/**
 * Every request Chromium makes goes through the URL guard. A page server on
 * loopback is trusted by `allowHosts` alone; a second loopback server, which
 * counts every TCP connection it accepts (an HTTP request, a WebSocket
 * handshake, a bare preconnect), must never be reached from that page,
 * whether it is named by its address, by `localhost.` (which Chromium
 * resolves to loopback itself) or by `evil.test`, which the test's DNS server
 * resolves to 127.0.0.1. Real Chromium.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessBrowser } from '../../src/crawl/browser.js';
import { BlockedError } from '../../src/crawl/errors.js';
import { startDnsServer, type DnsTestServer } from '../support/dns-server.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';

/** A server nothing may reach: counts connections and requests, answers 200 to whatever arrives. */
interface CountingServer {
  port: number;
  connections: number;
  requests: string[];
  upgrades: number;
  close(): Promise<void>;
}

async function startCountingServer(): Promise<CountingServer> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, requests: [] as string[], upgrades: 0 };
  const server: Server = createServer((request, response) => {
    state.requests.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'content-type': 'text/html', 'access-control-allow-origin': '*' }).end('<p>REACHED THE COUNTING SERVER</p>');
  });
  server.on('connection', (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A WebSocket handshake that got this far is a connection already counted; it is answered so a client would see it open.
  server.on('upgrade', (request, socket) => {
    state.upgrades++;
    state.requests.push(`UPGRADE ${request.url}`);
    socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}

let dns: DnsTestServer;
let forbidden: CountingServer;
let site: TestHttpServer;
let browser: HeadlessBrowser;
/** The forbidden server under each of its names. */
let targets: string[];

beforeAll(async () => {
  dns = await startDnsServer();
  dns.setAddresses('evil.test', ['127.0.0.1']);
  forbidden = await startCountingServer();
  site = await startHttpServer();
  targets = [`http://127.0.0.1:${forbidden.port}`, `http://localhost.:${forbidden.port}`, `http://evil.test:${forbidden.port}`];
  browser = new HeadlessBrowser({
    allowPrivateHosts: false,
    allowHosts: [new URL(site.url).host],
    dnsServers: [dns.address],
    timeoutMs: 5000,
    quietMs: 100,
  });
});
afterAll(async () => {
  await browser.close();
  await site.close();
  await forbidden.close();
  await dns.close();
});
afterEach(() => {
  forbidden.connections = 0;
  forbidden.upgrades = 0;
  forbidden.requests.length = 0;
});

/** Serves `body` at `path` of the trusted site and renders it. */
async function renderPage(path: string, body: string) {
  site.route(path, (_request, response) => void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!DOCTYPE html><html><body>${body}</body></html>`));
  return browser.render(site.url + path);
}

/** Whatever the page did, the forbidden server saw nothing, not even a connection (checked after a pause, for late attempts). */
async function expectUntouched() {
  await sleep(300);
  expect(forbidden.requests).toEqual([]);
  expect(forbidden.connections).toBe(0);
}

/** A script that tries `attempt(url)` on every target and writes what happened into the page. */
const tryEach = (attempt: string) => `<p id="out">pending</p><script>
  const attempt = ${attempt};
  Promise.allSettled(TARGETS.map((url) => attempt(url))).then((results) => {
    document.getElementById('out').textContent = results.map((r) => r.status === 'fulfilled' ? 'loaded:' + r.value : 'refused').join(' ');
  });
</script>`;

const withTargets = (html: string) => html.replace('TARGETS', JSON.stringify(targets));

describe('rendered pages reach only what the guard allows (real Chromium)', () => {
  it('loads the trusted page and its own resources through the guard', async () => {
    site.route('/own.json', (_request, response) => void response.writeHead(200, { 'content-type': 'application/json' }).end('{"post":"Revision call tonight"}'));
    const page = await renderPage('/own', `<script>fetch('/own.json').then((r) => r.json()).then((j) => { document.body.append(j.post); });</script>`);
    expect(page.text).toContain('Revision call tonight');
    expect(site.requests.filter((r) => r.url === '/own.json')).toHaveLength(1);
  });

  it('follows redirects the guard allows, for the page (which ends up at its real address) and for its requests', async () => {
    site.route('/hop', (_request, response) => void response.writeHead(302, { location: '/landed/' }).end());
    site.route('/landed/', (_request, response) =>
      void response.writeHead(200, { 'content-type': 'text/html' }).end(`<p>Revision call tonight</p><a href="join">join</a><script>
        fetch('/hop-api').then((r) => r.text()).then((t) => { document.body.append(t); });
      </script>`),
    );
    site.route('/hop-api', (_request, response) => void response.writeHead(307, { location: '/api-landed' }).end());
    site.route('/api-landed', (_request, response) => void response.writeHead(200, { 'content-type': 'text/plain' }).end(' at 8pm'));
    const page = await browser.render(`${site.url}/hop`);
    expect(page).toMatchObject({ url: `${site.url}/landed/`, status: 200, text: 'Revision call tonight\n\njoin at 8pm', links: [`${site.url}/landed/join`] });
  });

  it('keeps cookies the page sets, as a browser does', async () => {
    site.route('/cookie', (_request, response) =>
      void response.writeHead(200, { 'content-type': 'text/html', 'set-cookie': ['consent=yes; Path=/', 'lang=en; Path=/'] }).end(`<p id="out">pending</p><script>
        fetch('/whoami').then((r) => r.text()).then((t) => { document.getElementById('out').textContent = t; });
      </script>`),
    );
    site.route('/whoami', (request, response) => void response.writeHead(200, { 'content-type': 'text/plain' }).end(`cookie: ${request.headers.cookie ?? 'none'}`));
    expect((await browser.render(`${site.url}/cookie`)).text).toBe('cookie: consent=yes; lang=en');
  });

  it('refuses <img src> to a loopback address or a name that resolves to one', async () => {
    const images = targets.map((target, i) => `<img src="${target}/pixel-${i}.png">`).join('');
    const page = await renderPage('/img', `<p>gallery</p>${images}`);
    expect(page.text).toContain('gallery');
    await expectUntouched();
  });

  it('refuses fetch()', async () => {
    const page = await renderPage('/fetch', withTargets(tryEach(`(url) => fetch(url + '/api', { mode: 'no-cors' }).then(() => url)`)));
    expect(page.text).toBe('refused refused refused');
    await expectUntouched();
  });

  it('refuses XMLHttpRequest', async () => {
    const xhr = `(url) => new Promise((resolve, reject) => { const x = new XMLHttpRequest(); x.open('GET', url + '/xhr'); x.onload = () => resolve(url); x.onerror = reject; x.send(); })`;
    const page = await renderPage('/xhr', withTargets(tryEach(xhr)));
    expect(page.text).toBe('refused refused refused');
    await expectUntouched();
  });

  it('refuses an <iframe>', async () => {
    const frames = targets.map((target) => `<iframe src="${target}/frame"></iframe>`).join('');
    const page = await renderPage('/iframe', `<p>framed</p>${frames}`);
    expect(page.text).toContain('framed');
    expect(page.text).not.toContain('REACHED');
    await expectUntouched();
  });

  it('refuses a 302 from the trusted server to a loopback address, for the page and for its resources', async () => {
    site.route('/moved', (_request, response) => void response.writeHead(302, { location: `${targets[0]}/landed` }).end());
    site.route('/moved-image', (_request, response) => void response.writeHead(302, { location: `${targets[1]}/landed.png` }).end());
    site.route('/moved-api', (_request, response) => void response.writeHead(302, { location: `${targets[2]}/landed.json` }).end());
    await expect(browser.render(`${site.url}/moved`)).rejects.toThrow(BlockedError);
    await expect(browser.render(`${site.url}/moved`)).rejects.toThrow(/redirects to http:\/\/127\.0\.0\.1:\d+\/landed: .*127\.0\.0\.1 is a loopback address/);
    const page = await renderPage('/redirecting-resources', `<p id="out">pending</p><img src="/moved-image"><script>
      fetch('/moved-api').then(() => 'loaded', () => 'refused').then((what) => { document.getElementById('out').textContent = what; });
    </script>`);
    expect(page.text).toBe('refused');
    await expectUntouched();
  });

  it('opens no WebSocket, from the page or from a worker', async () => {
    const socket = `(url) => new Promise((resolve, reject) => { const ws = new WebSocket(url.replace('http', 'ws') + '/socket'); ws.onopen = () => resolve(url); ws.onerror = reject; ws.onclose = reject; })`;
    const page = await renderPage('/ws', withTargets(tryEach(socket)));
    expect(page.text).toBe('refused refused refused');
    const worker = `const targets = ${JSON.stringify(targets)}; for (const url of targets) { try { new WebSocket(url.replace('http', 'ws') + '/from-worker'); } catch {} }`;
    await renderPage('/ws-worker', `<p>worker</p><script>new Worker(URL.createObjectURL(new Blob([${JSON.stringify(worker)}], { type: 'text/javascript' })));</script>`);
    await expectUntouched();
    expect(forbidden.upgrades).toBe(0);
  });

  it('opens no connection for a preconnect hint', async () => {
    const hints = targets.map((target) => `<link rel="preconnect" href="${target}"><link rel="prefetch" href="${target}/next">`).join('');
    const page = await renderPage('/hints', `${hints}<p>hinted</p>`);
    expect(page.text).toContain('hinted');
    await expectUntouched();
  });

  it('refuses a page on a name that resolves to loopback, resolving it once, itself', async () => {
    await expect(browser.render(`http://evil.test:${forbidden.port}/`)).rejects.toThrow(BlockedError);
    await expect(browser.render(`http://evil.test:${forbidden.port}/`)).rejects.toThrow(/evil\.test resolves to 127\.0\.0\.1, a loopback address; refused/);
    await expect(browser.render(`http://localhost.:${forbidden.port}/`)).rejects.toThrow(/localhost is a loopback name/);
    await expectUntouched();
    expect(dns.queries.some((q) => q.name === 'evil.test')).toBe(true);
  });

  it('refuses other schemes than http(s), data: and blob:', async () => {
    await expect(browser.render('file:///etc/hostname')).rejects.toThrow(/only http and https URLs are fetched, not file:/);
    site.route('/to-file', (_request, response) => void response.writeHead(302, { location: 'file:///etc/hostname' }).end());
    await expect(browser.render(`${site.url}/to-file`)).rejects.toThrow(/redirects to file:\/\/\/etc\/hostname: .*only http and https URLs are fetched/);
    const page = await renderPage('/data', `<p id="out">pending</p><script>
      Promise.all([fetch('data:text/plain,inline'), fetch(URL.createObjectURL(new Blob(['blob'])))].map((p) => p.then((r) => r.text())))
        .then((texts) => { document.getElementById('out').textContent = texts.join(' + '); }, (e) => { document.getElementById('out').textContent = 'failed ' + e; });
    </script>`);
    expect(page.text).toBe('inline + blob');
  });

  it('cuts off a resource larger than the response limit', async () => {
    const small = new HeadlessBrowser({ allowPrivateHosts: false, allowHosts: [new URL(site.url).host], maxResponseBytes: 4096, quietMs: 50 });
    try {
      site.route('/big.txt', (_request, response) => void response.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(100_000)));
      site.route('/small.txt', (_request, response) => void response.writeHead(200, { 'content-type': 'text/plain' }).end('fits'));
      site.route('/sizes', (_request, response) =>
        void response.writeHead(200, { 'content-type': 'text/html' }).end(`<p id="out">pending</p><script>
          Promise.all(['/small.txt', '/big.txt'].map((u) => fetch(u).then((r) => r.text()).then((t) => t.length + ' bytes', () => 'refused')))
            .then((r) => { document.getElementById('out').textContent = r.join(', '); });
        </script>`),
      );
      expect((await small.render(`${site.url}/sizes`)).text).toBe('4 bytes, refused');
    } finally {
      await small.close();
    }
  });
});
