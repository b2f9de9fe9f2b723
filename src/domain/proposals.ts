/**
 * What a consultation leads to: a proposal to the commander (start, change or lift, with the plan's
 * reasons — or a provincial directive's level), an early response, or nothing. A pure function of
 * (plan, the episode's state, the forecast).
 */
import { type ForecastDay, type RuleReason, adviseTransition } from './classify.js';
import type { ProposalKind } from './events.js';
import type { LevelOrNone, ResponsePlan, WarningLevel } from './plan-types.js';
import { levelName } from './wording.js';

export type ConsultationOutcome =
  | { action: 'propose'; kind: ProposalKind; level: LevelOrNone; reasons: RuleReason[] }
  | { action: 'early-response'; reasons: RuleReason[] }
  | { action: 'none' };

export interface ConsultedEpisode {
  level: LevelOrNone;
  earlyResponseActive: boolean;
  phase: string;
}

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
  const advice = adviseTransition(plan, episode.level, forecast);
  switch (advice.action) {
    case 'start':
      return { action: 'propose', kind: 'start', level: advice.level, reasons: advice.reasons };
    case 'raise':
    case 'lower':
      return { action: 'propose', kind: 'change', level: advice.level, reasons: advice.reasons };
    case 'lift':
      return { action: 'propose', kind: 'lift', level: 'none', reasons: advice.reasons };
  }
  if (
    episode.level === 'none' &&
    advice.earlyResponse &&
    !episode.earlyResponseActive &&
    episode.phase !== 'lifting'
  )
    return { action: 'early-response', reasons: advice.reasons };
  return { action: 'none' };
}
