/**
 * 一厂一策 filings in PostgreSQL: the enterprises of a year's reduction list with their filing state,
 * filing a sheet (document + measures per level), the branch's review, the history of transitions,
 * and who has not filed yet (for the reminders). Every change is one transaction.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { withTransaction } from '../../db/pool.js';
import { type FilingAction, type FilingState, filingTransition } from '../../domain/filings.js';
import type { WarningLevel } from '../../domain/plan-types.js';

export interface LevelSheet {
  /** The measures at this level, one per line of the sheet. */
  measures: string[];
  /** Expected cut of the enterprise's emissions at this level, percent. */
  expectedCutPercent: number;
  /** Production lines (or processes) stopped at this level. */
  linesToStop: string[];
}
export type FilingLevels = Partial<Record<WarningLevel, LevelSheet>>;

export interface FilingDocumentInput {
  fileName: string;
  contentType: FilingDocumentType;
  data: Buffer;
  sha256: string;
}

export type FilingDocumentType =
  | 'application/pdf'
  | 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
  | 'image/jpeg'
  | 'image/png';

/** The document's type from its first bytes (PDF, DOCX, JPEG, PNG), or null. */
export function sniffFilingDocument(data: Buffer, fileName: string): FilingDocumentType | null {
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (data.subarray(0, 4).toString('latin1') === 'PK\x03\x04' && /\.docx$/i.test(fileName))
    return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  return null;
}

export class FilingError extends Error {
  constructor(
    readonly kind: 'not-found' | 'conflict' | 'forbidden' | 'validation',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The list version a year's filings follow: its latest published version, else its draft. */
export async function yearListId(db: pg.Pool | pg.PoolClient, year: number): Promise<number | null> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM reduction_lists WHERE year = $1
     ORDER BY (state = 'published') DESC, effective_from DESC NULLS LAST, id DESC LIMIT 1`,
    [year],
  );
  return rows[0] ? Number(rows[0].id) : null;
}

export interface FilingRow {
  enterpriseId: string;
  name: string;
  county: string;
  keyEnterprise: boolean;
  state: FilingState;
  revision: number;
  filedBy: string | null;
  filedAt: number | null;
  reviewedBy: string | null;
  reviewedAt: number | null;
  reason: string | null;
}

interface RowDb {
  enterprise_id: string;
  name: string;
  county: string;
  key_enterprise: boolean;
  state: FilingState | null;
  revision: number | null;
  filed_by: string | null;
  filed_at: Date | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  reason: string | null;
}

const rowOf = (r: RowDb): FilingRow => ({
  enterpriseId: r.enterprise_id,
  name: r.name,
  county: r.county,
  keyEnterprise: r.key_enterprise,
  state: r.state ?? 'unfiled',
  revision: r.revision ?? 0,
  filedBy: r.filed_by,
  filedAt: r.filed_at?.getTime() ?? null,
  reviewedBy: r.reviewed_by,
  reviewedAt: r.reviewed_at?.getTime() ?? null,
  reason: r.reason,
});

/** The enterprises of the year's list with their filing state (未报备 when none was filed). */
export async function filingRows(
  db: pg.Pool | pg.PoolClient,
  q: { year: number; county?: string | null; state?: FilingState; enterpriseId?: string },
): Promise<FilingRow[]> {
  const listId = await yearListId(db, q.year);
  if (listId === null) return [];
  const { rows } = await db.query<RowDb>(
    `SELECT e.enterprise_id, e.name, e.county, e.key_enterprise, f.state, f.revision, f.filed_by, f.filed_at,
            f.reviewed_by, f.reviewed_at, f.reason
     FROM reduction_list_entries e
     LEFT JOIN filings f ON f.enterprise_id = e.enterprise_id AND f.year = $2
     WHERE e.list_id = $1 AND ($3::text IS NULL OR e.county = $3)
       AND ($4::text IS NULL OR COALESCE(f.state, 'unfiled') = $4)
       AND ($5::text IS NULL OR e.enterprise_id = $5)
     ORDER BY e.county, e.enterprise_id`,
    [listId, q.year, q.county ?? null, q.state ?? null, q.enterpriseId ?? null],
  );
  return rows.map(rowOf);
}

export interface FilingDetail extends FilingRow {
  levels: FilingLevels;
  document: { id: string; fileName: string; contentType: string; size: number; sha256: string } | null;
  history: Array<{ from: FilingState; to: FilingState; actor: string; reason: string | null; at: number }>;
}

export async function filingDetail(
  db: pg.Pool | pg.PoolClient,
  year: number,
  enterpriseId: string,
): Promise<FilingDetail | null> {
  const [row] = await filingRows(db, { year, enterpriseId });
  if (!row) return null;
  const f = await db.query<{
    levels: FilingLevels;
    document_id: string | null;
    file_name: string | null;
    content_type: string | null;
    size: number | null;
    sha256: string | null;
  }>(
    `SELECT f.levels, f.document_id, d.file_name, d.content_type, d.size, d.sha256
     FROM filings f LEFT JOIN filing_documents d ON d.id = f.document_id
     WHERE f.enterprise_id = $1 AND f.year = $2`,
    [enterpriseId, year],
  );
  const events = await db.query<{
    from_state: FilingState;
    to_state: FilingState;
    actor: string;
    reason: string | null;
    at: Date;
  }>(
    'SELECT from_state, to_state, actor, reason, at FROM filing_events WHERE enterprise_id = $1 AND year = $2 ORDER BY id',
    [enterpriseId, year],
  );
  const x = f.rows[0];
  return {
    ...row,
    levels: x?.levels ?? {},
    document: x?.document_id
      ? {
          id: x.document_id,
          fileName: x.file_name ?? '',
          contentType: x.content_type ?? '',
          size: x.size ?? 0,
          sha256: x.sha256 ?? '',
        }
      : null,
    history: events.rows.map((e) => ({
      from: e.from_state,
      to: e.to_state,
      actor: e.actor,
      reason: e.reason,
      at: e.at.getTime(),
    })),
  };
}

/** The county of an enterprise on the year's list, or null when it is not on it. */
async function countyOnList(
  client: pg.PoolClient,
  year: number,
  enterpriseId: string,
): Promise<string | null> {
  const listId = await yearListId(client, year);
  if (listId === null) return null;
  const { rows } = await client.query<{ county: string }>(
    'SELECT county FROM reduction_list_entries WHERE list_id = $1 AND enterprise_id = $2',
    [listId, enterpriseId],
  );
  return rows[0]?.county ?? null;
}

const canonical = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonical).join(',')}]`
    : v !== null && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(v);

/**
 * Files (or re-files) an enterprise's sheet. `confinedTo`: the county the actor manages (null: the
 * office, every county). The same sheet again while it is filed changes nothing (`changed: false`).
 */
export async function fileSheet(
  pool: pg.Pool,
  input: {
    year: number;
    enterpriseId: string;
    levels: FilingLevels;
    document: FilingDocumentInput | null;
    actor: string;
    confinedTo: string | null;
  },
): Promise<{ changed: boolean }> {
  return withTransaction(pool, async (client) => {
    const county = await countyOnList(client, input.year, input.enterpriseId);
    if (county === null) throw new FilingError('not-found', 'enterprise not on the year’s reduction list');
    if (input.confinedTo !== null && input.confinedTo !== county)
      throw new FilingError('forbidden', 'county');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `filing:${input.year}:${input.enterpriseId}`,
    ]);
    const current = await client.query<{
      state: FilingState;
      content_hash: string;
      document_id: string | null;
    }>('SELECT state, content_hash, document_id FROM filings WHERE enterprise_id = $1 AND year = $2', [
      input.enterpriseId,
      input.year,
    ]);
    const from: FilingState = current.rows[0]?.state ?? 'unfiled';
    const hash = createHash('sha256')
      .update(canonical({ levels: input.levels, document: input.document?.sha256 ?? null }))
      .digest('hex');
    if (from === 'filed' && current.rows[0]?.content_hash === hash) return { changed: false };
    const to = filingTransition(from, 'file');
    if (to === null)
      throw new FilingError('conflict', 'the sheet is approved (已审核) and cannot be filed again');
    let documentId: string | null = current.rows[0]?.document_id ?? null;
    if (input.document) {
      const d = input.document;
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO filing_documents (enterprise_id, year, content_type, file_name, size, sha256, data, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          input.enterpriseId,
          input.year,
          d.contentType,
          d.fileName,
          d.data.length,
          d.sha256,
          d.data,
          input.actor,
        ],
      );
      documentId = rows[0]!.id;
    }
    await client.query(
      `INSERT INTO filings (enterprise_id, year, county, state, levels, content_hash, document_id, filed_by)
       VALUES ($1, $2, $3, 'filed', $4, $5, $6, $7)
       ON CONFLICT (enterprise_id, year) DO UPDATE SET state = 'filed', county = EXCLUDED.county,
         levels = EXCLUDED.levels, content_hash = EXCLUDED.content_hash, document_id = EXCLUDED.document_id,
         filed_by = EXCLUDED.filed_by, filed_at = now(), revision = filings.revision + 1,
         reviewed_by = NULL, reviewed_at = NULL`,
      [input.enterpriseId, input.year, county, JSON.stringify(input.levels), hash, documentId, input.actor],
    );
    await client.query(
      'INSERT INTO filing_events (enterprise_id, year, from_state, to_state, actor) VALUES ($1, $2, $3, $4, $5)',
      [input.enterpriseId, input.year, from, to, input.actor],
    );
    return { changed: true };
  });
}

/**
 * The branch's review: approve (已审核) or return (退回修改, a reason required) a filed sheet. Only the
 * branch of the enterprise's county reviews. The same decision again changes nothing.
 */
export async function reviewFiling(
  pool: pg.Pool,
  input: {
    year: number;
    enterpriseId: string;
    decision: Exclude<FilingAction, 'file'>;
    reason: string | null;
    actor: string;
    reviewerCounty: string;
  },
): Promise<{ changed: boolean; state: FilingState }> {
  return withTransaction(pool, async (client) => {
    const county = await countyOnList(client, input.year, input.enterpriseId);
    if (county === null) throw new FilingError('not-found', 'enterprise not on the year’s reduction list');
    if (input.reviewerCounty !== county) throw new FilingError('forbidden', 'county');
    if (input.decision === 'return' && !input.reason)
      throw new FilingError('validation', 'a returned sheet says why (reason)', 'reason');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `filing:${input.year}:${input.enterpriseId}`,
    ]);
    const current = await client.query<{ state: FilingState; reason: string | null }>(
      'SELECT state, reason FROM filings WHERE enterprise_id = $1 AND year = $2',
      [input.enterpriseId, input.year],
    );
    const from: FilingState = current.rows[0]?.state ?? 'unfiled';
    const target: FilingState = input.decision === 'approve' ? 'approved' : 'returned';
    if (from === target && (current.rows[0]?.reason ?? null) === (input.reason ?? null))
      return { changed: false, state: from };
    const to = filingTransition(from, input.decision);
    if (to === null)
      throw new FilingError(
        'conflict',
        `a sheet in state ${from} cannot be ${input.decision === 'approve' ? 'approved' : 'returned'}`,
      );
    await client.query(
      `UPDATE filings SET state = $3, reviewed_by = $4, reviewed_at = now(), reason = $5
       WHERE enterprise_id = $1 AND year = $2`,
      [input.enterpriseId, input.year, to, input.actor, input.reason],
    );
    await client.query(
      'INSERT INTO filing_events (enterprise_id, year, from_state, to_state, actor, reason) VALUES ($1, $2, $3, $4, $5, $6)',
      [input.enterpriseId, input.year, from, to, input.actor, input.reason],
    );
    return { changed: true, state: to };
  });
}

/** Per county, the enterprises of the year's list with no sheet filed or theirs returned. */
export async function unfiledByCounty(
  db: pg.Pool | pg.PoolClient,
  year: number,
): Promise<Array<{ county: string; count: number; names: string[] }>> {
  const listId = await yearListId(db, year);
  if (listId === null) return [];
  const { rows } = await db.query<{ county: string; count: number; names: string[] }>(
    `SELECT e.county, count(*)::int AS count, (array_agg(e.name ORDER BY e.key_enterprise DESC, e.enterprise_id))[1:10] AS names
     FROM reduction_list_entries e
     LEFT JOIN filings f ON f.enterprise_id = e.enterprise_id AND f.year = $2
     WHERE e.list_id = $1 AND (f.state IS NULL OR f.state = 'returned')
     GROUP BY e.county ORDER BY e.county`,
    [listId, year],
  );
  return rows;
}

/**
 * The sheet an inspection at `atMs` checks against (for the field work): the enterprise's filing for
 * the year of the list version in force then, when it is filed or approved; else null.
 */
export async function sheetInForce(
  db: pg.Pool | pg.PoolClient,
  enterpriseId: string,
  atMs: number,
): Promise<{ year: number; state: 'filed' | 'approved'; levels: FilingLevels } | null> {
  const { rows } = await db.query<{ year: number; state: 'filed' | 'approved'; levels: FilingLevels }>(
    `SELECT f.year, f.state, f.levels FROM filings f
     JOIN reduction_lists l ON l.year = f.year
     WHERE l.id = (SELECT id FROM reduction_lists WHERE state = 'published' AND effective_from <= $2
                   ORDER BY effective_from DESC, id DESC LIMIT 1)
       AND f.enterprise_id = $1 AND f.state IN ('filed', 'approved')`,
    [enterpriseId, new Date(atMs)],
  );
  return rows[0] ?? null;
}
