/**
 * The scheduled pull from the provincial platform on the time-skipping server, against the stand-in:
 * while the platform is down nothing is stored and, once pulls have failed for the plan's delay
 * (120 minutes), the office is alerted once, in the plan's words; when the platform answers again
 * the hours are stored, the observation feed runs over them and the office is told of the recovery.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startAirStandIn,
  type AirStandIn,
  type StandInHour,
} from '../../src/adapters/air-quality/provincial-stand-in.js';
import { logOnlyActivityDeps } from '../../src/activities/deps.js';
import { pullWindow } from '../../src/domain/air-platform.js';
import { cstDate, cstDateTimeWords } from '../../src/domain/index.js';
import type { airPullWorkflow } from '../../src/workflows/index.js';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { ensureAirPullSchedule } from '../../src/ops/air-pull-schedule.js';
import { createWorker } from '../../worker.js';
import {
  approvePending,
  episodeBundle,
  episodeInput,
  forecast,
  startEpisode,
  timeSkippingSuite,
  viewOf,
} from '../episode-harness.js';
import { integrationContext, uniqueTaskQueue, workflowBundle } from '../helpers.js';

const suite = timeSkippingSuite();
const HOUR = 3_600_000;
const TOKEN = 'pull-token';
const t = randomBytes(3).toString('hex').toUpperCase();
const code = `Q${t}`;
let standIn: AirStandIn;

function hoursOf(window: { fromMs: number; toMs: number }): StandInHour[] {
  const out: StandInHour[] = [];
  for (let end = window.fromMs + HOUR; end <= window.toMs; end += HOUR) {
    out.push({
      stationCode: code,
      time: new Date(end + 8 * HOUR).toISOString().replace('.000Z', '+08:00'),
      pm25: 160,
      pm10: 220,
      so2: 20,
      no2: 60,
      co: 1.8,
      o3: 25,
    });
  }
  return out;
}

async function deliveries() {
  const { rows } = await suite.pool.query<{
    recipient_id: string;
    step: string;
    title: string;
    body: string;
  }>(
    `SELECT recipient_id, step, title, body FROM notification_deliveries WHERE episode_id = 'air-platform' ORDER BY id`,
  );
  return rows;
}

beforeAll(async () => {
  await suite.pool.query('INSERT INTO aq_stations (code, name, jurisdiction, kind) VALUES ($1, $2, $3, $4)', [
    code,
    `拉取测试站${t}`,
    'shuangta',
    'national',
  ]);
  await suite.pool.query(`DELETE FROM air_pull_state`);
  await suite.pool.query(`DELETE FROM notification_deliveries WHERE episode_id = 'air-platform'`);
  standIn = await startAirStandIn({ token: TOKEN, stations: [], hours: [] });
});
afterAll(async () => {
  await standIn?.close();
  await suite.pool.query('DELETE FROM aq_hourly WHERE station_code = $1', [code]);
  await suite.pool.query('DELETE FROM aq_station_daily WHERE station_code = $1', [code]);
  await suite.pool.query('DELETE FROM aq_stations WHERE code = $1', [code]);
});

describe('the scheduled pull from the provincial platform', () => {
  it('alerts the office once after the plan’s delay while the platform is down, and when it recovers', {
    timeout: 120_000,
  }, async () => {
    const { env, pool } = suite;
    const taskQueue = uniqueTaskQueue('air-pull');
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      activityDeps: {
        ...logOnlyActivityDeps(pool),
        airApi: { baseUrl: standIn.url, token: TOKEN, timeoutMs: 2000, maxAttempts: 3, backoffMs: 10 },
      },
      workflowBundle: await episodeBundle(),
    });
    let run = 0;
    // a plain client: awaiting a result does not let the test server skip time (it would run to its
    // far-future timers), so the clock moves only with env.sleep
    const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    const pull = () =>
      client.workflow.execute<typeof airPullWorkflow>('airPullWorkflow', {
        taskQueue,
        workflowId: `air-pull-test-${t}-${++run}`,
        args: [{}],
      });
    await worker.runUntil(async () => {
      standIn.failNext(1000, 503);
      const first = await pull();
      expect(first).toMatchObject({ ok: false, alerted: false });
      expect(first.ok || first.error).toMatch(
        /^省级空气质量监测平台不可用（已尝试3次）：HTTP 503（injected failure/,
      );
      const { rows } = await pool.query<{ failing_since: Date }>('SELECT failing_since FROM air_pull_state');
      const since = rows[0]!.failing_since.getTime();

      await env.sleep(HOUR);
      const second = await pull();
      expect(second).toMatchObject({ ok: false, alerted: false });
      expect(await deliveries()).toEqual([]);

      await env.sleep(HOUR);
      expect(await pull()).toMatchObject({ ok: false, alerted: true });
      const [alert, ...more] = await deliveries();
      expect(more).toEqual([]);
      expect(alert!.recipient_id).toBe('office');
      expect(alert!.title).toBe('省级空气质量监测平台数据获取失败');
      // 3 pulls × 3 requests each
      expect(alert!.body).toBe(
        `专班办公室：省级空气质量监测平台自${cstDateTimeWords(since)}起未能获取数据（最近错误：省级空气质量监测平台不可用（已尝试3次）：HTTP 503（injected failure (stand-in)）），已自动重试9次。请联系监测中心核实，必要时改用文件导入。`,
      );
      const { rows: stored } = await pool.query('SELECT 1 FROM aq_hourly WHERE station_code = $1', [code]);
      expect(stored).toEqual([]);

      await env.sleep(HOUR);
      expect(await pull()).toMatchObject({ ok: false, alerted: false });
      expect(await deliveries()).toHaveLength(1); // once per outage

      // the platform answers again: the last 6 hours are stored, the feed runs, the office is told
      const window = pullWindow(await env.currentTimeMs());
      standIn.setHours(hoursOf(window));
      standIn.failNext(0);
      const ok = await pull();
      expect(ok).toMatchObject({ ok: true, fromMs: window.fromMs, toMs: window.toMs, stored: 6, skipped: 0 });
      const { rows: hours } = await pool.query<{ pm25: number }>(
        'SELECT pm25 FROM aq_hourly WHERE station_code = $1',
        [code],
      );
      expect(hours.map((h) => h.pm25)).toEqual([160, 160, 160, 160, 160, 160]);
      const feed = await env.client.workflow.getHandle(`air-pull-test-${t}-${run}:feed`).describe();
      expect(feed.status.name).toBe('COMPLETED');
      const after = await deliveries();
      expect(after).toHaveLength(2);
      expect(after[1]!.body).toBe(
        `专班办公室：省级空气质量监测平台自${cstDateTimeWords(since)}起的数据获取故障已于${cstDateTimeWords(ok.ok ? (await pool.query<{ s: Date }>('SELECT last_success_at AS s FROM air_pull_state')).rows[0]!.s.getTime() : 0)}恢复，已补取${cstDateTimeWords(window.fromMs)}至${cstDateTimeWords(window.toMs)}的小时数据。`,
      );
      const state = await pool.query('SELECT failing_since, failed_attempts, alerted_at FROM air_pull_state');
      expect(state.rows[0]).toEqual({ failing_since: null, failed_attempts: 0, alerted_at: null });
      // the workflow is deterministic: the alerting run and the recovering run replay
      for (const n of [3, run]) {
        const handle = env.client.workflow.getHandle(`air-pull-test-${t}-${n}`);
        await Worker.runReplayHistory(
          { workflowBundle: await workflowBundle() },
          await handle.fetchHistory(),
          handle.workflowId,
        );
      }
    });
  });

  it('a good pull reaches an open episode through the observation feed', { timeout: 120_000 }, async () => {
    const { env, pool } = suite;
    const taskQueue = uniqueTaskQueue('air-pull-episode');
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      activityDeps: {
        ...logOnlyActivityDeps(pool),
        airApi: { baseUrl: standIn.url, token: TOKEN, timeoutMs: 2000, maxAttempts: 3, backoffMs: 10 },
      },
      workflowBundle: await episodeBundle(),
    });
    const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const handle = await startEpisode(
        env,
        taskQueue,
        episodeInput({ forecast: forecast(cstDate(now), [210, 180, 160]) }),
      );
      await approvePending(handle);
      expect((await viewOf(handle)).latestObservation ?? null).toBeNull();
      const window = pullWindow(await env.currentTimeMs());
      standIn.failNext(0);
      standIn.setHours(hoursOf(window));
      const handlePull = await client.workflow.start<typeof airPullWorkflow>('airPullWorkflow', {
        taskQueue,
        workflowId: `air-pull-episode-${t}`,
        args: [{}],
      });
      const r = await handlePull.result();
      expect(r).toMatchObject({ ok: true, stored: 6 });
      expect(r.ok && r.episodes).toContain(handle.workflowId);
      await expect
        .poll(async () => (await viewOf(handle)).latestObservation?.hourEnd ?? null, { timeout: 15_000 })
        .toBe(new Date(window.toMs + 8 * HOUR).toISOString().replace('.000Z', '+08:00'));
    });
  });

  it('the hourly schedule is created once, at minute 15 CST', async () => {
    const ctx = await integrationContext();
    try {
      await ctx.client.schedule
        .getHandle('air-pull')
        .delete()
        .catch(() => undefined);
      expect(await ensureAirPullSchedule(ctx.client, { taskQueue: 'smog-response-test' })).toBe('created');
      expect(await ensureAirPullSchedule(ctx.client, { taskQueue: 'smog-response-test' })).toBe('exists');
      const handle = ctx.client.schedule.getHandle('air-pull');
      const d = await handle.describe();
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'airPullWorkflow' });
      expect(d.spec.timezone).toBe('Asia/Shanghai');
      expect(d.spec.calendars?.[0]).toMatchObject({ minute: [{ start: 15 }] });
      await handle.delete();
    } finally {
      await ctx.close();
    }
  });
});
