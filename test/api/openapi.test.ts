import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/api/routes.js';
import { apiFixture, EXAMPLE_BODIES, idFor, type ApiFixture } from '../support/api.js';
import { startDnsServer, type DnsTestServer } from '../support/dns-server.js';
import { VERIFICATION } from '../support/store.js';

let dns: DnsTestServer;
beforeAll(async () => (dns = await startDnsServer()));
afterAll(() => dns.close());

/** The fixture, its DNS on loopback, where A's pending domain carries its token. */
function fixture(): ApiFixture {
  const made = apiFixture({ verification: { ...VERIFICATION, dnsServers: [dns.address], dnsTimeoutMs: 300 } });
  dns.setTxt(`meet.${made.a.domain}`, [`leakwatch-verification=${made.a.dnsToken}`]);
  return made;
}

let f: ApiFixture;
beforeEach(() => (f = fixture()));
afterEach(() => f.cleanup());

type Schema = { type?: string | string[]; enum?: unknown[]; properties?: Record<string, Schema>; required?: string[]; additionalProperties?: boolean; maximum?: number; minimum?: number; maxLength?: number; minLength?: number };
type Operation = {
  operationId: string;
  security: unknown[];
  parameters: { name: string; in: string; required: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, unknown>;
};

async function documentOf(): Promise<{ openapi: string; paths: Record<string, Record<string, Operation>>; components: any }> {
  const answer = await f.call('GET', '/openapi.json', { token: null });
  expect(answer.status).toBe(200);
  return answer.body;
}

/** A value that breaks `schema` by its type (or enum, or bounds). */
function wrongValue(schema: Schema): unknown {
  if (schema.enum) return 'zz-not-one-of-them';
  const types = ([] as string[]).concat(schema.type ?? []);
  if (types.includes('string')) return 12345;
  if (types.includes('boolean')) return 'yes';
  if (types.includes('integer') || types.includes('number')) return 'many';
  return undefined;
}

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1 with the bearer scheme, served without a token', async () => {
    const document = await documentOf();
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(document.components.schemas.Problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'errors']));
  });

  it('lists every route the app serves, and no route it does not', async () => {
    const document = await documentOf();
    const served = f.app.routes
      .filter((r) => r.method !== 'ALL' && r.path.startsWith('/v1/'))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    expect(new Set(served)).toEqual(new Set(documented));
    expect(served.length).toBeGreaterThanOrEqual(14);
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) {
        expect(operation.security).toEqual([{ bearer: [] }]);
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '429', '500']));
      }
    }
    // Each path parameter of a path is documented.
    for (const [path, operations] of Object.entries(document.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const operation of Object.values(operations)) expect(operation.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(names);
    }
  });

  it('documents the very schemas requests are checked with: what breaks a documented body or query is refused, naming the field', async () => {
    const document = await documentOf();
    let refusals = 0;
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const route = ROUTES.find((r) => r.operationId === operation.operationId)!;
        const url = path.replace('{id}', String(route.params ? idFor(f.a, path) : 0));
        const send = (json: unknown, query = '') => f.call(method.toUpperCase(), `${url}${query}`, { json });
        const schema = operation.requestBody?.content['application/json']?.schema;
        if (schema) {
          const example = EXAMPLE_BODIES[operation.operationId]!.json as Record<string, unknown>;
          for (const field of schema.required ?? []) {
            const { [field]: _left, ...without } = example;
            const answer = await send(without);
            expect(answer.status, `${method} ${path} without ${field}`).toBe(400);
            expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
            refusals++;
          }
          for (const [field, property] of Object.entries(schema.properties ?? {})) {
            const wrong = wrongValue(property);
            if (wrong === undefined) continue;
            const answer = await send({ ...example, [field]: wrong });
            expect(answer.status, `${method} ${path} with ${field}: ${JSON.stringify(wrong)}`).toBe(400);
            expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
            refusals++;
            if (property.maxLength !== undefined) {
              const long = await send({ ...example, [field]: 'x'.repeat(property.maxLength + 1) });
              expect(long.status, `${method} ${path} with a long ${field}`).toBe(400);
              refusals++;
            }
          }
          if (schema.additionalProperties === false) {
            const extra = await send({ ...example, orgId: 2 });
            expect(extra.status, `${method} ${path} with orgId`).toBe(400);
            refusals++;
          }
        }
        for (const parameter of operation.parameters.filter((p) => p.in === 'query')) {
          const bad = parameter.schema.enum ? 'zz-none' : parameter.schema.maximum !== undefined ? String(parameter.schema.maximum + 1) : parameter.schema.maxLength !== undefined ? 'x'.repeat(parameter.schema.maxLength + 1) : undefined;
          if (bad === undefined) continue;
          const answer = await send(undefined, `?${parameter.name}=${encodeURIComponent(bad)}`);
          expect(answer.status, `${method} ${path}?${parameter.name}=${bad}`).toBe(400);
          expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual([parameter.name]);
          refusals++;
        }
      }
    }
    expect(refusals).toBeGreaterThan(30);
  });

  it('documents the answers: each route answers its documented success with its documented schema', async () => {
    for (const route of ROUTES) {
      f.cleanup();
      f = fixture();
      const path = route.path.replace('{id}', String(route.params ? idFor(f.a, route.path) : 0));
      const answer = await f.call(route.method.toUpperCase(), path, EXAMPLE_BODIES[route.operationId] ?? {});
      expect(answer.status, `${route.method} ${route.path}: ${answer.text}`).toBe(route.success.status);
      const parsed = route.success.schema.safeParse(answer.body);
      expect(parsed.success, `${route.method} ${route.path}: ${parsed.error?.message}`).toBe(true);
    }
  });
});
