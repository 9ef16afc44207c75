#!/usr/bin/env node
// The `leakwatch` executable: runs the TypeScript sources through tsx, so a
// clone works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
