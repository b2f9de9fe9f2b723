/**
 * Browser-test harness of the console: a real app on a real port with a real worker (over the run's
 * Temporal dev server and PostgreSQL), principals with tokens, and Debian's chromium driven by
 * playwright-core. Used by test/integration/console/*.test.ts and scripts/screenshots.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type NativeConnection, bundleWorkflowCode } from '@temporalio/worker';
import type { WorkerPair } from '../../src/temporal/worker-pair.js';
import type pg from 'pg';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { logOnlyActivityDeps } from '../../src/activities/deps.js';
import type { App, AppOptions } from '../../src/api/app.js';
import { createWorker, workflowsPath } from '../../worker.js';
import {
  type PrincipalKey,
  type TestPrincipal,
  seedPrincipals,
  testApp,
} from '../integration/api/api-helpers.js';
import type { IntegrationContext } from '../helpers.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * What the harness needs of the servers: a Temporal client, a native connection and a pool; and the
 * test run's workflow bundle when there is one (scripts without it bundle the workflows here).
 */
export type StackContext = Pick<IntegrationContext, 'client' | 'nativeConnection' | 'pool'> &
  Partial<Pick<IntegrationContext, 'workflowBundle'>>;

export interface ConsoleStack {
  baseUrl: string;
  app: App;
  worker: WorkerPair;
  who: Record<PrincipalKey, TestPrincipal>;
  stop(): Promise<void>;
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

/**
 * A worker on a fresh task queue, the app listening on 127.0.0.1 (a free port, or `port`), principals
 * per role. `app` adds options of the app (e.g. the identity provider's `signIn`).
 */
export async function startConsoleStack(
  ctx: StackContext,
  opts: { app?: Partial<AppOptions>; port?: number } = {},
): Promise<ConsoleStack> {
  const taskQueue = `console-${crypto.randomUUID()}`;
  const worker = await createWorker({
    connection: ctx.nativeConnection as NativeConnection,
    namespace: 'default',
    taskQueue,
    activityDeps: logOnlyActivityDeps(ctx.pool as pg.Pool),
    workflowBundle: ctx.workflowBundle ?? (await bundleWorkflowCode({ workflowsPath, logger: quietLogger })),
  });
  const running = worker.run();
  const app = await testApp(ctx as IntegrationContext, taskQueue, opts.app);
  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const who = await seedPrincipals(ctx as IntegrationContext);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    worker,
    who,
    async stop() {
      await app.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => {});
    },
  };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A phone: 390 × 844 CSS pixels, touch, a mobile viewport (the width the page's meta viewport asks). */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
};

/**
 * Debian's chromium, headless, with a fresh profile. `device` emulates a phone (PHONE); `args` go to
 * chromium too (e.g. --host-resolver-rules to reach the app under an intranet name over plain HTTP).
 */
export async function launchBrowser(
  viewport = { width: 1280, height: 800 },
  device: { isMobile?: boolean; hasTouch?: boolean; deviceScaleFactor?: number; args?: string[] } = {},
): Promise<Browser> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'smog-chromium-'));
  const { args = [], ...emulation } = device;
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
    viewport,
    ...emulation,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A new tab signed in with the principal's token (sessionStorage is per tab), on its landing page. */
export async function signedInPage(
  browser: Browser,
  baseUrl: string,
  p: { token: string; role?: string },
): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (err) => console.error('[console page error]', err.message));
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('访问令牌').fill(p.token);
  await page.getByRole('button', { name: '登录' }).click();
  // the admin lands on the principals page, everybody else on the episode board
  await page.getByRole('heading', { name: p.role === 'admin' ? '用户与令牌' : '应急过程看板' }).waitFor();
  return page;
}

export const consoleUrl = (baseUrl: string, page: 'episode' | 'unit' | 'audit', id: string) =>
  `${baseUrl}/console/#/${page}/${encodeURIComponent(id)}`;

/** Calls the real HTTP API (not inject): what the browser would see. */
export async function http(
  baseUrl: string,
  p: { token: string },
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: the tests read whatever JSON the API answers
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${p.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json };
}

export function nextDay(date: string, n = 1): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * Starts a city-wide exercise episode with a yellow forecast (双塔's branch and the enforcement team
 * among its reporting units; a county's own episode has its branch alone); waits until it is proposed.
 */
export async function startExercise(
  stack: ConsoleStack,
  date: string,
  opts: {
    exerciseDayMs?: number;
    forecast?: Array<{ date: string; aqi: number }>;
    /** A county's own episode instead (its plan: the county's branch alone reports). */
    jurisdiction?: string;
  } = {},
): Promise<string> {
  const started = await http(stack.baseUrl, stack.who.office, 'POST', '/episodes', {
    jurisdiction: opts.jurisdiction ?? 'chaoyang',
    date,
    exercise: true,
    exerciseDayMs: opts.exerciseDayMs ?? 20_000,
    forecast: opts.forecast ?? [
      { date, aqi: 235 },
      { date: nextDay(date), aqi: 182 },
      { date: nextDay(date, 2), aqi: 120 },
    ],
  });
  if (started.status !== 202)
    throw new Error(`start failed: ${started.status} ${JSON.stringify(started.json)}`);
  const id = started.json.id as string;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const v = await http(stack.baseUrl, stack.who.office, 'GET', `/episodes/${encodeURIComponent(id)}`);
    if (v.status === 200 && v.json.phase === 'proposed') return id;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error('the episode was not proposed in time');
}

/** A small PNG (16×16, one colour) for photo uploads. */
export { PNG_1x1 } from '../integration/api/api-helpers.js';
