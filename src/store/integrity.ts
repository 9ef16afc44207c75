/**
 * Whether the database file is sound (`PRAGMA quick_check`), where it is not,
 * and what fixes it: REINDEX when only the entries of an index are wrong,
 * a restore from a backup when pages cannot be read (SQLite cannot rebuild
 * an index whose own pages are unreadable, nor anything in a damaged table).
 */
import type { Db } from './database.js';
import { errorLine } from './sqlite-errors.js';

export interface DamagedObject {
  name: string;
  type: 'table' | 'index';
  /** The table an index is on (a table's own name for a table). */
  table: string;
}

export interface IntegrityReport {
  ok: boolean;
  /** What `PRAGMA quick_check` reported, one line per problem; empty when sound. */
  problems: string[];
  /** The tables and indexes SQLite names in its problems. */
  damaged: DamagedObject[];
  /** What fixes it: `reindex` when only index entries are wrong, `restore` when pages are damaged; null when sound. */
  repair: 'reindex' | 'restore' | null;
  /** What to do, in words for the operator; null when sound. */
  fix: string | null;
}

/** Lines about a page or a b-tree: the file itself is damaged there. */
const PAGE_DAMAGE = /^(Tree \d+ page \d+|Page \d+|On tree page \d+|Freelist|\d+(st|nd|rd|th) reference to page|Multiple uses for byte|Fragmentation of|Bad ptr map)/i;
const TREE = /^Tree (\d+) page/;
/** Lines about an index whose entries do not match its table: `row 5 missing from index x`, `wrong # of entries in index x`, `non-unique entry in index x`. */
const INDEX_ENTRIES = /(?:missing from|entries in|entry in) index (\S+)/;

/** Runs `PRAGMA quick_check` on `db` (whose file is `path`, named in the fix). */
export function checkIntegrity(db: Db, path: string): IntegrityReport {
  let problems: string[];
  try {
    problems = (db.pragma('quick_check') as { quick_check: string }[])
      .flatMap((row) => row.quick_check.split('\n'))
      .map((line) => line.trim())
      .filter((line) => line !== '' && line !== 'ok' && !line.startsWith('*** in database'));
  } catch (error) {
    // Damaged where the check itself starts (the schema, the header).
    const line = errorLine(error);
    return { ok: false, problems: [line], damaged: [], repair: 'restore', fix: restoreFix(path, []) };
  }
  if (problems.length === 0) return { ok: true, problems: [], damaged: [], repair: null, fix: null };

  const objects = schemaObjects(db);
  const damaged = new Map<string, DamagedObject>();
  let pagesDamaged = false;
  let unexplained = false;
  for (const line of problems) {
    const tree = TREE.exec(line);
    const entries = INDEX_ENTRIES.exec(line);
    if (tree) {
      const object = objects.byRootPage.get(Number(tree[1]));
      if (object) damaged.set(object.name, object);
    } else if (entries) {
      const object = objects.byName.get(entries[1]!);
      if (object) damaged.set(object.name, object);
    }
    if (PAGE_DAMAGE.test(line)) pagesDamaged = true;
    else if (!entries) unexplained = true;
  }
  const list = [...damaged.values()];
  if (!pagesDamaged && !unexplained && list.length > 0 && list.every((object) => object.type === 'index')) {
    const names = list.map((object) => object.name).join(' ');
    return {
      ok: false,
      problems,
      damaged: list,
      repair: 'reindex',
      fix: `the tables are intact and only index entries are wrong: stop every leakwatch using ${path}, then rebuild the index with \`sqlite3 ${path} 'REINDEX ${names}'\``,
    };
  }
  return { ok: false, problems, damaged: list, repair: 'restore', fix: restoreFix(path, list) };
}

/** "index outbox_due (on outbox), table leaks", for messages. */
export function describeDamage(report: IntegrityReport): string {
  if (report.damaged.length === 0) return report.problems.slice(0, 3).join('; ') + (report.problems.length > 3 ? `; and ${report.problems.length - 3} more` : '');
  return report.damaged.map((object) => (object.type === 'index' ? `index ${object.name} (on ${object.table})` : `table ${object.name}`)).join(', ');
}

function restoreFix(path: string, damaged: DamagedObject[]): string {
  const onlyIndexes = damaged.length > 0 && damaged.every((object) => object.type === 'index');
  return (
    `stop every leakwatch using ${path} and restore the last copy made by \`leakwatch db backup\` in its place` +
    (onlyIndexes
      ? ": REINDEX cannot help, since SQLite reads an index's own pages to rebuild it and those cannot be read (the tables themselves read fine)"
      : ': pages of the database cannot be read')
  );
}

function schemaObjects(db: Db): { byRootPage: Map<number, DamagedObject>; byName: Map<string, DamagedObject> } {
  const byRootPage = new Map<number, DamagedObject>();
  const byName = new Map<string, DamagedObject>();
  try {
    const rows = db.prepare("SELECT type, name, tbl_name AS tbl, rootpage FROM sqlite_schema WHERE type IN ('table', 'index') AND rootpage > 0").all() as {
      type: 'table' | 'index';
      name: string;
      tbl: string;
      rootpage: number;
    }[];
    for (const row of rows) {
      const object = { name: row.name, type: row.type, table: row.tbl };
      byRootPage.set(row.rootpage, object);
      byName.set(row.name, object);
    }
  } catch {
    // The schema itself is unreadable: the problems are reported without names.
  }
  return { byRootPage, byName };
}
