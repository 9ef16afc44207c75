/**
 * `leakwatch demo`: the whole job offline on sample data, in seconds. A
 * school registers and proves its domain, registers its meetings; a
 * morning's public posts go through the extractor and the matcher; the
 * outbox worker "sends" the alerts into files. Everything happens in a
 * directory of its own (never the configured database).
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_MEETINGS, DEMO_ORG, demoPosts } from '../demo/sample.js';
import { UsageError } from '../errors.js';
import { listLeaks } from '../match/leaks.js';
import { Matcher, matchSettingsFrom } from '../match/matcher.js';
import { Registration } from '../match/registration.js';
import { fileTransport } from '../notify/file-transport.js';
import { Notifier } from '../notify/worker.js';
import { addIdentifier, verifyManually } from '../registry/identifiers.js';
import { createOrganisation } from '../registry/organisations.js';
import { migrate, openDatabase } from '../store/database.js';
import { type CommandContext, printJson } from './context.js';

export async function demoCommand(context: CommandContext, options: { out?: string }): Promise<number> {
  const dir = options.out === undefined ? mkdtempSync(join(tmpdir(), 'leakwatch-demo-')) : resolve(options.out);
  const path = join(dir, 'leakwatch.db');
  if (existsSync(path)) throw new UsageError(`${dir} already holds a demo database; give --out a new directory`);
  mkdirSync(dir, { recursive: true });
  const { config } = context;
  const actor = 'demo';
  const now = new Date();
  const db = openDatabase(path);
  try {
    migrate(db);
    const matcher = new Matcher(db, matchSettingsFrom(config));
    const registration = new Registration(db, matcher);
    const settings = { tokenTtlHours: config.verification.tokenTtlHours, publicUrl: config.web.publicUrl };

    // The school registers, proves its domain (here the operator vouches) and its Zoom subdomain.
    const org = createOrganisation(db, { name: DEMO_ORG.name, admins: [DEMO_ORG.admin] }, actor);
    for (const [kind, value] of [['email-domain', DEMO_ORG.domain], ['zoom-subdomain', DEMO_ORG.zoomSubdomain]] as const) {
      addIdentifier(db, { orgId: org.id, kind, value }, settings, actor, now);
      verifyManually(db, { orgId: org.id, value, note: 'leakwatch demo' }, actor, registration.onVerified, now);
    }
    const startsAt = new Date(now.getTime() + 2 * 3_600_000).toISOString();
    const endsAt = new Date(now.getTime() + 3 * 3_600_000).toISOString();
    for (const meeting of DEMO_MEETINGS) registration.addMeeting({ orgId: org.id, startsAt, endsAt, ...meeting }, actor, now);

    // A morning of public posts, as the crawlers would store them.
    const posts = demoPosts(now);
    const counts = matcher.ingestPage(posts, { now });

    // The outbox worker sends the alerts: into files, since the demo runs offline.
    const mail = fileTransport(join(dir, 'mail'));
    const notifier = new Notifier({ db, config, secrets: {}, log: context.log, mailer: mail });
    const sent = await notifier.flush();
    notifier.close();

    const leaks = listLeaks(db, { orgId: org.id });
    if (context.options.json) {
      printJson(context.io, {
        dir,
        posts: counts.posts,
        references: counts.references,
        leaks: leaks.map((l) => ({ id: l.id, platform: l.platform, meetingId: l.meetingId, severity: l.severity, status: l.status, matchKind: l.matchKind, reasons: l.reasons })),
        emails: mail.written,
        outbox: sent,
      });
      return 0;
    }
    const out: string[] = [
      `leakwatch demo in ${dir}`,
      '',
      `${DEMO_ORG.name} registered ${DEMO_ORG.domain} and ${DEMO_ORG.zoomSubdomain}.zoom.us (verified) and ${DEMO_MEETINGS.length} meetings (one public on purpose).`,
      `${counts.posts} public posts read: ${counts.references} meeting references, ${leaks.length} leaks:`,
      ...leaks.map((l) => `  ${l.severity.toUpperCase().padEnd(8)} ${l.platform.padEnd(11)} ${l.meetingId.padEnd(16)} ${l.status.padEnd(9)} ${l.reasons[0] ?? ''}`),
      '',
      `${mail.written.length} emails written to ${join(dir, 'mail')}:`,
      ...mail.written.map((m) => `  to ${m.to}: ${m.subject}`),
      '',
      mail.written[0] ? `Open ${mail.written[0].html} in a browser to see what an organiser receives.` : 'No email was written.',
      `The demo database is ${path}: try \`leakwatch leaks list --db ${path}\`.`,
    ];
    context.io.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } finally {
    db.close();
  }
}
