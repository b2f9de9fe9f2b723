/**
 * Area sources, vehicles and inspection groups (五(二)7–9): hand-overs (移交) of stockyard and
 * construction-site problems to the competent department (plan `field.departments`) tracked until it
 * answers; fire points entered or imported from the satellite fire-point CSV (docs/fire-points-csv.md),
 * the region told by the field watch; joint vehicle checks per day; inspection groups.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TabularError, readTabular } from '../../adapters/power/tabular.js';
import { cstDate, defaultPlan, isIsoDateTime, parseIso, toCstIso } from '../../domain/index.js';
import { EPISODE_READERS } from '../access.js';
import type { AppDeps } from '../deps.js';
import { conflict, forbidden, notFound } from '../errors.js';
import { importBody, importFailed, tabularFile } from '../file-imports.js';
import {
  FIELD_WRITERS,
  assertFieldCounty,
  fieldCounty,
  fieldError,
  unitLabel,
  writerUnit,
} from '../field-scope.js';
import type { ApiPrincipal } from '../principal-store.js';
import { unitOwnsPhotos } from '../photos.js';
import { errorBody, isoDate, isoInstant, uuidParams } from '../schemas.js';
import { principalOf } from '../security.js';
import { triggerFieldWatch } from '../../adapters/field/watch-schedule.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };
const iso = (d: Date | null) => (d ? toCstIso(d.getTime()) : null);

const COUNTIES = defaultPlan.jurisdictions.filter((j) => j.kind === 'county');
const county = z.string().refine((c) => COUNTIES.some((j) => j.id === c), {
  message: `one of ${COUNTIES.map((j) => j.id).join(', ')}`,
});
const siteKinds = (defaultPlan.field?.departments ?? []).map((d) => d.siteKind);

/** The county a record is written for: a branch's own (another is 403), else the one named (required). */
function recordCounty(p: ApiPrincipal, asked: string | undefined, field = 'body.county'): string {
  const own = fieldCounty(p);
  if (own !== null) {
    if (asked !== undefined && asked !== own) assertFieldCounty(p, asked);
    return own;
  }
  if (asked === undefined) throw fieldError(field, '请指明县（市）区');
  return asked;
}

/** A county id from a CSV cell: its id or its name (北票市). */
export function countyFromCell(cell: string): string | null {
  const v = cell.trim();
  return COUNTIES.find((j) => j.id === v || j.name === v)?.id ?? null;
}

/** A CSV time: ISO with offset, or 'YYYY-MM-DD HH:mm[:ss]' read as CST. */
export function fireTimeFromCell(cell: string): number | null {
  const v = cell.trim();
  if (isIsoDateTime(v)) return parseIso(v);
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (!m) return null;
  const pad = (s: string) => s.padStart(2, '0');
  const text = `${m[1]}-${pad(m[2]!)}-${pad(m[3]!)}T${pad(m[4]!)}:${m[5]}:${m[6] ?? '00'}+08:00`;
  return isIsoDateTime(text) ? parseIso(text) : null;
}

export const FIRE_POINT_COLUMNS = {
  longitude: ['经度', 'longitude', 'lon'],
  latitude: ['纬度', 'latitude', 'lat'],
  time: ['时间', '监测时间', 'time', 'observed_at'],
  county: ['县区', '县（市）区', '所属区县', 'county'],
  place: ['地点', '乡镇', 'place'],
  satellite: ['卫星', 'satellite'],
} as const;

const handoverSchema = z.object({
  id: z.string(),
  county: z.string(),
  unitId: z.string(),
  siteKind: z.string(),
  siteName: z.string(),
  problem: z.string(),
  department: z.string(),
  departmentName: z.string(),
  day: z.string(),
  photoIds: z.array(z.string()),
  state: z.enum(['handed-over', 'answered']),
  answer: z.string().nullable(),
  answeredAt: z.string().nullable(),
  proposeNotice: z.boolean(),
});
interface HandoverRow {
  id: string;
  county: string;
  unit_id: string;
  site_kind: string;
  site_name: string;
  problem: string;
  department: string;
  day: string;
  photo_ids: string[];
  state: 'handed-over' | 'answered';
  answer: string | null;
  answered_at: Date | null;
  propose_notice: boolean;
}
const HANDOVER_COLUMNS = `id, county, unit_id, site_kind, site_name, problem, department, day::text AS day,
  photo_ids::text[] AS photo_ids, state, answer, answered_at, propose_notice`;
const handoverView = (r: HandoverRow) => ({
  id: r.id,
  county: r.county,
  unitId: r.unit_id,
  siteKind: r.site_kind,
  siteName: r.site_name,
  problem: r.problem,
  department: r.department,
  departmentName: unitLabel(r.department),
  day: r.day,
  photoIds: r.photo_ids,
  state: r.state,
  answer: r.answer,
  answeredAt: iso(r.answered_at),
  proposeNotice: r.propose_notice,
});

const firePointSchema = z.object({
  id: z.string(),
  county: z.string(),
  longitude: z.number(),
  latitude: z.number(),
  observedAt: z.string(),
  day: z.string(),
  source: z.string(),
  place: z.string(),
  notifiedAt: z.string().nullable(),
});

const vehicleSchema = z.object({
  id: z.string(),
  county: z.string(),
  unitId: z.string(),
  day: z.string(),
  place: z.string(),
  vehiclesChecked: z.number(),
  vehiclesExceeding: z.number(),
  vehiclesPenalised: z.number(),
  machineryChecked: z.number(),
  withTrafficPolice: z.boolean(),
});

const groupSchema = z.object({
  id: z.string(),
  name: z.string(),
  day: z.string(),
  members: z.array(z.string()),
  counties: z.array(z.string()),
  enterpriseIds: z.array(z.string()),
  findings: z.string(),
});

export const fieldAreaRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const now = () => deps.now?.() ?? Date.now();

  // --- hand-overs (移交) ---------------------------------------------------------------------------
  app.get(
    '/field/handovers',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['field'],
        summary: 'Hand-overs to the competent departments (a branch sees its county’s)',
        security,
        querystring: z.strictObject({
          date: isoDate.optional(),
          state: z.enum(['handed-over', 'answered']).optional(),
        }),
        response: { 200: z.object({ items: z.array(handoverSchema) }), ...errors },
      },
    },
    async (req) => {
      const { rows } = await deps.pool.query<HandoverRow>(
        `SELECT ${HANDOVER_COLUMNS} FROM field_handovers
         WHERE ($1::text IS NULL OR county = $1) AND ($2::date IS NULL OR day = $2::date) AND ($3::text IS NULL OR state = $3)
         ORDER BY created_at DESC, id LIMIT 1000`,
        [fieldCounty(principalOf(req)), req.query.date ?? null, req.query.state ?? null],
      );
      return { items: rows.map(handoverView) };
    },
  );

  app.post(
    '/field/handovers',
    {
      config: { access: FIELD_WRITERS },
      schema: {
        tags: ['field'],
        summary: 'Hand a stockyard or construction-site problem over (移交) to the competent department',
        description: `The department comes from the plan by \`siteKind\` (${(
          defaultPlan.field?.departments ?? []
        )
          .map((d) => `${d.siteKind} → ${unitLabel(d.unitId)}`)
          .join('; ')}). Tracked until the department answers (POST …/answer).`,
        security,
        body: z.strictObject({
          county: county.optional(),
          siteKind: z
            .string()
            .refine((k) => siteKinds.includes(k), { message: `one of ${siteKinds.join(', ')}` }),
          siteName: z.string().trim().min(1).max(200),
          problem: z.string().trim().min(1).max(4000),
          date: isoDate.optional(),
          photoIds: z.array(z.string().uuid()).max(50).default([]),
          proposeNotice: z.boolean().default(false),
        }),
        response: { 201: handoverSchema, ...errors },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const b = req.body;
      const c = recordCounty(p, b.county);
      const unitId = writerUnit(p);
      if (!(await unitOwnsPhotos(deps.pool, unitId, b.photoIds)))
        throw fieldError('body.photoIds', '影像资料应为本单位上传的照片编号');
      const dept = defaultPlan.field!.departments.find((d) => d.siteKind === b.siteKind)!;
      const { rows } = await deps.pool.query<HandoverRow>(
        `INSERT INTO field_handovers (county, unit_id, site_kind, site_name, problem, department, day, photo_ids,
           propose_notice, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9, $10) RETURNING ${HANDOVER_COLUMNS}`,
        [
          c,
          unitId,
          b.siteKind,
          b.siteName,
          b.problem,
          dept.unitId,
          b.date ?? cstDate(now()),
          b.photoIds,
          b.proposeNotice,
          p.id,
        ],
      );
      return reply.code(201).send(handoverView(rows[0]!));
    },
  );

  app.post(
    '/field/handovers/:id/answer',
    {
      config: { access: FIELD_WRITERS },
      schema: {
        tags: ['field'],
        summary: "Record the department's answer to a hand-over (the same answer again is a no-op)",
        security,
        params: uuidParams,
        body: z.strictObject({ answer: z.string().trim().min(1).max(4000) }),
        response: { 200: handoverSchema, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const found = await deps.pool.query<HandoverRow>(
        `SELECT ${HANDOVER_COLUMNS} FROM field_handovers WHERE id = $1`,
        [req.params.id],
      );
      const h = found.rows[0];
      if (!h) throw notFound('handover');
      assertFieldCounty(p, h.county);
      if (h.state === 'answered') {
        if (h.answer === req.body.answer) return handoverView(h);
        throw conflict('该移交事项已答复', { answer: h.answer });
      }
      const { rows } = await deps.pool.query<HandoverRow>(
        `UPDATE field_handovers SET state = 'answered', answer = $2, answered_at = $3
         WHERE id = $1 AND state = 'handed-over' RETURNING ${HANDOVER_COLUMNS}`,
        [h.id, req.body.answer, new Date(now())],
      );
      if (!rows[0]) throw conflict('该移交事项已答复');
      return handoverView(rows[0]);
    },
  );

  // --- fire points ---------------------------------------------------------------------------------
  interface FireRow {
    id: string;
    county: string;
    longitude: number;
    latitude: number;
    observed_at: Date;
    day: string;
    source: string;
    place: string;
    notified_at: Date | null;
  }
  const FIRE_COLUMNS =
    'id, county, longitude, latitude, observed_at, day::text AS day, source, place, notified_at';
  const fireView = (r: FireRow) => ({
    id: r.id,
    county: r.county,
    longitude: r.longitude,
    latitude: r.latitude,
    observedAt: toCstIso(r.observed_at.getTime()),
    day: r.day,
    source: r.source,
    place: r.place,
    notifiedAt: iso(r.notified_at),
  });
  const insertFire = (
    db: { query: typeof deps.pool.query },
    f: {
      county: string;
      lon: number;
      lat: number;
      at: number;
      source: string;
      place: string;
      satellite: string;
    },
    by: string,
  ) =>
    db.query<FireRow>(
      `INSERT INTO field_fire_points (county, longitude, latitude, observed_at, day, source, place, satellite, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (county, longitude, latitude, observed_at) DO NOTHING RETURNING ${FIRE_COLUMNS}`,
      [f.county, f.lon, f.lat, new Date(f.at), cstDate(f.at), f.source, f.place, f.satellite, by],
    );

  app.get(
    '/field/fire-points',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['field'],
        summary: 'Fire points of a day (a branch sees its county’s)',
        security,
        querystring: z.strictObject({ date: isoDate.optional() }),
        response: { 200: z.object({ items: z.array(firePointSchema) }), ...errors },
      },
    },
    async (req) => {
      const { rows } = await deps.pool.query<FireRow>(
        `SELECT ${FIRE_COLUMNS} FROM field_fire_points WHERE ($1::text IS NULL OR county = $1)
           AND ($2::date IS NULL OR day = $2::date) ORDER BY observed_at DESC, id LIMIT 2000`,
        [fieldCounty(principalOf(req)), req.query.date ?? null],
      );
      return { items: rows.map(fireView) };
    },
  );

  const lon = z.number().min(73).max(136);
  const lat = z.number().min(3).max(54);
  app.post(
    '/field/fire-points',
    {
      config: { access: FIELD_WRITERS },
      schema: {
        tags: ['field'],
        summary: 'Enter a fire point; the county’s branch is told (通报) by the field watch',
        security,
        body: z.strictObject({
          county: county.optional(),
          longitude: lon,
          latitude: lat,
          observedAt: isoInstant,
          place: z.string().max(200).default(''),
        }),
        response: { 201: z.object({ item: firePointSchema.nullable(), duplicate: z.boolean() }), ...errors },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const b = req.body;
      const at = parseIso(b.observedAt);
      if (at > now() + 10 * 60_000) throw fieldError('body.observedAt', '火点时间不能晚于当前时间');
      const c = recordCounty(p, b.county);
      const { rows } = await insertFire(
        deps.pool,
        {
          county: c,
          lon: b.longitude,
          lat: b.latitude,
          at,
          source: 'entered',
          place: b.place,
          satellite: '',
        },
        p.id,
      );
      triggerFieldWatch(deps.temporal);
      return reply.code(201).send({ item: rows[0] ? fireView(rows[0]) : null, duplicate: !rows[0] });
    },
  );

  app.post(
    '/field/fire-points/import',
    {
      config: { access: FIELD_WRITERS, multipart: { maxFiles: 1, maxFileBytes: deps.limits.importBytes } },
      schema: {
        tags: ['field'],
        summary:
          'Import the satellite fire-point list (CSV or XLSX, docs/fire-points-csv.md); any bad row imports nothing',
        description:
          'Columns 经度, 纬度, 时间, 县区 (id or name), optional 地点 and 卫星. A point already known is skipped. ' +
          'A branch imports its own county’s points only. Row errors answer 400 with `details.errors`.',
        consumes: ['multipart/form-data'],
        security,
        body: importBody,
        response: {
          200: z.object({ imported: z.number(), skipped: z.number(), fileName: z.string() }),
          ...errors,
          413: errorBody,
          415: errorBody,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const { file, format } = tabularFile(req.uploads, req.body.format);
      let table: Awaited<ReturnType<typeof readTabular>>;
      try {
        table = await readTabular(file.data, format, FIRE_POINT_COLUMNS, [
          'longitude',
          'latitude',
          'time',
          'county',
        ]);
      } catch (err) {
        if (err instanceof TabularError) throw importFailed(err.errors);
        throw err;
      }
      const own = fieldCounty(p);
      const errs: Array<{ line: number; field: string; reason: string }> = [];
      const points: Array<Parameters<typeof insertFire>[1]> = [];
      for (const row of table.rows) {
        const v = row.values as Record<string, string | undefined>;
        const lonV = Number(v.longitude);
        const latV = Number(v.latitude);
        const at = fireTimeFromCell(String(v.time ?? ''));
        const c = countyFromCell(String(v.county ?? ''));
        const before = errs.length;
        if (!lon.safeParse(lonV).success)
          errs.push({ line: row.line, field: '经度', reason: '应为73至136之间的数' });
        if (!lat.safeParse(latV).success)
          errs.push({ line: row.line, field: '纬度', reason: '应为3至54之间的数' });
        if (at === null)
          errs.push({ line: row.line, field: '时间', reason: '应为“2026-12-02 13:45”或带时区的ISO时间' });
        if (c === null) errs.push({ line: row.line, field: '县区', reason: '不是本市的县（市）区' });
        else if (own !== null && c !== own)
          errs.push({ line: row.line, field: '县区', reason: '不是本单位的辖区' });
        if (errs.length === before)
          points.push({
            county: c!,
            lon: lonV,
            lat: latV,
            at: at!,
            source: 'satellite-csv',
            place: String(v.place ?? '').slice(0, 200),
            satellite: String(v.satellite ?? '').slice(0, 100),
          });
      }
      if (table.rows.length === 0) errs.push({ line: 2, field: '文件', reason: '没有数据行' });
      if (errs.length > 0) throw importFailed(errs);
      const client = await deps.pool.connect();
      let imported = 0;
      try {
        await client.query('BEGIN');
        for (const f of points) imported += (await insertFire(client, f, p.id)).rows.length;
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
      triggerFieldWatch(deps.temporal);
      return { imported, skipped: points.length - imported, fileName: file.fileName };
    },
  );

  // --- vehicle checks (二.8) -----------------------------------------------------------------------
  interface VehicleRow {
    id: string;
    county: string;
    unit_id: string;
    day: string;
    place: string;
    vehicles_checked: number;
    vehicles_exceeding: number;
    vehicles_penalised: number;
    machinery_checked: number;
    with_traffic_police: boolean;
  }
  const VEHICLE_COLUMNS = `id, county, unit_id, day::text AS day, place, vehicles_checked, vehicles_exceeding,
    vehicles_penalised, machinery_checked, with_traffic_police`;
  const vehicleView = (r: VehicleRow) => ({
    id: r.id,
    county: r.county,
    unitId: r.unit_id,
    day: r.day,
    place: r.place,
    vehiclesChecked: r.vehicles_checked,
    vehiclesExceeding: r.vehicles_exceeding,
    vehiclesPenalised: r.vehicles_penalised,
    machineryChecked: r.machinery_checked,
    withTrafficPolice: r.with_traffic_police,
  });

  app.get(
    '/field/vehicle-checks',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['field'],
        summary: 'Joint vehicle checks with the traffic police of a day',
        security,
        querystring: z.strictObject({ date: isoDate.optional() }),
        response: { 200: z.object({ items: z.array(vehicleSchema) }), ...errors },
      },
    },
    async (req) => {
      const { rows } = await deps.pool.query<VehicleRow>(
        `SELECT ${VEHICLE_COLUMNS} FROM field_vehicle_checks WHERE ($1::text IS NULL OR county = $1)
           AND ($2::date IS NULL OR day = $2::date) ORDER BY created_at DESC LIMIT 1000`,
        [fieldCounty(principalOf(req)), req.query.date ?? null],
      );
      return { items: rows.map(vehicleView) };
    },
  );

  const count = z.number().int().min(0).max(1_000_000);
  app.post(
    '/field/vehicle-checks',
    {
      config: { access: FIELD_WRITERS },
      schema: {
        tags: ['field'],
        summary: 'Record a joint vehicle check (vehicles checked, exceeding, penalised; machinery checked)',
        security,
        body: z
          .strictObject({
            county: county.optional(),
            date: isoDate,
            place: z.string().max(200).default(''),
            vehiclesChecked: count,
            vehiclesExceeding: count,
            vehiclesPenalised: count,
            machineryChecked: count.default(0),
            withTrafficPolice: z.boolean().default(true),
          })
          .refine((b) => b.vehiclesExceeding <= b.vehiclesChecked, {
            path: ['vehiclesExceeding'],
            message: '超标车辆数不能大于抽测车辆数',
          })
          .refine((b) => b.vehiclesPenalised <= b.vehiclesExceeding, {
            path: ['vehiclesPenalised'],
            message: '处罚车辆数不能大于超标车辆数',
          }),
        response: { 201: vehicleSchema, ...errors },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const b = req.body;
      const c = recordCounty(p, b.county);
      const { rows } = await deps.pool.query<VehicleRow>(
        `INSERT INTO field_vehicle_checks (county, unit_id, day, place, vehicles_checked, vehicles_exceeding,
           vehicles_penalised, machinery_checked, with_traffic_police, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${VEHICLE_COLUMNS}`,
        [
          c,
          writerUnit(p),
          b.date,
          b.place,
          b.vehiclesChecked,
          b.vehiclesExceeding,
          b.vehiclesPenalised,
          b.machineryChecked,
          b.withTrafficPolice,
          p.id,
        ],
      );
      return reply.code(201).send(vehicleView(rows[0]!));
    },
  );

  // --- inspection groups (二.9) --------------------------------------------------------------------
  interface GroupRow {
    id: string;
    name: string;
    day: string;
    members: string[];
    counties: string[];
    enterprise_ids: string[];
    findings: string;
  }
  const GROUP_COLUMNS = 'id, name, day::text AS day, members, counties, enterprise_ids, findings';
  const groupView = (r: GroupRow) => ({
    id: r.id,
    name: r.name,
    day: r.day,
    members: r.members,
    counties: r.counties,
    enterpriseIds: r.enterprise_ids,
    findings: r.findings,
  });

  app.get(
    '/field/inspection-groups',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['field'],
        summary:
          'Inspection groups (督导组): members, targets and findings (a branch sees those visiting its county)',
        security,
        querystring: z.strictObject({ date: isoDate.optional() }),
        response: { 200: z.object({ items: z.array(groupSchema) }), ...errors },
      },
    },
    async (req) => {
      const { rows } = await deps.pool.query<GroupRow>(
        `SELECT ${GROUP_COLUMNS} FROM field_inspection_groups
         WHERE ($1::text IS NULL OR $1 = ANY(counties)) AND ($2::date IS NULL OR day = $2::date)
         ORDER BY day DESC, created_at DESC LIMIT 500`,
        [fieldCounty(principalOf(req)), req.query.date ?? null],
      );
      return { items: rows.map(groupView) };
    },
  );

  app.post(
    '/field/inspection-groups',
    {
      config: { access: FIELD_WRITERS },
      schema: {
        tags: ['field'],
        summary: 'Form an inspection group with its members and targets (counties, enterprises)',
        security,
        body: z.strictObject({
          name: z.string().trim().min(1).max(200),
          date: isoDate,
          members: z.array(z.string().trim().min(1).max(100)).min(1).max(50),
          counties: z.array(county).min(1).max(20),
          enterpriseIds: z.array(z.string().min(1).max(100)).max(500).default([]),
          findings: z.string().max(8000).default(''),
        }),
        response: { 201: groupSchema, ...errors },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const b = req.body;
      for (const c of b.counties) assertFieldCounty(p, c);
      if (b.enterpriseIds.length > 0) {
        const { rows } = await deps.pool.query<{ id: string; county: string }>(
          'SELECT id, county FROM enterprises WHERE id = ANY($1::text[])',
          [b.enterpriseIds],
        );
        const known = new Map(rows.map((r) => [r.id, r.county]));
        b.enterpriseIds.forEach((id, i) => {
          const c = known.get(id);
          if (c === undefined) throw fieldError(`body.enterpriseIds[${i}]`, `减排清单中没有企业“${id}”`);
          if (!b.counties.includes(c))
            throw fieldError(`body.enterpriseIds[${i}]`, '企业不在督导组的县（市）区内');
        });
      }
      const { rows } = await deps.pool.query<GroupRow>(
        `INSERT INTO field_inspection_groups (name, day, members, counties, enterprise_ids, findings, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${GROUP_COLUMNS}`,
        [b.name, b.date, b.members, b.counties, b.enterpriseIds, b.findings, p.id],
      );
      return reply.code(201).send(groupView(rows[0]!));
    },
  );

  app.post(
    '/field/inspection-groups/:id/findings',
    {
      config: { access: FIELD_WRITERS },
      schema: {
        tags: ['field'],
        summary: "Record an inspection group's findings (replaces the text)",
        security,
        params: uuidParams,
        body: z.strictObject({ findings: z.string().trim().min(1).max(8000) }),
        response: { 200: groupSchema, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const found = await deps.pool.query<GroupRow>(
        `SELECT ${GROUP_COLUMNS} FROM field_inspection_groups WHERE id = $1`,
        [req.params.id],
      );
      const g = found.rows[0];
      if (!g) throw notFound('inspection group');
      const own = fieldCounty(p);
      if (own !== null && !g.counties.includes(own)) throw forbidden();
      const { rows } = await deps.pool.query<GroupRow>(
        `UPDATE field_inspection_groups SET findings = $2 WHERE id = $1 RETURNING ${GROUP_COLUMNS}`,
        [g.id, req.body.findings],
      );
      return groupView(rows[0]!);
    },
  );
};
