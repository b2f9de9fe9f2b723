/**
 * 签收 of the warning notices (#15.6): a warning, its change and its lift ask the units that report
 * and the departments the plan asks something of to acknowledge within the plan's delay; a unit's
 * acknowledgement is recorded once; at the delay the office is told who has not acknowledged.
 */
import { patched } from '@temporalio/workflow';
import {
  type AcknowledgedNews,
  acknowledgedNoticeTitle,
  acknowledgementOverdueVars,
  acknowledgementDelayMs,
  acknowledgingUnits,
  levelName,
  parseIso,
  toCstIso,
} from '../../domain/index.js';
import type { AcknowledgeInput, EpisodeView } from '../definitions.js';
import { scaled } from './calendar.js';
import { notify } from './notify.js';
import { type EpisodeRun, emit, now, nowIso } from './run.js';
import { actorOf } from './validators.js';
import { view } from './view.js';

/** Runs started before this patch asked for no 签收 (and set no timer for it). */
const asksAcknowledgement = (): boolean => patched('warning-acknowledged');

/** Asks for 签收 of the notice just sent under `noticeKey` (the step of its messages). */
export function requestAcknowledgement(
  run: EpisodeRun,
  noticeKey: string,
  news: AcknowledgedNews,
  level: Parameters<typeof levelName>[1],
): void {
  const delay = acknowledgementDelayMs(run.plan);
  if (delay === null || !asksAcknowledgement()) return;
  const sent = Math.max(now(), run.clock);
  emit(run, {
    type: 'acknowledgement.requested',
    at: toCstIso(sent),
    actor: 'system',
    noticeKey,
    news,
    title: acknowledgedNoticeTitle(run.plan, news, levelName(run.plan, level)),
    units: acknowledgingUnits(run.plan, run.input.jurisdiction),
    dueAt: toCstIso(sent + scaled(run, delay)),
  });
}

/** A unit's 签收; a second one of the same notice changes nothing. */
export function acknowledge(run: EpisodeRun, a: AcknowledgeInput): EpisodeView {
  const record = run.state.acknowledgements?.find((r) => r.noticeKey === a.noticeKey);
  const unitId = a.actor.unit as string;
  if (record && !record.acknowledged[unitId])
    emit(run, {
      type: 'notice.acknowledged',
      at: nowIso(run),
      actor: actorOf(a.actor),
      noticeKey: a.noticeKey,
      unitId,
    });
  return view(run);
}

const pendingUnits = (r: { units: string[]; acknowledged: Record<string, string> }) =>
  r.units.filter((u) => !r.acknowledged[u]);

/** At each notice's delay, the office is told once of the units that have not acknowledged it. */
export function chaseAcknowledgements(run: EpisodeRun, t: number): void {
  for (const r of run.state.acknowledgements ?? []) {
    if (r.overdueAt !== null || parseIso(r.dueAt) > t) continue;
    const units = pendingUnits(r);
    if (units.length === 0) continue;
    emit(run, {
      type: 'acknowledgement.overdue',
      at: nowIso(run),
      actor: 'system',
      noticeKey: r.noticeKey,
      units,
    });
    notify(
      run,
      `ack:${r.noticeKey}:overdue`,
      'acknowledgementOverdue',
      [run.plan.roles.office],
      acknowledgementOverdueVars(run.plan, r, units),
    );
  }
}

/** The next 签收 delay still to check, or null. */
export function nextAcknowledgementAt(run: EpisodeRun): number | null {
  const due = (run.state.acknowledgements ?? [])
    .filter((r) => r.overdueAt === null && pendingUnits(r).length > 0)
    .map((r) => parseIso(r.dueAt));
  return due.length > 0 ? Math.min(...due) : null;
}
