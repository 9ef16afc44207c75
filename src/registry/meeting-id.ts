import { InputError } from '../errors.js';
import { extractRefs } from '../extract/index.js';
import { PLATFORMS } from '../extract/platforms/index.js';
import { nearestName } from './nearest-name.js';

/** Platforms whose numeric meeting ids people write with spaces or dashes. */
const NUMERIC_IDS = new Set(['zoom', 'webex', 'goto', 'bluejeans', 'chime', 'teams', 'ringcentral', 'lifesize', '8x8', 'zoho']);

export interface CanonicalMeeting {
  platform: string;
  meetingId: string;
  /** A passcode carried by a join link given as the id. */
  passcode: string | null;
}

let known: Set<string> | undefined;

/** Every platform slug of the extractor's catalogue, sorted. */
export function knownPlatforms(): string[] {
  known ??= new Set([...new Set(PLATFORMS.map((p) => p.slug))].sort());
  return [...known];
}

function isKnownPlatform(slug: string): boolean {
  if (!known) knownPlatforms();
  return known!.has(slug);
}

/**
 * The canonical (platform, meeting id) an organiser means, from a join link
 * or from a platform and an id as they would type it (`845 1239 7260`).
 * Throws an {@link InputError} naming the problem.
 */
export function canonicalMeeting(platform: string | null, raw: string): CanonicalMeeting {
  const value = raw.trim();
  const slug = platform?.trim().toLowerCase() || null;
  if (slug && !isKnownPlatform(slug)) {
    const nearest = nearestName(slug.replace(/\s+/g, '-'), knownPlatforms());
    const hint = nearest === null ? '' : ` (did you mean ${nearest}?)`;
    throw new InputError(`unsupported platform "${platform}"${hint}; use one of: ${knownPlatforms().join(', ')}`);
  }
  if (value === '') throw new InputError('the meeting id is empty');

  if (/[/:]|\.[a-z]{2,}/i.test(value)) {
    const ref = extractRefs(value).find((r) => !slug || r.platform === slug);
    if (!ref) {
      throw new InputError(`"${raw}" is not a ${slug ? `${slug} ` : ''}meeting link leakwatch recognises`);
    }
    return { platform: ref.platform, meetingId: ref.meetingId, passcode: ref.passcode };
  }

  if (!slug) throw new InputError(`"${raw}" is not a join link; give --platform with a meeting id`);
  if (NUMERIC_IDS.has(slug) && /^[\d\s.-]+$/.test(value)) {
    const digits = value.replace(/\D/g, '');
    if (digits.length < 6 || digits.length > 14) throw new InputError(`"${raw}" is not a ${slug} meeting number (6 to 14 digits)`);
    return { platform: slug, meetingId: digits, passcode: null };
  }
  if (slug === 'google-meet' && !/^[a-z]{3}-?[a-z]{4}-?[a-z]{3}$/i.test(value)) {
    throw new InputError(`"${raw}" is not a Google Meet code (like abc-defg-hij)`);
  }
  if (slug === 'google-meet') {
    const code = value.toLowerCase().replace(/-/g, '');
    return { platform: slug, meetingId: `${code.slice(0, 3)}-${code.slice(3, 7)}-${code.slice(7)}`, passcode: null };
  }
  if (/\s/.test(value)) throw new InputError(`"${raw}" is not a ${slug} meeting id (it contains spaces)`);
  // Personal rooms and room names: compared case-insensitively by the platforms that have them.
  return { platform: slug, meetingId: slug === 'zoom' || slug === 'webex' ? value.toLowerCase() : value, passcode: null };
}
