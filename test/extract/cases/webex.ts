/** Cisco Webex: MTID joins, personal rooms, webappng/wbxmjs, sites shared and owned, text numbers. */
import { webexSite, type Case } from './case.js';

const MTID = 'm0123456789abcdef0123456789abcdef';

export const webexCases: Case[] = [
  { name: 'j.php with MTID on a customer site', text: `Join: https://westfield.webex.com/westfield/j.php?MTID=${MTID}`, expect: [{ platform: 'webex', meetingId: MTID, orgHint: webexSite('westfield') }] },
  { name: 'e.php event link', text: 'https://stateu.webex.com/stateu/e.php?MTID=e7293841605abcdef7293841605abcdef', expect: [{ platform: 'webex', meetingId: 'e7293841605abcdef7293841605abcdef', orgHint: webexSite('stateu') }] },
  { name: 'k2 j.php link', text: `https://district12.webex.com/district12/k2/j.php?MTID=${MTID}`, expect: [{ platform: 'webex', meetingId: MTID, orgHint: webexSite('district12') }] },
  { name: 'MTID with a trailing > from mail', text: `https://acme.webex.com/acme/j.php?MTID=${MTID}%3E`, expect: [{ platform: 'webex', meetingId: MTID, orgHint: webexSite('acme') }] },
  { name: 'quoted-printable MTID from a mail archive', text: `https://acme.webex.com/acme/j.php?MTID=3D${MTID}`, expect: [{ platform: 'webex', meetingId: MTID, orgHint: webexSite('acme') }] },
  { name: 'personal room /meet/', text: 'my office hours: https://westfield.webex.com/meet/jdoe', expect: [{ platform: 'webex', meetingId: 'jdoe', orgHint: webexSite('westfield') }] },
  { name: 'personal room /join/', text: 'https://stateu.webex.com/join/prof.lee', expect: [{ platform: 'webex', meetingId: 'prof.lee', orgHint: webexSite('stateu') }] },
  { name: 'free personal site has no org', text: 'https://jdoe.my.webex.com/meet/jdoe', expect: [{ platform: 'webex', meetingId: 'jdoe' }] },
  { name: 'shared meetingsamer site has no org', text: `https://meetingsamer32.webex.com/meetingsamer32/j.php?MTID=${MTID}`, expect: [{ platform: 'webex', meetingId: MTID }] },
  { name: 'shared meetingsemea site has no org', text: 'https://meetingsemea3.webex.com/meet/pr7293841605', expect: [{ platform: 'webex', meetingId: 'pr7293841605' }] },
  { name: 'webappng download link with MTID', text: `https://acme.webex.com/webappng/sites/acme/meeting/download/0123456789abcdef0123456789abcdef?siteurl=acme&MTID=${MTID}`, expect: [{ platform: 'webex', meetingId: MTID, orgHint: webexSite('acme') }] },
  { name: 'webappng personal room dashboard', text: 'https://acme.webex.com/webappng/sites/acme/dashboard/pmr/jdoe?siteurl=acme', expect: [{ platform: 'webex', meetingId: 'jdoe', orgHint: webexSite('acme') }] },
  { name: 'wbxmjs join service link', text: 'https://acme.webex.com/wbxmjs/joinservice/sites/acme/meeting/download/fedcba9876543210fedcba9876543210?siteurl=acme&integrationJoinToken=abc', expect: [{ platform: 'webex', meetingId: 'fedcba9876543210fedcba9876543210', orgHint: webexSite('acme') }] },
  { name: 'space meeting /m/GUID', text: 'https://cisco.webex.com/m/11111111-2222-3333-4444-555555555555', expect: [{ platform: 'webex', meetingId: '11111111-2222-3333-4444-555555555555', orgHint: webexSite('cisco') }] },
  { name: 'dmz start link names the site', text: `https://acme.dmz.webex.com/acme/j.php?MTID=${MTID}`, expect: [{ platform: 'webex', meetingId: MTID, orgHint: webexSite('acme') }] },
  {
    name: 'Webex invitation text',
    text: 'Join Webex meeting\nMeeting number (access code): 2554 485 2539\nMeeting password: Xy7Kp2Ab\nPassword if joining from a phone: 99752752',
    expect: [{ platform: 'webex', meetingId: '25544852539', passcode: 'Xy7Kp2Ab' }],
  },
  { name: 'Webex meeting number 9 digits', text: 'Webex Meeting number: 729 384 160', expect: [{ platform: 'webex', meetingId: '729384160' }] },
  { name: 'Webex SIP address names the site', text: 'Join by video system\nDial 25544852539@westfield.webex.com', expect: [{ platform: 'webex', meetingId: '25544852539', orgHint: webexSite('westfield') }] },
  { name: 'Webex tap-to-join', text: 'Tap to join from a mobile device (attendees only)\n+1-650-479-3208,,*01*25544852539##*01* US Toll', expect: [{ platform: 'webex', meetingId: '25544852539' }] },
  { name: 'Spanish Webex number', text: 'Número de reunión (código de acceso): 2554 485 2539\nContraseña de la reunión: Xy7Kp2Ab', expect: [{ platform: 'webex', meetingId: '25544852539', passcode: 'Xy7Kp2Ab' }] },
  { name: 'French Webex number', text: "Numéro de réunion (code d'accès) : 2554 485 2539\nMot de passe de la réunion : Xy7Kp2Ab", expect: [{ platform: 'webex', meetingId: '25544852539', passcode: 'Xy7Kp2Ab' }] },
  { name: 'German Webex number', text: 'Meeting-Kennnummer (Zugriffscode): 2554 485 2539\nMeeting-Passwort: Xy7Kp2Ab', expect: [{ platform: 'webex', meetingId: '25544852539', passcode: 'Xy7Kp2Ab' }] },
  { name: 'Portuguese Webex number', text: 'Número da reunião (código de acesso): 2554 485 2539\nSenha da reunião: Xy7Kp2Ab', expect: [{ platform: 'webex', meetingId: '25544852539', passcode: 'Xy7Kp2Ab' }] },
  { name: 'Italian Webex number', text: 'Numero riunione (codice di accesso): 2554 485 2539\nPassword riunione: Xy7Kp2Ab', expect: [{ platform: 'webex', meetingId: '25544852539', passcode: 'Xy7Kp2Ab' }] },
  {
    name: 'full Webex invitation',
    text: `Join meeting\nhttps://westfield.webex.com/westfield/j.php?MTID=${MTID}\nMeeting number: 2554 485 2539\nPassword: Xy7Kp2Ab\nJoin by video system\nDial 25544852539@westfield.webex.com\nYou can also dial 173.243.2.68 and enter your meeting number.`,
    expect: [{ platform: 'webex', meetingId: MTID, orgHint: webexSite('westfield') }, { platform: 'webex', meetingId: '25544852539', passcode: 'Xy7Kp2Ab', orgHint: webexSite('westfield') }],
  },
];

export const webexNegatives: Case[] = [
  { name: 'Webex pricing page', text: 'https://www.webex.com/pricing/index.html', expect: [] },
  { name: 'Webex help article', text: 'https://help.webex.com/en-us/article/nrbgpm1/Join-a-Webex-meeting', expect: [] },
  { name: 'bare Webex site', text: 'our site is westfield.webex.com', expect: [] },
  { name: 'recording playback', text: 'https://westfield.webex.com/recordingservice/sites/westfield/recording/playback/0123456789abcdef0123456789abcdef', expect: [] },
  { name: 'look-alike fakewebex.com', text: 'https://fakewebex.com/meet/jdoe', expect: [] },
  { name: 'personal room without a name', text: 'https://westfield.webex.com/meet/', expect: [] },
];
