/**
 * Helpers for episode tests on the time-skipping test server: principals, a valid report, and moving
 * the server's clock to a given CST time. Waiting on an Update never skips time, so tests move the
 * clock explicitly with `skipTo`.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client, WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { createPool } from '../src/db/pool.js';
import { logOnlyActivityDeps } from '../src/activities/deps.js';
import { projectRoot } from '../src/config.js';
import { atCst, cstDate, defaultPlan, nextDate } from '../src/domain/index.js';
import type { episodeWorkflow } from '../src/workflows/index.js';
import { EPISODE_SEARCH_ATTRIBUTES } from '../src/workflows/search-attributes.js';
import {
  EPISODE_WORKFLOW_TYPE,
  type ForecastDay,
  type Principal,
  type ReportFields,
  type StartEpisodeInput,
  consultUpdate,
  decideEarlyResponseUpdate,
  decideNoticeUpdate,
  decideUpdate,
  episodeStateQuery,
  signWorkSummaryUpdate,
  submitReportUpdate,
} from '../src/workflows/definitions.js';
import type { WorkerPair } from '../src/temporal/worker-pair.js';
import { createWorker, installRuntime } from '../worker.js';
import { uniqueTaskQueue, workflowBundle } from './helpers.js';

export const office: Principal = { id: 'office-zhang', role: 'office', unit: 'office' };
export const commander: Principal = { id: 'commander-li', role: 'commander', unit: 'commander' };
export const unitPrincipal = (unit: string): Principal => ({ id: `${unit}-officer`, role: 'unit', unit });

/** The units that report daily in a city-wide episode of the default plan. */
export const CITY_REPORTING_UNITS = defaultPlan.units.filter((u) => u.filesDailyReport).map((u) => u.id);

export function goodReport(overrides: Partial<ReportFields> = {}): ReportFields {
  return {
    onSiteSupervisionCount: 4,
    enterprisesPatrolled: 12,
    onlineMonitoringChecks: 30,
    areaSourceActions: 5,
    vehiclesChecked: 40,
    machineryChecked: 6,
    problemsFound: 2,
    penalties: 1,
    notes: '驻场督导重点企业4家，巡查12家，未发现超标排放。',
    photoIds: ['photo-1'],
    ...overrides,
  };
}

export function forecast(firstDate: string, aqis: number[]): ForecastDay[] {
  return aqis.map((aqi, i) => ({ date: nextDate(firstDate, i), aqi }));
}

/**
 * The time-skipping test server, with the episode's search attributes registered (it refuses a
 * workflow's upsert of an unregistered one, as a real server does).
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(EPISODE_SEARCH_ATTRIBUTES).map(([name, type]) => [
        name,
        // temporal.api.enums.v1.IndexedValueType: 2 = KEYWORD, 5 = BOOL
        type === 'Keyword' ? 2 : 5,
      ]),
    ),
  });
  return env;
}

/** The run's one workflow bundle (built by test/global-setup.ts). */
export function episodeBundle() {
  return workflowBundle();
}

export async function episodeWorker(
  env: TestWorkflowEnvironment,
  pool: pg.Pool,
  taskQueue = uniqueTaskQueue('episode'),
): Promise<{ worker: WorkerPair; taskQueue: string }> {
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    activityDeps: logOnlyActivityDeps(pool),
    workflowBundle: await episodeBundle(),
  });
  return { worker, taskQueue };
}

/** Moves the test server's clock forward to `targetMs` (never backward). */
export async function skipTo(env: TestWorkflowEnvironment, targetMs: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (targetMs > now) await env.sleep(targetMs - now);
}

/** The next instant (after the server's now) at `time` CST. */
export async function nextCst(env: TestWorkflowEnvironment, time: string): Promise<number> {
  const now = await env.currentTimeMs();
  const today = atCst(cstDate(now), time);
  return today > now ? today : atCst(nextDate(cstDate(now)), time);
}

let seq = 0;
export function episodeInput(
  overrides: Partial<StartEpisodeInput> & { forecast: ForecastDay[] },
): StartEpisodeInput {
  seq += 1;
  return {
    episodeId: `episode:chaoyang:test-${Date.now().toString(36)}-${seq}`,
    jurisdiction: 'chaoyang',
    planId: defaultPlan.id,
    planVersion: defaultPlan.version,
    exercise: false,
    initiator: office,
    origin: 'consultation',
    ...overrides,
  };
}

const started: EpisodeHandle[] = [];

export async function startEpisode(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  input: StartEpisodeInput,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof episodeWorkflow>> {
  const handle = await env.client.workflow.start<typeof episodeWorkflow>(EPISODE_WORKFLOW_TYPE, {
    workflowId: input.episodeId,
    taskQueue,
    args: [input],
  });
  started.push(handle);
  return handle;
}

/**
 * Waits (while the worker still runs) until the episode is quiet — no activity pending and no
 * workflow task in flight, three checks in a row 100 ms apart — then terminates it. The
 * time-skipping server locks its clock for every scheduled activity and a termination does not
 * release that lock: an activity scheduled by a workflow task that completed just before the
 * termination held the clock (in real time) until its start-to-close timeout, two minutes, and
 * every later scenario of the file timed out waiting for its timers. A single "no pending
 * activities" reading is not enough for that reason: the workflow task in flight at that moment may
 * schedule more.
 */
export async function settleAndTerminate(handle: EpisodeHandle): Promise<void> {
  const deadline = Date.now() + 20_000;
  let quiet = 0;
  while (Date.now() < deadline && quiet < 3) {
    const { raw } = await handle.describe();
    if (raw.workflowExecutionInfo?.status !== 1 /* RUNNING */) return;
    const busy = (raw.pendingActivities ?? []).length > 0 || Boolean(raw.pendingWorkflowTask);
    quiet = busy ? 0 : quiet + 1;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await handle.terminate('scenario done');
}

/**
 * Terminates the episodes a test left running. On the time-skipping server one open workflow whose
 * worker is gone stops the clock for every later test, so call this after each test.
 */
export async function terminateLeftovers(): Promise<void> {
  for (const handle of started.splice(0)) {
    await handle.terminate('test finished').catch(() => {});
  }
}

export type EpisodeHandle = WorkflowHandle<typeof episodeWorkflow>;
export type StartedEpisodeHandle = WorkflowHandleWithFirstExecutionRunId<typeof episodeWorkflow>;

export const viewOf = (h: EpisodeHandle) => h.query(episodeStateQuery);

export async function approvePending(h: EpisodeHandle) {
  const view = await viewOf(h);
  if (!view.pendingProposal) throw new Error('no pending proposal');
  return h.executeUpdate(decideUpdate, {
    args: [{ actor: commander, decision: 'approve', proposalId: view.pendingProposal.proposalId }],
  });
}

/** Lets the server's clock run (10-minute steps, at most ~2 days) until the work summary is drafted. */
export async function untilDrafted(env: TestWorkflowEnvironment, h: EpisodeHandle): Promise<void> {
  for (let i = 0; i < 300 && !(await viewOf(h)).workSummary; i++) await env.sleep(10 * 60_000);
}

/**
 * Lets the server's clock run (in 10-minute steps, at most ~2 days) until the work summary is drafted,
 * then the office signs it off (签发) — it is sent and the episode closes — and answers the result.
 */
export async function signOff(
  env: TestWorkflowEnvironment,
  h: EpisodeHandle,
  actor: Principal = office,
  signer = '王建国',
) {
  await untilDrafted(env, h);
  await h.executeUpdate(signWorkSummaryUpdate, { args: [{ actor, signer }] });
  return h.result();
}

/**
 * A scenario file's set-up, registered once: a time-skipping server and a pool before all, the
 * episodes a test left running terminated after each, both closed after all. Read `env` and `pool`
 * from the answer inside tests (they exist once `beforeAll` ran).
 */
export function timeSkippingSuite(): { readonly env: TestWorkflowEnvironment; readonly pool: pg.Pool } {
  const suite = {} as { env: TestWorkflowEnvironment; pool: pg.Pool };
  beforeAll(async () => {
    suite.env = await createTimeSkippingEnv();
    suite.pool = createPool(inject('databaseUrl'), 5);
  });
  afterEach(terminateLeftovers);
  afterAll(async () => {
    await suite.env?.teardown();
    await suite.pool?.end();
  });
  return suite;
}

/** The office confirms the early response a consultation proposed. */
export async function confirmEarlyResponse(h: EpisodeHandle) {
  return h.executeUpdate(decideEarlyResponseUpdate, { args: [{ actor: office, decision: 'start' }] });
}

/** The office issues (or declines, saying why) a 通报 the ladder proposed. */
export async function decideNotice(h: EpisodeHandle, noticeId: string, reason?: string) {
  return h.executeUpdate(decideNoticeUpdate, {
    args: [
      { actor: office, noticeId, decision: reason ? 'decline' : 'issue', ...(reason ? { reason } : {}) },
    ],
  });
}

export async function consult(h: EpisodeHandle, days: ForecastDay[]) {
  return h.executeUpdate(consultUpdate, { args: [{ actor: office, forecast: days }] });
}

export async function reportAll(h: EpisodeHandle, responseDay: number, units = CITY_REPORTING_UNITS) {
  for (const unit of units) {
    await h.executeUpdate(submitReportUpdate, {
      args: [
        {
          actor: unitPrincipal(unit),
          unitId: unit,
          responseDay,
          reportId: `${unit}-d${responseDay}`,
          fields: goodReport(),
        },
      ],
    });
  }
}

/** Writes the workflow's history as a golden file when UPDATE_GOLDEN=1 (see test/histories/README.md). */
export async function saveGoldenHistory(h: EpisodeHandle, name: string): Promise<void> {
  if (process.env.UPDATE_GOLDEN !== '1') return;
  const history = await h.fetchHistory();
  // GOLDEN_SUFFIX records a new generation next to the old one (e.g. `.receipt` after a patch)
  const file = path.join(projectRoot, 'test', 'histories', `${name}${process.env.GOLDEN_SUFFIX ?? ''}.json`);
  const { historyToJSON } = await import('@temporalio/common/lib/proto-utils.js');
  await writeFile(file, historyToJSON(history));
}

/**
 * Runs one scenario with a fresh worker; whatever happens, the episodes it started are settled and
 * terminated while the worker still runs (see settleAndTerminate), so a failure cannot stall the
 * clock for the scenarios after it.
 */
export async function runScenario(
  env: TestWorkflowEnvironment,
  pool: pg.Pool,
  scenario: (taskQueue: string) => Promise<void>,
): Promise<void> {
  const { worker, taskQueue } = await episodeWorker(env, pool);
  await worker.runUntil(async () => {
    try {
      await scenario(taskQueue);
    } finally {
      for (const handle of started.splice(0)) await settleAndTerminate(handle).catch(() => {});
    }
  });
}

/**
 * Starts a city-wide exercise episode of today (CST) on `taskQueue`, forecast AQI 230 for two days
 * (a yellow warning is proposed); `exerciseDayMs` compresses its response days.
 */
export function startCityExercise(client: Client, taskQueue: string, exerciseDayMs?: number) {
  const today = cstDate(Date.now());
  const episodeId = `exercise:chaoyang:${today}:${Math.floor(Math.random() * 900) + 100}`;
  return client.workflow.start<typeof episodeWorkflow>(EPISODE_WORKFLOW_TYPE, {
    workflowId: episodeId,
    taskQueue,
    args: [
      {
        episodeId,
        jurisdiction: 'chaoyang',
        planId: defaultPlan.id,
        planVersion: defaultPlan.version,
        exercise: true,
        ...(exerciseDayMs ? { exerciseDayMs } : {}),
        initiator: office,
        origin: 'consultation',
        forecast: [0, 1].map((i) => ({ date: nextDate(today, i), aqi: 230 })),
      },
    ],
  });
}
