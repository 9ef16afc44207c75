// Loaded with `node --import` into a process under test: prints its peak
// resident set size (KiB, from getrusage) on stderr as it exits.
import { writeSync } from 'node:fs';

process.on('exit', () => writeSync(2, `max-rss-kib ${process.resourceUsage().maxRSS}\n`));
