/**
 * The extractor's public vocabulary (DESIGN.md §3). The matcher, the store and
 * `leakwatch scan` all speak in these types, so they change only by adding.
 */

/** What kind of organisation identifier an {@link OrgHint} carries. */
export type OrgHintKind = 'zoom-subdomain' | 'teams-tenant' | 'webex-site' | 'meeting-domain' | '8x8-tenant';

/** Something inside a reference that names the owning organisation. */
export interface OrgHint {
  kind: OrgHintKind;
  /** Lower-case: a subdomain label, a tenant GUID, a Webex site name or a host name. */
  value: string;
}

/** Per-reference signals the matcher turns into severity. */
export interface RiskCues {
  /** A passcode (URL token or written-out passcode) travels with the reference. */
  passcodeExposed: boolean;
  /** A host-start link (Zoom `/s/`, `zak=`, deep-link `action=start`): whoever holds it starts the meeting as host. */
  hostStart: boolean;
  /** Words such as "raid", "zoombomb", "join and …" appear near the reference. */
  raidLanguage: boolean;
}

/** One meeting found in a piece of text. */
export interface MeetingRef {
  /** Platform slug, DESIGN.md §3 table ('zoom', 'google-meet', 'teams', 'webex', …). */
  platform: string;
  /** Canonical meeting id per DESIGN.md §3. */
  meetingId: string;
  /** The passcode written next to the id (what organisers register), else the link's `pwd=`/`p=` token; null when none was found. */
  passcode: string | null;
  /** The link's own token (`pwd=`, `p=`) when a written passcode was found too, so both can be compared; else null. */
  token: string | null;
  /** Canonical join URL (https, no tracking parameters); null for ids found as text only. */
  url: string | null;
  /** Lower-case host of the link, e.g. `westfield.zoom.us`; null for text-only ids. */
  host: string | null;
  orgHint: OrgHint | null;
  /** UTF-16 offsets into the original text, end exclusive. */
  span: { start: number; end: number };
  /**
   * Where each secret of this reference sits in the original text (passcodes
   * in every form, link tokens, host keys), in any encoding it was written in.
   */
  secrets: { start: number; end: number }[];
  cues: RiskCues;
}
