/**
 * The effect of an episode's response (五(一)4, 五(三)2): GET the assessment (forecast vs observed AQI,
 * the verified cut, duties, follow-ups, the statement, the expert committee's opinion); the office
 * attaches the committee's opinion (text, optional document) and the readers download its document.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { episodeAssessment, expertOpinion, saveExpertOpinion } from '../../adapters/assessment/index.js';
import { produceDocument, storedFacts } from '../../adapters/reporting/index.js';
import { opinionText } from '../../adapters/reporting/assessment-section.js';
import { getPlan } from '../../domain/index.js';
import { OFFICE, assertEpisodeAccess } from '../access.js';
import type { AppDeps } from '../deps.js';
import { readModel } from '../episode-access.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { episodeIdParams, errorBody } from '../schemas.js';
import { principalOf } from '../security.js';
import { activeMembers } from './experts.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };
/** Office, leaders and commanders read the assessment (a county's: scoped to its jurisdiction). */
export const ASSESSMENT_READERS = ['office', 'leader', 'commander'] as const;

const num = z.number().nullable();
const series = z.object({
  days: z.number(),
  peak: num,
  peakDate: z.string().nullable(),
  mean: num,
  daysOver: z.array(z.object({ threshold: z.number(), days: z.number() })),
});
const cutFigures = {
  enterprises: z.number(),
  withData: z.number(),
  noData: z.number(),
  exempt: z.number(),
  enterpriseDays: z.number(),
  compliantDays: z.number(),
  nonCompliantDays: z.number(),
  noDataDays: z.number(),
  exemptDays: z.number(),
  meanCut: num.describe('fraction (0.12 = 12 %)'),
  meanRequired: num,
  complianceRate: num,
};
const cutGroup = z.object({ key: z.string(), label: z.string(), ...cutFigures });
const opinion = z
  .object({
    text: z.string(),
    by: z.string(),
    at: z.string(),
    document: z.object({ fileName: z.string(), contentType: z.string(), size: z.number() }).nullable(),
    members: z
      .array(z.object({ id: z.string(), name: z.string(), organisation: z.string(), specialty: z.string() }))
      .describe('the expert committee’s members who gave the opinion'),
  })
  .nullable();
export const assessmentSchema = z.object({
  episodeId: z.string(),
  jurisdiction: z.object({ id: z.string(), name: z.string() }),
  finished: z.boolean(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  thresholds: z.array(z.number()),
  days: z.array(
    z.object({
      date: z.string(),
      level: z.enum(['none', 'early', 'yellow', 'orange', 'red']),
      forecast: num,
      observed: num,
      observedComplete: z.boolean(),
      observedReason: z.string().nullable(),
      error: num.describe('forecast − observed'),
    }),
  ),
  forecast: series,
  observed: series,
  comparedDays: z.number(),
  meanAbsoluteError: num,
  meanError: num,
  emission: z.object({
    overall: z.object(cutFigures),
    byLevel: z.array(cutGroup.extend({ planPercent: z.number() })),
    byCounty: z.array(cutGroup),
    byGrade: z.array(cutGroup),
    byIndustry: z.array(cutGroup),
  }),
  duties: z.object({
    total: z.number(),
    onTime: z.number(),
    late: z.number(),
    overdue: z.number(),
    pending: z.number(),
  }),
  followups: z.object({ enterprises: z.number(), opened: z.number(), closed: z.number(), open: z.number() }),
  statement: z.array(z.string()),
  opinion,
});

/** What an opinion's document may be: PDF, DOCX, PNG or JPEG, told by its first bytes. */
function documentType(data: Buffer): string | null {
  const head = data.subarray(0, 4).toString('latin1');
  if (head === '%PDF') return 'application/pdf';
  if (head.startsWith('PK')) return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  if (data[0] === 0x89 && head.slice(1) === 'PNG') return 'image/png';
  if (data[0] === 0xff && data[1] === 0xd8) return 'image/jpeg';
  return null;
}

export const assessmentRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const now = deps.now ?? Date.now;

  app.get(
    '/episodes/:id/assessment',
    {
      config: { access: ASSESSMENT_READERS },
      schema: {
        tags: ['episodes'],
        summary:
          'The effect of the response (五(一)4): forecast vs observed AQI, the verified cut, duties, follow-ups',
        description:
          'Computed from what is stored now (the projection, the consultations, the observed hourly data of the ' +
          'jurisdiction, the electricity verdicts); an unfinished episode is assessed up to now (`finished: false`). ' +
          'The statement says what the figures support and never claims the measures caused a change in AQI.',
        security,
        params: episodeIdParams,
        response: { 200: assessmentSchema, ...errors },
      },
    },
    async (req) => {
      assertEpisodeAccess(principalOf(req), req.params.id);
      const row = await readModel(deps, req.params.id);
      if (!row) throw notFound('episode');
      const a = await episodeAssessment(
        deps.pool,
        req.params.id,
        now(),
        getPlan(row.plan_id, row.plan_version),
      );
      if (!a) throw notFound('episode');
      return a;
    },
  );

  app.put(
    '/episodes/:id/assessment/opinion',
    {
      config: {
        access: OFFICE,
        multipart: { maxFiles: 1, maxFileBytes: deps.limits.importBytes },
        beforeBody: (req) => assertEpisodeAccess(principalOf(req), (req.params as { id: string }).id),
      },
      schema: {
        tags: ['episodes'],
        summary: 'The office attaches the expert committee’s opinion on the effect (text, optional document)',
        description:
          'application/json `{ text }`, or multipart/form-data with a `text` part and one file part (PDF, DOCX, ' +
          'PNG or JPEG). A new opinion replaces the old and is printed in the work summary (re-rendered if drafted); without a file the stored document is kept, unless ' +
          '`dropDocument` is "true".',
        consumes: ['application/json', 'multipart/form-data'],
        security,
        params: episodeIdParams,
        body: z.strictObject({
          text: z.string().trim().min(1, '不能为空').max(20_000),
          dropDocument: z
            .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
            .optional(),
          memberIds: z
            .union([
              z.array(z.uuid()).max(30),
              // a multipart part: comma-separated ids
              z
                .string()
                .transform((v) =>
                  v
                    .split(',')
                    .map((x) => x.trim())
                    .filter((x) => x !== ''),
                )
                .pipe(z.array(z.uuid()).max(30)),
            ])
            .optional()
            .describe('the expert committee’s active members who gave the opinion (GET /experts)'),
        }),
        response: { 200: z.object({ opinion }), ...errors, 413: errorBody, 415: errorBody },
      },
    },
    async (req) => {
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      const row = await readModel(deps, req.params.id);
      if (!row) throw notFound('episode');
      const file = req.uploads?.[0];
      let document: Parameters<typeof saveExpertOpinion>[1]['document'] = null;
      if (file) {
        const type = documentType(file.data);
        if (!type)
          throw new ApiError(415, 'unsupported_media_type', '专家意见文件应为PDF、DOCX、PNG或JPEG', {
            issues: [{ path: 'body.document', message: '应为PDF、DOCX、PNG或JPEG文件' }],
          });
        if (file.data.length === 0) throw badRequest('document: 文件为空');
        document = {
          fileName: file.fileName || 'opinion',
          contentType: type,
          data: file.data,
          sha256: file.sha256,
        };
      }
      const members = await activeMembers(deps.pool, req.body.memberIds ?? [], 'body.memberIds');
      await saveExpertOpinion(deps.pool, {
        memberIds: members.map((m) => m.id),
        episodeId: req.params.id,
        text: req.body.text,
        by: p.id,
        document,
        dropDocument: req.body.dropDocument === true,
      });
      // the work summary, when drafted, prints the opinion: re-rendered (same 发文字号) like the lessons
      const facts = await storedFacts(deps.pool, req.params.id, 'work-summary', 'final');
      if (facts?.assessment)
        await produceDocument(deps.pool, {
          episodeId: req.params.id,
          kind: 'work-summary',
          key: 'final',
          facts: {
            ...facts,
            assessment: { ...facts.assessment, opinion: opinionText({ text: req.body.text, members }) },
          },
          plan: getPlan(row.plan_id, row.plan_version),
        });
      const stored = await expertOpinion(deps.pool, req.params.id);
      return {
        opinion: stored
          ? {
              text: stored.text,
              by: stored.by,
              at: stored.at,
              document: stored.document,
              members: stored.members,
            }
          : null,
      };
    },
  );

  app.get(
    '/episodes/:id/assessment/opinion/document',
    {
      config: { access: ASSESSMENT_READERS },
      schema: {
        tags: ['episodes'],
        summary: 'The document of the expert committee’s opinion, as attached',
        security,
        params: episodeIdParams,
        response: { 200: z.any().describe('the file'), ...errors },
      },
    },
    async (req, reply) => {
      assertEpisodeAccess(principalOf(req), req.params.id);
      const o = await expertOpinion(deps.pool, req.params.id, true);
      if (!o?.document || !o.content) throw notFound('opinion document');
      const ascii = o.document.fileName.replace(/[^\w.-]+/g, '_');
      return reply
        .header('content-type', o.document.contentType)
        .header(
          'content-disposition',
          `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(o.document.fileName)}`,
        )
        .send(o.content);
    },
  );
};
