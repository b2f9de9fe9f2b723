/**
 * The benchmark: one command, one table (never timed tests).
 *
 *   npm run bench [-- --episodes 112 --days 3 --day-ms 90000 --read-rate 20 --replays 1000
 *                    --no-electricity --resilience]
 *
 * Starts its own servers in a temporary folder (embedded PostgreSQL + migrations, an in-memory
 * Temporal dev server on free ports), the product's worker and API as child processes (so their CPU
 * and RSS are measured alone from /proc), then:
 *  1. the province-scale event (bench/province.ts) through the HTTP API, with reads at a fixed rate;
 *  2. the baseline (bench/baseline-workflow.ts) with the activity / timer / update counts of one
 *     episode-day as recorded in step 1, on the same dev server — every figure gets a ratio to it;
 *  3. the electricity assessment (bench/electricity.ts, run as it is);
 *  4. replay of the golden histories and of 1,000 recorded episode histories;
 *  5. with --resilience, the fault scenarios of bench/resilience.ts.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { projectRoot } from '../src/config.js';
import { createPool } from '../src/db/pool.js';
import { installRuntime } from '../worker.js';
import { runBaseline } from './baseline.js';
import {
  fmt,
  onInterrupt,
  percentile,
  ratio,
  seedUsers,
  startApiChild,
  startPostgres,
  startTemporal,
  startWorkerChild,
  table,
  tempDir,
} from './lib.js';
import { pct, runProvince } from './province.js';
import { runReplay } from './replay.js';

const { values: args } = parseArgs({
  options: {
    episodes: { type: 'string', default: '112' },
    days: { type: 'string', default: '3' },
    'day-ms': { type: 'string', default: '90000' },
    'read-rate': { type: 'string', default: '20' },
    replays: { type: 'string', default: '1000' },
    'no-electricity': { type: 'boolean', default: false },
    resilience: { type: 'boolean', default: false },
    'resilience-only': { type: 'boolean', default: false },
    /** comma-separated subset of the resilience scenarios: kill,restart */
    scenarios: { type: 'string' },
  },
});
const EPISODES = Number(args.episodes);
const DAYS = Number(args.days);
const DAY_MS = Number(args['day-ms']);
const READ_RATE = Number(args['read-rate']);
const REPLAYS = Number(args.replays);

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const log = (line: string) => process.stderr.write(`[bench ${elapsed()}] ${line}\n`);

function runElectricity(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/electricity.ts'], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const forget = onInterrupt(async () => child.kill('SIGTERM'));
    child.once('exit', forget);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`electricity bench failed:\n${out}`)),
    );
  });
}

async function machine(): Promise<string> {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

async function main() {
  const out: string[] = [];
  const say = (s = '') => out.push(s);
  say(`# smog-response benchmark — ${new Date().toISOString()}`);
  say(`machine: ${await machine()}`);
  say(`command: npm run bench -- ${process.argv.slice(2).join(' ') || '(defaults)'}`);

  if (!args['resilience-only']) {
    const tmp = await tempDir('smog-bench-');
    log(`servers in ${tmp.dir}`);
    const db = await startPostgres(tmp.dir);
    const temporal = await startTemporal();
    installRuntime();
    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    const pool = createPool(db.url, 8);
    const taskQueue = 'bench-episodes';
    const worker = await startWorkerChild({
      temporalAddress: temporal.address,
      databaseUrl: db.url,
      taskQueue,
    });
    const api = await startApiChild({ temporalAddress: temporal.address, databaseUrl: db.url, taskQueue });
    log(`worker pid ${worker.pid}, API ${api.url} (pid ${api.pid}), Temporal ${temporal.address}`);
    try {
      const { principals, photos } = await seedUsers(pool, api.url);

      log(`province event: ${EPISODES} episodes × ${DAYS} days of ${DAY_MS / 1000} s`);
      const p = await runProvince({
        api: api.url,
        client,
        pool,
        principals,
        photos,
        episodes: EPISODES,
        days: DAYS,
        dayMs: DAY_MS,
        readRate: READ_RATE,
        workerPid: worker.pid,
        apiPid: api.pid,
        temporalPid: temporal.process.pid as number,
        log,
      });
      const episodeDays = EPISODES * DAYS;
      const perDay = {
        activities: Math.round(p.counts.activities / episodeDays),
        timers: Math.round(p.counts.timers / episodeDays),
        updates: Math.round(p.counts.updates / episodeDays),
      };
      log(`baseline with ${JSON.stringify(perDay)} per workflow`);
      const b = await runBaseline({
        client,
        temporalAddress: temporal.address,
        temporalPid: temporal.process.pid as number,
        workflows: EPISODES,
        // the timers span one compressed day, so the baseline's updates and queries meet the same load
        // shape as ours (an episode-day's work spread over DAY_MS), not a burst
        input: { ...perDay, timerMs: Math.round(DAY_MS / Math.max(1, perDay.timers)) },
        queryRate: READ_RATE,
        log,
      });

      const rep = pct(p.reportLatencies);
      const upd = pct(b.updateLatencies);
      const rd = pct(p.readLatencies);
      const q = pct(b.queryLatencies);
      const ourCpu = p.worker.cpuMs / episodeDays;
      const baseCpu = b.worker.cpuMs / b.workflows;
      const ourSrvCpu = p.temporal.cpuMs / episodeDays;
      const baseSrvCpu = b.temporal.cpuMs / b.workflows;
      const ourEvents = p.counts.events / episodeDays;
      const baseEvents = b.historyEvents.reduce((a, c) => a + c, 0) / Math.max(1, b.historyEvents.length);
      const epm = (p.closed / p.wallMs) * 60_000;
      const bpm = (b.workflows / b.wallMs) * 60_000;
      const d = p.deadlines;
      say();
      say(
        `## Province-scale event: ${EPISODES} exercise episodes (14 cities × 8 areas: 1 city-wide episode with 8 reporting units + 7 county episodes with 2 each, as the plan gives), ${DAYS} response days of ${DAY_MS / 1000} s`,
      );
      say(
        `baseline: ${b.workflows} bare workflows, each with one episode-day's ${perDay.activities} activities, ${perDay.timers} timers (${b.input.timerMs} ms), ${perDay.updates} updates`,
      );
      say();
      say(
        table(
          ['figure', 'smog-response', 'baseline', 'ratio'],
          [
            ['episodes closed', `${p.closed}/${EPISODES}`, `${b.workflows}/${b.workflows}`, ''],
            [
              'episodes per minute (bounded by the compressed calendar)',
              fmt(epm, 1),
              fmt(bpm, 1),
              ratio(epm, bpm),
            ],
            [
              'report submissions (HTTP → update)',
              String(p.reportLatencies.length),
              String(b.updateLatencies.length),
              '',
            ],
            ['report latency p50 ms', fmt(rep.p50), fmt(upd.p50), ratio(rep.p50, upd.p50)],
            ['report latency p95 ms', fmt(rep.p95), fmt(upd.p95), ratio(rep.p95, upd.p95)],
            ['report latency p99 ms', fmt(rep.p99), fmt(upd.p99), ratio(rep.p99, upd.p99)],
            [
              `reads at ${READ_RATE}/s: GET /episodes/:id (baseline: query)`,
              `${p.readLatencies.length} ok, ${p.readErrors} errors`,
              String(b.queryLatencies.length),
              '',
            ],
            ['read latency p50 ms', fmt(rd.p50), fmt(q.p50), ratio(rd.p50, q.p50)],
            ['read latency p95 ms', fmt(rd.p95), fmt(q.p95), ratio(rd.p95, q.p95)],
            ['read latency p99 ms', fmt(rd.p99), fmt(q.p99), ratio(rd.p99, q.p99)],
            ['worker CPU s (whole phase)', fmt(p.worker.cpuMs / 1000), fmt(b.worker.cpuMs / 1000), ''],
            ['worker CPU ms per episode-day', fmt(ourCpu), fmt(baseCpu), ratio(ourCpu, baseCpu)],
            [
              'worker max RSS MiB',
              fmt(p.worker.maxRssMiB, 0),
              fmt(b.worker.maxRssMiB, 0),
              ratio(p.worker.maxRssMiB, b.worker.maxRssMiB),
            ],
            [
              'Temporal server CPU ms per episode-day',
              fmt(ourSrvCpu),
              fmt(baseSrvCpu),
              ratio(ourSrvCpu, baseSrvCpu),
            ],
            [
              'API process CPU s / max RSS MiB',
              `${fmt(p.apiProc.cpuMs / 1000)} / ${fmt(p.apiProc.maxRssMiB, 0)}`,
              '—',
              '',
            ],
            ['history events per episode-day', fmt(ourEvents), fmt(baseEvents), ratio(ourEvents, baseEvents)],
            [
              'history events per episode-day p50 / max',
              `${fmt(percentile(p.historyEvents, 50))} / ${fmt(Math.max(...p.historyEvents))}`,
              '',
              '',
            ],
            ['continue-as-new runs', String(p.continuedAsNew), '0', ''],
            ['reports expected / stored in PostgreSQL', `${p.reportsExpected} / ${p.reportsStored}`, '', ''],
            [
              'report retries (503/not-yet-open) / failures',
              `${p.reportRetries} / ${p.reportFailures.length}`,
              '',
              '',
            ],
            [
              'office daily reports expected / produced',
              `${d.officeReports.expected} / ${d.officeReports.produced}`,
              '',
              '',
            ],
            ['escalation steps taken (1 late unit per episode on day 2)', String(d.escalationSteps), '', ''],
            ['scheduled actions checked', String(d.checked), '', ''],
            [
              `deadlines missed (skipped + later than ${fmt(DAY_MS / 24 / 1000, 2)} s = 1 compressed hour + early)`,
              String(d.skipped.length + d.late.length + d.early.length),
              '',
              '',
            ],
            [
              'deadline lag p50 / p99 / max ms',
              `${fmt(percentile(d.lagsMs, 50), 0)} / ${fmt(percentile(d.lagsMs, 99), 0)} / ${fmt(Math.max(...d.lagsMs), 0)}`,
              '',
              '',
            ],
          ],
        ),
      );
      for (const line of [...d.skipped, ...d.late, ...d.early].slice(0, 10)) say(`  missed: ${line}`);
      for (const line of p.reportFailures.slice(0, 5)) say(`  report failure: ${line}`);
      for (const line of p.liftFailures.slice(0, 5)) say(`  lift/summary failure: ${line}`);

      log(`replay: golden + ${REPLAYS} recorded`);
      const r = await runReplay({ client, episodeIds: p.episodeIds, target: REPLAYS });
      say();
      say('## Replay (Worker.runReplayHistories, current workflow code)');
      say();
      say(
        table(
          ['histories', 'count', 'failures', 'total s', 'ms per history'],
          [
            [
              'golden (test/histories)',
              String(r.golden.count),
              String(r.golden.failures.length),
              fmt(r.golden.ms / 1000, 2),
              fmt(r.golden.ms / r.golden.count),
            ],
            [
              `recorded: ${r.recorded.distinct} province episodes, each replayed ${fmt(r.recorded.count / r.recorded.distinct, 1)}× on average (${fmt(r.recorded.events / r.recorded.count, 0)} events each)`,
              String(r.recorded.count),
              String(r.recorded.failures.length),
              fmt(r.recorded.ms / 1000, 2),
              fmt(r.recorded.ms / r.recorded.count),
            ],
          ],
        ),
      );
      for (const f of [...r.golden.failures, ...r.recorded.failures].slice(0, 5))
        say(`  replay failure: ${f}`);
    } finally {
      await api.stop();
      await worker.stop();
      await connection.close();
      await pool.end();
      await temporal.stop();
      await db.stop();
      await tmp.remove();
    }

    if (!args['no-electricity']) {
      log('electricity benchmark (bench/electricity.ts)');
      const e = await runElectricity();
      say();
      say('## Electricity assessment (bench/electricity.ts: 10,000 enterprises × 30 baseline days)');
      say();
      say('```');
      say(e);
      say('```');
    }
  }

  if (args.resilience || args['resilience-only']) {
    log('resilience scenarios (bench/resilience.ts)');
    const { runResilience } = await import('./resilience.js');
    const lines = await runResilience(
      log,
      args.scenarios?.split(',').map((s) => s.trim()),
    );
    say();
    say('## Resilience scenarios (bench/resilience.ts)');
    say();
    for (const l of lines) say(l);
  }
  say();
  say(`bench finished in ${elapsed()}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
