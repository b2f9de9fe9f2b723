/**
 * Cases (案件) in PostgreSQL: opening one (idempotent by its source key when it comes from the
 * electricity accounting), reading one as the API shows it, and its journal of updates.
 */
import type pg from 'pg';
import { type CaseKind, caseDueAt, defaultPlan, toCstIso } from '../../domain/index.js';

type Db = pg.Pool | pg.PoolClient;

export interface CaseRow {
  id: string;
  kind: CaseKind;
  enterprise_id: string;
  county: string;
  episode_id: string | null;
  owner_unit: string;
  title: string;
  opened_at: Date;
  opened_by: string;
  due_at: Date;
  state: 'open' | 'closed';
  closed_at: Date | null;
  closed_by: string | null;
  close_reason: string | null;
  monitoring_result: string | null;
  decision_number: string | null;
  notes: string;
  inspection_id: string | null;
  source_key: string | null;
  escalated_steps: number;
}

export interface NewCase {
  kind: CaseKind;
  enterpriseId: string;
  county: string;
  episodeId: string | null;
  ownerUnit: string;
  title: string;
  openedAt: number;
  openedBy: string;
  /** Absent = the plan's due date for the kind. */
  dueAt?: number;
  notes?: string;
  inspectionId?: string | null;
  monitoringResult?: string | null;
  decisionNumber?: string | null;
  sourceKey?: string | null;
}

/** Opens a case; with a source key, a second open of the same source returns the first case. */
export async function openCase(db: Db, c: NewCase): Promise<{ row: CaseRow; created: boolean }> {
  const field = defaultPlan.field!;
  const due = c.dueAt ?? caseDueAt(defaultPlan, field, c.kind, c.openedAt);
  const { rows } = await db.query<CaseRow>(
    `INSERT INTO field_cases (kind, enterprise_id, county, episode_id, owner_unit, title, opened_at, opened_by,
       due_at, notes, inspection_id, monitoring_result, decision_number, source_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (source_key) DO NOTHING RETURNING *`,
    [
      c.kind,
      c.enterpriseId,
      c.county,
      c.episodeId,
      c.ownerUnit,
      c.title,
      new Date(c.openedAt),
      c.openedBy,
      new Date(due),
      c.notes ?? '',
      c.inspectionId ?? null,
      c.monitoringResult ?? null,
      c.decisionNumber ?? null,
      c.sourceKey ?? null,
    ],
  );
  if (rows[0]) {
    await db.query(
      `INSERT INTO field_case_updates (case_id, at, actor, action, detail) VALUES ($1, $2, $3, 'opened', $4)`,
      [rows[0].id, new Date(c.openedAt), c.openedBy, JSON.stringify({ kind: c.kind })],
    );
    return { row: rows[0], created: true };
  }
  const existing = await db.query<CaseRow>('SELECT * FROM field_cases WHERE source_key = $1', [c.sourceKey]);
  return { row: existing.rows[0]!, created: false };
}

export async function getCase(db: Db, id: string): Promise<CaseRow | null> {
  const { rows } = await db.query<CaseRow>('SELECT * FROM field_cases WHERE id = $1', [id]);
  return rows[0] ?? null;
}

const iso = (d: Date | null) => (d ? toCstIso(d.getTime()) : null);

/** A case as the API answers it. */
export function caseView(r: CaseRow, enterpriseName?: string) {
  return {
    id: r.id,
    kind: r.kind,
    enterpriseId: r.enterprise_id,
    enterpriseName: enterpriseName ?? null,
    county: r.county,
    episodeId: r.episode_id,
    ownerUnit: r.owner_unit,
    title: r.title,
    openedAt: iso(r.opened_at)!,
    openedBy: r.opened_by,
    dueAt: iso(r.due_at)!,
    state: r.state,
    closedAt: iso(r.closed_at),
    closedBy: r.closed_by,
    closeReason: r.close_reason,
    monitoringResult: r.monitoring_result,
    decisionNumber: r.decision_number,
    notes: r.notes,
    inspectionId: r.inspection_id,
    fromElectricity: r.source_key?.startsWith('electricity:') ?? false,
    escalatedSteps: r.escalated_steps,
  };
}
