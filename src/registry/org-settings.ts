/**
 * An organisation's own notification settings, set by its admins on the
 * dashboard (or `leakwatch org settings`): how often digests go, how many
 * messages one person gets in 24 hours, and whether and after how long an
 * urgent leak nobody acknowledged goes to the admins. What an organisation
 * leaves unset is the installation's default (`notify.*`).
 */
import { InputError } from '../errors.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';
import { getOrganisation } from './organisations.js';

/** The installation's defaults: `notify.digestHours`, `notify.dailyCap`, `notify.escalateAfterMinutes`. */
export interface NotifyDefaults {
  digestHours: number;
  dailyCap: number;
  escalateAfterMinutes: number;
}

/** What applies to an organisation now. */
export interface EffectiveSettings extends NotifyDefaults {
  /** False: urgent leaks are not escalated to the admins. */
  escalation: boolean;
}

/** What the organisation chose; null where it follows the installation's default. */
export interface OrganisationSettings {
  digestHours: number | null;
  dailyCap: number | null;
  escalation: boolean;
  escalateAfterMinutes: number | null;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** The bounds of each setting, for forms, the API and the database's CHECKs alike. */
export const SETTING_BOUNDS = {
  digestHours: { min: 1, max: 168, label: 'digest hours' },
  dailyCap: { min: 1, max: 1000, label: 'daily cap' },
  escalateAfterMinutes: { min: 5, max: 10_080, label: 'escalate after minutes' },
} as const;

interface SettingsRow {
  digest_hours: number | null;
  daily_cap: number | null;
  escalation: number;
  escalate_after_minutes: number | null;
  updated_at: string;
  updated_by: string;
}

export function organisationSettings(db: Db, orgId: number): OrganisationSettings {
  const row = statement(db, 'SELECT * FROM org_settings WHERE org_id = ?').get(orgId) as SettingsRow | undefined;
  if (row === undefined) return { digestHours: null, dailyCap: null, escalation: true, escalateAfterMinutes: null, updatedAt: null, updatedBy: null };
  return {
    digestHours: row.digest_hours,
    dailyCap: row.daily_cap,
    escalation: row.escalation === 1,
    escalateAfterMinutes: row.escalate_after_minutes,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/** The settings that apply to an organisation: its own where it set them, the installation's otherwise. */
export function effectiveSettings(db: Db, orgId: number, defaults: NotifyDefaults): EffectiveSettings {
  const own = organisationSettings(db, orgId);
  return {
    digestHours: own.digestHours ?? defaults.digestHours,
    dailyCap: own.dailyCap ?? defaults.dailyCap,
    escalateAfterMinutes: own.escalateAfterMinutes ?? defaults.escalateAfterMinutes,
    escalation: own.escalation,
  };
}

/** A change: a number sets, null goes back to the default, absent keeps. */
export interface SettingsChange {
  digestHours?: number | null | undefined;
  dailyCap?: number | null | undefined;
  escalation?: boolean | undefined;
  escalateAfterMinutes?: number | null | undefined;
}

function checked(name: keyof typeof SETTING_BOUNDS, value: number | null | undefined): number | null | undefined {
  if (value === undefined || value === null) return value;
  const { min, max, label } = SETTING_BOUNDS[name];
  if (!Number.isInteger(value) || value < min || value > max) throw new InputError(`${label}: ${JSON.stringify(value)} is not a whole number from ${min} to ${max}`);
  return value;
}

/** Changes an organisation's settings (an {@link InputError} naming the setting when out of bounds), audited. */
export function updateOrganisationSettings(db: Db, orgId: number, change: SettingsChange, actor: string, now: Date = new Date()): OrganisationSettings {
  getOrganisation(db, orgId);
  const digestHours = checked('digestHours', change.digestHours);
  const dailyCap = checked('dailyCap', change.dailyCap);
  const escalateAfterMinutes = checked('escalateAfterMinutes', change.escalateAfterMinutes);
  return db.transaction(() => {
    const current = organisationSettings(db, orgId);
    const next = {
      digestHours: digestHours === undefined ? current.digestHours : digestHours,
      dailyCap: dailyCap === undefined ? current.dailyCap : dailyCap,
      escalation: change.escalation ?? current.escalation,
      escalateAfterMinutes: escalateAfterMinutes === undefined ? current.escalateAfterMinutes : escalateAfterMinutes,
    };
    statement(
      db,
      `INSERT INTO org_settings (org_id, digest_hours, daily_cap, escalation, escalate_after_minutes, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (org_id) DO UPDATE SET digest_hours = excluded.digest_hours, daily_cap = excluded.daily_cap, escalation = excluded.escalation,
         escalate_after_minutes = excluded.escalate_after_minutes, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    ).run(orgId, next.digestHours, next.dailyCap, next.escalation ? 1 : 0, next.escalateAfterMinutes, now.toISOString(), actor);
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((key) => next[key] !== current[key]);
    if (changed.length > 0) audit(db, { actor, orgId, action: 'organisation.settings-changed', detail: Object.fromEntries(changed.map((key) => [key, next[key]])), at: now });
    return organisationSettings(db, orgId);
  })();
}
