import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Paths pino replaces with `[redacted]` wherever they appear in a log line.
 * Secrets never reach a log even when a whole config or request is logged.
 */
export const REDACT_PATHS = [
  'secrets',
  '*.secrets',
  'password',
  '*.password',
  'passcode',
  '*.passcode',
  'token',
  '*.token',
  'smtpUrl',
  '*.smtpUrl',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  // Platform connections: an app's secret, and the access tokens it is exchanged for.
  'secret',
  '*.secret',
  'clientSecret',
  '*.clientSecret',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
];

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Where log lines go; defaults to stderr so stdout stays for command output. */
  destination?: NodeJS.WritableStream;
  /** Human-readable lines; defaults to whether the destination is a terminal. */
  pretty?: boolean;
}

/** JSON lines on stderr, pretty only on a terminal, secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stderr;
  const isTerminal = (destination as NodeJS.WriteStream).isTTY === true;
  const stream = (options.pretty ?? isTerminal)
    ? pretty({ destination: destination as NodeJS.WritableStream & { fd?: number }, colorize: isTerminal, sync: true })
    : destination;
  return pino(
    {
      name: 'leakwatch',
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    stream,
  );
}
