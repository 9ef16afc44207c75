// Plain JavaScript on purpose: it runs before anything can load TypeScript.
//
// Bundles a TypeScript entry with esbuild into one JavaScript file, kept in
// a cache directory under a name derived from every source file's path, size
// and modification time, so an edited source is rebuilt on the next run and
// an unchanged one costs a few stat calls.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Every .ts file under `dir`, sorted. */
function sources(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sources(path));
    else if (entry.name.endsWith('.ts')) found.push(path);
  }
  return found.sort();
}

/** A short hash naming the state of every source under `root`. */
export function fingerprint(root, extra = '') {
  const hash = createHash('sha256').update(extra);
  for (const path of sources(root)) {
    const { size, mtimeMs } = statSync(path);
    hash.update(`${relative(root, path)}\0${size}\0${mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The URL of `entry` bundled into `cacheDir` (built when missing), for
 * `import()`. Packages stay external: they are plain JavaScript already.
 * The file is written under a temporary name and renamed, so two processes
 * building at once never see half a file; older builds of the entry are removed.
 */
export async function bundledEntry({ root, entry, cacheDir }) {
  // The version from package.json: loading esbuild itself costs more than the whole check.
  const { version } = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('esbuild/package.json'), 'utf8'));
  const name = basename(entry).replace(/\.ts$/, '');
  const file = join(cacheDir, `${name}-${fingerprint(root, `${version}\0${entry}`)}.mjs`);
  try {
    statSync(file);
    return pathToFileURL(file).href;
  } catch {
    // not built yet
  }
  const { build } = await import('esbuild');
  mkdirSync(cacheDir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await build({
    entryPoints: [entry],
    outfile: temporary,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  });
  for (const old of readdirSync(cacheDir)) {
    if (old.startsWith(`${name}-`) && old.endsWith('.mjs') && join(cacheDir, old) !== file) rmSync(join(cacheDir, old), { force: true });
  }
  renameSync(temporary, file);
  return pathToFileURL(file).href;
}
