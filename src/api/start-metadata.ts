/**
 * What the Temporal UI shows of an episode from its start: the initial search attributes (the
 * workflow keeps them current afterwards) and a one-line summary in Chinese.
 */
import { TypedSearchAttributes } from '@temporalio/common';
import type { ResponsePlan } from '../domain/index.js';
import type { StartEpisodeInput } from '../contracts/index.js';
import {
  EpisodeExercise,
  EpisodeJurisdiction,
  EpisodeLevel,
  EpisodeOrigin,
  EpisodePhase,
} from '../workflows/search-attributes.js';

/** '2026-12-01' → '2026年12月1日' */
const chineseDate = (iso: string) => {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

export function episodeStartMetadata(input: StartEpisodeInput, plan: ResponsePlan) {
  const jurisdiction =
    plan.jurisdictions.find((j) => j.id === input.jurisdiction)?.name ?? input.jurisdiction;
  const date = input.episodeId.split(':')[2] ?? '';
  const origin = input.origin === 'province' ? '省级预警指令' : '会商研判';
  return {
    typedSearchAttributes: new TypedSearchAttributes([
      { key: EpisodeJurisdiction, value: input.jurisdiction },
      { key: EpisodeLevel, value: input.directedLevel ?? 'none' },
      { key: EpisodePhase, value: 'consultation' },
      { key: EpisodeExercise, value: input.exercise },
      { key: EpisodeOrigin, value: input.origin },
    ]),
    staticSummary: `${input.exercise ? '【演练】' : ''}${jurisdiction}重污染天气应急过程 · ${chineseDate(date)} · ${origin}`,
  };
}
