/**
 * Hand-overs (移交, 五(二)7) of stockyard and construction-site problems to the competent department
 * (plan `field.departments`, e.g. construction sites → 住建), tracked until the department answers.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cstDate, defaultPlan, toCstIso } from '../../domain/index.js';
import { EPISODE_READERS } from '../access.js';
import type { AppDeps } from '../deps.js';
import { conflict, notFound } from '../errors.js';
import {
  FIELD_WRITERS,
  assertFieldCounty,
  fieldCounty,
  fieldError,
  unitLabel,
  writerUnit,
} from '../field-scope.js';
import { unitOwnsPhotos } from '../photos.js';
import { errorBody, isoDate, uuidParams } from '../schemas.js';
import { principalOf } from '../security.js';
import { triggerFieldWatch } from '../../adapters/field/watch-schedule.js';
import { countyIdSchema as county, recordCounty } from '../field-scope.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };
const iso = (d: Date | null) => (d ? toCstIso(d.getTime()) : null);

const HANDOVER_DESCRIPTION =
  'The department comes from the plan by `siteKind` (' +
  (defaultPlan.field?.departments ?? []).map((d) => `${d.siteKind} → ${unitLabel(d.unitId)}`).join('; ') +
  '). The field watch hands it to the department at once (and proposes a 通报 to the office when ' +
  '`proposeNotice`); tracked until the department answers (POST …/answer).';
const siteKinds = (defaultPlan.field?.departments ?? []).map((d) => d.siteKind);
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

export const fieldHandoverRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
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
        description: HANDOVER_DESCRIPTION,
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
      triggerFieldWatch(deps.temporal);
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
};
