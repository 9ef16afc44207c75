/**
 * Raid calls as they are really written: the platform named by a word (or a
 * typo of it), the id in any grouping, a passcode by any informal label, in
 * greentext, Discord, tweets and forum posts. Written after the shapes of
 * public raid posts; ids and passcodes are made up.
 */
import type { Case, ExpectedRef } from './case.js';

const zoom = (meetingId: string, passcode: string | null = null, raid?: boolean): ExpectedRef => ({ platform: 'zoom', meetingId, passcode, ...(raid === undefined ? {} : { raid }) });
const ref = (platform: string, meetingId: string, passcode: string | null = null): ExpectedRef => ({ platform, meetingId, passcode });

export const raidCallCases: Case[] = [
  // Zoom, named by a word
  { name: 'raid: zoom, spaced id, pw', text: 'zoom 861 2290 4418 pw 1234 come raid', expect: [zoom('86122904418', '1234', true)] },
  { name: 'raid: bang command with pw=', text: '!zoom 83344120976 pw=ayo', expect: [zoom('83344120976', 'ayo')] },
  { name: 'raid: shouting with dots and PASS', text: 'ZOOM 845.1239.7260 PASS 662810', expect: [zoom('84512397260', '662810')] },
  { name: 'raid: zoom colon id, key', text: 'zoom: 84512397260 key abc123', expect: [zoom('84512397260', 'abc123')] },
  { name: 'raid: greentext dashed id', text: '>zoom 845-1239-7260\n>no pw\n>bring friends', expect: [zoom('84512397260')] },
  { name: 'raid: greentext id and pw on two lines', text: '>be me\n>zoom 872 3345 1190\n>pw 5521\n>come in at 10', expect: [zoom('87233451190', '5521')] },
  { name: 'raid: id only, platform named, words between', text: 'the zoom for 3rd period is 845 1239 7260', expect: [zoom('84512397260')] },
  { name: 'raid: typo zooom', text: 'zooom 845 1239 7260 lol', expect: [zoom('84512397260')] },
  { name: 'raid: digits for letters z00m', text: 'z00m 845 1239 7260 pw 4477', expect: [zoom('84512397260', '4477')] },
  { name: 'raid: mixed case Z0OM, ungrouped 11 digits', text: 'Z0OM 84512397260', expect: [zoom('84512397260')] },
  { name: 'raid: raid this zoom rn, pass with colon', text: 'raid this zoom rn 872 3345 1190 pass: mathclass', expect: [zoom('87233451190', 'mathclass', true)] },
  { name: 'raid: zoom id and password, bombing', text: 'zoom id 943 2281 7765 password 7h3Kq2 we bombing at 10', expect: [zoom('94322817765', '7h3Kq2', true)] },
  { name: 'raid: english class, comma before pw', text: 'anyone wanna raid my english class? zoom 926 4471 2203, pw englit', expect: [zoom('92644712203', 'englit', true)] },
  { name: 'raid: zoom code as the id label', text: 'zoom code 83344120976 join up', expect: [zoom('83344120976')] },
  { name: 'raid: link and pwd label', text: 'ZOOM LINK: zoom.us/j/84512397260 pwd: 662810', expect: [zoom('84512397260', '662810')] },
  { name: 'raid: id then pw on the next line', text: 'zoom 84512397260\npw: 111222', expect: [zoom('84512397260', '111222')] },
  { name: 'raid: class zoom with slash before pwd', text: 'class zoom: 848 3321 9904 / pwd 1234', expect: [zoom('84833219904', '1234')] },
  { name: 'raid: passcode is, say hi', text: 'join zoom 873 2211 4490 passcode is 7711 and say hi', expect: [zoom('87322114490', '7711')] },
  { name: 'raid: pw in brackets', text: 'zoom meeting 84512397260 (pw 7723)', expect: [zoom('84512397260', '7723')] },
  { name: 'raid: question mark after zoom', text: 'zoom? 845 1239 7260 pw 8842', expect: [zoom('84512397260', '8842')] },
  { name: 'raid: pipe between id and pass', text: 'Zoom 845 1239 7260 | pass 2929', expect: [zoom('84512397260', '2929')] },
  { name: 'raid: dashed id, pwd=', text: 'zoom 845-1239-7260 pwd=Xy12ab', expect: [zoom('84512397260', 'Xy12ab')] },
  { name: 'raid: two groups', text: 'zoom 8451239 7260 pw 1221', expect: [zoom('84512397260', '1221')] },
  { name: 'raid: ten-digit personal meeting id', text: 'my teachers zoom is 729 384 1605 pw 2468 raid it', expect: [zoom('7293841605', '2468', true)] },
  { name: 'raid: nine-digit id with a passcode', text: 'zoom 729384160 pass 9090', expect: [zoom('729384160', '9090')] },
  { name: 'raid: hashtag zoom', text: '#zoom 845 1239 7260 #raid pw 6611', expect: [zoom('84512397260', '6611', true)] },
  { name: 'raid: emoji after the word', text: 'zoom🔥 845 1239 7260 pw 3131', expect: [zoom('84512397260', '3131')] },
  { name: 'raid: passcode later in the post', text: 'zoom 845 1239 7260 at 9am tomorrow. oh and the passcode is 4321', expect: [zoom('84512397260', '4321')] },
  { name: 'raid: passcode in the next sentence', text: 'Zoom 872 3345 1190. Password is 8Kd93x. Come at 2.', expect: [zoom('87233451190', '8Kd93x')] },
  { name: 'raid: passcode before the id', text: 'Passcode 662816 — Meeting ID 845 1239 7306', expect: [zoom('84512397306', '662816')] },
  { name: 'raid: pass before the zoom id', text: 'pass: 5544 zoom 872 3345 1190 go go go', expect: [zoom('87233451190', '5544')] },
  { name: 'raid: tweet with link and written passcode', text: 'lmaooo my school posted this https://zoom.us/j/84512397260 passcode 662810 raid it', expect: [zoom('84512397260', '662810', true)] },
  { name: 'raid: discord code block', text: '```\nzoom: 845 1239 7260\npw: 0987\n```', expect: [zoom('84512397260', '0987')] },
  { name: 'raid: zoom number label', text: 'zoom number 845 1239 7260, no password', expect: [zoom('84512397260')] },
  { name: 'raid: zoom meeting id words and pin', text: 'zoom meeting id is 845 1239 7260 and the pin is 4455', expect: [zoom('84512397260', '4455')] },
  { name: 'raid: p/w label', text: 'zoom 845 1239 7260 p/w 5678', expect: [zoom('84512397260', '5678')] },
  { name: 'raid: reddit comment with markdown bold id', text: 'it is **zoom 845 1239 7260** and pw is **7777**', expect: [zoom('84512397260', '7777')] },
  { name: 'raid: lower case pass then colon', text: 'zoom 872 3345 1190\npass : gorillaz', expect: [zoom('87233451190', 'gorillaz')] },
  { name: 'raid: spanish raid call', text: 'entren al zoom 845 1239 7260 contraseña 5566 vamos', expect: [zoom('84512397260', '5566')] },
  { name: 'raid: portuguese raid call', text: 'invadam o zoom 845 1239 7260 senha 9911', expect: [zoom('84512397260', '9911')] },
  { name: 'raid: french raid call', text: 'venez sur le zoom 845 1239 7260 mdp 4848', expect: [zoom('84512397260', '4848')] },
  { name: 'raid: german raid call', text: 'kommt alle ins zoom 845 1239 7260 passwort 2525', expect: [zoom('84512397260', '2525')] },
  { name: 'raid: zoomgov', text: 'zoomgov 1612345098 pw 3344', expect: [zoom('1612345098', '3344')] },
  { name: 'raid: two meetings in one post', text: 'zoom 845 1239 7260 pw 1111\nzoom 872 3345 1190 pw 2222', expect: [zoom('84512397260', '1111'), zoom('87233451190', '2222')] },
  { name: 'raid: id split across lines', text: 'zoom 845 1239\n7260 pw 3030', expect: [zoom('84512397260', '3030')] },
  // Webex
  { name: 'raid: webex with a word passcode', text: 'webex 2631 904 7718 pw bio', expect: [ref('webex', '26319047718', 'bio')] },
  { name: 'raid: webex meeting with password', text: 'webex meeting 2631 904 7718 password: Bio2024', expect: [ref('webex', '26319047718', 'Bio2024')] },
  { name: 'raid: join my webex, ungrouped', text: 'join my webex 26319047718 lol', expect: [ref('webex', '26319047718')] },
  { name: 'raid: webex nine digits with pass', text: 'webex 263 190 477 pass 8080', expect: [ref('webex', '263190477', '8080')] },
  // GoTo
  { name: 'raid: gotomeeting dashed', text: 'gotomeeting 729-384-517', expect: [ref('goto', '729384517')] },
  { name: 'raid: goto meeting spaced', text: 'goto meeting 729 384 516 join', expect: [ref('goto', '729384516')] },
  { name: 'raid: GoTo ten digits', text: 'GoTo 7293841605 come', expect: [ref('goto', '7293841605')] },
  // Chime
  { name: 'raid: chime ten digits', text: 'chime 8293456170', expect: [ref('chime', '8293456170')] },
  { name: 'raid: amazon chime grouped with pin', text: 'amazon chime 8293 45 6170 pin 3344', expect: [ref('chime', '8293456170', '3344')] },
  { name: 'raid: chime thirteen digits', text: 'chime meeting 8293 4561 7028 3', expect: [ref('chime', '8293456170283')] },
  // BlueJeans
  { name: 'raid: BJN', text: 'BJN 123 456 7890', expect: [ref('bluejeans', '1234567890')] },
  { name: 'raid: bluejeans spaced', text: 'bluejeans 123 456 7890', expect: [ref('bluejeans', '1234567890')] },
  { name: 'raid: blue jeans with passcode', text: 'blue jeans 729 384 1605 passcode 4321', expect: [ref('bluejeans', '7293841605', '4321')] },
  // Teams
  { name: 'raid: teams id and passcode', text: 'Meeting ID: 288 406 938 291 / Passcode: yR9Ui2', expect: [ref('teams', '288406938291', 'yR9Ui2')] },
  { name: 'raid: ms teams informal', text: 'ms teams 288406938291 pw yR9Ui2', expect: [ref('teams', '288406938291', 'yR9Ui2')] },
  { name: 'raid: microsoft teams meeting id', text: 'microsoft teams 288 406 938 291 passcode: Ab3x9Q', expect: [ref('teams', '288406938291', 'Ab3x9Q')] },
  { name: 'raid: Teams capitalised', text: 'Teams 288 406 938 291 code hY7kQ2', expect: [ref('teams', '288406938291', 'hY7kQ2')] },
  // Google Meet
  { name: 'raid: meet code written out with blanks', text: 'meet code abc mnop xyz', expect: [ref('google-meet', 'abc-mnop-xyz')] },
  { name: 'raid: google meet code dashed', text: 'google meet qzx-mnpr-tvw come in', expect: [ref('google-meet', 'qzx-mnpr-tvw')] },
  { name: 'raid: gmeet link', text: 'gmeet: meet.google.com/qzx-mnpr-tvw raid', expect: [ref('google-meet', 'qzx-mnpr-tvw')] },
  // RingCentral: the meeting password, not the dial-in password
  {
    name: 'raid: RingCentral meeting password, not the dial-in one',
    text: 'Join: https://v.ringcentral.com/join/729384516\nDial-in password: 882211\nPassword: abcd12',
    expect: [ref('ringcentral', '729384516', 'abcd12')],
  },
  {
    name: 'raid: RingCentral dial-in password alone',
    text: 'Join: https://v.ringcentral.com/join/729384516\nDial-in password: 882211',
    expect: [ref('ringcentral', '729384516', '882211')],
  },
];

/** More raid calls: labels, separators and orders seen in the wild. */
export const moreRaidCallCases: Case[] = [
  { name: 'raid+: pswd label', text: 'zoom 845 1239 7260 pswd 7788', expect: [zoom('84512397260', '7788')] },
  { name: 'raid+: password colon on the next line', text: 'zoom: 845 1239 7260\npassword: 11aa22', expect: [zoom('84512397260', '11aa22')] },
  { name: 'raid+: passcode equals', text: 'zoom 845 1239 7260 passcode=662810', expect: [zoom('84512397260', '662810')] },
  { name: 'raid+: key colon', text: 'zoom 845 1239 7260 key: 55ff66', expect: [zoom('84512397260', '55ff66')] },
  { name: 'raid+: code colon with digits', text: 'zoom 845 1239 7260 code: 4412', expect: [zoom('84512397260', '4412')] },
  { name: 'raid+: pin with a hash', text: 'zoom 845 1239 7260 pin 4455#', expect: [zoom('84512397260', '4455')] },
  { name: 'raid+: meeting id first, zoom after', text: 'meeting id 845 1239 7260 on zoom, pass 8080', expect: [zoom('84512397260', '8080')] },
  { name: 'raid+: ID then passcode, platform in the next line', text: 'ID: 845 1239 7260\nPasscode: 662810\n(it is zoom)', expect: [zoom('84512397260', '662810')] },
  { name: 'raid+: slashes between id groups', text: 'zoom 845/1239/7260 pw 1212', expect: [zoom('84512397260', '1212')] },
  { name: 'raid+: underscores between id groups', text: 'zoom 845_1239_7260', expect: [zoom('84512397260')] },
  { name: 'raid+: no space after zoom colon', text: 'zoom:84512397260 pw:9090', expect: [zoom('84512397260', '9090')] },
  { name: 'raid+: caps lock everything', text: 'ZOOM ID 845 1239 7260 PASSWORD 7H3KQ2 RAID NOW', expect: [zoom('84512397260', '7H3KQ2', true)] },
  { name: 'raid+: passcode in quotes', text: 'zoom 845 1239 7260 pass "oreo22"', expect: [zoom('84512397260', 'oreo22')] },
  { name: 'raid+: passcode in parentheses', text: 'zoom 845 1239 7260 (passcode 4040)', expect: [zoom('84512397260', '4040')] },
  { name: 'raid+: zoom link with pwd and a different written code', text: 'https://zoom.us/j/84512397260?pwd=UXhZbE9PR1RqcTdQbEpYdz09 the passcode is 123987', expect: [zoom('84512397260', '123987')] },
  { name: 'raid+: vanity host and pass', text: 'lincolnhigh.zoom.us/j/84512397260 pass 3434', expect: [{ platform: 'zoom', meetingId: '84512397260', passcode: '3434', orgHint: { kind: 'zoom-subdomain', value: 'lincolnhigh' } }] },
  { name: 'raid+: webex code after number', text: 'webex 2631 904 7718 code: 5566', expect: [ref('webex', '26319047718', '5566')] },
  { name: 'raid+: webex with link and password', text: 'https://stateu.webex.com/stateu/j.php?MTID=m0123456789abcdef0123456789abcdef password Bio2024', expect: [{ platform: 'webex', meetingId: 'm0123456789abcdef0123456789abcdef', passcode: 'Bio2024', orgHint: { kind: 'webex-site', value: 'stateu' } }] },
  { name: 'raid+: teams meet link with p and pw', text: 'teams link https://teams.microsoft.com/meet/288406938291?p=hY7kQ2abcd pw hY7kQ2', expect: [ref('teams', '288406938291', 'hY7kQ2')] },
  { name: 'raid+: meet code after gmeet', text: 'gmeet qzx-mnpr-tvw rn', expect: [ref('google-meet', 'qzx-mnpr-tvw')] },
  { name: 'raid+: meet id label', text: 'meet id: qzx-mnpr-tvw', expect: [ref('google-meet', 'qzx-mnpr-tvw')] },
  { name: 'raid+: jitsi room in a raid', text: 'raid the jitsi https://meet.jit.si/Period3BioClass', expect: [ref('jitsi', 'Period3BioClass')] },
  { name: 'raid+: whereby room', text: 'whereby.com/mrs-k-tutoring come', expect: [ref('whereby', 'mrs-k-tutoring')] },
  { name: 'raid+: zoom id with full stop after', text: 'The zoom is 845 1239 7260. See you.', expect: [zoom('84512397260')] },
  { name: 'raid+: zoom id in a list', text: '- zoom: 845 1239 7260\n- pw: 2121\n- time: 10am', expect: [zoom('84512397260', '2121')] },
  { name: 'raid+: zoom id with hash label', text: 'zoom # 845 1239 7260 pw 3131', expect: [zoom('84512397260', '3131')] },
  { name: 'raid+: zoom mtg', text: 'zoom mtg 845 1239 7260', expect: [zoom('84512397260')] },
  { name: 'raid+: passcode with symbols', text: 'zoom 845 1239 7260 pass: a@b#12', expect: [zoom('84512397260', 'a@b#12')] },
  { name: 'raid+: two ids, one passcode after each', text: 'zoom 845 1239 7260 pw 1\nno wait zoom 872 3345 1190 pw 9876', expect: [zoom('84512397260'), zoom('87233451190', '9876')] },
  { name: 'raid+: chime with pin on the next line', text: 'amazon chime 8293456170\npin 3344', expect: [ref('chime', '8293456170', '3344')] },
  { name: 'raid+: goto with access code label', text: 'goto access code 729-384-516', expect: [ref('goto', '729384516')] },
  { name: 'raid+: bluejeans with participant passcode', text: 'bluejeans 729 384 1605 participant passcode 1234', expect: [ref('bluejeans', '7293841605', '1234')] },
  { name: 'raid+: zoom id said with words', text: 'zoom id is 845 1239 7260 and passcode is 662810', expect: [zoom('84512397260', '662810')] },
  { name: 'raid+: zoom in a sentence with the passcode first', text: 'passcode 662810 for the zoom 845 1239 7260', expect: [zoom('84512397260', '662810')] },
];
