import { domainToASCII } from 'node:url';
import { InputError } from '../errors.js';

/** The kinds of identifier an organisation can register (DESIGN.md §8). */
export const IDENTIFIER_KINDS = ['email-domain', 'zoom-subdomain', 'teams-tenant', 'webex-site', 'meeting-domain'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** Kinds proven by a DNS TXT record or a link mailed to the domain; the others have no DNS name of their own. */
export const DOMAIN_KINDS: readonly IdentifierKind[] = ['email-domain', 'meeting-domain'];

/**
 * Kinds that name an account on a meeting platform. Only the operator, the
 * platform's own published data (a Teams tenant) or a connection to the
 * platform proves them: a domain's DNS or mail says nothing about them.
 */
export const PLATFORM_KINDS: readonly IdentifierKind[] = ['zoom-subdomain', 'teams-tenant', 'webex-site'];

/**
 * Zoom and Webex host names that belong to the platform, not to one
 * organisation: registering them would claim everybody's meetings.
 */
const SHARED_ZOOM = /^(www|us\d{2}web|us\d{2}st\d*|[a-z]{2}\d{2}web|zoom|api|support|blog|marketplace|developers|explore|community|status|success|events|app|applications|go|pwa)$/;
const SHARED_WEBEX = /^(www|meet|signin|web|help|blog|collaborationhelp|status|api|webexapis|meetingsamer\d*|meetingsemea\d*|meetingsapac\d*|global|join|cart|developer|settings|idbroker)$/;
/** Public meeting services anyone can use; a self-hosted meeting domain is an organisation's own. */
const PUBLIC_MEETING_HOSTS = new Set(['meet.jit.si', '8x8.vc', 'zoom.us', 'meet.google.com', 'teams.microsoft.com', 'teams.live.com', 'webex.com', 'whereby.com']);

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isIdentifierKind(kind: string): kind is IdentifierKind {
  return (IDENTIFIER_KINDS as readonly string[]).includes(kind);
}

/**
 * The stored form of an identifier: lower-case, internationalised domains in
 * punycode, `westfield.zoom.us` → `westfield`. Throws an {@link InputError}
 * naming what is wrong.
 */
export function normaliseIdentifier(kind: string, raw: string): { kind: IdentifierKind; value: string } {
  if (!isIdentifierKind(kind)) {
    throw new InputError(`unsupported identifier kind "${kind}"; use one of: ${IDENTIFIER_KINDS.join(', ')}`);
  }
  const value = raw.trim();
  switch (kind) {
    case 'email-domain':
      return { kind, value: domainName(value.replace(/^.*@/, ''), raw, 'an email domain') };
    case 'meeting-domain': {
      const host = domainName(value.replace(/^https?:\/\//i, '').replace(/[/:].*$/, ''), raw, 'a meeting host');
      if (PUBLIC_MEETING_HOSTS.has(host)) throw new InputError(`"${raw}" is a public meeting service, not an organisation's own meeting host`);
      return { kind, value: host };
    }
    case 'zoom-subdomain':
      return { kind, value: platformLabel(value, raw, /\.(zoom\.us|zoom\.com|zoomgov\.com)$/i, SHARED_ZOOM, 'Zoom') };
    case 'webex-site':
      return { kind, value: platformLabel(value, raw, /\.webex\.com$/i, SHARED_WEBEX, 'Webex') };
    case 'teams-tenant': {
      const guid = value.toLowerCase().replace(/^\{|\}$/g, '');
      if (!GUID.test(guid)) throw new InputError(`"${raw}" is not a Teams tenant id (a GUID like 72f988bf-86f1-41af-91ab-2d7cd011db47)`);
      return { kind, value: guid };
    }
  }
}

function domainName(candidate: string, raw: string, what: string): string {
  const ascii = domainToASCII(candidate.toLowerCase().replace(/\.$/, ''));
  const labels = ascii.split('.');
  const valid =
    ascii !== '' &&
    ascii.length <= 253 &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    !/^\d+$/.test(labels.at(-1)!);
  if (!valid) throw new InputError(`"${raw}" is not ${what} (expected a domain name like westfield.example)`);
  return ascii;
}

function platformLabel(candidate: string, raw: string, suffix: RegExp, shared: RegExp, platform: string): string {
  const label = candidate.toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '').replace(suffix, '');
  if (!LABEL.test(label)) throw new InputError(`"${raw}" is not a ${platform} site name (expected e.g. westfield or westfield.${platform === 'Zoom' ? 'zoom.us' : 'webex.com'})`);
  if (shared.test(label)) throw new InputError(`"${raw}" is a shared ${platform} host, not one organisation's`);
  return label;
}
