/**
 * Plans as published data (#18, 五(一)1) end to end on the time-skipping server: a second city's plan
 * (test/plans/songling-2017.yaml, 2017-style thresholds, its own units) uploaded as YAML and published
 * through the API runs an episode that proposes the level ITS thresholds give; a revision published
 * later governs new episodes only, while a running episode keeps its version across continue-as-new
 * and a worker restart.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/api/app.js';
import { type ApiPrincipal, createPrincipal, issueToken } from '../../src/api/principal-store.js';
import { projectRoot } from '../../src/config.js';
import { type ResponsePlan, cstDate, nextDate } from '../../src/domain/index.js';
import { EPISODE_WORKFLOW_TYPE, type StartEpisodeInput } from '../../src/workflows/definitions.js';
import {
  type EpisodeHandle,
  consult,
  episodeWorker,
  forecast,
  settleAndTerminate,
  timeSkippingSuite,
  viewOf,
} from '../episode-harness.js';
import type { episodeWorkflow } from '../../src/workflows/index.js';
import { integrationContext, uniqueTaskQueue, workflowBundle } from '../helpers.js';
import { logOnlyActivityDeps } from '../../src/activities/deps.js';
import { createWorker } from '../../worker.js';
import type { Client } from '@temporalio/client';

const s = timeSkippingSuite();
const tag = randomBytes(3).toString('hex');
/** This run's copy of the second city (its ids made unique, so a kept database never collides). */
const PLAN_ID = `songling-2017-${tag}`;
const CITY = `songling-${tag}`;

let app: App;
const taskQueue = uniqueTaskQueue('plans');
const who = {} as Record<'office' | 'commander', ApiPrincipal & { token: string }>;
const auth = (p: { token: string }) => ({ authorization: `Bearer ${p.token}` });

/** The fixture as this run uploads it: YAML text, ids made unique. */
async function songlingYaml(edit: (plan: ResponsePlan) => void = () => {}): Promise<string> {
  const text = await readFile(path.join(projectRoot, 'test', 'plans', 'songling-2017.yaml'), 'utf8');
  const plan = YAML.parse(text) as ResponsePlan;
  plan.id = PLAN_ID;
  plan.jurisdiction = CITY;
  plan.jurisdictions = plan.jurisdictions.map((j) =>
    j.id === 'songling' ? { ...j, id: CITY } : { ...j, parent: CITY },
  );
  edit(plan);
  return YAML.stringify(plan);
}

const uploadDraft = (yaml: string) =>
  app.inject({
    method: 'PUT',
    url: `/plans/${PLAN_ID}/draft`,
    headers: { ...auth(who.office), 'content-type': 'application/yaml' },
    payload: yaml,
  });
const publish = (version: number, effectiveFrom = cstDate(Date.now())) =>
  app.inject({
    method: 'POST',
    url: `/plans/${PLAN_ID}/versions/${version}/publish`,
    headers: auth(who.office),
    payload: { effectiveFrom },
  });

let day = 0;
/** Starts an episode of the second city through the API (business dates apart) and answers its handle. */
async function startThroughApi(
  aqis: number[],
  on: { app: App; client: Client; now: number } = { app, client: s.env.client, now: 0 },
): Promise<EpisodeHandle> {
  day += 1;
  const date = nextDate('2400-01-01', day * 3 + Math.floor(Math.random() * 1000) * 10);
  const today = cstDate(on.now || (await s.env.currentTimeMs()));
  const res = await on.app.inject({
    method: 'POST',
    url: '/episodes',
    headers: auth(who.office),
    payload: { jurisdiction: CITY, date, forecast: forecast(today, aqis) },
  });
  expect(res.statusCode, res.body).toBe(202);
  return on.client.workflow.getHandle<typeof episodeWorkflow>(res.json().id);
}

/** Waits until the episode has no pending activity or workflow task (three readings 100 ms apart). */
async function untilQuiet(h: EpisodeHandle): Promise<void> {
  let quiet = 0;
  for (let i = 0; i < 200 && quiet < 3; i++) {
    const { raw } = await h.describe();
    const busy = (raw.pendingActivities ?? []).length > 0 || Boolean(raw.pendingWorkflowTask);
    quiet = busy ? 0 : quiet + 1;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const pinned = async (id: string) =>
  (
    await s.pool.query<{ plan_id: string; plan_version: number }>(
      'SELECT plan_id, plan_version FROM episodes WHERE id = $1',
      [id],
    )
  ).rows[0];

beforeAll(async () => {
  app = await buildApp({
    temporal: s.env.client,
    pool: s.pool,
    taskQueue,
    logger: false,
    rateLimit: { max: 100_000, timeWindowMs: 60_000 },
    businessDates: { pastDays: 3650, futureDays: 365 * 900 },
  });
  const id = `t-${tag}-office`;
  await createPrincipal(s.pool, { id, role: 'office', unit: 'office' });
  who.office = { id, role: 'office', unit: 'office', token: (await issueToken(s.pool, id)).token };
});
afterAll(() => app?.close());

describe('a second city’s plan, published through the API', () => {
  it('runs an episode under its own thresholds and units, with no code change', async () => {
    // nothing governs the new city yet: an episode there is refused, naming the field
    const early = await app.inject({
      method: 'POST',
      url: '/episodes',
      headers: auth(who.office),
      payload: { jurisdiction: CITY, date: '2400-01-01', forecast: [{ date: '2400-01-01', aqi: 250 }] },
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().errors).toEqual([
      { path: 'body.jurisdiction', message: '该行政区没有施行中的重污染天气应急预案' },
    ]);

    const up = await uploadDraft(await songlingYaml());
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json().record).toMatchObject({
      planId: PLAN_ID,
      version: 1,
      state: 'draft',
      jurisdiction: CITY,
    });
    const pub = await publish(1);
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json().record).toMatchObject({
      state: 'published',
      inForce: true,
      publishedBy: who.office.id,
    });

    // its commander is a principal of a unit only the published plan names
    const cid = `t-${tag}-commander`;
    await createPrincipal(s.pool, { id: cid, role: 'commander', unit: 'songling.commander' });
    who.commander = { id: cid, role: 'commander', unit: 'songling.commander', token: '' };
    // its city-wide reporting unit too; a county branch of it is refused (confinement knows the repository's plans only)
    await createPrincipal(s.pool, { id: `t-${tag}-enforcement`, role: 'unit', unit: 'songling.enforcement' });
    await expect(
      createPrincipal(s.pool, { id: `t-${tag}-east`, role: 'unit', unit: 'songling.branch.east' }),
    ).rejects.toThrow(/cannot be confined to that county yet/);

    const { worker } = await episodeWorker(s.env, s.pool, taskQueue);
    await worker.runUntil(async () => {
      // AQI 210, 220: two days above 200 — yellow under the 2017-style plan (orange under Chaoyang's 2024)
      const h = await startThroughApi([210, 220, 120]);
      try {
        const view = await viewOf(h);
        expect(view.pendingProposal?.level).toBe('yellow');
        expect(view.pendingProposal?.reasons.map((r) => r.rule)).toEqual([
          '黄色预警：预测日AQI>200将持续48小时（sl.yellow.1）',
        ]);
        expect(await pinned(h.workflowId)).toEqual({ plan_id: PLAN_ID, plan_version: 1 });
        // the commander's order, and the warning names the second city's own bodies
        const decided = await app.inject({
          method: 'POST',
          url: `/episodes/${encodeURIComponent(h.workflowId)}/decisions`,
          headers: auth({ token: (await issueToken(s.pool, cid)).token }),
          payload: { decision: 'approve', proposalId: view.pendingProposal?.proposalId },
        });
        expect(decided.statusCode, decided.body).toBeLessThan(300);
        await expect.poll(async () => (await viewOf(h)).level, { timeout: 20_000 }).toBe('yellow');
        const sent = async () =>
          (
            await s.pool.query<{ recipient_id: string; body: string }>(
              `SELECT recipient_id, body FROM notification_deliveries WHERE episode_id = $1 ORDER BY id`,
              [h.workflowId],
            )
          ).rows;
        await expect
          .poll(async () => (await sent()).some((r) => r.recipient_id === 'songling.branch.east'), {
            timeout: 20_000,
          })
          .toBe(true);
        const toBranch = (await sent()).find((r) => r.recipient_id === 'songling.branch.east');
        expect(toBranch?.body).toContain('松岭市');
        expect(toBranch?.body).toContain('黄色预警');
        expect(toBranch?.body).toContain('《松岭市重污染天气应急预案（2017年修订）》');
        expect((await sent()).map((r) => r.recipient_id)).not.toContain('branch.shuangta');
      } finally {
        await settleAndTerminate(h);
      }
    });
  });

  // on the dev server: a worker that stops there hands its episodes on at once (the time-skipping
  // server keeps a stopped worker's sticky queue until a timeout its frozen clock never reaches)
  it('a published revision governs new episodes only; a running one keeps its version across continue-as-new and a worker restart', async () => {
    const ctx = await integrationContext();
    const devQueue = uniqueTaskQueue('plans-dev');
    const devApp = await buildApp({
      temporal: ctx.client,
      pool: ctx.pool,
      taskQueue: devQueue,
      logger: false,
      rateLimit: { max: 100_000, timeWindowMs: 60_000 },
      businessDates: { pastDays: 3650, futureDays: 365 * 900 },
    });
    const devWorker = async () =>
      createWorker({
        connection: ctx.nativeConnection,
        namespace: 'default',
        taskQueue: devQueue,
        activityDeps: logOnlyActivityDeps(ctx.pool),
        workflowBundle: await workflowBundle(),
      });
    try {
      // a running episode of version 1, continuing as new often
      const v1 = (
        await app.inject({ method: 'GET', url: `/plans/${PLAN_ID}/versions/1`, headers: auth(who.office) })
      ).json().content as ResponsePlan;
      const today = cstDate(Date.now());
      const runningId = `episode:${CITY}:2401-01-01:${Math.floor(Math.random() * 90) + 1}`;
      const input: StartEpisodeInput = {
        episodeId: runningId,
        jurisdiction: CITY,
        planId: PLAN_ID,
        planVersion: 1,
        planSnapshot: v1,
        exercise: false,
        initiator: { id: who.office.id, role: 'office', unit: 'office' },
        origin: 'consultation',
        forecast: forecast(today, [120, 110]),
        continueAsNewAfterEvents: 60,
      };

      // revision 2: yellow already at AQI > 150 for 48 h (as the 2019 national thresholds say)
      const up = await uploadDraft(
        await songlingYaml((p) => {
          p.name = '松岭市重污染天气应急预案（2019年修订）';
          p.warning.levels[0]!.conditions = [
            {
              id: 'sl.yellow.2019',
              description: '预测日AQI>150将持续48小时',
              clauses: [{ aqiAbove: 150, minConsecutiveDays: 2 }],
            },
          ];
        }),
      );
      expect(up.statusCode, up.body).toBe(201);
      expect(up.json().record.version).toBe(2);
      expect(up.json().changes.map((c: { text: string }) => c.text)).toEqual(
        expect.arrayContaining([
          '名称：松岭市重污染天气应急预案（2017年修订） → 松岭市重污染天气应急预案（2019年修订）',
        ]),
      );

      const first = await devWorker();
      await first.runUntil(async () => {
        const running = await ctx.client.workflow.start<typeof episodeWorkflow>(EPISODE_WORKFLOW_TYPE, {
          workflowId: runningId,
          taskQueue: devQueue,
          args: [input],
        });
        // the revision is published while the episode runs
        expect((await publish(2)).statusCode).toBe(200);
        // consultations grow the history past the bound: the run continues as new
        for (let i = 0; i < 10; i++) await consult(running, forecast(today, [120, 110]));
        await expect
          .poll(async () => (await running.describe()).runId, { timeout: 30_000 })
          .not.toBe(running.firstExecutionRunId);
        // settled before the worker stops: the next worker replays a history with nothing in flight
        await untilQuiet(running);
      });
      // the latest run continues an earlier one, and its input carries version 1's content
      const latest = await ctx.client.workflow.getHandle(runningId).fetchHistory();
      const started = latest.events?.[0]?.workflowExecutionStartedEventAttributes;
      expect(started?.continuedExecutionRunId).toBeTruthy();
      const [carried] = (await Promise.all(
        (started?.input?.payloads ?? []).map((p) =>
          ctx.client.options.loadedDataConverter.payloadConverter.fromPayload(p),
        ),
      )) as StartEpisodeInput[];
      expect(carried?.planSnapshot?.version).toBe(1);
      expect(carried?.planSnapshot?.warning.levels[0]?.conditions[0]?.id).toBe('sl.yellow.1');

      // a new worker (nothing cached: the episode is replayed from its history) and new episodes
      const second = await devWorker();
      await second.runUntil(async () => {
        const h = ctx.client.workflow.getHandle<typeof episodeWorkflow>(runningId);
        // AQI 180, 190: under version 1 no warning; under version 2 (and Chaoyang's plan) yellow
        const kept = await consult(h, forecast(today, [180, 190]));
        expect(kept.level).toBe('none');
        expect(kept.proposal).toBeNull();
        expect(await pinned(runningId)).toEqual({ plan_id: PLAN_ID, plan_version: 1 });
        expect((await viewOf(h)).planVersion).toBe(1);

        const fresh = await startThroughApi([180, 190], { app: devApp, client: ctx.client, now: Date.now() });
        try {
          const view = await viewOf(fresh);
          expect(view.planVersion).toBe(2);
          expect(view.pendingProposal?.level).toBe('yellow');
          expect(view.pendingProposal?.reasons.map((r) => r.ruleId)).toEqual(['sl.yellow.2019']);
          expect(await pinned(fresh.workflowId)).toEqual({ plan_id: PLAN_ID, plan_version: 2 });
        } finally {
          await fresh.terminate('test done').catch(() => {});
          await h.terminate('test done').catch(() => {});
        }
      });
    } finally {
      await devApp.close();
      await ctx.close();
    }
  });
});
