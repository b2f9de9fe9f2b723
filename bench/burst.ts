/**
 * The 17:00 burst at scale: N real-calendar city episodes (8 reporting units each) whose day-1 report
 * deadline falls at the same instant, nobody reports, and at 17:00 every unit is due its reminder at
 * once (N × 8 reminders, each an activity on the message queue). Prints, per N, the lag from the
 * deadline to the workflow's escalation step (workflow clock) and to the reminder being sent (the
 * delivery log's sent_at, on the same clock), p50 / p99 / max, with the worker's memory and cache
 * settings. Figures only, never asserted.
 *
 * Runs on the time-skipping test server (a real calendar day cannot be waited for): the clock skips to
 * 3 s before 17:00 and is then locked, so from there on it runs at wall-clock speed and every lag is
 * real processing time. The worker runs in this process (its RSS includes the bench's client and pool).
 *
 *   node --import tsx bench/burst.ts [--n 100,300,1000]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createNotifier } from '../src/adapters/notification/notifier.js';
import { createPool } from '../src/db/pool.js';
import { atCst, cstDate, defaultPlan, nextDate, parseIso } from '../src/domain/index.js';
import { installRuntime, workflowsPath } from '../src/temporal/runtime.js';
import { temporalTestServerPath } from '../src/tools/binaries.js';
import {
  EPISODE_WORKFLOW_TYPE,
  type StartEpisodeInput,
  decideUpdate,
  episodeStateQuery,
} from '../src/workflows/definitions.js';
import type { episodeWorkflow } from '../src/workflows/index.js';
import { EPISODE_SEARCH_ATTRIBUTES } from '../src/workflows/search-attributes.js';
import { createWorker } from '../worker.js';
import { fmt, percentile, startPostgres, table, tempDir } from './lib.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '100,300,1000' } } });
const sizes = (values.n ?? '100').split(',').map(Number);

const office = { id: 'office-zhang', role: 'office' as const, unit: 'office' };
const commander = { id: 'commander-li', role: 'commander' as const, unit: 'commander' };

async function main() {
  installRuntime();
  const tmp = await tempDir('smog-burst-');
  const pg = await startPostgres(tmp.dir);
  const pool = createPool(pg.url, 20);
  // every unit's messages go to one local webhook receiver (no send limit: the burst is the point)
  let receivedCount = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      receivedCount += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const sender = {
    id: 'smog-response@chaoyang.example.gov.cn',
    name: '朝阳市重污染天气专项应急指挥部办公室',
    smsSignature: '朝阳生态环境',
    emailFrom: 'smog-response@chaoyang.example.gov.cn',
  };
  const notifier = createNotifier({
    pool,
    sender,
    routes: { default: [{ channel: 'webhook', url: hook }], recipients: {} },
  });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath,
    logger: { ...console, trace() {}, debug() {}, info() {} } as never,
  });
  const results: string[][] = [];
  const curve: Array<{ n: number; p99: number }> = [];
  for (const n of sizes) {
    const testServer = temporalTestServerPath();
    if (!testServer) throw new Error('temporal-test-server not found: run `npm run setup` first');
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: testServer } },
    });
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: Object.fromEntries(
        Object.entries(EPISODE_SEARCH_ATTRIBUTES).map(([k, t]) => [k, t === 'Keyword' ? 2 : 5]),
      ),
    });
    const taskQueue = `burst-${n}-${Date.now()}`;
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      activityDeps: { pool, sender, notifier },
      workflowBundle: { code: workflowBundle.code },
      messageLimits: { maxConcurrent: 100 },
    });
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 200);
    const row = await worker.runUntil(async () => {
      // 08:00 CST of the next day on the server's clock
      const now = await env.currentTimeMs();
      const day1 = nextDate(cstDate(now));
      await env.sleep(atCst(day1, '08:00') - now);
      const prefix = `episode:chaoyang:burst-${n}-${Date.now().toString(36)}`;
      const forecast = [0, 1].map((i) => ({ date: nextDate(day1, i), aqi: 230 }));
      const ids: string[] = [];
      const startedAt = Date.now();
      const inFlight: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) {
        const input: StartEpisodeInput = {
          episodeId: `${prefix}:${i + 1}`,
          jurisdiction: 'chaoyang',
          planId: defaultPlan.id,
          planVersion: defaultPlan.version,
          exercise: false,
          initiator: office,
          origin: 'consultation',
          forecast,
        };
        ids.push(input.episodeId);
        inFlight.push(
          (async () => {
            const h = await env.client.workflow.start<typeof episodeWorkflow>(EPISODE_WORKFLOW_TYPE, {
              workflowId: input.episodeId,
              taskQueue,
              args: [input],
            });
            const view = await h.query(episodeStateQuery);
            await h.executeUpdate(decideUpdate, {
              args: [{ actor: commander, decision: 'approve', proposalId: view.pendingProposal!.proposalId }],
            });
          })(),
        );
        if (inFlight.length >= 10) await Promise.all(inFlight.splice(0));
        if ((i + 1) % 50 === 0) console.log(`N=${n}: ${i + 1} episodes started and approved`);
      }
      await Promise.all(inFlight);
      const setupS = (Date.now() - startedAt) / 1000;
      const due = atCst(day1, '17:00');
      // everything before 17:00 is done while the clock skips; from 3 s before it runs at wall speed
      const t = await env.currentTimeMs();
      await env.sleep(due - 3_000 - t);
      const serverMinusWall = (await env.currentTimeMs()) - Date.now();
      console.log(`N=${n}: set-up ${setupS.toFixed(0)} s; the clock is 3 s before 17:00`);
      const expected = n * 8;
      const deadline = Date.now() + 600_000;
      for (;;) {
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM notification_deliveries
           WHERE episode_id LIKE $1 AND step LIKE 'escalation:1:%:1' AND status = 'sent'`,
          [`${prefix}:%`],
        );
        if ((rows[0]?.n ?? 0) >= expected || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const sent = await pool.query<{ ms: string }>(
        `SELECT (extract(epoch FROM sent_at) * 1000)::bigint AS ms FROM notification_deliveries
         WHERE episode_id LIKE $1 AND step LIKE 'escalation:1:%:1' AND status = 'sent'`,
        [`${prefix}:%`],
      );
      const sentLags = sent.rows.map((r) => Number(r.ms) + serverMinusWall - due);
      const steps = await pool.query<{ at: Date }>(
        `SELECT at FROM episode_events WHERE episode_id LIKE $1 AND type = 'escalation.step'
         AND (payload->>'step')::int = 1 AND payload->>'responseDay' = '1'`,
        [`${prefix}:%`],
      );
      const stepLags = steps.rows.map((r) => r.at.getTime() - due);
      for (const id of ids)
        await env.client.workflow
          .getHandle(id)
          .terminate('bench done')
          .catch(() => {});
      curve.push({ n, p99: percentile(sentLags, 99) });
      const mib = (b: number) => fmt(b / 1048576, 0);
      return [
        String(n),
        `${sent.rows.length}/${expected}`,
        fmt(setupS, 0),
        `${fmt(percentile(stepLags, 50) / 1000, 2)} / ${fmt(percentile(stepLags, 99) / 1000, 2)} / ${fmt(Math.max(...stepLags) / 1000, 2)}`,
        `${fmt(percentile(sentLags, 50) / 1000, 2)} / ${fmt(percentile(sentLags, 99) / 1000, 2)} / ${fmt(Math.max(...sentLags) / 1000, 2)}`,
        `${mib(rssBefore)} → ${mib(peakRss)}`,
        String(worker.main.options.maxCachedWorkflows),
      ];
    });
    clearInterval(sampler);
    results.push(row);
    await env.teardown();
    console.log(`N=${n} done: ${row.join(' | ')}`);
    void parseIso;
  }
  console.log(
    `\n17:00 burst (time-skipping test server, clock locked from 16:59:57; worker in this process; ${receivedCount} webhook deliveries in all)\n`,
  );
  console.log(
    table(
      [
        'episodes',
        'reminders sent',
        'set-up s',
        'step lag p50/p99/max s',
        'reminder sent lag p50/p99/max s',
        'RSS MiB before → peak',
        'maxCachedWorkflows',
      ],
      results,
    ),
  );
  console.log('\np99 reminder lag against N:');
  const max = Math.max(...curve.map((c) => c.p99), 1);
  for (const c of curve)
    console.log(
      `${String(c.n).padStart(6)} ${'█'.repeat(Math.max(1, Math.round((c.p99 / max) * 50)))} ${fmt(c.p99 / 1000, 2)} s`,
    );
  receiver.close();
  await pool.end();
  await pg.stop();
  await tmp.remove();
  process.exit(0);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
