/**
 * The worker process's own endpoint: /healthz while it runs, /metrics with the product's metrics
 * (notifications sent, projection delay) and the Temporal SDK core's runtime metrics.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../../src/config.js';
import { freePort } from '../../../src/tools/temporal-dev-server.js';
import { startCityExercise } from '../../episode-harness.js';
import { type IntegrationContext, integrationContext } from '../../helpers.js';

let ctx: IntegrationContext;
beforeAll(async () => {
  ctx = await integrationContext();
});
afterAll(async () => {
  await ctx?.close();
});

function startWorkerProcess(taskQueue: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKER_HTTP_PORT: String(port),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${out}`)), 90_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('worker running')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${out}`)));
  });
}

const value = (text: string, name: string) =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
      ?.split(' ')
      .pop() ?? 0,
  );

describe('the worker’s endpoint', () => {
  it('answers health and metrics, product and SDK core', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const taskQueue = `wmetrics-${randomUUID()}`;
    const worker = await startWorkerProcess(taskQueue, port);
    try {
      const base = `http://127.0.0.1:${port}`;
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', worker: 'RUNNING' });
      expect((await fetch(`${base}/nothing`)).status).toBe(404);

      // an exercise starts: the early-response notices go out and the projection applies its events
      const handle = await startCityExercise(ctx.client, taskQueue);
      await expect
        .poll(
          async () => value(await (await fetch(`${base}/metrics`)).text(), 'smog_notifications_sent_total'),
          {
            timeout: 30_000,
          },
        )
        .toBeGreaterThan(0);
      await expect
        .poll(
          async () =>
            value(await (await fetch(`${base}/metrics`)).text(), 'smog_projection_apply_delay_seconds_count'),
          { timeout: 30_000 },
        )
        .toBeGreaterThan(0);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('smog_notifications_failed_total 0');
      expect(text).toContain('smog_deadline_lag_seconds_bucket');
      expect(text).toContain('smog_worker_process_resident_memory_bytes');
      // the SDK core's own runtime metrics (workflow task latency, pollers …)
      expect(text).toMatch(/^temporal_workflow_task_execution_latency/m);
      expect(text).toMatch(/^temporal_worker_task_slots_available/m);
      await handle.terminate('test done');
    } finally {
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));
    }
  });
});
