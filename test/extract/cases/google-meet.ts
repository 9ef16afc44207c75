/** Google Meet: codes, nicknames, g.co/meet, the phone page, live streams, and Meet-shaped strings that are not Meet. */
import type { Case } from './case.js';

export const googleMeetCases: Case[] = [
  { name: 'meet code link', text: 'study hall rn https://meet.google.com/abc-defg-hij', expect: [{ platform: 'google-meet', meetingId: 'abc-defg-hij' }] },
  { name: 'meet link with authuser and hs', text: 'https://meet.google.com/qwe-rtyu-iop?authuser=0&hs=122', expect: [{ platform: 'google-meet', meetingId: 'qwe-rtyu-iop' }] },
  { name: 'schemeless meet link', text: 'meet.google.com/zxc-vbnm-asd is the class link', expect: [{ platform: 'google-meet', meetingId: 'zxc-vbnm-asd' }] },
  { name: 'upper-case meet code is canonicalised', text: 'https://meet.google.com/ABC-DEFG-HIJ', expect: [{ platform: 'google-meet', meetingId: 'abc-defg-hij' }] },
  { name: 'meet code without dashes', text: 'https://meet.google.com/abcdefghij', expect: [{ platform: 'google-meet', meetingId: 'abc-defg-hij' }] },
  { name: 'lookup nickname', text: 'every period uses https://meet.google.com/lookup/mrsgarcia7', expect: [{ platform: 'google-meet', meetingId: 'mrsgarcia7' }] },
  { name: 'g.co/meet nickname', text: 'go to g.co/meet/chem-period2 at 9', expect: [{ platform: 'google-meet', meetingId: 'chem-period2' }] },
  { name: '_meet path', text: 'https://meet.google.com/_meet/kpt-wxyz-mno?ijlm=1', expect: [{ platform: 'google-meet', meetingId: 'kpt-wxyz-mno' }] },
  { name: 'phone page carries the PIN', text: 'More phone numbers: https://tel.meet/abc-defg-hij?pin=4081234567890', expect: [{ platform: 'google-meet', meetingId: 'abc-defg-hij', passcode: '4081234567890' }] },
  {
    name: 'Calendar invite with dial-in PIN',
    text: 'Join with Google Meet\nmeet.google.com/abc-defg-hij\nJoin by phone\n(US) +1 929-555-0142 PIN: 729 384 160#\nMore phone numbers: https://tel.meet/abc-defg-hij?pin=1234567890123',
    expect: [{ platform: 'google-meet', meetingId: 'abc-defg-hij', passcode: '729384160' }],
  },
  { name: 'labelled code in text', text: 'Google Meet: abc-defg-hij (knock and I will let you in)', expect: [{ platform: 'google-meet', meetingId: 'abc-defg-hij' }] },
  { name: 'meeting code label', text: 'meeting code is pqr-stuv-wxy', expect: [{ platform: 'google-meet', meetingId: 'pqr-stuv-wxy' }] },
  { name: 'Spanish code label', text: 'Código de la reunión: ghj-klmn-pqr', expect: [{ platform: 'google-meet', meetingId: 'ghj-klmn-pqr' }] },
  { name: 'livestream viewer link is its own platform', text: 'https://stream.meet.google.com/stream/11111111-2222-3333-4444-555555555555', expect: [{ platform: 'google-meet-stream', meetingId: '11111111-2222-3333-4444-555555555555' }] },
  { name: 'two meet links', text: 'A: https://meet.google.com/aaa-bbbb-ccc B: https://meet.google.com/ddd-eeee-fff', expect: [{ platform: 'google-meet', meetingId: 'aaa-bbbb-ccc' }, { platform: 'google-meet', meetingId: 'ddd-eeee-fff' }] },
];

export const googleMeetNegatives: Case[] = [
  { name: 'bare meet host', text: 'we switched to meet.google.com this year', expect: [] },
  { name: 'meet new-meeting page', text: 'start one at https://meet.google.com/new', expect: [] },
  { name: 'meet landing page', text: 'https://meet.google.com/landing?authuser=1', expect: [] },
  { name: 'code with digits is not Meet', text: 'https://meet.google.com/abc-1234-hij', expect: [] },
  { name: 'Meet-shaped words in prose', text: 'this is the-best-way to learn, not the-only-one', expect: [] },
  { name: 'meet as a verb before a Meet-shaped string', text: 'meet me at the-food-bar after school', expect: [] },
  { name: 'Meet-shaped slug on another site', text: 'https://blog.example.com/how-does-meet/the-best-way', expect: [] },
  { name: 'Google blog about Meet', text: 'https://blog.google/products/meet/ has the news', expect: [] },
  { name: 'bare g.co link', text: 'https://g.co/kgs/AbC123', expect: [] },
];
