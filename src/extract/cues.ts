/**
 * Raid language: calls to storm a meeting ("raid", "zoombomb", "join and
 * scream", "spam the chat"), in the languages the extractor reads. Ling et
 * al. (S&P 2021, catalogue S20) found that such calls, mostly from insiders
 * posting link and password together, are what precedes Zoombombing.
 */

const RAID = new RegExp(
  [
    // English
    String.raw`\bzoom[\s-]*bomb\w*|\b(?:raid|bomb|troll|crash|flood|spam)(?:s|ed|ing|ers?)?\b(?:\s+(?:it|this|the|their|our|his|her|that))?`,
    String.raw`\bjoin\s+(?:and|&|n)\s+\w+|\beveryone\s+join\b|\blet'?s\s+(?:go\s+)?(?:raid|crash|bomb|troll)\b|\bspam\s+(?:the\s+)?chat\b`,
    // Spanish
    String.raw`\b(?:raide|bombarde|trolle|spame|revent)(?:ar|en|emos|ad)\b|\b(?:entren|[uú]nanse|m[eé]tanse|metanse)\s+y\s+\w+|\bfunar\b`,
    // French
    String.raw`\b(?:raid|bombard|troll|spamm?)(?:er|ez|ons)\b|\b(?:rejoignez|venez)\s+(?:et|pour)\s+\w+|\bfoutre\s+le\s+bordel\b`,
    // German
    String.raw`\b(?:raid|bomb|troll|spamm)(?:en|et|t)\b|\bkommt\s+(?:alle\s+)?rein\s+und\b|\b(?:joint|tretet)\s+bei\s+und\b|\bsprengen\b`,
    // Portuguese
    String.raw`\b(?:raid|bombarde|troll|spamm?|flod)(?:ar|em|amos)\b|\binvad(?:ir|irem|imos|am)\b|\b(?:entrem|entra)\s+e\s+\w+`,
    // Italian
    String.raw`\b(?:raid|bombard|troll|spamm)(?:are|ate|iamo)\b|\b(?:entrate|entriamo)\s+e\s+\w+`,
  ].join('|'),
  'gi',
);

/** How far from a reference raid words still count as being about it. */
const NEAR = 500;

/** Offsets in `text` where raid language starts. */
export function raidPositions(text: string): number[] {
  const at: number[] = [];
  RAID.lastIndex = 0;
  for (let m = RAID.exec(text); m !== null; m = RAID.exec(text)) at.push(m.index);
  return at;
}

/** Whether any raid position lies within {@link NEAR} characters of `[start, end)`. */
export function nearRaid(positions: readonly number[], start: number, end: number): boolean {
  return positions.some((p) => p >= start - NEAR && p <= end + NEAR);
}
