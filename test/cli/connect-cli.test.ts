import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain, tempDir } from '../support/cli.js';
import { seedSchool as seedWorkspace, startGoogleServer } from '../support/google-server.js';
import { seedSchool, startZoomServer, type ZoomServer } from '../support/zoom-server.js';

let dir: string;
let cleanup: () => void;
let db: string;
let config: string;
let zoom: ZoomServer;
const KEY = randomBytes(32).toString('base64');

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  db = join(dir, 'leakwatch.db');
  config = join(dir, 'config.json');
  zoom = await startZoomServer();
  seedSchool(zoom);
  writeFileSync(config, JSON.stringify({ http: { allowPrivateHosts: true, retries: 1 }, connections: { zoom: { oauthUrl: zoom.url, apiUrl: zoom.url } }, web: { publicUrl: 'https://leakwatch.test' } }));
});
afterEach(async () => {
  await zoom.close();
  cleanup();
});

const output: string[] = [];
/** leakwatch in-process on this test's database, its logs at debug level; everything it prints is kept. */
async function lw(args: string[], options: { input?: string; key?: string | null } = {}) {
  const key = options.key === null ? undefined : (options.key ?? KEY);
  if (key === undefined) delete process.env.LEAKWATCH_SECRET_KEY;
  else process.env.LEAKWATCH_SECRET_KEY = key;
  try {
    const result = await runMain([...args, '--db', db, '--config', config, '--log-level', 'debug'], options.input ?? '');
    output.push(result.stdout, result.stderr);
    return result;
  } finally {
    delete process.env.LEAKWATCH_SECRET_KEY;
  }
}

function connectArgs(): string[] {
  return ['connect', 'zoom', '--org', '1', '--account-id', zoom.account.accountId, '--client-id', zoom.account.clientId];
}

async function school(): Promise<void> {
  expect((await lw(['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example'])).code).toBe(0);
  expect((await lw(['identifier', 'add', '--org', '1', '--kind', 'email-domain', '--value', 'westfield.example'])).code).toBe(0);
  expect((await lw(['identifier', 'verify', '--org', '1', '--value', 'westfield.example', '--method', 'manual'])).code).toBe(0);
}

describe('leakwatch connect', () => {
  it('connects Zoom with the secret on stdin, and no secret or token reaches the output, the logs or the database file', async () => {
    output.length = 0;
    await school();
    const connected = await lw(connectArgs(), { input: `${zoom.account.clientSecret}\n` });
    expect(connected.stderr.split('\n').filter((l) => l.includes('"level":50'))).toEqual([]);
    expect(connected.code).toBe(0);
    expect(connected.stdout).toContain('connection 1: Zoom account AbCdEf-Account_1 of organisation 1');
    expect(connected.stdout).toContain('synchronised: 4 meeting(s) added, 0 updated, 0 removed');
    expect(connected.stdout).toContain('identifiers reported by the account: zoom-subdomain westfield proven');
    // The token that tried the credentials served the first sync.
    expect(zoom.issued).toHaveLength(1);

    const listed = JSON.parse((await lw(['connections', 'list', '--org', '1', '--json'])).stdout) as Record<string, unknown>[];
    expect(listed).toEqual([expect.objectContaining({ id: 1, provider: 'zoom', accountId: zoom.account.accountId, clientId: zoom.account.clientId, status: 'ok', meetings: 4, writeOptIn: false })]);
    expect((await lw(['connections', 'list'])).stdout).toMatch(/^1\tzoom\torg 1\taccount AbCdEf-Account_1\tclient zoomClientIdPublic1\tok\t4 meeting\(s\)/);
    const synced = await lw(['connections', 'sync', '1', '--json']);
    expect(JSON.parse(synced.stdout)).toEqual([expect.objectContaining({ connection: 1, status: 'ok', added: 0, updated: 4 })]);
    expect((await lw(['meeting', 'list', '--org', '1', '--json'])).stdout).toContain('"ownerEmail": "ann@westfield.example"');

    zoom.revoked = true;
    const refused = await lw(['connections', 'sync']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("connection 1: sync refused: Zoom refused the app's credentials for account AbCdEf-Account_1 (HTTP 400, invalid_client");
    expect(refused.stdout).toContain("(the organisation's admins were told)");
    const outbox = JSON.parse((await lw(['outbox', 'list', '--json'])).stdout) as { recipient: string; kind?: string }[];
    expect(outbox.map((m) => m.recipient)).toEqual(['it@westfield.example']);
    expect((await lw(['connections', 'sync'])).stdout).not.toContain('admins were told');

    // The logs were captured, at debug level, with what the syncs said.
    expect(output.join('\n')).toContain('"msg":"connection credential refused"');
    // Every token Zoom issued, and the secret: nowhere in what leakwatch printed or logged, nor in the database's bytes.
    expect(zoom.issued.length).toBeGreaterThan(0);
    const secrets = [zoom.account.clientSecret, ...zoom.issued];
    const files = [db, `${db}-wal`].filter(existsSync).map((file) => readFileSync(file));
    expect(files.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(output.join('\n')).not.toContain(secret);
      for (const bytes of files) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    // The sealed secret is there, and it is not the secret in another encoding either.
    const row = new Database(db, { readonly: true }).prepare('SELECT sealed_secret FROM connections').get() as { sealed_secret: string };
    expect(row.sealed_secret).toMatch(/^v1\./);
    for (const bytes of files) {
      expect(bytes.includes(Buffer.from(Buffer.from(zoom.account.clientSecret).toString('base64')))).toBe(false);
      expect(bytes.includes(Buffer.from(Buffer.from(`${zoom.account.clientId}:${zoom.account.clientSecret}`).toString('base64')))).toBe(false);
    }

    const removed = await lw(['disconnect', '1']);
    expect(removed.stdout).toContain('connection 1 (zoom account AbCdEf-Account_1) removed with its 4 meeting(s)');
    expect((await lw(['connections', 'list'])).stdout).toBe('no connections\n');
  });

  it('reads the secret from a file, and refuses what Zoom refuses without storing it', async () => {
    await school();
    const file = join(dir, 'secret.txt');
    writeFileSync(file, 'not-the-secret\n');
    const refused = await lw([...connectArgs(), '--client-secret-file', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('leakwatch: nothing stored: Zoom refused the app\'s credentials');
    expect(refused.stderr).not.toContain('not-the-secret');
    expect((await lw(['connections', 'list'])).stdout).toBe('no connections\n');
    writeFileSync(file, `${zoom.account.clientSecret}\n`);
    expect((await lw([...connectArgs(), '--client-secret-file', file])).code).toBe(0);
    const again = await lw([...connectArgs(), '--client-secret-file', file]);
    expect(again.stderr).toContain('already connected (connection 1)');
  });

  it('refuses to store a secret without LEAKWATCH_SECRET_KEY, or with a malformed one', async () => {
    await school();
    const missing = await lw(connectArgs(), { input: `${zoom.account.clientSecret}\n`, key: null });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('LEAKWATCH_SECRET_KEY is not set');
    const malformed = await lw(connectArgs(), { input: `${zoom.account.clientSecret}\n`, key: 'short' });
    expect(malformed.code).toBe(78);
    expect(malformed.stderr).toContain('LEAKWATCH_SECRET_KEY: expected 32 bytes');
    expect(zoom.requests).toHaveLength(0);
    expect((await lw(['connections', 'list'])).stdout).toBe('no connections\n');
  });

  it('says when the app has the write scope without the opt-in, or lacks it with the opt-in', async () => {
    await school();
    zoom.scope += ' meeting:update:meeting:admin';
    const broad = await lw(connectArgs(), { input: `${zoom.account.clientSecret}\n` });
    expect(broad.stdout).toContain(`note: the app has meeting:update:meeting:admin, which leakwatch uses only when rotation is allowed (--allow-rotation, or the dashboard's "Allow rotation"); remove it for the narrowest access`);
    expect((await lw(['disconnect', '1'])).code).toBe(0);
    zoom.scope = zoom.scope.replace(' meeting:update:meeting:admin', '');
    const narrow = await lw([...connectArgs(), '--allow-rotation', '--json'], { input: `${zoom.account.clientSecret}\n` });
    expect(JSON.parse(narrow.stdout)).toMatchObject({
      connection: { id: 2, writeOptIn: true },
      notes: ['rotation was allowed, but the app lacks meeting:update:meeting:admin; add it to the app for rotation to work'],
    });
  });

  it("connects Google with the service account's whole JSON key file on stdin, keeping it out of the output and the database file", async () => {
    const google = await startGoogleServer();
    try {
      seedWorkspace(google);
      // The CLI signs its assertions with the real clock.
      google.now = () => Date.now();
      writeFileSync(config, JSON.stringify({ http: { allowPrivateHosts: true, retries: 1 }, connections: { google: { tokenUrl: google.tokenUrl, directoryUrl: google.url, calendarUrl: google.url } } }));
      output.length = 0;
      await school();
      // As Google Cloud downloads it: pretty-printed, many lines.
      const keyFile = `${JSON.stringify(JSON.parse(google.serviceAccount.keyFile), null, 2)}\n`;
      expect(keyFile.split('\n').length).toBeGreaterThan(3);
      const connected = await lw(['connect', 'google', '--org', '1', '--account-id', google.admin, '--client-id', google.serviceAccount.clientEmail, '--json'], { input: keyFile });
      expect(connected.stderr.split('\n').filter((l) => l.includes('"level":50'))).toEqual([]);
      expect(connected.code).toBe(0);
      const answer = JSON.parse(connected.stdout) as { connection: Record<string, unknown>; sync: Record<string, unknown> };
      expect(answer.connection).toMatchObject({ id: 1, provider: 'google', accountId: google.admin, clientId: google.serviceAccount.clientEmail, status: 'ok' });
      expect(answer.sync).toMatchObject({ status: 'ok', added: 3 });
      // Signed with the key read whole from stdin: the server verified every assertion's signature.
      expect(google.assertions.length).toBeGreaterThan(0);

      const privateKeyBody = google.serviceAccount.privateKeyPem.split('\n')[1]!;
      const file = readFileSync(db);
      for (const secret of [privateKeyBody, google.serviceAccount.privateKeyId, ...google.issued.map((t) => t.value)]) {
        expect(file.includes(secret)).toBe(false);
        for (const text of output) expect(text).not.toContain(secret);
      }
    } finally {
      await google.close();
    }
  });

  it('names the providers it can connect', async () => {
    const result = await lw(['connect', 'microsoft', '--org', '1', '--account-id', 'x', '--client-id', 'y'], { input: 's\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot connect "microsoft" (microsoft connections are planned, not built yet); leakwatch connects: zoom');
  });
});
