import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';

const CHECK_TIMEOUT_MS = 2_000;

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
  status: z.enum(['ready', 'unavailable']),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
});

export const healthRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
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
        summary: 'Temporal and PostgreSQL are reachable (503 names what is down)',
        response: { 200: readyBody, 503: readyBody },
      },
    },
    async (_req, reply) => {
      const checks: Record<string, { ok: boolean; error?: string }> = {};
      await Promise.all([
        within(
          CHECK_TIMEOUT_MS,
          deps.temporal
            .withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
              deps.temporal.workflowService.getSystemInfo({}),
            )
            .then(() => undefined),
        )
          .then(() => {
            checks.temporal = { ok: true };
          })
          .catch((err: Error) => {
            checks.temporal = { ok: false, error: err.message.split('\n')[0] };
          }),
        within(CHECK_TIMEOUT_MS, deps.pool.query('SELECT 1'))
          .then(() => {
            checks.postgres = { ok: true };
          })
          .catch((err: Error) => {
            checks.postgres = { ok: false, error: err.message.split('\n')[0] };
          }),
      ]);
      const ok = Object.values(checks).every((c) => c.ok);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', checks });
    },
  );
};
