/**
 * The read benchmarks of the projection (npm run bench:reads [-- --rate 500 --seconds 20 --streams 1000]):
 *  1. GET /episodes/:id at a fixed rate vs a bare single-row PostgreSQL read through fastify (same run);
 *  2. the same rate with the worker killed (SIGKILL) for 30 s;
 *  3. read-after-write: Update answered → a GET shows its seq;
 *  4. N open SSE streams on one API process: an event's arrival at all of them; memory per stream.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createPool } from '../src/db/pool.js';
import { freePort } from '../src/tools/temporal-dev-server.js';
import {
  fmt,
  http,
  percentile,
  procStats,
  ratio,
  seedPrincipals,
  sleep,
  startApiChild,
  startNodeChild,
  startPostgres,
  startTemporal,
  startWorkerChild,
  table,
  tempDir,
} from './lib.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    'kill-seconds': { type: 'string', default: '30' },
    streams: { type: 'string', default: '1000' },
    episodes: { type: 'string', default: '20' },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const KILL_S = Number(args['kill-seconds']);
const STREAMS = Number(args.streams);
const EPISODES = Number(args.episodes);

async function load(url: string, paths: string[], token: string | null, seconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  let i = 0;
  const run = autocannon({
    url,
    connections: 32,
    overallRate: RATE,
    duration: seconds,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    requests: [
      {
        method: 'GET',
        setupRequest: (r: Record<string, unknown>) => ({ ...r, path: paths[i++ % paths.length] }),
      },
    ],
  });
  run.on('response', (_c: unknown, status: number, _b: number, ms: number) => {
    if (status === 200) latencies.push(ms);
    else errors += 1;
  });
  run.on('reqError', () => {
    errors += 1;
  });
  await new Promise<void>((resolve) => run.on('done', () => resolve()));
  return { n: latencies.length, errors, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main() {
  const tmp = await tempDir('smog-bench-reads-');
  const pg = await startPostgres(tmp.dir);
  const temporal = await startTemporal();
  const taskQueue = 'bench-reads';
  const env = { temporalAddress: temporal.address, databaseUrl: pg.url, taskQueue };
  let worker = await startWorkerChild(env);
  const api = await startApiChild(env);
  const barePort = await freePort();
  const bare = await startNodeChild(
    'bench/bare-read.ts',
    { DATABASE_URL: pg.url, PORT: String(barePort) },
    'bare listening',
  );
  const pool = createPool(pg.url, 5);
  const out: string[] = [];
  try {
    const who = await seedPrincipals(pool);
    const ids: string[] = [];
    const date = '2099-12-01';
    for (let k = 1; k <= EPISODES; k++) {
      const jurisdiction = k % 2 ? 'chaoyang' : 'shuangta';
      const r = await http(api.url, who.office.token, 'POST', '/episodes', {
        jurisdiction,
        date,
        seq: k,
        exercise: true,
        exerciseDayMs: 3_600_000,
        forecast: [
          { date, aqi: 240 },
          { date: '2099-12-02', aqi: 230 },
        ],
      });
      if (r.status !== 202) throw new Error(`start: ${r.status} ${JSON.stringify(r.body)}`);
      ids.push(r.body.id as string);
    }
    for (const id of ids) {
      for (let t = 0; t < 100; t++) {
        const v = await http(api.url, who.office.token, 'GET', `/episodes/${encodeURIComponent(id)}`);
        if (v.body.phase === 'proposed') {
          await http(api.url, who.commander.token, 'POST', `/episodes/${encodeURIComponent(id)}/decisions`, {
            decision: 'approve',
            proposalId: (v.body.pendingProposal as { proposalId: string }).proposalId,
          });
          break;
        }
        await sleep(200);
      }
    }
    const paths = ids.map((id) => `/episodes/${encodeURIComponent(id)}`);
    const barePaths = ids.map((id) => `/row/${encodeURIComponent(id)}`);

    // 1. reads vs the bare read, same run
    const baseRead = await load(`http://127.0.0.1:${barePort}`, barePaths, null, SECONDS);
    const ours = await load(api.url, paths, who.office.token, SECONDS);
    // 2. the worker killed for KILL_S seconds
    await worker.kill9();
    const killed = await load(api.url, paths, who.office.token, KILL_S);
    worker = await startWorkerChild(env);
    out.push(
      `## Reads: GET /episodes/:id at ${RATE} req/s (autocannon, 32 connections), ${EPISODES} active episodes`,
    );
    out.push(
      table(
        ['', 'requests', 'errors', 'p50 ms', 'p99 ms', 'p99 ratio'],
        [
          [
            'bare fastify + single-row PG read (baseline)',
            String(baseRead.n),
            String(baseRead.errors),
            fmt(baseRead.p50),
            fmt(baseRead.p99),
            '1.00×',
          ],
          [
            `GET /episodes/:id, ${SECONDS} s`,
            String(ours.n),
            String(ours.errors),
            fmt(ours.p50),
            fmt(ours.p99),
            ratio(ours.p99, baseRead.p99),
          ],
          [
            `same, worker SIGKILLed, ${KILL_S} s`,
            String(killed.n),
            String(killed.errors),
            fmt(killed.p50),
            fmt(killed.p99),
            `${ratio(killed.p99, ours.p99)} of the live-worker p99`,
          ],
        ],
      ),
    );

    // 3. read-after-write: consultation answered → GET shows its seq
    const raw: number[] = [];
    let stale = 0;
    for (let k = 0; k < 60; k++) {
      const id = ids[k % ids.length] as string;
      const u = await http(
        api.url,
        who.office.token,
        'POST',
        `/episodes/${encodeURIComponent(id)}/consultations`,
        {
          forecast: [
            { date, aqi: 240 + (k % 5) },
            { date: '2099-12-02', aqi: 230 },
          ],
        },
      );
      if (u.status !== 200) throw new Error(`consult: ${u.status} ${JSON.stringify(u.body)}`);
      const t0 = performance.now();
      const seq = u.body.seq as number;
      let shown = false;
      for (let t = 0; t < 100 && !shown; t++) {
        const v = await http(api.url, who.office.token, 'GET', `/episodes/${encodeURIComponent(id)}`);
        if ((v.body.eventCount as number) >= seq) shown = true;
        else stale += 1;
      }
      raw.push(performance.now() - t0);
    }
    out.push('\n## Read-after-write (60 consultations: Update answered → GET shows its seq)');
    out.push(
      table(
        ['p50 ms', 'p99 ms', 'reads that showed an older state'],
        [[fmt(percentile(raw, 50)), fmt(percentile(raw, 99)), String(stale)]],
      ),
    );

    // 4. SSE fan-out
    const target = ids[0] as string;
    const before = await procStats(api.pid);
    const arrivals: number[] = [];
    let expectSeq = Number.POSITIVE_INFINITY;
    let sentAt = 0;
    const controllers: AbortController[] = [];
    let open = 0;
    const openOne = async () => {
      const c = new AbortController();
      controllers.push(c);
      const res = await fetch(`${api.url}/episodes/${encodeURIComponent(target)}/stream`, {
        headers: { authorization: `Bearer ${who.office.token}` },
        signal: c.signal,
      });
      open += 1;
      const dec = new TextDecoder();
      let buf = '';
      let got = false;
      (async () => {
        try {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            buf += dec.decode(chunk, { stream: true });
            const m = [...buf.matchAll(/^id: (\d+)$/gm)].pop();
            if (!got && m && Number(m[1]) >= expectSeq) {
              got = true;
              arrivals.push(performance.now() - sentAt);
            }
            if (buf.length > 100_000) buf = buf.slice(-1000);
          }
        } catch {}
      })();
    };
    for (let k = 0; k < STREAMS; k += 50)
      await Promise.all(Array.from({ length: Math.min(50, STREAMS - k) }, openOne));
    await sleep(2_000);
    const during = await procStats(api.pid);
    const u = await http(
      api.url,
      who.office.token,
      'POST',
      `/episodes/${encodeURIComponent(target)}/consultations`,
      {
        forecast: [
          { date, aqi: 250 },
          { date: '2099-12-02', aqi: 230 },
        ],
      },
    );
    // the frame may come before the Update answers (the answer waits for the projection): time from the request
    sentAt = performance.now() - u.ms;
    expectSeq = u.body.seq as number;
    for (let t = 0; t < 100 && arrivals.length < open; t++) await sleep(100);
    out.push(`\n## ${STREAMS} SSE streams of one episode on one API process`);
    out.push(
      table(
        [
          'streams open',
          'reached',
          'p50 ms',
          'p99 ms',
          'max ms',
          'API RSS before → with streams',
          'per stream',
        ],
        [
          [
            String(open),
            String(arrivals.length),
            fmt(percentile(arrivals, 50)),
            fmt(percentile(arrivals, 99)),
            fmt(Math.max(...arrivals)),
            `${fmt(before.rssMiB)} → ${fmt(during.rssMiB)} MiB`,
            `${fmt(((during.rssMiB - before.rssMiB) * 1024) / Math.max(1, open))} KiB`,
          ],
        ],
      ),
    );
    out.push(
      '(latency from sending the Update to the frame reaching each stream; the clients run in the bench process on the same 2 cores)',
    );
    for (const c of controllers) c.abort();
    console.log(`\n${out.join('\n')}\n`);
  } finally {
    await pool.end();
    await bare.stop().catch(() => {});
    await api.stop().catch(() => {});
    await worker.stop().catch(() => {});
    await temporal.stop().catch(() => {});
    await pg.stop().catch(() => {});
    await tmp.remove();
  }
}

await main();
process.exit(0);
