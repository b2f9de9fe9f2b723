import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { episodeWorkflow } from '../../workflows/episode.js';
import {
  EPISODE_WORKFLOW_TYPE,
  type EpisodeSummary,
  type StartEpisodeInput,
  episodeStateQuery,
} from '../../workflows/definitions.js';
import type { AppDeps } from '../app.js';
import { notFound } from '../errors.js';
import { episodeIdParams, errorBody, startEpisodeBody } from '../schemas.js';
import { mapTemporalError } from '../temporal-errors.js';

const CST_OFFSET_MS = 8 * 3600_000;
/** A read waits at most this long for Temporal before answering 503. */
const QUERY_DEADLINE_MS = 5_000;
const cstDate = (epochMs: number) => new Date(epochMs + CST_OFFSET_MS).toISOString().slice(0, 10);

export function episodeIdOf(b: {
  exercise: boolean;
  jurisdiction: string;
  date: string;
  seq: number;
}): string {
  return `${b.exercise ? 'exercise' : 'episode'}:${b.jurisdiction}:${b.date}:${b.seq}`;
}

const startedBody = z.object({ id: z.string(), runId: z.string(), location: z.string() });

export const episodeRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const now = deps.now ?? Date.now;

  app.post(
    '/episodes',
    {
      schema: {
        tags: ['episodes'],
        summary: 'Start an episode (idempotent: the same jurisdiction, date and seq give the same episode)',
        body: startEpisodeBody,
        response: { 202: startedBody, 400: errorBody, 503: errorBody },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const requestedAt = now();
      const id = episodeIdOf({ ...body, date: body.date ?? cstDate(requestedAt) });
      const input: StartEpisodeInput = {
        episodeId: id,
        jurisdiction: body.jurisdiction,
        forecast: body.forecast,
        exercise: body.exercise,
        initiator: { id: body.initiator },
        requestedAt,
      };
      let runId: string;
      try {
        const handle = await deps.temporal.workflow.start<typeof episodeWorkflow>(EPISODE_WORKFLOW_TYPE, {
          workflowId: id,
          taskQueue: deps.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
        runId = handle.firstExecutionRunId;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw mapTemporalError(err);
        // The episode ran and closed already: the same episode, not a new one.
        const described = await deps.temporal.workflow.getHandle(id).describe();
        runId = described.runId;
      }
      const location = `/episodes/${encodeURIComponent(id)}`;
      return reply.code(202).header('location', location).send({ id, runId, location });
    },
  );

  app.get(
    '/episodes/:id',
    {
      schema: {
        tags: ['episodes'],
        summary: 'Episode state (live from the workflow; the read model once the workflow is gone)',
        params: episodeIdParams,
        response: { 200: z.unknown(), 404: errorBody, 503: errorBody },
      },
    },
    async (req) => {
      const { id } = req.params;
      try {
        return await deps.temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
          deps.temporal.workflow.getHandle(id).query(episodeStateQuery),
        );
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw mapTemporalError(err);
      }
      const row = await deps.pool.query<{ state: EpisodeSummary }>(
        'SELECT state FROM episodes WHERE id = $1',
        [id],
      );
      if (row.rowCount === 0) throw notFound(`episode ${id}`);
      return row.rows[0]!.state;
    },
  );
};
