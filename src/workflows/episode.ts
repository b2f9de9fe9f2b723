import { condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import {
  type EpisodeSummary,
  type StartEpisodeInput,
  closeEpisodeUpdate,
  episodeStateQuery,
} from './definitions.js';

const { projectEpisode } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

function cstIso(epochMs: number): string {
  return `${new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

/** The episode of a heavy-pollution process. */
export async function episodeWorkflow(input: StartEpisodeInput): Promise<EpisodeSummary> {
  const state: EpisodeSummary = {
    episodeId: workflowInfo().workflowId,
    jurisdiction: input.jurisdiction,
    phase: 'consultation',
    level: 'none',
    exercise: input.exercise,
    forecast: input.forecast,
    startedAt: cstIso(input.requestedAt),
  };
  let version = 1;
  setHandler(episodeStateQuery, () => state);
  setHandler(closeEpisodeUpdate, async () => {
    state.phase = 'closed';
    state.closedAt = cstIso(Date.now());
    version += 1;
    return state;
  });
  await projectEpisode({ summary: state, version });
  await condition(() => state.phase === 'closed');
  await projectEpisode({ summary: state, version });
  return state;
}
