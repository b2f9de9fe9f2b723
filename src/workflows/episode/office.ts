/**
 * The office's own decisions in an episode: the 通报 the ladder proposes (五(四)2: issued or declined,
 * with a reason; only an issued one reaches the units and the work summary), and the early response a
 * consultation proposes (五(二)1: started on the office's confirmation, ended by the office or when
 * consultations no longer show a process), and the 签发 of the drafted work summary (#13.5).
 */
import {
  type ReportSlot,
  type RuleReason,
  cstDeadlineWords,
  earlyResponseProposalVars,
  internalUnits,
  noticeVars,
  parseIso,
  toCstIso,
} from '../../domain/index.js';
import type {
  EarlyResponseDecisionInput,
  EpisodeView,
  NoticeDecisionInput,
  SignWorkSummaryInput,
} from '../definitions.js';
import { summaryDueMs } from './calendar.js';
import { beginSummaries } from './duties.js';
import { notify } from './notify.js';
import { startEarlyResponse } from './response.js';
import { type EpisodeRun, emit, now, nowIso } from './run.js';
import { actorOf } from './validators.js';
import { view } from './view.js';

/** The ladder's last step: a 通报 proposed to the office about `unitId`'s overdue `slot`. */
export function proposeNotice(
  run: EpisodeRun,
  unitId: string,
  slot: ReportSlot,
  dueMs: number,
  reason: string,
): void {
  run.schedule.counters.notice += 1;
  const noticeId = `${run.episodeId}:N${run.schedule.counters.notice}`;
  const dueAt = toCstIso(dueMs);
  const notice = { noticeId, unitId, responseDay: slot, dueAt };
  emit(run, { type: 'notice.proposed', at: nowIso(run), actor: 'system', ...notice, reason });
  notify(
    run,
    `notice:${noticeId}:proposed`,
    'noticeProposed',
    [run.plan.roles.office],
    noticeVars(run.plan, notice, dueMs),
  );
}

/** The office issues the proposed 通报 (to every internal unit) or declines it, saying why. */
export function decideNotice(run: EpisodeRun, d: NoticeDecisionInput): EpisodeView {
  const notice = run.state.proposedNotices!.find((n) => n.noticeId === d.noticeId)!;
  const actor = actorOf(d.actor);
  if (d.decision === 'decline') {
    emit(run, {
      type: 'notice.declined',
      at: nowIso(run),
      actor,
      noticeId: notice.noticeId,
      reason: d.reason!.trim(),
    });
    return view(run);
  }
  emit(run, {
    type: 'notice.circulated',
    at: nowIso(run),
    actor,
    noticeId: notice.noticeId,
    unitId: notice.unitId,
    responseDay: notice.responseDay,
    reason: notice.reason,
    ...(d.text ? { text: d.text.trim() } : {}),
  });
  const vars = noticeVars(run.plan, notice, parseIso(notice.dueAt));
  // the office's own wording, when it wrote one, is what the units read (the title stays the plan's)
  if (d.text)
    notify(run, `notice:${notice.noticeId}`, 'noticeCirculatedAsWritten', internalUnits(run.plan), {
      ...vars,
      noticeText: d.text.trim(),
    });
  else notify(run, `notice:${notice.noticeId}`, 'noticeCirculated', internalUnits(run.plan), vars);
  return view(run);
}

/** A consultation shows a sub-threshold process: the office is asked to start an early response. */
export function proposeEarlyResponse(run: EpisodeRun, reasons: RuleReason[]): void {
  emit(run, { type: 'early-response.proposed', at: nowIso(run), actor: 'system', reasons });
  notify(
    run,
    'early-response:proposed',
    'earlyResponseProposed',
    [run.plan.roles.office],
    earlyResponseProposalVars(reasons, now()),
  );
}

/** The office confirms the proposed early response, or declines it with a reason. */
export function decideEarlyResponse(run: EpisodeRun, d: EarlyResponseDecisionInput): EpisodeView {
  const pending = run.state.pendingEarlyResponse!;
  if (d.decision === 'start') startEarlyResponse(run, pending.reasons);
  else
    emit(run, {
      type: 'early-response.declined',
      at: nowIso(run),
      actor: actorOf(d.actor),
      reason: d.reason!.trim(),
    });
  return view(run);
}

/** A later consultation no longer supports the proposed early response (or proposes a warning). */
export function withdrawEarlyResponse(run: EpisodeRun, reason: string): void {
  emit(run, { type: 'early-response.declined', at: nowIso(run), actor: 'system', reason });
}

/** The early response ends by itself (the consultation shows no process): the units are told, summaries follow. */
export function endEarlyResponse(run: EpisodeRun, reason: string): void {
  emit(run, { type: 'early-response.ended', at: nowIso(run), actor: 'system', reason });
  beginSummaries(run);
  notify(run, 'early-response:ended', 'earlyResponseEnded', internalUnits(run.plan), {
    endReason: reason,
    summaryDueAt: cstDeadlineWords(summaryDueMs(run)),
  });
}

/** The office signs the drafted work summary off (签发): it goes to its recipients and the episode closes. */
export function signWorkSummary(run: EpisodeRun, d: SignWorkSummaryInput): EpisodeView {
  const documentId = run.state.workSummary!.documentId;
  emit(run, {
    type: 'work-summary.signed',
    at: nowIso(run),
    actor: actorOf(d.actor),
    documentId,
    signer: d.signer.trim(),
  });
  sendWorkSummary(run, documentId);
  return view(run);
}

/** The work summary goes to its recipients, and the episode closes. */
export function sendWorkSummary(run: EpisodeRun, documentId: string): void {
  notify(run, 'work-summary', 'workSummary', run.plan.roles.summaryRecipients, { documentId });
  const reason = run.state.warnings.length > 0 ? 'lifted' : 'early-response-ended';
  emit(run, { type: 'episode.closed', at: nowIso(run), actor: 'system', reason });
}
