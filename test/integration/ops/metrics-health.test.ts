/**
 * The API's /metrics counts requests by route and status, idempotent replays and rate-limit refusals;
 * /readyz tells whether a worker polls the task queue and how far the projection lags.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IntegrationContext, integrationContext, uniqueTaskQueue, withWorker } from '../../helpers.js';
import {
  type PrincipalKey,
  type TestPrincipal,
  bearer,
  seedPrincipals,
  testApp,
} from '../api/api-helpers.js';

let ctx: IntegrationContext;
let who: Record<PrincipalKey, TestPrincipal>;
beforeAll(async () => {
  ctx = await integrationContext();
  who = await seedPrincipals(ctx);
});
afterAll(async () => {
  await ctx?.close();
});

/** The value of one sample of a Prometheus text exposition (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.split(' ').pop());
  }
  return 0;
}

describe('API metrics', () => {
  it('count requests by route and status, replays and refusals, and expose latency and lag', async () => {
    const app = await testApp(ctx, uniqueTaskQueue('metrics'), {
      rateLimit: { max: 3, timeWindowMs: 60_000 },
    });
    try {
      const h = bearer(who.admin);
      for (let i = 0; i < 3; i++)
        expect((await app.inject({ method: 'GET', url: '/principals', headers: h })).statusCode).toBe(200);
      // the rate limit (3 a minute) refuses the fourth request
      expect((await app.inject({ method: 'GET', url: '/principals', headers: h })).statusCode).toBe(429);
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      const get = { route: '/principals', method: 'GET' };
      expect(sample(text, 'smog_http_requests_total', { ...get, status: '200' })).toBe(3);
      expect(sample(text, 'smog_http_requests_total', { ...get, status: '429' })).toBe(1);
      expect(sample(text, 'smog_rate_limit_refusals_total', { route: '/principals' })).toBe(1);
      expect(sample(text, 'smog_http_request_duration_seconds_count', get)).toBe(4);
      expect(text).toContain('smog_projection_lag_seconds');
      expect(text).toContain('smog_sse_streams 0');
      expect(text).toContain('smog_api_process_resident_memory_bytes');
    } finally {
      await app.close();
    }
    // an idempotent retry is counted as a replay
    const app2 = await testApp(ctx, uniqueTaskQueue('metrics'));
    try {
      const key = { ...bearer(who.admin), 'idempotency-key': `metrics-replay-${Date.now()}` };
      const body = { id: `m2-${Date.now()}`, role: 'auditor', name: '审计员' };
      expect(
        (await app2.inject({ method: 'POST', url: '/principals', headers: key, payload: body })).statusCode,
      ).toBe(201);
      const again = await app2.inject({ method: 'POST', url: '/principals', headers: key, payload: body });
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const text = (await app2.inject({ method: 'GET', url: '/metrics' })).body;
      expect(sample(text, 'smog_idempotency_replays_total', { route: '/principals' })).toBe(1);
    } finally {
      await app2.close();
    }
  });
});

describe('X-Request-Id', () => {
  it('is kept end to end when sane (answer header, error body), replaced when not', async () => {
    const app = await testApp(ctx, uniqueTaskQueue('reqid'));
    try {
      const given = await app.inject({
        method: 'GET',
        url: '/episodes/nope',
        headers: { 'x-request-id': 'req-0123456789' },
      });
      expect(given.headers['x-request-id']).toBe('req-0123456789');
      expect(given.json().requestId).toBe('req-0123456789');
      const bad = await app.inject({
        method: 'GET',
        url: '/healthz',
        headers: { 'x-request-id': 'a b<script>' },
      });
      expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    } finally {
      await app.close();
    }
  });
});

describe('/readyz', () => {
  it('says degraded while no worker polls the task queue, ready while one does', async () => {
    const lonely = await testApp(ctx, uniqueTaskQueue('nobody'));
    const res = await lonely.inject({ method: 'GET', url: '/readyz' });
    await lonely.close();
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('degraded');
    expect(body.checks.worker).toMatchObject({ ok: false, workflowPollers: 0 });
    expect(body.checks.worker.error).toMatch(/no worker polls task queue nobody-/);
    expect(body.checks.messages).toMatchObject({ ok: false, activityPollers: 0 });
    expect(body.checks.messages.error).toMatch(/no worker sends messages from task queue nobody-.*-messages/);
    expect(body.checks.projection).toMatchObject({ ok: expect.any(Boolean), lagEvents: expect.any(Number) });

    await withWorker(ctx, async (taskQueue) => {
      const app = await testApp(ctx, taskQueue);
      try {
        await expect
          .poll(async () => (await app.inject({ method: 'GET', url: '/readyz' })).json().checks.worker.ok, {
            timeout: 15_000,
          })
          .toBe(true);
        const ready = (await app.inject({ method: 'GET', url: '/readyz' })).json();
        expect(ready.checks.worker.workflowPollers).toBeGreaterThan(0);
        expect(ready.checks.worker.activityPollers).toBeGreaterThan(0);
        await expect
          .poll(async () => (await app.inject({ method: 'GET', url: '/readyz' })).json().checks.messages, {
            timeout: 15_000,
          })
          .toMatchObject({ ok: true, taskQueue: `${taskQueue}-messages` });
      } finally {
        await app.close();
      }
    });
  });
});
