/**
 * Keeps the episode's search attributes EpisodeLevel and EpisodePhase current (the API sets them at
 * start), so `temporal workflow list --query "EpisodeLevel = 'orange'"` and the Temporal UI find
 * episodes by where they are now. Upserts only on a change, read against the attributes the run
 * already has (workflowInfo), so it keeps no state of its own and survives continue-as-new.
 */
import { patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { EpisodeLevel, EpisodePhase } from '../search-attributes.js';
import type { EpisodeRun } from './run.js';

export function keepSearchAttributesCurrent(run: EpisodeRun): void {
  const attrs = workflowInfo().typedSearchAttributes;
  const level = run.state.level;
  const phase = run.state.phase;
  if (attrs.get(EpisodeLevel) === level && attrs.get(EpisodePhase) === phase) return;
  // runs from before this patch never upserted; their histories replay unchanged
  if (!patched('episode-search-attributes-current')) return;
  upsertSearchAttributes([
    { key: EpisodeLevel, value: level },
    { key: EpisodePhase, value: phase },
  ]);
}
