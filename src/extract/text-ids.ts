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
import { ID_LABELS, MEET_CODE_LABEL, NEAR_ONLY_PASSCODE_LABEL, PASSCODE_LABELS, PHONE_PASSCODE_LABEL, PLATFORM_PREFIX, PLATFORM_WORDS, WEAK_PASSCODE_LABEL } from './phrases.js';
import { meetCode } from './platforms/google-meet.js';
import { webexSite } from './platforms/webex.js';
import type { WrittenPasscode } from './secrets.js';

/** The last word of every id label, and the dial-string prefixes (`,,`, `##`). */
const LABEL_ENDINGS = [
  String.raw`(?<![a-z])(?:id|no\.?)|i\.d\.?|seminario\s+web|webin[aá]rio|id\s+meeting`,
  String.raw`number|nummer|n[uú]m[eé]ro|numero|(?:meeting|mtg|webinar|zoom|webex|teams|goto)[ \t-]*#`,
  String.raw`access[ \t]+code|zugriffscode|(?:zoom|webex|teams|goto|bluejeans)[ \t-]*(?:code|meeting|mtg)`,
  String.raw`(?<![a-z])(?:zoom|webex|teams|goto|bluejeans|chime)|acceso|acesso|accesso`,
  String.raw`acc[eè]s|reuni[oó]n|r[eé]union|reuni[aã]o|riunione|webinar|webinaire`,
  String.raw`spotkania|kimli[gğ]i|конференции|встречи|会议号|會議號|腾讯会议|騰訊會議|الاجتماع|الاجتماعات|собрания|совещания|доступа|toegangscode|番号|コード|번호|코드|,,\*?(?:01\*)?`,
  String.raw`##`,
].join('|');

/**
 * Prefilter source: wakes up at the first digit of a number of three digits
 * or more and looks behind it for the last word of an id label (`ID`,
 * `number`, `réunion`, `acceso)`, …) or a dial-string prefix. Looking for the
 * labels themselves would try every label at every position.
 */
export const LABELLED_DIGITS = String.raw`\d(?<!\d\d)(?=\d\d)(?<=(?:${LABEL_ENDINGS})[^\dA-Za-z\n/]{0,8}(?:(?:is|es|est|ist|é|è|sind|são)[ \t]+)?(?:\n[ \t]*)?\d)`;
const LABELLED_DIGITS_ALL = new RegExp(LABELLED_DIGITS, 'gi');

/** Separator between a label and its value: punctuation, or a copula in the supported languages. */
const SEPARATOR = /[ \t]*(?:([:=#\-]+)|(?:is|es|est|ist|é|è|sind|são)(?![A-Za-z]))?[ \t]*(?:\r?\n[ \t]*)?/;
const NOT_IN_WORD = String.raw`(?<![A-Za-z0-9#/._=?&%@-])`;

/**
 * The id label (and separator) ending exactly where a number starts, read
 * backwards with a look-behind from that position, so finding it costs the
 * length of the label rather than a scan of the text before it. Groups: 1
 * label with separator, 2 platform prefix, 3 label, 4 platform used as label
 * ("zoom id", "Zoom meeting", "Zoom:"), 5 a bare "id", 6 separator.
 */
const ID_BEFORE = new RegExp(
  `(?<=(${NOT_IN_WORD}(?:(${PLATFORM_PREFIX}[ \\t-]*)?(${ID_LABELS.join('|')})|(${PLATFORM_PREFIX})(?:[ \\t-]*(?:id|#|number|code|meeting|mtg))?|(id))(?![A-Za-z])(${SEPARATOR.source})))`,
  'iy',
);

const PLATFORM_ONLY = new RegExp(`^${PLATFORM_PREFIX}$`, 'i');

/** What stands before the digits of a one-tap or H.323 dial string. */
const DIAL_PREFIX = /(?:,,\*?(?:01\*)?|##)$/;

const PASSCODE_LABEL = new RegExp(`${NOT_IN_WORD}(${PASSCODE_LABELS.join('|')})(?![A-Za-z])`, 'gi');

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
  'riunione', 'reunión', 'reunion', 'réunion', 'reunião', 'besprechung', 'sitzung', 'de', 'da', 'della', 'if',
]);

interface DigitRun {
  digits: string;
  end: number;
  grouped: boolean;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Reads a numeric id written with single blanks, dashes or dots between groups, or one line break inside it. */
/**
 * `loose`: also `/` and `_` between groups, as raid calls write ids
 * (`zoom 845/1239/7260`); labelled ids and dates keep to blanks, dashes and dots.
 */
function readDigits(text: string, from: number, max = 15, loose = false): DigitRun | null {
  let i = from;
  let digits = '';
  let grouped = false;
  for (;;) {
    const runStart = i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    if (i === runStart) return null;
    digits += text.slice(runStart, i);
    if (digits.length > max) return null;
    let j = i;
    const c = text[j];
    if (c === ' ' || c === '-' || c === '.' || c === '\t' || (loose && (c === '/' || c === '_'))) {
      j++;
      if (text[j] === ' ' && (c === '-' || c === ' ')) j++;
    } else if (digits.length < 9 && (c === '\n' || (c === '\r' && text[j + 1] === '\n'))) {
      j += c === '\r' ? 2 : 1;
    }
    if (j === i || !isDigit(text.charCodeAt(j))) break;
    grouped = true;
    i = j;
  }
  return { digits, end: i, grouped };
}

/** Digit counts each platform's numeric meeting ids have. */
const ID_LENGTHS: Readonly<Record<string, readonly [number, number]>> = {
  zoom: [9, 11], teams: [10, 15], webex: [9, 11], goto: [9, 10], bluejeans: [6, 11], chime: [10, 13],
  ringcentral: [9, 12], lifesize: [3, 12], zoho: [9, 12], tencent: [9, 10],
};

function fits(platform: string, digits: string): boolean {
  const range = ID_LENGTHS[platform];
  return range !== undefined && digits.length >= range[0] && digits.length <= range[1];
}

/** The platform a label names ("Zoom meeting ID", "会议号"), or null. */
function platformIn(s: string): string | null {
  const l = s.toLowerCase();
  for (const name of ['zoom', 'teams', 'webex', 'goto', 'bluejeans', 'chime', 'ringcentral', 'lifesize', 'zoho']) {
    if (l.includes(name)) return name;
  }
  // 会议号 ("meeting number") is what Zoom's Chinese invitations print too: it names no platform.
  return /tencent|voov|腾讯会议|騰訊會議/.test(l) ? 'tencent' : null;
}

interface Context {
  platform: string;
  at: number;
}

/** Where platforms are named in a text; computed on first use, as most texts never ask. */
class Contexts {
  readonly #text: string;
  readonly #links: readonly Candidate[];
  #sorted: Context[] | null = null;

  constructor(text: string, links: readonly Candidate[]) {
    this.#text = text;
    this.#links = links;
  }

  get list(): readonly Context[] {
    this.#sorted ??= contextsOf(this.#text, this.#links);
    return this.#sorted;
  }
}

const PLATFORM_WORD_PATTERNS = PLATFORM_WORDS.map((w) => ({ platform: w.platform, re: new RegExp(w.pattern, `g${w.flags ?? 'i'}`) }));

/** Where platforms are named in `text`: catalogued links first-hand, then product names. */
function contextsOf(text: string, links: readonly Candidate[]): Context[] {
  const out: Context[] = links.map((l) => ({ platform: l.platform, at: l.start }));
  for (const { platform, re } of PLATFORM_WORD_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push({ platform, at: m.index });
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * The platform named nearest to `at` among those `usable`: before it within
 * 800 characters, else after it within 400. `contexts` is sorted, so this
 * costs a binary search plus the few names inside the window.
 */
function nearestPlatform(contexts: readonly Context[], at: number, usable: (platform: string) => boolean): string | null {
  let lo = 0;
  let hi = contexts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((contexts[mid]?.at ?? Infinity) <= at) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) {
    const c = contexts[i];
    if (c === undefined || at - c.at > 800) break;
    if (usable(c.platform)) return c.platform;
  }
  for (let i = lo; i < contexts.length; i++) {
    const c = contexts[i];
    if (c === undefined || c.at - at > 400) break;
    if (usable(c.platform)) return c.platform;
  }
  return null;
}

function notMeet(platform: string): boolean {
  return platform !== 'google-meet';
}

type LabelKind = 'generic' | 'number' | 'access' | 'bare';

/** Which platform a numeric id belongs to, or null when its digits fit none plausibly. */
function choosePlatform(labelPlatform: string | null, kind: LabelKind, digits: string, nearby: string | null, written: string): string | null {
  if (labelPlatform !== null) return fits(labelPlatform, digits) ? labelPlatform : null;
  if (nearby !== null) return nearby;
  // "ID: 845 1239 7260" (or 🆔): grouped 3-4-4, as only Zoom prints its ids.
  if (kind === 'bare' && /^\d{3} \d{4} \d{4}$/.test(written)) return 'zoom';
  if (kind === 'access' || kind === 'bare') return null;
  if (kind === 'number') return fits('webex', digits) ? 'webex' : null;
  if (fits('zoom', digits)) return 'zoom';
  return digits.length >= 12 && fits('teams', digits) ? 'teams' : null;
}

/** A labelled id before it is known whether it needs (and has) a passcode nearby. */
interface IdMention {
  candidate: Candidate;
  labelStart: number;
  labelEnd: number;
  /** Only counts when a passcode follows closely ("meeting id 123456789" alone is everyday English). */
  needsPasscode: boolean;
}

/** The id label that ends right before the number at `digitAt` (blanks, punctuation or a copula between). */
function idMentionAt(text: string, digitAt: number, contexts: Contexts): IdMention | null {
  ID_BEFORE.lastIndex = digitAt;
  const label = ID_BEFORE.exec(text);
  const whole = label?.[1];
  if (label === null || whole === undefined) return null;
  const labelStart = digitAt - whole.length;
  const labelEnd = digitAt - (label[6] ?? '').length;
  const punctuated = (label[6] ?? '').trim().length > 0;
  const run = readDigits(text, digitAt);
  if (run === null) return null;
  const bare = label[5] !== undefined;
  const name = label[3] ?? label[4] ?? label[5] ?? '';
  const prefix = label[2] ?? label[4] ?? '';
  const labelPlatform = platformIn(prefix) ?? platformIn(name);
  let kind: LabelKind = 'generic';
  if (bare) kind = 'bare';
  else if (/access/i.test(name) && !/meeting\s+id/i.test(name) && !/\(/.test(name)) kind = 'access';
  else if (/n[uú]m|nummer|number|\(/i.test(name)) kind = 'number';
  const nearby = labelPlatform === null
    ? nearestPlatform(contexts.list, labelStart, (p) => p !== 'google-meet' && fits(p, run.digits))
    : null;
  let platform = choosePlatform(labelPlatform, kind, run.digits, nearby, text.slice(digitAt, run.end));
  // GoTo prints its 9-digit access code as 123-456-789; nothing else does.
  if (platform === null && kind === 'access' && /^\d{3}-\d{3}-\d{3}$/.test(text.slice(digitAt, run.end))) platform = 'goto';
  if (platform === null) return null;
  const strong = punctuated || run.grouped || (labelPlatform !== null && prefix !== '');
  if (bare && !strong) return null;
  // The platform name alone is a label only with a colon after it ("Zoom: 845 1239 7261").
  if (PLATFORM_ONLY.test(text.slice(labelStart, labelEnd)) && !/[:=]/.test(label[6] ?? '')) return null;
  return {
    candidate: textCandidate(platform, run.digits, labelStart, run.end),
    labelStart,
    labelEnd,
    needsPasscode: bare || !strong,
  };
}

interface PasscodeMention {
  at: number;
  end: number;
  value: string;
  /** Where the value itself is written. */
  valueStart: number;
  valueEnd: number;
  /** A phone PIN, which belongs to Google Meet (and only there). */
  pin: boolean;
  /** The passcode for joining by phone ("Dial-in password"): taken only when the meeting's own is not given. */
  phone: boolean;
  /** A clear "Passcode: X" that may also belong to the reference right after it. */
  forward: boolean;
}

/**
 * The passcode after a label. `near`: the label stands right after a meeting
 * id ("zoom 845 1239 7260 pw bio"), where even a short word after an informal
 * label is the passcode; elsewhere an informal label needs a value with a digit.
 */
function readPasscode(text: string, label: string, from: number, near: boolean): { value: string; start: number; valueEnd: number; end: number; clear: boolean } | null {
  PASSCODE_SEPARATOR.lastIndex = from;
  const sep = PASSCODE_SEPARATOR.exec(text);
  let at = PASSCODE_SEPARATOR.lastIndex;
  const punctuated = sep !== null && sep[0].trim().length > 0;
  const weak = WEAK_PASSCODE_LABEL.test(label.trim());
  let nextLine = false;
  if ((punctuated || !weak) && (text[at] === '\n' || text[at] === '\r')) {
    NEWLINE.lastIndex = at;
    if (NEWLINE.exec(text) !== null) {
      at = NEWLINE.lastIndex;
      nextLine = !punctuated;
    }
  }
  if (/^pin$/i.test(label.trim())) {
    const run = readDigits(text, at, 16);
    if (run === null || run.digits.length < 4) return null;
    return { value: run.digits, start: at, valueEnd: run.end, end: run.end + (text[run.end] === '#' ? 1 : 0), clear: punctuated };
  }
  const grouped = groupedDigits(text, at);
  if (grouped !== null) return { value: grouped.digits, start: at, valueEnd: grouped.end, end: grouped.end, clear: punctuated && !weak };
  // A passcode in quotes: `pass "oreo22"`.
  if (text[at] === '"' || text[at] === "'") at++;
  PASSCODE_VALUE.lastIndex = at;
  const m = PASSCODE_VALUE.exec(text);
  if (m === null) return null;
  const lead = m[0].startsWith('*') ? 1 : 0;
  const value = m[0].replace(/[.,!?:#]+$/, '').slice(lead);
  if (value.length < 3 || value.length > 32 || NOT_PASSCODES.has(value.toLowerCase()) || !/[A-Za-z0-9]/.test(value)) return null;
  if (/:\/\/|^www\.|[A-Za-z0-9]\.[A-Za-z]{2,}\//i.test(value)) return null; // a link, not a passcode
  if (!near && (weak || nextLine) && !/\d/.test(value)) return null;
  if (!near && !punctuated && /^[a-z]+$/.test(value) && value.length < 5) return null;
  // "code" and "key" are passcode labels only right after an id, and only for a value with a digit ("zoom … code abc123", not "with code were").
  if (NEAR_ONLY_PASSCODE_LABEL.test(label.trim()) && !/\d/.test(value)) return null;
  if (near && !/\d/.test(value) && (RAID_WORDS.test(value) || value.length > 16)) return null;
  return { value, start: at + lead, valueEnd: at + lead + value.length, end: at + m[0].length, clear: punctuated && !weak };
}

const DIGIT_GROUPS = /(\d{2,4})((?:[ -]\d{2,4}){1,3})(?![\dA-Za-z])/y;

/**
 * A numeric passcode written in groups ("6628 26", "662-810"): read whole, so
 * that no part of it is left out of the passcode (and unmasked). Only short
 * first groups: "662810 845 1239 7260" is a passcode followed by an id.
 */
function groupedDigits(text: string, at: number): { digits: string; end: number } | null {
  DIGIT_GROUPS.lastIndex = at;
  const m = DIGIT_GROUPS.exec(text);
  if (m === null) return null;
  const digits = m[0].replace(/[ -]/g, '');
  return digits.length <= 10 ? { digits, end: at + m[0].length } : null;
}

/** Words that follow "pw"/"code" after an id without being its passcode ("zoom 845… code red", "pw later"). */
const RAID_WORDS = /^(?:raid|come|join|bomb|now|asap|rn|lol|lmao|guys|pls|please|plz|everyone|red|blue|below|dm|ask|soon|later|tbd|idk|here|in|on|at|is|yes|no)$/i;

/**
 * Every passcode written in `text`, except label words that are part of an
 * id label. `idEnds` (sorted) are where references end: a label right after
 * one reads its value loosely (see {@link readPasscode}).
 */
function passcodeMentions(text: string, idLabels: readonly IdMention[], idEnds: readonly number[]): PasscodeMention[] {
  const out: PasscodeMention[] = [];
  let id = 0;
  let e = 0;
  PASSCODE_LABEL.lastIndex = 0;
  for (let m = PASSCODE_LABEL.exec(text); m !== null; m = PASSCODE_LABEL.exec(text)) {
    const at = m.index;
    const labelEnd = at + m[0].length;
    while ((idLabels[id]?.labelEnd ?? Infinity) <= at) id++;
    if ((idLabels[id]?.labelStart ?? Infinity) <= at) continue; // "(código de acceso)" inside a Webex id label
    if (/[A-Za-z]$/.test(m[0]) && isDigit(text.charCodeAt(labelEnd))) continue; // "pw34UOM" is a word, not a label
    while ((idEnds[e + 1] ?? Infinity) <= at) e++;
    const before = idEnds[e];
    // Right after a reference, on its line or at the start of the next ("zoom 845…\npass : gorillaz").
    const near = before !== undefined && before <= at && at - before <= 16 && !/\n[^\n]*\n|\n.*\S.*$/.test(text.slice(before, at));
    const label = m[1] ?? '';
    if (NEAR_ONLY_PASSCODE_LABEL.test(label.trim()) && !near) continue;
    const read = readPasscode(text, label, labelEnd, near);
    if (read === null) continue;
    out.push({
      at, end: read.end, value: read.value, valueStart: read.start, valueEnd: read.valueEnd,
      // A PIN right after an id is that meeting's passcode ("zoom 845… pin 4455"); elsewhere a phone PIN is Meet's.
      pin: /^pin$/i.test(label.trim()) && !near, phone: PHONE_PASSCODE_LABEL.test(label.trim()),
      // A clear "Passcode: X", "Passcode X" or "pass: 5544" may belong to the reference after it.
      forward: read.clear || (/\d/.test(read.value) && (!WEAK_PASSCODE_LABEL.test(label.trim()) || /^[ \t]*[:=]/.test(text.slice(labelEnd, labelEnd + 3)))),
    });
    PASSCODE_LABEL.lastIndex = Math.max(PASSCODE_LABEL.lastIndex, read.end);
  }
  return out;
}

/**
 * Platforms named by a word in raid calls, typos and digits-for-letters
 * included (`zooom`, `z00m`); group 1 Zoom, 2 Webex, 3 GoTo, 4 Chime,
 * 5 BlueJeans, 6 Teams, 7 RingCentral, 8 Tencent.
 */
const INFORMAL_PLATFORM = /(?<![A-Za-z0-9.\/@_%-])(?:(z[o0]{2,4}m(?:gov)?)|(web[ -]?ex)|(go[ -]?to(?:[ -]?meet(?:ing)?)?|gotomeet(?:ing)?)|((?:amazon[ -]+)?chime)|(blue[ -]?jeans|bjn)|((?:microsoft|ms)[ -]?teams|teams)|(ring[ -]?central)|(tencent|voov))(?![a-z]|\.[a-z])/gi;
const INFORMAL_HINT = /z[o0]{2,4}m|webex|go ?to|chime|blue ?jeans|bjn|teams|ring ?central|tencent|voov/i;
const INFORMAL_SLUGS = ['zoom', 'webex', 'goto', 'chime', 'bluejeans', 'teams', 'ringcentral', 'tencent'] as const;
/** How far after the platform's name its id may stand ("the zoom for 3rd period is 845 1239 7260"). */
const INFORMAL_WINDOW = 48;
/** Words between a platform's name and a number that make the number something else than its meeting id. */
const NOT_AN_ID = /\b(?:phone|call|tel|dial|fax|sms|text|support|order|invoice|ticket|case|tracking|isbn|serial|version|build|account|acct|license|licence|zip|postcode|iban|card|price|stock|shares|revenue|\$|€|£)\b/i;

/** What may stand right before an informal id: a number in a link (`/uvqqv/6591051667`) or glued to a word is something else. */
const STANDS_ALONE = /[\s:=#!*|>(\[{"',;~`]/;

/** Where an id follows a platform named by a word: `zoom 861 2290 4418`, `!zoom 83344120976`, `>zoom 845-1239-7260`. */
function informalMentions(text: string): IdMention[] {
  const out: IdMention[] = [];
  INFORMAL_PLATFORM.lastIndex = 0;
  for (let m = INFORMAL_PLATFORM.exec(text); m !== null; m = INFORMAL_PLATFORM.exec(text)) {
    const group = m.slice(1, 9).findIndex((g) => g !== undefined);
    const platform = INFORMAL_SLUGS[group];
    if (platform === undefined) continue;
    // "all teams" is not Microsoft Teams; "zoom in" is the verb.
    if (platform === 'teams' && /^teams$/.test(m[0])) continue;
    if (platform === 'zoom' && /^\s+(?:in|out|into|level|lens|lenses)\b/i.test(text.slice(m.index + m[0].length, m.index + m[0].length + 8))) continue;
    const nameEnd = m.index + m[0].length;
    const limit = Math.min(text.length, nameEnd + INFORMAL_WINDOW);
    for (let i = nameEnd; i < limit; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a && text.slice(nameEnd, i).trim().length > 1) break; // the id may start the next line only right after the name
      if (!isDigit(c) || !STANDS_ALONE.test(text[i - 1] ?? ' ')) continue; // not part of a link, a word or a longer number
      const run = readDigits(text, i, 15, true);
      if (run === null || run.digits.length < 6) continue;
      const between = text.slice(nameEnd, i);
      if (!fits(platform, run.digits) || text[i - 1] === '+' || /[(\d]$/.test(between.trimEnd()) || NOT_AN_ID.test(between) || phoneShaped(text.slice(i, run.end))) break;
      const gap = between.trim().length;
      out.push({
        candidate: textCandidate(platform, run.digits, m.index, run.end),
        labelStart: m.index,
        labelEnd: nameEnd,
        // Right after the name, or grouped as the platform prints ids: an id. Further away, or a bare
        // nine-digit number ("#zoom id 729384160 in the spreadsheet"), only with a passcode after it.
        needsPasscode: !run.grouped && (gap > 16 || run.digits.length < 10),
      });
      INFORMAL_PLATFORM.lastIndex = Math.max(INFORMAL_PLATFORM.lastIndex, run.end);
      break;
    }
  }
  return out;
}

/** A North American phone number as people write one (`1-888-799-9666`, `888.799.9666` with a leading 1). */
function phoneShaped(written: string): boolean {
  return /^1[ .-]\d{3}[ .-]\d{3}[ .-]\d{4}$/.test(written);
}

/**
 * One-tap mobile strings: `+16465588656,,84512397261#,,,,*662810#` (Zoom),
 * `,,*01*2554485253##*01*` (Webex). A match starts only at the first comma of
 * a run: tried from every comma, a run of n commas with no id after it costs
 * n² (40,000 commas took seconds). A comma run inside the match is only
 * followed by a digit or `*` when the run is whole, so backtracking into it
 * costs its length once.
 */
const ONE_TAP = /(?<!,),,+(\*01\*)?(\d{8,15})(#{1,2})(?:(?:,+|#)(?:\d{1,3}#,+)?\*?(\d{3,10})#)?/g;

/** The phone number ending where a one-tap string starts, read backwards from there (sticky), so its cost is its length. */
const PHONE_BEFORE = /(?<=(\+?\d[\d \-().]{5,22}))/y;

/** The phone number that ends at `at`, or null. */
function phoneBefore(text: string, at: number): string | null {
  PHONE_BEFORE.lastIndex = at;
  return PHONE_BEFORE.exec(text)?.[1] ?? null;
}

/** SIP and H.323 dial strings. */
const SIP = /(?<![\w.])(\d{8,15})(?:\.(\d{3,12}))?@((?:[a-z0-9-]+\.)*[a-z0-9-]+\.[a-z]{2,24})(?![\w-])/gi;
const H323 = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}##(\d{9,11})(?:#(\w{1,10}))?#?/g;

const MEET_CODE_HINT = /-[a-z]{4}-[a-z]{3}(?![a-z])|[ -][a-z]{4} [a-z]{3}(?![a-z])/i;
/** A Meet code written with blanks ("meet code abc mnop xyz"), right after its label. */
const MEET_SPACED = new RegExp(String.raw`(?<![A-Za-z])(?:${MEET_CODE_LABEL})[ \t]*[:=-]?[ \t]*(?<![A-Za-z-])([a-z]{3}) ([a-z]{4}) ([a-z]{3})(?![A-Za-z-])`, 'gi');
const MEET_TEXT = new RegExp(String.raw`(?<![A-Za-z])(?:${MEET_CODE_LABEL})[^\n]{0,30}?(?<![A-Za-z-])([a-z]{3}-[a-z]{4}-[a-z]{3})(?![A-Za-z-])`, 'gi');

function textCandidate(platform: string, meetingId: string, start: number, end: number, extra: Partial<Candidate> = {}): Candidate {
  return { platform, meetingId, passcode: null, passcodeWritten: true, url: null, host: null, orgHint: null, token: null, start, end, hostStart: false, fromText: true, secrets: [], ...extra };
}

function oneTaps(text: string, contexts: Contexts, out: Candidate[]): void {
  ONE_TAP.lastIndex = 0;
  for (let m = ONE_TAP.exec(text); m !== null; m = ONE_TAP.exec(text)) {
    const phone = phoneBefore(text, m.index);
    const id = m[2] ?? '';
    if (phone === null) continue;
    const start = m.index - phone.length;
    const webexStyle = m[1] !== undefined || m[3] === '##';
    const near = webexStyle ? null : nearestPlatform(contexts.list, m.index, notMeet);
    // Teams prints its phone conference id, not the meeting id, in one-tap strings; and it writes the
    // phone number with blanks and dashes (`+1 323-849-4874,,839592437#`), Zoom never does.
    if (near === 'teams' || (near === null && !webexStyle && /[ ().-]/.test(phone.trim()))) continue;
    const platform = webexStyle ? 'webex' : near !== null && fits(near, id) ? near : fits('zoom', id) ? 'zoom' : null;
    if (platform === null || !fits(platform, id)) continue;
    out.push(textCandidate(platform, id, start, m.index + m[0].length, { passcode: webexStyle ? null : (m[4] ?? null) }));
  }
}

function sipAddresses(text: string, out: Candidate[]): void {
  SIP.lastIndex = 0;
  for (let m = SIP.exec(text); m !== null; m = SIP.exec(text)) {
    const id = m[1] ?? '';
    const domain = (m[3] ?? '').toLowerCase();
    const end = m.index + m[0].length;
    const pin = m[2] ?? null;
    if (domain === 'zoomcrc.com' || domain.endsWith('.zoomcrc.com') || domain === 'zoomgov.com') {
      if (fits('zoom', id)) out.push(textCandidate('zoom', id, m.index, end, { passcode: pin }));
    } else if (domain === 'rcv.com') {
      if (fits('ringcentral', id)) out.push(textCandidate('ringcentral', id, m.index, end, { passcode: pin }));
    } else if (domain === 'bjn.vc') {
      if (fits('bluejeans', id)) out.push(textCandidate('bluejeans', id, m.index, end, { passcode: pin }));
    } else if (domain.endsWith('.webex.com') && domain !== 'm.webex.com' && fits('webex', id)) {
      const site = webexSite(domain);
      out.push(textCandidate('webex', id, m.index, end, { orgHint: site === null ? null : { kind: 'webex-site', value: site } }));
    }
  }
}

function h323(text: string, out: Candidate[]): void {
  H323.lastIndex = 0;
  for (let m = H323.exec(text); m !== null; m = H323.exec(text)) {
    out.push(textCandidate('zoom', m[1] ?? '', m.index, m.index + m[0].length, { passcode: m[2] ?? null }));
  }
}

/** Where `value` is written inside `[start, end)` of `text` (the pin of a one-tap or SIP string). */
function spanOf(text: string, value: string, start: number, end: number): { start: number; end: number }[] {
  const at = text.lastIndexOf(value, end - value.length);
  return at >= start ? [{ start: at, end: at + value.length }] : [];
}

function meetCodes(text: string, out: Candidate[]): void {
  MEET_TEXT.lastIndex = 0;
  for (let m = MEET_TEXT.exec(text); m !== null; m = MEET_TEXT.exec(text)) {
    const code = meetCode(m[1] ?? '');
    if (code !== null) out.push(textCandidate('google-meet', code, m.index, m.index + m[0].length));
  }
  MEET_SPACED.lastIndex = 0;
  for (let m = MEET_SPACED.exec(text); m !== null; m = MEET_SPACED.exec(text)) {
    const letters = `${m[1]}${m[2]}${m[3]}`;
    // Meet codes are random letters, few of them vowels; three English words ("the best way") are not a code.
    if ((letters.match(/[aeiou]/gi)?.length ?? 0) > 2) continue;
    const code = meetCode(`${m[1]}-${m[2]}-${m[3]}`);
    if (code !== null) out.push(textCandidate('google-meet', code, m.index, m.index + m[0].length));
  }
}

/**
 * Ids written as text in `text` (normalised), and the passcodes written next
 * to them or to `links` (which this mutates: a link without a passcode of its
 * own takes the one written right after it). When `written` is given, the
 * span of every passcode written in the text is added to it, whether it
 * belongs to a reference or not.
 */
export function findTextMeetings(text: string, links: Candidate[], written?: WrittenPasscode[]): Candidate[] {
  const contexts = new Contexts(text, links);

  const mentions: IdMention[] = [];
  LABELLED_DIGITS_ALL.lastIndex = 0;
  for (let m = LABELLED_DIGITS_ALL.exec(text); m !== null; m = LABELLED_DIGITS_ALL.exec(text)) {
    if (DIAL_PREFIX.test(text.slice(Math.max(0, m.index - 5), m.index))) continue; // one-tap and H.323, read below
    const mention = idMentionAt(text, m.index, contexts);
    if (mention === null) continue;
    mentions.push(mention);
    LABELLED_DIGITS_ALL.lastIndex = Math.max(LABELLED_DIGITS_ALL.lastIndex, mention.candidate.end);
  }
  if (INFORMAL_HINT.test(text)) {
    mentions.push(...informalMentions(text));
    mentions.sort((a, b) => a.labelStart - b.labelStart);
  }
  const found: Candidate[] = [];
  if (text.includes(',,')) oneTaps(text, contexts, found);
  if (text.includes('@')) sipAddresses(text, found);
  if (text.includes('##')) h323(text, found);
  if (MEET_CODE_HINT.test(text)) meetCodes(text, found);
  if (mentions.length === 0 && found.length === 0 && links.length === 0 && written === undefined) return found;

  for (const c of found) if (c.passcode !== null) c.secrets.push(...spanOf(text, c.passcode, c.start, c.end));
  const ends = [...mentions.map((m) => m.candidate.end), ...found.map((c) => c.end), ...links.map((c) => c.end)].sort((a, b) => a - b);
  const passcodes = passcodeMentions(text, mentions, ends);
  if (written !== undefined) for (const p of passcodes) written.push({ value: p.value, start: p.valueStart, end: p.valueEnd });
  let next = 0;
  for (const mention of mentions) {
    const end = mention.candidate.end;
    while ((passcodes[next]?.at ?? Infinity) < end) next++;
    const following = passcodes[next];
    if (!mention.needsPasscode || (following !== undefined && following.at - end <= 120)) found.push(mention.candidate);
  }
  attachPasscodes([...found, ...links], passcodes);
  return found;
}

/**
 * Gives each written passcode to the nearest reference before it (within 300
 * characters), or, for a clear "Passcode: X", the next one (within 150).
 * Phone PINs go to Google Meet only. References that carry a passcode keep it.
 */
function attachPasscodes(candidates: readonly Candidate[], passcodes: readonly PasscodeMention[]): void {
  if (passcodes.length === 0 || candidates.length === 0) return;
  attachInOrder(candidates, passcodes.filter((p) => !p.pin && !p.phone));
  attachInOrder(candidates, passcodes.filter((p) => !p.pin && p.phone));
  attachInOrder(candidates.filter((c) => c.platform === 'google-meet'), passcodes.filter((p) => p.pin));
}

/** One pass over passcodes and references, both in text order: linear however many there are. */
function attachInOrder(candidates: readonly Candidate[], passcodes: readonly PasscodeMention[]): void {
  const byEnd = [...candidates].sort((a, b) => a.end - b.end);
  const byStart = [...candidates].sort((a, b) => a.start - b.start);
  let e = 0;
  let s = 0;
  let before: Candidate | null = null;
  for (const p of passcodes) {
    for (let c = byEnd[e]; c !== undefined && c.end <= p.at; c = byEnd[++e]) before = c;
    for (let c = byStart[s]; c !== undefined && c.start < p.end; c = byStart[++s]);
    const after = byStart[s];
    let target = before !== null && p.at - before.end <= 300 ? before : null;
    if (target === null && p.forward && after !== undefined && after.start - p.end <= 150) target = after;
    if (target === null) continue;
    // A written passcode joins a link that carries only a token: both forms are reported, the written one as the passcode.
    if (target.passcode === null || (!target.passcodeWritten && target.token === null)) {
      target.token = target.passcode;
      target.passcode = p.value;
      target.passcodeWritten = true;
      target.secrets.push({ start: p.valueStart, end: p.valueEnd });
      if (target.fromText) target.end = Math.max(target.end, p.end);
    }
  }
}
