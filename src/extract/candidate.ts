/**
 * A meeting reference while the extractor is still assembling it: offsets are
 * in the normalised text, and passcodes written beside it may still attach.
 */
import type { Span } from './secrets.js';
import type { OrgHint } from './types.js';

export interface Candidate {
  platform: string;
  meetingId: string;
  passcode: string | null;
  /** The link's own passcode token (Zoom's encoded `pwd=`) when a written passcode was found too. */
  token: string | null;
  /** The passcode was written out (a plain passcode), not carried as a link token such as Zoom's encoded `pwd`. */
  passcodeWritten: boolean;
  url: string | null;
  host: string | null;
  orgHint: OrgHint | null;
  /** Range in the normalised text. */
  start: number;
  end: number;
  hostStart: boolean;
  /** True for ids written as text (labels, one-tap strings, SIP addresses), false for links. */
  fromText: boolean;
  /** Where its secrets sit in the normalised text: passcodes in every form, link tokens, host keys. */
  secrets: Span[];
}
