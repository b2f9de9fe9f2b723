/**
 * The update validators: synchronous checks of who may do what in which phase, and of the input's
 * shape. A rejected update changes nothing and leaves no history.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import {
  type Actor,
  DomainError,
  ErrorCode,
  LEVEL_RANK,
  assertConsecutiveForecast,
  checkReportFields,
  commandsEpisode,
  keepsEpisode,
  parseIso,
} from '../../domain/index.js';
import type {
  AcknowledgeInput,
  CloseInput,
  ConsultationInput,
  DecisionInput,
  EarlyResponseDecisionInput,
  ForecastDay,
  NoticeDecisionInput,
  SignWorkSummaryInput,
  Principal,
  ReportInput,
  SummaryInput,
} from '../definitions.js';
import { dayOf, firstReportDay } from './calendar.js';
import { obliged } from './duties.js';
import { type EpisodeRun, now, responding } from './run.js';

/** How far back the API's receipt time of a report is honoured. */
const MAX_RECEIPT_LAG_MS = 60 * 60_000;
/** How far back and ahead an order may set its effective time. */
const MAX_EFFECT_LAG_MS = 60 * 60_000;
const MAX_EFFECT_LEAD_MS = 72 * 3_600_000;
/** How far the API's clock may run ahead of Temporal's. */
const MAX_RECEIPT_SKEW_MS = 2 * 60_000;

export function fail(code: ErrorCode, message: string, details?: unknown): never {
  throw ApplicationFailure.create({
    type: code,
    message,
    nonRetryable: true,
    details: details ? [details] : [],
  });
}

export function actorOf(p: Principal): Actor {
  return p.unit ? { id: p.id, role: p.role, unit: p.unit } : { id: p.id, role: p.role };
}

function requireRole(p: Principal, ...roles: Principal['role'][]): void {
  if (!roles.includes(p.role))
    fail(ErrorCode.FORBIDDEN, `role ${p.role} may not do this (needs ${roles.join(' or ')})`);
}

/** The episode's keeper: the city's office, or the plan's own office (a county's branch). */
function requireKeeper(run: EpisodeRun, p: Principal): void {
  if (!keepsEpisode(run.plan, p))
    fail(
      ErrorCode.FORBIDDEN,
      `${p.id} does not keep episodes of ${run.plan.jurisdiction} (${run.plan.name})`,
    );
}

function requireOpen(run: EpisodeRun): void {
  if (run.state.phase === 'closed') fail(ErrorCode.INVALID_TRANSITION, 'the episode is closed');
}

export function validateForecast(days: ForecastDay[]): void {
  try {
    assertConsecutiveForecast(days);
  } catch (err) {
    if (err instanceof DomainError) fail(err.code, err.message, err.details);
    throw err;
  }
}

export function validateConsultation(run: EpisodeRun, c: ConsultationInput): void {
  if (c.actor.role !== 'province') requireKeeper(run, c.actor);
  requireOpen(run);
  if (run.state.phase === 'lifting')
    fail(ErrorCode.INVALID_TRANSITION, 'the warning was lifted; start a new episode');
  validateForecast(c.forecast);
}

export function validateDecision(run: EpisodeRun, d: DecisionInput): void {
  const { state } = run;
  requireRole(d.actor, 'commander');
  if (!commandsEpisode(run.plan, d.actor)) {
    const commander = run.plan.units.find((u) => u.id === run.plan.roles.commander)?.name;
    fail(ErrorCode.FORBIDDEN, `only ${commander ?? run.plan.roles.commander} orders this episode's warning`);
  }
  requireOpen(run);
  const pending = state.pendingProposal;
  if (d.effectiveAt !== undefined) validateEffectiveAt(d.effectiveAt);
  switch (d.decision) {
    case 'approve':
    case 'decline': {
      const withdrawn = state.withdrawnProposals?.find((w) => w.proposalId === d.proposalId);
      if (withdrawn)
        fail(ErrorCode.STALE_PROPOSAL, `proposal ${withdrawn.proposalId} was withdrawn: ${withdrawn.reason}`);
      if (!pending) fail(ErrorCode.INVALID_TRANSITION, `nothing to ${d.decision}: no proposal is pending`);
      if (d.proposalId !== pending.proposalId) {
        fail(
          ErrorCode.STALE_PROPOSAL,
          `proposal ${d.proposalId ?? '(none)'} is not the pending one (${pending.proposalId})`,
        );
      }
      break;
    }
    case 'order-level':
      if (!d.level || !(d.level in LEVEL_RANK) || d.level === ('none' as string)) {
        fail(ErrorCode.VALIDATION, 'order-level needs a level: yellow, orange or red');
      }
      if (d.level === state.level)
        fail(ErrorCode.INVALID_TRANSITION, `the ${d.level} warning is already in force`);
      if (state.phase === 'lifting')
        fail(ErrorCode.INVALID_TRANSITION, 'the warning was lifted; start a new episode');
      break;
    case 'lift':
      if (state.level === 'none')
        fail(ErrorCode.INVALID_TRANSITION, 'no warning is in force: nothing to lift');
      break;
    default:
      fail(ErrorCode.VALIDATION, `unknown decision ${String(d.decision)}`);
  }
}

/** When an order takes effect: an ISO date-time at most an hour back and three days ahead. */
function validateEffectiveAt(effectiveAt: string): void {
  function bad(message: string): never {
    fail(ErrorCode.VALIDATION, `effectiveAt: ${message}`, { issues: [{ path: 'effectiveAt', message }] });
  }
  let t: number;
  try {
    t = parseIso(effectiveAt);
  } catch {
    bad(`not an ISO date-time with offset: ${effectiveAt}`);
  }
  if (t < now() - MAX_EFFECT_LAG_MS) bad('more than an hour ago');
  if (t > now() + MAX_EFFECT_LEAD_MS) bad('more than three days ahead');
}

/** A receipt time must be an ISO date-time, at most an hour old and not ahead of the clock by more than the allowed skew. */
function validateReceipt(receivedAt: string | undefined): void {
  if (receivedAt === undefined) return;
  function bad(message: string): never {
    fail(ErrorCode.VALIDATION, `receivedAt: ${message}`, { issues: [{ path: 'receivedAt', message }] });
  }
  let t: number;
  try {
    t = parseIso(receivedAt);
  } catch {
    bad(`not an ISO date-time with offset: ${receivedAt}`);
  }
  if (t < now() - MAX_RECEIPT_LAG_MS) bad('more than an hour ago; submit again');
  if (t > now() + MAX_RECEIPT_SKEW_MS) bad('in the future');
}

/** The last response day a report may be filed for: the days assigned, and today once it has begun. */
export function openThrough(run: EpisodeRun): number {
  const { schedule } = run;
  if (!responding(run) || !schedule.origin) return schedule.assignedThrough;
  return Math.max(schedule.assignedThrough, dayOf(run, now()));
}

export function validateReport(run: EpisodeRun, r: ReportInput): void {
  requireOpen(run);
  requireRole(r.actor, 'unit', 'office');
  if (r.actor.role === 'unit' && r.actor.unit !== r.unitId) {
    fail(ErrorCode.FORBIDDEN, `${r.actor.id} reports for ${r.actor.unit ?? 'no unit'}, not for ${r.unitId}`);
  }
  if (!obliged(run).includes(r.unitId))
    fail(ErrorCode.FORBIDDEN, `${r.unitId} files no daily report in this episode`);
  validateReceipt(r.receivedAt);
  const open = openThrough(run);
  const first = firstReportDay(run);
  if (!Number.isInteger(r.responseDay) || r.responseDay < first || r.responseDay > open) {
    const owes = first > 1 ? `；预警生效时已临近或超过当日报送时间，首次报送为第${first}天` : '';
    fail(ErrorCode.VALIDATION, `response day ${r.responseDay} is not open (days ${first}–${open})${owes}`, {
      issues: [
        {
          path: 'responseDay',
          message: r.responseDay < first ? `第${r.responseDay}天无需报送${owes}` : 'no such response day yet',
        },
      ],
    });
  }
  const issues = checkReportFields(run.plan, r.fields).map((i) => ({ ...i, path: `fields.${i.path}` }));
  if (issues.length > 0)
    fail(ErrorCode.VALIDATION, issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
}

export function validateSummary(run: EpisodeRun, s: SummaryInput): void {
  requireOpen(run);
  requireRole(s.actor, 'unit', 'office');
  validateReceipt(s.receivedAt);
  if (s.actor.role === 'unit' && s.actor.unit !== s.unitId)
    fail(ErrorCode.FORBIDDEN, `${s.actor.id} may not file for ${s.unitId}`);
  if (run.schedule.liftedMs === null)
    fail(ErrorCode.INVALID_TRANSITION, 'summaries are due only after the lift');
  if (!obliged(run).includes(s.unitId))
    fail(ErrorCode.FORBIDDEN, `${s.unitId} owes no summary in this episode`);
  if (s.text.trim().length === 0)
    fail(ErrorCode.VALIDATION, 'text: empty', { issues: [{ path: 'text', message: 'empty' }] });
}

export function validateClose(run: EpisodeRun, c: CloseInput): void {
  const { state } = run;
  requireKeeper(run, c.actor);
  requireOpen(run);
  if (c.reason === 'end-early-response') {
    if (!state.earlyResponseActive || state.level !== 'none') {
      fail(ErrorCode.INVALID_TRANSITION, 'no early response (without a warning) is running');
    }
  } else if (c.reason === 'cancel') {
    if (state.level !== 'none' || state.earlyResponseActive || run.schedule.liftedMs !== null) {
      fail(ErrorCode.INVALID_TRANSITION, 'only an episode with no response under way can be cancelled');
    }
  } else fail(ErrorCode.VALIDATION, `unknown reason ${String(c.reason)}`);
}

/** A declining office says why (at most 500 characters). */
function requireReason(decision: string, reason: string | undefined): void {
  if (decision !== 'decline') return;
  const text = reason?.trim() ?? '';
  if (text.length === 0 || text.length > 500) {
    const message = text.length === 0 ? '不予通过时须说明理由' : '理由不超过500字';
    fail(ErrorCode.VALIDATION, `reason: ${message}`, { issues: [{ path: 'reason', message }] });
  }
}

export function validateNoticeDecision(run: EpisodeRun, d: NoticeDecisionInput): void {
  requireKeeper(run, d.actor);
  if (d.decision !== 'issue' && d.decision !== 'decline')
    fail(ErrorCode.VALIDATION, `unknown decision ${String(d.decision)}`, {
      issues: [{ path: 'decision', message: 'issue 或 decline' }],
    });
  const decided =
    run.state.notices.some((n) => n.noticeId === d.noticeId) ||
    run.state.declinedNotices?.some((n) => n.noticeId === d.noticeId);
  if (decided) fail(ErrorCode.INVALID_TRANSITION, `notice ${d.noticeId} was already decided`);
  if (!run.state.proposedNotices?.some((n) => n.noticeId === d.noticeId))
    fail(ErrorCode.NOT_FOUND, `no proposed notice ${d.noticeId}`);
  requireReason(d.decision, d.reason);
  if (
    d.text !== undefined &&
    (d.decision !== 'issue' ||
      typeof d.text !== 'string' ||
      d.text.trim().length < 10 ||
      d.text.length > 2000)
  )
    fail(ErrorCode.VALIDATION, 'notice text: 10 to 2000 characters, when issuing', {
      issues: [{ path: 'text', message: '通报正文应为10至2000字，仅在签发时填写' }],
    });
}

export function validateEarlyResponseDecision(run: EpisodeRun, d: EarlyResponseDecisionInput): void {
  requireKeeper(run, d.actor);
  requireOpen(run);
  if (d.decision !== 'start' && d.decision !== 'decline')
    fail(ErrorCode.VALIDATION, `unknown decision ${String(d.decision)}`, {
      issues: [{ path: 'decision', message: 'start 或 decline' }],
    });
  if (!run.state.pendingEarlyResponse) fail(ErrorCode.INVALID_TRANSITION, 'no early response is proposed');
  requireReason(d.decision, d.reason);
}

export function validateSignWorkSummary(run: EpisodeRun, d: SignWorkSummaryInput): void {
  requireKeeper(run, d.actor);
  const w = run.state.workSummary;
  if (!w) fail(ErrorCode.INVALID_TRANSITION, 'no work summary awaits 签发');
  if (w.signedAt !== null) fail(ErrorCode.INVALID_TRANSITION, 'the work summary was already signed off');
  const signer = typeof d.signer === 'string' ? d.signer.trim() : '';
  if (signer.length === 0 || signer.length > 50) {
    const message = signer.length === 0 ? '须填写签发人' : '签发人不超过50字';
    fail(ErrorCode.VALIDATION, `signer: ${message}`, { issues: [{ path: 'signer', message }] });
  }
}

/** 签收: a unit the notice asks it of, acknowledging for its own unit; again is a no-op, not an error. */
export function validateAcknowledgement(run: EpisodeRun, a: AcknowledgeInput): void {
  requireRole(a.actor, 'unit');
  const record = (run.state.acknowledgements ?? []).find((r) => r.noticeKey === a.noticeKey);
  if (!record)
    fail(ErrorCode.NOT_FOUND, `no notice ${String(a.noticeKey)} awaits acknowledgement`, {
      issues: [{ path: 'noticeKey', message: '没有待签收的该通知' }],
    });
  if (!a.actor.unit || !record.units.includes(a.actor.unit))
    fail(
      ErrorCode.FORBIDDEN,
      `${a.actor.id} (${a.actor.unit ?? 'no unit'}) is not asked to acknowledge ${a.noticeKey}`,
    );
}
