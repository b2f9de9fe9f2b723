/**
 * Electricity assessment of one response day for every enterprise on the reduction list, with the
 * domain rules (baseline, required cut, verdict). Two set-based queries pull the list and, per
 * enterprise, the daily sums over its meters for the baseline window and the day; the verdicts are
 * stored per (episode, day) — recomputing replaces them (late readings change the result).
 */
import type pg from 'pg';
import { cstDate, nextDate } from '../../domain/calendar.js';
import {
  accountedCounties,
  assessWithBaseline,
  computeBaseline,
  consumptionOn,
  type Enterprise,
  electricityContext,
  type MeterReading,
} from '../../domain/electricity.js';
import { DomainError, ErrorCode } from '../../domain/errors.js';
import type { ResponsePlan, WarningLevel } from '../../domain/plan-types.js';
import { ruleGrade } from '../../domain/reduction-list.js';
import { withTransaction } from '../../db/pool.js';
import { versionInForceAt } from './reduction-lists.js';

export interface AssessDayInput {
  episodeId: string;
  /** Epoch ms of the episode start: the baseline uses the days before its CST date. */
  episodeStart: number;
  /** 'YYYY-MM-DD' (CST). */
  day: string;
  level: WarningLevel;
  /** Further dates the baseline must skip (earlier episodes …). */
  excludedDates?: string[];
}

export interface NonCompliantEnterprise {
  enterpriseId: string;
  name: string;
  /** Plan jurisdiction id. */
  county: string;
  key: boolean;
  /** The performance grade as the list writes it (B- stays B-). */
  gradeLabel?: string;
  /** Achieved cut and required cut, fractions (0.12 = 12 %). */
  cut: number;
  required: number;
  baseline: number;
  consumption: number;
}

export interface NoDataEnterprise {
  enterpriseId: string;
  name: string;
  county: string;
  key: boolean;
  /** 'no-baseline' | 'zero-baseline' | 'no-reading' */
  reason: string;
}

export interface DayAssessment {
  day: string;
  level: WarningLevel;
  counts: {
    total: number;
    compliant: number;
    nonCompliant: number;
    insufficientData: number;
    exempt: number;
  };
  /** Key enterprises first, then the largest shortfall; at most LIST_CAP entries (see counts). */
  nonCompliant: NonCompliantEnterprise[];
  noData: NoDataEnterprise[];
  truncated: boolean;
  /** The list version assessed (in force when the episode started); null: the register before versions. */
  listId?: number | null;
}

/** Payload cap for the lists handed back to the workflow (full verdicts stay in PostgreSQL). */
export const LIST_CAP = 200;

interface EnterpriseRow {
  id: string;
  name: string;
  county: string;
  grade_label: string;
  key_enterprise: boolean;
  exemption: string;
  measures: Partial<Record<WarningLevel, { percent?: number }>>;
}

interface SeriesRow {
  enterprise_id: string;
  days: string[];
  kwh: Array<number | null>;
}

export async function assessDay(
  pool: pg.Pool,
  plan: ResponsePlan,
  input: AssessDayInput,
): Promise<DayAssessment> {
  const episodeStartDate = cstDate(input.episodeStart);
  if (input.day < episodeStartDate) {
    throw new DomainError(
      ErrorCode.VALIDATION,
      `day ${input.day} is before the episode start ${episodeStartDate}`,
    );
  }
  const ctx = electricityContext(plan, episodeStartDate, input.excludedDates ?? []);
  const lookbackFrom = nextDate(episodeStartDate, -plan.electricity.lookbackDays);
  // The list in force when the episode started (published versions never change, so this is the same
  // answer on every day of the episode); before any version took effect, the register of enterprises.
  const listId = await versionInForceAt(pool, input.episodeStart);

  const [enterprises, series] = await Promise.all([
    pool.query<EnterpriseRow>(
      `SELECT id, name, county, grade_label, key_enterprise, exemption, measures FROM enterprises
       WHERE $2::bigint IS NULL AND ($1::text[] IS NULL OR county = ANY($1::text[]))
       UNION ALL
       SELECT enterprise_id, name, county, grade_label, key_enterprise, exemption, measures
       FROM reduction_list_entries
       WHERE list_id = $2::bigint AND ($1::text[] IS NULL OR county = ANY($1::text[]))
       ORDER BY id`,
      [accountedCounties(plan), listId],
    ),
    // Per enterprise: the daily sum over its meters; a day on which a meter is missing counts as missing.
    pool.query<SeriesRow>(
      `WITH em AS (
         SELECT enterprise_id, meter_id FROM enterprise_meters WHERE $4::bigint IS NULL
         UNION ALL
         SELECT enterprise_id, unnest(meter_ids) FROM reduction_list_entries WHERE list_id = $4::bigint),
       mc AS (SELECT enterprise_id, count(*) AS n FROM em GROUP BY enterprise_id),
       daily AS (
         SELECT m.enterprise_id, r.day, sum(r.kwh) AS kwh, count(*) AS n
         FROM meter_readings r JOIN em m ON m.meter_id = r.meter_id
         WHERE (r.day >= $1::date AND r.day < $2::date) OR r.day = $3::date
         GROUP BY m.enterprise_id, r.day)
       SELECT d.enterprise_id,
              array_agg(to_char(d.day, 'YYYY-MM-DD') ORDER BY d.day) AS days,
              array_agg(CASE WHEN d.n = mc.n THEN d.kwh END ORDER BY d.day) AS kwh
       FROM daily d JOIN mc USING (enterprise_id)
       GROUP BY d.enterprise_id`,
      [lookbackFrom, episodeStartDate, input.day, listId],
    ),
  ]);

  const byEnterprise = new Map<string, MeterReading[]>();
  for (const s of series.rows) {
    const readings = new Array<MeterReading>(s.days.length);
    for (let i = 0; i < s.days.length; i++) {
      const kwh = s.kwh[i];
      readings[i] = {
        date: s.days[i] as string,
        kwh: kwh === null || kwh === undefined ? null : Number(kwh),
      };
    }
    byEnterprise.set(s.enterprise_id, readings);
  }

  const counts = { total: 0, compliant: 0, nonCompliant: 0, insufficientData: 0, exempt: 0 };
  const nonCompliant: NonCompliantEnterprise[] = [];
  const noData: NoDataEnterprise[] = [];
  const verdictRows = {
    id: [] as string[],
    verdict: [] as string[],
    reason: [] as string[],
    baseline: [] as Array<number | null>,
    consumption: [] as Array<number | null>,
    cut: [] as Array<number | null>,
    required: [] as Array<number | null>,
    daysUsed: [] as number[],
    gradeLabel: [] as string[],
    county: [] as string[],
  };
  const empty: MeterReading[] = [];
  for (const e of enterprises.rows) {
    const measurePercent: Partial<Record<WarningLevel, number>> = {};
    for (const level of ['yellow', 'orange', 'red'] as const) {
      const p = e.measures?.[level]?.percent;
      if (typeof p === 'number') measurePercent[level] = p;
    }
    const enterprise: Enterprise = {
      id: e.id,
      name: e.name,
      grade: ruleGrade(e.grade_label),
      key: e.key_enterprise,
      flags: e.exemption === 'none' ? [] : [e.exemption],
      measurePercent,
    };
    const readings = byEnterprise.get(e.id) ?? empty;
    const v = assessWithBaseline(
      ctx,
      enterprise,
      computeBaseline(ctx, readings),
      consumptionOn(readings, input.day),
      input.day,
      input.level,
    );
    counts.total++;
    switch (v.verdict) {
      case 'compliant':
        counts.compliant++;
        break;
      case 'exempt':
        counts.exempt++;
        break;
      case 'non-compliant':
        counts.nonCompliant++;
        nonCompliant.push({
          enterpriseId: e.id,
          name: e.name,
          county: e.county,
          key: e.key_enterprise,
          gradeLabel: e.grade_label,
          cut: v.cut as number,
          required: v.required as number,
          baseline: v.baseline as number,
          consumption: v.consumption as number,
        });
        break;
      case 'insufficient-data':
        counts.insufficientData++;
        noData.push({
          enterpriseId: e.id,
          name: e.name,
          county: e.county,
          key: e.key_enterprise,
          reason: v.reason,
        });
        break;
    }
    verdictRows.id.push(e.id);
    verdictRows.verdict.push(v.verdict);
    verdictRows.reason.push(v.reason);
    verdictRows.baseline.push(v.baseline);
    verdictRows.consumption.push(v.consumption);
    verdictRows.cut.push(v.cut);
    verdictRows.required.push(v.required);
    verdictRows.daysUsed.push(v.daysUsed);
    verdictRows.gradeLabel.push(e.grade_label);
    verdictRows.county.push(e.county);
  }

  nonCompliant.sort(
    (a, b) =>
      Number(b.key) - Number(a.key) ||
      b.required - b.cut - (a.required - a.cut) ||
      (a.enterpriseId < b.enterpriseId ? -1 : 1),
  );
  noData.sort((a, b) => Number(b.key) - Number(a.key) || (a.enterpriseId < b.enterpriseId ? -1 : 1));
  const result: DayAssessment = {
    day: input.day,
    level: input.level,
    counts,
    nonCompliant: nonCompliant.slice(0, LIST_CAP),
    noData: noData.slice(0, LIST_CAP),
    truncated: nonCompliant.length > LIST_CAP || noData.length > LIST_CAP,
    listId,
  };

  await withTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO electricity_assessments (episode_id, day, level, counts, summary, computed_at, list_id)
       VALUES ($1, $2, $3, $4, $5, now(), $6)
       ON CONFLICT (episode_id, day) DO UPDATE SET level = EXCLUDED.level, counts = EXCLUDED.counts,
         summary = EXCLUDED.summary, computed_at = now(), list_id = EXCLUDED.list_id`,
      [input.episodeId, input.day, input.level, JSON.stringify(counts), JSON.stringify(result), listId],
    );
    await client.query('DELETE FROM electricity_verdicts WHERE episode_id = $1 AND day = $2', [
      input.episodeId,
      input.day,
    ]);
    await client.query(
      `INSERT INTO electricity_verdicts (episode_id, day, enterprise_id, verdict, reason, baseline, consumption, cut, required, days_used, grade_label, county, list_id)
       SELECT $1, $2::date, t.*, $13::bigint FROM unnest($3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::int[], $11::text[], $12::text[]) AS t`,
      [
        input.episodeId,
        input.day,
        verdictRows.id,
        verdictRows.verdict,
        verdictRows.reason,
        verdictRows.baseline,
        verdictRows.consumption,
        verdictRows.cut,
        verdictRows.required,
        verdictRows.daysUsed,
        verdictRows.gradeLabel,
        verdictRows.county,
        listId,
      ],
    );
  });
  return result;
}

/** A stored assessment (the payload returned when it was computed), or null. */
export async function getDayAssessment(
  pool: pg.Pool,
  episodeId: string,
  day: string,
): Promise<DayAssessment | null> {
  const { rows } = await pool.query<{ summary: DayAssessment }>(
    'SELECT summary FROM electricity_assessments WHERE episode_id = $1 AND day = $2',
    [episodeId, day],
  );
  return rows[0]?.summary ?? null;
}
