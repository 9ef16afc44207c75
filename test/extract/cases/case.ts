/** Shape of the labelled extractor cases: one `it` each in `cases.test.ts`. */
import type { OrgHint } from '../../../src/extract/types.js';

/** One reference the case must produce; omitted fields must be null/false. */
export interface ExpectedRef {
  platform: string;
  meetingId: string;
  passcode?: string | null;
  orgHint?: OrgHint | null;
  hostStart?: boolean;
  /** Checked only when given. */
  raid?: boolean;
}

export interface Case {
  name: string;
  text: string;
  /** Exactly these references, in any order; `[]` for a negative. */
  expect: ExpectedRef[];
}

export const zoomSub = (value: string): OrgHint => ({ kind: 'zoom-subdomain', value });
export const tenant = (value: string): OrgHint => ({ kind: 'teams-tenant', value });
export const webexSite = (value: string): OrgHint => ({ kind: 'webex-site', value });
export const domain = (value: string): OrgHint => ({ kind: 'meeting-domain', value });
