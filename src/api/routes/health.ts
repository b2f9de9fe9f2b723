import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { projectionLag } from '../metrics.js';
import { messagesTaskQueue } from '../../workflows/task-queues.js';
import { workerPresence } from '../worker-presence.js';

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Temporal calls of readiness checks still under way (their gRPC retries run until the deadline).
 * The app waits for them on close, so that no retry fires on a connection already shut down.
 */
const pendingTemporalCalls = new Set<Promise<unknown>>();
function tracked<T>(call: Promise<T>): Promise<T> {
  const settled = call.then(
    () => undefined,
    () => undefined,
  );
  pendingTemporalCalls.add(settled);
  void settled.finally(() => pendingTemporalCalls.delete(settled));
  return call;
}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const readyBody = z.object({
  status: z.enum(['ready', 'degraded', 'unavailable']),
  checks: z.record(
    z.string(),
    z.looseObject({ ok: z.boolean(), error: z.string().optional(), critical: z.boolean().optional() }),
  ),
});
/** The projection counts as lagging once its oldest unapplied event is this old. */
const PROJECTION_LAG_ALERT_S = 30;

export const healthRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onClose', async () => {
    await Promise.all([...pendingTemporalCalls]);
  });
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'The process is up',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary:
          'Temporal and PostgreSQL reachable (else 503); a worker polling and the projection current (else degraded)',
        description:
          '503 when Temporal or PostgreSQL is down. 200 `degraded` when no worker polls the task queue (deadlines ' +
          'stop, reads go on), no worker sends messages (`<queue>-messages`) or the read projection lags more than 30 s.',
        response: { 200: readyBody, 503: readyBody },
      },
    },
    async (req, reply) => {
      const checks: Record<
        string,
        { ok: boolean; error?: string; critical?: boolean; [k: string]: unknown }
      > = {};
      await Promise.all([
        within(
          CHECK_TIMEOUT_MS,
          tracked(
            deps.temporal.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
              deps.temporal.workflowService.getSystemInfo({}),
            ),
          ).then(() => undefined),
        )
          .then(() => {
            checks.temporal = { ok: true };
          })
          .catch((err: Error) => {
            // the dependency's own error text (addresses, versions) is for the log, not the public
            req.log.warn({ err }, 'readiness: Temporal unreachable');
            checks.temporal = { ok: false, error: 'unreachable' };
          }),
        within(CHECK_TIMEOUT_MS, deps.pool.query('SELECT 1'))
          .then(() => {
            checks.postgres = { ok: true };
          })
          .catch((err: Error) => {
            req.log.warn({ err }, 'readiness: PostgreSQL unreachable');
            checks.postgres = { ok: false, error: 'unreachable' };
          }),
        within(CHECK_TIMEOUT_MS, tracked(workerPresence(deps.temporal, deps.taskQueue, CHECK_TIMEOUT_MS)))
          .then((w) => {
            const ok = w.workflowPollers > 0 && w.activityPollers > 0;
            checks.worker = {
              ok,
              critical: false,
              taskQueue: deps.taskQueue,
              ...w,
              ...(ok ? {} : { error: `no worker polls task queue ${deps.taskQueue}` }),
            };
          })
          .catch((err: Error) => {
            req.log.warn({ err }, 'readiness: worker check failed');
            checks.worker = { ok: false, critical: false, error: 'unreachable' };
          }),
        within(
          CHECK_TIMEOUT_MS,
          tracked(workerPresence(deps.temporal, messagesTaskQueue(deps.taskQueue), CHECK_TIMEOUT_MS)),
        )
          .then((w) => {
            const queue = messagesTaskQueue(deps.taskQueue);
            const ok = w.activityPollers > 0;
            checks.messages = {
              ok,
              critical: false,
              taskQueue: queue,
              activityPollers: w.activityPollers,
              ...(ok ? {} : { error: `no worker sends messages from task queue ${queue}` }),
            };
          })
          .catch((err: Error) => {
            req.log.warn({ err }, 'readiness: message worker check failed');
            checks.messages = { ok: false, critical: false, error: 'unreachable' };
          }),
        within(CHECK_TIMEOUT_MS, projectionLag(deps.pool))
          .then((lag) => {
            const ok = lag.seconds < PROJECTION_LAG_ALERT_S;
            checks.projection = {
              ok,
              critical: false,
              lagEvents: lag.events,
              lagSeconds: Math.round(lag.seconds * 10) / 10,
              ...(ok ? {} : { error: `the read projection is ${Math.round(lag.seconds)} s behind` }),
            };
          })
          .catch((err: Error) => {
            req.log.warn({ err }, 'readiness: projection check failed');
            checks.projection = { ok: false, critical: false, error: 'unreachable' };
          }),
      ]);
      const up = Object.values(checks).every((c) => c.ok || c.critical === false);
      const all = Object.values(checks).every((c) => c.ok);
      const status = !up ? 'unavailable' : all ? 'ready' : 'degraded';
      return reply.code(up ? 200 : 503).send({ status, checks });
    },
  );
};
