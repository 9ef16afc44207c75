import type { Config } from '../config/schema.js';
import { InputError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Registration } from '../match/registration.js';
import { enqueue } from '../notify/outbox.js';
import { proveByConnection, verifiedAdmins } from '../registry/identifiers.js';
import { prepareMeeting } from '../registry/meetings.js';
import { getOrganisation } from '../registry/organisations.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';
import { ApiClient } from './api-client.js';
import { connectionCredential, getConnection } from './connections.js';
import { CredentialError } from './credential-error.js';
import type { ConnectionCredential, MeetingBatch, Provider, ProviderSession, UpstreamMeeting } from './provider.js';
import { providerFor } from './providers.js';
import { SecretBoxError } from './secret-box.js';

/**
 * The provider sessions of the connections, kept between syncs so that an
 * access token is reused until shortly before it expires. A connection whose
 * sealed secret changed (connected again) gets a new session.
 */
export class ConnectionSessions {
  #api: ApiClient;
  #urls: (provider: Provider) => Record<string, string>;
  #sessions = new Map<number, { sealed: string; session: ProviderSession }>();
  #now: (() => number) | undefined;

  constructor(options: { api: ApiClient; urls: (provider: Provider) => Record<string, string>; now?: () => number }) {
    this.#api = options.api;
    this.#urls = options.urls;
    this.#now = options.now;
  }

  /** A session for a credential not stored yet (`leakwatch connect` tries it first). */
  open(provider: Provider, credential: ConnectionCredential): ProviderSession {
    return provider.session(credential, { api: this.#api, urls: this.#urls(provider), ...(this.#now ? { now: this.#now } : {}) });
  }

  /** Keeps a session tried before its connection was stored (`connect`), so its token serves the first sync. */
  adopt(connectionId: number, sealed: string, session: ProviderSession): void {
    this.#sessions.set(connectionId, { sealed, session });
  }

  /** The session of a stored connection. */
  for(connectionId: number, provider: Provider, credential: ConnectionCredential & { sealed: string }): ProviderSession {
    const kept = this.#sessions.get(connectionId);
    if (kept && kept.sealed === credential.sealed) return kept.session;
    const session = this.open(provider, credential);
    this.#sessions.set(connectionId, { sealed: credential.sealed, session });
    return session;
  }
}

/** The sessions the configuration describes: the guarded API client with `http.*` and `connections.*`. */
export function connectionSessionsFrom(config: Pick<Config, 'http' | 'connections'>): ConnectionSessions {
  const { http, connections } = config;
  const api = new ApiClient({
    guard: { allowPrivateHosts: http.allowPrivateHosts, allowHosts: http.allowHosts, dnsServers: http.dnsServers },
    userAgent: `${http.userAgent} (+${http.contactUrl})`,
    timeoutMs: http.timeoutMs,
    maxResponseBytes: http.maxResponseBytes,
    retries: http.retries,
    maxRetryAfterMs: connections.maxRetryAfterSecs * 1000,
  });
  return new ConnectionSessions({ api, urls: (provider) => provider.urls((connections as Record<string, unknown>)[provider.name] as Record<string, unknown>) });
}

export interface SyncDependencies {
  /** `LEAKWATCH_SECRET_KEY`, read; null when it is not set (every sync then fails, saying so). */
  key: Buffer | null;
  registration: Registration;
  sessions: ConnectionSessions;
  log: Logger;
  /** Who the changes are audited as. */
  actor: string;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface SyncCounts {
  /** Meetings registered now. */
  added: number;
  /** Meetings already registered, refreshed (title, host, schedule, passcode). */
  updated: number;
  /** Meetings cancelled or deleted upstream, removed. */
  removed: number;
  /** Meetings not imported, each with why. */
  skipped: string[];
  /** Hosts who became organisers of the organisation (they may sign in and see their meetings' leaks). */
  organisers: number;
  /** The identifiers the account reported, and what the report did. */
  identifiers: { kind: string; value: string; outcome: string; settled: number }[];
}

export type SyncOutcome =
  | ({ connection: number; status: 'ok' } & SyncCounts)
  /** failed: may pass by itself (the platform down, rate limited); revoked: the credential is refused, an admin must act. */
  | { connection: number; status: 'failed' | 'revoked'; error: string; reported: boolean };

/**
 * Synchronises one connection: every host's meetings are imported into the
 * organisation (owner: the host; passcodes hashed as each batch arrives),
 * meetings gone upstream removed once the whole account has been read, and
 * the identifiers the platform reports proven. A refused credential is
 * reported to the organisation's verified admins once per episode; a sync
 * that works again clears it. Never throws for what the platform answers.
 */
export async function syncConnection(db: Db, connectionId: number, deps: SyncDependencies): Promise<SyncOutcome> {
  const now = deps.now ?? (() => new Date());
  const connection = getConnection(db, connectionId);
  const log = deps.log.child({ connection: connection.id, provider: connection.provider });
  const provider = providerFor(connection.provider);
  const counts: SyncCounts = { added: 0, updated: 0, removed: 0, skipped: [], organisers: 0, identifiers: [] };
  try {
    if (deps.key === null) throw new SecretBoxError('LEAKWATCH_SECRET_KEY is not set, so the stored credential cannot be opened; set it to the key the connection was made with');
    const session = deps.sessions.for(connection.id, provider, connectionCredential(db, connection.id, deps.key));
    const { scopes } = await session.authorise(deps.signal);
    const cursors = storedCursors(db, connection.id);
    // Stored meetings by id, of each scope; what a complete listing of a scope, or the walk, does not name is gone.
    const seen = new Set<number>();
    const walked = new Map<string, { complete: boolean; cursor: string | undefined }>();
    const writeBatch = db.transaction((batch: MeetingBatch) => {
      for (const meeting of batch.meetings) {
        try {
          const { id, created, organiserAdded } = storeUpstreamMeeting(db, connection, meeting, deps.registration, deps.actor, now(), batch.scope);
          seen.add(id);
          if (organiserAdded) counts.organisers++;
          if (created) counts.added++;
          else counts.updated++;
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          // A join link carries its pwd= token: the message names the meeting by its id instead.
          counts.skipped.push(`${provider.label} meeting ${meeting.upstreamId}: ${error.message.replaceAll(meeting.meetingId, meeting.upstreamId)}`);
        }
      }
      if (!batch.complete) {
        const remove = statement(db, 'DELETE FROM meetings WHERE connection_id = ? AND origin_uid = ?');
        for (const upstreamId of batch.removed ?? []) counts.removed += remove.run(connection.id, upstreamId).changes;
      }
      const before = walked.get(batch.scope);
      walked.set(batch.scope, { complete: (before?.complete ?? false) || batch.complete, cursor: batch.cursor ?? before?.cursor });
    });
    for await (const batch of session.meetings(cursors, deps.signal)) {
      writeBatch(batch);
      deps.signal?.throwIfAborted();
    }
    db.transaction(() => {
      // Only a complete walk says what is gone: a walk cut short removes nothing. A scope listed whole loses
      // what the listing did not name; a scope the walk did not name at all (a host gone) loses everything.
      const stored = statement(db, 'SELECT id, connection_scope AS scope FROM meetings WHERE connection_id = ?').all(connection.id) as { id: number; scope: string | null }[];
      const remove = statement(db, 'DELETE FROM meetings WHERE id = ?');
      for (const { id, scope } of stored) {
        const walk = walked.get(scope ?? '');
        if (walk === undefined || (walk.complete && !seen.has(id))) counts.removed += remove.run(id).changes;
      }
      const nextCursors = Object.fromEntries([...walked].filter(([, w]) => w.cursor !== undefined).map(([scope, w]) => [scope, w.cursor!]));
      statement(db, 'UPDATE connections SET sync_cursors = ? WHERE id = ?').run(Object.keys(nextCursors).length ? JSON.stringify(nextCursors) : null, connection.id);
      for (const reported of session.identifiers()) {
        const proof = proveByConnection(
          db,
          { orgId: connection.orgId, kind: reported.kind, value: reported.value },
          { connectionId: connection.id, provider: connection.provider, evidence: reported.evidence },
          deps.actor,
          deps.registration.onVerified,
          now(),
        );
        counts.identifiers.push({ kind: reported.kind, value: reported.value, outcome: proof.outcome, settled: proof.settled });
        if (proof.outcome === 'held-elsewhere') log.warn({ identifier: `${reported.kind} ${reported.value}` }, 'the connected account reports an identifier another organisation holds proven; `leakwatch identifier conflicts` shows both');
      }
      const at = now().toISOString();
      statement(
        db,
        `UPDATE connections SET status = 'ok', scopes = ?, last_sync_at = ?, last_success_at = ?, last_error = NULL,
           failing_since = NULL, error_reported = 0, last_result = ?, updated_at = ? WHERE id = ?`,
      ).run(scopes.join(' ') || null, at, at, JSON.stringify({ added: counts.added, updated: counts.updated, removed: counts.removed, skipped: counts.skipped.length, organisers: counts.organisers }), at, connection.id);
      if (counts.added + counts.removed + counts.organisers > 0 || counts.identifiers.some((i) => i.outcome !== 'unchanged')) {
        audit(db, { actor: deps.actor, orgId: connection.orgId, action: 'connection.synced', subject: `${connection.provider} ${connection.accountId}`, detail: { id: connection.id, ...counts, skipped: counts.skipped.length }, at: now() });
      }
    })();
    if (connection.status === 'revoked' || connection.status === 'failing') log.info('connection works again');
    return { connection: connection.id, status: 'ok', ...counts };
  } catch (error) {
    // Stopped (the daemon shutting down): nothing is known about the credential, so nothing is recorded.
    if (deps.signal?.aborted) return { connection: connection.id, status: 'failed', error: 'stopped before the sync finished', reported: false };
    const message = error instanceof Error ? error.message : String(error);
    const revoked = error instanceof CredentialError;
    const reported = recordFailure(db, connection.id, revoked, message, deps.actor, now());
    log.warn({ error: message, status: revoked ? 'revoked' : 'failing', reported }, revoked ? 'connection credential refused' : 'connection sync failed');
    return { connection: connection.id, status: revoked ? 'revoked' : 'failed', error: message, reported };
  }
}

/**
 * Registers (or refreshes) one meeting the platform reported, as the
 * connection's: its passcode hashed at once, its host made an organiser of
 * the organisation (once, audited). An {@link InputError} when the meeting
 * is not one leakwatch can register.
 */
export function storeUpstreamMeeting(
  db: Db,
  connection: { id: number; orgId: number },
  meeting: UpstreamMeeting,
  registration: Registration,
  actor: string,
  now: Date,
  /** The {@link MeetingBatch.scope} it was listed in. */
  scope: string,
): { id: number; created: boolean; organiserAdded: boolean } {
  const prepared = prepareMeeting({
    orgId: connection.orgId,
    platform: meeting.platform,
    meetingId: meeting.meetingId,
    passcode: meeting.passcode,
    ownerEmail: meeting.ownerEmail,
    title: meeting.title,
    startsAt: meeting.startsAt,
    endsAt: meeting.endsAt,
    recurrence: meeting.recurrence,
    timeZone: meeting.timeZone ?? null,
    excludedStarts: meeting.excludedStarts ?? null,
    origin: 'connection',
    originUid: meeting.upstreamId,
  });
  // The platform gave the same meeting a new link (Meet's new conference for an event): one row per upstream
  // meeting, so the old link's row goes (its leaks keep their history) and the new one is registered.
  const previous = statement(db, 'SELECT id, meeting_id FROM meetings WHERE connection_id = ? AND origin_uid = ? AND platform = ?').get(connection.id, meeting.upstreamId, prepared.row.platform) as
    | { id: number; meeting_id: string }
    | undefined;
  if (previous && previous.meeting_id !== prepared.row.meetingId) {
    statement(db, 'DELETE FROM meetings WHERE id = ?').run(previous.id);
    audit(db, { actor, orgId: connection.orgId, action: 'meeting.link-changed', subject: `${prepared.row.platform} ${meeting.upstreamId}`, detail: { connection: connection.id, meeting: previous.id }, at: now });
  }
  const { id, created } = registration.upsertMeeting(prepared, actor, now);
  statement(db, 'UPDATE meetings SET connection_id = ?, connection_scope = ? WHERE id = ?').run(connection.id, scope, id);
  // The platform says who hosts the meeting: its organiser, as the organisation's contact.
  const owner = prepared.row.ownerEmail;
  const organiserAdded = statement(db, "INSERT OR IGNORE INTO contacts (org_id, email, role) VALUES (?, ?, 'organiser')").run(connection.orgId, owner).changes > 0;
  if (organiserAdded) audit(db, { actor, orgId: connection.orgId, action: 'organisation.organiser-added', subject: owner, detail: { connection: connection.id }, at: now });
  return { id, created, organiserAdded };
}

/** Where each scope's next walk resumes, as the last complete walk left them. */
function storedCursors(db: Db, connectionId: number): Map<string, string> {
  const text = statement(db, 'SELECT sync_cursors FROM connections WHERE id = ?').pluck().get(connectionId) as string | null;
  if (!text) return new Map();
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object') return new Map();
    return new Map(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    // Unreadable cursors cost one full walk, nothing else.
    return new Map();
  }
}

/**
 * Records a failed sync. A refused credential starts an episode that the
 * organisation's verified admins are told of once (a dedupe key per episode
 * and admin); a transient failure is only recorded.
 */
function recordFailure(db: Db, id: number, revoked: boolean, message: string, actor: string, now: Date): boolean {
  return db.transaction(() => {
    const at = now.toISOString();
    const row = statement(db, 'SELECT org_id, provider, account_id, failing_since, error_reported FROM connections WHERE id = ?').get(id) as
      | { org_id: number; provider: string; account_id: string; failing_since: string | null; error_reported: number }
      | undefined;
    if (!row) return false;
    if (!revoked) {
      statement(db, "UPDATE connections SET status = CASE WHEN status = 'revoked' THEN status ELSE 'failing' END, last_sync_at = ?, last_error = ?, updated_at = ? WHERE id = ?").run(at, message, at, id);
      return false;
    }
    const since = row.failing_since ?? at;
    statement(db, "UPDATE connections SET status = 'revoked', last_sync_at = ?, last_error = ?, failing_since = ?, updated_at = ? WHERE id = ?").run(at, message, since, at, id);
    if (row.error_reported === 1) return false;
    const org = getOrganisation(db, row.org_id);
    const admins = verifiedAdmins(db, row.org_id);
    for (const recipient of admins) {
      enqueue(
        db,
        {
          dedupeKey: `connection-failed:${id}:${since}:${recipient}`,
          channel: 'email',
          recipient,
          kind: 'connection-failed',
          orgId: row.org_id,
          payload: { connectionId: id, organisation: org.name, provider: providerFor(row.provider).label, accountId: row.account_id, error: message, since },
        },
        now,
      );
    }
    if (admins.length === 0) return false;
    statement(db, 'UPDATE connections SET error_reported = 1 WHERE id = ?').run(id);
    audit(db, { actor, orgId: row.org_id, action: 'connection.failure-reported', subject: `${row.provider} ${row.account_id}`, detail: { id, to: admins, since }, at: now });
    return true;
  })();
}
