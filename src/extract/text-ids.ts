/**
 * Meeting ids written as text, without a link (catalogue §4): "Meeting ID:
 * 845 1239 7261 Passcode: 662810" in the invitation languages, one-tap dial
 * strings (`+16465588656,,84512397261#,,,,*662810#`), SIP and H.323 dial
 * strings, labelled Google Meet codes, and the passcodes written next to ids
 * or links, each attached to the reference it belongs to.
 *
 * A bare number is never a meeting: phone numbers, order, tracking and ISBN
 * numbers look the same. An id needs a label, and a label that is also
 * everyday English ("meeting id 123456789 in the spreadsheet") needs one more
 * sign: a colon, Zoom-style digit groups, a platform name or a passcode.
 */
import type { Candidate } from './candidate.js';
import { ID_LABELS, MEET_CODE_LABEL, PASSCODE_LABELS, PLATFORM_PREFIX, PLATFORM_WORDS, WEAK_PASSCODE_LABEL } from './phrases.js';
import { meetCode } from './platforms/google-meet.js';
import { webexSite } from './platforms/webex.js';

const LABELS = new RegExp(
  String.raw`(?<![A-Za-z0-9#/._=?&%@-])(?:(${PLATFORM_PREFIX}[\s-]*)?(${ID_LABELS.join('|')})` +
    String.raw`|(${PLATFORM_PREFIX})[\s-]*(?:id|#|number|code)` +
    String.raw`|(id)` +
    String.raw`|(${PASSCODE_LABELS.join('|')}))(?![A-Za-z])`,
  'gi',
);

/** Separator between a label and its value: punctuation, or a copula in the supported languages. */
const SEPARATOR = /[ \t]*(?:([:=#\-]+)|(?:is|es|est|ist|é|è|sind|são)(?![A-Za-z]))?[ \t]*/y;
/** Passcodes take no `#`: "code #hashtag" is not a passcode. */
const PASSCODE_SEPARATOR = /[ \t]*(?:([:=\-]+)|(?:is|es|est|ist|é|è|sind|são)(?![A-Za-z]))?[ \t]*/y;
const NEWLINE = /\r?\n[ \t]*/y;
const PASSCODE_VALUE = /[^\s,;"'<>()[\]{}|]{1,64}/y;

/** Words that follow a passcode label without being a passcode. */
const NOT_PASSCODES = new Set([
  'none', 'n/a', 'na', 'no', 'not', 'nope', 'required', 'protected', 'needed', 'is', 'are', 'the', 'same', 'below', 'above',
  'sent', 'dm', 'dms', 'pm', 'ask', 'will', 'in', 'on', 'for', 'and', 'or', 'to', 'be', 'if', 'when', 'optional', 'disabled',
  'enabled', 'blank', 'empty', 'null', 'nil', 'meeting', 'id', 'passcode', 'password', 'join', 'dial', 'one', 'tap', 'find',
  'your', 'you', 'it', 'this', 'that', 'of', 'by', 'from', 'with', 'via', 'reset', 'change', 'changed', 'rotate', 'ninguna',
  'ninguno', 'aucun', 'keiner', 'kein', 'nenhuma', 'nessuna', 'pin', 'code', 'here', 'link', 'later', 'tbd', 'soon',
]);

interface DigitRun {
  digits: string;
  end: number;
  grouped: boolean;
}

/** Reads a numeric id written with single blanks, dashes or dots between groups, or one line break. */
function readDigits(text: string, from: number, max = 15): DigitRun | null {
  let i = from;
  let digits = '';
  let grouped = false;
  for (;;) {
    const runStart = i;
    while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    if (i === runStart) return null;
    digits += text.slice(runStart, i);
    if (digits.length > max) return null;
    let j = i;
    if (text[j] === ' ' || text[j] === '-' || text[j] === '.' || text[j] === '\t') {
      j++;
      if (text[j] === ' ' && (text[j - 1] === '-' || text[j - 1] === ' ')) j++;
    } else if (digits.length < 9 && (text[j] === '\n' || (text[j] === '\r' && text[j + 1] === '\n'))) {
      j += text[j] === '\r' ? 2 : 1;
    }
    const next = text.charCodeAt(j);
    if (j === i || !(next >= 0x30 && next <= 0x39)) break;
    grouped = true;
    i = j;
  }
  return { digits, end: i, grouped };
}

/** Digit count each platform's numeric meeting ids have. */
const ID_LENGTHS: Readonly<Record<string, readonly [number, number]>> = {
  zoom: [9, 11], teams: [10, 15], webex: [9, 11], goto: [9, 10], bluejeans: [6, 11], chime: [10, 13],
  ringcentral: [9, 12], lifesize: [3, 12], zoho: [9, 12], tencent: [9, 10],
};

function fits(platform: string, digits: string): boolean {
  const range = ID_LENGTHS[platform];
  return range !== undefined && digits.length >= range[0] && digits.length <= range[1];
}

function platformIn(s: string): string | null {
  const l = s.toLowerCase();
  if (l.includes('zoom')) return 'zoom';
  if (l.includes('teams')) return 'teams';
  if (l.includes('webex')) return 'webex';
  if (l.includes('goto')) return 'goto';
  if (l.includes('bluejeans')) return 'bluejeans';
  if (l.includes('chime')) return 'chime';
  if (l.includes('ringcentral')) return 'ringcentral';
  if (l.includes('lifesize')) return 'lifesize';
  if (l.includes('zoho')) return 'zoho';
  if (l.includes('tencent') || l.includes('voov') || l.includes('会议号') || l.includes('會議號')) return 'tencent';
  return null;
}

interface Context {
  platform: string;
  at: number;
}

const PLATFORM_WORD_PATTERNS = PLATFORM_WORDS.map((w) => ({ platform: w.platform, re: new RegExp(w.pattern, `g${w.flags ?? 'i'}`) }));

function contextsOf(text: string, links: readonly Candidate[]): Context[] {
  const out: Context[] = links.map((l) => ({ platform: l.platform, at: l.start }));
  for (const { platform, re } of PLATFORM_WORD_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push({ platform, at: m.index });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** The platform named nearest to `at`: before it within 800 characters, else after it within 400. */
function nearestPlatform(contexts: readonly Context[], at: number, usable: (platform: string) => boolean): string | null {
  let before: Context | null = null;
  let after: Context | null = null;
  for (const c of contexts) {
    if (!usable(c.platform)) continue;
    if (c.at <= at) before = at - c.at <= 800 ? c : before;
    else if (after === null && c.at - at <= 400) after = c;
  }
  return before?.platform ?? after?.platform ?? null;
}

/** Which platform a numeric id belongs to, or null when its digits fit none plausibly. */
function choosePlatform(labelPlatform: string | null, labelKind: 'generic' | 'number' | 'access', digits: string, near: (fit: (p: string) => boolean) => string | null): string | null {
  if (labelPlatform !== null) return fits(labelPlatform, digits) ? labelPlatform : null;
  const nearby = near((p) => fits(p, digits));
  if (nearby !== null) return nearby;
  if (labelKind === 'access') return null;
  if (labelKind === 'number') return fits('webex', digits) ? 'webex' : null;
  if (fits('zoom', digits)) return 'zoom';
  return digits.length >= 12 && fits('teams', digits) ? 'teams' : null;
}

interface PasscodeMention {
  at: number;
  end: number;
  value: string;
  /** A phone PIN, which belongs to Google Meet (and only there). */
  pin: boolean;
  /** A clear "Passcode: X" that may also belong to the reference right after it. */
  forward: boolean;
}

function readPasscode(text: string, label: string, from: number): { value: string; end: number; clear: boolean } | null {
  PASSCODE_SEPARATOR.lastIndex = from;
  const sep = PASSCODE_SEPARATOR.exec(text);
  let at = PASSCODE_SEPARATOR.lastIndex;
  const punctuated = sep !== null && sep[0].trim().length > 0;
  if (punctuated && (text[at] === '\n' || text[at] === '\r')) {
    NEWLINE.lastIndex = text[at] === '\r' ? at : at;
    if (NEWLINE.exec(text) !== null) at = NEWLINE.lastIndex;
  }
  const weak = WEAK_PASSCODE_LABEL.test(label.trim());
  if (/^pin$/i.test(label.trim())) {
    const run = readDigits(text, at, 16);
    if (run === null || run.digits.length < 4) return null;
    return { value: run.digits, end: run.end + (text[run.end] === '#' ? 1 : 0), clear: punctuated };
  }
  PASSCODE_VALUE.lastIndex = at;
  const m = PASSCODE_VALUE.exec(text);
  if (m === null) return null;
  const value = m[0].replace(/[.,!?:#]+$/, '').replace(/^\*/, '');
  if (value.length < 3 || value.length > 32 || NOT_PASSCODES.has(value.toLowerCase()) || !/[A-Za-z0-9]/.test(value)) return null;
  if (/:\/\/|^www\.|[A-Za-z0-9]\.[A-Za-z]{2,}\//i.test(value)) return null; // a link, not a passcode
  if (weak && !/\d/.test(value)) return null;
  if (!punctuated && /^[a-z]+$/.test(value) && value.length < 5) return null;
  return { value, end: at + m[0].length, clear: punctuated && !weak };
}

/** One-tap mobile strings: `+16465588656,,84512397261#,,,,*662810#` (Zoom), `,,*01*2554485253##*01*` (Webex). */
const ONE_TAP = /,,+(\*01\*)?(\d{8,15})(#{1,2})(?:(?:,+|#)(?:\d{1,3}#,+)?\*?(\d{3,10})#)?/g;
const PHONE_BEFORE = /\+?\d[\d \-().]{5,22}$/;

/** SIP and H.323 dial strings. */
const SIP = /(?<![\w.])(\d{8,15})(?:\.(\d{3,12}))?@((?:[a-z0-9-]+\.)*[a-z0-9-]+\.[a-z]{2,24})(?![\w-])/gi;
const H323 = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}##(\d{9,11})(?:#(\w{1,10}))?#?/g;

const MEET_TEXT = new RegExp(String.raw`(?<![A-Za-z])(?:${MEET_CODE_LABEL})[^\n]{0,30}?(?<![A-Za-z-])([a-z]{3}-[a-z]{4}-[a-z]{3})(?![A-Za-z-])`, 'gi');

function textCandidate(platform: string, meetingId: string, start: number, end: number, extra: Partial<Candidate> = {}): Candidate {
  return { platform, meetingId, passcode: null, url: null, host: null, orgHint: null, start, end, hostStart: false, fromText: true, ...extra };
}

function dialStrings(text: string, contexts: readonly Context[]): Candidate[] {
  const out: Candidate[] = [];
  if (text.includes(',,')) {
    ONE_TAP.lastIndex = 0;
    for (let m = ONE_TAP.exec(text); m !== null; m = ONE_TAP.exec(text)) {
      const before = PHONE_BEFORE.exec(text.slice(Math.max(0, m.index - 25), m.index));
      const id = m[2] ?? '';
      if (before === null) continue;
      const start = m.index - before[0].length;
      const webexStyle = m[1] !== undefined || m[3] === '##';
      const near = nearestPlatform(contexts, m.index, (p) => fits(p, id));
      // Teams prints its phone conference id (not the meeting id) in one-tap strings.
      const platform = webexStyle ? 'webex' : near === 'teams' ? null : near ?? (fits('zoom', id) ? 'zoom' : null);
      if (platform === null || !fits(platform, id)) continue;
      out.push(textCandidate(platform, id, start, m.index + m[0].length, { passcode: webexStyle ? null : (m[4] ?? null) }));
    }
  }
  if (text.includes('@')) {
    SIP.lastIndex = 0;
    for (let m = SIP.exec(text); m !== null; m = SIP.exec(text)) {
      const id = m[1] ?? '';
      const domain = (m[3] ?? '').toLowerCase();
      const end = m.index + m[0].length;
      if (domain === 'zoomcrc.com' || domain.endsWith('.zoomcrc.com') || domain === 'zoomgov.com') {
        if (fits('zoom', id)) out.push(textCandidate('zoom', id, m.index, end, { passcode: m[2] ?? null }));
      } else if (domain === 'rcv.com') {
        if (fits('ringcentral', id)) out.push(textCandidate('ringcentral', id, m.index, end, { passcode: m[2] ?? null }));
      } else if (domain === 'bjn.vc') {
        if (fits('bluejeans', id)) out.push(textCandidate('bluejeans', id, m.index, end, { passcode: m[2] ?? null }));
      } else if (domain.endsWith('.webex.com') && domain !== 'm.webex.com' && fits('webex', id)) {
        const site = webexSite(domain);
        out.push(textCandidate('webex', id, m.index, end, { orgHint: site === null ? null : { kind: 'webex-site', value: site } }));
      }
    }
  }
  if (text.includes('##')) {
    H323.lastIndex = 0;
    for (let m = H323.exec(text); m !== null; m = H323.exec(text)) {
      out.push(textCandidate('zoom', m[1] ?? '', m.index, m.index + m[0].length, { passcode: m[2] ?? null }));
    }
  }
  return out;
}

function meetCodes(text: string): Candidate[] {
  const out: Candidate[] = [];
  MEET_TEXT.lastIndex = 0;
  for (let m = MEET_TEXT.exec(text); m !== null; m = MEET_TEXT.exec(text)) {
    const code = meetCode(m[1] ?? '');
    if (code !== null) out.push(textCandidate('google-meet', code, m.index, m.index + m[0].length));
  }
  return out;
}

/**
 * Ids written as text in `text` (normalised), plus passcodes attached to
 * them and to `links` (which this mutates: a link without its own passcode
 * takes the one written right after it).
 */
export function findTextMeetings(text: string, links: Candidate[]): Candidate[] {
  const contexts = contextsOf(text, links);
  const ids: Candidate[] = [];
  const passcodes: PasscodeMention[] = [];
  let pending: { candidate: Candidate; needsPasscode: boolean } | null = null;
  const settle = (): void => {
    if (pending !== null && !pending.needsPasscode) ids.push(pending.candidate);
    pending = null;
  };

  LABELS.lastIndex = LABELLED_DIGITS_HINT.test(text) || links.length > 0 ? 0 : text.length;
  for (let m = LABELS.exec(text); m !== null; m = LABELS.exec(text)) {
    const labelEnd = m.index + m[0].length;
    if (/[A-Za-z]$/.test(m[0]) && /[0-9]/.test(text[labelEnd] ?? '')) continue; // "pw34UOM" is a word, not a label
    if (m[5] !== undefined) {
      const read = readPasscode(text, m[5], labelEnd);
      if (read === null) continue;
      passcodes.push({ at: m.index, end: read.end, value: read.value, pin: /^pin$/i.test(m[5].trim()), forward: read.clear });
      if (pending !== null && m.index - pending.candidate.end <= 120) {
        pending.needsPasscode = false;
      }
      settle();
      LABELS.lastIndex = Math.max(LABELS.lastIndex, read.end);
      continue;
    }
    settle();
    SEPARATOR.lastIndex = labelEnd;
    const sep = SEPARATOR.exec(text);
    let at = SEPARATOR.lastIndex;
    const punctuated = sep !== null && sep[0].trim().length > 0;
    if (text[at] === '\n' || text[at] === '\r') {
      NEWLINE.lastIndex = at + (text[at] === '\r' ? 0 : 0);
      if (NEWLINE.exec(text) !== null) at = NEWLINE.lastIndex;
    }
    const run = readDigits(text, at);
    if (run === null) continue;
    const label = m[2] ?? m[3] ?? m[4] ?? '';
    const prefix = m[1] ?? m[3] ?? '';
    const labelPlatform = platformIn(prefix) ?? platformIn(label);
    const kind = /access/i.test(label) && !/meeting\s+id/i.test(label) ? 'access'
      : /n[uú]m|nummer|number/i.test(label) ? 'number' : 'generic';
    const bare = m[4] !== undefined;
    const platform = choosePlatform(labelPlatform, bare ? 'access' : kind === 'access' && /\(/.test(label) ? 'number' : kind, run.digits,
      (fit) => nearestPlatform(contexts, m.index, (p) => p !== 'google-meet' && fit(p)));
    if (platform === null) continue;
    const strong = punctuated || run.grouped || (labelPlatform !== null && prefix !== '');
    const candidate = textCandidate(platform, run.digits, m.index, run.end);
    LABELS.lastIndex = Math.max(LABELS.lastIndex, run.end);
    pending = { candidate, needsPasscode: bare ? true : !strong };
    if (bare && !(punctuated || run.grouped)) pending = null;
  }
  settle();

  const found = [...ids, ...dialStrings(text, contexts), ...(MEET_CODE_HINT.test(text) ? meetCodes(text) : [])];
  attachPasscodes([...found, ...links], passcodes);
  return found;
}

/**
 * Gives each written passcode to the nearest reference before it (within 300
 * characters), or failing that the next one (within 150). Phone PINs go to
 * Google Meet only. References that already carry a passcode keep it.
 */
function attachPasscodes(candidates: Candidate[], passcodes: readonly PasscodeMention[]): void {
  if (passcodes.length === 0 || candidates.length === 0) return;
  const sorted = [...candidates].sort((a, b) => a.start - b.start);
  for (const p of passcodes) {
    let target: Candidate | null = null;
    for (const c of sorted) {
      if (p.pin && c.platform !== 'google-meet') continue;
      if (c.end <= p.at && p.at - c.end <= 300) target = c;
      else if (p.forward && c.start >= p.end && c.start - p.end <= 150 && target === null) {
        target = c;
        break;
      }
    }
    if (target !== null && target.passcode === null) {
      target.passcode = p.value;
      target.end = Math.max(target.end, target.fromText ? p.end : target.end);
    }
  }
}

/**
 * Prefilter for ids written as text. It wakes up only where a digit run
 * starts and looks behind it for the last word of a label (`ID`, `number`,
 * `réunion`, `acceso)`, …) or a dial-string prefix (`,,`, `##`): scanning for
 * the labels themselves would try every label at every position.
 */
export const LABELLED_DIGITS_HINT = /\d(?<=(?:id|i\.d\.?|seminario\s+web|webin[aá]rio|id\s+meeting|number|nummer|n[uú]m[eé]ro|numero|no\.?|#|code|acceso|acesso|accesso|acc[eè]s|reuni[oó]n|r[eé]union|reuni[aã]o|riunione|webinar|webinaire|spotkania|kimli[gğ]i|конференции|встречи|会议号|會議號|,,\*?(?:01\*)?|##)[^\dA-Za-z\n]{0,8}(?:(?:is|es|est|ist|é|è|sind|são)[ \t]+)?(?:\n[ \t]*)?\d)(?<!\d\d)/i;

/** Prefilter for Meet codes (`abc-defg-hij`), anchored on the rare `-`. */
export const MEET_CODE_HINT = /-[a-z]{4}-[a-z]{3}(?![a-z])/i;
