import { CRAWLERS, crawlerFor } from '../../crawlers/index.js';
import { SOURCE_NAMES, type SourceName } from '../config/schema.js';
import { httpClientFromConfig } from '../crawl/http-client.js';
import { nothingToCrawl } from '../crawl/nothing-to-crawl.js';
import { searchQueries } from '../crawl/queries.js';
import { type CrawlSummary, runCrawl, sourceHealth } from '../crawl/runner.js';
import { UsageError } from '../errors.js';
import { type CommandContext, printJson } from './context.js';
import { withRegistry } from './registry-commands.js';

/**
 * `leakwatch crawl [--source NAME] --once [--dry-run]`: one crawl of the
 * enabled sources (or the one named, enabled or not), a progress line on
 * stderr and a summary on stdout. Exit 1 when a source failed; a source
 * another process is crawling right now is skipped (not a failure).
 */
export function crawlCommand(context: CommandContext, options: { source?: string; once?: boolean; dryRun?: boolean }): Promise<number> {
  if (!options.once) throw new UsageError('crawl runs once and exits: pass --once (`leakwatch run` crawls on schedule)');
  if (options.source && !SOURCE_NAMES.includes(options.source as never)) throw new UsageError(`--source must be one of ${SOURCE_NAMES.join(', ')}, got "${options.source}"`);
  const names = options.source ? [options.source] : SOURCE_NAMES.filter((name) => context.config.sources[name].enabled);
  const crawlers = names.map((name) => {
    const crawler = crawlerFor(name);
    if (!crawler && options.source) throw new UsageError(`there is no crawler for ${name} yet; available: ${CRAWLERS.map((c) => c.name).join(', ')}`);
    return crawler;
  }).filter((c) => c !== undefined);
  return withRegistry(context, async (db, _registration, matcher) => {
    const http = httpClientFromConfig(context.config.http);
    const summaries: CrawlSummary[] = [];
    for (const crawler of crawlers) {
      const summary = await runCrawl({
        db,
        matcher,
        crawler,
        config: context.config,
        secrets: context.secrets,
        http,
        log: context.log,
        dryRun: options.dryRun ?? false,
        onPage: (s) => context.io.stderr.write(`\r${s.source}: ${s.pages} pages, ${s.posts} posts, ${s.references} references, ${s.leaks} new leaks`),
      });
      context.io.stderr.write('\n');
      summaries.push(summary);
    }
    if (context.options.json) printJson(context.io, summaries);
    else {
      const lines = summaries.map((s) =>
        s.status === 'nothing-to-crawl'
          ? `${s.source}: nothing to crawl: ${s.nothingToCrawl}`
          : s.status === 'skipped'
          ? `${s.source}: skipped: another process is crawling it (${s.heldBy})`
          : `${s.source}: ${s.status}${s.dryRun ? ' (dry run: nothing written)' : ''}: ${s.pages} pages, ${s.posts} posts, ${s.references} references, ${s.leaks} new leaks, ${s.queued} alerts queued${s.error ? `; error: ${s.error}` : ''}`,
      );
      context.io.stdout.write(`${(lines.length ? lines : ['no enabled source has a crawler yet']).join('\n')}\n`);
    }
    return summaries.some((s) => s.status === 'failed') ? 1 : 0;
  });
}

/** `leakwatch sources`: per source whether it is enabled, its last success, last error and failures in a row. */
export function sourcesCommand(context: CommandContext): Promise<number> {
  return withRegistry(context, (db) => {
    const health = sourceHealth(db, SOURCE_NAMES).map((h) => {
      const name = h.source as SourceName;
      const source = context.config.sources[name];
      return {
        ...h,
        enabled: source.enabled,
        crawler: crawlerFor(name) !== undefined,
        nothingToCrawl: nothingToCrawl(name, context.config.sources, 'queries' in source ? searchQueries(source.queries, db) : [], context.secrets),
      };
    });
    if (context.options.json) {
      printJson(context.io, health);
      return 0;
    }
    const lines = health.map(
      (h) =>
        `${h.source.padEnd(11)} ${h.enabled ? 'enabled ' : 'disabled'} ${h.crawler ? '' : '(no crawler yet) '}${h.enabled && h.nothingToCrawl ? `nothing to crawl: ${h.nothingToCrawl}; ` : ''}last success ${h.lastSuccess ?? 'never'}` +
        `${h.consecutiveFailures ? `, ${h.consecutiveFailures} failure(s) in a row, last: ${h.lastError}` : ''}${h.warning ? `\n            WARNING: ${h.warning}` : ''}`,
    );
    context.io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}
