/**
 * Link forms that MeetingBar (leits/MeetingBar, `MeetingProvider.swift` and
 * its detection tests) recognises for services we already had, so that our
 * catalogue reads everything it does: the forms it tests with, rewritten with
 * ids of the real shape, and the ones we were missing (Zhumu's web client,
 * Skype `/invite/`, GoTo's `/install/` and `?meetingId=`, BlueJeans Events,
 * Hangouts' `/hangouts/_/`, Skype for Business on `join.` hosts and `/meet/`
 * paths, RingCentral start and webinar links, Collaborate's
 * `/collab/ui/session/` links). Its placeholder ids
 * (`us02web.zoom.us/j/12345`, Webex `MTID=aO5678eFGH`) are negatives here.
 */
import { domain, zoomSub, type Case } from './case.js';

export const meetingBarParityCases: Case[] = [
  // Zoom
  { name: 'MeetingBar: Zoom X vanity host', text: 'https://any-client.zoom-x.de/j/65194487075', expect: [{ platform: 'zoom', meetingId: '65194487075', orgHint: zoomSub('any-client') }] },
  { name: 'MeetingBar: zoommtg deep link on zoom-x.de', text: 'zoommtg://zoom-x.de/join?confno=845123972&pwd=Tz8kQ2&zc=0&browser=chrome&uname=Betty', expect: [{ platform: 'zoom', meetingId: '845123972', passcode: 'Tz8kQ2' }] },
  { name: 'MeetingBar: Zoom webinar link with registrant token', text: 'https://westfield.zoom.us/w/84512397260?tk=Reg1stRANTtoken.1', expect: [{ platform: 'zoom', meetingId: '84512397260', orgHint: zoomSub('westfield') }] },
  { name: 'MeetingBar: ZoomGov agency link', text: 'https://usda.zoomgov.com/j/1612345678?pwd=Ab12Cd34', expect: [{ platform: 'zoom', meetingId: '1612345678', passcode: 'Ab12Cd34', orgHint: zoomSub('usda') }] },
  // Teams short links on every host MeetingBar reads
  { name: 'MeetingBar: Teams short link with extra parameters', text: 'https://teams.microsoft.com/meet/2845519063712?p=hY7kQ2abcd&anon=true', expect: [{ platform: 'teams', meetingId: '2845519063712', passcode: 'hY7kQ2abcd' }] },
  { name: 'MeetingBar: Teams short link on teams.microsoft.us', text: 'https://teams.microsoft.us/meet/2845519063712?p=hY7kQ2abcd', expect: [{ platform: 'teams', meetingId: '2845519063712', passcode: 'hY7kQ2abcd' }] },
  { name: 'MeetingBar: Teams short link on gov.teams.microsoft.com', text: 'https://gov.teams.microsoft.com/meet/2845519063712?p=hY7kQ2abcd', expect: [{ platform: 'teams', meetingId: '2845519063712', passcode: 'hY7kQ2abcd' }] },
  // Zhumu
  { name: 'MeetingBar: Zhumu join with pwd', text: '入会链接 https://welink.zhumu.com/j/154051242?pwd=Xk82pQ', expect: [{ platform: 'zhumu', meetingId: '154051242', passcode: 'Xk82pQ' }] },
  { name: 'MeetingBar: Zhumu web client with wpk', text: 'https://welink.zhumu.com/wc/join/150525986?wpk=wcpk5b53e1a07c', expect: [{ platform: 'zhumu', meetingId: '150525986', passcode: 'wcpk5b53e1a07c' }] },
  { name: 'MeetingBar: Zhumu web client in an href', text: '<a href="https://welink.zhumu.com/wc/join/150525986">网页入会</a>', expect: [{ platform: 'zhumu', meetingId: '150525986' }] },
  // Skype and Skype for Business
  { name: 'MeetingBar: Skype /invite/ link', text: 'Skype: [Join Skype Meeting](https://join.skype.com/invite/qW3rTy9UiOp2)', expect: [{ platform: 'skype', meetingId: 'qW3rTy9UiOp2' }] },
  { name: 'MeetingBar: Lync Online with web app flag', text: 'Trouble Joining? Try Skype Web App <https://meet.lync.com/acme/jane.doe/M2NRN65H?sl=1>', expect: [{ platform: 'skype-for-business', meetingId: 'M2NRN65H' }] },
  { name: 'MeetingBar: Skype for Business Server on a join. host', text: 'Join Skype Meeting https://join.stateu.example/jdoe/K7QX2M4P', expect: [{ platform: 'skype-for-business', meetingId: 'K7QX2M4P', orgHint: domain('join.stateu.example') }] },
  { name: 'MeetingBar: Skype for Business Server simple URL as a path', text: 'https://lync.stateu.example/meet/jdoe/K7QX2M4P.', expect: [{ platform: 'skype-for-business', meetingId: 'K7QX2M4P', orgHint: domain('lync.stateu.example') }] },
  // GoTo
  { name: 'MeetingBar: GoTo invitation app link', text: 'New to GoToMeeting? Get the app now and be ready when your first meeting starts: https://global.gotomeeting.com/install/691834157', expect: [{ platform: 'goto', meetingId: '691834157' }] },
  { name: 'MeetingBar: GoTo web app link', text: 'To join this meeting: <a href="https://app.gotomeeting.com/?meetingId=590481736" target="_blank">Go to</a>', expect: [{ platform: 'goto', meetingId: '590481736' }] },
  // BlueJeans Events
  { name: 'MeetingBar: BlueJeans Events live event', text: "<a href='https://primetime.bluejeans.com/a2m/live-event/qk47zt2m'>open the BlueJeans meeting</a>", expect: [{ platform: 'bluejeans', meetingId: 'qk47zt2m' }] },
  // Google Hangouts
  { name: 'MeetingBar: Hangouts calendar link', text: 'https://hangouts.google.com/hangouts/_/kq3m7tzp2vxw9bn4hfd6gyc8rje', expect: [{ platform: 'google-hangouts', meetingId: 'kq3m7tzp2vxw9bn4hfd6gyc8rje' }] },
  { name: 'MeetingBar: Hangouts named room of a Workspace domain', text: 'standup: https://hangouts.google.com/hangouts/_/westfield.edu/science-dept?authuser=0', expect: [{ platform: 'google-hangouts', meetingId: 'westfield.edu/science-dept' }] },
  // RingCentral
  { name: 'MeetingBar: RingCentral Meetings start link', text: 'start: https://meetings.ringcentral.com/s/6993012426', expect: [{ platform: 'ringcentral', meetingId: '6993012426', hostStart: true }] },
  { name: 'MeetingBar: RingCentral webinar attendee link', text: 'your webinar link https://v.ringcentral.com/w/a/join/k2w9x7q4m8z3p6r1t5y0v2b7n', expect: [{ platform: 'ringcentral', meetingId: 'k2w9x7q4m8z3p6r1t5y0v2b7n' }] },
  // Blackboard Collaborate (MeetingBar reads every us.bbcollab.com path)
  { name: 'MeetingBar: Collaborate session guest link', text: 'Bb Collaborate : https://ca.bbcollab.com/collab/ui/session/guest/5e1f0c9a2b7d4e38a6c1f09d3b8e7a24', expect: [{ platform: 'blackboard-collaborate', meetingId: '5e1f0c9a2b7d4e38a6c1f09d3b8e7a24' }] },
  { name: 'MeetingBar: Collaborate session join link', text: 'https://us.bbcollab.com/collab/ui/session/join/c83a6e12f4b94d07a5e2918b6d0f3c71.', expect: [{ platform: 'blackboard-collaborate', meetingId: 'c83a6e12f4b94d07a5e2918b6d0f3c71' }] },
  // The rest of MeetingBar's test list, with real-shaped ids
  { name: 'MeetingBar: Around on meet.around.co', text: 'https://meet.around.co/r/kyafvk1b', expect: [{ platform: 'around', meetingId: 'kyafvk1b' }] },
  { name: 'MeetingBar: LiveKit staging host', text: 'https://meet.staging.livekit.io/rooms/of4q-y10s', expect: [{ platform: 'livekit', meetingId: 'of4q-y10s' }] },
  { name: 'MeetingBar: Gather with spawn token', text: 'https://app.gather.town/app/1a2S3d4F5G/1a2S-3d%204F_5G6h?spawnToken=1a2S3d4F5G', expect: [{ platform: 'gather', meetingId: '1a2S3d4F5G/1a2S-3d%204F_5G6h' }] },
  { name: 'MeetingBar: Proton Meet with a query', text: 'https://meet.proton.me/join/id-FRMQ717ZMW?ref=calendar', expect: [{ platform: 'proton-meet', meetingId: 'id-FRMQ717ZMW' }] },
  { name: 'MeetingBar: Workplace call on the bare host', text: 'https://workplace.com/groupcall/729384?token=abc', expect: [{ platform: 'workplace', meetingId: '729384' }] },
  { name: 'MeetingBar: Doxy.me room with a dot', text: 'https://bbc.doxy.me/dr.who', expect: [{ platform: 'doxy-me', meetingId: 'dr.who' }] },
  { name: 'MeetingBar: Blizz meeting', text: 'https://go.blizz.com/m12345678', expect: [{ platform: 'teamviewer', meetingId: 'm12345678' }] },
  { name: 'MeetingBar: Zoho Cliq meeting', text: 'https://cliq.zoho.eu/meetings/alsfsma213', expect: [{ platform: 'zoho', meetingId: 'alsfsma213' }] },
];

export const meetingBarParityNegatives: Case[] = [
  { name: 'MeetingBar placeholder: five-digit Zoom id', text: 'https://us02web.zoom.us/j/12345', expect: [] },
  { name: 'MeetingBar placeholder: Webex MTID', text: 'https://yourmeetingsite.webex.com/yourbusinessID/j.php?MTID=aO5678eFGH', expect: [] },
  { name: 'MeetingBar placeholder: Teams meetup-join', text: 'https://teams.microsoft.com/l/meetup-join/abc?context=xyz&anon=true', expect: [] },
  { name: 'MeetingBar negative: Teams short link to a channel', text: 'https://teams.microsoft.com/meet/channel?p=Aa1Bb2Cc3Dd4Ee5', expect: [] },
  { name: 'MeetingBar negative: Teams new-meeting page', text: 'https://teams.microsoft.com/l/meeting/new', expect: [] },
  { name: 'MeetingBar negative: Zhumu download page', text: 'https://welink.zhumu.com/download', expect: [] },
  { name: 'MeetingBar negative: Zhumu join without an id', text: 'https://welink.zhumu.com/j/', expect: [] },
  { name: 'MeetingBar placeholder: Livestorm session that is no UUID', text: 'https://app.livestorm.com/p/cc113fd5-5de1-406-ba74-85c4892530/live?s=0231a8fb-fce9-48b0-9263-525f4234234234', expect: [] },
  { name: 'Skype for Business join. host with a non-conference path', text: 'https://join.example.org/team/2024abc', expect: [] },
  { name: 'lync. host without the meet path', text: 'https://lync.stateu.example/jdoe/K7QX2M4P', expect: [] },
  { name: 'RingCentral dial-in page', text: 'https://v.ringcentral.com/teleconference/', expect: [] },
  { name: 'RingCentral placeholder webinar link', text: 'https://v.ringcentral.com/w/a/join/instant', expect: [] },
  { name: 'Collaborate recording playback', text: 'https://us.bbcollab.com/collab/ui/session/playback/load/53a1c8e0f7d24b6e9c0a51f3e8b2d764', expect: [] },
  { name: 'GoTo web app without a meeting id', text: 'https://app.gotomeeting.com/?locale=en_US', expect: [] },
  { name: 'BlueJeans Events recording playback', text: 'https://primetime.bluejeans.com/a2m/events/playback/4a13ca22-53df-4fee-a61d-514331093d7b', expect: [] },
  { name: 'bare Hangouts host path', text: 'https://hangouts.google.com/hangouts/_/', expect: [] },
];
