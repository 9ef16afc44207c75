/** Microsoft Teams: meetup-join in every encoding and wrapper, short links, sovereign hosts, tenants. */
import { tenant, type Case } from './case.js';

const THREAD = '19:meeting_MTExMTExMTEtMjIyMi0zMzMzLTQ0NDQtNTU1NTU1NTU1NTU1@thread.v2';
const THREAD_ENC = '19%3ameeting_MTExMTExMTEtMjIyMi0zMzMzLTQ0NDQtNTU1NTU1NTU1NTU1%40thread.v2';
const TID = '11111111-2222-3333-4444-555555555555';
const OID = '66666666-7777-8888-9999-000000000000';
const CONTEXT = `%7b%22Tid%22%3a%22${TID}%22%2c%22Oid%22%3a%22${OID}%22%7d`;
const CLASSIC = `https://teams.microsoft.com/l/meetup-join/${THREAD_ENC}/0?context=${CONTEXT}`;
const org = tenant(TID);

export const teamsCases: Case[] = [
  { name: 'classic meetup-join with tenant', text: `Click here to join the meeting <${CLASSIC}>`, expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }] },
  { name: 'upper-case percent escapes', text: `https://teams.microsoft.com/l/meetup-join/19%3Ameeting_MTExMTExMTEtMjIyMi0zMzMzLTQ0NDQtNTU1NTU1NTU1NTU1%40thread.v2/0?context=%7B%22Tid%22%3A%22${TID.toUpperCase()}%22%2C%22Oid%22%3A%22${OID}%22%7D`, expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }] },
  { name: 'decoded context as Outlook prints it', text: `https://teams.microsoft.com/l/meetup-join/${THREAD}/0?context={"Tid":"${TID}","Oid":"${OID}"}`, expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }] },
  { name: 'meetup-join without context', text: `https://teams.microsoft.com/l/meetup-join/${THREAD_ENC}/0`, expect: [{ platform: 'teams', meetingId: THREAD }] },
  { name: 'live event with IsBroadcastMeeting and anon', text: `https://teams.microsoft.com/l/meetup-join/${THREAD_ENC}/0?context=%7b%22Tid%22%3a%22${TID}%22%2c%22Oid%22%3a%22${OID}%22%2c%22IsBroadcastMeeting%22%3atrue%7d&anon=true`, expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }] },
  { name: 'channel meeting thread', text: `https://teams.microsoft.com/l/meetup-join/19%3a0123456789abcdef0123456789abcdef%40thread.tacv2/1712345678901?context=${CONTEXT}`, expect: [{ platform: 'teams', meetingId: '19:0123456789abcdef0123456789abcdef@thread.tacv2', orgHint: org }] },
  { name: 'double-encoded inside the launcher', text: `https://teams.microsoft.com/dl/launcher/launcher.html?url=%2F_%23%2Fl%2Fmeetup-join%2F19%253ameeting_MTExMTExMTEtMjIyMi0zMzMzLTQ0NDQtNTU1NTU1NTU1NTU1%2540thread.v2%2F0%3Fcontext%3D%257b%2522Tid%2522%253a%2522${TID}%2522%252c%2522Oid%2522%253a%2522${OID}%2522%257d%26anon%3Dtrue&type=meetup-join&deeplinkId=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee&directDl=true&msLaunch=true&enableMobilePage=true&suppressPrompt=true`, expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }] },
  { name: 'v2 meetingjoin wrapper', text: `https://teams.microsoft.com/v2/?meetingjoin=true#/l/meetup-join/${THREAD_ENC}/0?context=${CONTEXT}&anon=true`, expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }] },
  { name: 'msteams deep link', text: `msteams:/l/meetup-join/${THREAD_ENC}/0?context=${CONTEXT}`, expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }] },
  { name: 'GCC High host', text: `https://gov.teams.microsoft.us/l/meetup-join/${THREAD_ENC}/0?context=${CONTEXT}`, expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }] },
  { name: 'DoD host', text: `https://dod.teams.microsoft.us/l/meetup-join/${THREAD_ENC}/0?context=${CONTEXT}`, expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }] },
  { name: 'teams.cloud.microsoft host', text: `https://teams.cloud.microsoft/l/meetup-join/${THREAD_ENC}/0?context=${CONTEXT}`, expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }] },
  { name: 'short meet link with hashed passcode', text: 'Join: https://teams.microsoft.com/meet/2938416057293?p=AbCdEfGhIjKlMnOp', expect: [{ platform: 'teams', meetingId: '2938416057293', passcode: 'AbCdEfGhIjKlMnOp' }] },
  { name: 'Teams free short link', text: 'https://teams.live.com/meet/9385551482824?p=XyZ12abc', expect: [{ platform: 'teams', meetingId: '9385551482824', passcode: 'XyZ12abc' }] },
  { name: 'consumer meetup-join on teams.live.com', text: `https://teams.live.com/l/meetup-join/${THREAD_ENC}/0`, expect: [{ platform: 'teams', meetingId: THREAD }] },
  { name: 'light-meetings coords', text: `https://teams.microsoft.com/light-meetings/launch?agent=web&version=24010000000&coords=${Buffer.from(JSON.stringify({ conversationId: THREAD, tenantId: TID, organizerId: OID, messageId: '0' })).toString('base64')}&deeplinkId=x`, expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }] },
  { name: 'meeting options page names tenant', text: `https://teams.microsoft.com/meetingOptions/?organizerId=${OID}&tenantId=${TID}&threadId=19_meeting_MTExMTExMTEtMjIyMi0zMzMzLTQ0NDQtNTU1NTU1NTU1NTU1@thread.v2&messageId=0&language=en-US`, expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }] },
  { name: 'Teams safelinks wrapper from the invite', text: `https://statics.teams.cdn.office.net/evergreen-assets/safelinks/1/atp-safelinks.html?url=${encodeURIComponent(CLASSIC)}&locale=en-us`, expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }] },
  {
    name: 'full Teams invitation',
    text: `Microsoft Teams meeting\nJoin on your computer, mobile app or room device\nClick here to join the meeting<${CLASSIC}>\nMeeting ID: 355 132 640 047\nPasscode: Ab3dEf\nDownload Teams | Join on the web\nOr call in (audio only)\n+1 323-555-0123,,061483927#   United States, Los Angeles\nPhone Conference ID: 061 483 927#\nFind a local number | Reset PIN\nJoin with a video conferencing device\n729384160@t.plcm.vc VTC Conference ID: 0123456789\nLearn More | Meeting options`,
    expect: [{ platform: 'teams', meetingId: THREAD, orgHint: org }, { platform: 'teams', meetingId: '355132640047', passcode: 'Ab3dEf' }],
  },
  { name: 'Teams text id with passcode', text: 'Microsoft Teams Need help?\nMeeting ID: 355 132 640 047\nPasscode: Ab3dEf', expect: [{ platform: 'teams', meetingId: '355132640047', passcode: 'Ab3dEf' }] },
  { name: 'Teams 13-digit id from Teams free', text: 'Teams meeting ID: 938 555 148 282 4 passcode: Qw3rty', expect: [{ platform: 'teams', meetingId: '9385551482824', passcode: 'Qw3rty' }] },
  { name: 'Teams numeric 8-digit passcode', text: 'MS Teams Meeting ID: 412 889 003 117 Passcode: 84613927', expect: [{ platform: 'teams', meetingId: '412889003117', passcode: '84613927' }] },
  { name: 'German Teams invite', text: 'Microsoft Teams-Besprechung\nBesprechungs-ID: 355 132 640 047\nKenncode: Ab3dEf', expect: [{ platform: 'teams', meetingId: '355132640047', passcode: 'Ab3dEf' }] },
  { name: 'French Teams invite', text: 'Réunion Microsoft Teams\nID de la réunion : 355 132 640 047\nCode secret : Ab3dEf', expect: [{ platform: 'teams', meetingId: '355132640047', passcode: 'Ab3dEf' }] },
  { name: 'Spanish Teams invite', text: 'Reunión de Microsoft Teams\nId. de reunión: 355 132 640 047\nCódigo de acceso: Ab3dEf', expect: [{ platform: 'teams', meetingId: '355132640047', passcode: 'Ab3dEf' }] },
  { name: 'Portuguese Teams invite', text: 'Reunião do Microsoft Teams\nID da Reunião: 355 132 640 047\nSenha: Ab3dEf', expect: [{ platform: 'teams', meetingId: '355132640047', passcode: 'Ab3dEf' }] },
  { name: 'Italian Teams invite', text: 'Riunione di Microsoft Teams\nID riunione: 355 132 640 047\nPasscode: Ab3dEf', expect: [{ platform: 'teams', meetingId: '355132640047', passcode: 'Ab3dEf' }] },
];

export const teamsNegatives: Case[] = [
  { name: 'bare Teams host', text: 'everything is on teams.microsoft.com now', expect: [] },
  { name: 'Teams download page', text: 'https://teams.microsoft.com/downloads', expect: [] },
  { name: 'Teams web app home', text: 'https://teams.microsoft.com/_#/conversations/General?ctx=channel', expect: [] },
  { name: 'teams.live.com marketing', text: 'https://teams.live.com/free', expect: [] },
  { name: 'Microsoft product page', text: 'https://www.microsoft.com/en-us/microsoft-teams/join-a-meeting', expect: [] },
  { name: 'phone conference id alone is not a meeting id', text: 'Teams dial-in +1 323-555-0123 Phone Conference ID: 061 483 927#', expect: [] },
  { name: 'Teams one-tap dials the conference id', text: 'Microsoft Teams: +1 323-555-0123,,061483927# United States, Los Angeles', expect: [] },
  { name: 'sports teams with numbers', text: 'both teams scored 3 goals, 45000 fans, ticket 7293841605', expect: [] },
  { name: 'look-alike Teams host', text: `https://teams.microsoft.com.evil.example/l/meetup-join/${THREAD_ENC}/0`, expect: [] },
];
