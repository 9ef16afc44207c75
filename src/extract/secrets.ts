/**
 * Where the secrets sit in a text: the values of link parameters that let a
 * stranger in (a passcode token, Zoom's host key `zak`, a registrant's `tk`)
 * and passcodes written next to a meeting. The extractor reports each as a
 * span, so one function can mask the original text by position whatever
 * encoding the secret was written in (see `mask.ts`).
 */
import { percentDecodeDeep } from './link.js';

/** A range of a text, UTF-16 offsets, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

/** A passcode written in a text, with where it is written. */
export interface WrittenPasscode extends Span {
  value: string;
}

/** Parameters that are secrets in any link: nobody names a harmless parameter `pwd` or `zak`. */
const SECRET_PARAMS = new Set(['pwd', 'passwd', 'passcode', 'password', 'zak', 'tk']);

/**
 * Parameters that are secrets inside a meeting link only: Teams' `p`,
 * FaceTime's `p` and `k`, RingCentral's `pw`, Meet's phone `pin`, the web
 * client's passcode key `wpk` (Zoom, Zhumu), SaluteJazz's `psw`, Riverside's
 * `t`, Gather's `spawnToken` and the `token` of Venue and Workplace links.
 * Elsewhere `p=` is a blog's post number.
 */
const MEETING_LINK_PARAMS = new Set([...SECRET_PARAMS, 'p', 'pw', 'pass', 'pin', 'k', 'wpk', 'psw', 't', 'spawntoken', 'token']);

/**
 * `name=value` after a `?`, `&`, `#` or `;` — each also percent-encoded, once
 * or more (`%3F`, `%2526`), as wrapper links carry them — with the name
 * itself possibly percent-encoded (`z%61k`). The value runs to the next
 * separator, encoded or not, or to the end of the link. Every part starts
 * on a character the part before cannot end with, so the scan is linear.
 */
const PARAM = /(?:[?&#;]|%(?:25)*(?:3F|26|23|3B))((?:[A-Za-z0-9_.-]|%(?:25)*[0-9A-Fa-f]{2}){1,40}?)(?:=|%(?:25)*3D)((?:[!$*+,/:=@~A-Za-z0-9_.-]|%(?!(?:25)*(?:26|23|3F|3B|20|22|3C|3E))(?:25)*[0-9A-Fa-f]{2})+)/gi;

function pushParams(text: string, from: number, to: number, names: ReadonlySet<string>, out: Span[]): void {
  const slice = from === 0 && to === text.length ? text : text.slice(from, to);
  if (!slice.includes('=') && !/%(?:25)*3D/i.test(slice)) return;
  PARAM.lastIndex = 0;
  for (let m = PARAM.exec(slice); m !== null; m = PARAM.exec(slice)) {
    const name = m[1] ?? '';
    const value = m[2] ?? '';
    if (!names.has((name.includes('%') ? percentDecodeDeep(name) : name).toLowerCase())) {
      // The value may hold the next `name=value` (a separator left undecoded): read on from it.
      PARAM.lastIndex = m.index + 1;
      continue;
    }
    const end = m.index + m[0].length;
    out.push({ start: from + end - value.length, end: from + end });
  }
}

/** Spans of secret parameter values in the meeting link at `[from, to)` of `text`. */
export function meetingLinkSecrets(text: string, from: number, to: number): Span[] {
  const out: Span[] = [];
  pushParams(text, from, to, MEETING_LINK_PARAMS, out);
  return out;
}

/** Spans of the values of `pwd`, `zak`, `tk` and the like in every link of `text`, meeting link or not. */
export function linkSecrets(text: string): Span[] {
  const out: Span[] = [];
  pushParams(text, 0, text.length, SECRET_PARAMS, out);
  return out;
}

/** Sorted, overlapping and touching spans joined. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}
