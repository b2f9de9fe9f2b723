/**
 * Field records' scope and shared look-ups: a record belongs to a county; a branch reads and writes
 * its own county only, the enforcement team and the office every county (like reports). Also the
 * enterprise a record names, the level in force on a day, and the writer's unit.
 */
import type pg from 'pg';
import { z } from 'zod';
import {
  type ResponsePlan,
  type WarningLevel,
  defaultPlan,
  followUpUnit,
  getPlan,
  nextDate,
  unitOfAnyPlan,
} from '../domain/index.js';
import { KEEPERS, confinedJurisdiction } from './access.js';
import { type ApiError, badRequest, forbidden } from './errors.js';
import type { ApiPrincipal } from './principal-store.js';

/** Who writes field records: the office and the units (object level: their county). */
export const FIELD_WRITERS = KEEPERS;

/** A 400 naming the field, like the schema's own refusals. */
export function fieldError(path: string, message: string): ApiError {
  return badRequest(`${path}: ${message}`, { issues: [{ path, message }] });
}

/** The county a principal is confined to (null = every county). */
export const fieldCounty = (p: ApiPrincipal): string | null => confinedJurisdiction(p);

/** Refuses a record of another county to a branch (403, the same whether it exists or not). */
export function assertFieldCounty(p: ApiPrincipal, county: string): void {
  const own = fieldCounty(p);
  if (own !== null && own !== county) throw forbidden();
}

/** The unit a record is written for: a unit's own, the office's 'office'. */
export function writerUnit(p: ApiPrincipal): string {
  return p.role === 'unit' ? (p.unit ?? '') : (p.unit ?? p.role);
}

export interface FieldEnterprise {
  id: string;
  name: string;
  county: string;
  keyEnterprise: boolean;
  measures: Record<string, { summary?: string; percent?: number }>;
}

/** The enterprise of the reduction list, or a 400 naming `field` (an unknown id is bad input). */
export async function enterpriseFor(
  pool: pg.Pool,
  p: ApiPrincipal,
  id: string,
  field = 'body.enterpriseId',
): Promise<FieldEnterprise> {
  const { rows } = await pool.query<{
    id: string;
    name: string;
    county: string;
    key_enterprise: boolean;
    measures: FieldEnterprise['measures'];
  }>('SELECT id, name, county, key_enterprise, measures FROM enterprises WHERE id = $1', [id]);
  const r = rows[0];
  if (!r) throw fieldError(field, `减排清单中没有企业“${id}”`);
  assertFieldCounty(p, r.county);
  return { id: r.id, name: r.name, county: r.county, keyEnterprise: r.key_enterprise, measures: r.measures };
}

export async function enterpriseNames(pool: pg.Pool, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await pool.query<{ id: string; name: string }>(
    'SELECT id, name FROM enterprises WHERE id = ANY($1::text[])',
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

export interface LevelInForce {
  level: WarningLevel | 'early' | null;
  episodeId: string | null;
  exercise: boolean;
  plan: ResponsePlan;
}

/**
 * The level in force in `county` on `date`: the named episode's, else the latest open episode of the
 * county or the city begun within the 30 days before (its level; 'early' for an early response).
 */
export async function levelInForce(
  pool: pg.Pool,
  county: string | null,
  date: string,
  episodeId?: string,
): Promise<LevelInForce> {
  const { rows } = await pool.query<{
    id: string;
    level: string | null;
    phase: string;
    exercise: boolean;
    plan_id: string;
    plan_version: number;
  }>(
    episodeId
      ? 'SELECT id, level, phase, exercise, plan_id, plan_version FROM episodes WHERE id = $1'
      : `SELECT id, level, phase, exercise, plan_id, plan_version FROM episodes
         WHERE jurisdiction = ANY($1::text[]) AND closed_at IS NULL AND phase IN ('active', 'early-response', 'lifting')
           AND business_date <= $2 AND business_date >= $3
         ORDER BY (jurisdiction = $4) DESC, business_date DESC, id DESC LIMIT 1`,
    episodeId
      ? [episodeId]
      : [
          [county ?? defaultPlan.jurisdiction, defaultPlan.jurisdiction],
          date,
          nextDate(date, -30),
          county ?? '',
        ],
  );
  const r = rows[0];
  if (!r) return { level: null, episodeId: null, exercise: false, plan: defaultPlan };
  let plan = defaultPlan;
  try {
    plan = getPlan(r.plan_id, r.plan_version);
  } catch {
    plan = defaultPlan;
  }
  const level =
    r.phase === 'early-response'
      ? 'early'
      : r.level === 'yellow' || r.level === 'orange' || r.level === 'red'
        ? r.level
        : null;
  return { level, episodeId: r.id, exercise: r.exercise, plan: plan.field ? plan : defaultPlan };
}

/** The branch that owns a county's records (or the enforcement team for a county without one). */
export const ownerOfCounty = (county: string): string => followUpUnit(defaultPlan, county);

/** The county a unit works in (null: the enforcement team and the office, every county). */
export const countyOfUnit = (unitId: string): string | null => unitOfAnyPlan(unitId)?.jurisdiction ?? null;

/** The unit's name in the plan (for messages and lists). */
export const unitLabel = (unitId: string): string => unitOfAnyPlan(unitId)?.name ?? unitId;

const COUNTIES = defaultPlan.jurisdictions.filter((j) => j.kind === 'county');
/** A county of the plan, by id. */
export const countyIdSchema = z.string().refine((c) => COUNTIES.some((j) => j.id === c), {
  message: `one of ${COUNTIES.map((j) => j.id).join(', ')}`,
});

/** A county id from a file's cell: its id or its name (北票市). */
export function countyFromCell(cell: string): string | null {
  const v = cell.trim();
  return COUNTIES.find((j) => j.id === v || j.name === v)?.id ?? null;
}

/** The county a record is written for: a branch's own (another is 403), else the one named (required). */
export function recordCounty(p: ApiPrincipal, asked: string | undefined, field = 'body.county'): string {
  const own = fieldCounty(p);
  if (own !== null) {
    if (asked !== undefined && asked !== own) assertFieldCounty(p, asked);
    return own;
  }
  if (asked === undefined) throw fieldError(field, '请指明县（市）区');
  return asked;
}
