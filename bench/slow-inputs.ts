// Inputs that once blocked the thread for seconds (npm run bench:slow-inputs).
//
// Times `extractRefs` and `htmlToText` on each reproduction (best of three
// calls after a warm-up), and `leakwatch scan --plain` as a whole process on
// a post of 100 kB of commas. Each figure should stay in milliseconds; a
// super-linear pattern shows up as seconds.
// Prints one JSON line per figure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { htmlToText } from '../src/crawl/html.js';
import { extractRefs } from '../src/extract/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'out');
const BIN = join(HERE, '..', 'src', 'cli', 'bin.js');
mkdirSync(OUT, { recursive: true });

function emit(figure: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'slow-inputs', ...figure }));
}

function bestMs(run: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return +best.toFixed(1);
}

const rep = (piece: string, length: number) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length);
const LINK = 'https://zoom.us/j/84512397261';

const texts: Record<string, string> = {
  link_and_40000_commas: `${LINK} ${','.repeat(40_000)}`,
  link_and_100kb_commas: `${LINK} ${','.repeat(100_000)}`,
  link_and_comma_word_list_100kb: `${LINK} ${rep('a,', 100_000)}`,
  link_and_spaced_dot_word_list_100kb: `${LINK} ${rep('a . ', 100_000)}`,
  links_with_1000_label_hosts_100kb: Array.from({ length: 50 }, (_, i) => `https://${'a.'.repeat(1_000)}${i}.zoom.us/j/84512397261`).join(' '),
  zero_width_300k_around_link: `${'\u200b'.repeat(150_000)}${LINK}${'\u200b'.repeat(150_000)}`,
};
const pages: Record<string, string> = {
  nested_div_20000: `${'<div>'.repeat(20_000)}x${'</div>'.repeat(20_000)}`,
  nested_div_100000: `${'<div>'.repeat(100_000)}x${'</div>'.repeat(100_000)}`,
  br_1mib: rep('<br>', 1 << 20),
  unclosed_li_1mib: rep('<li>x', 1 << 20),
  table_foster_1mib: `<table>${rep('x<i></i>', 1 << 20)}`,
  tag_with_80000_attributes: `<a ${Array.from({ length: 80_000 }, (_, i) => `a${i}=1`).join(' ')}>x</a>`,
  ordinary_markup_1mib: rep(`<p>Class moved online: <a href="${LINK}">join</a> at 10.<br>Bring notes.</p>`, 1 << 20),
};

for (let i = 0; i < 20; i++) {
  extractRefs(`${LINK} +16465588656,,84512397261#,,,,*662810# a,b a . b `.repeat(50));
  htmlToText(`<p>a <a href="${LINK}">x</a><br>b<wbr>c</p>`.repeat(50));
}
for (const [figure, text] of Object.entries(texts)) {
  emit({ figure: `extract_${figure}`, value: bestMs(() => extractRefs(text)), unit: 'ms', chars: text.length });
}
for (const [figure, html] of Object.entries(pages)) {
  emit({ figure: `html_${figure}`, value: bestMs(() => htmlToText(html)), unit: 'ms', chars: html.length });
}

const post = join(OUT, 'commas-100kb.txt');
writeFileSync(post, `${LINK} ${','.repeat(100_000)}\n`);
spawnSync(process.execPath, [BIN, 'scan', '--plain'], { input: '' }); // builds the cached bundle scan starts from
const t0 = performance.now();
const scan = spawnSync(process.execPath, [BIN, 'scan', '--plain', post], { encoding: 'utf8' });
const seconds = (performance.now() - t0) / 1000;
if (scan.status !== 0) throw new Error(`leakwatch scan exited ${scan.status}: ${scan.stderr}`);
emit({ figure: 'scan_process_100kb_commas', value: +seconds.toFixed(3), unit: 's', references: scan.stdout.trim().split('\n').filter(Boolean).length });
