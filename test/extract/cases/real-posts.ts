/**
 * Whole posts as they appear on the sites leakwatch reads: a thread reply, a
 * tweet, a Discord message, a Telegram forward, a forum post pasting part of
 * an invitation. Each names its meetings among ordinary chatter; ids and
 * passcodes are made up.
 */
import type { Case, ExpectedRef } from './case.js';

const zoom = (meetingId: string, passcode: string | null = null): ExpectedRef => ({ platform: 'zoom', meetingId, passcode });

export const realPostCases: Case[] = [
  {
    name: 'post: 4chan thread reply with greentext',
    text: '>>91726553\n>tfw online school\nhere you go anon\nzoom 872 3345 1190\npw: chem101\nits 3rd period, teacher never checks the waiting room',
    expect: [zoom('87233451190', 'chem101')],
  },
  {
    name: 'post: tweet with a hashtag and a raid',
    text: 'who tryna join my online class lmao 😂😂 #zoomraid zoom id 926 4471 2203 password 88hj21',
    expect: [zoom('92644712203', '88hj21')],
  },
  {
    name: 'post: Discord message with a mention and a spoiler',
    text: '@everyone raid at 10:15 ||zoom.us/j/84512397260|| pw is ||662810|| bring soundboards',
    expect: [zoom('84512397260', '662810')],
  },
  {
    name: 'post: Telegram forward of a pasted invitation',
    text: 'Forwarded from Class 9B\nTopic: Biology revision\nTime: Sep 9, 2026 10:00 AM London\n\nJoin Zoom Meeting\nhttps://us06web.zoom.us/j/84512397260?pwd=cUZ0QmJ1WkR2N2p3dHl1dW9xM1ZEZz09\n\nMeeting ID: 845 1239 7260\nPasscode: bio9B',
    expect: [zoom('84512397260', 'bio9B')],
  },
  {
    name: 'post: Reddit self-post asking for help, with the link',
    text: 'My teacher keeps getting zoombombed, is it because she posts this on the class page? https://zoom.us/j/98712345603 (no passcode) how do we stop it',
    expect: [zoom('98712345603')],
  },
  {
    name: 'post: forum thread with two classes',
    text: 'Maths: zoom 845 1239 7260 pass 1111\nEnglish: zoom 872 3345 1190 pass 2222\nScience is on teams now, no idea',
    expect: [zoom('84512397260', '1111'), zoom('87233451190', '2222')],
  },
  {
    name: 'post: passcode on the line before the link',
    text: 'passcode: 77aa88\nhttps://zoom.us/j/84512397260\ncome at 9',
    expect: [zoom('84512397260', '77aa88')],
  },
  {
    name: 'post: webinar link with a registrant token',
    text: 'free webinar tonight https://westfield.zoom.us/w/98765432101?tk=Reg1stRANTtoken.1',
    expect: [{ platform: 'zoom', meetingId: '98765432101', passcode: null, orgHint: { kind: 'zoom-subdomain', value: 'westfield' } }],
  },
  {
    name: 'post: Teams meeting pasted from Outlook',
    text: 'Microsoft Teams meeting\nJoin on your computer, mobile app or room device\nClick here to join the meeting\nMeeting ID: 288 406 938 291\nPasscode: yR9Ui2\nDownload Teams | Join on the web',
    expect: [{ platform: 'teams', meetingId: '288406938291', passcode: 'yR9Ui2' }],
  },
  {
    name: 'post: Webex personal room link and number',
    text: 'office hours in my webex room https://stateu.webex.com/meet/jdoe or call in with 2631 904 7718',
    expect: [{ platform: 'webex', meetingId: 'jdoe', passcode: null, orgHint: { kind: 'webex-site', value: 'stateu' } }],
  },
  {
    name: 'post: Meet link and a spaced code in the same post',
    text: 'new link: meet.google.com/qzx-mnpr-tvw\n(old one was meet code bcd fghk lmn)',
    expect: [{ platform: 'google-meet', meetingId: 'qzx-mnpr-tvw', passcode: null }, { platform: 'google-meet', meetingId: 'bcd-fghk-lmn', passcode: null }],
  },
  {
    name: 'post: Spanish class post',
    text: 'Clase de historia hoy a las 11.\nID de reunión: 845 1239 7260\nCódigo de acceso: historia1',
    expect: [zoom('84512397260', 'historia1')],
  },
  {
    name: 'post: French raid call',
    text: 'raid sur le cours de maths 😈 zoom : 845 1239 7260 mot de passe : 4477',
    expect: [zoom('84512397260', '4477')],
  },
  {
    name: 'post: German class chat',
    text: 'Hier der Link für Mathe: https://us02web.zoom.us/j/84512397260 Kenncode: 123abc',
    expect: [zoom('84512397260', '123abc')],
  },
  {
    name: 'post: Portuguese raid',
    text: 'galera bora zoar a aula kkkk zoom 845 1239 7260 senha 5544',
    expect: [zoom('84512397260', '5544')],
  },
  {
    name: 'post: Turkish class group',
    text: 'Yarınki ders: Toplantı Kimliği: 845 1239 7260 Şifre: ders12',
    expect: [zoom('84512397260', 'ders12')],
  },
  {
    name: 'post: Polish class group',
    text: 'lekcja polskiego jutro zoom 845 1239 7260 hasło: polski7',
    expect: [zoom('84512397260', 'polski7')],
  },
  {
    name: 'post: Russian raid',
    text: 'го срывать урок 😂 zoom 845 1239 7260 пароль 1357',
    expect: [zoom('84512397260', '1357')],
  },
  {
    name: 'post: Japanese class notice',
    text: '明日の授業\nZoom ミーティングID: 845 1239 7260\nパスコード: 2468',
    expect: [zoom('84512397260', '2468')],
  },
  {
    name: 'post: Korean class notice',
    text: '온라인 수업 링크 zoom 845 1239 7260 암호 9753',
    expect: [zoom('84512397260', '9753')],
  },
  {
    name: 'post: Chinese class notice',
    text: '明天的课 zoom 会议号：845 1239 7260 密码：8642',
    expect: [zoom('84512397260', '8642')],
  },
  {
    name: 'post: Dutch class notice',
    text: 'Les morgen: zoom 845 1239 7260 wachtwoord 3579',
    expect: [zoom('84512397260', '3579')],
  },
  {
    name: 'post: Italian class notice',
    text: 'Lezione di domani su zoom 845 1239 7260 password 1470',
    expect: [zoom('84512397260', '1470')],
  },
  {
    name: 'post: Arabic class notice',
    text: 'رابط الحصة zoom 845 1239 7260 رمز المرور 2580',
    expect: [zoom('84512397260', '2580')],
  },
  {
    name: 'post: BlueJeans event post',
    text: 'tonight on BJN 729 384 1605 passcode 4321 see you there',
    expect: [{ platform: 'bluejeans', meetingId: '7293841605', passcode: '4321' }],
  },
  {
    name: 'post: GoTo training',
    text: 'GoTo training today, meeting id 729-384-516, join from the app',
    expect: [{ platform: 'goto', meetingId: '729384516', passcode: null }],
  },
  // Ordinary posts that mention the platforms without a meeting
  { name: 'post: complaint about zoom fatigue', text: 'third zoom call today, my 2 kids have 11 classes between them and I have 845 emails', expect: [] },
  { name: 'post: zoom earnings news', text: 'Zoom Video (ZM) reported revenue of $1.14 billion, up 3% year over year; 2026 guidance 4.6 billion', expect: [] },
  { name: 'post: teams sports scores', text: 'Both teams scored 288 points combined this season, 406 rebounds and 938 assists', expect: [] },
  { name: 'post: how-to with placeholders', text: 'To join, open Zoom, click Join and type the meeting ID, for example 123 456 7890, then the passcode', expect: [] },
  { name: 'post: phone number for zoom support', text: 'If zoom keeps crashing call 1-888-799-9666 or visit support', expect: [] },
  { name: 'post: webex outage', text: 'webex down again? 2 hours now, ticket 26319047718 with IT', expect: [] },
  { name: 'post: password advice', text: 'never reuse a password like Summer2024, use a manager', expect: [] },
];
