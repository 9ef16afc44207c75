import { readFileSync } from 'node:fs';
import { Matcher, matchSettingsFrom } from '../match/matcher.js';
import { Registration } from '../match/registration.js';
import { InputError, UsageError } from '../errors.js';
import {
  addIdentifier,
  confirmVerificationToken,
  listConflicts,
  listIdentifiers,
  reissueDnsToken,
  sendVerificationEmail,
  type VerificationSettings,
  verificationSettingsFrom,
  verifyByDns,
  verifyByTenant,
  verifyManually,
} from '../registry/identifiers.js';
import { listFeeds, refreshFeed, subscribeFeed, unsubscribeFeed } from '../registry/calendar-feeds.js';
import { importMeetingFile } from '../registry/meeting-import.js';
import { decodeText } from '../registry/text-decoding.js';
import { httpClientFromConfig } from '../crawl/http-client.js';
import { listMeetings, removeMeeting } from '../registry/meetings.js';
import { addAdmin, createOrganisation, listOrganisations } from '../registry/organisations.js';
import type { Db } from '../store/database.js';
import { type CommandContext, openStore, printJson } from './context.js';

/** Runs `work` on the migrated database with the pipeline's matcher, then closes it. */
export async function withRegistry<T>(context: CommandContext, work: (db: Db, registration: Registration, matcher: Matcher) => T | Promise<T>): Promise<T> {
  const db = openStore(context);
  try {
    const matcher = new Matcher(db, matchSettingsFrom(context.config));
    return await work(db, new Registration(db, matcher), matcher);
  } finally {
    db.close();
  }
}

function verificationSettings(context: CommandContext): VerificationSettings {
  return verificationSettingsFrom(context.config);
}

/** `--org ID` as a number, or a usage error naming it. */
export function orgIdOf(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`--org must be an organisation id (a positive number), got "${value}"`);
  return id;
}

function print(context: CommandContext, json: unknown, lines: string[]): number {
  if (context.options.json) printJson(context.io, json);
  else context.io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export function orgAddCommand(context: CommandContext, options: { name: string; admin: string[] }): Promise<number> {
  return withRegistry(context, (db) => {
    const org = createOrganisation(db, { name: options.name, admins: options.admin }, context.actor);
    return print(context, org, [
      `organisation ${org.id}: ${org.name} (admins: ${org.admins.join(', ')})`,
      `next: register its domains with \`leakwatch identifier add --org ${org.id} --kind email-domain --value DOMAIN\``,
    ]);
  });
}

export function orgListCommand(context: CommandContext): Promise<number> {
  return withRegistry(context, (db) => {
    const orgs = listOrganisations(db);
    return print(context, orgs, orgs.length ? orgs.map((o) => `${o.id}\t${o.name}\t${o.admins.join(', ')}`) : ['no organisations yet']);
  });
}

export function orgAdminCommand(context: CommandContext, options: { org: string; admin: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const org = addAdmin(db, orgIdOf(options.org), options.admin, context.actor);
    return print(context, org, [`organisation ${org.id} admins: ${org.admins.join(', ')}`]);
  });
}

export function identifierAddCommand(context: CommandContext, options: { org: string; kind: string; value: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const added = addIdentifier(db, { orgId: orgIdOf(options.org), kind: options.kind, value: options.value }, verificationSettings(context), context.actor);
    return print(context, { ...added.identifier, token: added.token, instructions: added.instructions }, [
      `${added.identifier.kind} ${added.identifier.value} registered (pending verification; no alerts until it is verified)`,
      ...added.instructions,
    ]);
  });
}

export function identifierListCommand(context: CommandContext, options: { org: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const identifiers = listIdentifiers(db, orgIdOf(options.org));
    return print(
      context,
      identifiers,
      identifiers.length ? identifiers.map((i) => `${i.kind}\t${i.value}\t${i.status}${i.method ? ` (${i.method})` : ''}`) : ['no identifiers yet'],
    );
  });
}

export function identifierConflictsCommand(context: CommandContext): Promise<number> {
  return withRegistry(context, (db) => {
    const conflicts = listConflicts(db);
    return print(
      context,
      conflicts,
      conflicts.length
        ? conflicts.flatMap((c) => [
            `${c.kind} ${c.value}: ${c.claims.length} claims, ${c.provenByOrgId === null ? 'proven by none' : `proven by organisation ${c.provenByOrgId}`}`,
            ...c.claims.map(
              (claim) =>
                `  organisation ${claim.orgId} (${claim.orgName}): ${claim.status === 'verified' ? `verified (${claim.method}) ${claim.verifiedAt}` : claim.status}, claimed ${claim.claimedAt}`,
            ),
          ])
        : ['no identifier is claimed by more than one organisation'],
    );
  });
}

export function identifierVerifyCommand(
  context: CommandContext,
  options: { org: string; value: string; method: string; address?: string; note?: string },
): Promise<number> {
  return withRegistry(context, async (db, registration) => {
    const orgId = orgIdOf(options.org);
    const settings = verificationSettings(context);
    switch (options.method) {
      case 'dns': {
        const identifier = await verifyByDns(db, { orgId, value: options.value }, settings, context.actor, registration.onVerified);
        return print(context, identifier, [`${identifier.kind} ${identifier.value} verified by DNS`]);
      }
      case 'email': {
        const sent = sendVerificationEmail(db, { orgId, value: options.value, address: options.address }, settings, context.actor);
        return print(context, sent, [
          `verification link queued for ${sent.sentTo.join(', ')} (valid until ${sent.expiresAt}); it is sent by the outbox worker of \`leakwatch run\``,
        ]);
      }
      case 'tenant': {
        const identifier = await verifyByTenant(db, { orgId, value: options.value }, settings, httpClientFromConfig(context.config.http), context.actor, registration.onVerified);
        return print(context, identifier, [`${identifier.kind} ${identifier.value} verified: Microsoft names it the tenant of a verified email domain of the organisation`]);
      }
      case 'manual': {
        const identifier = verifyManually(db, { orgId, value: options.value, note: options.note }, context.actor, registration.onVerified);
        return print(context, identifier, [`${identifier.kind} ${identifier.value} verified: vouched for by ${context.actor} (recorded in the audit log)`]);
      }
      default:
        throw new UsageError(`--method must be dns, email, tenant or manual, got "${options.method}"`);
    }
  });
}

export function identifierConfirmCommand(context: CommandContext, token: string): Promise<number> {
  return withRegistry(context, (db, registration) => {
    const identifier = confirmVerificationToken(db, token, context.actor, registration.onVerified);
    return print(context, identifier, [`${identifier.kind} ${identifier.value} verified (${identifier.method})`]);
  });
}

export function identifierTokenCommand(context: CommandContext, options: { org: string; value: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const issued = reissueDnsToken(db, { orgId: orgIdOf(options.org), value: options.value }, verificationSettings(context), context.actor);
    return print(context, issued, [`publish TXT "leakwatch-verification=${issued.token}" (valid until ${issued.expiresAt}), then verify with --method dns`]);
  });
}

export interface MeetingAddOptions {
  org: string;
  platform?: string;
  id: string;
  owner: string;
  passcode?: string;
  title?: string;
  starts?: string;
  ends?: string;
  recurrence?: string;
  timeZone?: string;
  public?: boolean;
}

export function meetingAddCommand(context: CommandContext, options: MeetingAddOptions): Promise<number> {
  return withRegistry(context, (_db, registration) => {
    const { meeting, retro } = registration.addMeeting(
      {
        orgId: orgIdOf(options.org),
        platform: options.platform,
        meetingId: options.id,
        ownerEmail: options.owner,
        passcode: options.passcode,
        title: options.title,
        startsAt: options.starts,
        endsAt: options.ends,
        recurrence: options.recurrence,
        timeZone: options.timeZone,
        public: options.public,
      },
      context.actor,
    );
    return print(context, { ...meeting, retroHunt: retro }, [
      `meeting ${meeting.id}: ${meeting.platform} ${meeting.meetingId}${meeting.title ? ` "${meeting.title}"` : ''} (owner ${meeting.ownerEmail})`,
      retro.references > 0 ? `already seen in ${retro.references} stored post(s): ${retro.leaks} leak(s) opened` : 'not seen in any stored post',
    ]);
  });
}

export function meetingListCommand(context: CommandContext, options: { org: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const meetings = listMeetings(db, orgIdOf(options.org));
    return print(
      context,
      meetings,
      meetings.length
        ? meetings.map((m) => `${m.id}\t${m.platform}\t${m.meetingId}\t${m.ownerEmail}\t${m.title ?? ''}${m.recurrence ? '\trecurring' : ''}`)
        : ['no meetings yet'],
    );
  });
}

export function meetingRemoveCommand(context: CommandContext, id: string, options: { org: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const meetingId = Number(id);
    if (!Number.isSafeInteger(meetingId) || meetingId <= 0) throw new UsageError(`MEETING must be a meeting number from \`meeting list\`, got "${id}"`);
    const meeting = removeMeeting(db, orgIdOf(options.org), meetingId, context.actor);
    return print(context, meeting, [`removed meeting ${meeting.id} (${meeting.platform} ${meeting.meetingId})`]);
  });
}

export function meetingImportCommand(
  context: CommandContext,
  file: string,
  options: { org: string; skipInvalid?: boolean; owner?: string; encoding?: string },
): Promise<number> {
  return withRegistry(context, async (db, registration) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const { text } = decodeText(bytes, options.encoding);
    const result = await importMeetingFile(
      db,
      file,
      text,
      { orgId: orgIdOf(options.org), skipInvalid: options.skipInvalid, defaultOwner: options.owner },
      (prepared) => registration.upsertMeeting(prepared, context.actor),
      context.actor,
    );
    return print(context, result, [
      `${result.added} meeting(s) added, ${result.updated} updated, ${result.removed} removed, ${result.skipped.length} skipped`,
      ...result.skipped.map((s) => `  skipped: ${s}`),
      ...result.warnings.map((w) => `  warning: ${w}`),
    ]);
  });
}

export function meetingSubscribeCommand(context: CommandContext, url: string, options: { org: string; owner?: string }): Promise<number> {
  return withRegistry(context, async (db, registration) => {
    const feed = subscribeFeed(db, { orgId: orgIdOf(options.org), url, ownerEmail: options.owner }, context.config.http, context.actor);
    const refresh = await refreshFeed(db, feed.id, httpClientFromConfig(context.config.http), (prepared) => registration.upsertMeeting(prepared, context.actor), context.actor);
    return print(context, { ...feed, refresh }, [
      `calendar feed ${feed.id} (${feed.host}) subscribed; refreshed on \`calendars.cron\` by \`leakwatch run\``,
      refresh.status === 'imported'
        ? `first import: ${refresh.result.added} meeting(s) added, ${refresh.result.skipped.length} event(s) skipped`
        : refresh.status === 'failed'
          ? `first fetch failed: ${refresh.error} (kept; retried on schedule)`
          : 'not modified',
      ...(refresh.status === 'imported' ? refresh.result.warnings.map((w) => `  warning: ${w}`) : []),
    ]);
  });
}

export function meetingFeedsCommand(context: CommandContext, options: { org: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const feeds = listFeeds(db, orgIdOf(options.org));
    return print(context, feeds, feeds.length ? feeds.map((f) => `${f.id}\t${f.host}\trefreshed ${f.refreshedAt ?? 'never'}${f.lastError ? `\tlast error: ${f.lastError}` : ''}`) : ['no calendar feeds']);
  });
}

export function meetingUnsubscribeCommand(context: CommandContext, id: string, options: { org: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const result = unsubscribeFeed(db, orgIdOf(options.org), Number(id), context.actor);
    return print(context, result, [`calendar feed ${id} removed with its ${result.removedMeetings} meeting(s)`]);
  });
}
