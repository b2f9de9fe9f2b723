/**
 * What a consultation leads to: a proposal to the commander (start, change or lift, with the plan's
 * reasons — or a provincial directive's level), an early response, or nothing. A pure function of
 * (plan, the episode's state, the forecast).
 */
import { type ForecastDay, type RuleReason, adviseProcess, adviseTransition } from './classify.js';
import type { ProposalKind, ProvincialDirective } from './events.js';
import { LEVEL_RANK, type LevelOrNone, type ResponsePlan, type WarningLevel } from './plan-types.js';
import { cstFullDateWords } from './time-words.js';
import { levelName, proposalAction } from './wording.js';

export type ConsultationOutcome =
  | { action: 'propose'; kind: ProposalKind; level: LevelOrNone; reasons: RuleReason[] }
  | { action: 'early-response'; reasons: RuleReason[] }
  /** The early response in force ends: the forecast no longer shows a process (五(二)1). */
  | { action: 'end-early-response'; reason: string }
  | { action: 'none' };

export interface ConsultedEpisode {
  level: LevelOrNone;
  earlyResponseActive: boolean;
  phase: string;
  /** An early response proposed to the office and not yet decided. */
  pendingEarlyResponse?: unknown;
  /**
   * The process's elapsed days (their AQI as known: the forecast at the time): given, a level change
   * judges the whole process (adviseProcess); absent, the new forecast alone (runs before the rule).
   */
  elapsed?: ReadonlyArray<ForecastDay>;
}

/** The reason an early response ends by itself, as the units read it. */
export const EARLY_RESPONSE_OVER = '最新会商研判预报不再出现污染过程，提前应对结束';

export function consultationOutcome(
  plan: ResponsePlan,
  episode: ConsultedEpisode,
  forecast: readonly ForecastDay[],
  directedLevel?: WarningLevel,
): ConsultationOutcome {
  if (directedLevel) {
    if (directedLevel === episode.level) return { action: 'none' };
    const reason: RuleReason = {
      level: directedLevel,
      ruleId: 'province',
      rule: `省级预警启动指令：${levelName(plan, directedLevel)}`,
      days: [],
    };
    const kind = episode.level === 'none' ? 'start' : 'change';
    return { action: 'propose', kind, level: directedLevel, reasons: [reason] };
  }
  const advice = episode.elapsed
    ? adviseProcess(plan, episode.level, episode.elapsed, forecast)
    : adviseTransition(plan, episode.level, forecast);
  switch (advice.action) {
    case 'start':
      return { action: 'propose', kind: 'start', level: advice.level, reasons: advice.reasons };
    case 'raise':
    case 'lower':
      return { action: 'propose', kind: 'change', level: advice.level, reasons: advice.reasons };
    case 'lift':
      return { action: 'propose', kind: 'lift', level: 'none', reasons: advice.reasons };
  }
  if (episode.level !== 'none' || episode.phase === 'lifting') return { action: 'none' };
  if (advice.earlyResponse && !episode.earlyResponseActive && !episode.pendingEarlyResponse)
    return { action: 'early-response', reasons: advice.reasons };
  if (!advice.earlyResponse && episode.earlyResponseActive)
    return { action: 'end-early-response', reason: EARLY_RESPONSE_OVER };
  return { action: 'none' };
}

export interface PendingLike {
  proposalId: string;
  kind: ProposalKind;
  level: LevelOrNone;
}

export interface ConsultationDecision {
  /** Why the pending proposal is withdrawn, or null when it stands (or there is none). */
  withdraw: string | null;
  outcome: ConsultationOutcome;
}

/**
 * What a consultation leads to under the plan's rules of the real calendar (DOMAIN §3b): a provincial
 * directive sets a floor for the level (it never lowers one) and a provincial lift is a proposal to
 * lift; no later consultation proposes going below the floor; and a consultation that no longer
 * supports the pending proposal withdraws it, saying why.
 */
export function consultationDecision(
  plan: ResponsePlan,
  episode: ConsultedEpisode & { pending: PendingLike | null; floor: WarningLevel | null },
  forecast: readonly ForecastDay[],
  directive?: ProvincialDirective,
): ConsultationDecision {
  let outcome: ConsultationOutcome;
  if (directive?.action === 'lift') {
    outcome =
      episode.level === 'none'
        ? { action: 'none' }
        : {
            action: 'propose',
            kind: 'lift',
            level: 'none',
            reasons: [
              {
                level: 'none',
                ruleId: 'province-lift',
                rule: `省级预警解除指令${directiveWords(directive)}`,
                days: [],
              },
            ],
          };
  } else if (directive?.level) {
    outcome =
      LEVEL_RANK[directive.level] > LEVEL_RANK[episode.level]
        ? consultationOutcome(plan, episode, forecast, directive.level)
        : { action: 'none' };
    if (outcome.action === 'propose') outcome.reasons[0]!.rule += directiveWords(directive);
  } else {
    outcome = aboveFloor(plan, episode, consultationOutcome(plan, episode, forecast));
  }
  const pending = episode.pending;
  if (!pending) return { withdraw: null, outcome };
  if (outcome.action === 'propose' && outcome.kind === pending.kind && outcome.level === pending.level)
    return { withdraw: null, outcome: { action: 'none' } };
  const was = proposalAction(plan, pending.kind, pending.level, episode.level);
  const now =
    outcome.action === 'propose'
      ? `最新会商研判建议${proposalAction(plan, outcome.kind, outcome.level, episode.level)}`
      : '最新会商研判结果已不再满足该建议的条件';
  return { withdraw: `${now}，原“${was}”的建议（编号：${pending.proposalId}）撤回`, outcome };
}

/** Keeps a proposal from going below the provincial floor: lowered to the floor, or dropped. */
function aboveFloor(
  plan: ResponsePlan,
  episode: ConsultedEpisode & { floor: WarningLevel | null },
  outcome: ConsultationOutcome,
): ConsultationOutcome {
  const floor = episode.floor;
  if (!floor || outcome.action !== 'propose' || outcome.kind === 'start') return outcome;
  if (LEVEL_RANK[outcome.level] >= LEVEL_RANK[floor]) return outcome;
  if (LEVEL_RANK[episode.level] <= LEVEL_RANK[floor]) return { action: 'none' };
  const rule = `省级预警指令要求不低于${levelName(plan, floor)}`;
  return {
    action: 'propose',
    kind: 'change',
    level: floor,
    reasons: [{ level: floor, ruleId: 'province-floor', rule, days: [] }],
  };
}

/** '（文件，辽重污染应急办〔2026〕12号，2026年12月1日）' */
function directiveWords(d: ProvincialDirective): string {
  const parts = [d.kind, d.number, d.date ? cstFullDateWords(d.date) : undefined].filter(Boolean);
  return `（${parts.join('，')}）`;
}
