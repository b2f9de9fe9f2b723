/**
 * The exported Temporal histories of an episode's closed runs (auditors replay them with
 * `Worker.runReplayHistory` long after the namespace's retention has dropped them).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { toCstIso } from '../../domain/index.js';
import { AUDIT_READERS, assertEpisodeAccess } from '../access.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { episodeIdParams, errorBody } from '../schemas.js';
import { principalOf } from '../security.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 503: errorBody };

export const historyRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get(
    '/episodes/:id/histories',
    {
      config: { access: AUDIT_READERS },
      schema: {
        tags: ['audit'],
        summary: 'Exported Temporal histories of the episode’s closed runs (list; `runId` for one, as JSON)',
        security,
        params: episodeIdParams,
        querystring: z.strictObject({ runId: z.string().min(1).max(100).optional() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                runId: z.string(),
                status: z.string(),
                startedAt: z.string(),
                closedAt: z.string(),
                eventCount: z.number(),
                history: z.unknown().optional(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      assertEpisodeAccess(principalOf(req), req.params.id);
      const runId = req.query.runId;
      const { rows } = await deps.pool.query<{
        run_id: string;
        status: string;
        started_at: Date;
        closed_at: Date;
        event_count: number;
        history?: unknown;
      }>(
        `SELECT run_id, status, started_at, closed_at, event_count${runId ? ', history' : ''}
           FROM episode_histories WHERE episode_id = $1 ${runId ? 'AND run_id = $2' : ''} ORDER BY started_at`,
        runId ? [req.params.id, runId] : [req.params.id],
      );
      if (runId && rows.length === 0) throw notFound('history');
      return {
        items: rows.map((r) => ({
          runId: r.run_id,
          status: r.status,
          startedAt: toCstIso(r.started_at.getTime()),
          closedAt: toCstIso(r.closed_at.getTime()),
          eventCount: r.event_count,
          ...(runId ? { history: r.history } : {}),
        })),
      };
    },
  );
};
