/** The rest of the catalogue: one or more cases per service, with its product pages as negatives. */
import { domain, type Case } from './case.js';

export const otherPlatformCases: Case[] = [
  // GoTo
  { name: 'GoTo meeting id link', text: 'GoTo Meeting for the board: https://meet.goto.com/729384160', expect: [{ platform: 'goto', meetingId: '729384160' }] },
  { name: 'GoTo legacy global host', text: 'https://global.gotomeeting.com/join/061483927', expect: [{ platform: 'goto', meetingId: '061483927' }] },
  { name: 'GoTo www host', text: 'https://www.gotomeeting.com/join/061483927', expect: [{ platform: 'goto', meetingId: '061483927' }] },
  { name: 'GoTo app host', text: 'https://app.goto.com/meeting/729384160', expect: [{ platform: 'goto', meetingId: '729384160' }] },
  { name: 'GoTo personal room', text: 'drop in any time: https://gotomeet.me/WestfieldPTA', expect: [{ platform: 'goto', meetingId: 'WestfieldPTA' }] },
  { name: 'GoTo named room on meet.goto.com', text: 'https://meet.goto.com/AcmeSalesTeam', expect: [{ platform: 'goto', meetingId: 'AcmeSalesTeam' }] },
  { name: 'GoTo access code in text', text: 'GoToMeeting\nUnited States: +1 (571) 317-3112\nAccess Code: 729-384-160', expect: [{ platform: 'goto', meetingId: '729384160' }] },
  // BlueJeans
  { name: 'BlueJeans meeting id', text: 'https://bluejeans.com/729384160', expect: [{ platform: 'bluejeans', meetingId: '729384160' }] },
  { name: 'BlueJeans id with passcode in the path', text: 'https://bluejeans.com/061483927/4321', expect: [{ platform: 'bluejeans', meetingId: '061483927', passcode: '4321' }] },
  { name: 'BlueJeans on an org subdomain, browser join', text: 'https://stateu.bluejeans.com/5551234567/browser', expect: [{ platform: 'bluejeans', meetingId: '5551234567' }] },
  // Jitsi
  { name: 'public Jitsi room', text: 'study room https://meet.jit.si/WestfieldChemStudy', expect: [{ platform: 'jitsi', meetingId: 'WestfieldChemStudy' }] },
  { name: 'Jitsi room with config fragment', text: 'https://meet.jit.si/Period3Bio#config.startWithAudioMuted=true', expect: [{ platform: 'jitsi', meetingId: 'Period3Bio' }] },
  { name: 'self-hosted Jitsi names its domain', text: 'https://meet.westfield-schools.example/ParentNight2026', expect: [{ platform: 'jitsi', meetingId: 'ParentNight2026', orgHint: domain('meet.westfield-schools.example') }] },
  { name: 'self-hosted jitsi. host', text: 'https://jitsi.district9.example/staffroom', expect: [{ platform: 'jitsi', meetingId: 'staffroom', orgHint: domain('jitsi.district9.example') }] },
  // 8x8
  { name: '8x8 Meet room', text: 'https://8x8.vc/AcmeWeeklySync', expect: [{ platform: '8x8', meetingId: 'AcmeWeeklySync' }] },
  { name: 'JaaS room names its tenant', text: 'https://8x8.vc/vpaas-magic-cookie-0123456789abcdef0123456789abcdef/TutoringRoom', expect: [{ platform: '8x8', meetingId: 'TutoringRoom', orgHint: { kind: '8x8-tenant', value: 'vpaas-magic-cookie-0123456789abcdef0123456789abcdef' } }] },
  // Whereby
  { name: 'Whereby room', text: 'https://whereby.com/mrs-k-tutoring', expect: [{ platform: 'whereby', meetingId: 'mrs-k-tutoring' }] },
  { name: 'Whereby team room', text: 'https://westfield.whereby.com/counselling', expect: [{ platform: 'whereby', meetingId: 'counselling' }] },
  // Skype and Lync
  { name: 'Skype meet-now invite', text: 'https://join.skype.com/AbCdEf729384', expect: [{ platform: 'skype', meetingId: 'AbCdEf729384' }] },
  { name: 'Skype for Business Online', text: 'https://meet.lync.com/acme/jdoe/AB12CD34', expect: [{ platform: 'skype-for-business', meetingId: 'AB12CD34' }] },
  { name: 'Skype for Business Server names the domain', text: 'https://meet.acme-corp.example/jdoe/7TQ2K9PX', expect: [{ platform: 'skype-for-business', meetingId: '7TQ2K9PX', orgHint: domain('meet.acme-corp.example') }] },
  // Chime
  { name: 'Chime meeting id', text: 'https://chime.aws/7293841605', expect: [{ platform: 'chime', meetingId: '7293841605' }] },
  { name: 'Chime personalised id', text: 'https://chime.aws/jdoe', expect: [{ platform: 'chime', meetingId: 'jdoe' }] },
  { name: 'Chime app meetings link', text: 'https://app.chime.aws/meetings/7293841605', expect: [{ platform: 'chime', meetingId: '7293841605' }] },
  { name: 'Chime deep link', text: 'chime://meeting?pin=7293841605', expect: [{ platform: 'chime', meetingId: '7293841605' }] },
  // RingCentral
  { name: 'RingCentral Video with pw', text: 'https://v.ringcentral.com/join/729384160?pw=0123456789abcdef0123456789abcdef', expect: [{ platform: 'ringcentral', meetingId: '729384160', passcode: '0123456789abcdef0123456789abcdef' }] },
  { name: 'RingCentral Meetings legacy', text: 'https://meetings.ringcentral.com/j/7293841605?pwd=abc123', expect: [{ platform: 'ringcentral', meetingId: '7293841605', passcode: 'abc123' }] },
  { name: 'RingCentral white label on AT&T', text: 'https://meetings.officeathand.att.com/join/729384160', expect: [{ platform: 'ringcentral', meetingId: '729384160' }] },
  { name: 'RingCentral SIP with pin', text: 'SIP: 729384160.4321@rcv.com', expect: [{ platform: 'ringcentral', meetingId: '729384160', passcode: '4321' }] },
  // Zoho
  { name: 'Zoho Meeting join key', text: 'https://meeting.zoho.com/join?key=1023456789', expect: [{ platform: 'zoho', meetingId: '1023456789' }] },
  { name: 'Zoho Meeting EU data centre', text: 'https://meeting.zoho.eu/meeting/login/join.jsp?key=1023456789', expect: [{ platform: 'zoho', meetingId: '1023456789' }] },
  { name: 'Zoho short link', text: 'https://meet.zoho.com/AbCd1234', expect: [{ platform: 'zoho', meetingId: 'AbCd1234' }] },
  { name: 'Zoho Cliq meeting', text: 'https://cliq.zoho.eu/meetings/abc123def', expect: [{ platform: 'zoho', meetingId: 'abc123def' }] },
  // Lifesize
  { name: 'Lifesize extension', text: 'https://call.lifesizecloud.com/7293841', expect: [{ platform: 'lifesize', meetingId: '7293841' }] },
  // BigBlueButton
  { name: 'Greenlight v3 room', text: 'Lecture: https://bbb.stateu.example/rooms/ab1-cd2-ef3-gh4/join', expect: [{ platform: 'bigbluebutton', meetingId: 'ab1-cd2-ef3-gh4', orgHint: domain('bbb.stateu.example') }] },
  { name: 'Greenlight v2 room', text: 'https://greenlight.uni.example/b/jon-x7k-2pq', expect: [{ platform: 'bigbluebutton', meetingId: 'jon-x7k-2pq', orgHint: domain('greenlight.uni.example') }] },
  { name: 'Greenlight under /gl/', text: 'https://lms.college.example/gl/b/ann-4kd-9sx', expect: [{ platform: 'bigbluebutton', meetingId: 'ann-4kd-9sx', orgHint: domain('lms.college.example') }] },
  { name: 'BigBlueButton API join link', text: 'https://bbb.college.example/bigbluebutton/api/join?fullName=Guest&meetingID=physics101&password=ap123&checksum=abcdef0123456789', expect: [{ platform: 'bigbluebutton', meetingId: 'physics101', passcode: 'ap123', orgHint: domain('bbb.college.example') }] },
  // Discord
  { name: 'Discord invite', text: 'study server: https://discord.gg/AbCd123', expect: [{ platform: 'discord', meetingId: 'AbCd123' }] },
  { name: 'Discord invite on discord.com', text: 'https://discord.com/invite/westfield-class-of-27', expect: [{ platform: 'discord', meetingId: 'westfield-class-of-27' }] },
  { name: 'Discord invite on discordapp.com', text: 'https://discordapp.com/invite/xY7zQ', expect: [{ platform: 'discord', meetingId: 'xY7zQ' }] },
  { name: 'Discord invite spelled out', text: 'join discord dot gg slash raidroom', expect: [{ platform: 'discord', meetingId: 'raidroom' }] },
  { name: 'Discord invite with a comma for the dot', text: 'discord,gg/abc123X', expect: [{ platform: 'discord', meetingId: 'abc123X' }] },
  // Slack
  { name: 'Slack huddle', text: 'https://app.slack.com/huddle/T01ABCDEFGH/C02ABCDEFGH', expect: [{ platform: 'slack', meetingId: 'T01ABCDEFGH/C02ABCDEFGH' }] },
  // FaceTime
  { name: 'FaceTime link with key', text: 'https://facetime.apple.com/join#v=1&p=AbCdEfGh123&k=IjKlMnOp456', expect: [{ platform: 'facetime', meetingId: 'AbCdEfGh123', passcode: 'IjKlMnOp456' }] },
  // Blackboard Collaborate
  { name: 'Blackboard Collaborate guest link', text: 'Guest link: https://us.bbcollab.com/guest/0123456789ABCDEF0123456789ABCDEF', expect: [{ platform: 'blackboard-collaborate', meetingId: '0123456789ABCDEF0123456789ABCDEF' }] },
  { name: 'Blackboard Collaborate invite, EU region', text: 'https://eu.bbcollab.com/invite/fedcba9876543210fedcba9876543210', expect: [{ platform: 'blackboard-collaborate', meetingId: 'fedcba9876543210fedcba9876543210' }] },
  // Hangouts, Tencent, Lark, Huawei, Telemost, SaluteJazz, Kontur
  { name: 'Google Hangouts call', text: 'https://hangouts.google.com/call/AbCdEfGhIjKl', expect: [{ platform: 'google-hangouts', meetingId: 'AbCdEfGhIjKl' }] },
  { name: 'Tencent Meeting', text: '点击链接入会 https://meeting.tencent.com/dm/Ab12Cd34Ef56', expect: [{ platform: 'tencent', meetingId: 'Ab12Cd34Ef56' }] },
  { name: 'VooV Meeting', text: 'https://voovmeeting.com/dm/Ab12Cd34Ef56', expect: [{ platform: 'tencent', meetingId: 'Ab12Cd34Ef56' }] },
  { name: 'Lark video meeting', text: 'https://vc.larksuite.com/j/729384160', expect: [{ platform: 'lark', meetingId: '729384160' }] },
  { name: 'Feishu video meeting', text: 'https://vc.feishu.cn/j/061483927', expect: [{ platform: 'lark', meetingId: '061483927' }] },
  { name: 'Huawei Cloud Meeting', text: 'https://bmeeting.huaweicloud.com/#/j/729384160/0123456789abcdef0123456789abcdef0123456789abcdef', expect: [{ platform: 'huawei', meetingId: '729384160', passcode: '0123456789abcdef0123456789abcdef0123456789abcdef' }] },
  { name: 'Yandex Telemost', text: 'https://telemost.yandex.ru/j/72938416057293', expect: [{ platform: 'telemost', meetingId: '72938416057293' }] },
  { name: 'SaluteJazz with psw', text: 'https://salutejazz.ru/calls/abc123?psw=Xyz789', expect: [{ platform: 'salutejazz', meetingId: 'abc123', passcode: 'Xyz789' }] },
  { name: 'Kontur.Talk room', text: 'https://acme.ktalk.ru/standup', expect: [{ platform: 'kontur-talk', meetingId: 'standup' }] },
  // Nextcloud, Adobe Connect, Vonage, StarLeaf, join.me, Dialpad, FreeConferenceCall, TeamViewer
  { name: 'Nextcloud Talk call', text: 'https://cloud.gymnasium.example/index.php/call/ab12cd34', expect: [{ platform: 'nextcloud-talk', meetingId: 'ab12cd34', orgHint: domain('cloud.gymnasium.example') }] },
  { name: 'Adobe Connect room', text: 'https://stateu.adobeconnect.com/weekly/', expect: [{ platform: 'adobe-connect', meetingId: 'weekly' }] },
  { name: 'Vonage Meetings', text: 'https://meetings.vonage.com/729384160', expect: [{ platform: 'vonage', meetingId: '729384160' }] },
  { name: 'StarLeaf', text: 'https://meet.starleaf.com/7293841605', expect: [{ platform: 'starleaf', meetingId: '7293841605' }] },
  { name: 'join.me', text: 'https://join.me/acme-sales', expect: [{ platform: 'join-me', meetingId: 'acme-sales' }] },
  { name: 'Dialpad meeting room', text: 'https://meetings.dialpad.com/room/westfieldpta', expect: [{ platform: 'dialpad', meetingId: 'westfieldpta' }] },
  { name: 'FreeConferenceCall', text: 'https://join.freeconferencecall.com/aa-group-42', expect: [{ platform: 'freeconferencecall', meetingId: 'aa-group-42' }] },
  { name: 'TeamViewer Meeting', text: 'https://go.teamviewer.com/m12345678', expect: [{ platform: 'teamviewer', meetingId: 'm12345678' }] },
  // Telehealth and newer tools
  { name: 'Doxy.me clinician room', text: 'https://doxy.me/drsmith', expect: [{ platform: 'doxy-me', meetingId: 'drsmith' }] },
  { name: 'Around room', text: 'https://around.co/r/abcd1234', expect: [{ platform: 'around', meetingId: 'abcd1234' }] },
  { name: 'Pumble meeting', text: 'https://meet.pumble.com/abc-defg-hij', expect: [{ platform: 'pumble', meetingId: 'abc-defg-hij' }] },
  { name: 'LiveKit Meet room', text: 'https://meet.livekit.io/rooms/abcd-1234', expect: [{ platform: 'livekit', meetingId: 'abcd-1234' }] },
  { name: 'Proton Meet with password fragment', text: 'https://meet.proton.me/join/id-ABCDE12345#pwd-AbCd', expect: [{ platform: 'proton-meet', meetingId: 'id-ABCDE12345', passcode: 'AbCd' }] },
  { name: 'Signal call link', text: 'https://signal.link/call/#key=bcdf-ghkm-npqr-stxz-bcdf-ghkm-npqr-stxz', expect: [{ platform: 'signal', meetingId: 'bcdf-ghkm-npqr-stxz-bcdf-ghkm-npqr-stxz' }] },
  { name: 'WhatsApp video call link', text: 'https://call.whatsapp.com/video/AbCdEfGhIjKlMnOpQrStUv', expect: [{ platform: 'whatsapp', meetingId: 'AbCdEfGhIjKlMnOpQrStUv' }] },
  { name: 'Telegram video chat', text: 'https://t.me/westfield_class_27?videochat=abcdef123', expect: [{ platform: 'telegram', meetingId: 'westfield_class_27', passcode: 'abcdef123' }] },
  { name: 'MiroTalk room', text: 'https://p2p.mirotalk.com/join/123AcmeRoom', expect: [{ platform: 'mirotalk', meetingId: '123AcmeRoom' }] },
  { name: 'Gather space', text: 'https://app.gather.town/app/AbCd1234/acme-office', expect: [{ platform: 'gather', meetingId: 'AbCd1234/acme-office' }] },
  { name: 'Livestorm session', text: 'https://app.livestorm.com/p/11111111-2222-3333-4444-555555555555/live?s=66666666-7777-8888-9999-000000000000', expect: [{ platform: 'livestorm', meetingId: '11111111-2222-3333-4444-555555555555' }] },
  { name: 'Workplace group call', text: 'https://acme.workplace.com/groupcall/729384?token=abc', expect: [{ platform: 'workplace', meetingId: '729384' }] },
  { name: 'Cal Video', text: 'https://app.cal.com/video/AbCdEf729384', expect: [{ platform: 'cal-video', meetingId: 'AbCdEf729384' }] },
  { name: 'VSee clinic', text: 'https://vsee.com/c/acmeclinic', expect: [{ platform: 'vsee', meetingId: 'acmeclinic' }] },
  { name: 'Pop meeting', text: 'https://pop.com/j/729-384-160', expect: [{ platform: 'pop', meetingId: '729-384-160' }] },
  { name: 'Tuple call', text: 'https://tuple.app/c/AbCdEf123_Gh', expect: [{ platform: 'tuple', meetingId: 'AbCdEf123_Gh' }] },
  { name: 'Gong join', text: 'https://join.gong.io/acme/jane.doe', expect: [{ platform: 'gong', meetingId: 'acme/jane.doe' }] },
  { name: 'Demio webinar ref', text: 'https://event.demio.com/ref/AbCd1234', expect: [{ platform: 'demio', meetingId: 'AbCd1234' }] },
  { name: 'Riverside studio with token', text: 'https://riverside.fm/studio/acme-podcast?t=abc123', expect: [{ platform: 'riverside', meetingId: 'acme-podcast', passcode: 'abc123' }] },
];

export const otherPlatformNegatives: Case[] = [
  { name: 'GoTo marketing page', text: 'https://www.goto.com/meeting', expect: [] },
  { name: 'GoTo pricing', text: 'https://www.gotomeeting.com/pricing', expect: [] },
  { name: 'BlueJeans recording share', text: 'https://bluejeans.com/s/AbCdEfGh', expect: [] },
  { name: 'BlueJeans support', text: 'https://support.bluejeans.com/s/article/Joining-a-meeting', expect: [] },
  { name: 'bare meet.jit.si', text: 'try https://meet.jit.si/ it is free', expect: [] },
  { name: 'Jitsi static asset', text: 'https://meet.jit.si/external_api.js', expect: [] },
  { name: 'Whereby pricing', text: 'https://whereby.com/pricing', expect: [] },
  { name: 'Whereby information page', text: 'https://whereby.com/information/embedded', expect: [] },
  { name: 'Chime download page', text: 'https://chime.aws/download', expect: [] },
  { name: 'Discord channel link needs membership', text: 'https://discord.com/channels/123456789012345678/987615432098765432', expect: [] },
  { name: 'Discord download', text: 'https://discord.com/download', expect: [] },
  { name: 'bare discord.gg', text: 'discord.gg is blocked at school', expect: [] },
  { name: 'Slack marketing', text: 'https://slack.com/features/huddles', expect: [] },
  { name: 'plain Telegram channel is a chat, not a call', text: 'https://t.me/westfield_news', expect: [] },
  { name: 'Doxy.me pricing', text: 'https://doxy.me/en/pricing', expect: [] },
  { name: 'board thread on an image board is not BigBlueButton', text: 'https://boards.4chan.org/b/thread/912345678', expect: [] },
  { name: 'self-hosted-looking meet host with a file', text: 'https://meet.example.org/logo.png', expect: [] },
  { name: 'FaceTime without a key fragment', text: 'https://facetime.apple.com/join', expect: [] },
];
