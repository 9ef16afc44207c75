#!/usr/bin/env node
// Benchmark of `leakwatch scan` as a whole process (npm run bench:extract).
//
// 1. Builds the corpus with bench/make-corpus.mjs (--posts 200000, seed 42).
// 2. Times `leakwatch scan` over it and checks the output against the
//    planted labels: recall and false positives.
// 3. Where ripgrep is installed, times `rg -c` counting meeting hosts in the
//    same file: a practical floor for reading the text.
//    Also times bench/json-floor.mjs, a Node.js process that only reads the
//    file and JSON.parses every line: the floor for any Node.js scanner.
// 4. Repeats the corpus to about 1 GB and measures scan's peak RSS on it,
//    which shows the scan streams instead of loading its input.
// Prints one JSON line per figure.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'out');
const BIN = join(HERE, '..', 'src', 'cli', 'bin.js');
const POSTS = Number(process.env.BENCH_POSTS ?? 200_000);
const BIG_BYTES = Number(process.env.BENCH_BIG_BYTES ?? 1024 ** 3);
mkdirSync(OUT, { recursive: true });

function emit(figure) {
  console.log(JSON.stringify({ bench: 'extract', ...figure }));
}

/** Runs a command, returning wall time, peak RSS (from /proc, polled) and exit code. */
function measure(command, args, { stdoutFile } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', stdoutFile ? 'pipe' : 'ignore', 'pipe'] });
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {
        // the process has just exited
      }
    }, 20);
    if (stdoutFile) child.stdout.pipe(createWriteStream(stdoutFile));
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMb: peakKb / 1024, code, stderr });
    });
  });
}

async function readJsonLines(file) {
  const rows = [];
  for await (const line of createInterface({ input: createReadStream(file) })) if (line) rows.push(JSON.parse(line));
  return rows;
}

const corpus = join(OUT, `corpus-${POSTS}.jsonl`);
const labelsFile = join(OUT, `labels-${POSTS}.jsonl`);
if (!existsSync(corpus) || !existsSync(labelsFile)) {
  const made = spawnSync(process.execPath, [join(HERE, 'make-corpus.mjs'), '--posts', String(POSTS), '--out', corpus, '--labels', labelsFile], { stdio: 'inherit' });
  if (made.status !== 0) throw new Error('make-corpus.mjs failed');
}
const bytes = statSync(corpus).size;

const refsFile = join(OUT, 'refs.jsonl');
// Once untimed: the first scan after a source change builds the cached bundle it starts from.
spawnSync(process.execPath, [BIN, 'scan', '--plain'], { input: '' });
const scan = await measure(process.execPath, [BIN, 'scan', corpus], { stdoutFile: refsFile });
if (scan.code !== 0) throw new Error(`leakwatch scan exited ${scan.code}: ${scan.stderr}`);
const key = (r) => `${r.post}\t${r.platform}\t${r.meetingId}`;
const labels = await readJsonLines(labelsFile);
const found = await readJsonLines(refsFile);
const foundKeys = new Set(found.map(key));
const labelKeys = new Set(labels.map(key));
const missed = labels.filter((l) => !foundKeys.has(key(l)));
const falsePositives = found.filter((r) => !labelKeys.has(key(r)));
const wrongPasscode = labels.filter((l) => found.some((r) => key(r) === key(l) && (r.passcode ?? null) !== (l.passcode ?? null)));

emit({ figure: 'scan_mb_per_s', value: +(bytes / 1e6 / scan.seconds).toFixed(1), unit: 'MB/s', bytes, seconds: +scan.seconds.toFixed(3) });
emit({ figure: 'scan_posts_per_s', value: Math.round(POSTS / scan.seconds), unit: 'posts/s', posts: POSTS });
emit({ figure: 'scan_peak_rss', value: +scan.peakRssMb.toFixed(1), unit: 'MB', inputMb: +(bytes / 1e6).toFixed(1) });
emit({ figure: 'recall', value: +((labels.length - missed.length) / labels.length).toFixed(4), planted: labels.length, missed: missed.length, examples: missed.slice(0, 3) });
emit({ figure: 'false_positives', value: falsePositives.length, examples: falsePositives.slice(0, 3) });
emit({ figure: 'wrong_passcodes', value: wrongPasscode.length, examples: wrongPasscode.slice(0, 3) });

const rg = spawnSync('rg', ['--version']);
if (rg.status === 0) {
  const hosts = 'zoom\\.us|zoomgov\\.com|meet\\.google\\.com|teams\\.microsoft\\.com|teams\\.live\\.com|webex\\.com|meet\\.jit\\.si|goto\\.com|bluejeans\\.com|chime\\.aws|whereby\\.com';
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push((await measure('rg', ['-c', hosts, corpus])).seconds);
  const rgSeconds = Math.min(...runs);
  emit({ figure: 'scan_vs_rg', value: +(scan.seconds / rgSeconds).toFixed(2), unit: 'x', scanSeconds: +scan.seconds.toFixed(3), rgSeconds: +rgSeconds.toFixed(3) });
} else {
  emit({ figure: 'scan_vs_rg', value: null, note: 'rg not installed' });
}
// A Node.js floor: one thread reading the file and JSON.parse-ing every line (bench/json-floor.mjs).
const floorRuns = [];
for (let i = 0; i < 3; i++) floorRuns.push((await measure(process.execPath, [join(HERE, 'json-floor.mjs'), corpus])).seconds);
const floorSeconds = Math.min(...floorRuns);
emit({ figure: 'scan_vs_node_json_parse', value: +(scan.seconds / floorSeconds).toFixed(2), unit: 'x', scanSeconds: +scan.seconds.toFixed(3), nodeSeconds: +floorSeconds.toFixed(3) });

if (BIG_BYTES > 0) {
  const big = join(OUT, `corpus-${BIG_BYTES}.jsonl`);
  if (!existsSync(big) || statSync(big).size < BIG_BYTES) {
    const source = readFileSync(corpus);
    const out = createWriteStream(big);
    for (let written = 0; written < BIG_BYTES; written += source.length) {
      if (!out.write(source)) await new Promise((resolve) => out.once('drain', resolve));
    }
    await new Promise((resolve) => out.end(resolve));
  }
  const bigBytes = statSync(big).size;
  const run = await measure(process.execPath, [BIN, 'scan', big]);
  if (run.code !== 0) throw new Error(`leakwatch scan exited ${run.code} on the large input: ${run.stderr}`);
  emit({ figure: 'scan_peak_rss_large', value: +run.peakRssMb.toFixed(1), unit: 'MB', inputMb: +(bigBytes / 1e6).toFixed(1), mbPerS: +(bigBytes / 1e6 / run.seconds).toFixed(1) });
}
