/**
 * One trace from the HTTP request to the activities: with tracing on (an in-memory exporter in place
 * of OTLP), `POST /episodes` with an X-Request-Id makes a server span carrying the request id, the
 * Temporal client's StartWorkflow, the workflow's StartActivity spans (made in the sandbox, exported
 * through the sink, children of its RunWorkflow span, which ends with the run), the activities'
 * RunActivity and the PostgreSQL queries of the projection — all in the request's trace, parent by
 * parent.
 */
import { randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logOnlyActivityDeps } from '../../../src/activities/deps.js';
import { projectRoot } from '../../../src/config.js';
import {
  WORKFLOW_TRACING_MODULE,
  startTracing,
  temporalClientInterceptors,
  tracing,
} from '../../../src/ops/tracing.js';
import { workflowsPath } from '../../../src/temporal/runtime.js';
import { createWorker } from '../../../worker.js';
import { type IntegrationContext, integrationContext, uniqueTaskQueue } from '../../helpers.js';
import { bearer, seedPrincipals, testApp, uniqueDate } from '../api/api-helpers.js';

const exporter = new InMemorySpanExporter();
let ctx: IntegrationContext;
let tracedBundle: Promise<{ code: string }>;

beforeAll(async () => {
  startTracing({ serviceName: 'smog-response-test', exporter });
  ctx = await integrationContext();
  tracedBundle = bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [WORKFLOW_TRACING_MODULE],
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
  });
});
afterAll(async () => {
  await ctx?.close();
  await tracing()?.shutdown();
});

describe('traces', () => {
  it('run from the HTTP request through the workflow to its activities and their queries', {
    timeout: 120_000,
  }, async () => {
    const { code } = await tracedBundle;
    const taskQueue = uniqueTaskQueue('trace');
    const worker = await createWorker({
      connection: ctx.nativeConnection,
      namespace: 'default',
      taskQueue,
      activityDeps: logOnlyActivityDeps(ctx.pool),
      workflowBundle: { code },
    });
    const interceptors = temporalClientInterceptors();
    expect(interceptors).toBeDefined();
    const client = new Client({ connection: ctx.connection, interceptors: interceptors! });
    const app = await testApp({ ...ctx, client }, taskQueue);
    const who = await seedPrincipals(ctx);
    const requestId = `trace-${randomUUID()}`;
    await worker.runUntil(async () => {
      const date = uniqueDate();
      const res = await app.inject({
        method: 'POST',
        url: '/episodes',
        headers: { ...bearer(who.office), 'x-request-id': requestId },
        payload: { jurisdiction: 'shuangta', date, exercise: true, forecast: [{ date, aqi: 120 }] },
      });
      expect(res.statusCode).toBe(202);
      expect(res.headers['x-request-id']).toBe(requestId);
      const id = res.json().id as string;

      const inTrace = (): ReadableSpan[] => {
        const spans = exporter.getFinishedSpans();
        const root = spans.find((s) => s.attributes['request.id'] === requestId);
        return root ? spans.filter((s) => s.spanContext().traceId === root.spanContext().traceId) : [];
      };
      await expect
        .poll(() => inTrace().map((s) => s.name), { timeout: 30_000, interval: 250 })
        .toEqual(
          expect.arrayContaining([
            'POST /episodes',
            'StartWorkflow:episodeWorkflow',
            'StartActivity:recordEvents',
            'RunActivity:recordEvents',
          ]),
        );
      // a workflow's StartActivity span ends (and is exported) after its activity's RunActivity: wait
      // until every activity that ran has its scheduling span
      const settled = () => {
        const sp = inTrace();
        const ids = new Set(sp.map((s) => s.spanContext().spanId));
        return sp
          .filter((s) => s.name.startsWith('RunActivity:'))
          .every((r) => ids.has(r.parentSpanId ?? ''));
      };
      await expect.poll(settled, { timeout: 15_000, interval: 250 }).toBe(true);
      const spans = inTrace();
      const byName = (name: string) => spans.filter((s) => s.name === name);
      const idOf = (s: ReadableSpan) => s.spanContext().spanId;
      const root = byName('POST /episodes')[0]!;
      expect(root.parentSpanId).toBeUndefined();
      expect(root.attributes['http.response.status_code']).toBe(202);
      const start = byName('StartWorkflow:episodeWorkflow')[0]!;
      expect(start.attributes.workflowId ?? start.attributes['temporal.workflow_id'] ?? id).toBe(id);
      expect(start.parentSpanId).toBe(idOf(root));
      // the workflow's activities are scheduled under its RunWorkflow span, which is exported when the
      // run ends (an episode runs for days): it is the one parent not yet among the finished spans
      const ids = new Set(spans.map(idOf));
      const scheduled = spans.filter((s) => s.name.startsWith('StartActivity:'));
      const runSpans = new Set(scheduled.map((s) => s.parentSpanId));
      expect(runSpans.size).toBe(1);
      expect(ids.has([...runSpans][0] ?? '')).toBe(false);
      const orphans = spans
        // (a query's span can finish before its activity's: only the Temporal spans are checked here)
        .filter((s) => s.name.includes(':') && !s.name.startsWith('pg.'))
        .filter((s) => !scheduled.includes(s) && !ids.has(s.parentSpanId ?? ''))
        .map((s) => s.name);
      expect(orphans).toEqual([]);
      // each activity runs under its scheduling
      for (const r of spans.filter((s) => s.name.startsWith('RunActivity:')))
        expect(scheduled.map(idOf)).toContain(r.parentSpanId);
      // the projection's queries are children of its activity
      const run = byName('RunActivity:recordEvents').map(idOf);
      const queries = spans.filter((s) => s.attributes['db.system'] === 'postgresql');
      expect(queries.some((q) => run.includes(q.parentSpanId ?? ''))).toBe(true);
      // the request id reached the worker: the delivery log keeps it (and the trace) for each message
      await expect
        .poll(
          async () =>
            (
              await ctx.pool.query<{ request_id: string | null; trace_id: string | null }>(
                'SELECT request_id, trace_id FROM notification_deliveries WHERE episode_id = $1',
                [id],
              )
            ).rows,
          { timeout: 15_000 },
        )
        .toEqual(expect.arrayContaining([{ request_id: requestId, trace_id: root.spanContext().traceId }]));
      await client.workflow.getHandle(id).terminate('test done');
    });
    await app.close();
  });

  it('can be turned on for running episodes: the golden histories replay with the tracing interceptors', async () => {
    const dir = path.join(projectRoot, 'test', 'histories');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    const histories = await Promise.all(
      files.map(async (file) => ({
        workflowId: path.basename(file, '.json'),
        history: historyFromJSON(JSON.parse(await readFile(path.join(dir, file), 'utf8'))),
      })),
    );
    const results: string[][] = [];
    for await (const r of Worker.runReplayHistories(
      { workflowBundle: { code: (await tracedBundle).code } },
      histories,
    ))
      results.push([r.workflowId, r.error ? String(r.error) : 'ok']);
    expect(results).toEqual(files.map((f) => [path.basename(f, '.json'), 'ok']));
  });
});
