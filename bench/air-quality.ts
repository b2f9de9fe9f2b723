/**
 * Benchmark of observed air quality and of the effect assessment (#14): a month of hourly data for 100
 * stations (72,000 rows) imported as CSV through the HTTP API (a real port, multipart, bearer token),
 * then the same file again (unchanged) and a corrected one; a year of hours filled in; the daily AQI
 * of every station and of the city for a year; and the assessment of a 30-day episode over 10,000
 * enterprises (GET /episodes/:id/assessment). Each figure is printed beside a baseline measured in the
 * same run on the same data: the bare multi-row upsert of the rows (no parsing, no HTTP), the bare
 * SELECT of the hours, the bare aggregate of the verdicts. Prints figures; asserts nothing. Runs
 * against BENCH_DATABASE_URL when set (the air-quality and electricity tables are truncated!), else
 * an embedded PostgreSQL.
 *
 *   node --import tsx bench/air-quality.ts [stations=100] [days=30] [enterprises=10000]
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import {
  type HourlyRow,
  importStations,
  jurisdictionDailyAqi,
  upsertHourly,
} from '../src/adapters/air-quality/index.js';
import { buildApp } from '../src/api/app.js';
import { createPrincipal, issueToken } from '../src/api/principal-store.js';
import { foldEpisode } from '../src/domain/episode-state.js';
import type { EpisodeEvent } from '../src/domain/events.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateUp } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { defaultPlan } from '../src/domain/plans/chaoyang-2024.js';
import { cstDayStart } from '../src/domain/observed-aqi.js';
import { freePort } from '../src/tools/temporal-dev-server.js';

const STATIONS = Number(process.argv[2] ?? 100);
const DAYS = Number(process.argv[3] ?? 30);
const ENTERPRISES = Number(process.argv[4] ?? 10_000);
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

type Row = [label: string, seconds: number, baseline?: string];

async function timed<T>(label: string, fn: () => Promise<T>, rows: Row[], baseline?: string): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  rows.push([label, (performance.now() - t0) / 1000, ...(baseline ? [baseline] : [])] as Row);
  return result;
}
const secondsOf = (rows: Row[], label: string) => rows.find((r) => r[0] === label)?.[1] ?? Number.NaN;

/** A 30-day episode (yellow, raised to orange, lifted) over the enterprises, as the projection holds it. */
async function seedEpisode(pool: import('pg').Pool, first: string): Promise<string> {
  const id = `episode:chaoyang:${first}:1`;
  const day = (k: number) =>
    new Date(cstDayStart(first) + k * 24 * HOUR + 8 * HOUR).toISOString().slice(0, 10);
  const at = (k: number, hh: number) => `${day(k)}T${String(hh).padStart(2, '0')}:00:00+08:00`;
  const events: EpisodeEvent[] = [
    {
      type: 'episode.started',
      at: at(-1, 15),
      actor: 'system',
      episodeId: id,
      jurisdiction: 'chaoyang',
      planId: defaultPlan.id,
      planVersion: defaultPlan.version,
      exercise: false,
      initiator: 'office',
      origin: 'consultation',
    },
  ];
  for (let k = -1; k < 30; k += 3) {
    events.push({
      type: 'consultation.recorded',
      at: at(Math.max(k, -1), 9),
      actor: 'system',
      consultationId: `c${k}`,
      days: [0, 1, 2].map((j) => ({ date: day(k + 1 + j), aqi: 160 + ((k + j) % 5) * 20 })),
      classification: { level: 'yellow', response: 'III', reasons: [] },
    });
  }
  events.push(
    {
      type: 'warning.issued',
      at: at(0, 8),
      actor: 'system',
      warningId: 'w',
      level: 'yellow',
      response: 'III',
      firstDay: day(0),
    },
    {
      type: 'warning.changed',
      at: at(10, 8),
      actor: 'system',
      level: 'orange',
      response: 'II',
      previousLevel: 'yellow',
    },
    { type: 'warning.lifted', at: at(29, 12), actor: 'system', level: 'orange', response: 'II' },
  );
  for (let k = 1; k <= 30; k++)
    for (const u of ['branch.shuangta', 'branch.beipiao', 'enforcement'])
      events.push({
        type: 'duty.assigned',
        at: at(k - 1, 8),
        actor: 'system',
        dutyId: '3.1',
        unitId: u,
        responseDay: k,
        dueAt: at(k - 1, 17),
      });
  const state = foldEpisode(events);
  await pool.query(
    `INSERT INTO episodes (id, jurisdiction, phase, level, exercise, plan_id, plan_version, started_at, state, event_count)
     VALUES ($1, 'chaoyang', 'lifting', 'none', false, $2, $3, $4, '{}', $5)`,
    [id, defaultPlan.id, defaultPlan.version, events[0]!.at, events.length],
  );
  await pool.query(
    `INSERT INTO episode_events (episode_id, seq, type, at, actor, payload)
     SELECT $1, n, t, a::timestamptz, '"system"', p FROM unnest($2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS x(t, a, p, n)`,
    [
      id,
      events.map((e) => e.type),
      events.map((e) => e.at),
      events.map(({ type, at, actor, ...p }) => JSON.stringify(p)),
    ],
  );
  await pool.query('INSERT INTO episode_projection (episode_id, applied_seq, state) VALUES ($1, $2, $3)', [
    id,
    events.length,
    JSON.stringify(state),
  ]);
  // the reduction list and one verdict per enterprise and day (≈ 8 % without data, A grade exempt)
  await pool.query(
    `INSERT INTO enterprises (id, name, uscc, county, industry, grade, grade_label)
     SELECT 'b' || n, '企业' || n, 'U' || lpad(n::text, 17, '0'), (ARRAY['shuangta','longcheng','beipiao','lingyuan','chaoyangxian','jianping','kazuo'])[1 + n % 7],
            (ARRAY['水泥','钢铁','焦化','化工','砖瓦','铸造'])[1 + n % 6], (ARRAY['A','B','C','D','unrated'])[1 + n % 5], 'x'
     FROM generate_series(1, $1) AS n`,
    [ENTERPRISES],
  );
  await pool.query(
    `INSERT INTO electricity_assessments (episode_id, day, level, counts, summary)
     SELECT $1, $2::date + k, CASE WHEN k < 10 THEN 'yellow' ELSE 'orange' END, '{}', '{}' FROM generate_series(0, 29) AS k`,
    [id, day(0)],
  );
  await pool.query(
    `INSERT INTO electricity_verdicts (episode_id, day, enterprise_id, verdict, reason, baseline, consumption, cut, required, days_used)
     SELECT $1, $2::date + k, 'b' || n,
            CASE WHEN n % 5 = 0 THEN 'exempt' WHEN (n * 31 + k) % 13 = 0 THEN 'insufficient-data'
                 WHEN (n + k) % 4 = 0 THEN 'non-compliant' ELSE 'compliant' END,
            'x', 100, 80,
            CASE WHEN n % 5 = 0 OR (n * 31 + k) % 13 = 0 THEN NULL WHEN (n + k) % 4 = 0 THEN 0.05 ELSE 0.2 + (n % 10) / 100.0 END,
            CASE WHEN n % 5 = 0 THEN NULL WHEN k < 10 THEN 0.1 ELSE 0.2 END, 30
     FROM generate_series(0, 29) AS k, generate_series(1, $3) AS n`,
    [id, day(0), ENTERPRISES],
  );
  await pool.query('ANALYZE electricity_verdicts');
  return id;
}

async function main() {
  const rows: Row[] = [];
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
  // the API on a real port; the air-quality and assessment routes never call Temporal (a lazy client)
  const app = await buildApp({
    temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    pool,
    taskQueue: 'bench-air-quality',
    logger: false,
    rateLimit: { max: 100_000, timeWindowMs: 60_000 },
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    await pool.query(
      `TRUNCATE aq_hourly, aq_stations, electricity_verdicts, electricity_assessments, enterprise_meters, enterprises CASCADE`,
    );
    await pool.query("DELETE FROM episode_projection WHERE episode_id LIKE 'episode:chaoyang:2026-%'");
    await pool.query("DELETE FROM episode_events WHERE episode_id LIKE 'episode:chaoyang:2026-%'");
    await pool.query("DELETE FROM episodes WHERE id LIKE 'episode:chaoyang:2026-%'");
    const who = `bench-office-${Date.now().toString(36)}`;
    await createPrincipal(pool, { id: who, role: 'office', unit: 'office' });
    const auth = { authorization: `Bearer ${(await issueToken(pool, who)).token}` };
    const post = async (route: string, name: string, content: Buffer) => {
      const form = new FormData();
      form.append('file', new Blob([content], { type: 'text/csv' }), name);
      const res = await fetch(`${base}${route}`, { method: 'POST', headers: auth, body: form });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${route} → ${res.status} ${body.slice(0, 500)}`);
      return JSON.parse(body) as { imported: number };
    };

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
    const monthRows: HourlyRow[] = [];
    for (let i = 1; i <= STATIONS; i++) {
      for (let h = 0; h < DAYS * 24; h++) {
        const t = first + h * HOUR;
        const v = hourValues(rand, t);
        monthRows.push({ code: code(i), hourStart: t, values: v });
        csv.push(
          `${code(i)},站,${hourLabel(t)},${v.pm25 ?? ''},${v.pm10 ?? ''},${v.so2},${v.no2},${v.co},${v.o3}`,
        );
      }
    }
    const content = Buffer.from(csv.join('\n'));
    const n = csv.length - 1;

    // baseline: the same rows by the same multi-row upsert into an empty copy of the table (no parsing, no HTTP)
    const baseLabel = `baseline: bare upsert of the ${n} rows (no parsing, no HTTP)`;
    await timed(
      baseLabel,
      async () => {
        const c = await pool.connect();
        try {
          await c.query('CREATE TEMP TABLE IF NOT EXISTS aq_hourly (LIKE public.aq_hourly INCLUDING ALL)');
          await upsertHourly(c, monthRows, 'baseline');
          await c.query('DROP TABLE pg_temp.aq_hourly');
        } finally {
          c.release();
        }
      },
      rows,
    );
    const importLabel = `POST /air-quality/hourly/import: ${n} rows (CSV, ${(content.length / 1e6).toFixed(1)} MB)`;
    await timed(importLabel, () => post('/air-quality/hourly/import', 'month.csv', content), rows, baseLabel);
    await timed(
      `the same file again, unchanged`,
      () => post('/air-quality/hourly/import', 'month.csv', content),
      rows,
      baseLabel,
    );
    const corrected = Buffer.from(
      csv
        .map((l, i) =>
          i > 0 && i % 10 === 0 ? l.replace(/,(\d+(\.\d+)?)$/, (_, o3) => `,${Number(o3) + 1}`) : l,
        )
        .join('\n'),
    );
    await timed(
      `the file with every 10th row corrected`,
      () => post('/air-quality/hourly/import', 'month.csv', corrected),
      rows,
      baseLabel,
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
    await pool.query('ANALYZE aq_hourly');

    const selectLabel = `baseline: bare SELECT of the year's ${STATIONS * yearHours} hours`;
    await timed(
      selectLabel,
      async () => {
        await pool.query(
          `SELECT station_code, (extract(epoch FROM hour_start) * 1000)::bigint::text AS ms, pm25, pm10, so2, no2, co, o3
         FROM aq_hourly WHERE hour_start >= to_timestamp($1 / 1000.0) AND hour_start < to_timestamp($2 / 1000.0)`,
          [first, cstDayStart(`${YEAR + 1}-01-01`)],
        );
      },
      rows,
    );
    const city = await timed(
      `daily AQI, 365 days: the city (${STATIONS / 5} national stations) and every county (all ${STATIONS} stations)`,
      async () => {
        const c = await jurisdictionDailyAqi(
          pool,
          defaultPlan,
          defaultPlan.jurisdiction,
          `${YEAR}-01-01`,
          `${YEAR}-12-31`,
        );
        for (const county of counties)
          await jurisdictionDailyAqi(pool, defaultPlan, county.id, `${YEAR}-01-01`, `${YEAR}-12-31`);
        return c;
      },
      rows,
      selectLabel,
    );

    const episodeId = await timed(
      `seed a 30-day episode over ${ENTERPRISES} enterprises (${ENTERPRISES * 30} verdicts, SQL)`,
      () => seedEpisode(pool, `${YEAR}-02-01`),
      rows,
    );
    const aggLabel = `baseline: bare aggregate of the episode's ${ENTERPRISES * 30} verdicts`;
    await timed(
      aggLabel,
      () =>
        pool.query(
          'SELECT verdict, count(*), sum(cut) FROM electricity_verdicts WHERE episode_id = $1 GROUP BY verdict',
          [episodeId],
        ),
      rows,
    );
    const assessed = await timed(
      `GET /episodes/:id/assessment (30 days, ${ENTERPRISES} enterprises)`,
      async () => {
        const res = await fetch(`${base}/episodes/${encodeURIComponent(episodeId)}/assessment`, {
          headers: auth,
        });
        if (res.status !== 200) throw new Error(`assessment → ${res.status} ${await res.text()}`);
        return (await res.json()) as {
          days: unknown[];
          emission: { overall: { enterprises: number } };
          statement: string[];
        };
      },
      rows,
      aggLabel,
    );

    const width = Math.max(...rows.map((r) => r[0].length));
    console.log(`air-quality benchmark — node ${process.version}, ${os.cpus().length} CPUs`);
    for (const [label, sec, baseline] of rows) {
      const ratio = baseline ? `  (× ${(sec / secondsOf(rows, baseline)).toFixed(1)} the baseline)` : '';
      console.log(`${label.padEnd(width)}  ${sec.toFixed(2)} s${ratio}`);
    }
    const byCategory = new Map<string, number>();
    for (const d of city) {
      const k = d.value.category ?? '无AQI';
      byCategory.set(k, (byCategory.get(k) ?? 0) + 1);
    }
    console.log(`city days by category: ${JSON.stringify(Object.fromEntries(byCategory))}`);
    console.log(
      `assessment: ${assessed.days.length} days, ${assessed.emission.overall.enterprises} enterprises; ${assessed.statement[3] ?? ''}`,
    );
  } finally {
    await app.close();
    await pool.end();
    if (stopDb) await stopDb();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
