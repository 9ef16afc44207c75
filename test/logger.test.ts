import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

it('writes JSON lines with secrets redacted wherever they sit', () => {
  let output = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      output += String(chunk);
      done();
    },
  });
  const log = createLogger({ level: 'info', destination });
  log.info(
    {
      secrets: { smtpUrl: 'smtp://u:hunter2@mail.example' },
      mail: { smtpUrl: 'smtp://u:hunter2@mail.example' },
      request: { headers: { authorization: 'Bearer AAAA-secret' } },
      meeting: { passcode: '662810', meetingId: '84512397260' },
    },
    'checking',
  );
  const line = JSON.parse(output) as Record<string, any>;
  expect(line.msg).toBe('checking');
  expect(line.secrets).toBe('[redacted]');
  expect(line.mail.smtpUrl).toBe('[redacted]');
  expect(line.request.headers.authorization).toBe('[redacted]');
  expect(line.meeting).toEqual({ passcode: '[redacted]', meetingId: '84512397260' });
  expect(output).not.toMatch(/hunter2|AAAA-secret|662810/);
});

it("redacts a platform connection's secret and access tokens", () => {
  let output = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      output += String(chunk);
      done();
    },
  });
  createLogger({ level: 'info', destination }).info({ credential: { accountId: 'acc', clientId: 'cid', secret: 'zsecret-1' }, clientSecret: 'zsecret-2', answer: { access_token: 'eyJ-3', accessToken: 'eyJ-4' } }, 'connecting');
  const line = JSON.parse(output) as Record<string, any>;
  expect(line.credential).toEqual({ accountId: 'acc', clientId: 'cid', secret: '[redacted]' });
  expect(output).not.toMatch(/zsecret|eyJ-/);
});
