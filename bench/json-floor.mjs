#!/usr/bin/env node
// The least any Node.js program must do to read JSON Lines posts: stream the
// file, decode it, cut it into lines and JSON.parse each one, on one thread.
// bench/extract.mjs times it as a floor for `leakwatch scan` next to rg's.
import { createReadStream } from 'node:fs';

let carry = '';
let posts = 0;
for await (const chunk of createReadStream(process.argv[2], { encoding: 'utf8', highWaterMark: 1 << 20 })) {
  const lines = (carry + chunk).split('\n');
  carry = lines.pop() ?? '';
  for (const line of lines) if (line.length > 0 && JSON.parse(line).text !== undefined) posts++;
}
if (carry.length > 0 && JSON.parse(carry).text !== undefined) posts++;
process.stdout.write(`${posts}\n`);
