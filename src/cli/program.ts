import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, DatabaseError, InputError, UsageError } from '../errors.js';
import { asDatabaseError } from '../store/sqlite-errors.js';
import { configCommand } from './config-command.js';
import { type CommandContext, createContext, type GlobalOptions, type Io } from './context.js';
import { leaksListCommand, leaksShowCommand, leaksStatusCommand } from './leaks-commands.js';
import {
  identifierAddCommand,
  identifierConfirmCommand,
  identifierConflictsCommand,
  identifierListCommand,
  identifierTokenCommand,
  identifierVerifyCommand,
  meetingAddCommand,
  meetingImportCommand,
  meetingListCommand,
  meetingFeedsCommand,
  meetingRemoveCommand,
  meetingSubscribeCommand,
  meetingUnsubscribeCommand,
  orgAddCommand,
  orgAdminCommand,
  orgListCommand,
} from './registry-commands.js';
import { operatorAddCommand, operatorListCommand, operatorRemoveCommand } from './operator-commands.js';
import { dbBackupCommand, dbMigrateCommand, dbStatusCommand } from './db-commands.js';
import { notifyTestCommand, outboxFlushCommand, outboxListCommand, outboxRetryCommand } from './outbox-commands.js';
import { tokenCreateCommand, tokenListCommand, tokenRevokeCommand } from './token-commands.js';
import { orgSettingsCommand, webhookAddCommand, webhookKeyCommand, webhookListCommand, webhookRemoveCommand } from './settings-commands.js';
import { ENCODINGS } from '../registry/text-decoding.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Exit statuses (sysexits.h where one fits). */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 78 } as const;

type Action = (options: GlobalOptions, ...args: string[]) => number | Promise<number>;

/**
 * Builds the `leakwatch` command. Actions report their exit status through
 * `setStatus` instead of exiting, so tests can run the program in-process.
 */
function buildProgram(io: Io, setStatus: (status: number) => void): Command {
  const program = new Command('leakwatch')
    .description('Finds video-meeting links and IDs leaked in public posts and tells their owners to rotate them.')
    .version(version, '-V, --version')
    .addOption(new Option('--config <file>', 'configuration file merged over the shipped defaults').env('LEAKWATCH_CONFIG'))
    .option('--db <path>', 'SQLite database (env LEAKWATCH_DB, default data/leakwatch.db)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .configureHelp({ helpWidth: 120 })
    .showHelpAfterError(true)
    .exitOverride();

  /** Wraps an action: global options merged in, context built, status recorded. */
  const act = (action: Action) =>
    async function commandAction(this: Command, ...args: unknown[]) {
      const command = args.at(-1) as Command;
      const positional = args.slice(0, -2).map(String);
      setStatus(await action(command.optsWithGlobals<GlobalOptions>(), ...positional));
    };
  const withContext = (action: (context: ReturnType<typeof createContext>, ...args: string[]) => number | Promise<number>): Action =>
    (options, ...args) => inContext(createContext(options, io), (context) => action(context, ...args));

  program
    .command('run')
    .description('the daemon: scheduled jobs until SIGINT/SIGTERM (`npm start`)')
    .action(act(withContext(async (context) => (await import('./run-command.js')).runCommand(context))));

  program
    .command('scan')
    .description('the meeting references in JSON Lines posts (FILE or stdin); nothing stored')
    .argument('[file...]', 'JSON Lines files of posts with `id` and `text`; `-` or none reads stdin')
    .option('--plain', 'treat every input line as one post of plain text')
    .action(async function scanAction(files: string[], options: { plain?: boolean }) {
      // Loaded on use: the extractor is the largest module and only `scan` and the pipeline need it.
      const { scanCommand } = await import('./scan-command.js');
      setStatus(await scanCommand(files, options, io));
    });

  const collect = (value: string, previous: string[] = []) => [...previous, value];
  // The crawlers (cheerio, p-queue, the browser helper) and the daemon are loaded only by the commands that use them.
  /** A command whose function takes the context and its own options (plus positional arguments). */
  const run = <T>(command: (context: CommandContext, ...rest: never[]) => number | Promise<number>) =>
    act(withContext((context, ...args) => (command as (c: CommandContext, ...r: unknown[]) => number | Promise<number>)(context, ...args, context.options as T)));

  program
    .command('ingest')
    .description('JSON Lines posts through the whole pipeline as if crawled: stored, matched, alerted')
    .argument('[file...]', 'JSON Lines posts (`id`, `text`, optional `url`, `author`, `createdAt`); `-` or none reads stdin')
    .requiredOption('--source <name>', 'the source to record the posts under (e.g. reddit, manual)')
    .option('--json', 'print {"posts","references","leaks","queued"} only')
    .action(async function ingestAction(files: string[], _options: unknown, command: Command) {
      const { ingestCommand } = await import('./ingest-command.js');
      const options = command.optsWithGlobals<GlobalOptions & { source: string }>();
      setStatus(await inContext(createContext(options, io), (context) => ingestCommand(context, files, options)));
    });

  program
    .command('crawl')
    .description('one crawl of the enabled sources (or --source), with progress and a summary')
    .option('--source <name>', 'only this source')
    .option('--once', 'crawl once and exit (required: `leakwatch run` crawls on schedule)')
    .option('--dry-run', 'read and count, write nothing')
    .option('--json', 'print the summaries as JSON')
    .action(run(async (context: CommandContext, options: Parameters<typeof import('./crawl-commands.js').crawlCommand>[1]) => (await import('./crawl-commands.js')).crawlCommand(context, options)));
  program
    .command('sources')
    .description('per source: enabled, last success, last error, failures in a row')
    .option('--json', 'print JSON only')
    .action(run(async (context: CommandContext) => (await import('./crawl-commands.js')).sourcesCommand(context)));

  const org = program.command('org').description('organisations: `org add`, `org list`, `org admin`, `org settings`');
  org.command('add')
    .description('register an organisation with its admin contacts')
    .requiredOption('--name <name>', 'the organisation\'s name, e.g. "Westfield High School"')
    .requiredOption('--admin <email>', 'an admin contact (repeat for several)', collect)
    .option('--json', 'print the organisation as JSON')
    .action(run(orgAddCommand));
  org.command('list').description('every organisation').option('--json', 'print JSON only').action(run(orgListCommand));
  org.command('admin')
    .description('add an admin contact to an organisation')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--admin <email>', 'admin email address')
    .option('--json', 'print JSON only')
    .action(run(orgAdminCommand));
  org.command('settings')
    .description("an organisation's notification settings: shown, or changed with the options (\"default\" goes back to notify.*)")
    .requiredOption('--org <id>', 'organisation id')
    .option('--digest-hours <n>', 'later posts of an alerted leak are gathered into one email at most this often (1-168, or default)')
    .option('--daily-cap <n>', 'messages one person gets in 24 hours; the rest wait (1-1000, or default)')
    .addOption(new Option('--escalation <on|off>', 'whether urgent unacknowledged leaks go to the admins').choices(['on', 'off']))
    .option('--escalate-after <minutes>', 'how long an urgent leak may go unacknowledged first (5-10080, or default)')
    .option('--json', 'print JSON only')
    .action(run(orgSettingsCommand));

  const webhook = program.command('webhook').description("an organisation's own webhooks: `add`, `list`, `key`, `remove`");
  webhook.command('add')
    .description('POST every alert of the organisation to a URL, signed with a key of its own (printed once; needs LEAKWATCH_WEBHOOK_SECRET)')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--url <url>', 'https URL of the receiver (a Slack incoming webhook works)')
    .option('--json', 'print JSON only (with the key)')
    .action(run(webhookAddCommand));
  webhook.command('list').description("an organisation's webhooks (hosts only)").requiredOption('--org <id>', 'organisation id').option('--json', 'print JSON only').action(run(webhookListCommand));
  webhook.command('key')
    .description('a new signing key for a webhook (printed once); the old one stops signing')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--id <webhook>', 'the webhook number from `webhook list`')
    .option('--json', 'print JSON only (with the key)')
    .action(run(webhookKeyCommand));
  webhook.command('remove')
    .description('remove a webhook; calls still queued for it are cancelled')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--id <webhook>', 'the webhook number from `webhook list`')
    .option('--json', 'print JSON only')
    .action(run(webhookRemoveCommand));

  const identifier = program.command('identifier').description('what names an organisation: `add`, `verify`, `confirm`, `token`, `list`, `conflicts`');
  identifier.command('add')
    .description('register an identifier and print how to prove control of it')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--kind <kind>', 'email-domain, zoom-subdomain, teams-tenant, webex-site or meeting-domain')
    .requiredOption('--value <value>', 'e.g. westfield.example, westfield.zoom.us, a tenant GUID')
    .option('--json', 'print JSON only')
    .action(run(identifierAddCommand));
  identifier.command('verify')
    .description('prove control: dns, email (domains); tenant (Teams, via a verified email domain); manual')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--value <value>', 'the identifier')
    .addOption(new Option('--method <method>', 'how control is proven').choices(['dns', 'email', 'tenant', 'manual']).default('dns'))
    .option('--address <email>', 'for --method email on a domain: admin@, administrator@, webmaster@, hostmaster@ or postmaster@ the domain')
    .option('--note <text>', 'for --method manual: how the operator knows (kept in the audit log)')
    .option('--json', 'print JSON only')
    .action(run(identifierVerifyCommand));
  identifier.command('confirm')
    .description('verify with the token of a mailed verification link')
    .argument('<token>', 'the token at the end of the link')
    .option('--json', 'print JSON only')
    .action(run(identifierConfirmCommand));
  identifier.command('token')
    .description('issue a new DNS token for a pending domain (the old one stops working)')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--value <value>', 'the domain')
    .option('--json', 'print JSON only')
    .action(run(identifierTokenCommand));
  identifier.command('list').description("an organisation's identifiers and their verification").requiredOption('--org <id>', 'organisation id').option('--json', 'print JSON only').action(run(identifierListCommand));
  identifier.command('conflicts')
    .description('identifiers claimed by more than one organisation, each claim and which one is proven')
    .option('--json', 'print JSON only')
    .action(run(identifierConflictsCommand));

  const meeting = program.command('meeting').description('registered meetings: `add`, `list`, `remove`, `import`, `subscribe`, `feeds`');
  meeting.command('add')
    .description('register one meeting; it is matched at once against the posts already stored')
    .requiredOption('--org <id>', 'organisation id')
    .option('--platform <slug>', 'zoom, google-meet, teams, webex, … (may be left out when --id is a join link)')
    .requiredOption('--id <meeting-id>', 'the meeting id as written (845 1239 7260), or its join link')
    .requiredOption('--owner <email>', 'the organiser, who is alerted')
    .option('--passcode <passcode>', 'kept only as a salted hash, to tell whether a leaked passcode is still valid')
    .option('--title <title>', 'shown in alerts')
    .option('--starts <iso>', 'start time, ISO-8601')
    .option('--ends <iso>', 'end time, ISO-8601')
    .option('--recurrence <rrule>', 'RFC 5545 RRULE of a recurring meeting, e.g. FREQ=WEEKLY;BYDAY=MO')
    .option('--time-zone <zone>', 'IANA zone whose wall-clock time the sessions keep, e.g. Europe/London (default: UTC)')
    .option('--public', 'public on purpose: sightings are recorded, never alerted')
    .option('--json', 'print JSON only')
    .action(run(meetingAddCommand));
  meeting.command('list').description("an organisation's meetings").requiredOption('--org <id>', 'organisation id').option('--json', 'print JSON only').action(run(meetingListCommand));
  meeting.command('remove')
    .description('remove a meeting (its leaks stay, for the record)')
    .argument('<meeting>', 'the meeting number from `meeting list`')
    .requiredOption('--org <id>', 'organisation id')
    .option('--json', 'print JSON only')
    .action(run(meetingRemoveCommand));
  meeting.command('import')
    .description('import meetings from a CSV file or an iCalendar (.ics) file')
    .argument('<file>', 'FILE.csv (columns in the README) or FILE.ics')
    .requiredOption('--org <id>', 'organisation id')
    .option('--skip-invalid', 'import the valid rows of a CSV file that has errors')
    .option('--owner <email>', 'owner of calendar events that name no organiser')
    .option('--encoding <name>', `how the file is encoded: ${ENCODINGS.join(', ')} (default: detected from its BOM, else UTF-8, else Windows-1252)`)
    .option('--json', 'print JSON only')
    .action(run(meetingImportCommand));

  meeting.command('subscribe')
    .description('subscribe to an iCalendar feed URL; its meetings are kept in step on a schedule')
    .argument('<url>', 'https:// (or webcal://) address of the calendar')
    .requiredOption('--org <id>', 'organisation id')
    .option('--owner <email>', 'owner of events that name no organiser')
    .option('--json', 'print JSON only')
    .action(run(meetingSubscribeCommand));
  meeting.command('feeds').description("an organisation's calendar feeds").requiredOption('--org <id>', 'organisation id').option('--json', 'print JSON only').action(run(meetingFeedsCommand));
  meeting.command('unsubscribe')
    .description('end a calendar feed subscription and remove its meetings')
    .argument('<feed>', 'the feed number from `meeting feeds`')
    .requiredOption('--org <id>', 'organisation id')
    .option('--json', 'print JSON only')
    .action(run(meetingUnsubscribeCommand));

  program
    .command('connect')
    .description("connect a Zoom, Microsoft 365 or Google account: meetings kept in step, identifiers proven")
    .argument('<name>', 'the platform: zoom, microsoft or google')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--account-id <id>', "Zoom: the Server-to-Server OAuth app's account id; microsoft: the directory (tenant) id; google: the Workspace admin the service account acts as")
    .requiredOption('--client-id <id>', "Zoom: the app's client id; microsoft: the application (client) id; google: the service account's email")
    .option('--client-secret-file <file>', 'a file holding the client secret (google: the JSON key file); otherwise it is read from stdin, never from the command line')
    .option('--allow-rotation', 'the admin allows the write scope that rotating leaked meetings needs')
    .option('--json', 'print JSON only')
    .action(run(async (context: CommandContext, provider: string, options: Parameters<typeof import('./connect-commands.js').connectCommand>[2]) => (await import('./connect-commands.js')).connectCommand(context, provider, options)));
  program
    .command('disconnect')
    .description('remove a platform connection with its stored secret and its meetings')
    .argument('<id>', 'the connection number from `connections list`')
    .option('--json', 'print JSON only')
    .action(run(async (context: CommandContext, id: string) => (await import('./connect-commands.js')).disconnectCommand(context, id)));
  const connections = program.command('connections').description('platform connections: `list`, `sync`, `notifications`');
  connections.command('list')
    .description('connections with their status, last sync and last error (never a secret)')
    .option('--org <id>', 'only this organisation')
    .option('--json', 'print JSON only')
    .action(run(async (context: CommandContext, options: { org?: string }) => (await import('./connect-commands.js')).connectionsListCommand(context, options)));
  connections.command('sync')
    .description('synchronise one connection now, or every one (exit 1 if one failed)')
    .argument('[connection]', 'the connection number; none: all')
    .option('--json', 'print JSON only')
    .action(async function syncAction(id: string | undefined, _options: unknown, command: Command) {
      const options = command.optsWithGlobals<GlobalOptions>();
      const { connectionsSyncCommand } = await import('./connect-commands.js');
      setStatus(await inContext(createContext(options, io), (context) => connectionsSyncCommand(context, id)));
    });

  connections.command('notifications')
    .description("accept Zoom's meeting notifications for a connection, signed with its app's Secret Token (on stdin, stored encrypted)")
    .argument('<connection>', 'the connection number')
    .option('--off', 'stop accepting them and forget the Secret Token')
    .option('--json', 'print JSON only')
    .action(run(async (context: CommandContext, id: string, options: { off?: boolean }) => (await import('./zoom-webhook-command.js')).zoomNotificationsCommand(context, id, options)));

  const token = program.command('token').description("an organisation's API tokens: `create`, `list`, `revoke`");
  token.command('create')
    .description('make an API token for an organisation; it is printed once, only its hash is kept')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--name <name>', 'what will use it, e.g. "timetable sync"')
    .addOption(new Option('--scope <scope>', 'read: reads only; write: also registers and changes').choices(['read', 'write']).makeOptionMandatory())
    .option('--json', 'print JSON only (with the token)')
    .action(run(tokenCreateCommand));
  token.command('list').description("an organisation's API tokens (never the tokens themselves)").requiredOption('--org <id>', 'organisation id').option('--json', 'print JSON only').action(run(tokenListCommand));
  token.command('revoke')
    .description('revoke an API token: its next request is refused')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--id <token>', 'the token number from `token list`')
    .option('--json', 'print JSON only')
    .action(run(tokenRevokeCommand));

  const leaks = program.command('leaks').description('leaked meetings: `list`, `show`, `ack`, `resolve`, `ignore`, `reopen`');
  leaks.command('list')
    .description('leaks, most urgent first')
    .option('--org <id>', 'only this organisation')
    .option('--status <status>', 'only this status: open, notified, acknowledged, resolved, ignored')
    .option('--json', 'print JSON only')
    .action(run(leaksListCommand));
  leaks.command('show')
    .description('one leak with its evidence and history')
    .argument('<leak>', 'leak number')
    .requiredOption('--org <id>', 'organisation id')
    .option('--json', 'print JSON only')
    .action(run(leaksShowCommand));
  for (const [name, to, description] of [
    ['ack', 'acknowledged', 'acknowledge a leak: someone is on it'],
    ['resolve', 'resolved', 'the meeting was rotated; a new post of it re-opens the leak'],
    ['ignore', 'ignored', 'not ours, or public on purpose (needs --reason)'],
    ['reopen', 'open', 'open a resolved or ignored leak again'],
  ] as const) {
    leaks.command(name)
      .description(description)
      .argument('<leak>', 'leak number')
      .requiredOption('--org <id>', 'organisation id')
      .option('--reason <text>', 'why (kept in the leak\'s history)')
      .option('--json', 'print JSON only')
      .action(run((context: CommandContext, id: string, options: { org: string; reason?: string }) => leaksStatusCommand(context, to, id, options)));
  }

  const operator = program.command('operator').description('operators, who see every organisation on the dashboard: `add`, `remove`, `list`');
  operator.command('add')
    .description('make EMAIL an operator (they sign in to the dashboard with it)')
    .argument('<email>', 'their email address')
    .option('--json', 'print JSON only')
    .action(run(operatorAddCommand));
  operator.command('remove')
    .description('take the operator role from EMAIL (their roles in organisations stay)')
    .argument('<email>', 'their email address')
    .option('--json', 'print JSON only')
    .action(run(operatorRemoveCommand));
  operator.command('list').description('every operator').option('--json', 'print JSON only').action(run(operatorListCommand));

  program
    .command('demo')
    .description('the whole job offline on sample data; the alert emails are written to files')
    .option('--out <dir>', 'where the demo database and emails go (default: a new temporary directory)')
    .option('--json', 'print JSON only')
    .action(run(async (context: CommandContext, options: { out?: string }) => (await import('./demo-command.js')).demoCommand(context, options)));

  const outbox = program.command('outbox').description('messages owed: `list`, `retry`, `flush`');
  outbox.command('list')
    .description('queued, sent, dead and cancelled messages, newest first')
    .option('--status <status>', 'only this status: pending, sending, sent, dead, cancelled')
    .option('--org <id>', 'only this organisation')
    .option('--limit <n>', 'at most this many (default 100)')
    .option('--json', 'print JSON only')
    .action(run(outboxListCommand));
  outbox.command('retry')
    .description('queue a dead or cancelled message again (same Message-ID)')
    .argument('<id>', 'message number from `outbox list`')
    .option('--json', 'print JSON only')
    .action(run(outboxRetryCommand));
  outbox.command('flush')
    .description('send everything due now and exit (exit 1 if a message failed)')
    .option('--json', 'print JSON only')
    .action(run(outboxFlushCommand));

  const notify = program.command('notify').description('notification channels: `test`');
  notify.command('test')
    .description('send a sample alert by email to --to, and to every configured webhook')
    .requiredOption('--to <email>', 'where the sample email goes')
    .option('--json', 'print JSON only')
    .action(run(notifyTestCommand));

  program
    .command('config')
    .description('check the configuration and print it, defaults filled in')
    .option('--json', 'print JSON only (as it always does)')
    .action(act(withContext(configCommand)));

  const db = program.command('db').description('the database: `db migrate`, `db status`, `db backup FILE`');
  db.command('migrate')
    .description('create the database if needed and apply pending migrations')
    .option('--json', 'print JSON only')
    .action(act(withContext(dbMigrateCommand)));
  db.command('status')
    .description('schema version, pending migrations, size and row counts')
    .option('--json', 'print JSON only')
    .action(act(withContext(dbStatusCommand)));
  db.command('backup')
    .description('copy the live database to FILE (online backup)')
    .argument('<file>', 'where to write the copy (must not exist)')
    .option('--json', 'print JSON only')
    .action(act(withContext(dbBackupCommand)));

  return program;
}

/** Runs a command; a SQLite error it throws becomes one line naming the database (locked, damaged, read-only, full). */
async function inContext(context: CommandContext, action: (context: CommandContext) => number | Promise<number>): Promise<number> {
  try {
    return await action(context);
  } catch (error) {
    throw asDatabaseError(error, context.config.db.path);
  }
}

/**
 * Runs `leakwatch` with the given arguments (without `node` and the script)
 * and resolves to the exit status.
 */
export async function main(argv: string[], io: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let status: number = EXIT.ok;
  const program = buildProgram(io, (value) => {
    status = value;
  });
  if (argv.length === 0) {
    io.stderr.write(program.helpInformation());
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // Help and version were asked for; everything else commander throws is a usage error.
    if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code) && error.exitCode === 0) {
      return EXIT.ok;
    }
    return EXIT.usage;
  }
  if (error instanceof ConfigError) {
    io.stderr.write(`leakwatch: ${error.message}\n`);
    return EXIT.config;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`leakwatch: ${error.message}\n(run \`leakwatch --help\` for usage)\n`);
    return EXIT.usage;
  }
  if (error instanceof DatabaseError || error instanceof InputError) {
    io.stderr.write(`leakwatch: ${error.message}\n`);
    return EXIT.failure;
  }
  io.stderr.write(`leakwatch: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failure;
}
