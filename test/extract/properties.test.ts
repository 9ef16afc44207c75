/**
 * Property tests over untrusted text: the extractor never throws, stays
 * within its time budget on adversarial input (no catastrophic backtracking),
 * and every span points at the reference it reports.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractRefs, isPlaceholderId } from '../../src/extract/index.js';
import { percentDecodeDeep } from '../../src/extract/link.js';
import { normalize } from '../../src/extract/normalize.js';
import type { MeetingRef } from '../../src/extract/types.js';
import { fastest } from '../support/timing.js';

const MAX_TEXT = 100_000;
const BUDGET_MS = 50;

/** Runs the extractor and returns its wall time, the best of a few calls (see test/support/timing.ts). */
function timedExtract(text: string): { refs: MeetingRef[]; ms: number } {
  const { result, ms } = fastest(() => extractRefs(text), BUDGET_MS);
  return { refs: result, ms };
}

/** Pieces that stress each part of the extractor when repeated. */
const PIECES = [
  '9', '84512397261', '845 ', '1 ', '-', '.', 'a.', 'a', ' ', '\n', '/', ':', '%', '%25', '%2F', '%3A', '#', ',,', '##',
  'zoom.us/j/', 'https://zoom.us/j/8451239726', 'zoom[.]us/j/', 'zoom . us / j / ', ' dot ', ' slash ', 'hxxps://',
  'https://www.google.com/url?q=', 'https://nam12.safelinks.protection.outlook.com/?url=', 'Meeting ID: ', 'Passcode: ',
  'pw ', 'ID ', 'id ', 'meeting id ', 'abc-defg-hij ', '-aaaa-bbb', 'meet.', 'meet.google.com/', 'meet.jit.si/Room',
  '19%3ameeting_', '%40thread.v2', 'teams.microsoft.com/l/meetup-join/', 'context=', '{', '}', '"', "'", '[', ']', '(', ')',
  '\u200b', '\u00ad', '&#46;', '&amp;', '&#x2e;', 'ｚ', '８', '。', '=3D', '=\n', '\\', '\\.', 'webex.com/meet/', 'discord,gg/',
  '+16465588656,,84512397261#,,,,*662810#', '84512397261@zoomcrc.com', '1.2.3.4##84512397261#', '/rooms/', '/b/', 'zoommtg:',
  'Meeting ID: 845 1239 7261 Passcode: 662810\n', 'zoom, Meeting ID: 845 1239 7261 ', 'Passcode: Ab3dEf ', 'https://zoom.us/j/84512397261?pwd=abc ',
  'zoom.us/j/845 ', 'raid ', 'Zoom ', 'Teams ', 'Google Meet: abc-defg-hij ',
];

const repeated = fc
  .tuple(fc.constantFrom(...PIECES), fc.integer({ min: 1, max: MAX_TEXT }))
  .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)).slice(0, MAX_TEXT));

const mixed = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 12_000, size: 'max' }).map((parts) => parts.join('').slice(0, MAX_TEXT));

/** A link inside `depth` redirect wrappers, each percent-encoding the one inside. */
const nested = fc
  .tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom('https://www.google.com/url?q=', 'https://l.facebook.com/l.php?u=', 'https://nam12.safelinks.protection.outlook.com/?url=', 'https://example.com/r?to='))
  .map(([depth, wrapper]) => {
    let link = 'https://zoom.us/j/84512397261?pwd=abc123';
    for (let i = 0; i < depth && link.length < MAX_TEXT / 3; i++) link = `${wrapper}${encodeURIComponent(link)}&x=1`;
    return link.slice(0, MAX_TEXT);
  });

/**
 * What adversarial text is made of: long runs of one separator, digit, letter
 * or label, the way a pasted spreadsheet, a keyboard held down or spam is.
 */
const RUNS = [
  ',', '.', '-', '#', '*', ' ', '\n', '\t', '%', '&amp;', '&#', '=', '/', ':', '@', '+', '(', '[.]', '\\', '\u200b', '\u0301', 'e\u0301', '\ufb01', '。', 'ｚ',
  '8', '0', '84512397261', '1 ', '1-', '1.', '1\n', 'a', 'Z', 'ab', 'a.', 'a,', 'a . ', 'a-', 'a:', 'é', '中',
  'passcode ', 'passcode: ', 'pw ', 'pin ', 'password: x', 'meeting id ', 'Meeting ID: ', 'meeting id: 1 ', 'id ', 'id: ', 'zoom ', 'Zoom: ', 'zoom',
  'Teams ', 'webex ', 'número de reunión ', 'is ', '://', 'https://', 'zoom.us/', 'zoom.us/j/', '.zoom', '%25', '%2F', 'https%3A%2F%2F',
  ',,', ',,8', '##', '#,', '1#', '1.2.3.4', '1@', '12345678@a.', 'abc-', '-aaaa-bbb', 'google meet ', ' dot', 'slash ', 'context={', 'raid ',
];

/** Meeting references as invitations write them, each found on its own; `written` ones are ids without a link. */
const REAL = [
  { text: 'https://zoom.us/j/84512397261?pwd=abc123', platform: 'zoom', id: '84512397261', written: false },
  { text: 'Meeting ID: 845 1239 7261\nPasscode: 662810', platform: 'zoom', id: '84512397261', written: true },
  { text: '+16465588656,,84512397261#,,,,*662810# US (New York)', platform: 'zoom', id: '84512397261', written: true },
  { text: 'meet.google.com/abc-defg-hij', platform: 'google-meet', id: 'abc-defg-hij', written: false },
  { text: 'https://stateu.webex.com/meet/jdoe', platform: 'webex', id: 'jdoe', written: false },
  { text: 'Join by SIP 84512397261@zoomcrc.com', platform: 'zoom', id: '84512397261', written: true },
];

const PLATFORM_NAME = /zoom|teams|webex|meet/i;

/** A run: a piece and how many characters of it (a counterexample prints as this, not as 100 kB). */
const runSpec = fc.tuple(fc.constantFrom(...RUNS), fc.integer({ min: 1, max: MAX_TEXT }));

function runOf([piece, length]: [string, number]): string {
  return piece.repeat(Math.ceil(length / piece.length)).slice(0, length);
}

const run = runSpec.map(runOf);

/** A real reference with long runs before and after it, apart from it by a line break. */
const aroundReal = fc.tuple(runSpec, fc.constantFrom(...REAL), runSpec);

function aroundText([before, real, after]: [[string, number], (typeof REAL)[number], [string, number]]): string {
  return `${runOf(before).slice(0, MAX_TEXT / 2)} \n ${real.text} \n ${runOf(after).slice(0, MAX_TEXT / 2)}`;
}

/** Real references and runs in turn, up to 100 kB. */
const interleaved = fc
  .array(fc.oneof(run.map((r) => r.slice(0, 5_000)), fc.constantFrom(...REAL.map((r) => r.text))), { minLength: 1, maxLength: 400 })
  .map((parts) => parts.join(' \n ').slice(0, MAX_TEXT));

const anyText = fc.string({ unit: 'binary', maxLength: MAX_TEXT, size: 'max' });
const anyAscii = fc.string({ unit: 'binary-ascii', maxLength: MAX_TEXT, size: 'max' });

beforeAll(() => {
  // Warm the JIT on every path, so that measured calls are not cold ones.
  for (let i = 0; i < 50; i++) for (const p of PIECES) extractRefs(`${p} https://zoom.us/j/84512397261 ${p}`.repeat(20));
  for (const text of fc.sample(mixed, { numRuns: 30, seed: 1 })) extractRefs(text);
  for (const piece of RUNS) extractRefs(`${piece.repeat(200)} ${REAL.map((r) => r.text).join(' ')} ${piece.repeat(200)}`);
});

describe('any text', () => {
  for (const [name, arb, runs] of [
    ['random unicode', anyText, 40],
    ['random ascii', anyAscii, 40],
    ['one piece repeated up to 100 kB', repeated, 150],
    ['pieces mixed up to 100 kB', mixed, 60],
    ['nested redirect wrappers', nested, 60],
    ['one long run of a separator, digit, letter or label', run, 150],
    ['real references between long runs', aroundReal.map(aroundText), 100],
    ['real references and runs in turn', interleaved, 40],
  ] as const) {
    it(`${name}: never throws and takes under ${BUDGET_MS} ms`, () => {
      fc.assert(
        fc.property(arb, (text) => {
          const { refs, ms } = timedExtract(text);
          expect(ms).toBeLessThan(BUDGET_MS);
          for (const r of refs) {
            expect(r.span.start).toBeGreaterThanOrEqual(0);
            expect(r.span.end).toBeLessThanOrEqual(text.length);
            expect(r.span.start).toBeLessThan(r.span.end);
            expect(r.meetingId.length).toBeGreaterThan(0);
          }
          const keys = refs.map((r) => `${r.platform} ${r.meetingId}`);
          expect(new Set(keys).size).toBe(keys.length);
        }),
        // No shrinking: shrinking a 100 kB counterexample re-runs the property for minutes.
        { numRuns: runs, endOnFailure: true },
      );
    });
  }
});

describe('long runs', () => {
  it('leave the real reference between them found', () => {
    fc.assert(
      fc.property(aroundReal, (parts) => {
        const [before, real, after] = parts;
        // An id written as text takes its platform from the words around it: "Teams Teams … Meeting ID:" is a Teams id,
        // and a one-tap string near "Teams" dials a conference, not a meeting.
        fc.pre(!real.written || !PLATFORM_NAME.test(before[0] + after[0]));
        const refs = extractRefs(aroundText(parts));
        expect(refs.some((r) => r.platform === real.platform && r.meetingId === real.id), `no ${real.platform} ${real.id}`).toBe(true);
      }),
      { numRuns: 150, endOnFailure: true },
    );
  });
});

/** A link (or text id) and the obfuscations people apply to it. */
const reference = fc.oneof(
  fc.tuple(fc.integer({ min: 100_000_000, max: 99_999_999_999 }).filter((id) => !isPlaceholderId(String(id))), fc.constantFrom('zoom.us', 'westfield.zoom.us', 'us02web.zoom.us', 'zoomgov.com'))
    .map(([id, host]) => ({ text: `https://${host}/j/${id}`, platform: 'zoom', id: String(id) })),
  fc.stringMatching(/^[a-z]{3}-[a-z]{4}-[a-z]{3}$/).map((code) => ({ text: `meet.google.com/${code}`, platform: 'google-meet', id: code })),
  fc.stringMatching(/^[A-Z][a-zA-Z]{4,12}[0-9]{0,3}$/).map((room) => ({ text: `https://meet.jit.si/${room}`, platform: 'jitsi', id: room })),
  fc.stringMatching(/^[a-z]{3,10}$/).map((name) => ({ text: `https://stateu.webex.com/meet/${name}`, platform: 'webex', id: name })),
  fc.stringMatching(/^[a-z0-9]{9}[0-9]$/).map((code) => ({ text: `https://streamyard.com/${code}`, platform: 'streamyard', id: code })),
  fc.uuid().map((id) => ({ text: `https://stream.meet.google.com/stream/${id}`, platform: 'google-meet-stream', id })),
  fc.stringMatching(/^[A-Za-z0-9]{48}$/).map((b64) => ({
    text: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${b64}%40thread.v2/0`,
    platform: 'teams',
    id: `19:meeting_${b64}@thread.v2`,
  })),
);

/** Ids written as text, which are obfuscated but never put inside a URL. */
// Placeholder ids (all nines, counting digits) are not meetings: the generators leave them out.
const writtenId = fc.integer({ min: 10_000_000_000, max: 99_999_999_999 }).filter((id) => !isPlaceholderId(String(id))).map((id) => {
  const s = String(id);
  return { text: `Meeting ID: ${s.slice(0, 3)} ${s.slice(3, 7)} ${s.slice(7)} Passcode: 662810`, platform: 'zoom', id: s };
});

const obfuscate = fc.constantFrom(
  (s: string) => s,
  (s: string) => s.replace(/\./g, '[.]').replace(/^https/, 'hxxps'),
  (s: string) => s.replace(/\./, '\u200b.'),
  (s: string) => s.replace(/[0-9a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
  (s: string) => s.replace(/\./g, '&#46;'),
  (s: string) => `https://www.google.com/url?q=${encodeURIComponent(s.startsWith('http') ? s : `https://${s}`)}&sa=D`,
);

const obfuscateText = fc.constantFrom(
  (s: string) => s,
  (s: string) => s.replace(/ /g, '\u200b '),
  (s: string) => s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
  (s: string) => s.replace(/ (\d)/g, '\n$1'),
);

const noise = fc.string({ unit: fc.constantFrom(...'abc xyz 0123456789 .,;:!?\n\t#@/-()é中😀'.split('')), maxLength: 300 });

/** The normalised forms in which a span's text must contain the reference. */
function recognisable(slice: string, ref: MeetingRef): boolean {
  const norm = percentDecodeDeep(normalize(slice).text).toLowerCase();
  const id = ref.meetingId.toLowerCase();
  return norm.includes(id) || norm.replace(/\D/g, '').includes(id) || norm.replace(/[-\s]/g, '').includes(id.replace(/-/g, ''));
}

describe('spans', () => {
  it('point into the original text at something recognisably the reference', () => {
    fc.assert(
      fc.property(noise, fc.oneof(fc.tuple(reference, obfuscate), fc.tuple(writtenId, obfuscateText)), noise, (before, [ref, hide], after) => {
        const text = `${before} ${hide(ref.text)} ${after}`;
        const refs = extractRefs(text);
        const found = refs.find((r) => r.platform === ref.platform && r.meetingId === ref.id);
        expect(found, `no ${ref.platform} ${ref.id} in ${JSON.stringify(text)}`).toBeDefined();
        for (const r of refs) {
          expect(r.span.start).toBeGreaterThanOrEqual(0);
          expect(r.span.end).toBeLessThanOrEqual(text.length);
          const slice = text.slice(r.span.start, r.span.end);
          expect(recognisable(slice, r), `span ${JSON.stringify(slice)} for ${r.meetingId}`).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});
