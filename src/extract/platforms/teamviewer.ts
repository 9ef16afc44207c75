/** TeamViewer Meeting and Blizz (catalogue row 42): `go.teamviewer.com/m12345678`. */
import { pathPlatform } from './platform.js';

export const teamviewer = pathPlatform({
  slug: 'teamviewer',
  domains: ['go.teamviewer.com', 'go.blizz.com'],
  keywords: ['teamviewer', 'blizz'],
  path: /^\/(m?\d{6,12})\/?$/i,
});
