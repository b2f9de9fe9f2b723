/**
 * Consultations and proposals: records what a consultation found, and carries out what
 * `consultationOutcome` decides — a proposal to the commander (who is told at once) or an early
 * response.
 */
import {
  type LevelOrNone,
  type ProposalKind,
  type RuleReason,
  classifyForecast,
  consultationOutcome,
  cstDateTimeWords,
  earlyResponse,
  forecastSummary,
  proposalAction,
} from '../../domain/index.js';
import type { ConsultationInput, ConsultationResult } from '../definitions.js';
import { notify } from './notify.js';
import { startEarlyResponse } from './response.js';
import { type EpisodeRun, emit, now, nowIso } from './run.js';
import { actorOf, validateForecast } from './validators.js';

function propose(run: EpisodeRun, kind: ProposalKind, level: LevelOrNone, reasons: RuleReason[]): void {
  run.schedule.counters.proposal += 1;
  const proposalId = `P${run.schedule.counters.proposal}`;
  emit(run, { type: 'level.proposed', at: nowIso(run), actor: 'system', proposalId, kind, level, reasons });
  notify(run, `proposal:${proposalId}`, 'proposalToCommander', ['commander'], {
    proposalAction: proposalAction(run.plan, kind, level, run.state.level),
    proposalId,
    consultationAt: cstDateTimeWords(Math.max(now(), run.clock)),
    forecastSummary: forecastSummary(run.forecast),
    reasonText: reasons.map((r) => r.rule).join('；') || '满足预警条件',
  });
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
  emit(run, {
    type: 'consultation.recorded',
    at: nowIso(run),
    actor: actorOf(c.actor),
    consultationId,
    days: c.forecast,
    classification,
    early: classification.level === 'none' && early,
  });
  const outcome = consultationOutcome(plan, run.state, c.forecast, c.directedLevel);
  if (outcome.action === 'propose') propose(run, outcome.kind, outcome.level, outcome.reasons);
  else if (outcome.action === 'early-response') startEarlyResponse(run, outcome.reasons);
  return {
    consultationId,
    level: classification.level,
    earlyResponse: run.state.earlyResponseActive,
    proposal: run.state.pendingProposal,
    seq: run.seq,
  };
}
