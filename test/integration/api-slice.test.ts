import { setTimeout as sleep } from 'node:timers/promises';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/api/app.js';
import { API_RETRY_SETTLE_MS, createApiConnection } from '../../src/temporal/connection.js';
import { freePort, startDevServer } from '../../src/tools/temporal-dev-server.js';
import { type IntegrationContext, integrationContext, withWorker } from '../helpers.js';

let ctx: IntegrationContext;
beforeAll(async () => {
  ctx = await integrationContext();
});
afterAll(async () => {
  await ctx.close();
});

async function appOn(taskQueue: string, client = ctx.client): Promise<App> {
  return buildApp({
    temporal: client,
    pool: ctx.pool,
    taskQueue,
    logger: false,
    now: () => Date.parse('2026-11-29T01:00:00Z'),
  });
}

const uniqueJurisdiction = () => `t${Math.random().toString(36).slice(2, 10)}`;

describe('POST /episodes and GET /episodes/:id (the first vertical slice)', () => {
  it('starts an episode once, answers 202 with Location, reads it by Query and projects it to PostgreSQL', async () => {
    await withWorker(ctx, async (taskQueue) => {
      const app = await appOn(taskQueue);
      const jurisdiction = uniqueJurisdiction();
      const body = { jurisdiction, forecast: [{ date: '2026-11-29', aqi: 230 }] };
      const first = await app.inject({ method: 'POST', url: '/episodes', payload: body });
      expect(first.statusCode).toBe(202);
      const id = `episode:${jurisdiction}:2026-11-29:1`;
      expect(first.json().id).toBe(id);
      expect(first.headers.location).toBe(`/episodes/${encodeURIComponent(id)}`);

      const again = await app.inject({ method: 'POST', url: '/episodes', payload: body });
      expect(again.statusCode).toBe(202);
      expect(again.json().runId).toBe(first.json().runId);

      const read = await app.inject({ method: 'GET', url: first.headers.location as string });
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({ episodeId: id, jurisdiction, phase: 'consultation' });

      await expect
        .poll(async () => (await ctx.pool.query('SELECT phase FROM episodes WHERE id = $1', [id])).rows)
        .toEqual([{ phase: 'consultation' }]);
      await ctx.client.workflow.getHandle(id).terminate('test done');
      await app.close();
    });
  });

  it('rejects a missing field with 400 naming the field path, and starts nothing', async () => {
    const app = await appOn('unused-queue');
    const jurisdiction = uniqueJurisdiction();
    const res = await app.inject({
      method: 'POST',
      url: '/episodes',
      payload: { jurisdiction, forecast: [{ date: '2026-11-29' }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.issues).toContainEqual(
      expect.objectContaining({ path: 'body.forecast.0.aqi' }),
    );
    await expect(
      ctx.client.workflow.getHandle(`episode:${jurisdiction}:2026-11-29:1`).describe(),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const rows = await ctx.pool.query('SELECT 1 FROM episodes WHERE jurisdiction = $1', [jurisdiction]);
    expect(rows.rowCount).toBe(0);
    await app.close();
  });

  it.each([
    ['malformed JSON', '{"jurisdiction":', 'application/json'],
    [
      'an unknown field',
      JSON.stringify({ jurisdiction: 'x', forecast: [{ date: '2026-11-29', aqi: 1 }], extra: 1 }),
      'application/json',
    ],
    [
      'a date that is not in the calendar',
      JSON.stringify({ jurisdiction: 'x', forecast: [{ date: '2026-02-30', aqi: 1 }] }),
      'application/json',
    ],
    ['a body that is not JSON', 'jurisdiction=x', 'text/plain'],
  ])('answers 4xx to %s without a stack trace', async (_name, payload, contentType) => {
    const app = await appOn('unused-queue');
    const res = await app.inject({
      method: 'POST',
      url: '/episodes',
      payload,
      headers: { 'content-type': contentType },
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/);
    await app.close();
  });

  it('answers 404 for an unknown episode and 400 for an id of the wrong shape', async () => {
    const app = await appOn('unused-queue');
    const missing = await app.inject({ method: 'GET', url: '/episodes/episode:nowhere:2026-11-29:1' });
    expect(missing.statusCode).toBe(404);
    const bad = await app.inject({ method: 'GET', url: '/episodes/not-an-id' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.issues[0].path).toBe('params.id');
    await app.close();
  });
});

describe('health', () => {
  it('/healthz answers 200 and /readyz 200 with both dependencies up', async () => {
    const app = await appOn('unused-queue');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ temporal: { ok: true }, postgres: { ok: true } });
    await app.close();
  });

  it('/readyz answers 503 naming Temporal when its server is stopped, and 200 again once it is back', async () => {
    const port = await freePort();
    const server = await startDevServer({ port });
    const connection = createApiConnection(server.address);
    const app = await appOn('unused-queue', new Client({ connection }));
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await server.stop();
    const down = await app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json().checks.temporal.ok).toBe(false);
    expect(down.json().checks.postgres.ok).toBe(true);
    const episode = await app.inject({ method: 'GET', url: '/episodes/episode:x:2026-11-29:1' });
    expect(episode.statusCode).toBe(503);

    const restarted = await startDevServer({ port });
    await expect
      .poll(async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe(200);
    await app.close();
    await sleep(API_RETRY_SETTLE_MS); // let retries of the calls made while it was down settle
    await connection.close();
    await restarted.stop();
  });
});
