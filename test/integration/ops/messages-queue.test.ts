/**
 * Messages on their own task queue, on the time-skipping test server with the real activities: every
 * recipient is routed to one WeCom group robot (a local HTTP receiver) whose send limit is far below
 * what the episode sends, so the messages back up for hours. The 17:00 deadline and the escalation an
 * hour later still happen at their instants, are projected to PostgreSQL at once, and the robot never
 * gets more than its limit; the messages are scheduled on `<queue>-messages`, everything else on the
 * workflow's queue.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../../src/adapters/notification/notifier.js';
import type { RecipientRoutes } from '../../../src/adapters/notification/routes.js';
import { createThrottle } from '../../../src/adapters/notification/throttle.js';
import { cstDate, nextDate, parseIso, toCstIso } from '../../../src/domain/index.js';
import { messagesTaskQueue } from '../../../src/workflows/task-queues.js';
import { createWorker } from '../../../worker.js';
import {
  approvePending,
  createTimeSkippingEnv,
  episodeBundle,
  episodeInput,
  nextCst,
  settleAndTerminate,
  skipTo,
  startEpisode,
  viewOf,
} from '../../episode-harness.js';
import { loggedEvents } from '../../episode-records.js';
import { type IntegrationContext, integrationContext, uniqueTaskQueue } from '../../helpers.js';

/** The robot's limit in this test: 1 message an hour (a real one takes 20 a minute; the flood is scaled down). */
const ROBOT_LIMIT = { messages: 1, perMs: 3_600_000 };

let ctx: IntegrationContext;
let env: TestWorkflowEnvironment;
let server: http.Server;
let robotUrl: string;
const received: string[] = [];

beforeAll(async () => {
  ctx = await integrationContext();
  env = await createTimeSkippingEnv();
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const payload = JSON.parse(body || '{}') as { markdown?: { content?: string } };
      received.push(payload.markdown?.content ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  robotUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cgi-bin/webhook/send?key=flood`;
});
afterAll(async () => {
  await env?.teardown();
  await new Promise((resolve) => server?.close(resolve));
  await ctx?.close();
});

describe('a flood of messages to one robot', () => {
  it('delays no deadline and no projection; the robot gets no more than its limit', async () => {
    const routes: RecipientRoutes = { default: [{ channel: 'wecom', url: robotUrl }], recipients: {} };
    const sender = {
      id: 'smog-response@chaoyang.example.gov.cn',
      name: '朝阳市重污染天气专项应急指挥部办公室',
      smsSignature: '朝阳生态环境',
      emailFrom: 'smog-response@chaoyang.example.gov.cn',
    };
    // maxWaitMs 0: every wait for a slot becomes a server-side retry timer (skipped time)
    const throttle = createThrottle({ wecom: ROBOT_LIMIT }, { maxWaitMs: 0 });
    const taskQueue = uniqueTaskQueue('flood');
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      activityDeps: {
        pool: ctx.pool,
        sender,
        notifier: createNotifier({ pool: ctx.pool, routes, sender, throttle }),
      },
      workflowBundle: await episodeBundle(),
      messageLimits: { maxConcurrent: 2 },
    });
    await worker.runUntil(async () => {
      await skipTo(env, await nextCst(env, '08:00'));
      const t0 = await env.currentTimeMs();
      const day1 = cstDate(t0);
      const input = episodeInput({
        episodeId: `episode:chaoyang:flood-${Date.now().toString(36)}:1`,
        forecast: [0, 1].map((i) => ({ date: nextDate(day1, i), aqi: 230 })),
      });
      const handle = await startEpisode(env, taskQueue, input);
      const id = input.episodeId;
      try {
        await approvePending(handle);
        const view = await viewOf(handle);
        const owed = view.duties.filter((d) => d.dutyId === '3.1' && d.status === 'pending');
        expect(owed.length).toBeGreaterThan(5);
        const dueAt = owed[0]!.dueAt!;
        const due = parseIso(dueAt);
        expect(toCstIso(due)).toMatch(/T17:00:00/);

        // nobody reports: at 17:00 every unit is overdue and reminded, an hour later the director is told
        await skipTo(env, due + 60_000);
        const overdue = await loggedEvents(env.client, ctx.pool, id, 'report.overdue');
        expect(overdue.length).toBe(owed.length);
        for (const e of overdue) expect(e.at).toBe(toCstIso(due).replace(/\.\d{3}/, ''));

        // the reminders of 17:00 are in the delivery log (the message worker took them at once) …
        const reminders = async () =>
          (
            await ctx.pool.query<{ status: string; body: string }>(
              `SELECT status, body FROM notification_deliveries WHERE episode_id = $1 AND step LIKE $2`,
              [id, `escalation:${owed[0]!.responseDay}:%:1`],
            )
          ).rows;
        await expect.poll(async () => (await reminders()).length, { timeout: 15_000 }).toBe(owed.length);
        // … but backed up behind the robot's limit with the messages before them: most still wait
        const { rows } = await ctx.pool.query<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM notification_deliveries
           WHERE episode_id = $1 AND channel = 'wecom' GROUP BY status`,
          [id],
        );
        const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
        const hours = Math.ceil((due + 60_000 - t0) / 3_600_000);
        expect(byStatus.sent ?? 0).toBeLessThanOrEqual(ROBOT_LIMIT.messages * (hours + 1));
        expect(byStatus.pending ?? 0).toBeGreaterThanOrEqual(owed.length);
        expect(received.length).toBe(byStatus.sent ?? 0);
        expect((await reminders()).filter((r) => r.status === 'pending').length).toBeGreaterThan(
          owed.length / 2,
        );
        expect((await reminders())[0]!.body).toContain('17时');

        // the escalation of 18:00 happens at 18:00 and is in the audit log at once (polled for ≤ 15 s)
        const started = Date.now();
        await skipTo(env, due + 61 * 60_000);
        const steps = (await loggedEvents(env.client, ctx.pool, id, 'escalation.step')).filter(
          (e) => parseIso(e.at) >= due + 60 * 60_000,
        );
        expect(steps.length).toBeGreaterThan(0);
        for (const e of steps) expect(parseIso(e.at)).toBe(Math.floor((due + 60 * 60_000) / 1000) * 1000);
        expect(Date.now() - started).toBeLessThan(15_000);

        // where each activity ran: messages on their own queue, the projection and documents not
        const history = await handle.fetchHistory();
        const queues = new Map<string, Set<string>>();
        for (const ev of history.events ?? []) {
          const a = ev.activityTaskScheduledEventAttributes;
          if (!a?.activityType?.name) continue;
          const set = queues.get(a.activityType.name) ?? new Set<string>();
          set.add(a.taskQueue?.name ?? '');
          queues.set(a.activityType.name, set);
        }
        expect([...(queues.get('notify') ?? [])]).toEqual([messagesTaskQueue(taskQueue)]);
        expect([...(queues.get('publishWarning') ?? [])]).toEqual([messagesTaskQueue(taskQueue)]);
        expect([...(queues.get('recordEvents') ?? [])]).toEqual([taskQueue]);

        // what the robot got is what the plan says, e.g. the warning to the units
        expect(received[0]).toContain('关于启动橙色预警的请示');
        expect(
          received.some((c) => c.includes('橙色预警：请落实相应措施') && c.includes('执行Ⅱ级应急响应')),
        ).toBe(true);
      } finally {
        await settleAndTerminate(handle).catch(() => {});
      }
    });
  });
});
