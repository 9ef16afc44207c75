/**
 * Every error the API answers is an RFC 9457 problem document
 * (`application/problem+json`): a `type` naming the kind of problem, a
 * `title` for it, the `status`, a `detail` for this occurrence and, for
 * refused input, `errors` naming each bad field.
 */
import { z } from 'zod';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One refused field: `field` is its name (`ownerEmail`, `limit`, `cursor`), dotted inside objects. */
export const fieldErrorSchema = z.object({
  field: z.string(),
  message: z.string(),
  /** For a CSV import: the 1-based line of the file (1 is the header). */
  row: z.int().optional(),
  /** For a CSV import: the documented column, empty for the whole row. */
  column: z.string().optional(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  errors: z.array(fieldErrorSchema),
});
export type Problem = z.infer<typeof problemSchema>;

/** The kinds of problem, each with its status and title; `type` is `…/problems/<kind>`. */
export const PROBLEMS = {
  'invalid-request': { status: 400, title: 'The request is not valid' },
  unauthorized: { status: 401, title: 'A valid API token is needed' },
  forbidden: { status: 403, title: "The token's scope does not allow this" },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'The request body has the wrong content type' },
  unprocessable: { status: 422, title: 'The request cannot be carried out' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Something went wrong on our side' },
} as const;
export type ProblemKind = keyof typeof PROBLEMS;

/** Where the problem kinds are described (relative URIs are allowed by RFC 9457; these name the API's own). */
const TYPE_BASE = '/api/problems/';

/** Thrown by a handler (or its checks) to answer with a problem. */
export class ProblemError extends Error {
  override name = 'ProblemError';
  readonly kind: ProblemKind;
  readonly errors: FieldError[];
  readonly headers: Record<string, string>;

  constructor(kind: ProblemKind, detail: string, options: { errors?: FieldError[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(detail, { cause: options.cause });
    this.kind = kind;
    this.errors = options.errors ?? [];
    this.headers = options.headers ?? {};
  }
}

export function problemBody(kind: ProblemKind, detail: string, errors: FieldError[] = []): Problem {
  const { status, title } = PROBLEMS[kind];
  return { type: `${TYPE_BASE}${kind}`, title, status, detail, errors };
}

/** The problem as a response: body, status, content type, and any headers it carries (Retry-After, WWW-Authenticate). */
export function problemResponse(kind: ProblemKind, detail: string, options: { errors?: FieldError[]; headers?: Record<string, string> } = {}): Response {
  const body = problemBody(kind, detail, options.errors);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...options.headers },
  });
}

/** A refused field list from zod's issues; `root` names the field when the issue is about the whole value. */
export function fieldErrors(error: z.ZodError, root: string): FieldError[] {
  return error.issues.flatMap((issue) => {
    const name = (path: readonly PropertyKey[]) => (path.length === 0 ? root : path.map(String).join('.'));
    // An unknown field is named itself, not the object it was found in.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ field: name([...issue.path, key]), message: 'not a field of this request' }));
    return [{ field: name(issue.path), message: issue.message }];
  });
}
