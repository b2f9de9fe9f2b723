/** With PostgreSQL unreachable, the API answers 503 naming it (never 500), for reads and writes. */
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../../src/api/app.js';
import { createPool } from '../../../src/db/pool.js';
import { createApiConnection } from '../../../src/temporal/connection.js';
import { freePort } from '../../../src/tools/temporal-dev-server.js';

let app: App;
let close: () => Promise<void>;
beforeAll(async () => {
  // nothing listens on this port: every query fails to connect
  const pool = createPool(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`, 2);
  const connection = createApiConnection(`127.0.0.1:${await freePort()}`);
  app = await buildApp({ temporal: new Client({ connection }), pool, taskQueue: 'db-down', logger: false });
  close = async () => {
    await app.close();
    await pool.end();
    // calls to the unreachable Temporal retry until their deadline (readiness checks: 2 s); closing the
    // channel under a pending retry throws from the retry's timer
    await new Promise((r) => setTimeout(r, 3_000));
    await connection.close();
  };
});
afterAll(async () => close());

describe('PostgreSQL down', () => {
  it.each([
    ['GET', '/episodes'],
    ['GET', '/episodes/episode:beipiao:2026-11-29:1'],
    ['POST', '/episodes/episode:beipiao:2026-11-29:1/reports'],
  ] as const)('%s %s answers 503 naming postgres', async (method, url) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: 'Bearer smog_0000000000000000000000000000000000000000000' },
      ...(method === 'POST' ? { payload: { responseDay: 1, fields: {} } } : {}),
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'unavailable', status: 503, dependency: 'postgres' });
  });

  it('/readyz answers 503 naming postgres', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.postgres.ok).toBe(false);
  });
});
