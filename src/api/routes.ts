/**
 * Every route of the API, as data: method, path, scope, the schemas of its
 * parameters, query, body and answers, and the handler. The app serves this
 * list and `/openapi.json` describes this list, so one cannot have a route
 * the other lacks. Handlers call the functions the CLI calls.
 */
import type { z } from 'zod';
import type { Registration } from '../match/registration.js';
import { getLeak, listLeaks } from '../match/leaks.js';
import { changeLeakStatus } from '../match/lifecycle.js';
import { addIdentifier, getIdentifier, listIdentifiers, type VerificationSettings, verifyByDns } from '../registry/identifiers.js';
import { importMeetingCsv } from '../registry/meeting-import.js';
import { getMeeting, listMeetings, removeMeeting } from '../registry/meetings.js';
import { invitePerson } from '../registry/invitations.js';
import { getOrganisation, removeMember } from '../registry/organisations.js';
import { organisationPeople } from '../registry/people.js';
import type { Db } from '../store/database.js';
import { type CursorScope, decodeCursor, encodeCursor } from './cursor.js';
import { ProblemError } from './problem.js';
import {
  csvBody,
  DEFAULT_PAGE,
  identifierCreateBody,
  identifierCreatedSchema,
  identifierSchema,
  idParams,
  importResultSchema,
  LEAK_ACTIONS,
  leakActionBody,
  leakActionResultSchema,
  leakDetailSchema,
  leakPageSchema,
  leaksQuery,
  listOf,
  meetingCreateBody,
  meetingCreatedSchema,
  meetingPatchBody,
  meetingSchema,
  organisationSchema,
  pageOf,
  pageQuery,
  personCreateBody,
  personSchema,
  invitedSchema,
} from './schemas.js';
import type { TokenIdentity, TokenScope } from './tokens.js';

/** What a handler works with. */
export interface RouteServices {
  db: Db;
  registration: Registration;
  verification: VerificationSettings;
  now: () => Date;
}

export interface HandlerInput<P, Q, B> {
  identity: TokenIdentity;
  /** Who did it, for audit trails: `api-token:<id>`. */
  actor: string;
  params: P;
  query: Q;
  body: B;
  services: RouteServices;
}

export interface Answer {
  status: 200 | 201;
  body: unknown;
}

export interface RouteBody<B extends z.ZodType> {
  /** The media type the body must have. */
  contentType: 'application/json' | 'text/csv';
  schema: B;
}

export interface Route<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI style: `/v1/meetings/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  /** `write` routes refuse `read` tokens. */
  scope: TokenScope;
  params?: P;
  query?: Q;
  body?: RouteBody<B>;
  /** The success answer: its status, what it is, and its schema. */
  success: { status: 200 | 201; description: string; schema: z.ZodType };
  handle(input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>): Answer | Promise<Answer>;
}

/** Keeps each route's handler typed by its own schemas. */
function route<P extends z.ZodType = z.ZodNever, Q extends z.ZodType = z.ZodNever, B extends z.ZodType = z.ZodNever>(spec: Route<P, Q, B>): Route {
  return spec as unknown as Route;
}

/** The row a listing's cursor continues after; a cursor of another listing, organisation or filters is refused, naming it. */
function afterCursor(db: Db, scope: CursorScope, cursor: string): number {
  const decoded = decodeCursor(db, scope, cursor);
  if (decoded === null) {
    throw new ProblemError('invalid-request', 'the cursor is not one this API gave for this listing and filters; start again without it', {
      errors: [{ field: 'cursor', message: 'not a cursor of this listing (it must come from `next`, with the same filters)' }],
    });
  }
  return decoded;
}

const ok = (body: unknown): Answer => ({ status: 200, body });
const created = (body: unknown): Answer => ({ status: 201, body });

/** How much of a post a leak's sighting shows: it is already masked; this keeps answers small. */
const EXCERPT_CHARS = 500;

export const ROUTES: readonly Route[] = [
  route({
    method: 'get',
    path: '/v1/organisation',
    operationId: 'getOrganisation',
    summary: "The token's organisation, its identifiers and whether they are proven",
    scope: 'read',
    success: { status: 200, description: 'the organisation', schema: organisationSchema },
    handle({ identity, services: { db } }) {
      const org = getOrganisation(db, identity.orgId);
      const identifiers = listIdentifiers(db, identity.orgId);
      const verified = identifiers.filter((i) => i.status === 'verified');
      return ok({
        ...org,
        identifiers,
        proof: {
          alertsEnabled: verified.some((i) => i.kind === 'email-domain'),
          verified: verified.length,
          pending: identifiers.filter((i) => i.status === 'pending').length,
        },
      });
    },
  }),
  route({
    method: 'get',
    path: '/v1/identifiers',
    operationId: 'listIdentifiers',
    summary: "The organisation's identifiers and their verification",
    scope: 'read',
    success: { status: 200, description: 'the identifiers', schema: listOf(identifierSchema) },
    handle: ({ identity, services: { db } }) => ok({ items: listIdentifiers(db, identity.orgId) }),
  }),
  route({
    method: 'post',
    path: '/v1/identifiers',
    operationId: 'addIdentifier',
    summary: 'Register an identifier; the answer says how to prove control of it (a DNS token for a domain, shown once)',
    scope: 'write',
    body: { contentType: 'application/json', schema: identifierCreateBody },
    success: { status: 201, description: 'registered, pending verification', schema: identifierCreatedSchema },
    handle({ identity, actor, body, services: { db, verification, now } }) {
      const added = addIdentifier(db, { orgId: identity.orgId, kind: body.kind, value: body.value }, verification, actor, now());
      return created(added);
    },
  }),
  route({
    method: 'post',
    path: '/v1/identifiers/{id}/check',
    operationId: 'checkIdentifier',
    summary: "Look for the domain's DNS TXT record (leakwatch-verification=<token>) and verify the identifier when it is there",
    scope: 'write',
    params: idParams,
    success: { status: 200, description: 'verified', schema: identifierSchema },
    async handle({ identity, actor, params, services: { db, registration, verification, now } }) {
      const identifier = getIdentifier(db, identity.orgId, params.id);
      return ok(await verifyByDns(db, { orgId: identity.orgId, value: identifier.value }, verification, actor, registration.onVerified, now()));
    },
  }),
  route({
    method: 'get',
    path: '/v1/meetings',
    operationId: 'listMeetings',
    summary: "The organisation's registered meetings by id, a page at a time (passcodes are never returned)",
    scope: 'read',
    query: pageQuery,
    success: { status: 200, description: 'one page of meetings', schema: pageOf(meetingSchema) },
    handle({ identity, query, services: { db } }) {
      const { cursor, limit = DEFAULT_PAGE } = query;
      const scope = { orgId: identity.orgId, filters: { listing: 'meetings' } };
      const afterId = cursor === undefined ? 0 : afterCursor(db, scope, cursor);
      const rows = listMeetings(db, identity.orgId, { afterId, limit: limit + 1 });
      const items = rows.slice(0, limit);
      return ok({ items, next: rows.length > limit ? encodeCursor(db, scope, items.at(-1)!.id) : null });
    },
  }),
  route({
    method: 'post',
    path: '/v1/meetings',
    operationId: 'addMeeting',
    summary: 'Register a meeting; it is matched at once against the posts already stored',
    scope: 'write',
    body: { contentType: 'application/json', schema: meetingCreateBody },
    success: { status: 201, description: 'registered', schema: meetingCreatedSchema },
    handle({ identity, actor, body, services: { registration, now } }) {
      const { meeting, retro } = registration.addMeeting({ ...body, orgId: identity.orgId }, actor, now());
      return created({ ...meeting, retroHunt: { references: retro.references, leaks: retro.leaks, queued: retro.queued } });
    },
  }),
  route({
    method: 'post',
    path: '/v1/meetings/import',
    operationId: 'importMeetings',
    summary: 'Import meetings from CSV: every row is checked first, and a file with any bad row imports nothing (each problem named by row and column)',
    scope: 'write',
    body: { contentType: 'text/csv', schema: csvBody },
    success: { status: 200, description: 'imported', schema: importResultSchema },
    async handle({ identity, actor, body, services: { db, registration, now } }) {
      // One transaction for the whole file: a request's import is all or nothing, even if the process dies midway.
      const result = await importMeetingCsv(db, body, { orgId: identity.orgId, batchSize: Number.MAX_SAFE_INTEGER }, (prepared) => registration.upsertMeeting(prepared, actor, now()), actor);
      return ok(result);
    },
  }),
  route({
    method: 'get',
    path: '/v1/meetings/{id}',
    operationId: 'getMeeting',
    summary: 'One registered meeting',
    scope: 'read',
    params: idParams,
    success: { status: 200, description: 'the meeting', schema: meetingSchema },
    handle: ({ identity, params, services: { db } }) => ok(getMeeting(db, identity.orgId, params.id)),
  }),
  route({
    method: 'patch',
    path: '/v1/meetings/{id}',
    operationId: 'updateMeeting',
    summary: 'Change a meeting (owner, title, passcode, schedule, public); its platform and id stay',
    scope: 'write',
    params: idParams,
    body: { contentType: 'application/json', schema: meetingPatchBody },
    success: { status: 200, description: 'the meeting as changed', schema: meetingSchema },
    handle: ({ identity, actor, params, body, services: { registration, now } }) => ok(registration.updateMeeting(identity.orgId, params.id, body, actor, now()).meeting),
  }),
  route({
    method: 'delete',
    path: '/v1/meetings/{id}',
    operationId: 'removeMeeting',
    summary: 'Remove a meeting (its leaks stay, for the record)',
    scope: 'write',
    params: idParams,
    success: { status: 200, description: 'the meeting removed', schema: meetingSchema },
    handle: ({ identity, actor, params, services: { db } }) => ok(removeMeeting(db, identity.orgId, params.id, actor)),
  }),
  route({
    method: 'get',
    path: '/v1/leaks',
    operationId: 'listLeaks',
    summary: "The organisation's leaks, oldest first, a page at a time; filters stay the same from page to page",
    scope: 'read',
    query: leaksQuery,
    success: { status: 200, description: 'one page of leaks', schema: leakPageSchema },
    handle({ identity, query, services: { db } }) {
      const { cursor, limit = DEFAULT_PAGE, ...given } = query;
      const filters = { ...given, since: given.since === undefined ? undefined : new Date(given.since).toISOString() };
      const scope = { orgId: identity.orgId, filters };
      const afterId = cursor === undefined ? 0 : afterCursor(db, scope, cursor);
      const rows = listLeaks(db, { ...filters, orgId: identity.orgId, order: 'id', afterId, limit: limit + 1 });
      const items = rows.slice(0, limit);
      const next = rows.length > limit ? encodeCursor(db, scope, items.at(-1)!.id) : null;
      return ok({ items, next });
    },
  }),
  route({
    method: 'get',
    path: '/v1/leaks/{id}',
    operationId: 'getLeak',
    summary: 'One leak with its sightings (passcodes masked) and its history',
    scope: 'read',
    params: idParams,
    success: { status: 200, description: 'the leak', schema: leakDetailSchema },
    handle({ identity, params, services: { db } }) {
      const { evidence, ...leak } = getLeak(db, identity.orgId, params.id);
      return ok({
        ...leak,
        sightings: evidence.map(({ text, ...sighting }) => ({
          ...sighting,
          excerpt: text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1)}…` : text,
        })),
      });
    },
  }),
  route({
    method: 'post',
    path: '/v1/leaks/{id}/actions',
    operationId: 'actOnLeak',
    summary: 'Acknowledge, resolve, ignore (with a reason) or reopen a leak',
    scope: 'write',
    params: idParams,
    body: { contentType: 'application/json', schema: leakActionBody },
    success: { status: 200, description: 'the change of status', schema: leakActionResultSchema },
    handle({ identity, actor, params, body, services: { db, now } }) {
      const change = changeLeakStatus(db, { orgId: identity.orgId, leakId: params.id, to: LEAK_ACTIONS[body.action], actor, reason: body.reason }, now());
      return ok({ id: params.id, ...change });
    },
  }),
  route({
    method: 'get',
    path: '/v1/people',
    operationId: 'listPeople',
    summary: "The organisation's people (admins and organisers) and when each last signed in",
    scope: 'read',
    success: { status: 200, description: 'the people', schema: listOf(personSchema) },
    handle: ({ identity, services: { db } }) => ok({ items: organisationPeople(db, identity.orgId) }),
  }),
  route({
    method: 'post',
    path: '/v1/people',
    operationId: 'addPerson',
    summary: 'Give an address a role in the organisation; an invitation is emailed when the address is on a proven email domain',
    scope: 'write',
    body: { contentType: 'application/json', schema: personCreateBody },
    success: { status: 201, description: 'the role is granted', schema: invitedSchema },
    handle({ identity, actor, body, services: { db, verification, now } }) {
      const added = invitePerson(db, { orgId: identity.orgId, email: body.email, role: body.role }, verification.publicUrl, actor, now());
      return created({ email: added.email, role: body.role, invited: added.invited, reason: added.reason });
    },
  }),
  route({
    method: 'post',
    path: '/v1/people/remove',
    operationId: 'removePerson',
    summary: 'Take a role away from an address (the last admin stays)',
    scope: 'write',
    body: { contentType: 'application/json', schema: personCreateBody },
    success: { status: 200, description: 'the people left', schema: listOf(personSchema) },
    handle({ identity, actor, body, services: { db } }) {
      const known = organisationPeople(db, identity.orgId).find((p) => p.email.toLowerCase() === body.email.toLowerCase());
      if (!known || !known.roles.includes(body.role)) throw new ProblemError('not-found', `${body.email} is not an ${body.role} of this organisation`);
      removeMember(db, identity.orgId, body.email, body.role, actor);
      return ok({ items: organisationPeople(db, identity.orgId) });
    },
  }),
];
