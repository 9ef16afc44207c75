/**
 * UserZoom moderated research sessions (catalogue row 70):
 * `go.userzoom.com/participate/UUID`, the participant's link into the
 * session. The id is a lower-case UUID.
 */
import { pathPlatform } from './platform.js';

export const userzoom = pathPlatform({
  slug: 'userzoom',
  domains: ['userzoom.com'],
  hosts: ['go.userzoom.com'],
  // Zoom's own keyword, `zoom` before a dot, already wakes the prefilter for `userzoom.com`.
  keywords: ['zoom'],
  path: /^\/participate\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/,
});
