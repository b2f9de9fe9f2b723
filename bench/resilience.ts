/**
 * Resilience scenarios run by the bench command (`npm run bench -- --resilience-only`, or after the
 * benchmark with `--resilience`): each starts its own servers, drives exercise episodes through the
 * HTTP API exactly like the province benchmark (bench/province.ts), injects its faults and prints one
 * line per check: PASS/FAIL and what it checked.
 *
 * A. kill -9 of the worker at random moments (restarted at once) while the episodes run.
 * B. the Temporal dev server (persistent SQLite file) and then PostgreSQL stopped and started again
 *    on the same port/data during the run; the API answers 503 (not 500) while one is down and
 *    recovers without a restart of its own.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { deliveryKey } from '../src/adapters/notification/notifier.js';
import { createPool } from '../src/db/pool.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { startDevServer } from '../src/tools/temporal-dev-server.js';
import { installRuntime } from '../worker.js';
import {
  type Child,
  goodReport,
  http as request,
  interruptible,
  seedUsers,
  sleep,
  startApiChild,
  startPostgres,
  startTemporal,
  startWorkerChild,
  tempDir,
} from './lib.js';
import { type ProvinceResult, runProvince } from './province.js';

type Line = string;
const check = (ok: boolean, what: string, detail = ''): Line =>
  `- ${ok ? 'PASS' : 'FAIL'} — ${what}${detail ? ` (${detail})` : ''}`;

function episodeChecks(p: ProvinceResult, out: Line[]) {
  out.push(
    check(
      p.closed === p.episodeIds.length,
      'every episode completed (closed)',
      `${p.closed}/${p.episodeIds.length}`,
    ),
  );
  out.push(
    check(
      p.reportsStored === p.reportsExpected && p.reportFailures.length === 0,
      'no report lost: every report accepted and stored in PostgreSQL',
      `${p.reportsStored}/${p.reportsExpected} stored, ${p.reportRetries} retried submissions`,
    ),
  );
  out.push(
    check(
      p.deadlines.skipped.length === 0 && p.deadlines.early.length === 0,
      'no deadline skipped: every escalation step due before the report and every office daily report happened, none early',
      `${p.deadlines.checked} scheduled actions, ${p.deadlines.officeReports.produced}/${p.deadlines.officeReports.expected} office reports, ${p.deadlines.late.length} late while a component was down, max lag ${Math.max(...p.deadlines.lagsMs)} ms${p.deadlines.skipped.length ? `; skipped: ${p.deadlines.skipped.slice(0, 3).join('; ')}` : ''}${p.deadlines.early.length ? `; early: ${p.deadlines.early.slice(0, 3).join('; ')}` : ''}`,
    ),
  );
}

/**
 * A webhook receiver that behaves as the webhook contract asks of one: it applies a delivery once per
 * `Idempotency-Key` and answers a repeat with the same 200. It counts every request per key (a resend
 * after a crash between the receiver's answer and the delivery-log update shows up as a repeat) and
 * the requests that came without the key or with a key different from the body's delivery key.
 */
async function receiver() {
  const received = new Map<string, number>();
  let unkeyed = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const key = (JSON.parse(body || '{}') as { deliveryKey?: string }).deliveryKey ?? '';
      const header = req.headers['idempotency-key'];
      if (!key || header !== key) unkeyed += 1;
      received.set(key, (received.get(key) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    unkeyed: () => unkeyed,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function killScenario(log: (l: string) => void): Promise<Line[]> {
  const out: Line[] = ['### A. kill -9 of the worker at random moments'];
  const tmp = await tempDir('smog-res-kill-');
  const db = await startPostgres(tmp.dir);
  const temporal = await startTemporal();
  installRuntime();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const pool = createPool(db.url, 4);
  const hook = await receiver();
  const routesFile = path.join(tmp.dir, 'routes.json');
  await writeFile(routesFile, JSON.stringify({ default: [{ channel: 'webhook', url: hook.url }] }));
  const taskQueue = 'resilience-kill';
  const wenv = { temporalAddress: temporal.address, databaseUrl: db.url, taskQueue, routesFile };
  let worker: Child = await startWorkerChild(wenv);
  const api = await startApiChild({ temporalAddress: temporal.address, databaseUrl: db.url, taskQueue });
  let kills = 0;
  let running = true;
  try {
    const { principals, photos } = await seedUsers(pool, api.url);
    const killer = (async () => {
      await sleep(6_000);
      while (running && kills < 4) {
        await sleep(5_000 + Math.random() * 15_000);
        if (!running) break;
        await worker.kill9();
        kills += 1;
        log(`  kill -9 #${kills} of the worker; restarting`);
        worker = await startWorkerChild(wenv);
      }
    })();
    const p = await runProvince({
      api: api.url,
      client,
      pool,
      principals,
      photos,
      episodes: 8,
      days: 2,
      dayMs: 40_000,
      readRate: 5,
      workerPid: worker.pid,
      apiPid: api.pid,
      temporalPid: temporal.process.pid as number,
      log,
    });
    running = false;
    await killer;
    out.push(
      `${kills} kills of the worker (SIGKILL, restarted at once; start-up ≈ 10 s of downtime each), 8 episodes (1 city-wide + 7 county), 2 days of 40 s`,
    );
    episodeChecks(p, out);
    const { rows: log_ } = await pool.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM notification_deliveries WHERE episode_id = ANY($1::text[]) GROUP BY 1`,
      [p.episodeIds],
    );
    const sent = log_.find((r) => r.status === 'sent')?.n ?? 0;
    const notSent = log_.filter((r) => r.status !== 'sent').reduce((n, r) => n + r.n, 0);
    const resent = [...hook.received.values()].filter((n) => n > 1).length;
    const { rows: sentRows } = await pool.query<{ idempotency_key: string; channel: string; target: string }>(
      `SELECT idempotency_key, channel, target FROM notification_deliveries WHERE episode_id = ANY($1::text[]) AND status = 'sent'`,
      [p.episodeIds],
    );
    const lost = sentRows.filter(
      (r) => !hook.received.has(deliveryKey(r.idempotency_key, r.channel, r.target)),
    ).length;
    out.push(
      check(
        notSent === 0 && lost === 0 && hook.unkeyed() === 0 && hook.received.size === sent,
        'no notification lost or applied twice: every message logged as sent reached the receiver once per delivery key, each request carrying its Idempotency-Key (the receiver applies a key once)',
        `${sent} deliveries logged as sent, ${hook.received.size} distinct keys received, ${lost} sent but never received, ${notSent} rows not sent, ${hook.unkeyed()} requests without the key; ${resent} keys resent after a kill between the receiver's answer and the log update (transport at-least-once, recognised by the key)`,
      ),
    );
  } finally {
    running = false;
    await api.stop();
    await worker.stop();
    await connection.close();
    await pool.end();
    await hook.close();
    await temporal.stop();
    await db.stop();
    await tmp.remove();
  }
  return out;
}

async function restartScenario(log: (l: string) => void): Promise<Line[]> {
  const out: Line[] = ['### B. Temporal dev server and PostgreSQL stopped and restarted during the run'];
  const tmp = await tempDir('smog-res-restart-');
  let db = await startPostgres(tmp.dir);
  const dbFilename = path.join(tmp.dir, 'temporal.sqlite');
  let temporal = await startTemporal({ dbFilename });
  const temporalPort = Number(temporal.address.split(':')[1]);
  installRuntime();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const pool = createPool(db.url, 4);
  pool.on('error', () => {}); // idle clients die with the server
  const taskQueue = 'resilience-restart';
  const worker = await startWorkerChild({
    temporalAddress: temporal.address,
    databaseUrl: db.url,
    taskQueue,
  });
  const api = await startApiChild({ temporalAddress: temporal.address, databaseUrl: db.url, taskQueue });
  try {
    const { principals, photos } = await seedUsers(pool, api.url);
    const probes: Line[] = [];
    const probe = async (label: string, episodeId: string) => {
      const enc = encodeURIComponent(episodeId);
      const read = await request(api.url, principals.office.token, 'GET', `/episodes/${enc}`).catch(
        () => null,
      );
      const write = await request(
        api.url,
        principals.units.enforcement?.token as string,
        'POST',
        `/episodes/${enc}/reports`,
        // a valid report (the form and its photo pass), so only the dependency being down can refuse it
        { responseDay: 1, reportId: 'probe-while-down', fields: goodReport(photos.enforcement as string) },
      ).catch(() => null);
      const ready = await request(api.url, null, 'GET', '/readyz').catch(() => null);
      const statuses = [read?.status, write?.status, ready?.status];
      probes.push(
        check(
          statuses.every((s) => s === 503),
          `${label} is down: the API answers 503, not 500 (GET /episodes/:id, POST …/reports, GET /readyz)`,
          `got ${statuses.join(', ')}`,
        ),
      );
    };
    const recovered = async (label: string, episodeId: string, since: number) => {
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        const r = await request(
          api.url,
          principals.office.token,
          'GET',
          `/episodes/${encodeURIComponent(episodeId)}`,
        ).catch(() => null);
        if (r?.status === 200) {
          probes.push(
            check(
              true,
              `${label} back: the same API process answers 200 again`,
              `${((Date.now() - since) / 1000).toFixed(1)} s after the restart`,
            ),
          );
          return;
        }
        await sleep(500);
      }
      probes.push(check(false, `${label} back: the same API process answers 200 again`, 'not within 90 s'));
    };
    const faults = (async () => {
      await sleep(25_000);
      const { rows } = await pool.query<{ id: string }>('SELECT id FROM episodes ORDER BY id LIMIT 1');
      const episodeId = rows[0]?.id as string;
      log('  stopping the Temporal dev server');
      await temporal.stop();
      await sleep(3_000);
      await probe('Temporal', episodeId);
      await sleep(5_000);
      temporal = interruptible(await startDevServer({ port: temporalPort, dbFilename }));
      log('  Temporal dev server restarted on the same SQLite file');
      await recovered('Temporal', episodeId, Date.now());
      await sleep(10_000);
      log('  stopping PostgreSQL');
      await db.stop();
      await sleep(2_000);
      await probe('PostgreSQL', episodeId);
      await sleep(5_000);
      const again = interruptible(
        await startEmbeddedPostgres({ databaseDir: path.join(tmp.dir, 'pg'), port: db.port }),
      );
      db = { ...again, port: db.port };
      log('  PostgreSQL restarted on the same data and port');
      await recovered('PostgreSQL', episodeId, Date.now());
    })();
    const p = await runProvince({
      api: api.url,
      client,
      pool,
      principals,
      photos,
      episodes: 8,
      days: 2,
      dayMs: 45_000,
      readRate: 5,
      workerPid: worker.pid,
      apiPid: api.pid,
      temporalPid: temporal.process.pid as number,
      log,
    });
    await faults;
    out.push(
      '8 episodes (1 city-wide + 7 county), 2 days of 45 s; Temporal down ≈ 8 s from t≈25 s, PostgreSQL down ≈ 7 s about 15 s later',
    );
    out.push(...probes);
    episodeChecks(p, out);
  } finally {
    await api.stop();
    await worker.stop();
    await connection.close();
    await pool.end().catch(() => {});
    await temporal.stop();
    await db.stop();
    await tmp.remove();
  }
  return out;
}

/** Runs the scenarios (all, or those named in `only`: 'kill', 'restart'); one line per check. */
export async function runResilience(log: (l: string) => void, only?: string[]): Promise<Line[]> {
  const lines: Line[] = [];
  for (const [name, scenario] of [
    ['kill', killScenario],
    ['restart', restartScenario],
  ] as const) {
    if (only && !only.includes(name)) continue;
    log(`scenario ${name}`);
    try {
      lines.push(...(await scenario(log)), '');
    } catch (err) {
      lines.push(check(false, `scenario ${name} ran to the end`, String(err).slice(0, 300)), '');
    }
  }
  return lines;
}
