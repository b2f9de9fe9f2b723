/**
 * The electricity activity asks the power company's API (here its local stand-in) for the day's
 * readings before assessing every listed enterprise, and hands the workflow a small result.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { logOnlyActivityDeps } from '../../../src/activities/deps.js';
import { createActivities } from '../../../src/activities/index.js';
import { startPowerStandIn } from '../../../src/adapters/power/index.js';
import { createPool } from '../../../src/db/pool.js';
import { defaultPlan, planForJurisdiction } from '../../../src/domain/index.js';
import { freePort } from '../../../src/tools/temporal-dev-server.js';

const pool = createPool(inject('databaseUrl'), 3);
let standIn: Awaited<ReturnType<typeof startPowerStandIn>>;
beforeAll(async () => {
  standIn = await startPowerStandIn({ pool, port: await freePort(), token: 'stand-in-token' });
});
afterAll(async () => {
  await standIn.close();
  await pool.end();
});

describe('assessElectricity activity', () => {
  it('fetches the day from the power company API, retrying a failure, then assesses', async () => {
    const activities = createActivities({
      ...logOnlyActivityDeps(pool),
      powerApi: {
        baseUrl: standIn.url,
        token: 'stand-in-token',
        timeoutMs: 5_000,
        maxAttempts: 3,
        pageSize: 500,
        backoffMs: 10,
      },
    });
    standIn.failNext(1, 503);
    const before = standIn.requests;
    const result = await activities.assessElectricity({
      episodeId: `episode:chaoyang:activity-${Date.now()}:1`,
      planId: defaultPlan.id,
      planVersion: defaultPlan.version,
      episodeStartMs: Date.parse('2031-01-10T00:00:00+08:00'),
      day: '2031-01-10',
      level: 'orange',
    });
    expect(standIn.requests - before).toBeGreaterThanOrEqual(2); // the 503, then the page(s)
    expect(result.counts.total).toBe(
      result.counts.compliant +
        result.counts.nonCompliant +
        result.counts.insufficientData +
        result.counts.exempt,
    );
    expect(result.nonCompliant.length).toBeLessThanOrEqual(200);
  });

  it('refuses to run against a power API with a wrong token (no silent empty assessment)', async () => {
    const activities = createActivities({
      ...logOnlyActivityDeps(pool),
      powerApi: { baseUrl: standIn.url, token: 'wrong', timeoutMs: 5_000, maxAttempts: 1, pageSize: 500 },
    });
    await expect(
      activities.assessElectricity({
        episodeId: `episode:chaoyang:activity-${Date.now()}:2`,
        planId: defaultPlan.id,
        planVersion: defaultPlan.version,
        episodeStartMs: Date.parse('2031-01-10T00:00:00+08:00'),
        day: '2031-01-10',
        level: 'orange',
      }),
    ).rejects.toThrow();
  });

  it('a county’s episode judges the enterprises of its county only; the city’s judges them all (二.2)', async () => {
    const stamp = Date.now().toString(36);
    const enterprises = [
      { id: `bp-${stamp}`, county: 'beipiao' },
      { id: `jp-${stamp}`, county: 'jianping' },
    ];
    for (const [i, e] of enterprises.entries()) {
      await pool.query(
        `INSERT INTO enterprises (id, name, uscc, county, grade, grade_label) VALUES ($1, $2, $3, $4, 'B', 'B')`,
        [e.id, `测试企业${i}`, `91${stamp}${i}`.padEnd(18, '0').slice(0, 18), e.county],
      );
    }
    const activities = createActivities(logOnlyActivityDeps(pool));
    const judged = async (plan: { id: string; version: number }, episodeId: string) => {
      await activities.assessElectricity({
        episodeId,
        planId: plan.id,
        planVersion: plan.version,
        episodeStartMs: Date.parse('2031-02-10T00:00:00+08:00'),
        day: '2031-02-10',
        level: 'yellow',
      });
      const rows = await pool.query<{ enterprise_id: string; county: string }>(
        `SELECT v.enterprise_id, e.county FROM electricity_verdicts v JOIN enterprises e ON e.id = v.enterprise_id
         WHERE v.episode_id = $1`,
        [episodeId],
      );
      return rows.rows;
    };
    const county = await judged(planForJurisdiction('beipiao'), `episode:beipiao:scope-${stamp}:1`);
    expect(county.map((r) => r.enterprise_id)).toContain(`bp-${stamp}`);
    expect(county.every((r) => r.county === 'beipiao')).toBe(true);
    const city = await judged(defaultPlan, `episode:chaoyang:scope-${stamp}:1`);
    expect(city.map((r) => r.enterprise_id)).toEqual(expect.arrayContaining([`bp-${stamp}`, `jp-${stamp}`]));
  });
});
