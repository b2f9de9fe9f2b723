/**
 * Joint vehicle checks with the traffic police per day (二.8: vehicles checked, exceeding, penalised;
 * machinery) and inspection groups (二.9: members, targets, findings).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { toCstIso } from '../../domain/index.js';
import { EPISODE_READERS } from '../access.js';
import type { AppDeps } from '../deps.js';
import { forbidden, notFound } from '../errors.js';
import { FIELD_WRITERS, assertFieldCounty, fieldCounty, fieldError, writerUnit } from '../field-scope.js';
import { errorBody, isoDate, uuidParams } from '../schemas.js';
import { principalOf } from '../security.js';
import { countyIdSchema as county, recordCounty } from '../field-scope.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };
const _iso = (d: Date | null) => (d ? toCstIso(d.getTime()) : null);

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

export const fieldCheckRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const _now = () => deps.now?.() ?? Date.now();
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
