import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without type declarations
import { bundledEntry, fingerprint } from '../../src/cli/bundle-cache.js';
import { tempDir } from '../support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function project(value: string): { root: string; entry: string; cacheDir: string } {
  const root = join(dir, 'src');
  mkdirSync(join(root, 'lib'), { recursive: true });
  writeFileSync(join(root, 'lib', 'value.ts'), `export const value: string = ${JSON.stringify(value)};\n`);
  writeFileSync(join(root, 'entry.ts'), "import { value } from './lib/value.js';\nexport const answer = (): string => value;\n");
  return { root, entry: join(root, 'entry.ts'), cacheDir: join(dir, 'cache') };
}

describe('bundledEntry', () => {
  it('bundles a TypeScript entry and its imports into one importable file', async () => {
    const options = project('first');
    const url = (await bundledEntry(options)) as string;
    const module = (await import(url)) as { answer: () => string };
    expect(module.answer()).toBe('first');
    expect(readdirSync(options.cacheDir)).toEqual([url.split('/').at(-1)]);
  });

  it('reuses the build while no source changes, and rebuilds (removing the old one) when one does', async () => {
    const options = project('first');
    const first = (await bundledEntry(options)) as string;
    expect(await bundledEntry(options)).toBe(first);

    writeFileSync(join(options.root, 'lib', 'value.ts'), 'export const value: string = "second";\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(join(options.root, 'lib', 'value.ts'), later, later);
    const second = (await bundledEntry(options)) as string;
    expect(second).not.toBe(first);
    expect(((await import(second)) as { answer: () => string }).answer()).toBe('second');
    expect(existsSync(fileURLToPath(first))).toBe(false);
  });

  it('fingerprints every source, including nested ones', () => {
    const { root } = project('first');
    const before = fingerprint(root) as string;
    writeFileSync(join(root, 'lib', 'more.ts'), 'export {};\n');
    expect(fingerprint(root)).not.toBe(before);
  });
});
