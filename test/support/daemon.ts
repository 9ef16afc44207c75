/**
 * `leakwatch run` as a child process, as an operator runs it: its JSON log
 * lines collected as they come, resolved once it says it is running.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BIN, cleanEnv } from './cli.js';

export interface Running {
  child: ChildProcessWithoutNullStreams;
  lines: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `leakwatch run` and resolves once it logs that it is running. */
export function startDaemon(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Running> {
  // Port 0: the web endpoint takes any free port, so tests never collide on 8080.
  return watchDaemon(spawn(process.execPath, [BIN, 'run', ...args], { cwd, env: cleanEnv({ LEAKWATCH_WEB__PORT: '0', ...env }) }));
}

/** Collects the log of a running leakwatch (itself or through npm) and resolves once it is running. */
export function watchDaemon(child: ChildProcessWithoutNullStreams): Promise<Running> {
  const lines: Record<string, unknown>[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      for (const line of complete) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (entry.msg === 'leakwatch running') resolve({ child, lines, exited });
      }
    });
    exited.then(({ code }) => reject(new Error(`leakwatch run exited with ${code} before running: ${JSON.stringify(lines)}`)));
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
