import { readFileSync } from 'node:fs';
import type { Config } from '../../src/config/schema.js';

const DEFAULTS = JSON.parse(readFileSync(new URL('../../config/default.json', import.meta.url), 'utf8')) as Config;

/** The shipped configuration's notifier-related sections, with test overrides (fast retries, loopback allowed). */
export function notifierConfig(
  overrides: { notify?: Partial<Config['notify']>; mail?: Partial<Config['mail']>; web?: Partial<Config['web']>; leases?: Partial<Config['leases']> } = {},
) {
  return {
    leases: { ...DEFAULTS.leases, ...overrides.leases },
    notify: { ...DEFAULTS.notify, backoffBaseMs: 1000, backoffMaxMs: 8000, pollIntervalMs: 50, ...overrides.notify },
    mail: { ...DEFAULTS.mail, from: 'leakwatch@leakwatch.test', replyTo: 'help@leakwatch.test', ...overrides.mail },
    web: { ...DEFAULTS.web, publicUrl: 'https://leakwatch.test', ...overrides.web },
    http: { ...DEFAULTS.http, allowPrivateHosts: true, timeoutMs: 2000 },
  };
}

/** A clock a test moves by hand. */
export class FakeClock {
  now: Date;
  constructor(start: string | Date) {
    this.now = new Date(start);
  }
  read = (): Date => this.now;
  advance(ms: number): Date {
    this.now = new Date(this.now.getTime() + ms);
    return this.now;
  }
}
