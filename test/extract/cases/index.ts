/** Every labelled case file, in one list. */
import type { Case } from './case.js';
import { otherPlatformCases, otherPlatformNegatives } from './other-platforms.js';
import { textIdCases } from './text-ids.js';
import { obfuscationCases, obfuscationNegatives } from './obfuscations.js';
import { postCases } from './posts.js';
import { negativeCases } from './negatives.js';
import { googleMeetCases, googleMeetNegatives } from './google-meet.js';
import { teamsCases, teamsNegatives } from './teams.js';
import { webexCases, webexNegatives } from './webex.js';
import { zoomCases, zoomNegatives } from './zoom.js';
import { evasionCases } from './evasions.js';
import { hardNegativeCases } from './hard-negatives.js';
import { languageCases } from './languages.js';
import { realPostCases } from './real-posts.js';
import { moreRaidCallCases, raidCallCases } from './raid-calls.js';
import { streamAndEventCases, streamAndEventNegatives } from './streams-and-events.js';
import { virtualOfficeCases, virtualOfficeNegatives } from './virtual-offices.js';
import { salesAndTutoringCases, salesAndTutoringNegatives } from './sales-and-tutoring.js';
import { meetingBarParityCases, meetingBarParityNegatives } from './meetingbar-parity.js';

export const ALL_CASES: Case[] = [
  ...zoomCases, ...zoomNegatives, ...googleMeetCases, ...googleMeetNegatives, ...teamsCases, ...teamsNegatives,
  ...webexCases, ...webexNegatives, ...otherPlatformCases, ...otherPlatformNegatives,
  ...streamAndEventCases, ...streamAndEventNegatives,
  ...virtualOfficeCases, ...virtualOfficeNegatives,
  ...salesAndTutoringCases, ...salesAndTutoringNegatives,
  ...meetingBarParityCases, ...meetingBarParityNegatives,
  ...textIdCases, ...obfuscationCases, ...obfuscationNegatives,
  ...postCases, ...negativeCases,
  ...raidCallCases, ...moreRaidCallCases, ...languageCases, ...evasionCases, ...hardNegativeCases, ...realPostCases,
];
