/**
 * Worker threads for `scanStream`: each scans whole batches of lines with
 * {@link scanBatch}; the caller writes the results in input order. A batch's
 * bytes are copied into a buffer of their own and moved, not cloned, to the
 * worker.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { batchText, scanBatch, type BatchResult, type LineBatch } from './scan.js';

/** Marks a worker started by {@link ScanPool}; the worker entry checks it in `workerData`. */
export const SCAN_WORKER = 'leakwatch-scan-worker';

interface Job {
  id: number;
  bytes: Uint8Array;
  firstLine: number;
  start: boolean;
  plain: boolean;
  invalidUtf8: number[];
}

type Reply = { id: number; result: BatchResult } | { id: number; error: string };

interface Pending {
  resolve: (result: BatchResult) => void;
  reject: (error: Error) => void;
}

/** Answers {@link ScanPool} jobs on this worker thread. */
export function serveScanWorker(): void {
  const port = parentPort;
  if (port === null) throw new Error('serveScanWorker runs only on a worker thread');
  port.on('message', (job: Job) => {
    let reply: Reply;
    try {
      reply = { id: job.id, result: scanBatch(batchText(job.bytes, job.start), job.firstLine, job.plain, job.invalidUtf8) };
    } catch (error) {
      reply = { id: job.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(reply);
  });
}

/** A fixed set of scan workers, given batches in turn. */
export class ScanPool {
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #failure: Error | null = null;

  constructor(workerUrl: URL, size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(workerUrl, { workerData: { role: SCAN_WORKER }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      worker.on('message', (reply: Reply) => this.#answer(reply));
      worker.on('error', (error) => this.#fail(error));
      worker.on('exit', (code) => {
        if (this.#pending.size > 0) this.#fail(new Error(`scan worker stopped (exit ${code}) with batches unanswered`));
      });
      this.#workers.push(worker);
    }
  }

  /** How many batches may be in flight: two per worker keeps each busy while its last answer is written. */
  get capacity(): number {
    return this.#workers.length * 2;
  }

  run(batch: LineBatch, plain: boolean, invalidUtf8: number[] = []): Promise<BatchResult> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    const bytes = new Uint8Array(batch.bytes.length);
    bytes.set(batch.bytes);
    const job: Job = { id, bytes, firstLine: batch.firstLine, start: batch.start, plain, invalidUtf8 };
    return new Promise<BatchResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#workers[id % this.#workers.length]!.postMessage(job, [bytes.buffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #answer(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    if ('error' in reply) pending.reject(new Error(`scan worker failed: ${reply.error}`));
    else pending.resolve(reply.result);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
