/**
 * `leakwatch scan` without the rest of the CLI: the executable loads this
 * entry, bundled once into plain JavaScript (see `bundle-cache.js`), so a
 * scan starts in a tenth of the time the TypeScript sources take to load.
 *
 * Only the plain forms are handled here — `scan [--plain] [--] [FILE|-]...`
 * with readable files. Anything else (help, other flags, an unreadable file)
 * returns null before any input is read, and the full program handles it,
 * so messages and exit statuses are the same either way.
 *
 * `import.meta.url` is the bundle's own file, which is what the scan workers
 * are started from; through tsx (the full program) scans stay on one thread.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, workerData } from 'node:worker_threads';
import { UsageError } from '../errors.js';
import { SCAN_WORKER, serveScanWorker } from '../extract/scan-pool.js';
import type { Io } from './context.js';
import { scanCommand } from './scan-command.js';

// Being one JavaScript file, the bundle is also the scan workers' entry: large inputs are scanned
// on worker threads (two at most).
if (!isMainThread && (workerData as { role?: unknown } | null)?.role === SCAN_WORKER) serveScanWorker();

/** The exit status of a plain scan, or null when the full program must handle `argv`. */
const MAX_WORKERS = 2;

export async function runScan(argv: readonly string[], io: Io): Promise<number | null> {
  if (argv[0] !== 'scan') return null;
  const files: string[] = [];
  let plain = false;
  let operands = false;
  for (const arg of argv.slice(1)) {
    if (operands || arg === '-' || !arg.startsWith('-')) files.push(arg);
    else if (arg === '--') operands = true;
    else if (arg === '--plain') plain = true;
    else return null;
  }
  try {
    // Two at most: each worker holds its own heap (~35 MB), and a scan must stay within 200 MB of
    // memory whatever the machine; past two, the main thread's reading and writing is the limit anyway.
    const workers = Math.min(MAX_WORKERS, availableParallelism());
    const parallel = workers > 1 ? { workerUrl: new URL(import.meta.url), workers } : undefined;
    return await scanCommand(files, { plain, ...(parallel ? { parallel } : {}) }, io);
  } catch (error) {
    if (error instanceof UsageError) return null;
    io.stderr.write(`leakwatch: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
