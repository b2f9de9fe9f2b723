/**
 * The observation feed (#14.3): after hourly station data arrive, tells every open episode what its
 * jurisdiction observed (a signal), so the episode can prompt a consultation or propose a lift.
 * Started by the hourly import; an episode closed meanwhile is skipped.
 */
import { getExternalWorkflowHandle, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ObservationWindow } from '../contracts/activities.js';
import { observedSignal } from './definitions.js';

export { OBSERVATION_FEED_WORKFLOW_TYPE } from './definitions.js';

const { observationsForOpenEpisodes } = proxyActivities<Pick<Activities, 'observationsForOpenEpisodes'>>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 10,
  },
});

export async function observationFeedWorkflow(window: ObservationWindow): Promise<{ episodes: string[] }> {
  const batches = await observationsForOpenEpisodes({ ...window, nowMs: Date.now() });
  const told: string[] = [];
  for (const b of batches) {
    try {
      await getExternalWorkflowHandle(b.episodeId).signal(observedSignal, b.observation);
      told.push(b.episodeId);
    } catch (err) {
      log.info('observation feed: episode no longer running', { episodeId: b.episodeId, error: String(err) });
    }
  }
  return { episodes: told };
}
