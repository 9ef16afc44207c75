import type { Db } from '../store/database.js';

/**
 * Search terms aimed at the registered organisations: their verified Zoom
 * and Webex hosts and self-hosted meeting domains, which appear verbatim in
 * leaked links. Names are left out: they match too much ordinary talk.
 */
export function targetedQueries(db: Db): string[] {
  const rows = db.prepare("SELECT kind, value FROM identifiers WHERE status = 'verified' AND kind IN ('zoom-subdomain', 'webex-site', 'meeting-domain') ORDER BY id").all() as {
    kind: string;
    value: string;
  }[];
  return rows.map((row) => (row.kind === 'zoom-subdomain' ? `${row.value}.zoom.us` : row.kind === 'webex-site' ? `${row.value}.webex.com` : row.value));
}

/** The configured queries followed by the targeted ones, without repeats. */
export function searchQueries(configured: readonly string[], db: Db): string[] {
  return [...new Set([...configured, ...targetedQueries(db)])];
}
