/**
 * Errors that decide what the process does next. Every message names the bad
 * value and where it came from, so the operator can fix it without reading code.
 */

/** The configuration is unusable; the process stops at start-up with EX_CONFIG (78). */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly exitCode = 78;
  /** One line per problem, each `path: what is wrong`. */
  readonly problems: string[];

  constructor(problems: string[], options?: ErrorOptions) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`, options);
    this.problems = problems;
  }
}

/** The command line is wrong; usage goes to stderr and the process exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = 2;
}

/**
 * The database cannot be used as it is (newer schema than this code, missing
 * file, failed migration). Nothing in it was changed.
 */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
  readonly exitCode = 1;
}

/**
 * Input that is well-formed on the command line but wrong for leakwatch: an
 * invalid domain, a duplicate registration, an unknown organisation. Nothing
 * was changed.
 */
export class InputError extends Error {
  override name = 'InputError';
  readonly exitCode = 1;
}

/**
 * An {@link InputError} for a thing that does not exist, or is not the
 * caller's to see (another organisation's meeting or leak): the two are one
 * answer, so that nothing confirms what another organisation has.
 */
export class NotFoundError extends InputError {
  override name = 'NotFoundError';
}
