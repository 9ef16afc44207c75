import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { configWarnings } from '../../src/config/warnings.js';

const codes = (env: Record<string, string>) => {
  const { config, secrets } = loadConfig({ env });
  return configWarnings(config, secrets).map((w) => w.code);
};

it('warns of a local web.publicUrl only when emails go out, of the shipped sender, and of no SMTP', () => {
  expect(codes({})).toEqual(['default-mail-from', 'no-smtp']);
  expect(codes({ LEAKWATCH_SMTP_URL: 'smtp://mail.example:587' })).toEqual(['public-url-local', 'default-mail-from']);
  expect(codes({ LEAKWATCH_SMTP_URL: 'smtp://mail.example:587', LEAKWATCH_MAIL_FROM: 'alerts@leakwatch.example', LEAKWATCH_WEB__PUBLIC_URL: 'https://leakwatch.example' })).toEqual([]);
  expect(codes({ LEAKWATCH_MAIL__SMTP_URL: 'smtp://mail.example:25', LEAKWATCH_MAIL_FROM: 'alerts@leakwatch.example' })).toEqual(['public-url-local']);
  for (const local of ['http://127.0.0.1:8080', 'http://127.1.2.3', 'http://[::1]:8080', 'http://0x7f.1/', 'http://leakwatch.localhost', 'http://0.0.0.0:8080', 'http://[::ffff:127.0.0.1]/']) {
    expect(codes({ LEAKWATCH_SMTP_URL: 'smtp://mail.example', LEAKWATCH_MAIL_FROM: 'a@b.example', LEAKWATCH_WEB__PUBLIC_URL: local }), local).toEqual(['public-url-local']);
  }
  expect(codes({ LEAKWATCH_SMTP_URL: 'smtp://mail.example', LEAKWATCH_MAIL_FROM: 'a@b.example', LEAKWATCH_WEB__PUBLIC_URL: 'http://10.0.0.5:8080' })).toEqual([]);
});

it('each warning says what to set', () => {
  const { config, secrets } = loadConfig({ env: { LEAKWATCH_SMTP_URL: 'smtp://mail.example' } });
  expect(configWarnings(config, secrets).map((w) => w.message)).toEqual([
    "web.publicUrl is http://localhost:8080 while SMTP is configured: the buttons in alert emails would open each recipient's own machine; set web.publicUrl to the address people reach leakwatch at",
    'mail.from is still the shipped leakwatch@localhost.localdomain: mail systems reject or junk it; set LEAKWATCH_MAIL_FROM or mail.from to an address of your domain',
  ]);
});

it('warns of a LEAKWATCH_SECRET_KEY that is not 32 bytes, and not of a good one', () => {
  expect(codes({ LEAKWATCH_SECRET_KEY: 'too-short' })).toEqual(['default-mail-from', 'no-smtp', 'secret-key-malformed']);
  expect(codes({ LEAKWATCH_SECRET_KEY: 'ab'.repeat(32) })).toEqual(['default-mail-from', 'no-smtp']);
});
