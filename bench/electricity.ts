/**
 * Benchmark of the electricity path: a 10,000-enterprise reduction list and 30 days of meter readings
 * imported from CSV, one response day assessed for every enterprise, and one day fetched through the
 * power-company stand-in API. Runs against BENCH_DATABASE_URL when set (the tables are truncated!),
 * else an embedded PostgreSQL in a temporary folder.
 *
 *   node --import tsx bench/electricity.ts [enterprises=10000] [days=30]
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  assessDay,
  fetchReadings,
  importEnterprises,
  importReadings,
  startPowerStandIn,
  withUsccCheck,
} from '../src/adapters/power/index.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateUp } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { nextDate } from '../src/domain/calendar.js';
import { defaultPlan } from '../src/domain/plans/chaoyang-2024.js';
import { freePort } from '../src/tools/temporal-dev-server.js';

const ENTERPRISES = Number(process.argv[2] ?? 10_000);
const DAYS = Number(process.argv[3] ?? 30);
const RESPONSE_DAY = '2026-12-15';
const EPISODE_START = Date.parse(`${RESPONSE_DAY}T08:00:00+08:00`);

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

function generate() {
  const rand = rng(42);
  const counties = defaultPlan.jurisdictions.filter((j) => j.kind === 'county');
  const grades = ['A', 'B', 'B-', 'C', 'C', 'D', '非引领性'];
  const exemptions = ['无', '无', '无', '无', '无', '无', '无', '无', '供暖', '民生保障'];
  const list = [
    '企业编号,企业名称,统一社会信用代码,所在县区,行业,绩效分级,重点企业,豁免类型,电表编号,黄色预警减排措施,橙色预警减排措施,红色预警减排措施',
  ];
  const meters: Array<{ id: string; base: number; cut: number; missing: boolean }> = [];
  for (let i = 1; i <= ENTERPRISES; i++) {
    const id = `BE${String(i).padStart(6, '0')}`;
    const n = rand() < 0.1 ? 2 : 1;
    const ids = Array.from({ length: n }, (_, k) => `${id}-${k + 1}`);
    const base = 500 + Math.floor(rand() * 20_000);
    const cut = rand() * 0.4; // achieved cut on the response day: 0–40 %
    const missing = rand() < 0.02;
    for (const m of ids) meters.push({ id: m, base: base / n, cut, missing });
    const county = counties[i % counties.length]!;
    list.push(
      [
        id,
        `朝阳市第${i}号企业有限公司`,
        withUsccCheck(`91211300MB${String(i).padStart(7, '0')}`),
        county.name,
        '建材',
        grades[Math.floor(rand() * grades.length)],
        rand() < 0.3 ? '是' : '否',
        exemptions[Math.floor(rand() * exemptions.length)],
        ids.join(';'),
        '"限产10%，停止物料露天装卸"',
        '限产20%',
        '停产',
      ].join(','),
    );
  }
  const readings = ['电表编号,日期,用电量'];
  const first = nextDate(RESPONSE_DAY, -(DAYS - 1));
  for (let d = first; d <= RESPONSE_DAY; d = nextDate(d, 1)) {
    const responseDay = d === RESPONSE_DAY;
    for (const m of meters) {
      if (responseDay && m.missing) continue;
      const noise = 0.9 + rand() * 0.2;
      readings.push(`${m.id},${d},${(m.base * noise * (responseDay ? 1 - m.cut : 1)).toFixed(1)}`);
    }
  }
  return {
    list: Buffer.from(`${list.join('\n')}\n`),
    readings: Buffer.from(`${readings.join('\n')}\n`),
    meterCount: meters.length,
    readingCount: readings.length - 1,
  };
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
    await pool.query(
      'TRUNCATE electricity_verdicts, electricity_assessments, enterprise_meters, enterprises, meter_readings',
    );
    const data = await timed(`generate CSV files`, async () => generate(), rows);

    const list = await timed(
      `import list: ${ENTERPRISES} enterprises, ${data.meterCount} meters (CSV, ${(data.list.length / 1e6).toFixed(1)} MB)`,
      () => importEnterprises(pool, { fileName: 'bench-list.csv', content: data.list, format: 'csv' }),
      rows,
    );
    if (list.errors.length) throw new Error(`list import failed: ${JSON.stringify(list.errors.slice(0, 3))}`);

    const readings = await timed(
      `import readings: ${data.readingCount} rows, ${DAYS} days (CSV, ${(data.readings.length / 1e6).toFixed(1)} MB)`,
      () => importReadings(pool, { content: data.readings, format: 'csv' }),
      rows,
    );
    if (readings.errors.length)
      throw new Error(`readings import failed: ${JSON.stringify(readings.errors.slice(0, 3))}`);

    const input = {
      episodeId: 'episode:bench:1',
      episodeStart: EPISODE_START,
      day: RESPONSE_DAY,
      level: 'orange' as const,
    };
    const result = await timed(
      `assess ${RESPONSE_DAY} for all ${ENTERPRISES} enterprises`,
      () => assessDay(pool, defaultPlan, input),
      rows,
    );
    await timed(
      'assess the same day again (idempotent recompute)',
      () => assessDay(pool, defaultPlan, input),
      rows,
    );
    await timed(
      're-import the same readings (upsert, unchanged)',
      () => importReadings(pool, { content: data.readings, format: 'csv' }),
      rows,
    );

    const standIn = await startPowerStandIn({ pool, port: 0, token: 'bench' });
    try {
      const fetched = await timed(
        `fetch ${RESPONSE_DAY} via the stand-in API (pageSize 1000)`,
        () =>
          fetchReadings(
            pool,
            { baseUrl: standIn.url, token: 'bench', timeoutMs: 10_000, maxAttempts: 3, pageSize: 1000 },
            { date: RESPONSE_DAY },
          ),
        rows,
      );
      rows.push(['  readings fetched / pages', `${fetched.fetched} / ${fetched.pages}`]);
    } finally {
      await standIn.close();
    }

    const width = Math.max(...rows.map((r) => r[0].length));
    console.log(`electricity benchmark — node ${process.version}, ${os.cpus().length} CPUs`);
    for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
    console.log(
      `verdicts: ${JSON.stringify(result.counts)}; non-compliant listed ${result.nonCompliant.length} (cap), no-data listed ${result.noData.length}`,
    );
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
