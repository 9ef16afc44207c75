/**
 * Links spelled with blanks around their dots and slashes
 * (`zoom . us / j / 845…`, `meet.google.com / abc-defg-hij`) or a comma for a
 * dot (`discord,gg/abc`). Blanks are only squeezed out when the result is a
 * catalogued meeting host, so prose such as "end. Then" stays as it is.
 */
import { platformForHost } from './platforms/index.js';
import type { Edit } from './tracked-text.js';

/**
 * Words joined by `.` or `/` with optional blanks, or by a comma without
 * blanks (a comma with a blank after it is a list, not a dot); starts only at
 * the start of a word.
 */
const RUN = /(?<![A-Za-z0-9_-])[A-Za-z0-9][A-Za-z0-9_-]*(?:(?:[ \t]*[.\/][ \t]*|,)[A-Za-z0-9_-]+)+/g;
const SEPARATOR = /[ \t]*([.\/])[ \t]*|(,)/g;

/** The host part of a run, closed up: blanks dropped, commas read as dots. */
function hostOf(run: string): string {
  const slash = run.indexOf('/');
  return (slash < 0 ? run : run.slice(0, slash)).replace(/[ \t]+/g, '').replaceAll(',', '.').toLowerCase();
}

/** A host written the ordinary way: labels joined by dots, no blanks. */
const WRITTEN_HOST = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$/;

/**
 * Where, in a run, a host written without blanks starts when it is
 * catalogued by itself: in "a . meet.google.com/…" the spaced dot ends a
 * sentence and `meet.google.com` is the link, so nothing before it is joined
 * on. 0 when the whole run is the spaced link (`zoom . us / j / …`).
 */
function writtenHostStart(run: string): number {
  const slash = run.indexOf('/');
  const hostPart = slash < 0 ? run : run.slice(0, slash);
  SEPARATOR.lastIndex = 0;
  for (let s = SEPARATOR.exec(hostPart); s !== null; s = SEPARATOR.exec(hostPart)) {
    if (s[0] === '.') continue;
    const rest = hostPart.slice(s.index + s[0].length).trimEnd();
    if (WRITTEN_HOST.test(rest) && platformForHost(rest.toLowerCase()) !== null) return s.index + s[0].length;
  }
  return 0;
}

/** A blank before a `.` or `/`, or a comma between letters; anchored on the separator for speed. */
const HINT = /[.\/](?<=[A-Za-z0-9][ \t]+[.\/])|,(?<=[A-Za-z0-9],)(?=[A-Za-z])/;

/** Edits that close up spaced or comma-separated meeting links in `text`. */
export function spacedLinkEdits(text: string): Edit[] {
  const edits: Edit[] = [];
  if (!HINT.test(text)) return edits;
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
    const run = m[0];
    const at = m.index;
    if (!/[ \t,]/.test(run)) continue;
    const host = hostOf(run);
    if (!host.includes('.') || platformForHost(host) === null) continue;
    const from = writtenHostStart(run);
    // Dots and commas are closed up only in the host, where a spaced dot cannot be prose. Once a
    // slash is written without blanks the link is written normally, and what follows a later
    // blank is prose ("meet.jit.si/Room /a").
    let inPath = false;
    SEPARATOR.lastIndex = 0;
    for (let s = SEPARATOR.exec(run); s !== null; s = SEPARATOR.exec(run)) {
      if (s.index < from) continue;
      const sep = s[2] === ',' ? '.' : (s[1] ?? '');
      if (sep === '/' && s[0] === '/') break;
      if (sep === '/') inPath = true;
      else if (inPath) continue;
      if (s[0] !== sep) edits.push({ start: at + s.index, end: at + s.index + s[0].length, replacement: sep });
    }
  }
  return edits;
}
