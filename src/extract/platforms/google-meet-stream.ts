/**
 * Google Meet live streams (catalogue row 3, MeetingBar "Google Meet
 * Stream"): `stream.meet.google.com/stream/UUID`, the view-only link a
 * Workspace meeting streams to. The id is a lower-case UUID.
 */
import type { Platform } from './platform.js';

const STREAM = /^\/stream\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

export const googleMeetStream: Platform = {
  slug: 'google-meet-stream',
  domains: ['stream.meet.google.com'],
  keywords: ['meet'],
  parse(link) {
    const id = STREAM.exec(link.path)?.[1]?.toLowerCase();
    return id === undefined ? null : { meetingId: id, url: `https://stream.meet.google.com/stream/${id}` };
  },
};
