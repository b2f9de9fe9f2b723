/**
 * Today's field tasks (五(二)6): which enterprises a branch supervises on site and patrols on a CST
 * date, from the reduction list and the level's intensity in the plan (`field.intensity`). The
 * selection is deterministic and rotates by day, so over consecutive days every enterprise comes up.
 */
import { dayNumber } from './calendar.js';
import type { FieldIntensity, FieldSettings } from './field-plan.js';
import type { WarningLevel } from './plan-types.js';

export interface ListedEnterprise {
  id: string;
  county: string;
  keyEnterprise: boolean;
}

export interface TodaysTasks {
  supervise: string[];
  patrol: string[];
}

/** The intensity of `level` (early = an early response), or null when the plan sets none. */
export function fieldIntensity(
  field: FieldSettings | undefined,
  level: WarningLevel | 'early' | null,
): FieldIntensity | null {
  if (!field || level === null) return null;
  return field.intensity[level] ?? null;
}

/** `count` items of `ids` (sorted) starting at the day's rotation offset, wrapping around. */
export function rotatingWindow(ids: readonly string[], count: number, date: string, salt = 0): string[] {
  const sorted = [...ids].sort();
  const n = Math.min(Math.max(0, Math.floor(count)), sorted.length);
  if (n === 0) return [];
  const start = ((((dayNumber(date) + salt) * n) % sorted.length) + sorted.length) % sorted.length;
  return Array.from({ length: n }, (_, i) => sorted[(start + i) % sorted.length]!);
}

/**
 * A branch's tasks (its county's enterprises) or the enforcement team's (`county` null: patrols over
 * the whole list, offset from the branches' so the two rarely meet at one gate). Key enterprises under
 * on-site supervision: ceil(share × key enterprises); patrols: among the rest of the list.
 */
export function selectTodaysTasks(
  intensity: FieldIntensity,
  enterprises: readonly ListedEnterprise[],
  county: string | null,
  date: string,
): TodaysTasks {
  if (county === null) {
    const all = enterprises.map((e) => e.id);
    return { supervise: [], patrol: rotatingWindow(all, intensity.patrolsEnforcement, date, 7) };
  }
  const own = enterprises.filter((e) => e.county === county);
  const keys = own.filter((e) => e.keyEnterprise).map((e) => e.id);
  const superviseCount = Math.ceil((intensity.onSiteSharePercent * keys.length) / 100 - 1e-9);
  const supervise = rotatingWindow(keys, superviseCount, date);
  const chosen = new Set(supervise);
  const rest = own.map((e) => e.id).filter((id) => !chosen.has(id));
  return { supervise, patrol: rotatingWindow(rest, intensity.patrolsPerBranch, date) };
}
