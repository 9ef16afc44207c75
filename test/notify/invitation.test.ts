/**
 * The email to a person an admin added: who added them, what the role
 * means, where to sign in — never a sign-in link — and only to an address
 * on a proven email domain of the organisation, once a day at most.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { listOutbox } from '../../src/notify/outbox.js';
import { Notifier } from '../../src/notify/worker.js';
import { invitePerson } from '../../src/registry/invitations.js';
import { removeMember } from '../../src/registry/organisations.js';
import type { MailTransport } from '../../src/notify/smtp.js';
import { FakeClock, notifierConfig } from '../support/notify.js';
import { school, tempStore, type TestStore } from '../support/store.js';

let store: TestStore;
let orgId: number;
let clock: FakeClock;
let sent: { to: string; subject: string; text: string; html: string }[];

beforeEach(() => {
  store = tempStore();
  orgId = school(store, 'Westfield <b>High</b>', 'westfield.example');
  clock = new FakeClock('2026-09-01T12:00:00.000Z');
  sent = [];
});
afterEach(() => store.cleanup());

function notifier(): Notifier {
  const mailer = { send: async (m: { to: string; subject: string; text: string; html: string }) => void sent.push(m), close: () => undefined } as unknown as MailTransport;
  return new Notifier({ db: store.db, config: notifierConfig(), secrets: {}, log: createLogger({ level: 'silent' }), mailer, clock: clock.read, random: () => 0 });
}

describe('invitations', () => {
  it('tells the person who added them, what the role means and where to sign in, with no credential in it', async () => {
    const invited = invitePerson(store.db, { orgId, email: 'Teacher@Westfield.Example', role: 'organiser' }, 'https://leakwatch.test', 'web:it@westfield.example', clock.now);
    expect(invited).toMatchObject({ email: 'teacher@westfield.example', invited: true, reason: null });
    expect(await notifier().flush()).toMatchObject({ sent: 1 });
    const [mail] = sent;
    expect(mail!.to).toBe('teacher@westfield.example');
    expect(mail!.subject).toBe('[leakwatch] You were added to Westfield <b>High</b> as an organiser');
    expect(mail!.text).toContain('it@westfield.example added you (teacher@westfield.example) to Westfield <b>High</b>');
    expect(mail!.text).toContain('https://leakwatch.test/sign-in');
    expect(mail!.text).toContain('As an organiser you are emailed');
    expect(mail!.html).toContain('Westfield &lt;b&gt;High&lt;/b&gt;');
    expect(mail!.html).not.toContain('<b>High</b>');
    // Nothing in it signs anyone in.
    expect(mail!.text).not.toMatch(/\/sign-in\/[A-Za-z0-9_-]{20,}/);
  });

  it('writes only to a proven email domain of the organisation, and says why not', () => {
    const stranger = invitePerson(store.db, { orgId, email: 'someone@gmail.example', role: 'admin' }, 'https://leakwatch.test', 'web:it@westfield.example', clock.now);
    expect(stranger.invited).toBe(false);
    expect(stranger.reason).toBe('gmail.example is not a proven email domain of Westfield <b>High</b>, and leakwatch writes only to those');
    // The role is granted all the same.
    expect(store.db.prepare("SELECT count(*) FROM contacts WHERE email = 'someone@gmail.example' AND role = 'admin'").pluck().get()).toBe(1);
    expect(listOutbox(store.db, {}).filter((m) => m.kind === 'invitation')).toHaveLength(0);
  });

  it('is not sent twice for one role, nor when the person was removed before it went', async () => {
    invitePerson(store.db, { orgId, email: 'teacher@westfield.example', role: 'organiser' }, 'https://leakwatch.test', 'web:it@westfield.example', clock.now);
    const again = invitePerson(store.db, { orgId, email: 'teacher@westfield.example', role: 'organiser' }, 'https://leakwatch.test', 'web:it@westfield.example', clock.now);
    expect(again).toMatchObject({ invited: false, reason: 'teacher@westfield.example is an organiser already' });
    removeMember(store.db, orgId, 'teacher@westfield.example', 'organiser', 'test');
    expect(await notifier().flush()).toMatchObject({ sent: 0, cancelled: 1 });
    expect(sent).toHaveLength(0);
  });
});
