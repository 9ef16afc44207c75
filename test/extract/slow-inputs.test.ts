/**
 * Inputs that once took the extractor seconds (or threw), each held to the
 * property tests' budget: 50 ms per 100 kB of text, best of a few calls
 * (see test/support/timing.ts). A super-linear pattern misses it by orders
 * of magnitude, so the budget is generous without being meaningless.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { extractRefs } from '../../src/extract/index.js';
import { fastest } from '../support/timing.js';

const BUDGET_MS_PER_100K = 50;

function budgetFor(text: string): number {
  return BUDGET_MS_PER_100K * Math.max(1, text.length / 100_000);
}

/** Extracts from `text`, asserting it stays within the budget and returning the references. */
function withinBudget(text: string) {
  const budget = budgetFor(text);
  const { result, ms } = fastest(() => extractRefs(text), budget);
  expect(ms, `${ms.toFixed(0)} ms for ${text.length} characters`).toBeLessThan(budget);
  return result;
}

/** `piece` repeated, with a counter in each copy so that no two are the same link. */
function distinct(piece: (i: number) => string, length: number): string {
  const parts: string[] = [];
  let total = 0;
  for (let i = 0; total < length; i++) {
    const p = piece(i);
    parts.push(p);
    total += p.length;
  }
  return parts.join('');
}

const LINK = 'https://zoom.us/j/84512397261';

beforeAll(() => {
  for (let i = 0; i < 50; i++) extractRefs(`${LINK} +16465588656,,84512397261#,,,,*662810# a,b a . b ${LINK}?context={} `.repeat(20));
});

describe('runs of commas (one-tap dial strings)', () => {
  it('a Zoom link and 40,000 commas', () => {
    const refs = withinBudget(`${LINK} ${','.repeat(40_000)}`);
    expect(refs.map((r) => r.meetingId)).toEqual(['84512397261']);
  });

  it('100 kB of commas before and after a link', () => {
    withinBudget(`${','.repeat(50_000)} ${LINK} ${','.repeat(50_000)}`);
    withinBudget(`${',,8'.repeat(33_000)} ${LINK}`);
  });

  it('still reads one-tap strings whose comma runs are long', () => {
    const commas = ','.repeat(30_000);
    const refs = withinBudget(`+16465588656${commas}84512397261#${commas}*662810# US (New York)`);
    expect(refs.map((r) => [r.platform, r.meetingId, r.passcode])).toEqual([['zoom', '84512397261', '662810']]);
  });
});

describe('long hosts', () => {
  it('a word list joined by commas, read as one host', () => {
    withinBudget(`${LINK} ${'a,'.repeat(50_000)}`);
  });

  it('a word list spelled with spaced dots, read as one host', () => {
    withinBudget(`${LINK} ${'a . '.repeat(25_000)}`);
  });

  it('links whose hosts have a thousand labels', () => {
    withinBudget(distinct((i) => `https://${'a.'.repeat(1_000)}${i}.zoom.us/j/84512397261 `, 100_000));
  });
});

describe('long links', () => {
  it('Teams links whose JSON context never closes', () => {
    withinBudget(distinct((i) => `https://teams.microsoft.com/l/meetup-join/${i}?context={ `, 100_000));
  });
});

describe('invisible characters', () => {
  it('300,000 zero-width spaces around a link neither throw nor hide it', () => {
    const zw = '\u200b'.repeat(150_000);
    const refs = withinBudget(`${zw}${LINK}${zw}`);
    expect(refs.map((r) => r.meetingId)).toEqual(['84512397261']);
  });
});

describe('raid-call reading (platform names, informal labels, evasions)', () => {
  it.each([
    ['a platform name repeated', 'zoom '.repeat(20_000)],
    ['a platform name and a short number repeated', 'zoom 1 '.repeat(14_000)],
    ['Teams repeated', 'Teams '.repeat(16_000)],
    ['a name and a partial id repeated', 'zoom 845 '.repeat(11_000)],
    ['ids with informal labels repeated', 'zoom 84512397260 code pw key '.repeat(3_500)],
    ['letter-spaced names repeated', 'z o o m '.repeat(12_000)],
    ['digit words repeated', 'one two three four five six seven '.repeat(2_900)],
    ['Markdown markers repeated', '**a** _b_ ||c|| '.repeat(6_000)],
    ['look-alike letters repeated', 'zоm мeet '.repeat(10_000)],
    ['passcode labels repeated', 'passcode pw pass code pin '.repeat(4_000)],
    ['spaced Meet codes repeated', 'meet code abc mnop xyz '.repeat(4_300)],
    ['emoji between digits repeated', '845💥1239💥'.repeat(9_000)],
  ])('%s', (_name, text) => {
    withinBudget(text);
  });
});
