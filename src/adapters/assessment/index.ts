/**
 * The effect assessment of an episode from PostgreSQL: gathers its inputs — the folded state
 * (episode_projection), the consultations' forecasts and the follow-ups (episode_events), the observed
 * daily AQI of its jurisdiction (aq_hourly, via the air-quality adapter), the electricity verdicts
 * summed per enterprise and level (electricity_verdicts × enterprises, one grouped query) and the
 * expert committee's opinion (episode_expert_opinions) — and hands them to the pure `assessEpisode`.
 */
import type pg from 'pg';
import {
  type AssessmentEpisode,
  type AssessmentInput,
  type EnterpriseLevelCut,
  type EpisodeAssessment,
  type ExpertOpinion,
  assessEpisode,
} from '../../domain/assessment.js';
import { cstDate, parseIso, toCstIso } from '../../domain/calendar.js';
import type { ForecastDay } from '../../domain/classify.js';
import type { EpisodeState } from '../../domain/episode-state.js';
import type { PerformanceGrade, ResponsePlan, WarningLevel } from '../../domain/plan-types.js';
import { getPlan } from '../../domain/plans/index.js';
import { jurisdictionDailyAqi } from '../air-quality/index.js';

export interface StoredOpinion extends ExpertOpinion {
  content: Buffer | null;
}

/** The episode's folded state and plan, or null when the projection has never seen it. */
async function projectedState(pool: pg.Pool, episodeId: string): Promise<EpisodeState | null> {
  const { rows } = await pool.query<{ state: EpisodeState | null }>(
    'SELECT state FROM episode_projection WHERE episode_id = $1',
    [episodeId],
  );
  return rows[0]?.state ?? null;
}

/**
 * Every duty of the episode: the projection's folded list, with the statuses the caller knows (a
 * document request carries the summary duties, fresher than a projection that may lag) laid over it.
 */
export async function episodeDuties(
  pool: pg.Pool,
  episodeId: string,
  known: ReadonlyArray<{
    dutyId: string;
    unitId: string;
    responseDay: number | 'summary' | null;
    status: string;
    dueAt: string | null;
  }>,
): Promise<Array<{ dueAt: string | null; status: string }>> {
  const key = (d: { dutyId: string; unitId: string; responseDay: unknown }) =>
    `${d.dutyId}|${d.unitId}|${String(d.responseDay)}`;
  const byKey = new Map<string, { dueAt: string | null; status: string }>();
  for (const d of (await projectedState(pool, episodeId))?.duties ?? []) byKey.set(key(d), d);
  for (const d of known) byKey.set(key(d), d);
  return [...byKey.values()];
}

/** The electricity verdicts of the episode, summed per enterprise and level. */
export async function enterpriseLevelCuts(pool: pg.Pool, episodeId: string): Promise<EnterpriseLevelCut[]> {
  const { rows } = await pool.query<{
    id: string;
    county: string | null;
    grade: PerformanceGrade | null;
    industry: string | null;
    level: WarningLevel;
    days: number;
    ok: number;
    bad: number;
    nodata: number;
    exempt: number;
    cut_sum: number;
    required_sum: number;
  }>(
    `SELECT v.enterprise_id AS id, e.county, e.grade, e.industry, a.level,
            count(*)::int AS days,
            (count(*) FILTER (WHERE v.verdict = 'compliant'))::int AS ok,
            (count(*) FILTER (WHERE v.verdict = 'non-compliant'))::int AS bad,
            (count(*) FILTER (WHERE v.verdict = 'insufficient-data'))::int AS nodata,
            (count(*) FILTER (WHERE v.verdict = 'exempt'))::int AS exempt,
            coalesce(sum(v.cut) FILTER (WHERE v.verdict IN ('compliant', 'non-compliant')), 0)::float8 AS cut_sum,
            coalesce(sum(v.required) FILTER (WHERE v.verdict IN ('compliant', 'non-compliant')), 0)::float8 AS required_sum
     FROM electricity_verdicts v
     JOIN electricity_assessments a ON a.episode_id = v.episode_id AND a.day = v.day
     LEFT JOIN enterprises e ON e.id = v.enterprise_id
     WHERE v.episode_id = $1
     GROUP BY v.enterprise_id, e.county, e.grade, e.industry, a.level`,
    [episodeId],
  );
  return rows.map((r) => ({
    enterpriseId: r.id,
    county: r.county ?? '',
    grade: r.grade ?? 'unrated',
    industry: r.industry ?? '',
    level: r.level,
    days: r.days,
    compliantDays: r.ok,
    nonCompliantDays: r.bad,
    noDataDays: r.nodata,
    exemptDays: r.exempt,
    cutSum: r.cut_sum,
    requiredSum: r.required_sum,
  }));
}

export async function expertOpinion(
  pool: pg.Pool,
  episodeId: string,
  withContent = false,
): Promise<StoredOpinion | null> {
  const { rows } = await pool.query<{
    text: string;
    document: Buffer | null;
    document_name: string | null;
    document_type: string | null;
    size: number | null;
    updated_by: string;
    updated_at: Date;
    members: Array<{ id: string; name: string; organisation: string; specialty: string }>;
  }>(
    `SELECT text, ${withContent ? 'document' : 'NULL::bytea AS document'}, document_name, document_type,
            octet_length(document) AS size, updated_by, updated_at,
            COALESCE((SELECT json_agg(json_build_object('id', m.id::text, 'name', m.name, 'organisation', m.organisation,
                        'specialty', m.specialty) ORDER BY array_position(o.member_ids, m.id))
                      FROM expert_members m WHERE m.id = ANY(o.member_ids)), '[]'::json) AS members
     FROM episode_expert_opinions o WHERE episode_id = $1`,
    [episodeId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    text: r.text,
    by: r.updated_by,
    at: toCstIso(r.updated_at.getTime()),
    members: r.members,
    document:
      r.document_name !== null
        ? {
            fileName: r.document_name,
            contentType: r.document_type ?? 'application/octet-stream',
            size: r.size ?? 0,
          }
        : null,
    content: r.document,
  };
}

/** Stores (replaces) the committee's opinion; without a document, a stored one is kept unless `dropDocument`. */
export async function saveExpertOpinion(
  pool: pg.Pool,
  input: {
    episodeId: string;
    text: string;
    by: string;
    document?: { fileName: string; contentType: string; data: Buffer; sha256: string } | null;
    dropDocument?: boolean;
    /** The committee's members who gave the opinion (expert_members ids, checked by the caller). */
    memberIds?: readonly string[];
  },
): Promise<void> {
  const d = input.document ?? null;
  await pool.query(
    `INSERT INTO episode_expert_opinions (episode_id, text, document, document_name, document_type, document_sha256, updated_by, updated_at, member_ids)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $9::uuid[])
     ON CONFLICT (episode_id) DO UPDATE SET text = EXCLUDED.text, updated_by = EXCLUDED.updated_by, updated_at = now(),
       member_ids = EXCLUDED.member_ids,
       document = CASE WHEN $8 THEN NULL WHEN EXCLUDED.document IS NULL THEN episode_expert_opinions.document ELSE EXCLUDED.document END,
       document_name = CASE WHEN $8 THEN NULL WHEN EXCLUDED.document IS NULL THEN episode_expert_opinions.document_name ELSE EXCLUDED.document_name END,
       document_type = CASE WHEN $8 THEN NULL WHEN EXCLUDED.document IS NULL THEN episode_expert_opinions.document_type ELSE EXCLUDED.document_type END,
       document_sha256 = CASE WHEN $8 THEN NULL WHEN EXCLUDED.document IS NULL THEN episode_expert_opinions.document_sha256 ELSE EXCLUDED.document_sha256 END`,
    [
      input.episodeId,
      input.text,
      d?.data ?? null,
      d?.fileName ?? null,
      d?.contentType ?? null,
      d?.sha256 ?? null,
      input.by,
      input.dropDocument === true,
      [...(input.memberIds ?? [])],
    ],
  );
}

/** What the caller knows of the episode (the projection's state, or a document request). */
export interface EpisodeFacts {
  episodeId: string;
  jurisdiction: string;
  /** Response day 1; when null, taken from the log's warning.issued / early-response.started. */
  firstDay: string | null;
  warnings: AssessmentEpisode['warnings'];
  liftedAt: string | null;
  closedAt: string | null;
  duties: AssessmentInput['duties'];
}

/**
 * The assessment from what is stored now: the consultations, follow-ups and early response from the
 * event log, the observed days from the stored hours, the verdicts, the opinion. `asOf` (epoch ms) ends
 * the days of an unfinished episode.
 */
export async function assessStored(
  pool: pg.Pool,
  plan: ResponsePlan,
  facts: EpisodeFacts,
  asOf: number,
): Promise<EpisodeAssessment> {
  const { episodeId } = facts;
  const events = await pool.query<{ type: string; at: Date; payload: Record<string, unknown> }>(
    `SELECT type, at, payload FROM episode_events
     WHERE episode_id = $1 AND type IN ('consultation.recorded', 'enforcement.followup', 'early-response.started',
       'early-response.ended', 'warning.issued')
     ORDER BY seq`,
    [episodeId],
  );
  const at = (r: { at: Date }) => toCstIso(r.at.getTime());
  const consultations = events.rows
    .filter((r) => r.type === 'consultation.recorded')
    .map((r) => ({ at: at(r), days: (r.payload.days ?? []) as ForecastDay[] }));
  const followups = events.rows
    .filter((r) => r.type === 'enforcement.followup')
    .map((r) => ({
      enterpriseId: String(r.payload.enterpriseId ?? ''),
      action: (r.payload.action ?? 'inspection') as 'inspection' | 'monitoring' | 'penalty' | 'closed',
      at: at(r),
    }));
  const earlyStart = events.rows.find((r) => r.type === 'early-response.started');
  const earlyEnd = events.rows.find((r) => r.type === 'early-response.ended');
  const issued = events.rows.find((r) => r.type === 'warning.issued');
  const episode: AssessmentEpisode = {
    episodeId,
    jurisdiction: facts.jurisdiction,
    firstDay:
      facts.firstDay ??
      (issued ? String(issued.payload.firstDay ?? cstDate(issued.at.getTime())) : null) ??
      (earlyStart ? String(earlyStart.payload.firstDay ?? cstDate(earlyStart.at.getTime())) : null),
    earlyResponseFrom: earlyStart ? at(earlyStart) : null,
    earlyResponseTo: earlyEnd ? at(earlyEnd) : null,
    warnings: facts.warnings,
    liftedAt: facts.liftedAt,
    closedAt: facts.closedAt,
  };
  const asOfIso = toCstIso(asOf);
  // the observed days of the process (computed from the stored hours)
  const starts = [
    episode.firstDay,
    episode.earlyResponseFrom ? cstDate(parseIso(episode.earlyResponseFrom)) : null,
  ]
    .filter((d): d is string => !!d)
    .sort();
  const from = starts[0];
  const to = cstDate(parseIso(facts.liftedAt ?? facts.closedAt ?? asOfIso));
  const observed =
    from && to >= from
      ? (await jurisdictionDailyAqi(pool, plan, facts.jurisdiction, from, to)).map((d) => ({
          date: d.date,
          aqi: d.value.aqi,
          complete: d.value.complete,
          reason:
            d.value.aqi === null
              ? [d.value.reason, ...Object.values(d.value.missing)].filter(Boolean).join('；')
              : d.value.complete
                ? null
                : Object.values(d.value.missing).join('；'),
        }))
      : [];
  const [electricity, opinion] = await Promise.all([
    enterpriseLevelCuts(pool, episodeId),
    expertOpinion(pool, episodeId),
  ]);
  return assessEpisode({
    plan,
    episode,
    consultations,
    observed,
    electricity,
    duties: facts.duties,
    followups,
    opinion: opinion
      ? {
          text: opinion.text,
          by: opinion.by,
          at: opinion.at,
          document: opinion.document,
          members: opinion.members,
        }
      : null,
    asOf: asOfIso,
  });
}

/** The assessment of an episode from its projection; null when the projection has never seen it. */
export async function episodeAssessment(
  pool: pg.Pool,
  episodeId: string,
  asOf: number,
  planOverride?: ResponsePlan,
): Promise<EpisodeAssessment | null> {
  const state = await projectedState(pool, episodeId);
  if (!state?.jurisdiction) return null;
  const plan = planOverride ?? getPlan(state.planId ?? '', state.planVersion ?? 0);
  return assessStored(
    pool,
    plan,
    {
      episodeId,
      jurisdiction: state.jurisdiction,
      firstDay: state.firstDay,
      warnings: state.warnings,
      liftedAt: state.liftedAt,
      closedAt: state.closedAt,
      duties: state.duties,
    },
    asOf,
  );
}
