import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ResponsePlan, cstDate, keepsEpisode, toCstIso } from '../../domain/index.js';
import { episodePlanAtStart, governingPlan, pinnedPlan } from '../../db/plan-versions.js';
import { buildReportValidator } from '../../domain/plan-schema.js';
import type { episodeWorkflow } from '../../workflows/index.js';
import {
  type CloseInput,
  type ConsultationInput,
  type DecisionInput,
  EPISODE_WORKFLOW_TYPE,
  type ReportFields,
  type StartEpisodeInput,
  closeEpisodeUpdate,
  consultUpdate,
  decideUpdate,
  submitReportUpdate,
  submitSummaryUpdate,
} from '../../workflows/definitions.js';
import {
  COMMANDER,
  EPISODE_READERS,
  KEEPERS,
  UNIT,
  assertActsFor,
  assertEpisodeAccess,
  jurisdictionOfEpisode,
  visibleJurisdictions,
} from '../access.js';
import type { AppDeps } from '../deps.js';
import { dutySchema } from '../view-schema.js';
import {
  episodeState,
  executeEpisodeUpdate,
  readModel,
  summaryOf,
  type ReadModelRow,
  updateIdFor,
} from '../episode-access.js';
import { badRequest, forbidden, mapDomainError } from '../errors.js';
import { awaitProjection } from '../read-your-writes.js';
import { episodeStartMetadata } from '../start-metadata.js';
import { deletePhotos, storePhotos, unitOwnsPhotos } from '../photos.js';
import { DEFAULT_BUSINESS_DATES, assertBusinessDate } from '../business-date.js';
import { photoHashes, withClaim } from '../submission-claims.js';
import { assertQuotaLeft } from './photos.js';
import {
  accepted,
  booleanQuery,
  closeBody,
  consultationBody,
  decisionBody,
  episodeIdParams,
  episodeSummary,
  episodeView,
  errorBody,
  isoDate,
  jurisdictionId,
  levelOrNone,
  phase,
  reportBody,
  startEpisodeBody,
  summaryBody,
} from '../schemas.js';
import { principalOf } from '../security.js';
import { mapTemporalError } from '../temporal-errors.js';

/**
 * When the request's body (photos included) had fully arrived: the workflow judges a report's
 * lateness by it, so a worker restart does not make an on-time report late, and a request opened
 * before the deadline whose body is sent after it is late.
 */
function receiptOf(req: { bodyReceivedAt?: number }): string {
  return toCstIso(req.bodyReceivedAt ?? Date.now());
}

export function episodeIdOf(b: {
  exercise: boolean;
  jurisdiction: string;
  date: string;
  seq: number;
}): string {
  return `${b.exercise ? 'exercise' : 'episode'}:${b.jurisdiction}:${b.date}:${b.seq}`;
}

const security = [{ bearerAuth: [] }];
/** Workflow answers are plain JSON objects; their documented schemas are loose (extra keys pass). */
const loose = <
  T = {
    [k: string]: unknown;
    episodeId: string;
    jurisdiction: string | null;
    phase: string;
    level: string;
    exercise: boolean;
  },
>(
  v: unknown,
) => v as T;
const errors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  503: errorBody,
};

const listQuery = z.strictObject({
  jurisdiction: jurisdictionId.optional(),
  phase: phase.optional(),
  level: levelOrNone.optional(),
  /** Business date range (the date in the episode id), inclusive. */
  from: isoDate.optional(),
  to: isoDate.optional(),
  exercise: booleanQuery.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(400)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
});

const cursorSchema = z.strictObject({ d: z.string().max(10), i: z.string().max(200) });
function decodeCursor(cursor: string): { d: string; i: string } {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw badRequest('cursor: not a cursor of this listing', {
      issues: [{ path: 'querystring.cursor', message: 'invalid' }],
    });
  }
}
const encodeCursor = (r: ReadModelRow) =>
  Buffer.from(JSON.stringify({ d: r.business_date, i: r.id }), 'utf8').toString('base64url');

const reportResult = z.object({
  reportId: z.string(),
  unitId: z.string(),
  responseDay: z.number(),
  late: z.boolean(),
  replaced: z.boolean(),
  duplicate: z.boolean(),
  photoIds: z.array(z.string()),
});

export const episodeRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const now = deps.now ?? Date.now;

  app.post(
    '/episodes',
    {
      config: { access: KEEPERS },
      schema: {
        tags: ['episodes'],
        summary: 'Start an episode from a consultation or a provincial directive (idempotent business id)',
        description:
          'The id is `episode:<jurisdiction>:<date>:<seq>` (`exercise:…` for exercises): starting the same id ' +
          'again answers the same episode. The episode runs under the plan that governs its jurisdiction (the ' +
          'city’s, or the county’s own: 二.2): the published version in force at the start (plan_versions), ' +
          'unless `planId`/`planVersion` name another published one; its content is pinned in the ' +
          'workflow’s input, so a later revision never changes the episode. A `planId` of another ' +
          'jurisdiction is refused. The city’s office starts any episode, a branch its county’s.',
        security,
        body: startEpisodeBody,
        response: { 202: accepted, ...errors },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const body = req.body;
      if (body.date) assertBusinessDate(body.date, now(), deps.businessDates ?? DEFAULT_BUSINESS_DATES);
      const id = episodeIdOf({ ...body, date: body.date ?? cstDate(now()) });
      let plan: ResponsePlan;
      try {
        plan = await episodePlanAtStart(deps.pool, {
          jurisdiction: body.jurisdiction,
          ...(body.planId ? { planId: body.planId } : {}),
          ...(body.planVersion !== undefined ? { planVersion: body.planVersion } : {}),
          atMs: now(),
        });
      } catch (err) {
        throw mapDomainError(err);
      }
      if (plan.jurisdiction !== body.jurisdiction) {
        const message = `《${plan.name}》不适用于该行政区，应使用其属地方案`;
        throw badRequest(`planId: ${message}`, { issues: [{ path: 'planId', message }] });
      }
      if (!keepsEpisode(plan, p)) throw forbidden();
      const input: StartEpisodeInput = {
        episodeId: id,
        jurisdiction: body.jurisdiction,
        planId: plan.id,
        planVersion: plan.version,
        planSnapshot: plan,
        forecast: body.forecast,
        exercise: body.exercise,
        initiator: p,
        origin: body.origin,
        ...(body.directedLevel ? { directedLevel: body.directedLevel } : {}),
        ...(body.exerciseDayMs !== undefined ? { exerciseDayMs: body.exerciseDayMs } : {}),
      };
      let runId: string;
      try {
        const handle = await deps.temporal.workflow.start<typeof episodeWorkflow>(EPISODE_WORKFLOW_TYPE, {
          workflowId: id,
          taskQueue: deps.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          ...episodeStartMetadata(input, plan),
        });
        runId = handle.firstExecutionRunId;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw mapTemporalError(err);
        // The episode ran and closed already: the same episode, not a new one.
        try {
          runId = (await deps.temporal.workflow.getHandle(id).describe()).runId;
        } catch (e) {
          throw mapTemporalError(e);
        }
      }
      // Read-your-writes: the first projection (bounded) before the 202, so a GET that follows finds it.
      await awaitProjection(deps.pool, deps.feed!, id, 1).catch(() => false);
      const location = `/episodes/${encodeURIComponent(id)}`;
      return reply.code(202).header('location', location).send({ id, runId, location });
    },
  );

  app.get(
    '/episodes',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['episodes'],
        summary: 'List episodes from the read model (filters, newest first, cursor paging)',
        description: 'Branches see their own county and the city-wide episodes only.',
        security,
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(episodeSummary), nextCursor: z.string().nullable() }),
          ...errors,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const where: string[] = [];
      const args: unknown[] = [];
      const add = (sql: string, value: unknown) => {
        args.push(value);
        where.push(sql.replace('?', `$${args.length}`));
      };
      const visible = visibleJurisdictions(principalOf(req));
      if (visible) add('jurisdiction = ANY(?::text[])', visible);
      if (q.jurisdiction) add('jurisdiction = ?', q.jurisdiction);
      if (q.phase) add('phase = ?', q.phase);
      if (q.level) add('level = ?', q.level);
      if (q.from) add('business_date >= ?', q.from);
      if (q.to) add('business_date <= ?', q.to);
      if (q.exercise !== undefined) add('exercise = ?', q.exercise);
      if (q.cursor) {
        const c = decodeCursor(q.cursor);
        args.push(c.d, c.i);
        where.push(`(business_date, id) < ($${args.length - 1}, $${args.length})`);
      }
      args.push(q.limit + 1);
      const { rows } = await deps.pool.query<ReadModelRow>(
        `SELECT * FROM episodes ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY business_date DESC, id DESC LIMIT $${args.length}`,
        args,
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(summaryOf),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null,
      };
    },
  );

  app.get(
    '/episodes/:id',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['episodes'],
        summary: 'Episode state, from the PostgreSQL projection (answers while every worker is down)',
        description:
          'An episode outside the caller’s jurisdictions is refused with 403 whether it exists or not. ' +
          '`minSeq` (the `seq`/`eventCount` an Update answered): wait up to 3 s until the projection shows it.',
        security,
        params: episodeIdParams,
        querystring: z.strictObject({ minSeq: z.coerce.number().int().min(0).max(1e9).optional() }),
        response: { 200: episodeView, ...errors },
      },
    },
    async (req) => {
      assertEpisodeAccess(principalOf(req), req.params.id);
      return loose(await episodeState(deps, req.params.id, req.query.minSeq));
    },
  );

  app.get(
    '/episodes/:id/duties',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['episodes'],
        summary: 'Duties of the episode (current and previous response day, standing and open ones)',
        security,
        params: episodeIdParams,
        querystring: z.strictObject({ unitId: z.string().min(1).max(100).optional() }),
        response: {
          200: z.object({
            episodeId: z.string(),
            responseDay: z.number().nullable(),
            duties: z.array(dutySchema),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      assertEpisodeAccess(principalOf(req), req.params.id);
      const view = await episodeState(deps, req.params.id);
      const unitId = req.query.unitId;
      return {
        episodeId: view.episodeId,
        responseDay: view.responseDay ?? null,
        duties: unitId ? view.duties.filter((d) => d.unitId === unitId) : view.duties,
      };
    },
  );

  app.post(
    '/episodes/:id/consultations',
    {
      config: { access: KEEPERS },
      schema: {
        tags: ['commands'],
        summary: 'Record a consultation (or a provincial directive); may propose a level to the commander',
        security,
        params: episodeIdParams,
        body: consultationBody,
        response: { 200: z.looseObject({ consultationId: z.string(), level: z.string() }), ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      const input: ConsultationInput = {
        actor: p,
        forecast: req.body.forecast,
        ...(req.body.directedLevel ? { directedLevel: req.body.directedLevel } : {}),
        ...(req.body.directive ? { directive: req.body.directive } : {}),
        ...(req.body.record ? { record: req.body.record } : {}),
      };
      return loose(
        await executeEpisodeUpdate(
          deps,
          req.params.id,
          consultUpdate,
          input,
          updateIdFor(p.id, req.idempotency?.key, `consult:${req.params.id}`),
        ),
      );
    },
  );

  app.post(
    '/episodes/:id/decisions',
    {
      config: { access: COMMANDER },
      schema: {
        tags: ['commands'],
        summary: "The commander's order: approve or decline the pending proposal, order a level, or lift",
        security,
        params: episodeIdParams,
        body: decisionBody,
        response: { 200: episodeView, ...errors, 422: errorBody },
      },
    },
    async (req) => {
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      const b = req.body;
      const input: DecisionInput = {
        actor: p,
        decision: b.decision,
        ...(b.proposalId ? { proposalId: b.proposalId } : {}),
        ...(b.level ? { level: b.level } : {}),
        ...(b.comment ? { comment: b.comment } : {}),
        ...(b.effectiveAt ? { effectiveAt: b.effectiveAt } : {}),
      };
      return loose(
        await executeEpisodeUpdate(
          deps,
          req.params.id,
          decideUpdate,
          input,
          updateIdFor(p.id, req.idempotency?.key, `decide:${req.params.id}`),
        ),
      );
    },
  );

  app.post(
    '/episodes/:id/reports',
    {
      config: {
        access: UNIT,
        multipart: {
          jsonField: 'report',
          maxFiles: deps.limits.photoFiles,
          maxFileBytes: deps.limits.photoBytes,
        },
        // before up to photoFiles × photoBytes of body are read: the episode, and room for photos
        beforeBody: async (req) => {
          const p = principalOf(req);
          assertEpisodeAccess(p, (req.params as { id: string }).id);
          if (req.isMultipart()) await assertQuotaLeft(deps, p.unit!);
        },
      },
      schema: {
        tags: ['commands'],
        summary: "A unit's daily report (JSON with uploaded photoIds, or multipart with photo files)",
        description:
          'application/json: the body below, `fields.photoIds` naming photos uploaded with POST /photos. ' +
          'multipart/form-data: a text part `report` holding that JSON, and up to ' +
          `${deps.limits.photoFiles} image parts (jpeg, png, webp; ≤ ${deps.limits.photoBytes} bytes each) whose ` +
          'ids are appended to `fields.photoIds`.',
        consumes: ['application/json', 'multipart/form-data'],
        security,
        params: episodeIdParams,
        body: reportBody,
        response: { 201: reportResult, ...errors, 413: errorBody, 415: errorBody },
      },
    },
    async (req, reply) => {
      const receivedAt = receiptOf(req);
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      const b = req.body;
      const unitId = b.unitId ?? p.unit;
      if (!unitId)
        throw badRequest('unitId: required', { issues: [{ path: 'body.unitId', message: 'required' }] });
      assertActsFor(p, unitId);
      const given = b.fields.photoIds;
      if (given !== undefined && !Array.isArray(given)) {
        throw badRequest('fields.photoIds: a list of photo ids', {
          issues: [{ path: 'body.fields.photoIds', message: 'expected a list' }],
        });
      }
      const givenIds = (given ?? []) as string[];
      const files = req.uploads ?? [];
      if (givenIds.length + files.length > 50) throw badRequest('fields.photoIds: at most 50 photos');
      if (!(await unitOwnsPhotos(deps.pool, unitId, givenIds))) {
        throw badRequest('fields.photoIds: unknown photo, or a photo of another unit', {
          issues: [{ path: 'body.fields.photoIds', message: 'unknown photo id' }],
        });
      }
      const fields: ReportFields = { ...b.fields, photoIds: givenIds };
      const row = await readModel(deps, req.params.id);
      const plan = row
        ? await pinnedPlan(deps.pool, row.plan_id, row.plan_version)
        : await governingPlan(deps.pool, jurisdictionOfEpisode(req.params.id), now());
      // Validate the form before storing anything (uploaded photos count as present).
      const check = buildReportValidator(plan)({
        ...fields,
        photoIds: files.length > 0 ? [...givenIds, ...files.map((f) => f.sha256)] : givenIds,
      });
      if (!check.ok) {
        throw badRequest(check.errors.map((e) => `fields.${e.path}: ${e.message}`).join('; '), {
          issues: check.errors.map((e) => ({ path: `body.fields.${e.path}`, message: e.message })),
        });
      }
      const reportId =
        b.reportId ?? updateIdFor(p.id, req.idempotency?.key, `report:${req.params.id}`).slice(0, 32);
      // The content, photos by their bytes' hash (a retry uploads new copies with new ids).
      const { photoIds: _ids, ...rest } = fields;
      const content = {
        responseDay: b.responseDay,
        fields: rest,
        photos: [...(await photoHashes(deps.pool, givenIds)), ...files.map((f) => f.sha256)],
      };
      const claim = { episodeId: req.params.id, kind: 'report' as const, unitId, submissionId: reportId };
      return withClaim(deps.pool, { ...claim, content, claimedBy: p.id }, async () => {
        const stored = await storePhotos(deps.pool, unitId, p.id, files, deps.photos);
        fields.photoIds = [...givenIds, ...stored];
        try {
          const result = await executeEpisodeUpdate(
            deps,
            req.params.id,
            submitReportUpdate,
            { actor: p, unitId, responseDay: b.responseDay, reportId, fields, receivedAt },
            updateIdFor(p.id, req.idempotency?.key, `report:${req.params.id}`),
          );
          return reply.code(result.duplicate ? 200 : 201).send({ ...result, photoIds: fields.photoIds });
        } catch (err) {
          await deletePhotos(deps.pool, stored).catch(() => {});
          throw err;
        }
      });
    },
  );

  app.post(
    '/episodes/:id/summaries',
    {
      config: { access: UNIT },
      schema: {
        tags: ['commands'],
        summary: "A unit's episode summary, due by 10:00 the day after the lift",
        security,
        params: episodeIdParams,
        body: summaryBody,
        response: { 201: z.object({ summaryId: z.string(), late: z.boolean() }), ...errors },
      },
    },
    async (req, reply) => {
      const receivedAt = receiptOf(req);
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      const unitId = req.body.unitId ?? p.unit;
      if (!unitId) throw badRequest('unitId: required');
      assertActsFor(p, unitId);
      const summaryId =
        req.body.summaryId ?? `${unitId}:${updateIdFor(p.id, req.idempotency?.key, 'summary').slice(0, 16)}`;
      const claim = { episodeId: req.params.id, kind: 'summary' as const, unitId, submissionId: '' };
      const result = await withClaim(
        deps.pool,
        { ...claim, content: { text: req.body.text }, claimedBy: p.id },
        () =>
          executeEpisodeUpdate(
            deps,
            req.params.id,
            submitSummaryUpdate,
            { actor: p, unitId, summaryId, text: req.body.text, receivedAt },
            updateIdFor(p.id, req.idempotency?.key, `summary:${req.params.id}`),
          ),
      );
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/episodes/:id/close',
    {
      config: { access: KEEPERS },
      schema: {
        tags: ['commands'],
        summary: 'End an early response (summaries follow) or cancel an episode with no response under way',
        security,
        params: episodeIdParams,
        body: closeBody,
        response: { 200: episodeView, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      const input: CloseInput = {
        actor: p,
        reason: req.body.reason,
        ...(req.body.comment ? { comment: req.body.comment } : {}),
      };
      return loose(
        await executeEpisodeUpdate(
          deps,
          req.params.id,
          closeEpisodeUpdate,
          input,
          updateIdFor(p.id, req.idempotency?.key, `close:${req.params.id}`),
        ),
      );
    },
  );
};
