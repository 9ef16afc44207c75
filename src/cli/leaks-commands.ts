import { UsageError } from '../errors.js';
import { getLeak, listLeaks } from '../match/leaks.js';
import { changeLeakStatus, isLeakStatus, LEAK_STATUSES, type LeakStatus } from '../match/lifecycle.js';
import { type CommandContext, printJson } from './context.js';
import { orgIdOf, withRegistry } from './registry-commands.js';

export function leaksListCommand(context: CommandContext, options: { org?: string; status?: string }): Promise<number> {
  if (options.status && !isLeakStatus(options.status)) throw new UsageError(`--status must be one of ${LEAK_STATUSES.join(', ')}, got "${options.status}"`);
  return withRegistry(context, (db) => {
    const leaks = listLeaks(db, { orgId: options.org ? orgIdOf(options.org) : undefined, status: options.status as LeakStatus | undefined });
    if (context.options.json) {
      printJson(context.io, leaks);
      return 0;
    }
    const lines = leaks.map(
      (l) =>
        `${String(l.id).padEnd(5)} org ${String(l.orgId).padEnd(4)} ${l.severity.padEnd(8)} ${l.status.padEnd(12)} ${l.platform} ${l.meetingId}` +
        `  ${l.sightings} sighting(s), last ${l.lastSeen}${l.matchKind === 'name' ? '  [name match: review]' : ''}`,
    );
    context.io.stdout.write(`${(lines.length ? lines : ['no leaks']).join('\n')}\n`);
    return 0;
  });
}

export function leaksShowCommand(context: CommandContext, id: string, options: { org: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const leak = getLeak(db, orgIdOf(options.org), leakIdOf(id));
    if (context.options.json) {
      printJson(context.io, leak);
      return 0;
    }
    const lines = [
      `leak ${leak.id}: ${leak.platform} ${leak.meetingId}${leak.meeting?.title ? ` "${leak.meeting.title}"` : ''} — ${leak.severity}, ${leak.status}${leak.statusReason ? ` (${leak.statusReason})` : ''}`,
      ...leak.reasons.map((r) => `  - ${r}`),
      'seen in:',
      ...leak.evidence.map((e) => `  ${e.postedAt ?? '?'} ${e.source} ${e.url ?? ''}${e.author ? ` by ${e.author}` : ''}${e.passcode ? ` passcode ${e.passcode}${e.inReply ? ' (in a reply)' : ''}` : ''}`),
      'history:',
      ...leak.events.map((e) => `  ${e.at} ${e.actor} ${e.event}${e.to ? ` → ${e.to}` : ''}`),
    ];
    context.io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}

/** `leakwatch leaks ack|resolve|ignore|reopen ID --org ORG [--reason R]`. */
export function leaksStatusCommand(context: CommandContext, to: LeakStatus, id: string, options: { org: string; reason?: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const change = changeLeakStatus(db, { orgId: orgIdOf(options.org), leakId: leakIdOf(id), to, actor: context.actor, reason: options.reason });
    if (context.options.json) printJson(context.io, { id: Number(id), ...change });
    else context.io.stdout.write(`leak ${id}: ${change.from} → ${change.to}\n`);
    return 0;
  });
}

function leakIdOf(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`LEAK must be a leak number from \`leaks list\`, got "${value}"`);
  return id;
}
