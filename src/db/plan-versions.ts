/**
 * The response plans' versions in PostgreSQL (`plan_versions`, 五(一)1): seeding from the repository's
 * plans, drafts, publication with an effective date, the version in force for a jurisdiction, and
 * the lookup of a published version by (id, version). A published row never changes (a trigger
 * refuses it), so a published version read once is cached for the life of the process.
 */
import type pg from 'pg';
import {
  DomainError,
  ErrorCode,
  type ResponsePlan,
  cstDate,
  getPlan,
  listPlans,
  planForJurisdiction,
} from '../domain/index.js';

export type PlanState = 'draft' | 'published';

/** One version's record (its content apart). */
export interface PlanVersionRecord {
  planId: string;
  version: number;
  jurisdiction: string;
  name: string;
  state: PlanState;
  /** CST date from which a published version governs new episodes (null for a draft). */
  effectiveFrom: string | null;
  source: 'repository' | 'upload';
  draftedBy: string;
  draftedAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
}

interface Row {
  plan_id: string;
  version: number;
  jurisdiction: string;
  name: string;
  state: PlanState;
  effective_from: string | null;
  source: 'repository' | 'upload';
  drafted_by: string;
  drafted_at: Date;
  published_by: string | null;
  published_at: Date | null;
}

const COLUMNS = `plan_id, version, jurisdiction, name, state, effective_from::text AS effective_from, source,
  drafted_by, drafted_at, published_by, published_at`;

const toRecord = (r: Row): PlanVersionRecord => ({
  planId: r.plan_id,
  version: r.version,
  jurisdiction: r.jurisdiction,
  name: r.name,
  state: r.state,
  effectiveFrom: r.effective_from,
  source: r.source,
  draftedBy: r.drafted_by,
  draftedAt: r.drafted_at.toISOString(),
  publishedBy: r.published_by,
  publishedAt: r.published_at ? r.published_at.toISOString() : null,
});

/**
 * Inserts every plan of the repository's registry (the city's and each county's) as a published
 * version, effective from the plan's own `effectiveFrom`; a version already stored is left as it is.
 * Returns the versions inserted and those whose stored content differs from the repository's (a
 * changed repository plan must become a new version, not rewrite a published one).
 */
export async function seedRepositoryPlans(
  pool: pg.Pool | pg.PoolClient,
): Promise<{ inserted: string[]; differing: string[] }> {
  const inserted: string[] = [];
  const differing: string[] = [];
  for (const { id, version } of listPlans()) {
    const plan = getPlan(id, version);
    const content = JSON.stringify(plan);
    const res = await pool.query(
      `INSERT INTO plan_versions (plan_id, version, jurisdiction, name, content, state, effective_from,
         source, drafted_by, published_by, published_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, 'published', $6, 'repository', 'repository', 'repository', now())
       ON CONFLICT (plan_id, version) DO NOTHING`,
      [plan.id, plan.version, plan.jurisdiction, plan.name, content, plan.effectiveFrom],
    );
    if (res.rowCount === 1) inserted.push(`${id}@${version}`);
    else {
      const same = await pool.query<{ same: boolean }>(
        'SELECT content = $3::jsonb AS same FROM plan_versions WHERE plan_id = $1 AND version = $2',
        [id, version, content],
      );
      if (same.rows[0] && !same.rows[0].same) differing.push(`${id}@${version}`);
    }
  }
  return { inserted, differing };
}

const published = new WeakMap<object, Map<string, ResponsePlan>>();

/**
 * A published version by (id, version), or null. Cached per pool: a published row is immutable.
 * Drafts are never answered here (an episode runs only under a published version).
 */
export async function publishedPlan(
  pool: pg.Pool,
  id: string,
  version: number,
): Promise<ResponsePlan | null> {
  let cache = published.get(pool);
  if (!cache) {
    cache = new Map();
    published.set(pool, cache);
  }
  const key = `${id}@${version}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { rows } = await pool.query<{ content: ResponsePlan }>(
    `SELECT content FROM plan_versions WHERE plan_id = $1 AND version = $2 AND state = 'published'`,
    [id, version],
  );
  const plan = rows[0]?.content;
  if (!plan) return null;
  cache.set(key, plan);
  return plan;
}

/**
 * The plan an episode runs under, by the (id, version) it pinned: the published row, else the
 * repository's registry (an episode recorded before plans were data, or a database not seeded).
 * Throws DomainError(NOT_FOUND) when neither has it.
 */
export async function pinnedPlan(pool: pg.Pool, id: string, version: number): Promise<ResponsePlan> {
  return (await publishedPlan(pool, id, version)) ?? getPlan(id, version);
}

/** The record and content of the published version governing `jurisdiction` at `atMs` (CST date). */
export async function planInForce(
  pool: pg.Pool,
  jurisdiction: string,
  atMs: number,
): Promise<{ record: PlanVersionRecord; plan: ResponsePlan } | null> {
  const { rows } = await pool.query<Row & { content: ResponsePlan }>(
    `SELECT ${COLUMNS}, content FROM plan_versions
     WHERE jurisdiction = $1 AND state = 'published' AND effective_from <= $2::date
     ORDER BY effective_from DESC, version DESC LIMIT 1`,
    [jurisdiction, cstDate(atMs)],
  );
  const row = rows[0];
  return row ? { record: toRecord(row), plan: row.content } : null;
}

/** Every version (newest first per plan), optionally of the given jurisdictions only. */
export async function listPlanVersions(
  pool: pg.Pool,
  jurisdictions: readonly string[] | null,
): Promise<PlanVersionRecord[]> {
  const { rows } = await pool.query<Row>(
    `SELECT ${COLUMNS} FROM plan_versions
     WHERE $1::text[] IS NULL OR jurisdiction = ANY($1::text[])
     ORDER BY jurisdiction, plan_id, version DESC`,
    [jurisdictions],
  );
  return rows.map(toRecord);
}

/** One version with its content (draft or published), or null. */
export async function planVersion(
  pool: pg.Pool,
  id: string,
  version: number,
): Promise<{ record: PlanVersionRecord; plan: ResponsePlan } | null> {
  const { rows } = await pool.query<Row & { content: ResponsePlan }>(
    `SELECT ${COLUMNS}, content FROM plan_versions WHERE plan_id = $1 AND version = $2`,
    [id, version],
  );
  const row = rows[0];
  return row ? { record: toRecord(row), plan: row.content } : null;
}

/** The latest version of a plan id (any state), or null when the id has none. */
export async function latestVersion(pool: pg.Pool, id: string): Promise<PlanVersionRecord | null> {
  const { rows } = await pool.query<Row>(
    `SELECT ${COLUMNS} FROM plan_versions WHERE plan_id = $1 ORDER BY version DESC LIMIT 1`,
    [id],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/** The latest published version of every plan id. */
export async function publishedPlans(pool: pg.Pool): Promise<ResponsePlan[]> {
  const { rows } = await pool.query<{ content: ResponsePlan }>(
    `SELECT DISTINCT ON (plan_id) content FROM plan_versions WHERE state = 'published'
     ORDER BY plan_id, version DESC`,
  );
  return rows.map((r) => r.content);
}

/** The latest published version of a plan id, or null. */
export async function latestPublished(pool: pg.Pool, id: string): Promise<ResponsePlan | null> {
  const { rows } = await pool.query<{ content: ResponsePlan }>(
    `SELECT content FROM plan_versions WHERE plan_id = $1 AND state = 'published'
     ORDER BY version DESC LIMIT 1`,
    [id],
  );
  return rows[0]?.content ?? null;
}

/**
 * Stores a validated plan as the plan's open draft: replaces the content of the draft there is, or
 * opens one with the next version number. The stored content carries that version number (whatever
 * the upload said). Serialised per plan id, so two uploads never take the same number.
 */
export async function saveDraft(
  pool: pg.Pool,
  plan: ResponsePlan,
  by: string,
): Promise<{ record: PlanVersionRecord; plan: ResponsePlan; created: boolean }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`plan:${plan.id}`]);
    const { rows } = await client.query<{ version: number; state: PlanState }>(
      `SELECT version, state FROM plan_versions WHERE plan_id = $1 ORDER BY version DESC LIMIT 1`,
      [plan.id],
    );
    const last = rows[0];
    const draftVersion = last?.state === 'draft' ? last.version : (last?.version ?? 0) + 1;
    const stored: ResponsePlan = { ...plan, version: draftVersion };
    const saved = await client.query<Row>(
      `INSERT INTO plan_versions (plan_id, version, jurisdiction, name, content, state, source, drafted_by)
       VALUES ($1, $2, $3, $4, $5::jsonb, 'draft', 'upload', $6)
       ON CONFLICT (plan_id, version) DO UPDATE
         SET jurisdiction = EXCLUDED.jurisdiction, name = EXCLUDED.name, content = EXCLUDED.content,
             drafted_by = EXCLUDED.drafted_by, drafted_at = now()
       RETURNING ${COLUMNS}`,
      [plan.id, draftVersion, plan.jurisdiction, plan.name, JSON.stringify(stored), by],
    );
    await client.query('COMMIT');
    return { record: toRecord(saved.rows[0] as Row), plan: stored, created: last?.state !== 'draft' };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Publishes a draft, effective from `effectiveFrom` (a CST date written into the content's own
 * `effectiveFrom`). Null when (id, version) is no draft (absent, or published already).
 */
export async function publishDraft(
  pool: pg.Pool,
  id: string,
  version: number,
  effectiveFrom: string,
  by: string,
): Promise<PlanVersionRecord | null> {
  const { rows } = await pool.query<Row>(
    `UPDATE plan_versions
       SET state = 'published', effective_from = $3::date, published_by = $4, published_at = now(),
           content = jsonb_set(content, '{effectiveFrom}', to_jsonb($3::text))
     WHERE plan_id = $1 AND version = $2 AND state = 'draft'
     RETURNING ${COLUMNS}`,
    [id, version, effectiveFrom, by],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * The published plan governing `jurisdiction` at `atMs`, else the repository's latest for it (a
 * database not seeded). Throws DomainError(NOT_FOUND) when neither governs it.
 */
export async function governingPlan(
  pool: pg.Pool,
  jurisdiction: string,
  atMs: number,
): Promise<ResponsePlan> {
  return (await planInForce(pool, jurisdiction, atMs))?.plan ?? planForJurisdiction(jurisdiction);
}

/**
 * The version an episode starting at `atMs` pins: the one in force for its jurisdiction; with
 * `planId` alone, that plan's version in force; with `planVersion`, that published version (of
 * `planId`, or of the plan in force). Throws DomainError(VALIDATION, path body.jurisdiction) when no
 * plan governs the jurisdiction, DomainError(NOT_FOUND) when the named version is not published.
 */
export async function episodePlanAtStart(
  pool: pg.Pool,
  want: { jurisdiction: string; planId?: string; planVersion?: number; atMs: number },
): Promise<ResponsePlan> {
  const inForce = await planInForce(pool, want.jurisdiction, want.atMs);
  const id = want.planId ?? inForce?.plan.id;
  if (id === undefined) {
    const message = '该行政区没有施行中的重污染天气应急预案';
    throw new DomainError(ErrorCode.VALIDATION, `jurisdiction: ${message}`, {
      issues: [{ path: 'body.jurisdiction', message }],
    });
  }
  if (want.planVersion !== undefined) {
    const plan = await publishedPlan(pool, id, want.planVersion);
    if (!plan) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `response plan "${id}" has no published version ${want.planVersion}`,
      );
    }
    return plan;
  }
  if (inForce && inForce.plan.id === id) return inForce.plan;
  const { rows } = await pool.query<{ content: ResponsePlan }>(
    `SELECT content FROM plan_versions
     WHERE plan_id = $1 AND state = 'published' AND effective_from <= $2::date
     ORDER BY effective_from DESC, version DESC LIMIT 1`,
    [id, cstDate(want.atMs)],
  );
  const plan = rows[0]?.content;
  if (!plan) throw new DomainError(ErrorCode.NOT_FOUND, `response plan "${id}" has no version in force`);
  return plan;
}
