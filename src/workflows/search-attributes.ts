/**
 * The episode's search attributes, for listing episodes in the Temporal UI and with
 * `temporal workflow list --query`. Registered on the server (dev server flags, the compose set-up);
 * set at start by the API, kept current by the workflow (upsertSearchAttributes on level/phase changes).
 */
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

export const EpisodeJurisdiction = defineSearchAttributeKey(
  'EpisodeJurisdiction',
  SearchAttributeType.KEYWORD,
);
export const EpisodeLevel = defineSearchAttributeKey('EpisodeLevel', SearchAttributeType.KEYWORD);
export const EpisodePhase = defineSearchAttributeKey('EpisodePhase', SearchAttributeType.KEYWORD);
export const EpisodeExercise = defineSearchAttributeKey('EpisodeExercise', SearchAttributeType.BOOL);
export const EpisodeOrigin = defineSearchAttributeKey('EpisodeOrigin', SearchAttributeType.KEYWORD);

/** name → type as `temporal` CLI flags spell it (`--search-attribute Name=Type`). */
export const EPISODE_SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'Bool'> = {
  EpisodeJurisdiction: 'Keyword',
  EpisodeLevel: 'Keyword',
  EpisodePhase: 'Keyword',
  EpisodeExercise: 'Bool',
  EpisodeOrigin: 'Keyword',
};
