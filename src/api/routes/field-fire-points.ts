/**
 * Fire points (五(二)7): entered, or imported from the satellite fire-point list (CSV/XLSX,
 * docs/fire-points-csv.md); the county's branch is told by the field watch, triggered at once.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TabularError, readTabular } from '../../adapters/power/tabular.js';
import { cstDate, isIsoDateTime, parseIso, toCstIso } from '../../domain/index.js';
import { EPISODE_READERS } from '../access.js';
import type { AppDeps } from '../deps.js';
import { importBody, importFailed, tabularFile } from '../file-imports.js';
import { FIELD_WRITERS, fieldCounty, fieldError } from '../field-scope.js';
import { errorBody, isoDate, isoInstant } from '../schemas.js';
import { principalOf } from '../security.js';
import { triggerFieldWatch } from '../../adapters/field/watch-schedule.js';
import { countyFromCell, countyIdSchema as county, recordCounty } from '../field-scope.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };
const iso = (d: Date | null) => (d ? toCstIso(d.getTime()) : null);

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

export const fieldFirePointRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const now = () => deps.now?.() ?? Date.now();
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
};
