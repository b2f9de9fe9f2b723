/**
 * Inspection records (现场检查): enterprise, officer, time, findings, photos, and whether the
 * measures of the enterprise's 一厂一策 for the level in force were found in place. An inspection can
 * open a case in the same write.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cstDate, parseIso, toCstIso } from '../../domain/index.js';
import { caseView, openCase } from '../../adapters/field/cases.js';
import { EPISODE_READERS } from '../access.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import {
  FIELD_WRITERS,
  assertFieldCounty,
  enterpriseFor,
  enterpriseNames,
  fieldCounty,
  fieldError,
  levelInForce,
  ownerOfCounty,
  writerUnit,
} from '../field-scope.js';
import { inspectionPhotoEvidence } from '../inspection-evidence.js';
import { unitOwnsPhotos } from '../photos.js';
import { errorBody, isoDate, isoInstant, uuidParams } from '../schemas.js';
import { principalOf } from '../security.js';
import { caseSchema, openCaseBody } from './field-cases.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

interface InspectionRow {
  id: string;
  enterprise_id: string;
  county: string;
  unit_id: string;
  officer: string;
  inspected_at: Date;
  day: string;
  level: string | null;
  measures_required: string;
  measures_in_place: boolean;
  findings: string;
  photo_ids: string[];
  created_by: string;
}

const inspectionSchema = z.object({
  id: z.string(),
  enterpriseId: z.string(),
  enterpriseName: z.string().nullable(),
  county: z.string(),
  unitId: z.string(),
  officer: z.string(),
  inspectedAt: z.string(),
  day: z.string(),
  level: z.string().nullable(),
  measuresRequired: z.string().describe("the enterprise's 一厂一策 measures for the level, as checked"),
  measuresInPlace: z.boolean(),
  findings: z.string(),
  photoIds: z.array(z.string()),
});

const view = (r: InspectionRow, name?: string) => ({
  id: r.id,
  enterpriseId: r.enterprise_id,
  enterpriseName: name ?? null,
  county: r.county,
  unitId: r.unit_id,
  officer: r.officer,
  inspectedAt: toCstIso(r.inspected_at.getTime()),
  day: r.day,
  level: r.level,
  measuresRequired: r.measures_required,
  measuresInPlace: r.measures_in_place,
  findings: r.findings,
  photoIds: r.photo_ids,
});

const COLUMNS = `id, enterprise_id, county, unit_id, officer, inspected_at, day::text AS day, level, measures_required,
  measures_in_place, findings, photo_ids::text[] AS photo_ids, created_by`;

export const fieldInspectionRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const now = () => deps.now?.() ?? Date.now();

  app.get(
    '/field/inspections',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['field'],
        summary: 'Inspection records of a day (a branch sees its county’s)',
        security,
        querystring: z.strictObject({
          date: isoDate.optional(),
          enterpriseId: z.string().min(1).max(100).optional(),
          unitId: z.string().min(1).max(100).optional(),
        }),
        response: { 200: z.object({ items: z.array(inspectionSchema) }), ...errors },
      },
    },
    async (req) => {
      const county = fieldCounty(principalOf(req));
      const { rows } = await deps.pool.query<InspectionRow>(
        `SELECT ${COLUMNS} FROM field_inspections
         WHERE ($1::text IS NULL OR county = $1) AND ($2::date IS NULL OR day = $2::date)
           AND ($3::text IS NULL OR enterprise_id = $3) AND ($4::text IS NULL OR unit_id = $4)
         ORDER BY inspected_at DESC, id LIMIT 1000`,
        [county, req.query.date ?? null, req.query.enterpriseId ?? null, req.query.unitId ?? null],
      );
      const names = await enterpriseNames(
        deps.pool,
        rows.map((r) => r.enterprise_id),
      );
      return { items: rows.map((r) => view(r, names.get(r.enterprise_id))) };
    },
  );

  app.get(
    '/field/inspections/:id',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['field'],
        summary:
          'One inspection record, with its photos as evidence (marked: taken on another day, far from the enterprise, no time, no place)',
        security,
        params: uuidParams,
        response: {
          200: inspectionSchema.extend({
            photoEvidence: z.array(
              z.object({
                photoId: z.string(),
                takenAt: z.string().nullable(),
                marks: z.array(z.enum(['other-day', 'no-time', 'far', 'no-location'])),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { rows } = await deps.pool.query<InspectionRow>(
        `SELECT ${COLUMNS} FROM field_inspections WHERE id = $1`,
        [req.params.id],
      );
      const r = rows[0];
      if (!r) throw notFound('inspection');
      assertFieldCounty(principalOf(req), r.county);
      const names = await enterpriseNames(deps.pool, [r.enterprise_id]);
      return {
        ...view(r, names.get(r.enterprise_id)),
        photoEvidence: await inspectionPhotoEvidence(deps.pool, r),
      };
    },
  );

  app.post(
    '/field/inspections',
    {
      config: { access: FIELD_WRITERS },
      schema: {
        tags: ['field'],
        summary: 'Record an inspection (photos uploaded first with POST /photos); it may open a case',
        description:
          "The measures checked are the enterprise's 一厂一策 for the level in force (the named episode's, else " +
          'the open episode of its county or the city). `openCase` opens a case on the enterprise in the same write.',
        security,
        body: z.strictObject({
          enterpriseId: z.string().min(1).max(100),
          officer: z.string().trim().min(1).max(100),
          inspectedAt: isoInstant,
          findings: z.string().max(4000).default(''),
          measuresInPlace: z.boolean(),
          photoIds: z.array(z.string().uuid()).max(50).default([]),
          episodeId: z.string().min(1).max(200).optional(),
          openCase: openCaseBody.omit({ enterpriseId: true, episodeId: true }).optional(),
        }),
        response: {
          201: inspectionSchema.extend({ case: caseSchema.nullable() }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const b = req.body;
      const ent = await enterpriseFor(deps.pool, p, b.enterpriseId);
      const at = parseIso(b.inspectedAt);
      if (at > now() + 10 * 60_000) throw fieldError('body.inspectedAt', '检查时间不能晚于当前时间');
      const unitId = writerUnit(p);
      if (!(await unitOwnsPhotos(deps.pool, unitId, b.photoIds)))
        throw fieldError('body.photoIds', '影像资料应为本单位上传的照片编号');
      const day = cstDate(at);
      const inForce = await levelInForce(deps.pool, ent.county, day, b.episodeId);
      const required =
        inForce.level && inForce.level !== 'early' ? (ent.measures[inForce.level]?.summary ?? '') : '';
      const client = await deps.pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<InspectionRow>(
          `INSERT INTO field_inspections (enterprise_id, county, unit_id, officer, inspected_at, day, level,
             measures_required, measures_in_place, findings, photo_ids, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::uuid[], $12) RETURNING ${COLUMNS}`,
          [
            ent.id,
            ent.county,
            unitId,
            b.officer,
            new Date(at),
            day,
            inForce.level,
            required,
            b.measuresInPlace,
            b.findings,
            b.photoIds,
            p.id,
          ],
        );
        const inspection = rows[0]!;
        let opened = null;
        if (b.openCase) {
          const c = b.openCase;
          if (c.dueAt && parseIso(c.dueAt) <= now())
            throw fieldError('body.openCase.dueAt', '办结期限应晚于当前时间');
          opened = (
            await openCase(client, {
              kind: c.kind,
              enterpriseId: ent.id,
              county: ent.county,
              episodeId: b.episodeId ?? inForce.episodeId,
              ownerUnit:
                c.ownerUnit ?? (unitId === 'enforcement' ? 'enforcement' : ownerOfCounty(ent.county)),
              title: c.title ?? '',
              openedAt: now(),
              openedBy: p.id,
              ...(c.dueAt ? { dueAt: parseIso(c.dueAt) } : {}),
              notes: c.notes ?? b.findings,
              inspectionId: inspection.id,
              monitoringResult: c.monitoringResult ?? null,
              decisionNumber: c.decisionNumber ?? null,
            })
          ).row;
        }
        await client.query('COMMIT');
        return reply.code(201).send({
          ...view(inspection, ent.name),
          case: opened ? caseView(opened, ent.name) : null,
        });
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  );
};
