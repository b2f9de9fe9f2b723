/**
 * 加密会商研判 (二.1, #18.4): during a process (a warning or an early response) the office consults again
 * at least every `deadlines.consultationEveryHours`; past it with no new consultation, the office is
 * told once (per last consultation).
 */
import { patched } from '@temporalio/workflow';
import { consultationDueVars, parseIso } from '../../domain/index.js';
import { scaled } from './calendar.js';
import { notify } from './notify.js';
import { type EpisodeRun, emit, nowIso, responding } from './run.js';

/** Runs started before this patch set no timer for the next consultation. */
const remindsConsultation = (): boolean => patched('consultation-cadence');

/** When the next consultation is due, or null (no process, no plan interval, or already told). */
function dueAt(run: EpisodeRun): number | null {
  const hours = run.plan.deadlines.consultationEveryHours;
  const last = run.state.lastConsultation;
  if (!hours || !last || !responding(run) || run.state.phase === 'lifting') return null;
  if (run.schedule.consultationRemindedFor === last.consultationId) return null;
  return parseIso(last.at) + scaled(run, hours * 3_600_000);
}

export function nextConsultationDueAt(run: EpisodeRun): number | null {
  const at = dueAt(run);
  return at !== null && remindsConsultation() ? at : null;
}

/** Tells the office, once, that a consultation is due. */
export function remindConsultation(run: EpisodeRun, t: number): void {
  const at = dueAt(run);
  if (at === null || at > t || !remindsConsultation()) return;
  const last = run.state.lastConsultation!;
  run.schedule.consultationRemindedFor = last.consultationId;
  emit(run, {
    type: 'consultation.due',
    at: nowIso(run),
    actor: 'system',
    lastConsultationId: last.consultationId,
    lastAt: last.at,
  });
  notify(
    run,
    `consultation:${last.consultationId}:due`,
    'consultationDue',
    [run.plan.roles.office],
    consultationDueVars(run.plan, run.input.jurisdiction, run.state.level, parseIso(last.at)),
  );
}
