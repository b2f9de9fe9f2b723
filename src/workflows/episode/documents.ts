/**
 * The office's documents: the daily response report of each response day (三.2, after the day's
 * electricity accounting) to the task-force leaders, and the work summary once the summaries are in,
 * which closes the episode.
 */
import { patched } from '@temporalio/workflow';
import type { DocumentRequest } from '../../activities/documents.js';
import {
  type EpisodeState,
  dailyReportVars,
  dayReportOverview,
  reportItemLabel,
  workSummaryOverview,
} from '../../domain/index.js';
import { documents } from './activities.js';
import { dateOfDay } from './calendar.js';
import { obliged } from './duties.js';
import { assessElectricity } from './electricity.js';
import { submitted } from './ladder.js';
import { notify } from './notify.js';
import { sendWorkSummary } from './office.js';
import { type EpisodeRun, emit, nowIso } from './run.js';

type Duty = EpisodeState['duties'][number];

const dutyFact = (d: Duty) => ({
  dutyId: d.dutyId,
  unitId: d.unitId,
  status: d.status,
  responseDay: d.responseDay,
  dueAt: d.dueAt,
});

function lateFacts(run: EpisodeRun, duties: Duty[]) {
  const { state } = run;
  return duties
    .filter((d) => d.dueAt !== null && (d.status === 'late' || d.status === 'overdue'))
    .slice(0, 100)
    .map((d) => {
      const report =
        d.responseDay === 'summary'
          ? state.summaries[d.unitId]
          : state.reports[String(d.responseDay)]?.[d.unitId];
      return {
        unitId: d.unitId,
        item: reportItemLabel(d.responseDay!),
        dueAt: d.dueAt!,
        ...(report ? { submittedAt: report.at } : {}),
      };
    });
}

/** What the workflow knows, for a document (the activity adds names and electricity details). */
function documentRequest(
  run: EpisodeRun,
  kind: 'daily-report' | 'work-summary',
  key: string,
  extra: Pick<DocumentRequest, 'overview' | 'duties' | 'lateUnits' | 'electricityDays'> &
    Partial<Pick<DocumentRequest, 'responseDay' | 'reportDate'>>,
): DocumentRequest {
  const { state, plan } = run;
  return {
    episodeId: run.episodeId,
    kind,
    key,
    planId: plan.id,
    planVersion: plan.version,
    jurisdiction: run.input.jurisdiction,
    exercise: run.input.exercise,
    issuedAt: nowIso(run),
    earlyResponseFrom: run.earlyStartedAt,
    warnings: state.warnings,
    decisions: state.decisions.map((d) => ({ decision: d.decision, level: d.level, at: d.at, by: d.by })),
    // the daily report lists that day's notices; the work summary reads them all from the event log
    notices:
      extra.responseDay === undefined
        ? []
        : state.notices
            .filter((n) => n.responseDay === extra.responseDay)
            .map((n) => ({ unitId: n.unitId, at: n.at, reason: n.reason })),
    forecast: run.forecast,
    liftedAt: state.liftedAt,
    ...extra,
  };
}

/** The daily response report of day k, after the accounting of the day before. */
export async function produceDayReport(run: EpisodeRun, k: number): Promise<void> {
  const { schedule, plan } = run;
  const date = dateOfDay(run, k);
  const previous = k > 1 ? schedule.warningDates.find((d) => d.date === dateOfDay(run, k - 1)) : undefined;
  if (previous) await assessElectricity(run, previous.date, previous.level);
  const units = obliged(run);
  const received = units.filter((u) => submitted(run, k, u));
  const late = units.filter((u) => run.state.reports[String(k)]?.[u]?.late || !submitted(run, k, u));
  const dayDuties = run.state.duties.filter((d) => d.responseDay === k);
  const doc = await documents.produceDocument(
    documentRequest(run, 'daily-report', `day-${k}`, {
      responseDay: k,
      reportDate: date,
      overview: [dayReportOverview(plan, k, date, units.length, received.length, late)],
      duties: dayDuties.map(dutyFact),
      lateUnits: lateFacts(run, dayDuties),
      electricityDays: previous ? [previous.date] : [],
    }),
  );
  emit(run, {
    type: 'document.produced',
    at: nowIso(run),
    actor: 'system',
    kind: 'daily-response-report',
    documentId: doc.documentId,
    responseDay: k,
  });
  const vars = dailyReportVars(plan, k, date, units.length, received.length, late, doc.documentId);
  notify(run, `daily-report:${k}`, 'dailyResponseReport', run.plan.roles.leaders, vars);
  schedule.dayReportsDone.push(k);
}

/** Every day's accounting, the work summary to the city government and the province, and the close. */
export async function finish(run: EpisodeRun): Promise<void> {
  const { schedule, plan } = run;
  for (const d of schedule.warningDates) await assessElectricity(run, d.date, d.level);
  const units = obliged(run);
  const missing = units.filter((u) => !submitted(run, 'summary', u));
  const doc = await documents.produceDocument(
    documentRequest(run, 'work-summary', 'final', {
      overview: workSummaryOverview(
        plan,
        schedule.assignedThrough,
        run.state.warnings.length,
        units.length,
        missing,
      ),
      duties: run.state.duties
        .filter((d) => d.responseDay === 'summary' || d.responseDay === null)
        .map(dutyFact),
      lateUnits: lateFacts(run, run.state.duties),
      electricityDays: schedule.warningDates.map((d) => d.date),
    }),
  );
  emit(run, {
    type: 'document.produced',
    at: nowIso(run),
    actor: 'system',
    kind: 'work-summary',
    documentId: doc.documentId,
  });
  schedule.workSummaryDone = true;
  // Runs started before this patch sent the work summary at once; now it is a draft until the office
  // signs it off (签发), and the episode stays open until then.
  if (patched('work-summary-signed-off')) {
    emit(run, { type: 'work-summary.drafted', at: nowIso(run), actor: 'system', documentId: doc.documentId });
    notify(run, 'work-summary:draft', 'workSummaryDraft', [plan.roles.office], {
      documentId: doc.documentId,
    });
    return;
  }
  sendWorkSummary(run, doc.documentId);
}
