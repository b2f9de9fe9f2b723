/**
 * The 17:00 report from the day's records: a unit's report form prefilled from its inspections,
 * check-ins, cases, hand-overs and vehicle checks, with the day's photos to choose from; and the
 * office's list of reports flagged as contradicting the records or the electricity accounting.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { dayPhotos, loadDayRecords } from '../../adapters/field/day-records.js';
import { cstDate, defaultPlan, prefillReport, recordCounts, toCstIso } from '../../domain/index.js';
import { AUDIT_READERS, UNIT, assertActsFor } from '../access.js';
import type { AppDeps } from '../deps.js';
import { enterpriseNames, fieldError, unitLabel } from '../field-scope.js';
import { errorBody, isoDate } from '../schemas.js';
import { principalOf } from '../security.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };
const REPORTING_UNITS = defaultPlan.units.filter((u) => u.filesDailyReport).map((u) => u.id);

export const fieldReportRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const now = () => deps.now?.() ?? Date.now();

  app.get(
    '/field/report',
    {
      config: { access: UNIT },
      schema: {
        tags: ['field'],
        summary:
          "The caller's daily report form prefilled from the day's field records (to confirm or correct)",
        description:
          "The plan's report form with each count taken from the day's records, the notes written from them and the " +
          'photos of the day (those of inspections first) preselected; `photos` lists every photo of the day to choose ' +
          'from. Submit it with POST /episodes/:id/reports as usual.',
        security,
        querystring: z.strictObject({ date: isoDate.optional() }),
        response: {
          200: z.object({
            date: z.string(),
            unitId: z.string(),
            unitName: z.string(),
            fields: z.record(z.string(), z.union([z.number(), z.string(), z.array(z.string())])),
            counts: z.record(z.string(), z.number()),
            photos: z.array(
              z.object({
                id: z.string(),
                takenAt: z.string().nullable(),
                uploadedAt: z.string(),
                inspection: z.boolean(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const unitId = p.unit ?? '';
      assertActsFor(p, unitId);
      if (!REPORTING_UNITS.includes(unitId)) throw fieldError('unitId', '本单位不报送工作日报');
      const date = req.query.date ?? cstDate(now());
      const records = await loadDayRecords(deps.pool, unitId, date);
      const photos = await dayPhotos(deps.pool, unitId, date);
      const names = await enterpriseNames(
        deps.pool,
        records.inspections.map((i) => i.enterpriseId),
      );
      const preselected = photos.filter((ph) => ph.inspection).map((ph) => ph.id);
      return {
        date,
        unitId,
        unitName: unitLabel(unitId),
        fields: prefillReport(
          defaultPlan,
          records,
          preselected.length > 0 ? preselected : photos.map((ph) => ph.id),
          (id) => names.get(id) ?? id,
        ),
        counts: recordCounts(records),
        photos,
      };
    },
  );

  app.get(
    '/field/report-flags',
    {
      config: { access: AUDIT_READERS },
      schema: {
        tags: ['field'],
        summary:
          'Reports flagged as contradicting the records or the electricity accounting (五(四)2 谎报、瞒报)',
        description:
          'Found by the field watch (every 10 minutes, and after the accounting): e.g. a report finding no problem ' +
          'while the accounting found an enterprise of its county non-compliant that day. The office is told of each.',
        security,
        querystring: z.strictObject({
          date: isoDate.optional(),
          unitId: z.string().min(1).max(100).optional(),
          episodeId: z.string().min(1).max(200).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                episodeId: z.string(),
                unitId: z.string(),
                unitName: z.string(),
                reportId: z.string(),
                day: z.string(),
                rule: z.string(),
                enterpriseId: z.string().nullable(),
                message: z.string(),
                notifiedAt: z.string().nullable(),
                createdAt: z.string(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { rows } = await deps.pool.query<{
        id: string;
        episode_id: string;
        unit_id: string;
        report_id: string;
        day: string;
        rule: string;
        enterprise_id: string;
        message: string;
        notified_at: Date | null;
        created_at: Date;
      }>(
        `SELECT id, episode_id, unit_id, report_id, day::text AS day, rule, enterprise_id, message, notified_at, created_at
         FROM field_report_flags
         WHERE ($1::date IS NULL OR day = $1::date) AND ($2::text IS NULL OR unit_id = $2) AND ($3::text IS NULL OR episode_id = $3)
         ORDER BY created_at DESC, id LIMIT 1000`,
        [req.query.date ?? null, req.query.unitId ?? null, req.query.episodeId ?? null],
      );
      return {
        items: rows.map((r) => ({
          id: r.id,
          episodeId: r.episode_id,
          unitId: r.unit_id,
          unitName: unitLabel(r.unit_id),
          reportId: r.report_id,
          day: r.day,
          rule: r.rule,
          enterpriseId: r.enterprise_id || null,
          message: r.message,
          notifiedAt: r.notified_at ? toCstIso(r.notified_at.getTime()) : null,
          createdAt: toCstIso(r.created_at.getTime()),
        })),
      };
    },
  );
};
