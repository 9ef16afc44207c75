import type { Config } from '../config/schema.js';
import type { VerificationSettings } from './identifiers.js';

/** What identifier verification needs, from the configuration: for the CLI and the dashboard alike. */
export function verificationSettingsFrom(config: Pick<Config, 'verification' | 'web'>): VerificationSettings {
  const { verification, web } = config;
  return {
    tokenTtlHours: verification.tokenTtlHours,
    dnsServers: verification.dnsServers.length ? verification.dnsServers : undefined,
    dnsTimeoutMs: verification.dnsTimeoutMs,
    publicUrl: web.publicUrl,
    microsoftLoginUrl: verification.microsoftLoginUrl,
  };
}
