/**
 * What is due, and doing it: the days that have begun, the ladders, the 签收 delays, the office's daily reports, the
 * settling of finished days and, once all is in, the work summary; and the earliest instant at which
 * something next becomes due (the main loop's timer).
 */
import { nextProposalStepAt, parseIso, reportLadderDone } from '../../domain/index.js';
import { chaseAcknowledgements, nextAcknowledgementAt } from './acknowledgements.js';
import { dayAt, officeReportAt, scaled, summaryDueMs } from './calendar.js';
import { finish, produceDayReport } from './documents.js';
import { assignDays, obliged } from './duties.js';
import { escalateProposal, nextStepAt, openSlots, submitted, takeEscalationSteps } from './ladder.js';
import { type EpisodeRun, responding } from './run.js';

/** The summaries are in (or their ladder has run out). */
function summariesSettled(run: EpisodeRun): boolean {
  if (run.schedule.liftedMs === null) return false;
  return obliged(run).every(
    (u) => submitted(run, 'summary', u) || nextStepAt(run, 'summary', summaryDueMs(run), u) === null,
  );
}

const daysSettled = (run: EpisodeRun) => run.schedule.settledThrough === run.schedule.assignedThrough;

/**
 * A day is settled once its office report is out and every unit has reported or been chased
 * through the whole ladder; nothing about it can become due again, so the loop stops looking at it.
 */
function settleDays(run: EpisodeRun): void {
  const { schedule } = run;
  while (schedule.settledThrough < schedule.assignedThrough) {
    const k = schedule.settledThrough + 1;
    if (!schedule.dayReportsDone.includes(k)) return;
    const open = obliged(run).some(
      (u) => !submitted(run, k, u) && !reportLadderDone(run.plan, schedule.stepsTaken[`${k}|${u}`] ?? 0),
    );
    if (open) return;
    schedule.settledThrough = k;
    schedule.dayReportsDone = schedule.dayReportsDone.filter((d) => d > k);
    for (const u of obliged(run)) delete schedule.stepsTaken[`${k}|${u}`];
  }
}

/** Does everything that is due by `t`; returns when nothing more is. */
export async function runDue(run: EpisodeRun, t: number): Promise<void> {
  const { schedule } = run;
  assignDays(run, t);
  escalateProposal(run, t);
  takeEscalationSteps(run, t);
  chaseAcknowledgements(run, t);
  for (let k = schedule.settledThrough + 1; k <= schedule.assignedThrough; k++) {
    if (!schedule.dayReportsDone.includes(k) && officeReportAt(run, k) <= t) await produceDayReport(run, k);
  }
  settleDays(run);
  if (!schedule.workSummaryDone && run.state.phase === 'lifting' && daysSettled(run) && summariesSettled(run))
    await finish(run);
}

/** The earliest instant at which something becomes due, or null. */
export function nextDueAt(run: EpisodeRun): number | null {
  const { schedule } = run;
  const times: number[] = [];
  if (responding(run) && schedule.origin) times.push(dayAt(run, schedule.assignedThrough + 1, '00:00'));
  const p = run.state.pendingProposal;
  if (p) {
    const at = nextProposalStepAt(run.plan, parseIso(p.proposedAt), p.escalations, (ms) => scaled(run, ms));
    if (at !== null) times.push(at);
  }
  for (const { slot, dueMs } of openSlots(run)) {
    for (const unitId of obliged(run)) {
      const at = nextStepAt(run, slot, dueMs, unitId);
      if (at !== null) times.push(at);
    }
  }
  for (let k = schedule.settledThrough + 1; k <= schedule.assignedThrough; k++) {
    if (!schedule.dayReportsDone.includes(k)) times.push(officeReportAt(run, k));
  }
  const ack = nextAcknowledgementAt(run);
  if (ack !== null) times.push(ack);
  return times.length > 0 ? Math.min(...times) : null;
}
