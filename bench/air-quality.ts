/**
 * Benchmark of observed air quality: a month of hourly data for 100 stations (72,000 rows) imported
 * from CSV (again, as a correction), a year of hours filled in, and a year of daily AQI computed for
 * the city and a county from PostgreSQL. Prints figures; asserts nothing. Runs against
 * BENCH_DATABASE_URL when set (the air-quality tables are truncated!), else an embedded PostgreSQL.
 *
 *   node --import tsx bench/air-quality.ts [stations=100] [days=30]
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type HourlyRow,
  importHourly,
  importStations,
  jurisdictionDailyAqi,
  upsertHourly,
} from '../src/adapters/air-quality/index.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateUp } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { defaultPlan } from '../src/domain/plans/chaoyang-2024.js';
import { cstDayStart } from '../src/domain/observed-aqi.js';
import { freePort } from '../src/tools/temporal-dev-server.js';

const STATIONS = Number(process.argv[2] ?? 100);
const DAYS = Number(process.argv[3] ?? 30);
const YEAR = 2026;
const HOUR = 3_600_000;

/** Deterministic pseudo-random numbers (mulberry32) so runs are comparable. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const code = (i: number) => `AQ${String(i).padStart(4, '0')}`;
const counties = defaultPlan.jurisdictions.filter((j) => j.kind === 'county');

function hourValues(rand: () => number, hourStart: number) {
  const h = new Date(hourStart + 8 * HOUR).getUTCHours();
  const missing = rand() < 0.03; // 3 % missing hours
  const pm25 = Math.round(20 + rand() * 180);
  return {
    pm25: missing ? null : pm25,
    pm10: missing ? null : Math.round(pm25 * 1.6),
    so2: Math.round(5 + rand() * 40),
    no2: Math.round(10 + rand() * 60),
    co: Math.round((0.3 + rand() * 2) * 10) / 10,
    o3: Math.round(20 + (h >= 11 && h <= 18 ? 120 : 20) * rand()),
  };
}

function hourLabel(hourStart: number): string {
  // the END of the hour in CST, 'YYYY-MM-DD HH:00' (24:00 not used: the next day's 00:00)
  const end = new Date(hourStart + HOUR + 8 * HOUR);
  return `${end.toISOString().slice(0, 10)} ${String(end.getUTCHours()).padStart(2, '0')}:00`;
}

async function timed<T>(label: string, fn: () => Promise<T>, rows: Array<[string, string]>): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  rows.push([label, `${((performance.now() - t0) / 1000).toFixed(2)} s`]);
  return result;
}

async function main() {
  const rows: Array<[string, string]> = [];
  let stopDb: (() => Promise<void>) | undefined;
  let tmp: string | undefined;
  let url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'smog-bench-'));
    await chmod(tmp, 0o755); // PostgreSQL runs as its own user when we are root
    const db = await timed(
      'start embedded PostgreSQL',
      async () =>
        startEmbeddedPostgres({ databaseDir: path.join(tmp as string, 'pg'), port: await freePort() }),
      rows,
    );
    stopDb = db.stop;
    url = db.url;
  }
  await timed('apply migrations', () => migrateUp(url as string), rows);
  const pool = createPool(url, 8);
  try {
    await pool.query('TRUNCATE aq_hourly, aq_stations');
    const stationCsv = ['站点编码,站点名称,所属区县,站点类型'];
    for (let i = 1; i <= STATIONS; i++) {
      const county = counties[i % counties.length]!;
      stationCsv.push(`${code(i)},${county.name}${i}号站,${county.name},${i % 5 === 0 ? '国控' : '省控'}`);
    }
    await importStations(pool, defaultPlan, {
      content: Buffer.from(stationCsv.join('\n')),
      format: 'csv',
      fileName: 'stations.csv',
    });

    const rand = rng(42);
    const first = cstDayStart(`${YEAR}-01-01`);
    const csv = ['站点编码,站点名称,时间,PM2.5,PM10,SO2,NO2,CO,O3'];
    for (let i = 1; i <= STATIONS; i++) {
      for (let h = 0; h < DAYS * 24; h++) {
        const t = first + h * HOUR;
        const v = hourValues(rand, t);
        csv.push(
          `${code(i)},站,${hourLabel(t)},${v.pm25 ?? ''},${v.pm10 ?? ''},${v.so2},${v.no2},${v.co},${v.o3}`,
        );
      }
    }
    const content = Buffer.from(csv.join('\n'));
    const n = csv.length - 1;
    const imported = await timed(
      `import ${n} hourly rows (CSV, ${(content.length / 1e6).toFixed(1)} MB)`,
      () => importHourly(pool, { content, format: 'csv', fileName: 'month.csv' }),
      rows,
    );
    if (imported.errors.length > 0) throw new Error(JSON.stringify(imported.errors.slice(0, 3)));
    await timed(
      `import the same ${n} rows again (corrections: upsert)`,
      () => importHourly(pool, { content, format: 'csv', fileName: 'month.csv' }),
      rows,
    );

    const rest: HourlyRow[] = [];
    const yearHours = (cstDayStart(`${YEAR + 1}-01-01`) - first) / HOUR;
    for (let i = 1; i <= STATIONS; i++) {
      for (let h = DAYS * 24; h < yearHours; h++) {
        const t = first + h * HOUR;
        rest.push({ code: code(i), hourStart: t, values: hourValues(rand, t) });
      }
    }
    await timed(
      `fill the rest of ${YEAR} (${rest.length} rows, direct upsert)`,
      () => upsertHourly(pool, rest, 'bench'),
      rows,
    );

    const city = await timed(
      `daily AQI of the city (${STATIONS / 5} national stations), 365 days`,
      () =>
        jurisdictionDailyAqi(pool, defaultPlan, defaultPlan.jurisdiction, `${YEAR}-01-01`, `${YEAR}-12-31`),
      rows,
    );
    const county = counties[0]!;
    await timed(
      `daily AQI of ${county.name} (${Math.ceil(STATIONS / counties.length)} stations), 365 days`,
      () => jurisdictionDailyAqi(pool, defaultPlan, county.id, `${YEAR}-01-01`, `${YEAR}-12-31`),
      rows,
    );

    const width = Math.max(...rows.map((r) => r[0].length));
    console.log(`air-quality benchmark — node ${process.version}, ${os.cpus().length} CPUs`);
    for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
    const byCategory = new Map<string, number>();
    for (const d of city) {
      const k = d.value.category ?? '无AQI';
      byCategory.set(k, (byCategory.get(k) ?? 0) + 1);
    }
    console.log(`city days by category: ${JSON.stringify(Object.fromEntries(byCategory))}`);
  } finally {
    await pool.end();
    if (stopDb) await stopDb();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
