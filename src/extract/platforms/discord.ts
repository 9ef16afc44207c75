/**
 * Discord server invites (catalogue row 22): `discord.gg/CODE` and
 * `discord.com/invite/CODE` (also `discordapp.com`, canary/ptb). An invite
 * lets anyone into the server's voice and stage channels. Channel and event
 * links need membership already and are not counted.
 */
import { domainOf, type Platform } from './platform.js';

const CODE = /^[A-Za-z0-9-]{2,32}$/;

export const discord: Platform = {
  slug: 'discord',
  domains: ['discord.gg', 'discord.com', 'discordapp.com'],
  keywords: ['discord', 'discordapp'],
  parse(link) {
    const parts = link.segments;
    const code = domainOf(link.host, ['discord.gg']) !== null
      ? (parts[0]?.toLowerCase() === 'invite' ? parts[1] : parts[0])
      : parts[0]?.toLowerCase() === 'invite' ? parts[1] : undefined;
    if (code === undefined || !CODE.test(code) || parts.length > (parts[0]?.toLowerCase() === 'invite' ? 2 : 1)) return null;
    return { meetingId: code, url: `https://discord.gg/${code}`, host: link.host };
  },
};
