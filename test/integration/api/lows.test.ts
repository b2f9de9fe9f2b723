/**
 * The low findings (security finding 8): /readyz tells the public nothing of its dependencies' errors;
 * trustProxy lets the per-IP rate limit see the client behind a proxy; `?temporal=true` timelines are
 * under the heavy limit; a branch sees only its county's electricity verdicts.
 */
import { describe, expect, it } from 'vitest';
import { createPool } from '../../../src/db/pool.js';
import { apiSuite, bearer, testApp, uniqueDate } from './api-helpers.js';

const s = apiSuite('no-worker-needed');

describe('low findings', () => {
  it('/readyz names the dependency that is down, never its error text', async () => {
    const deadPool = createPool('postgres://nobody:secret@127.0.0.1:1/nothing', 1);
    const app = await testApp(s.ctx, 'x', { pool: deadPool });
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.postgres).toEqual({ ok: false, error: 'unreachable' });
      expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|nobody|secret/);
    } finally {
      await app.close();
      await deadPool.end();
    }
  });

  it('behind a trusted proxy the rate limit counts per client (X-Forwarded-For); untrusted, per proxy', async () => {
    const hits = async (trustProxy: boolean) => {
      const app = await testApp(s.ctx, 'x', { trustProxy, rateLimit: { max: 2, timeWindowMs: 60_000 } });
      try {
        const get = (ip: string) =>
          app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-for': ip } });
        const codes = [];
        for (const ip of ['203.0.113.1', '203.0.113.1', '203.0.113.1', '203.0.113.2'])
          codes.push((await get(ip)).statusCode);
        return codes;
      } finally {
        await app.close();
      }
    };
    expect(await hits(true)).toEqual([200, 200, 429, 200]);
    expect(await hits(false)).toEqual([200, 200, 429, 429]);
  });

  it('timelines with ?temporal=true are under the heavy limit (10 a minute), counted apart from plain ones', async () => {
    const url = `/episodes/${encodeURIComponent('episode:chaoyang:2199-02-02:1')}/audit/timeline`;
    const get = (q: string) =>
      s.app.inject({ method: 'GET', url: `${url}${q}`, headers: bearer(s.who.auditor) });
    for (let i = 0; i < 10; i++) expect((await get('?temporal=true')).statusCode).not.toBe(429);
    const refused = await get('?temporal=true');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('rate_limited');
    expect((await get('')).statusCode).not.toBe(429);
  });

  it('a branch sees the electricity verdicts of its own county only', async () => {
    const t = Date.now().toString(36);
    const day = uniqueDate();
    const episodeId = `episode:chaoyang:${day}:1`;
    for (const [id, county] of [
      [`E-${t}-s`, 'shuangta'],
      [`E-${t}-b`, 'beipiao'],
    ]) {
      await s.ctx.pool.query(
        `INSERT INTO enterprises (id, name, uscc, county, grade, grade_label) VALUES ($1, $1, $1, $2, 'B', 'B')`,
        [id, county],
      );
    }
    await s.ctx.pool.query(
      `INSERT INTO electricity_assessments (episode_id, day, level, counts, summary) VALUES ($1, $2, 'yellow', '{}', '{}')`,
      [episodeId, day],
    );
    for (const e of [`E-${t}-s`, `E-${t}-b`]) {
      await s.ctx.pool.query(
        `INSERT INTO electricity_verdicts (episode_id, day, enterprise_id, verdict, reason, days_used)
         VALUES ($1, $2, $3, 'non-compliant', '未达减排要求', 7)`,
        [episodeId, day, e],
      );
    }
    const verdicts = async (p: { token: string }) =>
      (
        (
          await s.app.inject({
            method: 'GET',
            url: `/episodes/${encodeURIComponent(episodeId)}/electricity`,
            headers: bearer(p),
          })
        ).json().items[0].verdicts as Array<{ enterpriseId: string }>
      ).map((v) => v.enterpriseId);
    expect(await verdicts(s.who.office)).toEqual([`E-${t}-b`, `E-${t}-s`]);
    expect(await verdicts(s.who.shuangta)).toEqual([`E-${t}-s`]);
    expect(await verdicts(s.who.beipiao)).toEqual([`E-${t}-b`]);
  });

  it('episode business dates are bounded: years ahead or back are refused naming body.date', async () => {
    const now = Date.parse('2026-12-02T10:00:00+08:00');
    const app = await testApp(s.ctx, 'x', { businessDates: undefined, now: () => now });
    try {
      const start = (date: string) =>
        app.inject({
          method: 'POST',
          url: '/episodes',
          headers: bearer(s.who.office),
          payload: { jurisdiction: 'shuangta', date, forecast: [{ date, aqi: 230 }] },
        });
      for (const date of ['2031-12-02', '2020-01-01', '2026-12-10', '2026-10-31']) {
        const res = await start(date);
        expect(res.statusCode, date).toBe(400);
        expect(res.json()).toMatchObject({
          detail: 'date: must be between 2026-11-01 and 2026-12-09',
          errors: [{ path: 'body.date' }],
        });
      }
    } finally {
      await app.close();
    }
  });
});
