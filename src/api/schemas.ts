/**
 * The API's request and response shapes, as zod schemas: requests are
 * validated with them and `/openapi.json` is generated from them, so the
 * description and the checks cannot drift apart. Requests are strict (an
 * unknown field is refused: it is usually a typo); where a value needs a
 * registry rule (an address, a meeting id), the rule's own function is asked.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { LEAK_STATUSES } from '../match/lifecycle.js';
import { SEVERITIES } from '../match/severity.js';
import { normaliseEmail } from '../registry/email-address.js';
import { IDENTIFIER_KINDS } from '../registry/identifier-value.js';
import { canonicalMeeting } from '../registry/meeting-id.js';
import { recurrenceProblem } from '../registry/recurrence.js';
import { ianaZoneName } from '../registry/time-zones.js';

/** The largest request body, in bytes (a CSV import of some thousands of meetings). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The most leaks one page holds. */
export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 50;

/** A registry rule as a zod check: its {@link InputError}'s message becomes the field's. */
function ruleCheck<T>(rule: (value: T) => unknown) {
  return function checkRule(value: T, context: z.RefinementCtx): void {
    try {
      rule(value);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      context.addIssue({ code: 'custom', message: error.message });
    }
  };
}

const emailAddress = z.string().max(254).superRefine(ruleCheck((value: string) => normaliseEmail(value, 'email address')));
const time = z.string().max(64).describe('ISO-8601 date and time, e.g. 2026-09-01T09:00:00-04:00');

// ---------------------------------------------------------------- requests

/** A resource number in a path. Anything else names no resource: not found. */
export const idParams = z.strictObject({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

export const identifierCreateBody = z.strictObject({
  kind: z.enum(IDENTIFIER_KINDS),
  value: z.string().min(1).max(253).describe('e.g. westfield.example, westfield.zoom.us, a Teams tenant GUID'),
});

/** An RRULE value, checked as the registry checks it (an empty one clears the rule). */
const rrule = z.string().max(1000).superRefine(function checkRrule(value, context) {
  const problem = value.trim() === '' ? null : recurrenceProblem(value);
  if (problem !== null) context.addIssue({ code: 'custom', message: `not an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO: ${problem}` });
});

export const meetingCreateBody = z
  .strictObject({
    platform: z.string().min(1).max(40).optional().describe('zoom, google-meet, teams, webex, …; may be left out when meetingId is a join link'),
    meetingId: z.string().min(1).max(2048).describe('the meeting id as written (845 1239 7260), or its join link'),
    ownerEmail: emailAddress.describe('the organiser, who is alerted'),
    passcode: z.string().min(1).max(200).optional().describe('kept only as a salted hash; never returned'),
    title: z.string().max(500).optional(),
    startsAt: time.optional(),
    endsAt: time.optional(),
    recurrence: rrule.optional().describe('RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO'),
    timeZone: z.string().min(1).max(64).refine((zone) => ianaZoneName(zone) !== null, { message: 'not an IANA time zone name such as Europe/London' }).optional().describe('IANA zone whose wall-clock time the sessions keep, e.g. Europe/London; default UTC'),
    excludedStarts: z.array(time).max(1000).optional().describe("starts of a recurring meeting's sessions that do not take place (EXDATE)"),
    public: z.boolean().optional().describe('public on purpose: sightings are recorded, never alerted'),
  })
  .superRefine(function checkMeeting(body, context) {
    try {
      canonicalMeeting(body.platform ?? null, body.meetingId);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const path = body.platform !== undefined && /platform/.test(error.message) ? 'platform' : 'meetingId';
      context.addIssue({ code: 'custom', path: [path], message: error.message });
    }
  });

export const meetingPatchBody = z
  .strictObject({
    ownerEmail: emailAddress.optional(),
    title: z.string().max(500).nullable().optional(),
    passcode: z.string().min(1).max(200).nullable().optional().describe('a new passcode; null forgets the registered one'),
    startsAt: time.nullable().optional(),
    endsAt: time.nullable().optional(),
    recurrence: rrule.nullable().optional(),
    public: z.boolean().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'name at least one field to change' });

export const csvBody = z.string().max(MAX_BODY_BYTES).describe('CSV with a header row: platform, meeting_id, url, owner_email, title, passcode, starts, ends, recurrence');

export const LEAK_ACTIONS = { acknowledge: 'acknowledged', resolve: 'resolved', ignore: 'ignored', reopen: 'open' } as const;

export const leakActionBody = z.strictObject({
  action: z.enum(Object.keys(LEAK_ACTIONS) as [keyof typeof LEAK_ACTIONS, ...(keyof typeof LEAK_ACTIONS)[]]),
  reason: z.string().max(1000).optional().describe('why; needed to ignore a leak'),
});

export const leaksQuery = z.strictObject({
  status: z.enum(LEAK_STATUSES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  platform: z.string().min(1).max(40).optional(),
  since: z.iso.datetime({ offset: true }).optional().describe('leaks seen at or after this time'),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional().describe(`leaks per page, default ${DEFAULT_PAGE}`),
  cursor: z.string().min(1).max(500).optional().describe('`next` of the previous page, with the same filters'),
});

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional().describe(`items per page, default ${DEFAULT_PAGE}`),
  cursor: z.string().min(1).max(500).optional().describe('`next` of the previous page'),
});

export const personCreateBody = z.strictObject({
  email: emailAddress,
  role: z.enum(['admin', 'organiser']).describe('admin: manages everything and sees every leak; organiser: their own meetings and leaks'),
});


export const noQuery = z.strictObject({});

// ---------------------------------------------------------------- responses

export const identifierSchema = z.object({
  id: z.int(),
  orgId: z.int(),
  kind: z.enum(IDENTIFIER_KINDS),
  value: z.string(),
  status: z.enum(['pending', 'verified', 'revoked']),
  method: z.string().nullable(),
  verifiedAt: z.string().nullable(),
  verifiedBy: z.string().nullable(),
  tokenExpiresAt: z.string().nullable(),
});

export const organisationSchema = z.object({
  id: z.int(),
  name: z.string(),
  createdAt: z.string(),
  admins: z.array(z.string()),
  identifiers: z.array(identifierSchema),
  proof: z.object({
    /** Alerts are sent only once an email domain is proven. */
    alertsEnabled: z.boolean(),
    verified: z.int(),
    pending: z.int(),
  }),
});

export const identifierCreatedSchema = z.object({
  identifier: identifierSchema,
  token: z.string().nullable().describe('the DNS token to publish (TXT leakwatch-verification=<token>), shown once'),
  instructions: z.array(z.string()),
});

export const meetingSchema = z.object({
  id: z.int(),
  orgId: z.int(),
  platform: z.string(),
  meetingId: z.string(),
  ownerEmail: z.string(),
  title: z.string().nullable(),
  hasPasscode: z.boolean(),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  recurrence: z.string().nullable(),
  timeZone: z.string().nullable().describe('IANA zone the sessions of a recurring meeting keep their wall-clock time in; null is UTC'),
  excludedStarts: z.array(z.string()).describe("UTC starts of a recurring meeting's sessions that do not take place (EXDATE, cancelled instances)"),
  public: z.boolean(),
  origin: z.string(),
  originUid: z.string().nullable(),
  createdAt: z.string(),
});

export const meetingCreatedSchema = meetingSchema.extend({
  retroHunt: z.object({ references: z.int(), leaks: z.int(), queued: z.int() }).describe('what the meeting was already found in'),
});

export const importResultSchema = z.object({
  added: z.int(),
  updated: z.int(),
  removed: z.int(),
  skipped: z.array(z.string()),
  warnings: z.array(z.string()).describe('imported, but not alerting yet: organisers on an email domain the organisation has not verified'),
});

export const leakSummarySchema = z.object({
  id: z.int(),
  orgId: z.int(),
  platform: z.string(),
  meetingId: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(LEAK_STATUSES),
  sightings: z.int(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  matchKind: z.enum(['meeting', 'identifier', 'name']),
  reasons: z.array(z.string()),
  statusReason: z.string().nullable(),
  meeting: z.object({ id: z.int(), title: z.string().nullable(), ownerEmail: z.string() }).nullable(),
  sources: z.array(z.string()),
});

export const leakPageSchema = z.object({
  items: z.array(leakSummarySchema),
  next: z.string().nullable().describe('pass as `cursor` for the next page; null on the last'),
});

export const leakDetailSchema = leakSummarySchema.extend({
  sightings: z.array(
    z.object({
      source: z.string(),
      url: z.string().nullable(),
      author: z.string().nullable(),
      postedAt: z.string().nullable(),
      excerpt: z.string().describe('the post, secrets masked, cut to 500 characters'),
      passcode: z.string().nullable().describe('masked'),
      hostStart: z.boolean(),
      inReply: z.boolean(),
    }),
  ),
  events: z.array(z.object({ at: z.string(), actor: z.string(), event: z.string(), from: z.string().nullable(), to: z.string().nullable(), detail: z.unknown() })),
});

export const leakActionResultSchema = z.object({ id: z.int(), from: z.enum(LEAK_STATUSES), to: z.enum(LEAK_STATUSES) });

export const personSchema = z.object({
  email: z.string(),
  roles: z.array(z.enum(['admin', 'organiser'])),
  lastSignInAt: z.string().nullable(),
});

/** A page of a listing: `{items, next}`, `next` the cursor of the next page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next: z.string().nullable().describe('pass as `cursor` for the next page; null on the last') });
}

export const invitedSchema = z.object({
  email: z.string(),
  role: z.enum(['admin', 'organiser']),
  invited: z.boolean().describe('whether an invitation email was queued'),
  reason: z.string().nullable().describe('why none was, when none was'),
});

/** A list answer: `{items: [...]}`, so fields can be added beside the items later. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}
