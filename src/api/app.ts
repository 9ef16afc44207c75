/**
 * The JSON API (DESIGN.md §10) as a Hono app that listens nowhere: the
 * dashboard mounts it with `app.route('/api', createApiApp(deps))`, and
 * tests call `app.request()`.
 *
 * | path (inside the mount) | what |
 * | --- | --- |
 * | `GET /openapi.json` | the OpenAPI 3.1 description (no token needed) |
 * | `/v1/...` | the routes of `routes.ts`, each with `Authorization: Bearer <token>` |
 *
 * A token sees its own organisation only: an id of another organisation's
 * anything is not found (404), exactly as an id that does not exist. Every
 * error is an RFC 9457 problem document; nothing a client sends ends the
 * process.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { InputError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { Matcher, type MatchSettings } from '../match/matcher.js';
import { Registration } from '../match/registration.js';
import type { VerificationSettings } from '../registry/identifiers.js';
import { CsvImportError } from '../registry/meeting-import.js';
import type { Db } from '../store/database.js';
import { openApiDocument } from './openapi.js';
import { fieldErrors, ProblemError, problemResponse } from './problem.js';
import { type BucketOptions, TokenBuckets } from './rate-limit.js';
import { type Route, ROUTES, type RouteServices } from './routes.js';
import { MAX_BODY_BYTES, noQuery } from './schemas.js';
import { authenticate, type TokenIdentity } from './tokens.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export interface ApiDeps {
  db: Db;
  log: Logger;
  /** Default: the system clock. */
  clock?: () => Date;
  /**
   * What follows a registration (retro-hunt, alerts waiting for a domain).
   * Pass the daemon's, so that its matcher learns what the API registers.
   * Default: a new matcher on `db` with the shipped matching settings.
   */
  registration?: Registration;
  /**
   * `verificationSettingsFrom(config)`, as the CLI uses. Default: the
   * shipped verification settings (system resolvers, 72-hour tokens).
   */
  verification?: VerificationSettings;
  /** Requests per token. Default 120 at once, 10 a second after. */
  perToken?: BucketOptions;
  /** Requests per client address (counted before the token is read). Default 300 at once, 20 a second after. */
  perAddress?: BucketOptions;
  /**
   * The client address the per-address limit counts. Default: the
   * connection's (`@hono/node-server`'s `incoming` socket), `unknown` when
   * there is none. Behind a proxy, pass the dashboard's reading of it.
   */
  clientAddress?: (c: Context<ApiEnv>) => string;
}

const DEFAULT_MATCHING: MatchSettings = { startingSoonHours: 24, repeatedPosts: 3 };
const DEFAULT_VERIFICATION: VerificationSettings = { tokenTtlHours: 72, dnsTimeoutMs: 5000, publicUrl: 'http://localhost:8080' };

export type ApiEnv = { Bindings: { incoming?: IncomingMessage }; Variables: { identity: TokenIdentity } };

/** The connection's address, as `@hono/node-server` hands over the request. */
function connectionAddress(c: Context<ApiEnv>): string {
  return c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** Builds the API. Nothing listens: mount it, or call `request()`. */
export function createApiApp(deps: ApiDeps): Hono<ApiEnv> {
  const clock = deps.clock ?? (() => new Date());
  const services: RouteServices = {
    db: deps.db,
    registration: deps.registration ?? new Registration(deps.db, new Matcher(deps.db, DEFAULT_MATCHING)),
    verification: deps.verification ?? DEFAULT_VERIFICATION,
    now: clock,
  };
  const log = deps.log;
  const byToken = new TokenBuckets(deps.perToken ?? { burst: 120, perSecond: 10 });
  const byAddress = new TokenBuckets(deps.perAddress ?? { burst: 300, perSecond: 20 });
  const clientAddress = deps.clientAddress ?? connectionAddress;
  const document = openApiDocument(ROUTES, { version });

  const app = new Hono<ApiEnv>();

  app.onError(function answerError(error, c) {
    if (error instanceof ProblemError) return problemResponse(error.kind, error.message, { errors: error.errors, headers: error.headers });
    if (error instanceof NotFoundError) return problemResponse('not-found', error.message);
    if (error instanceof CsvImportError) {
      return problemResponse('unprocessable', `nothing imported: ${error.problems.length} problem(s) in the file`, {
        // The offending text is left out: it may be a passcode.
        errors: error.problems.map((p) => ({ field: p.column === '' ? 'row' : p.column, row: p.row, column: p.column, message: p.message })),
      });
    }
    if (error instanceof InputError) return problemResponse('unprocessable', error.message);
    log.error({ err: error, method: c.req.method, path: c.req.path }, 'API request failed');
    return problemResponse('internal', 'the request failed on our side; it was logged, and nothing it asked for was done');
  });

  app.notFound(function answerNotFound(c) {
    return problemResponse('not-found', `no route ${c.req.method} ${c.req.path}`);
  });

  app.use('*', function limitByAddress(c, next) {
    const spent = byAddress.spend(clientAddress(c), clock().getTime());
    if (!spent.allowed) return Promise.resolve(tooMany(spent.retryAfterSecs, 'this address'));
    return next();
  });

  app.get('/openapi.json', function serveOpenApi(c) {
    return c.json(document);
  });

  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: function bodyTooLarge() {
        return problemResponse('payload-too-large', `the request body is over ${MAX_BODY_BYTES} bytes`);
      },
    }),
    requireToken,
  );

  /** Who the request speaks for; 401 for anything but a live token, then the token's own limit. */
  async function requireToken(c: Context<ApiEnv>, next: () => Promise<void>): Promise<Response | void> {
    const identity = authenticate(deps.db, c.req.header('authorization'), clock());
    if (identity === null) {
      const given = c.req.header('authorization') !== undefined;
      return problemResponse('unauthorized', given ? 'the API token is unknown, revoked or malformed' : 'send an API token: Authorization: Bearer <token>', {
        headers: { 'www-authenticate': given ? 'Bearer error="invalid_token"' : 'Bearer' },
      });
    }
    const spent = byToken.spend(`token:${identity.tokenId}`, clock().getTime());
    if (!spent.allowed) return tooMany(spent.retryAfterSecs, 'this token');
    c.set('identity', identity);
    await next();
    // An organisation's data: no shared cache keeps it.
    c.res.headers.set('cache-control', 'no-store');
  }

  for (const route of ROUTES) app.on(route.method.toUpperCase(), route.path.replace(/\{(\w+)\}/g, ':$1'), serve(route));
  // Mounted with `app.route()`, a sub-app's notFound is not asked (the parent's is): this answers for it.
  // A path of the API asked with a method it does not take is 405 with the methods it does (RFC 9110 §15.5.6).
  const shapes = ROUTES.map((route) => ({ method: route.method.toUpperCase(), path: new RegExp(`(?:^|/api)${route.path.replace(/\{\w+\}/g, '[^/]+')}/?$`) }));
  app.all('*', function noRoute(c) {
    const allowed = [...new Set(shapes.filter((shape) => shape.path.test(c.req.path)).map((shape) => shape.method))];
    if (allowed.length > 0) {
      return problemResponse('method-not-allowed', `${c.req.path} takes ${allowed.join(', ')}, not ${c.req.method}`, { headers: { allow: allowed.join(', ') } });
    }
    return problemResponse('not-found', `no route ${c.req.method} ${c.req.path}`);
  });

  /** The handler of one route: scope, parameters, query and body checked in that order, then the route's own work. */
  function serve(route: Route): MiddlewareHandler<ApiEnv> {
    return async function serveRoute(c) {
      const identity = c.get('identity');
      if (route.scope === 'write' && identity.scope !== 'write') {
        throw new ProblemError('forbidden', `${route.method.toUpperCase()} ${route.path} needs a write token; this one is read-only`);
      }
      let params: unknown;
      if (route.params) {
        const parsed = route.params.safeParse(c.req.param());
        // A path that names no number names no resource.
        if (!parsed.success) throw new ProblemError('not-found', `no resource ${c.req.path}`);
        params = parsed.data;
      }
      const query = parseOrRefuse(route.query ?? noQuery, c.req.query(), 'query');
      const body = route.body ? await readBody(c, route.body) : undefined;
      const answer = await route.handle({ identity, actor: `api-token:${identity.tokenId}`, params, query, body, services });
      return c.json(answer.body as object, answer.status);
    };
  }

  return app;
}

function tooMany(retryAfterSecs: number, who: string): Response {
  return problemResponse('rate-limited', `too many requests from ${who}; try again in ${retryAfterSecs} s`, { headers: { 'retry-after': String(retryAfterSecs) } });
}

function parseOrRefuse(schema: z.ZodType, value: unknown, root: string): unknown {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error, root);
    throw new ProblemError('invalid-request', `${errors.length} invalid field(s): ${errors.map((e) => e.field).join(', ')}`, { errors });
  }
  return parsed.data;
}

async function readBody(c: Context<ApiEnv>, expected: NonNullable<Route['body']>): Promise<unknown> {
  const given = c.req.header('content-type') ?? '';
  const mediaType = given.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== expected.contentType) {
    throw new ProblemError('unsupported-media-type', `send the body as ${expected.contentType}${given ? `, not ${given.slice(0, 100)}` : ''}`, {
      headers: { accept: expected.contentType },
    });
  }
  const text = await c.req.text();
  if (expected.contentType === 'text/csv') return parseOrRefuse(expected.schema, text, 'body');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProblemError('invalid-request', `the body is not JSON: ${(error as Error).message}`, { errors: [{ field: 'body', message: 'malformed JSON' }] });
  }
  return parseOrRefuse(expected.schema, json, 'body');
}
