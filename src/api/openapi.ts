/**
 * The OpenAPI 3.1 description of the API, generated from the route list and
 * its zod schemas (`z.toJSONSchema`): what is documented is what is checked.
 */
import { z } from 'zod';
import { PROBLEMS, problemSchema, type ProblemKind } from './problem.js';
import type { Route } from './routes.js';

type JsonSchema = Record<string, unknown>;

/** A request schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as the client must send it. */
export function requestJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return json;
}

function responseJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  return json;
}

/** The parameters of an object schema, one per property, `in` path or query. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (schema === undefined) return [];
  const json = requestJsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as { description?: string };
    return { name, in: where, required: where === 'path' || (json.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest };
  });
}

function problem(kind: ProblemKind, description: string): [string, JsonSchema] {
  return [String(PROBLEMS[kind].status), { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }];
}

function operation(route: Route): JsonSchema {
  const failures: [string, JsonSchema][] = [
    problem('unauthorized', 'no token, or one that is unknown or revoked'),
    ...(route.scope === 'write' ? [problem('forbidden', 'a read token on a route that changes things')] : []),
    ...(route.params || route.query || route.body ? [problem('invalid-request', 'a parameter or the body is not valid; `errors` names each bad field')] : []),
    ...(route.params ? [problem('not-found', 'no such resource in the organisation of the token')] : []),
    ...(route.body
      ? [problem('unsupported-media-type', `the body is not ${route.body.contentType}`), problem('payload-too-large', 'the body is over 1 MiB')]
      : []),
    ...(route.scope === 'write' ? [problem('unprocessable', 'valid, but cannot be done (already registered, not allowed from this status, …)')] : []),
    problem('rate-limited', 'too many requests from this token or address; Retry-After says when to try again'),
    problem('internal', 'a fault on our side; nothing was changed'),
  ];
  return {
    operationId: route.operationId,
    summary: route.summary,
    security: [{ bearer: [] }],
    'x-scope': route.scope,
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body
      ? { requestBody: { required: true, content: { [route.body.contentType]: { schema: requestJsonSchema(route.body.schema) } } } }
      : {}),
    responses: {
      [String(route.success.status)]: { description: route.success.description, content: { 'application/json': { schema: responseJsonSchema(route.success.schema) } } },
      ...Object.fromEntries(failures),
    },
  };
}

/** The whole document, for `GET /api/openapi.json`. Paths are as mounted: the dashboard serves the API under `/api`. */
export function openApiDocument(routes: readonly Route[], options: { version: string; serverUrl?: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'leakwatch API',
      version: options.version,
      description:
        "Read and manage one organisation's identifiers, meetings and leaks. Every call carries `Authorization: Bearer <token>` " +
        '(`leakwatch token create`); a token sees only its own organisation. Errors are RFC 9457 problem documents.',
    },
    servers: [{ url: options.serverUrl ?? '/api' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API token, `lw_…`' } },
      schemas: { Problem: responseJsonSchema(problemSchema) },
    },
  };
}
