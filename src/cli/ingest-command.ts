import { access, constants } from 'node:fs/promises';
import { ingestJsonLines, type IngestSummary } from '../match/ingest.js';
import { fileChunks } from '../match/json-lines.js';
import { UsageError } from '../errors.js';
import { type CommandContext, printJson } from './context.js';
import { INVALID_UTF8 } from '../extract/scan.js';
import { withRegistry } from './registry-commands.js';

/**
 * `leakwatch ingest [FILE...] --source NAME`: JSON Lines posts through the
 * whole pipeline as if crawled. Exit 1 when any line was malformed (each
 * reported on stderr with its line number and skipped). A line that is not
 * valid UTF-8 is reported too, and read with U+FFFD in place of its bad
 * bytes: the rest of it may still name a meeting.
 */
export async function ingestCommand(context: CommandContext, files: string[], options: { source: string }): Promise<number> {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(options.source)) throw new UsageError(`--source must be a short name like reddit or manual, got "${options.source}"`);
  const inputs = files.length > 0 ? files : ['-'];
  for (const file of inputs) {
    if (file === '-') continue;
    try {
      await access(file, constants.R_OK);
    } catch {
      throw new UsageError(`cannot read ${file}: no such file`);
    }
  }
  return withRegistry(context, async (_db, _registration, matcher) => {
    const total: IngestSummary = { posts: 0, stored: 0, references: 0, leaks: 0, queued: 0, maskedWhole: 0, malformed: 0, invalidUtf8: 0 };
    for (const file of inputs) {
      const input = file === '-' ? context.io.stdin : fileChunks(file);
      const name = file === '-' ? 'stdin' : file;
      const summary = await ingestJsonLines(input, matcher, {
        source: options.source.toLowerCase(),
        maxPostBytes: context.config.ingest.maxPostBytes,
        onMalformed: (line, problem) => context.io.stderr.write(`${name}: line ${line}: ${problem}\n`),
        onInvalidUtf8: (line) => context.io.stderr.write(`${name}: line ${line}: ${INVALID_UTF8}\n`),
      });
      for (const key of Object.keys(total) as (keyof IngestSummary)[]) total[key] += summary[key];
    }
    const { posts, references, leaks, queued, stored, malformed, maskedWhole } = total;
    if (maskedWhole > 0) context.log.warn({ secrets: maskedWhole }, 'secrets were still found after masking by position; their whole references were masked');
    if (context.options.json) printJson(context.io, { posts, references, leaks, queued, stored, malformed });
    else context.io.stdout.write(`${posts} posts read (${stored} new with references), ${references} references, ${leaks} leaks opened, ${queued} alerts queued${malformed ? `, ${malformed} malformed lines skipped` : ''}\n`);
    return malformed > 0 ? 1 : 0;
  });
}
