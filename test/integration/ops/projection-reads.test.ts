/**
 * Reads come from the PostgreSQL projection: read-your-writes right after an Update, and with the
 * worker stopped the episode, its duties, the board and an open SSE stream keep working; the stream
 * opened before the stop delivers the next change once a worker is back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkerPair } from '../../../src/temporal/worker-pair.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logOnlyActivityDeps } from '../../../src/activities/deps.js';
import {
  EpisodeExercise,
  EpisodeJurisdiction,
  EpisodePhase,
} from '../../../src/workflows/search-attributes.js';
import { createWorker } from '../../../worker.js';
import {
  type IntegrationContext,
  integrationContext,
  uniqueTaskQueue,
  workflowBundle,
} from '../../helpers.js';
import {
  type PrincipalKey,
  type TestPrincipal,
  bearer,
  seedPrincipals,
  testApp,
  uniqueDate,
} from '../api/api-helpers.js';
import { openStream } from './sse-client.js';

let ctx: IntegrationContext;
let who: Record<PrincipalKey, TestPrincipal>;
beforeAll(async () => {
  ctx = await integrationContext();
  who = await seedPrincipals(ctx);
});
afterAll(async () => {
  await ctx?.close();
});

async function startWorker(taskQueue: string): Promise<{ worker: WorkerPair; done: Promise<void> }> {
  const worker = await createWorker({
    connection: ctx.nativeConnection,
    namespace: 'default',
    taskQueue,
    activityDeps: logOnlyActivityDeps(ctx.pool),
    workflowBundle: await workflowBundle(),
  });
  return { worker, done: worker.run() };
}

describe('reads from the projection', () => {
  it('show one’s own write at once, and keep working while no worker runs', {
    timeout: 120_000,
  }, async () => {
    const taskQueue = uniqueTaskQueue('proj');
    let w = await startWorker(taskQueue);
    const app = await testApp(ctx, taskQueue);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      const date = uniqueDate();
      const call = (p: TestPrincipal, method: 'GET' | 'POST', url: string, payload?: object) =>
        app.inject({ method, url, headers: bearer(p), ...(payload ? { payload } : {}) });
      const started = await call(who.office, 'POST', '/episodes', {
        jurisdiction: 'shuangta',
        date,
        exercise: true,
        exerciseDayMs: 600_000,
        forecast: [{ date, aqi: 120 }],
      });
      expect(started.statusCode).toBe(202);
      const url = started.headers.location as string;
      // the Temporal UI lists it by its search attributes and shows a summary in Chinese
      const described = await ctx.client.workflow.getHandle(started.json().id).describe();
      expect(described.typedSearchAttributes.get(EpisodeJurisdiction)).toBe('shuangta');
      expect(described.typedSearchAttributes.get(EpisodePhase)).toBe('consultation');
      expect(described.typedSearchAttributes.get(EpisodeExercise)).toBe(true);
      expect(await described.staticSummary()).toMatch(
        /^【演练】双塔区重污染天气应急过程 · \d{4}年\d{1,2}月\d{1,2}日 · 会商研判$/,
      );
      await expect
        .poll(async () => (await call(who.office, 'GET', url)).statusCode, { timeout: 15_000 })
        .toBe(200);

      // read-your-writes: the consultation's proposal is in the very next read
      const consulted = await call(who.office, 'POST', `${url}/consultations`, {
        forecast: [
          { date, aqi: 240 },
          { date: nextDay(date), aqi: 230 },
        ],
      });
      expect(consulted.statusCode).toBe(200);
      const c = consulted.json();
      expect(c.level).toBe('orange'); // two days at AQI > 200
      const afterConsult = (await call(who.office, 'GET', url)).json();
      expect(afterConsult.eventCount).toBeGreaterThanOrEqual(c.seq);
      expect(afterConsult.phase).toBe('proposed');
      expect(afterConsult.pendingProposal.proposalId).toBe(c.proposal.proposalId);
      expect(afterConsult.forecast.map((d: { aqi: number }) => d.aqi)).toEqual([240, 230]);

      const stream = await openStream(`${base}${url}/stream`, who.shuangta.token);
      const board = await openStream(`${base}/board/stream`, who.leader.token);
      const foreignBoard = await openStream(`${base}/board/stream`, who.beipiao.token);
      const first = await stream.next('episode');
      expect(first.phase).toBe('proposed');

      const decided = await call(who.shuangtaCommander, 'POST', `${url}/decisions`, {
        decision: 'approve',
        proposalId: c.proposal.proposalId,
      });
      expect(decided.statusCode).toBe(200);
      const d = decided.json();
      const afterDecide = (await call(who.office, 'GET', url)).json();
      expect(afterDecide.eventCount).toBeGreaterThanOrEqual(d.eventCount);
      expect(afterDecide).toMatchObject({ phase: 'active', level: 'orange', response: 'II' });
      expect(afterDecide.duties.some((x: { unitId: string }) => x.unitId === 'branch.shuangta')).toBe(true);
      // the stream saw the decision
      const pushed = await stream.until('episode', (v) => v.phase === 'active');
      expect(pushed.level).toBe('orange');
      const row = await board.until('board', (r) => r.id === afterDecide.episodeId && r.phase === 'active');
      expect(row.level).toBe('orange');

      // the worker stops: reads, duties, the list and the stream go on, unchanged
      w.worker.shutdown();
      await w.done;
      for (let i = 0; i < 5; i++) {
        const res = await call(who.shuangta, 'GET', url);
        expect(res.statusCode).toBe(200);
        expect(res.json().eventCount).toBe(afterDecide.eventCount);
        expect(res.json().level).toBe('orange');
      }
      const duties = await call(who.shuangta, 'GET', `${url}/duties?unitId=branch.shuangta`);
      expect(duties.statusCode).toBe(200);
      expect(duties.json().duties.length).toBeGreaterThan(0);
      const list = await call(who.leader, 'GET', `/episodes?jurisdiction=shuangta&from=${date}&to=${date}`);
      expect(list.json().items).toHaveLength(1);
      expect(list.json().items[0].phase).toBe('active');
      await sleep(500);
      expect(stream.closed).toBe(false);

      // a new worker: the stream opened before the stop gets the lift
      w = await startWorker(taskQueue);
      const lifted = await call(who.shuangtaCommander, 'POST', `${url}/decisions`, { decision: 'lift' });
      expect(lifted.statusCode).toBe(200);
      const afterLift = await stream.until('episode', (v) => v.phase === 'lifting');
      expect(afterLift.liftedAt).toEqual(expect.any(String));
      // a branch of another county hears nothing of a Shuangta episode
      expect(
        foreignBoard.frames.filter((f) => f.event === 'board' && f.data.id === afterDecide.episodeId),
      ).toEqual([]);
      for (const s of [stream, board, foreignBoard]) s.close();
    } finally {
      await app.close();
      if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
      await w.done.catch(() => {});
    }
  });
});

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
