/**
 * Province-scale event: N concurrent exercise episodes (14 "cities" × the plan's 8 areas — the city and
 * its 7 counties — by default) over D compressed response days, every unit reporting through the HTTP
 * API. Reads (GET /episodes/:id) run at a fixed rate with autocannon meanwhile.
 */
import autocannon from 'autocannon';
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { cstDate, defaultPlan, nextDate } from '../src/domain/index.js';
import { type DeadlineAudit, auditDeadlines } from './deadlines.js';
import {
  type HttpResult,
  type Principals,
  goodReport,
  http,
  measureProcess,
  percentile,
  sleep,
  unitsOf,
} from './lib.js';

export interface ProvinceOptions {
  api: string;
  client: Client;
  pool: pg.Pool;
  principals: Principals;
  photos: Record<string, string>;
  episodes: number;
  days: number;
  dayMs: number;
  readRate: number;
  workerPid: number;
  apiPid: number;
  temporalPid: number;
  log: (line: string) => void;
}

export interface ProvinceResult {
  episodeIds: string[];
  wallMs: number;
  closed: number;
  reportsExpected: number;
  reportsStored: number;
  reportLatencies: number[];
  reportRetries: number;
  reportFailures: string[];
  readLatencies: number[];
  readErrors: number;
  readSeconds: number;
  worker: { cpuMs: number; maxRssMiB: number };
  apiProc: { cpuMs: number; maxRssMiB: number };
  temporal: { cpuMs: number; maxRssMiB: number };
  historyEvents: number[];
  counts: { activities: number; timers: number; updates: number; events: number };
  continuedAsNew: number;
  deadlines: DeadlineAudit;
  lateUnitsPlanned: number;
  liftFailures: string[];
}

const AREAS = [
  defaultPlan.jurisdiction,
  ...defaultPlan.jurisdictions.filter((j) => j.kind === 'county').map((j) => j.id),
];

async function pool<T>(items: T[], size: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i] as T, i);
      }
    }),
  );
}

/** Retries a request answered 5xx (a dependency down, a worker restarting) for up to ~2 minutes. */
async function retrying(fn: () => Promise<HttpResult>): Promise<HttpResult> {
  let r: HttpResult = { status: 0, body: {}, ms: 0 };
  for (let attempt = 0; attempt < 60; attempt++) {
    r = await fn().catch((err: Error) => ({ status: 0, body: { error: err.message }, ms: 0 }));
    if (r.status > 0 && r.status < 500) return r;
    await sleep(2000);
  }
  return r;
}

export async function runProvince(o: ProvinceOptions): Promise<ProvinceResult> {
  const today = cstDate(Date.now());
  const plan = Array.from({ length: o.episodes }, (_, i) => ({
    jurisdiction: AREAS[i % AREAS.length] as string,
    seq: Math.floor(i / AREAS.length) + 1,
  }));
  const ids = plan.map((p) => `exercise:${p.jurisdiction}:${today}:${p.seq}`);
  const worker = await measureProcess(o.workerPid);
  const apiProc = await measureProcess(o.apiPid);
  const temporal = await measureProcess(o.temporalPid);
  const t0 = performance.now();
  const reportLatencies: number[] = [];
  const reportFailures: string[] = [];
  let reportRetries = 0;

  // 1. start every episode and have the commander approve the proposed warning
  const origins = new Map<string, number>();
  await pool(plan, 16, async (p, i) => {
    const id = ids[i] as string;
    const started = await http(o.api, o.principals.office.token, 'POST', '/episodes', {
      jurisdiction: p.jurisdiction,
      exercise: true,
      seq: p.seq,
      date: today,
      exerciseDayMs: o.dayMs,
      forecast: [0, 1].map((d) => ({ date: nextDate(today, d), aqi: 230 })),
    });
    if (started.status !== 202)
      throw new Error(`start ${id}: ${started.status} ${JSON.stringify(started.body)}`);
    let proposalId: string | undefined;
    for (let attempt = 0; attempt < 50 && !proposalId; attempt++) {
      const view = await http(o.api, o.principals.office.token, 'GET', `/episodes/${encodeURIComponent(id)}`);
      proposalId = (view.body.pendingProposal as { proposalId?: string } | null)?.proposalId;
      if (!proposalId) await sleep(200);
    }
    if (!proposalId) throw new Error(`${id}: no proposal`);
    const approved = await retrying(() =>
      http(
        o.api,
        o.principals.commander.token,
        'POST',
        `/episodes/${encodeURIComponent(id)}/decisions`,
        {
          decision: 'approve',
          proposalId,
        },
        { 'idempotency-key': `approve-${id}` },
      ),
    );
    if (approved.status !== 200)
      throw new Error(`approve ${id}: ${approved.status} ${JSON.stringify(approved.body)}`);
    origins.set(id, Date.now()); // the response calendar started at most this late
  });
  o.log(`  ${ids.length} episodes started and approved in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // 2. reads at a fixed rate (autocannon overallRate = -R) while the days run
  const readLatencies: number[] = [];
  let readErrors = 0;
  const readSeconds = Math.max(10, Math.floor((o.days * o.dayMs) / 1000) - 10);
  let rr = 0;
  const reads = autocannon({
    url: o.api,
    connections: 8,
    overallRate: o.readRate,
    duration: readSeconds,
    headers: { authorization: `Bearer ${o.principals.office.token}` },
    requests: [
      {
        method: 'GET',
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          path: `/episodes/${encodeURIComponent(ids[rr++ % ids.length] as string)}`,
        }),
      },
    ],
  });
  reads.on('response', (_c: unknown, status: number, _b: number, ms: number) => {
    if (status === 200) readLatencies.push(ms);
    else readErrors += 1;
  });
  reads.on('reqError', () => {
    readErrors += 1;
  });
  const readsDone = new Promise<void>((resolve) => reads.on('done', () => resolve()));

  // 3. every unit reports every day before 17:00 (compressed); one unit per episode reports day 2 at
  //    about 19:00 instead, so the escalation ladder (17:00 overdue, 18:00 director) runs and stops.
  const lateDay = Math.min(2, o.days);
  let reportsExpected = 0;
  const submissions: Array<Promise<void>> = [];
  const submit = async (id: string, unit: string, day: number) => {
    const token = o.principals.units[unit]?.token as string;
    for (let attempt = 1; attempt <= 60; attempt++) {
      const r = await http(
        o.api,
        token,
        'POST',
        `/episodes/${encodeURIComponent(id)}/reports`,
        {
          responseDay: day,
          reportId: `${id.split(':').slice(1).join('.')}.${unit}.d${day}`,
          fields: goodReport(o.photos[unit] as string),
        },
        { 'idempotency-key': `report-${id}-${unit}-${day}` },
      ).catch((err: Error) => ({ status: 0, body: { error: err.message }, ms: 0 }));
      if (r.status === 201 || r.status === 200) {
        reportLatencies.push(r.ms);
        return;
      }
      reportRetries += 1;
      if (attempt === 60)
        reportFailures.push(`${id} ${unit} day ${day}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      else await sleep(1000);
    }
  };
  const lateUnits: string[] = [];
  for (const [i, id] of ids.entries()) {
    const origin = origins.get(id) as number;
    const units = unitsOf(plan[i]?.jurisdiction as string);
    const late = units[units.length - 1] as string;
    lateUnits.push(late);
    for (let day = 1; day <= o.days; day++) {
      for (const unit of units) {
        reportsExpected += 1;
        const frac = unit === late && day === lateDay ? 0.79 : 0.08 + Math.random() * 0.5;
        const when = origin + (day - 1) * o.dayMs + frac * o.dayMs;
        submissions.push(sleep(Math.max(0, when - Date.now())).then(() => submit(id, unit, day)));
      }
    }
  }

  // 4. the commander lifts at 21:00 of the last day; every unit files its summary; the episode closes
  const liftFailures: string[] = [];
  const lifts = ids.map(async (id) => {
    try {
      const when = (origins.get(id) as number) + (o.days - 1) * o.dayMs + 0.875 * o.dayMs;
      await sleep(Math.max(0, when - Date.now()));
      const r = await retrying(() =>
        http(
          o.api,
          o.principals.commander.token,
          'POST',
          `/episodes/${encodeURIComponent(id)}/decisions`,
          {
            decision: 'lift',
          },
          { 'idempotency-key': `lift-${id}` },
        ),
      );
      if (r.status !== 200) throw new Error(`lift ${id}: ${r.status} ${JSON.stringify(r.body)}`);
      const i = ids.indexOf(id);
      for (const unit of unitsOf(plan[i]?.jurisdiction as string)) {
        const s = await retrying(() =>
          http(
            o.api,
            o.principals.units[unit]?.token as string,
            'POST',
            `/episodes/${encodeURIComponent(id)}/summaries`,
            {
              summaryId: `${id.split(':').slice(1).join('.')}.${unit}.summary`,
              text: '本次过程应对工作总结：各项减排措施落实到位。',
            },
            { 'idempotency-key': `summary-${id}-${unit}` },
          ),
        );
        if (s.status !== 201)
          throw new Error(`summary ${id} ${unit}: ${s.status} ${JSON.stringify(s.body).slice(0, 300)}`);
      }
    } catch (err) {
      liftFailures.push(String(err));
      o.log(`  ${String(err)}`);
    }
  });
  await Promise.all(submissions);
  await Promise.all(lifts);
  await readsDone;

  // 5. wait for every episode to close: its workflow completed (after its last message went out)
  const completed = new Set<string>();
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && completed.size < ids.length) {
    await pool(
      ids.filter((id) => !completed.has(id)),
      8,
      async (id) => {
        const { status } = await o.client.workflow.getHandle(id).describe();
        if (status.name === 'COMPLETED') completed.add(id);
      },
    );
    if (completed.size < ids.length) await sleep(1000);
  }
  const closed = completed.size;
  const wallMs = performance.now() - t0;
  const w = await worker.stop();
  const a = await apiProc.stop();
  const t = await temporal.stop();
  o.log(`  ${closed}/${ids.length} episodes closed after ${(wallMs / 1000).toFixed(1)} s`);

  const stored = await o.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM unit_reports WHERE episode_id = ANY($1::text[])',
    [ids],
  );

  // 6. histories: events per episode-day and the counts the baseline copies
  const historyEvents: number[] = [];
  const counts = { activities: 0, timers: 0, updates: 0, events: 0 };
  let continuedAsNew = 0;
  await pool(ids, 8, async (id) => {
    const history = await o.client.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    historyEvents.push(events.length / o.days);
    counts.events += events.length;
    for (const e of events) {
      if (e.activityTaskScheduledEventAttributes) counts.activities += 1;
      if (e.timerStartedEventAttributes) counts.timers += 1;
      if (e.workflowExecutionUpdateAcceptedEventAttributes) counts.updates += 1;
      if (e.workflowExecutionContinuedAsNewEventAttributes) continuedAsNew += 1;
    }
  });
  const deadlines = await auditDeadlines(o.pool, ids, o.dayMs);
  return {
    episodeIds: ids,
    wallMs,
    closed,
    reportsExpected,
    reportsStored: stored.rows[0]?.n ?? 0,
    reportLatencies,
    reportRetries,
    reportFailures,
    readLatencies,
    readErrors,
    readSeconds,
    worker: w,
    apiProc: a,
    temporal: t,
    historyEvents,
    counts,
    continuedAsNew,
    deadlines,
    lateUnitsPlanned: lateUnits.length,
    liftFailures,
  };
}

export const pct = (values: number[]) => ({
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
});
