/**
 * Killing the worker (SIGKILL) in the middle of an episode and starting a new one loses nothing:
 * on the real dev server, with workers as separate processes running `worker.ts`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../src/config.js';
import { episodeStateQuery, submitReportUpdate } from '../../src/workflows/definitions.js';
import {
  CITY_REPORTING_UNITS,
  approvePending,
  goodReport,
  startCityExercise,
  unitPrincipal,
} from '../episode-harness.js';
import { type IntegrationContext, integrationContext, workflowBundle } from '../helpers.js';

let ctx: IntegrationContext;
beforeAll(async () => {
  ctx = await integrationContext();
});
afterAll(async () => {
  await ctx.close();
});

function startWorkerProcess(taskQueue: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_TASK_QUEUE: taskQueue,
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

describe('a worker killed mid-episode', () => {
  it('is replaced by a new one and the episode goes on with nothing lost or sent twice', async () => {
    const taskQueue = `kill-${randomUUID()}`;
    let worker = await startWorkerProcess(taskQueue);
    const handle = await startCityExercise(ctx.client, taskQueue);
    const episodeId = handle.workflowId;
    await approvePending(handle);
    const [firstHalf, secondHalf] = [CITY_REPORTING_UNITS.slice(0, 4), CITY_REPORTING_UNITS.slice(4)];
    const submit = (unit: string) =>
      handle.executeUpdate(submitReportUpdate, {
        args: [
          {
            actor: unitPrincipal(unit),
            unitId: unit,
            responseDay: 1,
            reportId: `${unit}-1`,
            fields: goodReport(),
          },
        ],
      });
    for (const unit of firstHalf) await submit(unit);

    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));
    worker = await startWorkerProcess(taskQueue);
    try {
      for (const unit of secondHalf) await submit(unit);
      const view = await handle.query(episodeStateQuery);
      const reported = view.duties
        .filter((d) => d.responseDay === 1 && (d.status === 'submitted' || d.status === 'late'))
        .map((d) => d.unitId);
      expect([...new Set(reported)].sort()).toEqual([...CITY_REPORTING_UNITS].sort());
      await expect
        .poll(
          async () =>
            (
              await ctx.pool.query('SELECT count(*)::int AS n FROM unit_reports WHERE episode_id = $1', [
                episodeId,
              ])
            ).rows[0].n,
          { timeout: 30_000, interval: 500 },
        )
        .toBe(CITY_REPORTING_UNITS.length); // a write the killed worker had in flight is retried after its 10 s timeout
      const seqs = (
        await ctx.pool.query<{ seq: number }>(
          'SELECT seq FROM episode_events WHERE episode_id = $1 ORDER BY seq',
          [episodeId],
        )
      ).rows.map((r) => r.seq);
      expect(seqs.length).toBeGreaterThan(0);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      // every message went out once per recipient, and exercise messages are marked
      const dup = await ctx.pool.query(
        'SELECT idempotency_key, count(*)::int AS n FROM notification_deliveries WHERE episode_id = $1 GROUP BY 1, channel, target HAVING count(*) > 1',
        [episodeId],
      );
      expect(dup.rows).toEqual([]);
      const titles = await ctx.pool.query('SELECT title FROM notification_deliveries WHERE episode_id = $1', [
        episodeId,
      ]);
      expect(titles.rowCount).toBeGreaterThan(0);
      for (const row of titles.rows) expect(row.title).toMatch(/^【演练】/);
      await handle.terminate('test done');
    } finally {
      worker.kill('SIGTERM');
    }
  });

  it('does the deadlines that fell due while it was dead, read meanwhile, and the history replays afterwards', async () => {
    // 24 s days: 17:00 is 17 s after the approval, each ladder step one second later. The worker dies
    // 5 s in; reads (queries) go on while a new one starts; the deadlines fall due meanwhile. A new
    // worker that first loads the run for a query used to do its first task live with an earlier
    // task's clock, so the history it wrote no longer replayed (a nondeterminism error).
    const taskQueue = `kill-clock-${randomUUID()}`;
    let worker = await startWorkerProcess(taskQueue);
    const handle = await startCityExercise(ctx.client, taskQueue, 24_000);
    const episodeId = handle.workflowId;
    await approvePending(handle);
    const approvedAt = Date.now();
    let reading = true;
    const reads = (async () => {
      while (reading) {
        await handle.query(episodeStateQuery).catch(() => {});
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 5_000));
      worker.kill('SIGKILL');
      await new Promise((resolve) => worker.once('exit', resolve));
      worker = await startWorkerProcess(taskQueue);
      // past 18:00 of day 1 (and its 1 s ladder step)
      await new Promise((r) => setTimeout(r, Math.max(0, approvedAt + 19_500 - Date.now())));
      await expect
        .poll(
          async () =>
            (
              await ctx.pool.query(
                "SELECT count(*)::int AS n FROM episode_events WHERE episode_id = $1 AND type = 'escalation.step'",
                [episodeId],
              )
            ).rows[0].n,
          { timeout: 30_000, interval: 500 },
        )
        .toBeGreaterThanOrEqual(2 * CITY_REPORTING_UNITS.length); // steps 1 and 2 for each silent unit
      reading = false;
      await reads;
      const history = await handle.fetchHistory();
      await expect(
        Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, episodeId),
      ).resolves.toBeUndefined();
      await handle.terminate('test done');
    } finally {
      reading = false;
      worker.kill('SIGTERM');
    }
  });
});
