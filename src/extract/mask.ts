/**
 * The one place secrets are masked (STYLE.md, "One place for each rule").
 * The extractor reports where every secret sits in the original text, in
 * whatever encoding it was written (`%61bc`, `abc&#68;`, full-width digits,
 * a zero-width space inside, a fragment instead of a query); those spans are
 * masked, and the result is scanned again. If the second scan still finds a
 * secret, the whole reference around it is masked and the caller is told,
 * so that nothing recoverable is stored, shown or sent.
 */
import { analyse } from './index.js';
import { mergeSpans, type Span } from './secrets.js';

/** What a masked character becomes. Not a link or passcode character, so a masked secret reads as no secret. */
export const MASK_CHAR = '•';

/** Second scans after which every letter and digit of the text is masked instead. */
const ROUNDS = 3;

export interface MaskedText {
  /** The text with every secret masked; as long as the original, so offsets into it stay valid. */
  text: string;
  /**
   * Secrets the second scan still found, which were then masked with the
   * whole reference they belong to. 0 when masking by span was complete;
   * anything else is a gap in the extractor worth reporting.
   */
  residual: number;
}

/**
 * `text` with every secret the extractor finds in it masked by position.
 * `spans` replaces the first reading (the safety net is tested with it).
 */
export function maskSecrets(text: string, spans?: readonly Span[]): MaskedText {
  if (text.length === 0) return { text, residual: 0 };
  let masked = maskSpans(text, spans ?? analyse(text).secrets);
  let residual = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const again = analyse(masked);
    // Whatever passcode the extractor can still read is a secret left, even where it reports no span for it.
    const readable = again.refs.filter((r) => [r.passcode, r.token].some((p) => p !== null && /[^•\s]/.test(p))).map((r) => r.span);
    const left = mergeSpans([...again.secrets.filter((s) => unmasked(masked, s)), ...readable]);
    if (left.length === 0) return { text: masked, residual };
    residual += left.length;
    const wider = left.map((s) => again.refs.find((r) => r.span.start <= s.start && s.end <= r.span.end)?.span ?? s);
    masked = maskSpans(masked, wider);
  }
  return { text: masked.replace(/[\p{L}\p{N}]/gu, (c) => MASK_CHAR.repeat(c.length)), residual };
}

/** Every character of the spans but blanks replaced by {@link MASK_CHAR}, unit for unit. */
export function maskSpans(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let at = 0;
  for (const { start, end } of sorted) {
    const from = Math.max(at, start);
    if (end <= from) continue;
    parts.push(text.slice(at, from), text.slice(from, end).replace(/[^\s]/g, MASK_CHAR));
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

function unmasked(text: string, span: Span): boolean {
  for (let i = span.start; i < span.end; i++) {
    const c = text[i];
    if (c !== MASK_CHAR && c !== undefined && !/\s/.test(c)) return true;
  }
  return false;
}
