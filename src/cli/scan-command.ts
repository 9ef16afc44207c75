import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { scanStream, type ScanParallelism } from '../extract/scan.js';
import { UsageError } from '../errors.js';
import type { Io } from './context.js';

export interface ScanCommandOptions {
  plain?: boolean;
  /** Worker threads for large inputs (only the bundled entry can start them; see scan-entry.ts). */
  parallel?: ScanParallelism;
}

/**
 * `leakwatch scan [FILE...]` (DESIGN.md §3): one JSON line per meeting
 * reference on stdout. Exit 0 when every line was read, 1 when any line was
 * malformed (each reported on stderr with its line number, and skipped).
 */
export async function scanCommand(files: string[], options: ScanCommandOptions, io: Io): Promise<number> {
  const inputs = files.length > 0 ? files : ['-'];
  if (inputs.filter((file) => file === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
  for (const file of inputs) {
    if (file === '-') continue;
    try {
      await access(file, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code}`);
    }
  }

  let malformed = 0;
  for (const file of inputs) {
    const input = file === '-' ? io.stdin : createReadStream(file);
    // With several inputs, say which one a malformed line is in.
    const errors = inputs.length > 1 ? prefixLines(io.stderr, `${file === '-' ? 'stdin' : file}: `) : io.stderr;
    const summary = await scanStream(input, io.stdout, errors, { plain: options.plain ?? false, ...(options.parallel ? { parallel: options.parallel } : {}) });
    malformed += summary.malformed;
  }
  return malformed > 0 ? 1 : 0;
}

function prefixLines(target: NodeJS.WritableStream, prefix: string): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const text = String(chunk);
      target.write(text.replace(/^(?=.)/gm, prefix));
      done();
    },
  });
}
