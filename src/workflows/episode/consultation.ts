/**
 * Consultations and proposals: records what a consultation found, and carries out what
 * `consultationDecision` decides — withdrawing a pending proposal it no longer supports, a proposal to
 * the commander (who is told at once), an early response proposed to the office or ended; a
 * provincial directive sets a floor.
 */
import { patched } from '@temporalio/workflow';
import {
  type ConsultationOutcome,
  type ForecastDay,
  type LevelOrNone,
  type PendingProposal,
  type ProvincialDirective,
  type ProposalKind,
  type RuleReason,
  classifyForecast,
  consultationDecision,
  consultationOutcome,
  cstDate,
  cstDateTimeWords,
  earlyResponse,
  forecastSummary,
  livedDays,
  proposalAction,
} from '../../domain/index.js';
import type { ConsultationInput, ConsultationResult } from '../definitions.js';
import { notify } from './notify.js';
import { endEarlyResponse, proposeEarlyResponse, withdrawEarlyResponse } from './office.js';
import { startEarlyResponse } from './response.js';
import { type EpisodeRun, emit, now, nowIso } from './run.js';
import { actorOf, validateForecast } from './validators.js';

/** How a proposal is worded when not from a consultation (e.g. on observation: #14.3). */
export interface ProposalWording {
  template: string;
  vars: Record<string, string>;
}

/** Proposes a start, change or lift to the commander, who is told at once. */
export function propose(
  run: EpisodeRun,
  kind: ProposalKind,
  level: LevelOrNone,
  reasons: RuleReason[],
  wording?: ProposalWording,
): void {
  run.schedule.counters.proposal += 1;
  const proposalId = `P${run.schedule.counters.proposal}`;
  emit(run, { type: 'level.proposed', at: nowIso(run), actor: 'system', proposalId, kind, level, reasons });
  const at = Math.max(now(), run.clock);
  const today = cstDate(at);
  const ahead = wording ? run.forecast.filter((d) => d.date >= today) : run.forecast;
  notify(
    run,
    `proposal:${proposalId}`,
    wording?.template ?? 'proposalToCommander',
    [run.plan.roles.commander],
    {
      proposalAction: proposalAction(run.plan, kind, level, run.state.level),
      proposalId,
      consultationAt: wording
        ? cstDateTimeWords(Date.parse(run.state.lastConsultation?.at ?? '') || at)
        : cstDateTimeWords(at),
      forecastSummary: forecastSummary(ahead),
      reasonText: reasons.map((r) => r.rule).join('；') || '满足预警条件',
      ...(wording?.vars ?? {}),
    },
  );
}

/** Runs started before this patch started an early response by themselves and never ended one. */
export const officeConfirmsEarlyResponse = (): boolean => patched('early-response-confirmed-by-office');

function act(run: EpisodeRun, outcome: ConsultationOutcome): void {
  if (outcome.action === 'propose') propose(run, outcome.kind, outcome.level, outcome.reasons);
  else if (outcome.action === 'early-response') {
    if (officeConfirmsEarlyResponse()) proposeEarlyResponse(run, outcome.reasons);
    else startEarlyResponse(run, outcome.reasons);
  } else if (outcome.action === 'end-early-response' && officeConfirmsEarlyResponse())
    endEarlyResponse(run, outcome.reason);
}

/** A proposed early response the new forecast no longer supports (or a warning overtakes) is withdrawn. */
function supersedeEarlyResponse(run: EpisodeRun, warned: boolean, early: boolean): void {
  if (!run.state.pendingEarlyResponse || (early && !warned)) return;
  withdrawEarlyResponse(
    run,
    warned
      ? '最新会商研判建议启动预警，提前应对建议撤回'
      : '最新会商研判结果已不再出现污染过程，提前应对建议撤回',
  );
}

/** The pending proposal is withdrawn, and the commander told why. */
function withdraw(run: EpisodeRun, pending: PendingProposal, reason: string): void {
  emit(run, {
    type: 'proposal.withdrawn',
    at: nowIso(run),
    actor: 'system',
    proposalId: pending.proposalId,
    reason,
  });
  notify(run, `proposal:${pending.proposalId}:withdrawn`, 'proposalWithdrawn', [run.plan.roles.commander], {
    proposalAction: proposalAction(run.plan, pending.kind, pending.level, run.state.level),
    proposalId: pending.proposalId,
    withdrawReason: reason,
  });
}

/** The directive of a consultation: given in full, or a bare directed level read as a 文件. */
function directiveOf(c: ConsultationInput): ProvincialDirective | undefined {
  if (c.directive) return c.directive;
  return c.directedLevel ? { kind: '文件', action: 'level', level: c.directedLevel } : undefined;
}

/**
 * The process's days before the new forecast's first day, each with its observed AQI where a
 * complete observation is known, else its AQI as last forecast before it passed (`livedDays`).
 */
function elapsedDays(run: EpisodeRun, forecast: ConsultationInput['forecast']): ForecastDay[] {
  return livedDays(
    run.schedule.dayAqi ?? {},
    run.state.observed ?? {},
    run.schedule.origin?.firstDay,
    forecast[0]?.date ?? '',
  );
}

function rememberForecast(run: EpisodeRun, forecast: ConsultationInput['forecast']): void {
  const known = { ...(run.schedule.dayAqi ?? {}) };
  for (const day of forecast) known[day.date] = day;
  run.schedule.dayAqi = known;
}

/** Records a consultation (its forecast validated again) and acts on its outcome. */
export function consult(run: EpisodeRun, c: ConsultationInput): ConsultationResult {
  const { plan, schedule } = run;
  validateForecast(c.forecast);
  run.forecast = c.forecast;
  schedule.counters.consultation += 1;
  const consultationId = `C${schedule.counters.consultation}`;
  const classification = classifyForecast(plan, c.forecast);
  const early = earlyResponse(plan, c.forecast).early;
  // Runs started before this patch let a later consultation leave a pending proposal it no longer
  // supported approvable, and took a provincial directive below the level in force as a downgrade.
  const rules = patched('consultation-supersedes-proposal');
  const directive = directiveOf(c);
  const pendingBefore = run.state.pendingProposal;
  const floorBefore = run.state.directedFloor ?? null;
  emit(run, {
    type: 'consultation.recorded',
    at: nowIso(run),
    actor: actorOf(c.actor),
    consultationId,
    days: c.forecast,
    classification,
    early: classification.level === 'none' && early,
    ...(rules && directive ? { directive } : {}),
    ...(c.record ? { record: c.record } : {}),
  });
  if (rules) {
    // Runs started before this patch judged a level change on the new forecast alone.
    const elapsed = patched('level-change-judges-whole-process') ? elapsedDays(run, c.forecast) : undefined;
    const decision = consultationDecision(
      plan,
      { ...run.state, pending: pendingBefore, floor: floorBefore, ...(elapsed ? { elapsed } : {}) },
      c.forecast,
      directive,
    );
    if (decision.withdraw !== null && pendingBefore) withdraw(run, pendingBefore, decision.withdraw);
    supersedeEarlyResponse(run, classification.level !== 'none', early);
    act(run, decision.outcome);
  } else act(run, consultationOutcome(plan, run.state, c.forecast, c.directedLevel));
  rememberForecast(run, c.forecast);
  return {
    consultationId,
    level: classification.level,
    earlyResponse: run.state.earlyResponseActive,
    proposal: run.state.pendingProposal,
    seq: run.seq,
  };
}
