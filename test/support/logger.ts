import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.js';

/** A debug-level JSON logger whose lines the test can read. */
export function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger({ level: 'debug', destination, pretty: false }), lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
