/**
 * Duties the episode assigns: the plan's standing duties of a stage, duties re-tiered at a new level,
 * and the daily report (三.1) of every obliged unit for each response day that has begun, and the
 * episode summary after the lift.
 */
import { patched } from '@temporalio/workflow';
import {
  LEVEL_RANK,
  type ReportSlot,
  type WarningLevel,
  cstDate,
  dutiesFor,
  dutyIntensity,
  dutyUnits,
  obligedUnits,
  processPollutants,
  toCstIso,
} from '../../domain/index.js';
import { dayOf, firstReportDay, reportDue, summaryDueMs } from './calendar.js';
import { type EpisodeRun, emit, now, nowIso, responding } from './run.js';

/** Units that report daily in this episode. */
export const obliged = (run: EpisodeRun): string[] => obligedUnits(run.plan, run.input.jurisdiction);

/**
 * The process's primary pollutants, for pollutant-specific duties (6号). Runs started before this
 * patch assigned every duty but the pollutant-only ones whatever the pollutant.
 */
function pollutantsOf(run: EpisodeRun): string[] | undefined {
  return patched('duties-by-pollutant') ? processPollutants(run.forecast) : undefined;
}

export function assignStandingDuties(run: EpisodeRun, stage: 'early' | WarningLevel): void {
  for (const duty of dutiesFor(run.plan, stage, pollutantsOf(run))) {
    if (duty.cadence === 'daily' && duty.summaryAfterLift) continue; // the daily report itself: per day
    for (const unitId of dutyUnits(duty)) {
      const key = `${duty.id}|${unitId}|`;
      if (run.state.duties.some((d) => d.key === key)) continue;
      emit(run, { type: 'duty.assigned', at: nowIso(run), actor: 'system', dutyId: duty.id, unitId });
    }
  }
}

/** Duties whose intensity differs between the two levels are assigned again at the new level. */
export function retierDuties(run: EpisodeRun, from: WarningLevel, to: WarningLevel): void {
  for (const duty of dutiesFor(run.plan, to, pollutantsOf(run))) {
    if (dutyIntensity(duty, from) === dutyIntensity(duty, to)) continue;
    for (const unitId of dutyUnits(duty)) {
      emit(run, { type: 'duty.assigned', at: nowIso(run), actor: 'system', dutyId: duty.id, unitId });
    }
  }
}

/** Records the highest level in force on the CST date of `t` (for the electricity accounting). */
export function rememberWarningDate(run: EpisodeRun, t = now()): void {
  const level = run.state.level;
  if (level === 'none') return;
  const date = cstDate(t);
  const existing = run.schedule.warningDates.find((d) => d.date === date);
  if (!existing) run.schedule.warningDates.push({ date, level });
  else if (LEVEL_RANK[level] > LEVEL_RANK[existing.level]) existing.level = level;
}

/** Duty 三.1 of every obliged unit for one slot: a response day's report or the episode summary. */
export function assignReportDuties(run: EpisodeRun, slot: ReportSlot, dueMs: number): void {
  const dueAt = toCstIso(dueMs);
  for (const unitId of obliged(run)) {
    emit(run, {
      type: 'duty.assigned',
      at: nowIso(run),
      actor: 'system',
      dutyId: '3.1',
      unitId,
      dueAt,
      responseDay: slot,
    });
  }
}

/** Assigns the daily-report duty of every response day that has begun by `t`. */
export function assignDays(run: EpisodeRun, t = now()): void {
  const { schedule } = run;
  if (!responding(run) || !schedule.origin) return;
  const today = dayOf(run, t);
  while (schedule.assignedThrough < today) {
    const k = schedule.assignedThrough + 1;
    schedule.assignedThrough = k;
    rememberWarningDate(run, t);
    // a day before the first report day owes nothing: it is settled as it begins
    if (k < firstReportDay(run)) {
      if (schedule.settledThrough === k - 1) schedule.settledThrough = k;
      continue;
    }
    assignReportDuties(run, k, reportDue(run, k));
  }
}

/** The lift (or end of early response) starts the summaries' clock. */
export function beginSummaries(run: EpisodeRun): void {
  run.schedule.liftedMs = now();
  assignReportDuties(run, 'summary', summaryDueMs(run));
}
