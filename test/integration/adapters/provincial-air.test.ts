/**
 * The provincial platform pull against its stand-in and real PostgreSQL: a good pull of several pages
 * stores every hour (other cities' stations skipped and counted) and a re-pull changes nothing; a
 * platform that is down is retried with backoff, then fails clearly with nothing stored; garbage on
 * page 2 stores nothing from page 1 either.
 */
import { randomBytes } from 'node:crypto';
import type { ApplicationFailure } from '@temporalio/common';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AIR_API_REJECTED,
  AIR_API_UNAVAILABLE,
  type AirApiSettings,
  pullProvincialHourly,
} from '../../../src/adapters/air-quality/provincial.js';
import {
  type AirStandIn,
  type StandInHour,
  startAirStandIn,
} from '../../../src/adapters/air-quality/provincial-stand-in.js';
import { createPool } from '../../../src/db/pool.js';

const HOUR = 3_600_000;
const TOKEN = 'test-token';
const t = randomBytes(3).toString('hex').toUpperCase();
const codes = [`P${t}1`, `P${t}2`];
const fromMs = Date.parse('2026-12-01T00:00:00+08:00');
const window = { fromMs, toMs: fromMs + 6 * HOUR };
const endIso = (ms: number) => new Date(ms + 8 * HOUR).toISOString().replace('.000Z', '+08:00');

function hours(pm25: number): StandInHour[] {
  const out: StandInHour[] = [];
  for (const code of [...codes, `OTHER${t}`]) {
    for (let h = 0; h < 6; h++) {
      out.push({
        stationCode: code,
        time: endIso(fromMs + (h + 1) * HOUR),
        pm25: h === 3 ? null : pm25 + h,
        pm10: 150,
        so2: 12,
        no2: 45,
        co: 1.1,
        o3: 30,
      });
    }
  }
  return out;
}

let pool: pg.Pool;
let standIn: AirStandIn;
let settings: AirApiSettings;

async function stored() {
  const { rows } = await pool.query<{ code: string; hour: Date; pm25: number | null }>(
    `SELECT station_code AS code, hour_start AS hour, pm25 FROM aq_hourly WHERE station_code = ANY($1)
     ORDER BY 1, 2`,
    [codes],
  );
  return rows;
}

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await p;
  } catch (err) {
    return err as ApplicationFailure;
  }
  throw new Error('the pull succeeded');
}

beforeAll(async () => {
  pool = createPool(inject('databaseUrl'), 3);
  for (const code of codes) {
    await pool.query('INSERT INTO aq_stations (code, name, jurisdiction, kind) VALUES ($1, $2, $3, $4)', [
      code,
      `测试站${code}`,
      'shuangta',
      'national',
    ]);
  }
  standIn = await startAirStandIn({ token: TOKEN, stations: [], hours: hours(100) });
  settings = {
    baseUrl: standIn.url,
    token: TOKEN,
    timeoutMs: 2000,
    maxAttempts: 3,
    backoffMs: 20,
    pageSize: 5,
  };
});
afterAll(async () => {
  await standIn.close();
  await pool.query('DELETE FROM aq_hourly WHERE station_code = ANY($1)', [codes]);
  await pool.query('DELETE FROM aq_station_daily WHERE station_code = ANY($1)', [codes]);
  await pool.query('DELETE FROM aq_stations WHERE code = ANY($1)', [codes]);
  await pool.end();
});

describe('pull from the provincial platform', () => {
  it('stores every hour of every page, skips other cities’ stations, and a re-pull changes nothing', async () => {
    const r = await pullProvincialHourly(pool, settings, window);
    expect(r).toEqual({ stored: 12, pages: 4, skipped: { [`OTHER${t}`]: 6 } });
    const first = await stored();
    expect(first).toHaveLength(12);
    // the hour labelled 01:00 is the hour 00:00–01:00; null stays missing, never zero
    expect(first[0]).toEqual({ code: codes[0], hour: new Date(fromMs), pm25: 100 });
    expect(first[3]?.pm25).toBeNull();
    await pullProvincialHourly(pool, settings, window);
    expect(await stored()).toEqual(first);
  });

  it('takes corrected values on the next pull', async () => {
    standIn.setHours(hours(200));
    await pullProvincialHourly(pool, settings, window);
    expect((await stored())[0]?.pm25).toBe(200);
    standIn.setHours(hours(100));
    await pullProvincialHourly(pool, settings, window);
  });

  it('retries a platform answering 503 with backoff and succeeds when it comes back', async () => {
    const before = standIn.requests;
    standIn.failNext(2, 503);
    const r = await pullProvincialHourly(pool, settings, window);
    expect(r.stored).toBe(12);
    expect(standIn.requests - before).toBe(2 + 4);
  });

  it('fails clearly, retryable, after its attempts when the platform stays down; nothing is stored', async () => {
    await pool.query('DELETE FROM aq_hourly WHERE station_code = ANY($1)', [codes]);
    const before = standIn.requests;
    standIn.failNext(10, 503);
    const started = Date.now();
    const err = await failure(pullProvincialHourly(pool, settings, window));
    expect(err.type).toBe(AIR_API_UNAVAILABLE);
    expect(err.nonRetryable).toBe(false);
    expect(err.message).toMatch(/^省级空气质量监测平台不可用（已尝试3次）：HTTP 503/);
    expect(standIn.requests - before).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(10 + 20); // backoff: ≥ 10 ms, then ≥ 20 ms
    expect(await stored()).toEqual([]);
    standIn.failNext(0);
  });

  it('fails clearly when nothing listens (connection refused)', async () => {
    const gone = await startAirStandIn({ token: TOKEN, stations: [], hours: [] });
    await gone.close();
    const err = await failure(pullProvincialHourly(pool, { ...settings, baseUrl: gone.url }, window));
    expect(err.type).toBe(AIR_API_UNAVAILABLE);
    expect(err.message).toContain('ECONNREFUSED');
    expect(await stored()).toEqual([]);
  });

  it.each([
    ['bad JSON', '<html>502 Bad Gateway</html>', '省级空气质量监测平台第2页应答不是有效的JSON'],
    [
      'a wrong shape',
      JSON.stringify({ page: 2, pageSize: 5, total: 18, rows: [] }),
      '省级空气质量监测平台第2页数据格式错误：items：',
    ],
  ])('stores nothing from page 1 when page 2 is garbage (%s), without retrying', async (_, body, words) => {
    const before = standIn.requests;
    standIn.garbageOnPage(2, body);
    const err = await failure(pullProvincialHourly(pool, settings, window));
    standIn.garbageOnPage(null);
    expect(err.type).toBe(AIR_API_REJECTED);
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toContain(words);
    expect(standIn.requests - before).toBe(2);
    expect(await stored()).toEqual([]);
  });

  it('refuses a wrong token without retrying', async () => {
    const err = await failure(pullProvincialHourly(pool, { ...settings, token: 'wrong' }, window));
    expect(err.type).toBe(AIR_API_REJECTED);
    expect(err.message).toContain('HTTP 401');
    expect(err.message).toContain('请核对AIR_API_TOKEN');
  });
});
