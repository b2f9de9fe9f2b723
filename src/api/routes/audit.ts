/** The auditors' routes: timeline, raw history, replay verification, state at a moment. */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type EpisodeEvent, stateAt, toCstIso } from '../../domain/index.js';
import { AUDIT_READERS, assertEpisodeAccess } from '../access.js';
import type { AppDeps } from '../deps.js';
import { correlateEvents, chainJson, fetchRunHistories, historyJson, replayRuns } from '../audit.js';
import { QUERY_DEADLINE_MS } from '../episode-access.js';
import { notFound } from '../errors.js';
import { booleanQuery, episodeIdParams, errorBody, isoInstant } from '../schemas.js';
import { principalOf } from '../security.js';
import { mapTemporalError } from '../temporal-errors.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 503: errorBody };
const runIdQuery = z.string().regex(/^[0-9a-f-]{36}$/i, 'a run id (UUID)');
/** Fetching and replaying histories is heavy: a tighter limit per principal. */
const heavy = { max: 10, timeWindow: 60_000 };

const withTemporal = (req: { query: unknown }) =>
  ['true', '1', 'yes'].includes(String((req.query as { temporal?: unknown }).temporal ?? '').toLowerCase());

interface EventRow {
  seq: number;
  type: string;
  at: Date;
  actor: unknown;
  payload: Record<string, unknown>;
  recorded_at: Date;
}

async function loadEvents(deps: AppDeps, id: string): Promise<EventRow[]> {
  const { rows } = await deps.pool.query<EventRow>(
    'SELECT seq, type, at, actor, payload, recorded_at FROM episode_events WHERE episode_id = $1 ORDER BY seq',
    [id],
  );
  return rows;
}

const toEvent = (r: EventRow): EpisodeEvent =>
  ({ ...r.payload, type: r.type, at: toCstIso(r.at.getTime()), actor: r.actor }) as EpisodeEvent;

export const auditRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  async function histories(id: string, runId?: string) {
    try {
      return await deps.temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS * 6, () =>
        fetchRunHistories(deps.temporal, id, runId),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound('workflow history');
      const mapped = mapTemporalError(err);
      if ((mapped as { statusCode?: number }).statusCode === 404) throw notFound('workflow history');
      throw mapped;
    }
  }

  app.get(
    '/episodes/:id/audit/timeline',
    {
      config: {
        access: AUDIT_READERS,
        // `temporal=true` fetches and correlates every run's history: under the heavy limit, counted apart
        rateLimit: {
          max: (req) => (withTemporal(req) ? heavy.max : (deps.rateLimit?.max ?? 600)),
          timeWindow: heavy.timeWindow,
          keyGenerator: (req) =>
            `${req.principal?.id ?? req.ip}:timeline:${withTemporal(req) ? 'temporal' : 'plain'}`,
        },
      },
      schema: {
        tags: ['audit'],
        summary:
          'Domain events in order (seq, time, actor), optionally with the Temporal event that recorded each',
        description:
          '`temporal=true` adds, per event, the run id and the id of the history event (ActivityTaskScheduled of ' +
          'the projection) that carried it to PostgreSQL.',
        security,
        params: episodeIdParams,
        querystring: z.strictObject({ temporal: booleanQuery.default(false) }),
        response: {
          200: z.object({
            episodeId: z.string(),
            events: z.array(
              z.object({
                seq: z.number(),
                type: z.string(),
                at: z.string(),
                actor: z.unknown(),
                payload: z.record(z.string(), z.unknown()),
                recordedAt: z.string(),
                temporal: z.object({ runId: z.string(), eventId: z.string() }).nullable().optional(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      assertEpisodeAccess(principalOf(req), req.params.id);
      const rows = await loadEvents(deps, req.params.id);
      if (rows.length === 0) throw notFound('episode');
      const correlation = req.query.temporal ? correlateEvents(await histories(req.params.id)) : null;
      return {
        episodeId: req.params.id,
        events: rows.map((r) => ({
          seq: r.seq,
          type: r.type,
          at: toCstIso(r.at.getTime()),
          actor: r.actor,
          payload: r.payload,
          recordedAt: toCstIso(r.recorded_at.getTime()),
          ...(correlation ? { temporal: correlation.get(r.seq) ?? null } : {}),
        })),
      };
    },
  );

  app.get(
    '/episodes/:id/audit/history',
    {
      config: { access: AUDIT_READERS, rateLimit: heavy },
      schema: {
        tags: ['audit'],
        summary: 'Raw Temporal history (JSON as `temporal workflow show -o json`)',
        description:
          'With `runId`: that run, exactly as the Temporal CLI prints it. Without: every run of the continue-as-new ' +
          'chain, oldest first, as { workflowId, runs: [{ runId, history }] }.',
        security,
        params: episodeIdParams,
        querystring: z.strictObject({ runId: runIdQuery.optional() }),
        response: { 200: z.unknown(), ...errors },
      },
    },
    async (req, reply) => {
      assertEpisodeAccess(principalOf(req), req.params.id);
      const runs = await histories(req.params.id, req.query.runId);
      const body = req.query.runId ? historyJson(runs[0]!.history) : chainJson(req.params.id, runs);
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${req.params.id.replace(/[^\w.-]+/g, '_')}.json"`,
        )
        .send(body);
    },
  );

  app.post(
    '/episodes/:id/audit/replay',
    {
      config: { access: AUDIT_READERS, rateLimit: heavy },
      schema: {
        tags: ['audit'],
        summary: 'Replay the recorded history of every run against the current workflow code',
        description:
          'Answers `pass`, or `diverged` with the first divergence (run id and the replayer’s error).',
        security,
        params: episodeIdParams,
        querystring: z.strictObject({ runId: runIdQuery.optional() }),
        response: {
          200: z.object({
            result: z.enum(['pass', 'diverged']),
            workflowId: z.string(),
            runs: z.array(z.object({ runId: z.string(), events: z.number(), result: z.string() })),
            divergence: z.object({ runId: z.string(), error: z.string(), message: z.string() }).optional(),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      assertEpisodeAccess(principalOf(req), req.params.id);
      const runs = await histories(req.params.id, req.query.runId);
      return replayRuns(req.params.id, runs, deps.workflowBundle);
    },
  );

  app.get(
    '/episodes/:id/audit/state',
    {
      config: { access: AUDIT_READERS },
      schema: {
        tags: ['audit'],
        summary: 'The episode state at a moment: the fold of the recorded events up to that time',
        security,
        params: episodeIdParams,
        querystring: z.strictObject({ at: isoInstant }),
        response: {
          200: z.object({
            episodeId: z.string(),
            at: z.string(),
            eventsApplied: z.number(),
            lastSeq: z.number().nullable(),
            state: z.looseObject({ phase: z.string(), level: z.string() }),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      assertEpisodeAccess(principalOf(req), req.params.id);
      const rows = await loadEvents(deps, req.params.id);
      if (rows.length === 0) throw notFound('episode');
      const t = Date.parse(req.query.at);
      const state = stateAt(rows.map(toEvent), toCstIso(t));
      const applied = rows.filter((r) => r.at.getTime() <= t);
      return {
        episodeId: req.params.id,
        at: toCstIso(t),
        eventsApplied: state.eventCount,
        lastSeq: applied.length ? applied[applied.length - 1]!.seq : null,
        state: state as unknown as { phase: string; level: string },
      };
    },
  );
};
