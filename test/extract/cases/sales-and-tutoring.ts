/**
 * Sales, research and tutoring rooms: Chorus, Demodesk, UserZoom, Reclaim.ai
 * and Preply classrooms, with their marketing pages, tutor profiles and
 * placeholder ids as negatives.
 */
import type { Case } from './case.js';

const USERZOOM = '3f9d2c71-8a4e-4b6f-9c02-d51e7a8b4f63';

export const salesAndTutoringCases: Case[] = [
  // Chorus
  { name: 'Chorus meeting in a sentence', text: 'demo call on https://go.chorus.ai/7305918264 at noon', expect: [{ platform: 'chorus', meetingId: '7305918264' }] },
  { name: 'Chorus meeting in an href', text: '<a href="https://go.chorus.ai/5829137460">Join Chorus Meeting</a>', expect: [{ platform: 'chorus', meetingId: '5829137460' }] },
  { name: 'Chorus meeting before a full stop', text: 'Join: go.chorus.ai/7305918264.', expect: [{ platform: 'chorus', meetingId: '7305918264' }] },
  // Demodesk
  { name: 'Demodesk meeting in a sentence', text: 'product walkthrough https://demodesk.com/QRTVKMZB starts in 5', expect: [{ platform: 'demodesk', meetingId: 'QRTVKMZB' }] },
  { name: 'Demodesk meeting in Markdown', text: '[Join the demo](https://demodesk.com/HX7KPL2W)', expect: [{ platform: 'demodesk', meetingId: 'HX7KPL2W' }] },
  { name: 'Demodesk meeting before a comma', text: 'https://demodesk.com/QRTVKMZB, see you there', expect: [{ platform: 'demodesk', meetingId: 'QRTVKMZB' }] },
  // UserZoom
  { name: 'UserZoom session in a sentence', text: `your research session: https://go.userzoom.com/participate/${USERZOOM} thanks for helping`, expect: [{ platform: 'userzoom', meetingId: USERZOOM }] },
  { name: 'UserZoom session in an href', text: `<a href="https://go.userzoom.com/participate/${USERZOOM}">Start session</a>`, expect: [{ platform: 'userzoom', meetingId: USERZOOM }] },
  { name: 'UserZoom session before a full stop', text: `Participant link: https://go.userzoom.com/participate/${USERZOOM}.`, expect: [{ platform: 'userzoom', meetingId: USERZOOM }] },
  // Reclaim.ai
  { name: 'Reclaim meeting link in a sentence', text: '1:1 moved, same link https://reclaim.ai/z/Kf83hQz2Lm/9TwPx4Rv ok?', expect: [{ platform: 'reclaim', meetingId: 'Kf83hQz2Lm/9TwPx4Rv' }] },
  { name: 'Reclaim meeting link in Markdown', text: '[Zoom via Reclaim](https://reclaim.ai/z/Wb6Yn3Tq8Pd1)', expect: [{ platform: 'reclaim', meetingId: 'Wb6Yn3Tq8Pd1' }] },
  { name: 'Reclaim meeting link before a full stop', text: 'Office hours: https://reclaim.ai/z/Kf83hQz2Lm/9TwPx4Rv.', expect: [{ platform: 'reclaim', meetingId: 'Kf83hQz2Lm/9TwPx4Rv' }] },
  // Preply
  { name: 'Preply classroom in a sentence', text: 'lesson room https://preply.com/en/chat/t-room/4817263?source=email_calendar see you Monday', expect: [{ platform: 'preply', meetingId: '4817263' }] },
  { name: 'Preply classroom without a language in an href', text: '<a href="https://preply.com/chat/t-room/5091827">Go to classroom</a>', expect: [{ platform: 'preply', meetingId: '5091827' }] },
  { name: 'Preply classroom before a full stop', text: 'Заняття тут: https://preply.com/uk/chat/t-room/3920581.', expect: [{ platform: 'preply', meetingId: '3920581' }] },
];

export const salesAndTutoringNegatives: Case[] = [
  { name: 'Chorus pricing', text: 'https://www.chorus.ai/pricing', expect: [] },
  { name: 'Chorus login', text: 'https://go.chorus.ai/login', expect: [] },
  { name: 'Demodesk pricing', text: 'https://demodesk.com/pricing', expect: [] },
  { name: 'Demodesk blog post', text: 'https://demodesk.com/blog/how-to-set-up-automated-scorecard', expect: [] },
  { name: 'Demodesk careers', text: 'Demodesk is hiring: https://demodesk.com/careers', expect: [] },
  { name: 'UserZoom placeholder session', text: 'https://go.userzoom.com/participate/12345xxx-1000-1234-1234-1234-12345xxx', expect: [] },
  { name: 'UserZoom short placeholder', text: 'https://go.userzoom.com/participate/abc-123', expect: [] },
  { name: 'UserZoom marketing page', text: 'https://www.userzoom.com/pricing', expect: [] },
  { name: 'Reclaim pricing', text: 'https://reclaim.ai/pricing', expect: [] },
  { name: 'Reclaim settings page', text: 'https://app.reclaim.ai/settings/hours', expect: [] },
  { name: 'Preply tutor profile', text: 'my tutor: https://preply.com/en/tutor/123456', expect: [] },
  { name: 'Preply tutor search', text: 'https://preply.com/en/online/english-tutors', expect: [] },
];
