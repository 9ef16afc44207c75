/**
 * The catalogue: every platform the extractor knows, in one explicit list.
 * Adding a service means writing its file and adding it here; the registry
 * refuses two entries with the same slug or two owners of one domain.
 */
import { adobeConnect } from './adobe-connect.js';
import { around } from './around.js';
import { bigbluebutton } from './bigbluebutton.js';
import { blackboardCollaborate } from './blackboard-collaborate.js';
import { bluejeans } from './bluejeans.js';
import { calVideo } from './cal-video.js';
import { chime } from './chime.js';
import { chorus } from './chorus.js';
import { coscreen } from './coscreen.js';
import { demio } from './demio.js';
import { demodesk } from './demodesk.js';
import { dialpad } from './dialpad.js';
import { discord } from './discord.js';
import { doxyMe } from './doxy-me.js';
import { eightByEight } from './eight-by-eight.js';
import { facetime } from './facetime.js';
import { freeConferenceCall } from './freeconferencecall.js';
import { gather } from './gather.js';
import { gong } from './gong.js';
import { googleDuo } from './google-duo.js';
import { googleHangouts } from './google-hangouts.js';
import { googleMeet } from './google-meet.js';
import { googleMeetStream } from './google-meet-stream.js';
import { goto } from './goto.js';
import { gotoWebinar } from './goto-webinar.js';
import { huawei } from './huawei.js';
import { jam } from './jam.js';
import { jitsi } from './jitsi.js';
import { joinMe } from './join-me.js';
import { konturTalk } from './kontur-talk.js';
import { lark } from './lark.js';
import { lifesize } from './lifesize.js';
import { livekit } from './livekit.js';
import { livestorm } from './livestorm.js';
import { luma } from './luma.js';
import { meetecho } from './meetecho.js';
import { mirotalk } from './mirotalk.js';
import { nextcloudTalk } from './nextcloud-talk.js';
import { ovice } from './ovice.js';
import type { Platform } from './platform.js';
import { pop } from './pop.js';
import { preply } from './preply.js';
import { protonMeet } from './proton-meet.js';
import { pumble } from './pumble.js';
import { reclaim } from './reclaim.js';
import { ringcentral } from './ringcentral.js';
import { riverside } from './riverside.js';
import { salutejazz } from './salutejazz.js';
import { signal } from './signal.js';
import { skypeForBusiness } from './skype-for-business.js';
import { skype } from './skype.js';
import { slack } from './slack.js';
import { starleaf } from './starleaf.js';
import { streamyard } from './streamyard.js';
import { suitConference } from './suit-conference.js';
import { teams } from './teams.js';
import { teamviewer } from './teamviewer.js';
import { teemyco } from './teemyco.js';
import { telegram } from './telegram.js';
import { telemost } from './telemost.js';
import { tencent } from './tencent.js';
import { tuple } from './tuple.js';
import { userzoom } from './userzoom.js';
import { venue } from './venue.js';
import { vimeo } from './vimeo.js';
import { vonage } from './vonage.js';
import { vowel } from './vowel.js';
import { vsee } from './vsee.js';
import { webex } from './webex.js';
import { whatsapp } from './whatsapp.js';
import { whereby } from './whereby.js';
import { workplace } from './workplace.js';
import { zhumu } from './zhumu.js';
import { zoho } from './zoho.js';
import { zoom } from './zoom.js';

export type { LinkMeeting, Platform } from './platform.js';

/** Most-used first; self-hosted software is asked in this order too. */
export const PLATFORMS: readonly Platform[] = [
  zoom, googleMeet, teams, webex, goto, bluejeans, jitsi, eightByEight, whereby, skype, skypeForBusiness, chime,
  ringcentral, zoho, lifesize, bigbluebutton, discord, slack, facetime, blackboardCollaborate, googleHangouts,
  tencent, lark, zhumu, huawei, telemost, salutejazz, konturTalk, nextcloudTalk, adobeConnect, vonage, starleaf,
  joinMe, dialpad, freeConferenceCall, teamviewer, doxyMe, around, pumble, livekit, protonMeet, signal, whatsapp,
  telegram, mirotalk, gather, livestorm, workplace, calVideo, vsee, pop, tuple, gong, demio, riverside,
  googleMeetStream, gotoWebinar, googleDuo, streamyard, vimeo, luma, meetecho, venue, coscreen, teemyco, ovice, jam,
  vowel, suitConference, preply, userzoom, demodesk, chorus, reclaim,
];

const byDomain = new Map<string, Platform>();
const byScheme = new Map<string, Platform>();
const slugs = new Set<string>();
/** Labels of the longest catalogued domain: a host's labels before its last this many never decide its owner. */
let maxLabels = 1;
for (const platform of PLATFORMS) {
  if (slugs.has(platform.slug)) throw new Error(`platform catalogue: duplicate slug \`${platform.slug}\``);
  slugs.add(platform.slug);
  for (const domain of platform.domains ?? []) {
    const owner = byDomain.get(domain);
    if (owner !== undefined) throw new Error(`platform catalogue: \`${domain}\` claimed by both \`${owner.slug}\` and \`${platform.slug}\``);
    byDomain.set(domain, platform);
    maxLabels = Math.max(maxLabels, domain.split('.').length);
  }
  for (const scheme of platform.schemes ?? []) byScheme.set(scheme, platform);
}

/** Self-hosted software, asked about hosts that no catalogued service owns. */
export const SELF_HOSTED: readonly Platform[] = PLATFORMS.filter((p) => p.selfHosted === true);

/**
 * The platform owning `host` by its longest catalogued domain, compared on
 * label boundaries (`westfield.zoom.us` → zoom; `notzoom.us` and
 * `zoom.us.attacker.example` → nothing).
 */
export function platformForHost(host: string): Platform | null {
  // Only the last few labels can be a catalogued domain. Trying every suffix would hash a
  // host of n labels n times: quadratic for the word lists that read as one long host.
  let rest = lastLabels(host, maxLabels);
  for (;;) {
    const found = byDomain.get(rest);
    if (found !== undefined) return found;
    const dot = rest.indexOf('.');
    if (dot < 0) return null;
    rest = rest.slice(dot + 1);
  }
}

/** The platform whose deep links use `scheme` (`zoommtg`, `msteams`), or null. */
export function platformForScheme(scheme: string): Platform | null {
  return byScheme.get(scheme) ?? null;
}

/** The last `count` dot-separated labels of `host` (all of it when it has fewer). */
function lastLabels(host: string, count: number): string {
  let at = host.length;
  for (let n = 0; n < count; n++) {
    at = host.lastIndexOf('.', at - 1);
    if (at <= 0) return host;
  }
  return host.slice(at + 1);
}
