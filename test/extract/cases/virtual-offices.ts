/**
 * Virtual offices, audio rooms and small call apps: oVice, Teemyco,
 * CoScreen, Vowel, Jam, Suit Conference and Google Duo, with their product
 * pages and placeholder ids as negatives.
 */
import { domain, type Case } from './case.js';

const TEEMYCO = 'Zt4qPn8LwX2cVb6HsM1r/Kd9Fj3RgT7yUe5AoQ2Wx';

export const virtualOfficeCases: Case[] = [
  // oVice
  { name: 'oVice space lobby in a sentence', text: 'our virtual campus is https://westfield-hs.ovice.in/lobby/enter come by', expect: [{ platform: 'ovice', meetingId: 'westfield-hs', orgHint: domain('westfield-hs.ovice.in') }] },
  { name: 'oVice space on app.ovice.com in Markdown', text: '[club room](https://app.ovice.com/westfield-hs/@1203,884)', expect: [{ platform: 'ovice', meetingId: 'westfield-hs' }] },
  { name: 'oVice space root before a full stop', text: 'Drop into https://robotics-club.ovice.in/.', expect: [{ platform: 'ovice', meetingId: 'robotics-club', orgHint: domain('robotics-club.ovice.in') }] },
  { name: 'oVice space on ovice.com', text: 'https://stateu-lab.ovice.com/lobby/enter', expect: [{ platform: 'ovice', meetingId: 'stateu-lab', orgHint: domain('stateu-lab.ovice.com') }] },
  // Teemyco
  { name: 'Teemyco guest room in a sentence', text: `meet me in the kitchen: https://app.teemyco.com/room/${TEEMYCO} at 3`, expect: [{ platform: 'teemyco', meetingId: TEEMYCO }] },
  { name: 'Teemyco room in an href', text: `<a href="https://app.teemyco.com/room/${TEEMYCO}">Join the room</a>`, expect: [{ platform: 'teemyco', meetingId: TEEMYCO }] },
  { name: 'Teemyco room before a question mark', text: `anyone in https://app.teemyco.com/room/${TEEMYCO}?`, expect: [{ platform: 'teemyco', meetingId: TEEMYCO }] },
  // CoScreen
  { name: 'CoScreen room in a sentence', text: 'pairing now on https://join.coscreen.co/Physics-Club/Lr8Tz2Qm5Xn9Wb4Kc7Vd if you want to watch', expect: [{ platform: 'coscreen', meetingId: 'Physics-Club/Lr8Tz2Qm5Xn9Wb4Kc7Vd' }] },
  { name: 'CoScreen room in Markdown', text: '[CoScreen](https://join.coscreen.co/eng/Hy3Nq7Rt1Ws5Ux9Zb2Lm)', expect: [{ platform: 'coscreen', meetingId: 'eng/Hy3Nq7Rt1Ws5Ux9Zb2Lm' }] },
  { name: 'CoScreen room before a comma', text: 'https://join.coscreen.co/Physics-Club/Lr8Tz2Qm5Xn9Wb4Kc7Vd, bring your code', expect: [{ platform: 'coscreen', meetingId: 'Physics-Club/Lr8Tz2Qm5Xn9Wb4Kc7Vd' }] },
  // Vowel
  { name: 'Vowel meeting in a sentence', text: 'standup lives at https://westfield.vowel.com/#/g/Pm4rT8xQ2n now', expect: [{ platform: 'vowel', meetingId: 'Pm4rT8xQ2n', orgHint: domain('westfield.vowel.com') }] },
  { name: 'Vowel meeting on the app host in an href', text: '<a href="https://app.vowel.com/#/g/Kd82-js9Wq">Vowel</a>', expect: [{ platform: 'vowel', meetingId: 'Kd82-js9Wq' }] },
  { name: 'Vowel meeting before a full stop', text: 'Join at https://westfield.vowel.com/#/g/Pm4rT8xQ2n.', expect: [{ platform: 'vowel', meetingId: 'Pm4rT8xQ2n', orgHint: domain('westfield.vowel.com') }] },
  // Jam
  { name: 'Jam room in a sentence', text: 'audio room for the debate team https://jam.systems/k3x9qz starts now', expect: [{ platform: 'jam', meetingId: 'k3x9qz' }] },
  { name: 'Jam topic room in Markdown', text: '[Friday standup](https://jam.systems/friday-standup-x7k2)', expect: [{ platform: 'jam', meetingId: 'friday-standup-x7k2' }] },
  { name: 'Jam room before an exclamation mark', text: 'come hang out jam.systems/w8m2pd!', expect: [{ platform: 'jam', meetingId: 'w8m2pd' }] },
  // Suit Conference
  { name: 'Suit Conference room in a sentence', text: 'ders linki https://turkcell.conference.istesuit.com/ayse.yilmaz saat 10da', expect: [{ platform: 'suit-conference', meetingId: 'ayse.yilmaz', orgHint: domain('turkcell.conference.istesuit.com') }] },
  { name: 'Suit Conference room in an href', text: '<a href="https://ankara-lisesi.conference.istesuit.com/mehmet.kaya">Derse katıl</a>', expect: [{ platform: 'suit-conference', meetingId: 'mehmet.kaya', orgHint: domain('ankara-lisesi.conference.istesuit.com') }] },
  { name: 'Suit Conference room before a full stop', text: 'Katılım: https://turkcell.conference.istesuit.com/ayse.yilmaz.', expect: [{ platform: 'suit-conference', meetingId: 'ayse.yilmaz', orgHint: domain('turkcell.conference.istesuit.com') }] },
  // Google Duo
  { name: 'Duo group call link in a sentence', text: 'family call tonight https://duo.app.goo.gl/Xq4Lr9TzB2mWc7Hk1PvN8s join from your phone', expect: [{ platform: 'google-duo', meetingId: 'Xq4Lr9TzB2mWc7Hk1PvN8s' }] },
  { name: 'Duo group call link in Markdown', text: '- [Video call](https://duo.app.goo.gl/Rm2Kp8Wd4Ts6Yq1Bn9Lc3v)', expect: [{ platform: 'google-duo', meetingId: 'Rm2Kp8Wd4Ts6Yq1Bn9Lc3v' }] },
  { name: 'Duo group call link before a full stop', text: 'Group link: https://duo.app.goo.gl/Xq4Lr9TzB2mWc7Hk1PvN8s.', expect: [{ platform: 'google-duo', meetingId: 'Xq4Lr9TzB2mWc7Hk1PvN8s' }] },
];

export const virtualOfficeNegatives: Case[] = [
  { name: 'oVice pricing', text: 'https://www.ovice.com/en/pricing', expect: [] },
  { name: 'oVice help centre', text: 'https://help.ovice.com/hc/ja/articles/4410000000123', expect: [] },
  { name: 'oVice app login page', text: 'https://app.ovice.com/login', expect: [] },
  { name: 'oVice space settings page is not its lobby', text: 'https://westfield-hs.ovice.in/admin/settings', expect: [] },
  { name: 'Teemyco placeholder room', text: 'https://app.teemyco.com/room/abc123', expect: [] },
  { name: 'Teemyco pricing', text: 'https://www.teemyco.com/pricing', expect: [] },
  { name: 'CoScreen placeholder room', text: 'https://join.coscreen.co/abc123', expect: [] },
  { name: 'CoScreen pricing', text: 'https://www.coscreen.co/pricing', expect: [] },
  { name: 'Vowel pricing', text: 'https://www.vowel.com/pricing', expect: [] },
  { name: 'Vowel app without a meeting', text: 'https://app.vowel.com/#/g/', expect: [] },
  { name: 'Jam new-room page', text: 'start one at https://jam.systems/new', expect: [] },
  { name: 'Jam profile page', text: 'https://jam.systems/me', expect: [] },
  { name: 'Jam image asset', text: 'https://jam.systems/img/jam.jpg', expect: [] },
  { name: 'Suit Conference login page', text: 'https://turkcell.conference.istesuit.com/login', expect: [] },
  { name: 'Duo placeholder link', text: 'https://duo.app.goo.gl/abc123', expect: [] },
  { name: 'Duo product page', text: 'https://duo.google.com/about/', expect: [] },
];
