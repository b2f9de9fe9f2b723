/**
 * Deadline audit of exercise episodes from their PostgreSQL event log (episode_events, the workflow
 * clock): every escalation step and every office daily report is compared with the instant the plan's
 * compressed calendar schedules it.
 * - skipped: a step that was due before the unit's report arrived (its `receivedAt`, the API's receipt
 *   the workflow judged it by) or with no report at all, but never happened, or a response day without
 *   its office daily report;
 * - late: an action that happened more than `toleranceMs` after its scheduled instant (default: one
 *   compressed hour, dayMs / 24);
 * - early: an action before its scheduled instant (never allowed).
 */
import type pg from 'pg';
import { defaultPlan } from '../src/domain/index.js';

const DAY = 86_400_000;
const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

export interface DeadlineAudit {
  episodes: number;
  /** Scheduled actions checked (escalation steps + office daily reports). */
  checked: number;
  skipped: string[];
  late: string[];
  early: string[];
  lagsMs: number[];
  officeReports: { expected: number; produced: number };
  escalationSteps: number;
}

interface Row {
  episode_id: string;
  type: string;
  at: Date;
  payload: Record<string, unknown>;
}

export async function auditDeadlines(
  pool: pg.Pool,
  episodeIds: string[],
  dayMs: number,
  toleranceMs = dayMs / 24,
): Promise<DeadlineAudit> {
  const plan = defaultPlan;
  const ladder = plan.escalation.reports.map((s) => Math.round(((s.offsetMinutes * 60_000) / DAY) * dayMs));
  const at = (hhmm: string) => Math.round((minutesOf(hhmm) / 1440) * dayMs);
  const dueOffset = at(plan.deadlines.dailyReport.time);
  const officeOffset = at(plan.deadlines.officeDailyReport.time);
  const audit: DeadlineAudit = {
    episodes: episodeIds.length,
    checked: 0,
    skipped: [],
    late: [],
    early: [],
    lagsMs: [],
    officeReports: { expected: 0, produced: 0 },
    escalationSteps: 0,
  };
  const { rows } = await pool.query<Row>(
    `SELECT episode_id, type, at, payload FROM episode_events
     WHERE episode_id = ANY($1::text[]) AND type IN ('duty.assigned','report.submitted','summary.submitted','escalation.step','document.produced')
     ORDER BY episode_id, seq`,
    [episodeIds],
  );
  const byEpisode = new Map<string, Row[]>();
  for (const r of rows) byEpisode.set(r.episode_id, [...(byEpisode.get(r.episode_id) ?? []), r]);
  const judge = (what: string, scheduled: number, happened: number) => {
    audit.checked += 1;
    const lag = happened - scheduled;
    audit.lagsMs.push(lag);
    if (lag < -5) audit.early.push(`${what}: ${-lag} ms early`);
    else if (lag > toleranceMs) audit.late.push(`${what}: ${lag} ms late`);
  };
  for (const id of episodeIds) {
    const events = byEpisode.get(id) ?? [];
    const due = new Map<string, number>(); // slot → due ms
    const submittedAt = new Map<string, number>(); // slot|unit → ms
    const units = new Set<string>();
    for (const e of events) {
      const p = e.payload;
      if (e.type === 'duty.assigned' && p.dutyId === '3.1' && typeof p.dueAt === 'string') {
        due.set(String(p.responseDay), Date.parse(p.dueAt));
        units.add(String(p.unitId));
      }
      // arrival: the API's receipt the workflow recorded (lateness is judged by it), else the event time
      const arrived = typeof p.receivedAt === 'string' ? Date.parse(p.receivedAt) : e.at.getTime();
      if (e.type === 'report.submitted') {
        const key = `${p.responseDay}|${p.unitId}`;
        if (!submittedAt.has(key)) submittedAt.set(key, arrived);
      }
      if (e.type === 'summary.submitted') {
        const key = `summary|${p.unitId}`;
        if (!submittedAt.has(key)) submittedAt.set(key, arrived);
      }
    }
    const dayOne = due.get('1');
    if (dayOne === undefined) {
      audit.skipped.push(`${id}: no daily-report duties at all`);
      continue;
    }
    const origin = dayOne - dueOffset;
    // office daily reports: one per assigned response day, at 20:00 of that (compressed) day
    const days = [...due.keys()].filter((k) => k !== 'summary').map(Number);
    for (const k of days) {
      audit.officeReports.expected += 1;
      const doc = events.find(
        (e) =>
          e.type === 'document.produced' &&
          e.payload.kind === 'daily-response-report' &&
          e.payload.responseDay === k,
      );
      if (!doc) {
        audit.skipped.push(`${id}: no office daily report for day ${k}`);
        continue;
      }
      audit.officeReports.produced += 1;
      judge(`${id} office report day ${k}`, origin + (k - 1) * dayMs + officeOffset, doc.at.getTime());
    }
    // escalation ladders
    for (const [slot, dueMs] of due) {
      for (const unit of units) {
        const reportedAt = submittedAt.get(`${slot}|${unit}`) ?? Number.POSITIVE_INFINITY;
        const steps = events.filter(
          (e) =>
            e.type === 'escalation.step' &&
            String(e.payload.responseDay) === slot &&
            e.payload.unitId === unit,
        );
        audit.escalationSteps += steps.length;
        ladder.forEach((offset, i) => {
          const scheduled = dueMs + offset;
          const step = steps.find((e) => e.payload.step === i + 1);
          if (step) judge(`${id} ${slot}|${unit} step ${i + 1}`, scheduled, step.at.getTime());
          // a step due before the report arrived must have happened (allow the same-instant race)
          else if (scheduled + 5 < reportedAt) {
            audit.checked += 1;
            audit.skipped.push(
              `${id} ${slot}|${unit} step ${i + 1} (due ${new Date(scheduled).toISOString()})`,
            );
          }
        });
      }
    }
  }
  return audit;
}
