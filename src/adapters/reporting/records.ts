/**
 * What documents read of an episode from PostgreSQL: its event log (warnings, decisions with the
 * commander's comment, consultations, notices, follow-ups), the units' reports in force (the
 * newest version of each unit and day, as GET /episodes/:id/reports chooses it), their summaries
 * and the texts the office wrote for the work summary.
 */
import type pg from 'pg';
import { toCstIso } from '../../domain/calendar.js';

export interface LoggedEvent {
  seq: number;
  type: string;
  at: string;
  payload: Record<string, unknown>;
}

export async function episodeEvents(
  pool: pg.Pool,
  episodeId: string,
  types: string[],
): Promise<LoggedEvent[]> {
  const { rows } = await pool.query<{
    seq: number;
    type: string;
    at: Date;
    payload: Record<string, unknown>;
  }>(
    'SELECT seq, type, at, payload FROM episode_events WHERE episode_id = $1 AND type = ANY($2) ORDER BY seq',
    [episodeId, types],
  );
  return rows.map((r) => ({ seq: r.seq, type: r.type, at: toCstIso(r.at.getTime()), payload: r.payload }));
}

export interface ReportInForce {
  unitId: string;
  responseDay: number;
  fields: Record<string, unknown>;
}

/** The report in force of each unit and response day (all days, or one). */
export async function reportsInForce(
  pool: pg.Pool,
  episodeId: string,
  responseDay: number | null = null,
): Promise<ReportInForce[]> {
  const { rows } = await pool.query<{
    unit_id: string;
    response_day: number;
    fields: Record<string, unknown>;
  }>(
    `SELECT DISTINCT ON (r.unit_id, r.response_day) r.unit_id, r.response_day, r.fields
     FROM unit_reports r
     LEFT JOIN LATERAL (
       SELECT min(e.seq) AS seq FROM episode_events e
       WHERE e.episode_id = r.episode_id AND e.type = 'report.submitted' AND e.payload->>'reportId' = r.report_id
         AND e.payload->>'unitId' = r.unit_id
     ) e ON true
     WHERE r.episode_id = $1 AND ($2::int IS NULL OR r.response_day = $2)
     ORDER BY r.unit_id, r.response_day, (e.seq IS NULL) DESC, e.seq DESC, r.submitted_at DESC, r.report_id DESC`,
    [episodeId, responseDay],
  );
  return rows.map((r) => ({ unitId: r.unit_id, responseDay: r.response_day, fields: r.fields }));
}

export async function unitSummaries(
  pool: pg.Pool,
  episodeId: string,
): Promise<Array<{ unitId: string; text: string; late: boolean }>> {
  const { rows } = await pool.query<{ unit_id: string; text: string; late: boolean }>(
    'SELECT unit_id, text, late FROM unit_summaries WHERE episode_id = $1 ORDER BY submitted_at, unit_id',
    [episodeId],
  );
  return rows.map((r) => ({ unitId: r.unit_id, text: r.text, late: r.late }));
}

/** 问题与经验 as the office wrote it, or null (the plan's placeholder is printed). */
export async function officeLessons(pool: pg.Pool, episodeId: string): Promise<string | null> {
  const { rows } = await pool.query<{ text: string }>(
    `SELECT text FROM episode_document_texts WHERE episode_id = $1 AND field = 'lessons'`,
    [episodeId],
  );
  return rows[0]?.text ?? null;
}

export async function saveOfficeLessons(
  pool: pg.Pool,
  episodeId: string,
  text: string,
  by: string,
): Promise<void> {
  await pool.query(
    `INSERT INTO episode_document_texts (episode_id, field, text, updated_by) VALUES ($1, 'lessons', $2, $3)
     ON CONFLICT (episode_id, field) DO UPDATE SET text = EXCLUDED.text, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [episodeId, text, by],
  );
}
