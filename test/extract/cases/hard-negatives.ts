/**
 * Texts that look like meetings and are not: audio-only dial strings, room
 * systems, product pages, ids printed by help pages, and the numbers posts
 * are full of (phones, orders, parcels, bank accounts, cards, times) next to
 * a platform's name.
 */
import type { Case } from './case.js';

const none = (name: string, text: string): Case => ({ name: `not a meeting: ${name}`, text, expect: [] });

export const hardNegativeCases: Case[] = [
  // Audio-only and room-system dial strings
  none('Teams phone conference one-tap', '+1 323-849-4874,,839592437#'),
  none('Teams phone conference id', 'Call in (audio only)\n+1 323-849-4874,,839592437# United States, Los Angeles\nPhone Conference ID: 839 592 437#'),
  none('Zoom dial-in numbers without an id', 'Dial by your location\n+1 301 715 8592 US (Washington DC)\n+1 646 558 8656 US (New York)'),
  none('Teams video conferencing device id', 'Join with a video conferencing device\nteams@vc.contoso.com\nVideo Conference ID: 118 843 261 5\nAlternate VTC instructions'),
  none('Webex video system address without a number', 'Join from a video system or application\nDial sip:meet@acme.webex.com'),
  // Product, support and download pages
  none('Jitsi product page', 'we use jitsi.org/jitsi-meet/ at home'),
  none('Jitsi handbook', 'see https://jitsi.github.io/handbook/docs/intro'),
  none('Zoom pricing page', 'zoom.us/pricing went up again'),
  none('Zoom download centre', 'get it from https://zoom.us/download'),
  none('Zoom support article', 'https://support.zoom.us/hc/en-us/articles/201362193-Joining-a-meeting'),
  none('Teams download page', 'https://www.microsoft.com/en-us/microsoft-teams/download-app'),
  none('Webex downloads page', 'https://www.webex.com/downloads.html'),
  none('Meet landing page', 'https://meet.google.com/landing'),
  none('Google Meet help page', 'https://support.google.com/meet/answer/9303069'),
  // Ids printed by help pages and templates
  none('placeholder id in a link', 'Links look like zoom.us/j/1234567890'),
  none('placeholder id in help text', 'Enter your meeting ID (e.g. 123 456 7890) and click Join'),
  none('all zeros', 'Meeting ID: 000 0000 0000 Passcode: 000000'),
  none('all nines', 'zoom 999 9999 9999 pw 1234'),
  none('placeholder example id', 'For example, zoom 123 4567 8901 is how an id is written'),
  // Phone numbers next to a platform's name
  none('support phone number', 'call zoom support at 1-888-799-9666'),
  none('Zoom Phone number', 'Zoom Phone: +1 (415) 555-0134'),
  none('zoom phone with a spaced number', 'our zoom phone line is 888 799 9666'),
  none('teams phone number with plus', 'teams call me on +44 20 7946 0958'),
  none('webex call number', 'webex support call 1-877-509-3239'),
  // Orders, parcels, banks, cards
  none('order number', 'Zoom Rooms order #84512397260 shipped'),
  none('order number with words', 'order number 845 1239 7260 from the zoom shop'),
  none('invoice', 'zoom invoice 84512397260 is due'),
  none('UPS tracking', 'zoom webcam arriving, UPS tracking 1Z999AA10123456784'),
  none('USPS tracking', 'zoom mic USPS tracking 9400 1000 0000 0000 0000 00'),
  none('IBAN', 'zoom subscription IBAN DE89 3704 0044 0532 0130 00'),
  none('card number', 'zoom billing card 4111 1111 1111 1111'),
  none('card number grouped', 'my card for zoom pro is 5500 0000 0000 0004 lol'),
  none('ISBN', 'zoom book ISBN 978-0-306-40615-7'),
  none('account number', 'zoom account number 84512397260'),
  none('licence key', 'zoom license 8451-2397-2601'),
  none('serial number', 'zoom H5 recorder serial 845123972'),
  // Times and amounts
  none('date and time', 'zoom call at 2026-09-01 10:30:00'),
  none('recording file name', 'zoom recording_20260901_103000.mp4'),
  none('revenue', 'Zoom revenue was $1,234,567,890 last year'),
  none('stock price', 'ZM stock at 84.12 after zoom earnings'),
  none('percentages', 'zoom level 125% then zoom in 200 times'),
  none('year range', 'zoom classes 2020 2021 2022'),
  // Words that are platforms' names too
  none('all teams', 'all teams 288 406 938 291 points'),
  none('the verb zoom', 'zoom in on 845 1239 7260 pixels'),
  none('chime of a clock', 'the chime rang 12 times'),
  none('goto statement', 'goto 10 then goto 20'),
  none('code without an id', 'enter code 662810 to verify your account'),
  none('passcode without a meeting', 'your bank passcode is 662810'),
  none('pin without a meeting', 'PIN: 4455 for the door'),
  none('bare nine digits with id', 'student id 845123972 in the spreadsheet'),
];
