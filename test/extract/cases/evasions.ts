/**
 * Raid calls written to slip past filters: letters and digits spaced apart,
 * separators spelled out, digits as words or emoji, digits of other scripts,
 * look-alike letters, Markdown. A broken sequence gives the whole id or
 * nothing, never a shortened one.
 */
import type { Case, ExpectedRef } from './case.js';

const zoom = (passcode: string | null = null, meetingId = '84512397260'): ExpectedRef => ({ platform: 'zoom', meetingId, passcode });

export const evasionCases: Case[] = [
  // Spaced letters and digits
  { name: 'evasion: letter-spaced link', text: 'z o o m . u s / j / 8 4 5 1 2 3 9 7 2 6 0', expect: [zoom()] },
  { name: 'evasion: letter-spaced link with https', text: 'h t t p s : / / z o o m . u s / j / 8 4 5 1 2 3 9 7 2 6 0', expect: [zoom()] },
  { name: 'evasion: spaced digits after the word', text: 'zoom 8 4 5 1 2 3 9 7 2 6 0 pw 4 4 2 1', expect: [zoom('4421')] },
  { name: 'evasion: spaced word and grouped id', text: 'z o o m 845 1239 7260', expect: [zoom()] },
  { name: 'evasion: DOT and SLASH spelled out, digits spaced', text: 'zoom DOT us SLASH j SLASH 8 4 5 1 2 3 9 7 2 6 0', expect: [zoom()] },
  { name: 'evasion: dot and slash spelled in lower case', text: 'zoom dot us slash j slash 84512397260', expect: [zoom()] },
  { name: 'evasion: bracketed dot and spaced digits', text: 'zoom[.]us/j/8 4 5 1 2 3 9 7 2 6 0', expect: [zoom()] },
  { name: 'evasion: (dot) and spaced path', text: 'zoom(dot)us / j / 84512397260', expect: [zoom()] },
  // Digits as words
  { name: 'evasion: digits spelled in English', text: 'zoom eight four five one two three nine seven two six zero', expect: [zoom()] },
  { name: 'evasion: digits spelled with dashes', text: 'zoom: eight-four-five-one-two-three-nine-seven-two-six-zero', expect: [zoom()] },
  { name: 'evasion: digits spelled in Spanish', text: 'zoom ocho cuatro cinco uno dos tres nueve siete dos seis cero', expect: [zoom()] },
  { name: 'evasion: spelled digits and a spelled passcode', text: 'zoom eight four five one two three nine seven two six zero pw six six two eight one zero', expect: [zoom('662810')] },
  { name: 'evasion: oh for zero', text: 'zoom eight four five one two three nine seven two six oh', expect: [zoom()] },
  // Emoji
  { name: 'evasion: keycap digits', text: 'zoom 8️⃣4️⃣5️⃣1️⃣2️⃣3️⃣9️⃣7️⃣2️⃣6️⃣0️⃣', expect: [zoom()] },
  { name: 'evasion: keycap digits with a keycap passcode', text: 'zoom 8️⃣4️⃣5️⃣1️⃣2️⃣3️⃣9️⃣7️⃣2️⃣6️⃣0️⃣ pw 6️⃣6️⃣2️⃣8️⃣1️⃣0️⃣', expect: [zoom('662810')] },
  { name: 'evasion: emoji separators', text: 'zoom 845💥1239💥7260', expect: [zoom()] },
  { name: 'evasion: emoji separators and an emoji passcode label', text: 'zoom 845🔥1239🔥7260 🔑 662810', expect: [zoom('662810')] },
  { name: 'evasion: emoji labels', text: '🆔 845 1239 7260 🔑 662810', expect: [zoom('662810')] },
  { name: 'evasion: ID emoji after the platform', text: 'zoom 🆔 845 1239 7260', expect: [zoom()] },
  // Digits of other scripts
  { name: 'evasion: Arabic-Indic digits', text: 'zoom ٨٤٥١٢٣٩٧٢٦٠', expect: [zoom()] },
  { name: 'evasion: Extended Arabic-Indic digits and passcode', text: 'zoom ۸۴۵ ۱۲۳۹ ۷۲۶۰ pw ۶۶۲۸۱۰', expect: [zoom('662810')] },
  { name: 'evasion: Devanagari digits', text: 'zoom ८४५ १२३९ ७२६०', expect: [zoom()] },
  { name: 'evasion: Bengali digits', text: 'zoom ৮৪৫১২৩৯৭২৬০', expect: [zoom()] },
  { name: 'evasion: full-width digits in a link', text: 'zoom.us/j/８４５１２３９７２６０', expect: [zoom()] },
  { name: 'evasion: mathematical bold digits', text: 'zoom 𝟖𝟒𝟓 𝟏𝟐𝟑𝟗 𝟕𝟐𝟔𝟎', expect: [zoom()] },
  { name: 'evasion: circled digits', text: 'zoom ⑧④⑤①②③⑨⑦②⑥⓪', expect: [zoom()] },
  // Look-alike letters
  { name: 'evasion: Cyrillic o in the word', text: 'zооm 845 1239 7260', expect: [zoom()] },
  { name: 'evasion: Cyrillic o in the host', text: 'https://zооm.us/j/84512397260', expect: [zoom()] },
  { name: 'evasion: Greek capitals spelling ZOOM', text: 'ΖΟΟΜ 845 1239 7260 pw 1122', expect: [zoom('1122')] },
  { name: 'evasion: Cyrillic letters in the passcode label', text: 'zoom 845 1239 7260 раsscode 662810', expect: [zoom('662810')] },
  { name: 'evasion: Cyrillic e in Meet', text: 'https://mееt.google.com/qzx-mnpr-tvw', expect: [{ platform: 'google-meet', meetingId: 'qzx-mnpr-tvw', passcode: null }] },
  // Markdown
  { name: 'evasion: bold id', text: 'zoom **845 1239 7260**', expect: [zoom()] },
  { name: 'evasion: bold platform', text: '**zoom** 845 1239 7260', expect: [zoom()] },
  { name: 'evasion: italics with underscores', text: '_zoom_ 845 1239 7260 _pw_ 4321', expect: [zoom('4321')] },
  { name: 'evasion: escaped underscore in a label', text: 'meeting\\_id: 845 1239 7260 passcode: 662810', expect: [zoom('662810')] },
  { name: 'evasion: Discord spoiler around the passcode', text: 'zoom 845 1239 7260 pw ||4321||', expect: [zoom('4321')] },
  { name: 'evasion: Discord spoiler around the link', text: 'join ||zoom.us/j/84512397260||', expect: [zoom()] },
  { name: 'evasion: strike-through trick', text: 'zoom ~~not~~ 845 1239 7260', expect: [zoom()] },
  { name: 'evasion: inline code', text: 'zoom `845 1239 7260` pw `1357`', expect: [zoom('1357')] },
  // Split ids and mixed tricks
  { name: 'evasion: id broken over two lines', text: 'Meeting ID: 845 1239\n7260\nPasscode: 662810', expect: [zoom('662810')] },
  { name: 'evasion: zero-width spaces inside the id', text: 'zoom 845\u200b1239\u200b7260', expect: [zoom()] },
  { name: 'evasion: soft hyphens inside the word', text: 'zo\u00adom 845 1239 7260', expect: [zoom()] },
  { name: 'evasion: entities for the digits', text: 'zoom &#56;&#52;&#53; 1239 7260', expect: [zoom()] },
  // Never a shortened id
  { name: 'evasion: broken spaced sequence gives nothing rather than a short id', text: 'zoom DOT us SLASH j SLASH 9 3 1 8', expect: [] },
  { name: 'evasion: too many spaced digits gives nothing', text: 'zoom.us/j/8 4 5 1 2 3 9 7 2 6 0 1 2 3 4 5 6', expect: [] },
];
