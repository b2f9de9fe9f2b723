/**
 * The state that crosses continue-as-new: a fresh schedule for a new episode, and the working window
 * of the domain state that keeps payloads small however long the episode lasts.
 */
import type { EpisodeState, ReportSlot } from '../../domain/index.js';
import type { Schedule } from '../definitions.js';

export function newSchedule(): Schedule {
  return {
    counters: { consultation: 0, proposal: 0, notice: 0, warning: 0, cap: 0 },
    origin: null,
    assignedThrough: 0,
    dayReportsDone: [],
    settledThrough: 0,
    stepsTaken: {},
    warningDates: [],
    capReference: null,
    liftedMs: null,
    workSummaryDone: false,
  };
}

/**
 * Records of settled days (older than the last settled one) and old notices stay in the PostgreSQL
 * event log (`stateAt` folds them back for auditors) but no longer travel with the workflow.
 */
export function compactState(s: EpisodeState, settledThrough: number): EpisodeState {
  const keepDay = (day: ReportSlot | null) => typeof day !== 'number' || day >= settledThrough;
  const reports: EpisodeState['reports'] = {};
  for (const [day, byUnit] of Object.entries(s.reports))
    if (Number(day) >= settledThrough) reports[day] = byUnit;
  const electricity: EpisodeState['electricity'] = {};
  const days = Object.keys(s.electricity).sort();
  for (const [i, day] of days.entries()) {
    const entry = s.electricity[day]!;
    electricity[day] = i >= days.length - 2 ? entry : { ...entry, nonCompliantIds: [] };
  }
  return {
    ...s,
    duties: s.duties.filter(
      (d) => keepDay(d.responseDay) && !(d.dutyId.startsWith('2.6:') && d.status !== 'pending'),
    ),
    reports,
    notices: s.notices.slice(-50),
    openEscalations: s.openEscalations.filter((e) => keepDay(e.responseDay)),
    electricity,
  };
}
