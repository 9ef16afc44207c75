#!/usr/bin/env node
// The `leakwatch` executable: runs the TypeScript sources through tsx, so a
// clone works right after `npm ci` with no build step. `scan`, which is run
// over large files and from other programs' pipelines, starts from a cached
// JavaScript bundle instead (src/cli/bundle-cache.js), falling back to the
// full program for anything but its plain forms.
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);

async function fastScan() {
  try {
    const { bundledEntry } = await import('./bundle-cache.js');
    const url = await bundledEntry({
      root: fileURLToPath(new URL('..', import.meta.url)),
      entry: fileURLToPath(new URL('./scan-entry.ts', import.meta.url)),
      cacheDir: fileURLToPath(new URL('../../node_modules/.cache/leakwatch', import.meta.url)),
    });
    return (await import(url)).runScan;
  } catch {
    return null; // no esbuild or no writable cache: the full program scans as well, only slower to start
  }
}

if (argv[0] === 'scan') {
  const runScan = await fastScan();
  const status = runScan === null ? null : await runScan(argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  if (status !== null) process.exitCode = status;
}
if (process.exitCode === undefined) {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  process.exitCode = await main(argv);
}
