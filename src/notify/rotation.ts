/**
 * What an organiser does about a leaked meeting: how to rotate it on each
 * platform and how to have the post taken down on each source, in words
 * for the email templates. Also the display names of platforms and sources.
 */

/** Display names of the platform slugs whose title-cased slug would read wrong. */
const PLATFORM_NAMES: Readonly<Record<string, string>> = {
  zoom: 'Zoom',
  'google-meet': 'Google Meet',
  teams: 'Microsoft Teams',
  webex: 'Webex',
  goto: 'GoTo Meeting',
  jitsi: 'Jitsi Meet',
  bluejeans: 'BlueJeans',
  whereby: 'Whereby',
  skype: 'Skype',
  'skype-for-business': 'Skype for Business',
  chime: 'Amazon Chime',
  ringcentral: 'RingCentral',
  '8x8': '8x8',
  zoho: 'Zoho Meeting',
  lifesize: 'Lifesize',
  bigbluebutton: 'BigBlueButton',
  discord: 'Discord',
  slack: 'Slack huddle',
  facetime: 'FaceTime',
  whatsapp: 'WhatsApp',
  teamviewer: 'TeamViewer',
  livekit: 'LiveKit',
  mirotalk: 'MiroTalk',
  freeconferencecall: 'FreeConferenceCall',
  'join-me': 'join.me',
  'doxy-me': 'Doxy.me',
  vsee: 'VSee',
  starleaf: 'StarLeaf',
  salutejazz: 'SaluteJazz',
  tencent: 'Tencent Meeting',
  telemost: 'Yandex Telemost',
  'kontur-talk': 'Kontur.Talk',
  'goto-webinar': 'GoTo Webinar',
  streamyard: 'StreamYard',
  ovice: 'oVice',
  coscreen: 'CoScreen',
  userzoom: 'UserZoom',
  reclaim: 'Reclaim.ai',
};

/** Words of a slug (`proton-meet` → `Proton Meet`), for platforms without a display name. */
function titleCase(slug: string): string {
  return slug
    .split(/[-_\s]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** The platform's display name: `zoom` → `Zoom`, `goto` → `GoTo Meeting`; other slugs title-cased. */
export function platformName(slug: string): string {
  const known = PLATFORM_NAMES[slug.toLowerCase()];
  if (known !== undefined) return known;
  const titled = titleCase(slug);
  return titled === '' ? 'video meeting' : titled;
}

const SOURCE_NAMES: Readonly<Record<string, string>> = {
  reddit: 'Reddit',
  mastodon: 'Mastodon',
  bluesky: 'Bluesky',
  hackernews: 'Hacker News',
  fourchan: '4chan',
  telegram: 'Telegram',
  lemmy: 'Lemmy',
  discourse: 'a Discourse forum',
  rss: 'an RSS feed',
  x: 'X (Twitter)',
  webpage: 'a web page',
};

/**
 * Where a post was seen, to follow "posted on": `fourchan` → `4chan`,
 * `rss` → `an RSS feed`. An unknown source is returned as it is.
 */
export function sourceName(source: string): string {
  return SOURCE_NAMES[source.toLowerCase()] ?? source;
}

/** The last step on every platform: the new details go out privately. */
function sendPrivately(what: string): string {
  return (
    `Send the ${what} only to the invited people, privately (calendar invitation, email or your school's learning platform). ` +
    'Never post it on a public page, social media or a forum, and ask participants not to forward it.'
  );
}

const STEPS: Readonly<Record<string, readonly string[]>> = {
  zoom: [
    'Delete the leaked meeting and schedule a new meeting with a new meeting ID (Meeting ID: "Generate Automatically", not your Personal Meeting ID) and a new passcode. The posted link keeps working until the old meeting is gone.',
    'Turn on Waiting Room for the new meeting (Security → Waiting Room) and admit only people you recognise; keep "Allow participants to join before host" off.',
    'Tick "Require authentication to join" in the meeting options (the account setting is "Only authenticated users can join meetings"), limited to sign-ins with your school\'s domain if you can.',
    'For a recurring class, prefer Registration ("Registration: Required") or a per-participant join link, so every pupil has their own link and a leaked one can be cancelled.',
    sendPrivately('new link and passcode'),
    'During the class, use Security → Lock Meeting once everyone is in; Security → Suspend Participant Activities stops a raid at once.',
  ],
  'google-meet': [
    'In the Google Calendar event, remove the Google Meet conference and add a new one ("Add Google Meet video conferencing"), or delete the event and create a new meeting. Meet has no passcode: only a new meeting code (a new link) shuts out the people who saw the old one.',
    'Turn on "Host management" (Host controls) and set Meeting access to "Trusted" or "Restricted", so anyone not invited has to ask to join (knock) and waits, as in a waiting room, until you let them in.',
    'Let in only signed-in accounts of people in your organisation (and guests you invited), never anonymous users. Your Google Workspace admin can restrict who can join your meetings in the Admin console (Google Meet → Meet safety settings).',
    sendPrivately('new Meet link'),
    'During the class, do not admit knock requests from names you do not recognise, and use Host controls to lock screen sharing and chat if needed.',
  ],
  teams: [
    'Cancel the leaked meeting and schedule a new meeting in Outlook or Teams: a Teams meeting link cannot be changed, so only a new meeting gives a new link, meeting ID and passcode.',
    'In the new meeting\'s Meeting options, set "Who can bypass the lobby?" to "Only me and co-organizers" (newer Teams: "Only organizers and co-organizers") and turn off "People dialing in can bypass the lobby".',
    'Don\'t let anonymous users join: ask your Teams admin to turn off "Anonymous users can join a meeting" in the meeting policy, so only signed-in accounts get as far as the lobby.',
    'Set "Who can present?" to "Only me and co-organizers" (newer Teams: "Only organizers and co-organizers"), so an intruder cannot share their screen.',
    sendPrivately('new meeting link'),
  ],
  webex: [
    'Delete the leaked meeting and schedule a new meeting, which gets a new meeting number, link and password. If the posted link was your Personal Room, change your Personal Room link in Preferences.',
    'Use the lobby: let only invited people in directly and lock the meeting once everyone has arrived (Lock meeting), or set "Automatically lock" for your Personal Room, so latecomers wait in the lobby until you admit them.',
    'Allow only signed-in users: in the scheduler\'s security options choose that only signed-in (or invited) users can join; your Webex site admin can enforce this for all meetings in Control Hub.',
    sendPrivately('new link and password'),
  ],
  goto: [
    'Delete the leaked meeting and schedule a new meeting in GoTo Meeting, which gets a new meeting ID (access code) and link; give it a meeting password. If the link was your personal meeting room (gotomeet.me/…), change the room name.',
    'Turn on "Meeting lock" so that everyone who arrives waits, as in a waiting room, for organizer approval, and admit only names you recognise.',
    'Where your GoTo admin offers it, require attendees to sign in with an account of your organisation; otherwise rely on the meeting password and the lock.',
    sendPrivately('new link and password'),
  ],
  jitsi: [
    'Stop using the leaked room and start a new meeting in a new room with a long, random name: in Jitsi the room name is the link, so anyone who read the post can open the old room again.',
    'As moderator, open Security options, turn on the lobby ("Enable lobby") so everyone waits until you admit them, and set a meeting password ("Add password").',
    'Make moderators sign in: on meet.jit.si the first person in must sign in to start the room; on your school\'s own Jitsi server, turn on authentication so only authenticated users can create and moderate rooms.',
    sendPrivately('new room link and password'),
  ],
};

const GENERIC_STEPS: readonly string[] = [
  'Delete the leaked meeting and create a new meeting with a new meeting ID (or link) and a new passcode; changing the time is not enough, because the posted link keeps working.',
  'Turn on the waiting room or lobby, so that you admit every participant yourself, and lock the meeting once everyone has arrived.',
  'Allow only authenticated (signed-in) users of your organisation if the platform offers it, and turn off anonymous or guest access.',
  sendPrivately('new link and passcode'),
];

/**
 * How to rotate a leaked meeting on `platform` (a slug), in order: a new
 * meeting, the waiting room or lobby, signed-in users only, the new details
 * sent privately. Platforms without their own steps get generic ones.
 */
export function rotationSteps(platform: string): { platformName: string; steps: string[] } {
  const steps = STEPS[platform.toLowerCase()] ?? GENERIC_STEPS;
  return { platformName: platformName(platform), steps: [...steps] };
}

const REPORT_STEPS: Readonly<Record<string, string>> = {
  reddit:
    'On Reddit, open the "…" menu under the post or comment and choose "Report"; you can also message the subreddit\'s moderators ("Message the mods") and ask them to remove it.',
  x: 'On X (Twitter), open the "…" menu of the post and choose "Report post".',
  mastodon:
    'On Mastodon, open the "…" menu of the post and choose "Report": the report goes to the moderators of the instance (tick the option to forward it to the author\'s instance), who can remove the post.',
  bluesky: 'On Bluesky, open the "…" menu of the post and choose "Report post".',
  fourchan:
    'On 4chan, click the "▶" next to the post number and choose "Report" (or use the post\'s "[Report]" link), picking the rule it breaks; the board\'s janitors and moderators remove reported posts.',
  telegram:
    'In Telegram, press and hold (or right-click) the message and choose "Report", or report the whole channel or group from its profile; you can also email abuse@telegram.org with the link to the message.',
  hackernews: 'On Hacker News, log in and click "flag" on the item; you can also email hn@ycombinator.com with its link.',
  lemmy: 'On Lemmy, open the "…" menu of the post and choose "Report": the report goes to the community\'s moderators, who can remove it.',
  discourse: 'On a Discourse forum, click the flag icon under the post (under "…" if hidden) and tell the moderators why it should be removed.',
  rss: 'The post came from an RSS feed: contact the owner of the site that publishes the feed (its contact page or imprint) and ask them to remove the meeting details.',
  webpage: 'Contact the owner of the web page (its contact page or imprint, or the web host\'s abuse address) and ask them to remove the meeting details.',
};

/** How to have a post taken down on `source`, in one or two sentences. */
export function reportSteps(source: string): string {
  return (
    REPORT_STEPS[source.toLowerCase()] ??
    'Report the post to the site it was published on, with its "Report" option or its contact or abuse address, and ask for the meeting details to be removed.'
  );
}
