/**
 * What an episode produced: unit daily reports and summaries (their content), documents, the
 * notification delivery log, electricity assessments.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  PdfUnavailableError,
  getDocument,
  pdfOf,
  produceDocument,
  storedFacts,
} from '../../adapters/reporting/index.js';
import { produceEventDocuments } from '../../adapters/reporting/notices.js';
import { saveOfficeLessons } from '../../adapters/reporting/records.js';
import { pinnedPlan } from '../../db/plan-versions.js';
import { defaultPlan, toCstIso } from '../../domain/index.js';
import {
  EPISODE_READERS,
  LOG_READERS,
  OFFICE,
  assertActsFor,
  assertEpisodeAccess,
  confinedJurisdiction,
} from '../access.js';
import type { ApiPrincipal } from '../principal-store.js';
import type { AppDeps } from '../deps.js';
import { readModel } from '../episode-access.js';
import { type ReportQuery, listReports, reportsWorkbook, unitName } from '../reports.js';
import { ApiError, notFound } from '../errors.js';
import { booleanQuery, episodeIdParams, errorBody, isoDate, uuidParams } from '../schemas.js';
import { answerNotModified } from '../etag.js';
import { principalOf } from '../security.js';
import { cursorQuery, nextPositionCursor, positionOf } from '../pagination.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };
const iso = (d: Date | null) => (d ? toCstIso(d.getTime()) : null);

/**
 * The unit whose records a principal may read: a unit reads its own only (asking for another is 403),
 * everybody else the one asked for, or all (null).
 */
function readableUnit(p: ApiPrincipal, asked: string | undefined): string | null {
  if (p.role !== 'unit') return asked ?? null;
  if (asked !== undefined) assertActsFor(p, asked);
  return p.unit ?? '';
}

/** Who filed a report or summary, and when the API received it. */
const filed = {
  unitId: z.string(),
  unitName: z.string(),
  late: z.boolean(),
  receivedAt: z.string(),
  submittedBy: z.string(),
};

/** Paging of the lists (reports, the delivery log): limit + cursor (pagination.ts). */
const paging = {
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  cursor: cursorQuery,
};
const nextCursor = z.string().nullable().describe('the cursor of the next page; null on the last page');

/** The filters of the report list and its export. */
const reportFilters = {
  unitId: z.string().min(1).max(100).optional(),
  responseDay: z.coerce.number().int().min(1).max(366).optional(),
  includeReplaced: booleanQuery.optional(),
};

function reportQuery(
  p: ApiPrincipal,
  episodeId: string,
  q: { unitId?: string | undefined; responseDay?: number | undefined; includeReplaced?: boolean | undefined },
  page: { limit: number; offset: number },
): ReportQuery {
  return {
    episodeId,
    unitId: readableUnit(p, q.unitId),
    responseDay: q.responseDay ?? null,
    includeReplaced: q.includeReplaced ?? false,
    ...page,
  };
}

export const recordRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get(
    '/episodes/:id/reports',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['documents'],
        summary: 'Unit daily reports with their content (a unit reads its own only)',
        description:
          'The report in force for each unit and response day (`current: true`); with `includeReplaced=true` ' +
          'also the earlier versions a correction replaced. Ordered by response day, unit and submission. ' +
          'A report appears here a moment after the workflow accepted it (the content is stored in the background).',
        security,
        params: episodeIdParams,
        querystring: z.strictObject({ ...reportFilters, ...paging }),
        response: {
          200: z.object({
            total: z.number(),
            items: z.array(
              z.object({
                reportId: z.string(),
                ...filed,
                responseDay: z.number(),
                fields: z
                  .record(z.string(), z.union([z.number(), z.string(), z.array(z.string())]))
                  .describe("the plan's report form: field name → integer, text or a list of ids"),
                photoIds: z.array(z.string()),
                current: z.boolean(),
                version: z.number(),
              }),
            ),
            nextCursor,
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      const offset = positionOf(req.query.cursor);
      const page = await listReports(
        deps.pool,
        reportQuery(p, req.params.id, req.query, { limit: req.query.limit, offset }),
      );
      return {
        ...page,
        nextCursor: nextPositionCursor(offset, page.items.length, offset + page.items.length < page.total),
      };
    },
  );

  app.get(
    '/episodes/:id/reports/export',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['documents'],
        summary: 'The reports as a spreadsheet (XLSX or CSV) for the office: one row per report',
        produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'],
        description:
          'The same reports and filters as GET /episodes/:id/reports (a unit its own), without paging ' +
          "(at most 20,000 rows); the columns are the plan's report form.",
        security,
        params: episodeIdParams,
        querystring: z.strictObject({ format: z.enum(['xlsx', 'csv']).default('xlsx'), ...reportFilters }),
        response: {
          200: z.string().meta({ format: 'binary', description: 'the spreadsheet' }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      const page = { limit: 20_000, offset: 0 };
      const { items } = await listReports(deps.pool, reportQuery(p, req.params.id, req.query, page));
      const row = await readModel(deps, req.params.id);
      const plan = row ? await pinnedPlan(deps.pool, row.plan_id, row.plan_version) : defaultPlan;
      const format = req.query.format;
      const body = await reportsWorkbook(plan, req.params.id, items, format);
      const base = `reports-${req.params.id.replace(/[^a-z0-9-]+/gi, '_')}`;
      return reply
        .header(
          'content-type',
          format === 'xlsx'
            ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
            : 'text/csv; charset=utf-8',
        )
        .header(
          'content-disposition',
          `attachment; filename="${base}.${format}"; filename*=UTF-8''${encodeURIComponent(`单位日报-${req.params.id}.${format}`)}`,
        )
        .send(body as unknown as string);
    },
  );

  app.get(
    '/episodes/:id/summaries',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['documents'],
        summary: "Units' episode summaries after the lift, with their text (a unit reads its own only)",
        security,
        params: episodeIdParams,
        querystring: z.strictObject({ unitId: z.string().min(1).max(100).optional() }),
        response: {
          200: z.object({
            items: z.array(z.object({ summaryId: z.string(), ...filed, text: z.string() })),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      const unit = readableUnit(p, req.query.unitId);
      const { rows } = await deps.pool.query<{
        summary_id: string;
        unit_id: string;
        text: string;
        late: boolean;
        submitted_at: Date;
        submitted_by: string;
      }>(
        `SELECT summary_id, unit_id, text, late, submitted_at, submitted_by FROM unit_summaries
         WHERE episode_id = $1 AND ($2::text IS NULL OR unit_id = $2) ORDER BY submitted_at, unit_id`,
        [req.params.id, unit],
      );
      return {
        items: rows.map((r) => ({
          summaryId: r.summary_id,
          unitId: r.unit_id,
          unitName: unitName(r.unit_id),
          text: r.text,
          late: r.late,
          receivedAt: iso(r.submitted_at)!,
          submittedBy: r.submitted_by,
        })),
      };
    },
  );

  app.get(
    '/episodes/:id/documents',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['documents'],
        summary:
          'Documents of the episode: daily response reports (简报), the work summary (报告), the warning notices (通知) and 通报',
        description:
          'The warning notices (start, change, lift) and the 通报 are produced from the event log when first listed ' +
          '(idempotent: one per event, numbered once). `number` is the printed 发文字号 or 期号.',
        security,
        params: episodeIdParams,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                kind: z.string(),
                key: z.string(),
                title: z.string(),
                number: z.string().nullable(),
                contentHash: z.string(),
                createdAt: z.string(),
                updatedAt: z.string(),
                links: z.object({ docx: z.string(), html: z.string(), pdf: z.string() }),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      assertEpisodeAccess(principalOf(req), req.params.id);
      await produceEventDocuments(deps.pool, req.params.id);
      const { rows } = await deps.pool.query<{
        id: string;
        kind: string;
        doc_key: string;
        title: string;
        number: string | null;
        content_hash: string;
        created_at: Date;
        updated_at: Date;
      }>(
        `SELECT id, kind, doc_key, title, printed_number AS number, content_hash, created_at, updated_at
         FROM documents WHERE episode_id = $1 ORDER BY created_at, id`,
        [req.params.id],
      );
      return {
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          key: r.doc_key,
          title: r.title,
          number: r.number,
          contentHash: r.content_hash,
          createdAt: iso(r.created_at)!,
          updatedAt: iso(r.updated_at)!,
          links: {
            docx: `/documents/${r.id}?format=docx`,
            html: `/documents/${r.id}?format=html`,
            pdf: `/documents/${r.id}?format=pdf`,
          },
        })),
      };
    },
  );

  app.get(
    '/documents/:id',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['documents'],
        summary: 'Download a document as DOCX (default), HTML or PDF',
        description:
          'PDF is the DOCX rendered by LibreOffice (cached until the document changes); a server without ' +
          'LibreOffice answers 503 `pdf_unavailable` (DOCX and HTML stay available).',
        produces: [
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          'text/html',
          'application/pdf',
        ],
        security,
        params: uuidParams,
        querystring: z.strictObject({ format: z.enum(['docx', 'html', 'pdf']).default('docx') }),
        response: {
          200: z.string().describe('the document (ETag: the hash of its content)').meta({ format: 'binary' }),
          304: z.null().describe('Not modified: If-None-Match names the ETag'),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const format = req.query.format;
      const stored = await getDocument(deps.pool, req.params.id, format === 'pdf' ? 'docx' : format);
      if (!stored) throw notFound('document');
      assertEpisodeAccess(principalOf(req), stored.episodeId);
      if (answerNotModified(req, reply, `${stored.contentHash}${format === 'pdf' ? '.pdf' : ''}`))
        return reply;
      let doc = stored;
      if (format === 'pdf') {
        try {
          doc = await pdfOf(deps.pool, stored, deps.soffice ?? 'soffice');
        } catch (err) {
          if (!(err instanceof PdfUnavailableError)) throw err;
          throw new ApiError(
            503,
            'pdf_unavailable',
            '暂无法生成PDF：服务器未安装LibreOffice，请下载DOCX或HTML版本',
            {
              reason: err.reason,
              alternatives: ['docx', 'html'],
            },
          );
        }
      }
      return reply
        .header('content-type', doc.contentType)
        .header('content-disposition', `attachment; filename="${doc.fileName}"`)
        .send(doc.content as unknown as string);
    },
  );

  app.put(
    '/episodes/:id/work-summary/lessons',
    {
      config: { access: OFFICE },
      schema: {
        tags: ['documents'],
        summary: 'The office writes 存在问题及经验做法 of the work summary (re-rendered if it exists)',
        description:
          'Until the office writes it, the work summary prints the plan’s placeholder. The work summary keeps ' +
          'its 发文字号 when re-rendered.',
        security,
        params: episodeIdParams,
        body: z.strictObject({ text: z.string().trim().min(1).max(20_000) }),
        response: {
          200: z.object({ documentId: z.string().nullable() }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      const row = await readModel(deps, req.params.id);
      if (!row) throw notFound('episode');
      await saveOfficeLessons(deps.pool, req.params.id, req.body.text, p.id);
      const facts = await storedFacts(deps.pool, req.params.id, 'work-summary', 'final');
      if (!facts) return { documentId: null };
      const doc = await produceDocument(deps.pool, {
        episodeId: req.params.id,
        kind: 'work-summary',
        key: 'final',
        facts: { ...facts, lessons: req.body.text },
        plan: await pinnedPlan(deps.pool, row.plan_id, row.plan_version),
      });
      return { documentId: doc.documentId };
    },
  );

  app.get(
    '/episodes/:id/notifications',
    {
      config: { access: LOG_READERS },
      schema: {
        tags: ['documents'],
        summary: 'Delivery log of every message the episode sent (one row per channel target)',
        security,
        params: episodeIdParams,
        querystring: z.strictObject(paging),
        response: {
          200: z.object({
            total: z.number(),
            items: z.array(
              z.object({
                id: z.number(),
                step: z.string(),
                recipientId: z.string(),
                channel: z.string(),
                target: z.string(),
                title: z.string(),
                status: z.string(),
                attempts: z.number(),
                lastError: z.string().nullable(),
                exercise: z.boolean(),
                createdAt: z.string(),
                sentAt: z.string().nullable(),
              }),
            ),
            nextCursor,
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      assertEpisodeAccess(principalOf(req), req.params.id);
      const offset = positionOf(req.query.cursor);
      const [count, list] = await Promise.all([
        deps.pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM notification_deliveries WHERE episode_id = $1',
          [req.params.id],
        ),
        deps.pool.query<{
          id: number;
          step: string;
          recipient_id: string;
          channel: string;
          target: string;
          title: string;
          status: string;
          attempts: number;
          last_error: string | null;
          exercise: boolean;
          created_at: Date;
          sent_at: Date | null;
        }>(
          `SELECT id, step, recipient_id, channel, target, title, status, attempts, last_error, exercise, created_at, sent_at
           FROM notification_deliveries WHERE episode_id = $1 ORDER BY id LIMIT $2 OFFSET $3`,
          [req.params.id, req.query.limit, offset],
        ),
      ]);
      const total = count.rows[0]?.n ?? 0;
      return {
        total,
        items: list.rows.map((r) => ({
          id: Number(r.id),
          step: r.step,
          recipientId: r.recipient_id,
          channel: r.channel,
          target: r.target,
          title: r.title,
          status: r.status,
          attempts: r.attempts,
          lastError: r.last_error,
          exercise: r.exercise,
          createdAt: iso(r.created_at)!,
          sentAt: iso(r.sent_at),
        })),
        nextCursor: nextPositionCursor(offset, list.rows.length, offset + list.rows.length < total),
      };
    },
  );

  app.get(
    '/episodes/:id/electricity',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['documents'],
        summary: 'Electricity assessments of key enterprises per warning day, with the non-compliant ones',
        security,
        params: episodeIdParams,
        querystring: z.strictObject({ day: isoDate.optional() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                day: z.string(),
                level: z.string(),
                counts: z.record(z.string(), z.number()),
                computedAt: z.string(),
                listId: z
                  .number()
                  .nullable()
                  .describe(
                    'the reduction list version assessed (in force at the start); null: the register',
                  ),
                verdicts: z.array(
                  z.object({
                    enterpriseId: z.string(),
                    gradeLabel: z.string().nullable().describe('绩效分级 as the list wrote it (B- stays B-)'),
                    verdict: z.string(),
                    reason: z.string(),
                    baseline: z.number().nullable(),
                    consumption: z.number().nullable(),
                    cut: z.number().nullable(),
                    required: z.number().nullable(),
                  }),
                ),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      // a branch sees the verdicts on its own county's enterprises only
      const county = confinedJurisdiction(p);
      const args: unknown[] = [req.params.id];
      if (req.query.day) args.push(req.query.day);
      const { rows } = await deps.pool.query<{
        day: string;
        level: string;
        counts: Record<string, number>;
        computed_at: Date;
        list_id: string | null;
      }>(
        `SELECT day::text AS day, level, counts, computed_at, list_id FROM electricity_assessments
         WHERE episode_id = $1 ${req.query.day ? 'AND day = $2::date' : ''} ORDER BY day`,
        args,
      );
      const verdicts = await deps.pool.query<{
        day: string;
        enterprise_id: string;
        verdict: string;
        reason: string;
        baseline: number | null;
        consumption: number | null;
        cut: number | null;
        required: number | null;
        grade_label: string | null;
      }>(
        `SELECT v.day::text AS day, v.enterprise_id, v.grade_label, v.verdict, v.reason, v.baseline, v.consumption, v.cut, v.required
         FROM electricity_verdicts v
         WHERE v.episode_id = $1 AND v.verdict <> 'compliant'
           AND ($2::text IS NULL OR v.county = $2
                OR (v.county IS NULL AND EXISTS (SELECT 1 FROM enterprises e WHERE e.id = v.enterprise_id AND e.county = $2)))
         ORDER BY v.day, v.enterprise_id`,
        [req.params.id, county],
      );
      return {
        items: rows.map((r) => ({
          day: r.day,
          level: r.level,
          counts: r.counts,
          computedAt: iso(r.computed_at)!,
          listId: r.list_id === null ? null : Number(r.list_id),
          verdicts: verdicts.rows
            .filter((v) => v.day === r.day)
            .map((v) => ({
              enterpriseId: v.enterprise_id,
              gradeLabel: v.grade_label,
              verdict: v.verdict,
              reason: v.reason,
              baseline: v.baseline,
              consumption: v.consumption,
              cut: v.cut,
              required: v.required,
            })),
        })),
      };
    },
  );
};
