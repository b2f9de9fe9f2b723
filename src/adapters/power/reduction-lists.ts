/**
 * The reduction list's versions by year in PostgreSQL: a year's draft filled by an import or carried
 * over from the version in force and edited per enterprise, published with an effective time (never
 * earlier than the publication, so what was in force at any past moment never changes), the
 * differences between versions, and the entries in force at a moment (what an episode assesses).
 */
import type pg from 'pg';
import { withTransaction } from '../../db/pool.js';
import type { ResponsePlan } from '../../domain/plan-types.js';
import {
  type ListDiff,
  type ListEntry,
  diffLists,
  ruleGrade,
  versionInForce,
} from '../../domain/reduction-list.js';
import { type EnterpriseRecord, parseEnterpriseFile } from './enterprises.js';
import type { ImportError, TabularFormat } from './tabular.js';

export interface ListVersion {
  id: number;
  year: number;
  state: 'draft' | 'published';
  effectiveFrom: number | null;
  basedOn: number | null;
  sourceFile: string | null;
  createdBy: string;
  createdAt: number;
  publishedBy: string | null;
  publishedAt: number | null;
  entries: number;
}

export class ListError extends Error {
  constructor(
    readonly kind: 'not-found' | 'conflict' | 'validation',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

interface VersionRow {
  id: string;
  year: number;
  state: 'draft' | 'published';
  effective_from: Date | null;
  based_on: string | null;
  source_file: string | null;
  created_by: string;
  created_at: Date;
  published_by: string | null;
  published_at: Date | null;
  entries: number;
}

const VERSION_SELECT = `SELECT l.*, (SELECT count(*)::int FROM reduction_list_entries e WHERE e.list_id = l.id) AS entries
  FROM reduction_lists l`;

function versionOf(r: VersionRow): ListVersion {
  return {
    id: Number(r.id),
    year: r.year,
    state: r.state,
    effectiveFrom: r.effective_from?.getTime() ?? null,
    basedOn: r.based_on === null ? null : Number(r.based_on),
    sourceFile: r.source_file,
    createdBy: r.created_by,
    createdAt: r.created_at.getTime(),
    publishedBy: r.published_by,
    publishedAt: r.published_at?.getTime() ?? null,
    entries: r.entries,
  };
}

export async function listVersions(db: pg.Pool | pg.PoolClient, year?: number): Promise<ListVersion[]> {
  const { rows } = await db.query<VersionRow>(
    `${VERSION_SELECT} WHERE $1::int IS NULL OR l.year = $1 ORDER BY l.year DESC, l.id DESC`,
    [year ?? null],
  );
  return rows.map(versionOf);
}

export async function getVersion(db: pg.Pool | pg.PoolClient, id: number): Promise<ListVersion | null> {
  const { rows } = await db.query<VersionRow>(`${VERSION_SELECT} WHERE l.id = $1`, [id]);
  return rows[0] ? versionOf(rows[0]) : null;
}

interface EntryRow {
  enterprise_id: string;
  name: string;
  uscc: string;
  county: string;
  industry: string;
  grade_label: string;
  key_enterprise: boolean;
  exemption: string;
  meter_ids: string[];
  measures: ListEntry['measures'];
  longitude: number | null;
  latitude: number | null;
}

const entryOf = (r: EntryRow): ListEntry => ({
  enterpriseId: r.enterprise_id,
  name: r.name,
  uscc: r.uscc,
  county: r.county,
  industry: r.industry,
  gradeLabel: r.grade_label,
  keyEnterprise: r.key_enterprise,
  exemption: r.exemption,
  meterIds: r.meter_ids,
  measures: r.measures ?? {},
  longitude: r.longitude,
  latitude: r.latitude,
});

/** The entries of a version, by county and id; `counties` keeps only those counties. */
export async function listEntries(
  db: pg.Pool | pg.PoolClient,
  listId: number,
  counties: string[] | null = null,
): Promise<ListEntry[]> {
  const { rows } = await db.query<EntryRow>(
    `SELECT * FROM reduction_list_entries WHERE list_id = $1 AND ($2::text[] IS NULL OR county = ANY($2::text[]))
     ORDER BY county, enterprise_id`,
    [listId, counties],
  );
  return rows.map(entryOf);
}

/** The published version in force at `atMs` (latest effective time at or before it), or null. */
export async function versionInForceAt(db: pg.Pool | pg.PoolClient, atMs: number): Promise<number | null> {
  const { rows } = await db.query<{ id: string; effective_from: Date }>(
    `SELECT id, effective_from FROM reduction_lists WHERE state = 'published' AND effective_from <= $1
     ORDER BY effective_from DESC, id DESC LIMIT 1`,
    [new Date(atMs)],
  );
  const found = versionInForce(
    rows.map((r) => ({ id: Number(r.id), effectiveFrom: r.effective_from.getTime() })),
    atMs,
  );
  return found?.id ?? null;
}

/** The previous year's list: the latest published version of an earlier year, else the one in force now. */
async function previousVersion(
  db: pg.Pool | pg.PoolClient,
  year: number,
  nowMs: number,
): Promise<number | null> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM reduction_lists WHERE state = 'published' AND year < $1
     ORDER BY year DESC, effective_from DESC, id DESC LIMIT 1`,
    [year],
  );
  return rows[0] ? Number(rows[0].id) : versionInForceAt(db, nowMs);
}

const recordEntry = (r: EnterpriseRecord): ListEntry => ({
  enterpriseId: r.id,
  name: r.name,
  uscc: r.uscc,
  county: r.county,
  industry: r.industry,
  gradeLabel: r.gradeLabel,
  keyEnterprise: r.key,
  exemption: r.exemption,
  meterIds: r.meterIds,
  measures: r.measures,
  longitude: r.longitude,
  latitude: r.latitude,
});

async function insertEntries(client: pg.PoolClient, listId: number, entries: ListEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 2_000) {
    const c = entries.slice(i, i + 2_000);
    await client.query(
      `INSERT INTO reduction_list_entries (list_id, enterprise_id, name, uscc, county, industry, grade_label,
         key_enterprise, exemption, meter_ids, measures, longitude, latitude)
       SELECT $1, t.id, t.name, t.uscc, t.county, t.industry, t.grade_label, t.key_enterprise, t.exemption,
              string_to_array(t.meters, ' '), t.measures::jsonb, t.longitude, t.latitude
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[],
                   $9::text[], $10::text[], $11::text[], $12::float8[], $13::float8[])
         AS t(id, name, uscc, county, industry, grade_label, key_enterprise, exemption, meters, measures, longitude, latitude)`,
      [
        listId,
        c.map((e) => e.enterpriseId),
        c.map((e) => e.name),
        c.map((e) => e.uscc),
        c.map((e) => e.county),
        c.map((e) => e.industry),
        c.map((e) => e.gradeLabel),
        c.map((e) => e.keyEnterprise),
        c.map((e) => e.exemption),
        c.map((e) => e.meterIds.join(' ')),
        c.map((e) => JSON.stringify(e.measures)),
        c.map((e) => e.longitude),
        c.map((e) => e.latitude),
      ],
    );
  }
}

/** The year's draft, created when there is none (`basedOn`: the version it starts from). */
async function draftOf(
  client: pg.PoolClient,
  year: number,
  actor: string,
  fields: { basedOn?: number | null; sourceFile?: string | null },
): Promise<{ id: number; created: boolean }> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`reduction-list:${year}`]);
  const found = await client.query<{ id: string }>(
    `SELECT id FROM reduction_lists WHERE year = $1 AND state = 'draft'`,
    [year],
  );
  if (found.rows[0]) return { id: Number(found.rows[0].id), created: false };
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO reduction_lists (year, created_by, based_on, source_file) VALUES ($1, $2, $3, $4) RETURNING id`,
    [year, actor, fields.basedOn ?? null, fields.sourceFile ?? null],
  );
  return { id: Number(rows[0]!.id), created: true };
}

/**
 * Imports a file as the year's draft (its entries replaced whole); any bad row imports nothing. The
 * draft is based on the previous year's list (else the version in force now), against which its
 * differences are shown.
 */
export async function importListDraft(
  pool: pg.Pool,
  input: {
    year: number;
    fileName: string;
    content: Buffer;
    format: TabularFormat;
    actor: string;
    nowMs: number;
    plan?: ResponsePlan;
  },
): Promise<{ listId: number; imported: number; errors: ImportError[] }> {
  const parsed = await parseEnterpriseFile(input);
  if (parsed.errors.length > 0) return { listId: 0, imported: 0, errors: parsed.errors };
  return withTransaction(pool, async (client) => {
    const basedOn = await previousVersion(client, input.year, input.nowMs);
    const draft = await draftOf(client, input.year, input.actor, { basedOn, sourceFile: input.fileName });
    await client.query('DELETE FROM reduction_list_entries WHERE list_id = $1', [draft.id]);
    await client.query('UPDATE reduction_lists SET source_file = $2 WHERE id = $1', [
      draft.id,
      input.fileName,
    ]);
    await insertEntries(client, draft.id, parsed.records.map(recordEntry));
    return { listId: draft.id, imported: parsed.records.length, errors: [] };
  });
}

/**
 * Carries a version over as the year's draft (default: the version in force now; when none is, the
 * register of enterprises as imported before versions — the first version of a deployment). Answers
 * the existing draft when the year has one already carried over from the same source (a retry); a
 * draft of other origin is a conflict.
 */
export async function carryOver(
  pool: pg.Pool,
  input: { year: number; fromListId?: number; actor: string; nowMs: number },
): Promise<{ listId: number; created: boolean }> {
  return withTransaction(pool, async (client) => {
    const from = input.fromListId ?? (await versionInForceAt(client, input.nowMs));
    if (from !== null) {
      const source = await getVersion(client, from);
      if (source?.state !== 'published')
        throw new ListError('not-found', `list ${from} is not a published version`, 'fromListId');
    }
    const existing = await client.query<{ id: string; based_on: string | null; source_file: string | null }>(
      `SELECT id, based_on, source_file FROM reduction_lists WHERE year = $1 AND state = 'draft'`,
      [input.year],
    );
    const draft = existing.rows[0];
    const sourceFile = from === null ? 'register' : null;
    if (draft) {
      const same =
        (draft.based_on === null ? null : Number(draft.based_on)) === from &&
        draft.source_file === sourceFile;
      if (same) return { listId: Number(draft.id), created: false };
      throw new ListError(
        'conflict',
        `the year ${input.year} has a draft already (list ${draft.id})`,
        'year',
      );
    }
    const made = await draftOf(client, input.year, input.actor, { basedOn: from, sourceFile });
    if (from !== null) await insertEntries(client, made.id, await listEntries(client, from));
    else {
      const { rows } = await client.query<EntryRow>(
        `SELECT e.id AS enterprise_id, e.name, e.uscc, e.county, e.industry, e.grade_label, e.key_enterprise,
                e.exemption, e.measures, e.longitude, e.latitude,
                COALESCE((SELECT array_agg(m.meter_id ORDER BY m.meter_id) FROM enterprise_meters m
                          WHERE m.enterprise_id = e.id), '{}') AS meter_ids
         FROM enterprises e ORDER BY e.id`,
      );
      if (rows.length === 0)
        throw new ListError('not-found', 'no published list and no register to carry over', 'fromListId');
      await insertEntries(client, made.id, rows.map(entryOf));
    }
    return { listId: made.id, created: true };
  });
}

async function assertDraft(db: pg.Pool | pg.PoolClient, listId: number): Promise<ListVersion> {
  const v = await getVersion(db, listId);
  if (!v) throw new ListError('not-found', 'reduction list');
  if (v.state !== 'draft') throw new ListError('conflict', `list ${listId} is published and cannot change`);
  return v;
}

/** Adds or replaces one enterprise of a draft (the same content again changes nothing). */
export async function putEntry(pool: pg.Pool, listId: number, entry: ListEntry): Promise<void> {
  await withTransaction(pool, async (client) => {
    await assertDraft(client, listId);
    const clash = await client.query<{ enterprise_id: string }>(
      'SELECT enterprise_id FROM reduction_list_entries WHERE list_id = $1 AND uscc = $2 AND enterprise_id <> $3',
      [listId, entry.uscc, entry.enterpriseId],
    );
    if (clash.rows[0])
      throw new ListError(
        'validation',
        `统一社会信用代码“${entry.uscc}”已属于企业${clash.rows[0].enterprise_id}`,
        'uscc',
      );
    await client.query('DELETE FROM reduction_list_entries WHERE list_id = $1 AND enterprise_id = $2', [
      listId,
      entry.enterpriseId,
    ]);
    await insertEntries(client, listId, [entry]);
  });
}

/** Drops one enterprise from a draft; false when it was not in it. */
export async function dropEntry(pool: pg.Pool, listId: number, enterpriseId: string): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    await assertDraft(client, listId);
    const res = await client.query(
      'DELETE FROM reduction_list_entries WHERE list_id = $1 AND enterprise_id = $2',
      [listId, enterpriseId],
    );
    return (res.rowCount ?? 0) > 0;
  });
}

/**
 * Publishes a draft from `effectiveFromMs` (not before now: episodes that have started keep the
 * version they started under). Publishing a published version again with the same time is a no-op.
 * The register of enterprises (`enterprises`, GET /enterprises) takes the version's attributes and
 * coordinates; an enterprise new to it gets its meters; enterprises dropped stay in the register.
 */
export async function publishList(
  pool: pg.Pool,
  input: { listId: number; effectiveFromMs: number; actor: string; nowMs: number },
): Promise<ListVersion> {
  return withTransaction(pool, async (client) => {
    const v = await getVersion(client, input.listId);
    if (!v) throw new ListError('not-found', 'reduction list');
    if (v.state === 'published') {
      if (v.effectiveFrom === input.effectiveFromMs) return v;
      throw new ListError('conflict', `list ${v.id} is published already and cannot change`);
    }
    if (input.effectiveFromMs < input.nowMs - 60_000)
      throw new ListError('validation', 'effectiveFrom cannot be in the past', 'effectiveFrom');
    if (v.entries === 0) throw new ListError('validation', 'an empty list cannot be published', 'listId');
    await client.query(
      `UPDATE reduction_lists SET state = 'published', effective_from = $2, published_by = $3, published_at = now()
       WHERE id = $1`,
      [v.id, new Date(input.effectiveFromMs), input.actor],
    );
    const entries = await listEntries(client, v.id);
    const ids = entries.map((e) => e.enterpriseId);
    const grades = entries.map((e) => ruleGrade(e.gradeLabel));
    await client.query(
      `UPDATE enterprises e SET name = x.name, county = x.county, industry = x.industry, grade = g.grade,
         grade_label = x.grade_label, key_enterprise = x.key_enterprise, exemption = x.exemption,
         measures = x.measures, longitude = x.longitude, latitude = x.latitude
       FROM reduction_list_entries x JOIN unnest($2::text[], $3::text[]) AS g(id, grade) ON g.id = x.enterprise_id
       WHERE x.list_id = $1 AND x.enterprise_id = e.id`,
      [v.id, ids, grades],
    );
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO enterprises (id, name, uscc, county, industry, grade, grade_label, key_enterprise, exemption,
         measures, longitude, latitude, source_file)
       SELECT x.enterprise_id, x.name, x.uscc, x.county, x.industry, g.grade, x.grade_label, x.key_enterprise,
              x.exemption, x.measures, x.longitude, x.latitude, $4
       FROM reduction_list_entries x JOIN unnest($2::text[], $3::text[]) AS g(id, grade) ON g.id = x.enterprise_id
       WHERE x.list_id = $1
       ON CONFLICT DO NOTHING RETURNING id`,
      [v.id, ids, grades, `reduction-list:${v.id}`],
    );
    await client.query(
      `INSERT INTO enterprise_meters (meter_id, enterprise_id)
       SELECT unnest(x.meter_ids), x.enterprise_id FROM reduction_list_entries x
       WHERE x.list_id = $1 AND x.enterprise_id = ANY($2::text[])
       ON CONFLICT DO NOTHING`,
      [v.id, inserted.rows.map((r) => r.id)],
    );
    return (await getVersion(client, v.id)) as ListVersion;
  });
}

/**
 * What a version adds, drops and changes against another (default: the version it was based on, else
 * the published version in force just before it took effect, else the previous year's list, else an
 * empty list).
 */
export async function versionDiff(
  pool: pg.Pool,
  listId: number,
  againstId?: number,
): Promise<{ version: ListVersion; against: ListVersion | null; diff: ListDiff }> {
  const version = await getVersion(pool, listId);
  if (!version) throw new ListError('not-found', 'reduction list');
  let against: ListVersion | null = null;
  const otherId =
    againstId ??
    version.basedOn ??
    (version.effectiveFrom === null
      ? await previousVersion(pool, version.year, Date.now())
      : await versionInForceAt(pool, version.effectiveFrom - 1));
  if (otherId !== null && otherId !== undefined) {
    against = await getVersion(pool, otherId);
    if (!against) throw new ListError('not-found', `reduction list ${otherId}`, 'against');
  }
  const [a, b] = await Promise.all([
    against ? listEntries(pool, against.id) : Promise.resolve([]),
    listEntries(pool, listId),
  ]);
  return { version, against, diff: diffLists(a, b) };
}
