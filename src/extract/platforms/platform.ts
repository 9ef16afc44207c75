/**
 * The shape every catalogue entry has. A platform knows only its own links:
 * finding links in text, unwrapping redirectors, passcodes written beside the
 * link and de-duplication are done once, for all of them, by the extractor.
 */
import { param, type Link } from '../link.js';
import type { OrgHint } from '../types.js';

/** What a platform reads out of one of its links. */
export interface LinkMeeting {
  /** Canonical meeting id (DESIGN.md §3). */
  meetingId: string;
  /** Passcode carried by the link itself (`pwd=`, `p=`, `pw=`, …). */
  passcode?: string | null;
  /** Canonical https join URL, without tracking parameters. */
  url: string;
  /** Host to report when it is not the link's own (deep links). */
  host?: string;
  orgHint?: OrgHint | null;
  /** The link starts the meeting as its host (Zoom `/s/`, `zak=`). */
  hostStart?: boolean;
}

/** One catalogue entry. */
export interface Platform {
  /** Slug from DESIGN.md §3, unique across the catalogue. */
  readonly slug: string;
  /**
   * Registrable domains whose links this platform reads. A host matches on a
   * label boundary: `zoom.us` matches `westfield.zoom.us`, never `notzoom.us`.
   */
  readonly domains?: readonly string[];
  /** Deep-link schemes (`zoommtg`, `msteams`). */
  readonly schemes?: readonly string[];
  /**
   * Self-hosted software (Jitsi, BigBlueButton, …): asked about links on hosts
   * that no catalogued service owns, and must recognise its own path shapes.
   */
  readonly selfHosted?: boolean;
  /**
   * For self-hosted software: a cheap test on `host + path` that every link
   * it recognises passes, so that ordinary links skip its parser.
   */
  readonly selfHostedHint?: RegExp;
  /**
   * Host labels (regex sources, case-insensitive) of which one stands right
   * before a `.`, `/` or `:` in every link of this platform: `zoom` in
   * `zoom.us`, `meet` in `meet.google.com`, `zoommtg` in `zoommtg:`. They
   * build the prefilter, so a missing one means missed links.
   */
  readonly keywords: readonly string[];
  /** Reads a link whose host (or scheme) belongs to this platform; null when it is no meeting. */
  parse(link: Link): LinkMeeting | null;
}

/** `https://host/path` with the query built from the non-empty `params`. */
export function joinUrl(host: string, path: string, params: Record<string, string | null | undefined> = {}): string {
  let query = '';
  for (const key in params) {
    const value = params[key];
    if (typeof value === 'string' && value.length > 0) query += `${query ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
  }
  return `https://${host}${path}${query}`;
}

/** The part of a host before `domain` (`westfield` for `westfield.zoom.us`), or `''`. */
export function subdomainOf(host: string, domain: string): string {
  if (host === domain || !host.endsWith(`.${domain}`)) return '';
  return host.slice(0, host.length - domain.length - 1);
}

/**
 * For services that give each customer a subdomain (`acme.ovice.in`,
 * `turkcell.conference.istesuit.com`): the host as a `meeting-domain` hint
 * when one tenant label stands before `domain` and it is not one of the
 * service's own (`shared`: `www`, `app`, …); null otherwise.
 */
export function tenantHint(host: string, domain: string, shared: ReadonlySet<string>): OrgHint | null {
  const sub = subdomainOf(host, domain);
  if (sub === '' || sub.includes('.') || shared.has(sub)) return null;
  return { kind: 'meeting-domain', value: host };
}

/** The catalogued domain `host` belongs to, on a label boundary; null when none. */
export function domainOf(host: string, domains: readonly string[]): string | null {
  for (const d of domains) if (host === d || host.endsWith(`.${d}`)) return d;
  return null;
}

/** Digits of a numeric id written with dashes, dots or spaces; null when anything else is in it. */
export function digitsOf(segment: string, min: number, max: number): string | null {
  if (!/^\d[\d\-. ]*$/.test(segment)) return null;
  const digits = segment.replace(/\D/g, '');
  return digits.length >= min && digits.length <= max ? digits : null;
}

/** How {@link pathPlatform} reads a platform whose links are one path shape. */
export interface PathPlatformSpec {
  slug: string;
  domains: readonly string[];
  keywords: readonly string[];
  /** Hosts that serve meetings; default: any host under `domains`. */
  hosts?: readonly string[];
  /** Matched against the path (or `#fragment` when `inFragment`); group 1 is the meeting id. */
  path: RegExp;
  /** Read `path` from the fragment (single-page apps: `/#/j/ID`). */
  inFragment?: boolean;
  /** Ids that are product pages, not rooms (lower-case). */
  reserved?: readonly string[];
  /** Query parameter that carries the passcode. */
  passcodeParam?: string;
  /** What in the link's host names the owning organisation, if anything (see {@link tenantHint}). */
  orgHint?: (host: string) => OrgHint | null;
}

/**
 * A platform whose meetings are one path shape on its hosts, e.g.
 * `join.skype.com/ID` or `vc.larksuite.com/j/ID`. The canonical URL is the
 * matched path on the same host.
 */
export function pathPlatform(spec: PathPlatformSpec): Platform {
  const reserved = new Set(spec.reserved ?? []);
  return {
    slug: spec.slug,
    domains: spec.domains,
    keywords: spec.keywords,
    parse(link) {
      if (spec.hosts !== undefined && !spec.hosts.includes(link.host)) return null;
      const where = spec.inFragment ? link.fragment.replace(/\?.*$/, '') : link.path;
      const m = spec.path.exec(where);
      const id = m?.[1];
      if (m === null || id === undefined) return null;
      if (reserved.has(id.toLowerCase())) return null;
      const query = spec.inFragment ? link.fragment.replace(/^[^?]*\??/, '') : link.query;
      const pass = spec.passcodeParam === undefined ? null : param(query, spec.passcodeParam);
      const passcode = pass !== null && /^[A-Za-z0-9._~-]{1,64}$/.test(pass) ? pass : null;
      const path = spec.inFragment ? `/#${m[0]}` : m[0];
      const url = joinUrl(link.host, path, spec.passcodeParam ? { [spec.passcodeParam]: passcode } : {});
      return { meetingId: id, passcode, url, orgHint: spec.orgHint?.(link.host) ?? null };
    },
  };
}
