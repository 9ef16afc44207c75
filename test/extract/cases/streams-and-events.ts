/**
 * Live streams, webinars and event platforms: Google Meet streams, Vimeo
 * events and Venues, StreamYard studios, Luma, Meetecho, Venue and GoTo
 * Webinar, each with its marketing, registration and viewer pages as
 * negatives.
 */
import type { Case } from './case.js';

const STREAM = '6f1c2a9e-3b7d-4e21-9a55-0c8d4f7b2e13';

export const streamAndEventCases: Case[] = [
  // Google Meet live streams
  { name: 'Meet stream in a sentence', text: `Assembly is streamed here: https://stream.meet.google.com/stream/${STREAM} — share it with parents`, expect: [{ platform: 'google-meet-stream', meetingId: STREAM }] },
  { name: 'Meet stream in an href', text: '<a href="https://stream.meet.google.com/stream/0b7e4d12-88a1-4c3f-b2d9-71e5a6c0f948">watch live</a>', expect: [{ platform: 'google-meet-stream', meetingId: '0b7e4d12-88a1-4c3f-b2d9-71e5a6c0f948' }] },
  { name: 'Meet stream before a full stop', text: `The town hall stream is stream.meet.google.com/stream/${STREAM}.`, expect: [{ platform: 'google-meet-stream', meetingId: STREAM }] },
  { name: 'Meet stream id is canonicalised to lower case', text: `https://stream.meet.google.com/stream/${STREAM.toUpperCase()}`, expect: [{ platform: 'google-meet-stream', meetingId: STREAM }] },
  { name: 'Meet stream next to its meeting', text: `speakers: https://meet.google.com/kvd-rtpa-gwm viewers: https://stream.meet.google.com/stream/${STREAM}`, expect: [{ platform: 'google-meet', meetingId: 'kvd-rtpa-gwm' }, { platform: 'google-meet-stream', meetingId: STREAM }] },
  // Vimeo events and Venues
  { name: 'Vimeo live event in a sentence', text: 'Spring concert goes live at https://vimeo.com/event/4154130 tonight at 7', expect: [{ platform: 'vimeo', meetingId: '4154130' }] },
  { name: 'unlisted Vimeo event embed in Markdown', text: '[Watch the graduation](https://vimeo.com/event/2205239/embed/50f178bc13)', expect: [{ platform: 'vimeo', meetingId: '2205239', passcode: '50f178bc13' }] },
  { name: 'unlisted Vimeo event before an exclamation mark', text: 'private stream for families: https://vimeo.com/event/3918274/8c2e1f04ab!', expect: [{ platform: 'vimeo', meetingId: '3918274', passcode: '8c2e1f04ab' }] },
  { name: 'Vimeo event chat page', text: 'https://vimeo.com/event/1361742/chat/interaction/', expect: [{ platform: 'vimeo', meetingId: '1361742' }] },
  { name: 'Vimeo Venues space before a comma', text: 'main stage is https://venues.vimeo.com/48213377/mainstage, breakouts follow', expect: [{ platform: 'vimeo', meetingId: '48213377/mainstage' }] },
  // StreamYard studios
  { name: 'StreamYard studio invite in a sentence', text: 'guests: join the studio at https://streamyard.com/q7vm2kx9tr before 7pm', expect: [{ platform: 'streamyard', meetingId: 'q7vm2kx9tr' }] },
  { name: 'StreamYard guest link in an href', text: '<a href="https://streamyard.com/guest/h4pz8ncw1e?utm_source=invite">Enter the studio</a>', expect: [{ platform: 'streamyard', meetingId: 'h4pz8ncw1e' }] },
  { name: 'StreamYard invite before a full stop', text: 'Speakers only: streamyard.com/m9d2rfx6ua.', expect: [{ platform: 'streamyard', meetingId: 'm9d2rfx6ua' }] },
  // Luma
  { name: 'Luma join link in a sentence', text: 'Click to join: https://lu.ma/join/g-Qw7ErT2yU9iOp3A and say hi', expect: [{ platform: 'luma', meetingId: 'g-Qw7ErT2yU9iOp3A' }] },
  { name: 'Luma join link on luma.com in Markdown', text: 'See you there → [join](https://luma.com/join/g-Zx4cV8bN1mL6kJ2)', expect: [{ platform: 'luma', meetingId: 'g-Zx4cV8bN1mL6kJ2' }] },
  { name: 'Luma join link before a semicolon', text: 'link: https://lu.ma/join/g-Hs5Dk2Pq9Wt3Ya7; doors open at 6', expect: [{ platform: 'luma', meetingId: 'g-Hs5Dk2Pq9Wt3Ya7' }] },
  // Meetecho
  { name: 'Meetecho session in a sentence', text: 'Remote participation: https://meetings.conf.meetecho.com/ietf124/?session=35102 (chairs only)', expect: [{ platform: 'meetecho', meetingId: 'ietf124/35102' }] },
  { name: 'Meetecho working-group room in Markdown', text: '* [Meetecho Room](https://meetings.conf.meetecho.com/ietf124/?group=quic&short=&item=1)', expect: [{ platform: 'meetecho', meetingId: 'ietf124/quic/1' }] },
  { name: 'Meetecho onsite tool is the same session', text: 'onsite: https://meetings.conf.meetecho.com/onsite124/?group=quic&short=quic&item=1', expect: [{ platform: 'meetecho', meetingId: 'ietf124/quic/1' }] },
  { name: 'Meetecho interim by short id before a full stop', text: 'Queue and chat at https://meetings.conf.meetecho.com/interim/?short=3c5e8a21-7f4b-4d09-b6e2-9a1d0c7f5b38.', expect: [{ platform: 'meetecho', meetingId: 'interim/3c5e8a21-7f4b-4d09-b6e2-9a1d0c7f5b38' }] },
  { name: 'Meetecho interim session number', text: 'https://meetings.conf.meetecho.com/interim/?session=35929', expect: [{ platform: 'meetecho', meetingId: 'interim/35929' }] },
  // Venue
  { name: 'Venue event link with token in a sentence', text: 'open day entry: https://app.venue.live/app/spring-open-day?token=Hq82nZk3Lw see you', expect: [{ platform: 'venue', meetingId: 'spring-open-day', passcode: 'Hq82nZk3Lw' }] },
  { name: 'Venue event in an href', text: '<a href="https://app.venue.live/app/alumni-mixer-2026">Alumni mixer</a>', expect: [{ platform: 'venue', meetingId: 'alumni-mixer-2026' }] },
  { name: 'Venue event before a closing bracket and stop', text: '(https://app.venue.live/app/year9-showcase?token=pX7rT2qL9m).', expect: [{ platform: 'venue', meetingId: 'year9-showcase', passcode: 'pX7rT2qL9m' }] },
  // GoTo Webinar
  { name: 'GoTo Webinar personal join link in a sentence', text: 'your link: https://global.gotowebinar.com/join/4821937560382719465/604918273 do not share', expect: [{ platform: 'goto-webinar', meetingId: '4821937560382719465', passcode: '604918273' }] },
  { name: 'GoTo Webinar join link in an href', text: '<a href="https://global.gotowebinar.com/join/7390215846601938274/318274650">Join Webinar</a>', expect: [{ platform: 'goto-webinar', meetingId: '7390215846601938274', passcode: '318274650' }] },
  { name: 'GoTo Webinar join link before a full stop', text: 'Join here: https://global.gotowebinar.com/join/4821937560382719465.', expect: [{ platform: 'goto-webinar', meetingId: '4821937560382719465' }] },
];

export const streamAndEventNegatives: Case[] = [
  { name: 'Meet stream path without a stream id', text: 'https://stream.meet.google.com/stream/11111111', expect: [] },
  { name: 'bare Meet stream host', text: 'viewers use https://stream.meet.google.com/ for big events', expect: [] },
  { name: 'Vimeo showcase is a video collection', text: 'https://vimeo.com/showcase/9876543', expect: [] },
  { name: 'Vimeo recorded video', text: 'last year: https://vimeo.com/824615392', expect: [] },
  { name: 'Vimeo livestreaming product page', text: 'https://vimeo.com/features/livestreaming', expect: [] },
  { name: 'Vimeo event path without an id', text: 'https://vimeo.com/event/', expect: [] },
  { name: 'StreamYard pricing', text: 'https://streamyard.com/pricing', expect: [] },
  { name: 'StreamYard ten-letter product page', text: 'https://streamyard.com/enterprise', expect: [] },
  { name: 'StreamYard placeholder code', text: 'https://streamyard.com/jexample29t', expect: [] },
  { name: 'StreamYard broadcast viewer page', text: 'watch us live: https://streamyard.com/watch/aB3dE5fG7hJ9', expect: [] },
  { name: 'Luma public event page', text: 'RSVP at https://lu.ma/spring-hack-night', expect: [] },
  { name: 'Luma placeholder join code', text: 'https://lu.ma/join/abc123', expect: [] },
  { name: 'Meetecho conference page without a session', text: 'https://meetings.conf.meetecho.com/ietf124/', expect: [] },
  { name: 'Meetecho API base', text: "'api_base': 'https://meetings.conf.meetecho.com/api/v1/'", expect: [] },
  { name: 'Meetecho audio stream', text: 'http://mp3.conf.meetecho.com/ietf110/wpack/1.m3u', expect: [] },
  { name: 'Venue login page', text: 'https://app.venue.live/app/login', expect: [] },
  { name: 'GoTo Webinar registration page', text: 'register: https://attendee.gotowebinar.com/register/4821937560382719465', expect: [] },
  { name: 'GoTo Webinar placeholder join link', text: 'https://global.gotowebinar.com/join/xxx/xxx', expect: [] },
];
