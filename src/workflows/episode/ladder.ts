/**
 * Carries out the escalation ladders: every step of an overdue report that has fallen due (reminder,
 * director, leaders, the 通报 proposed to the office), and the reminders about a proposal the commander has not decided.
 */
import { patched } from '@temporalio/workflow';
import {
  type ReportSlot,
  escalationVars,
  proposalReminderVars,
  internalUnits,
  nextProposalStepAt,
  nextReportStepAt,
  proposalStep,
  reportStep,
  parseIso,
  stepTargets,
  toCstIso,
} from '../../domain/index.js';
import { reportDue, scaled, summaryDueMs } from './calendar.js';
import { obliged } from './duties.js';
import { notify } from './notify.js';
import { proposeNotice } from './office.js';
import { type EpisodeRun, emit, now, nowIso } from './run.js';

/** Slots (response days, then 'summary') whose reports may still need chasing. */
export function openSlots(run: EpisodeRun): Array<{ slot: ReportSlot; dueMs: number }> {
  const { schedule } = run;
  const slots: Array<{ slot: ReportSlot; dueMs: number }> = [];
  for (let k = schedule.settledThrough + 1; k <= schedule.assignedThrough; k++) {
    slots.push({ slot: k, dueMs: reportDue(run, k) });
  }
  if (schedule.liftedMs !== null) slots.push({ slot: 'summary', dueMs: summaryDueMs(run) });
  return slots;
}

export function submitted(run: EpisodeRun, slot: ReportSlot, unitId: string): boolean {
  return slot === 'summary'
    ? run.state.summaries[unitId] !== undefined
    : run.state.reports[String(slot)]?.[unitId] !== undefined;
}

/** The next escalation step time for (slot, unit), or null when done. */
export function nextStepAt(run: EpisodeRun, slot: ReportSlot, dueMs: number, unitId: string): number | null {
  if (submitted(run, slot, unitId)) return null;
  const taken = run.schedule.stepsTaken[`${slot}|${unitId}`] ?? 0;
  return nextReportStepAt(run.plan, dueMs, taken, (ms) => scaled(run, ms));
}

/** Takes every ladder step due by `t` (now, or a report's arrival when catching up). */
export function takeEscalationSteps(run: EpisodeRun, t = now()): void {
  const { schedule, plan } = run;
  for (const { slot, dueMs } of openSlots(run)) {
    for (const unitId of obliged(run)) {
      let at = nextStepAt(run, slot, dueMs, unitId);
      while (at !== null && at <= t) {
        const key = `${slot}|${unitId}`;
        const index = schedule.stepsTaken[key] ?? 0;
        const step = reportStep(plan, index)!;
        schedule.stepsTaken[key] = index + 1;
        const dueAt = toCstIso(dueMs);
        if (index === 0)
          emit(run, {
            type: 'report.overdue',
            at: nowIso(run),
            actor: 'system',
            unitId,
            responseDay: slot,
            dueAt,
          });
        const targets = stepTargets(step, unitId);
        emit(run, {
          type: 'escalation.step',
          at: nowIso(run),
          actor: 'system',
          unitId,
          responseDay: slot,
          step: index + 1,
          targets,
        });
        const vars = escalationVars(plan, unitId, slot, dueMs, step, targets);
        notify(run, `escalation:${slot}:${unitId}:${index + 1}`, step.template, targets, vars);
        // Runs started before this patch circulated the 通报 at once; now the office decides it.
        if (step.circulateNotice && patched('notice-decided-by-office')) {
          proposeNotice(run, unitId, slot, dueMs, step.description);
        } else if (step.circulateNotice) {
          schedule.counters.notice += 1;
          const noticeId = `${run.episodeId}:N${schedule.counters.notice}`;
          emit(run, {
            type: 'notice.circulated',
            at: nowIso(run),
            actor: 'system',
            noticeId,
            unitId,
            responseDay: slot,
            reason: step.description,
          });
          notify(run, `notice:${noticeId}`, 'noticeCirculated', internalUnits(plan), vars);
        }
        at = nextStepAt(run, slot, dueMs, unitId);
      }
    }
  }
}

/** Reminds the plan's targets of every proposal step due by `t` while the commander has not decided. */
export function escalateProposal(run: EpisodeRun, t = now()): void {
  const { plan } = run;
  const p = run.state.pendingProposal;
  if (!p) return;
  const proposedMs = parseIso(p.proposedAt);
  const stepAt = (taken: number) => nextProposalStepAt(plan, proposedMs, taken, (ms) => scaled(run, ms));
  for (let index = p.escalations, at = stepAt(index); at !== null && at <= t; at = stepAt(++index)) {
    const step = proposalStep(plan, index)!;
    const targets = step.targets;
    emit(run, {
      type: 'proposal.escalated',
      at: nowIso(run),
      actor: 'system',
      proposalId: p.proposalId,
      step: index + 1,
      targets,
    });
    const vars = proposalReminderVars(plan, { ...p, proposedAt: proposedMs }, step);
    notify(run, `proposal:${p.proposalId}:escalation:${index + 1}`, step.template, targets, vars);
  }
}
