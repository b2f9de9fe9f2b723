/**
 * Related departments and partners (二.4, 二.5, 二.8): every unit the plan asks something of is told
 * of the warning, its change and its lift, with what it is asked to do (partnerVars).
 */
import { type WarningLevel, partnerVars } from '../../domain/index.js';
import { notify } from './notify.js';
import type { EpisodeRun } from './run.js';

export function tellPartners(
  run: EpisodeRun,
  news: 'issued' | 'changed' | 'lifted',
  level: WarningLevel,
  effectMs: number,
): void {
  const template = news === 'lifted' ? 'partnerLifted' : 'partnerWarning';
  for (const unit of run.plan.units.filter((u) => u.asks)) {
    const vars = partnerVars(run.plan, unit.id, news, level, effectMs);
    notify(run, `partners:${news}:${run.state.eventCount}:${unit.id}`, template, [unit.id], vars);
  }
}
