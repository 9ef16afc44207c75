/**
 * Context across posts: raid calls are often split, the meeting in one post
 * ("zoom 861 2290 4418") and its passcode in a reply ("pw is 4321"). What a
 * reply carries for the post it answers is a passcode written in it that
 * none of its own references took.
 */
import { raidPositions } from './cues.js';
import { analyse, type Analysis } from './index.js';
import { normalize } from './normalize.js';
import type { WrittenPasscode } from './secrets.js';

export interface ParentPasscode extends WrittenPasscode {
  /** Raid language anywhere in the reply ("raid", "join and …"). */
  raidLanguage: boolean;
}

/**
 * The passcode `text` (a reply) carries for the post it answers: the first
 * passcode written in it, when the reply has no reference of its own or its
 * references took none of its passcodes; else null. `analysis` is
 * `analyse(text)` when the caller has it already.
 */
export function parentPasscode(text: string, analysis: Analysis = analyse(text)): ParentPasscode | null {
  const first = analysis.passcodes[0];
  if (first === undefined) return null;
  const taken = analysis.passcodes.some((p) => analysis.refs.some((ref) => ref.secrets.some((s) => s.start < p.end && p.start < s.end)));
  if (taken) return null;
  return { value: first.value, start: first.start, end: first.end, raidLanguage: raidPositions(normalize(text).text).length > 0 };
}

/**
 * The text the matcher reads of a post: its visible text and the links of
 * its markup, one a line. Crawlers that look a reply's parent up ask
 * {@link parentPasscode} of this, so they ask only for what the matcher uses.
 */
export function postText(post: { text: string; links?: readonly string[] | undefined }): string {
  return post.links?.length ? `${post.text}\n${post.links.join('\n')}` : post.text;
}
