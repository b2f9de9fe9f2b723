/**
 * A notification receiver down for an hour, on the time-skipping test server with the real activities:
 * the commander's webhook answers 503 for an hour after the proposal is sent. The delivery is retried
 * with exponential backoff (about a dozen attempts in that hour, not one every 5 s), then delivered
 * exactly once when the receiver is back, and never again afterwards.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../../src/adapters/notification/notifier.js';
import type { RecipientRoutes } from '../../../src/adapters/notification/routes.js';
import { cstDate, nextDate } from '../../../src/domain/index.js';
import { createWorker } from '../../../worker.js';
import {
  createTimeSkippingEnv,
  episodeBundle,
  episodeInput,
  settleAndTerminate,
  skipTo,
  startEpisode,
  viewOf,
} from '../../episode-harness.js';
import { type IntegrationContext, integrationContext, uniqueTaskQueue } from '../../helpers.js';

interface Received {
  deliveryKey: string;
  step: string;
  status: number;
}

let ctx: IntegrationContext;
let env: TestWorkflowEnvironment;
let server: http.Server;
let url: string;
let down = true;
const received: Received[] = [];

beforeAll(async () => {
  ctx = await integrationContext();
  env = await createTimeSkippingEnv();
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const payload = JSON.parse(body || '{}') as { deliveryKey?: string; step?: string };
      const status = down ? 503 : 200;
      received.push({ deliveryKey: payload.deliveryKey ?? '', step: payload.step ?? '', status });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await env?.teardown();
  await new Promise((resolve) => server?.close(resolve));
  await ctx?.close();
});

describe('a notification receiver down for an hour', () => {
  it('is retried with backoff while down and gets the message exactly once when it is back', async () => {
    const routes: RecipientRoutes = {
      default: [{ channel: 'log' }],
      recipients: { commander: [{ channel: 'webhook', url }] },
    };
    const sender = {
      id: 'smog-response@chaoyang.example.gov.cn',
      name: '朝阳市重污染天气专项应急指挥部办公室',
      smsSignature: '朝阳生态环境',
      emailFrom: 'smog-response@chaoyang.example.gov.cn',
    };
    const taskQueue = uniqueTaskQueue('receiver-down');
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      activityDeps: { pool: ctx.pool, sender, notifier: createNotifier({ pool: ctx.pool, routes, sender }) },
      workflowBundle: await episodeBundle(),
    });
    await worker.runUntil(async () => {
      const today = cstDate(await env.currentTimeMs());
      const input = episodeInput({
        episodeId: `episode:chaoyang:receiver-down-${Date.now().toString(36)}:1`,
        forecast: [0, 1].map((i) => ({ date: nextDate(today, i), aqi: 230 })),
      });
      const handle = await startEpisode(env, taskQueue, input);
      try {
        const view = await viewOf(handle);
        expect(view.pendingProposal?.proposalId).toBe('P1');
        const t0 = await env.currentTimeMs();
        const proposalAttempts = () => received.filter((r) => r.step === 'proposal:P1');

        // an hour with the commander's receiver answering 503
        for (let m = 10; m <= 60; m += 10) await skipTo(env, t0 + m * 60_000);
        const whileDown = proposalAttempts();
        // 5 s × 2ⁿ up to 10 min: attempts at 0, 5, 15, 35, 75, 155, 315, 635, 1235, 1835, 2435, 3035 s
        expect(whileDown.length).toBeGreaterThanOrEqual(9);
        expect(whileDown.length).toBeLessThanOrEqual(14); // a fixed 5 s retry would make ~720
        expect(whileDown.every((r) => r.status === 503)).toBe(true);
        expect(new Set(whileDown.map((r) => r.deliveryKey)).size).toBe(1); // one message, one delivery key
        const { rows: pending } = await ctx.pool.query(
          `SELECT status, attempts FROM notification_deliveries
           WHERE episode_id = $1 AND step = 'proposal:P1' AND channel = 'webhook'`,
          [input.episodeId],
        );
        expect(pending).toHaveLength(1);
        expect(pending[0].status).toBe('pending');
        expect(pending[0].attempts).toBe(whileDown.length);

        // back up: the next retry (≤ 10 min later) delivers it, once
        down = false;
        await skipTo(env, t0 + 75 * 60_000);
        await skipTo(env, t0 + 120 * 60_000);
        const accepted = proposalAttempts().filter((r) => r.status === 200);
        expect(accepted).toHaveLength(1);
        expect(accepted[0]?.deliveryKey).toBe(whileDown[0]?.deliveryKey);
        // no key was ever accepted twice by the receiver
        const perKey = new Map<string, number>();
        for (const r of received.filter((x) => x.status === 200))
          perKey.set(r.deliveryKey, (perKey.get(r.deliveryKey) ?? 0) + 1);
        expect([...perKey.values()].every((n) => n === 1)).toBe(true);
        const { rows: sent } = await ctx.pool.query(
          `SELECT status, attempts FROM notification_deliveries
           WHERE episode_id = $1 AND step = 'proposal:P1' AND channel = 'webhook'`,
          [input.episodeId],
        );
        expect(sent).toEqual([{ status: 'sent', attempts: whileDown.length + 1 }]);
      } finally {
        await settleAndTerminate(handle).catch(() => {});
      }
    });
  });
});
