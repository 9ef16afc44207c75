import { describe, expect, it } from 'vitest';
import { renderRotatedEmail } from '../../src/notify/templates.js';

const base = { recipient: 'ann@westfield.example', platform: 'teams', meetingId: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0', title: 'Year 9 <Maths>', changes: ['the lobby on for everyone but you'], whereNew: 'https://teams.microsoft.com/', by: 'email:ann@westfield.example' };

describe('the rotated email', () => {
  it('says the posted link is dead only where the platform made it so', () => {
    const dead = renderRotatedEmail({ ...base, platform: 'zoom', meetingId: '84512397261' });
    expect(dead.text).toContain('The link and passcode that were posted no longer work.');
    const lobby = renderRotatedEmail({ ...base, oldLink: 'The posted link still opens the meeting, but everyone except you waits in the lobby until you admit them.' });
    expect(lobby.text).not.toContain('no longer work');
    expect(lobby.text).toContain('waits in the lobby until you admit them');
    expect(lobby.html).toContain('waits in the lobby until you admit them');
    expect(lobby.html).not.toContain('<Maths>');
  });
});
