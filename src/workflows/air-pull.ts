/**
 * airPullWorkflow (#14.1b): started hourly by the `air-pull` schedule, pulls the last hours from the
 * provincial air-quality platform (late and corrected values replace earlier ones), then runs the
 * observation feed over them as a child workflow. A pull that fails is recorded; once pulls have failed
 * for longer than the plan's delay the office is alerted, once per outage, and told when data return.
 */
import { ActivityFailure, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { airPlatformRecoveredVars, pullWindow } from '../domain/air-platform.js';
import { observationFeedWorkflow } from './observation-feed.js';
import { messagesTaskQueue } from './task-queues.js';

const { pullProvincialAir } = proxyActivities<Pick<Activities, 'pullProvincialAir'>>({
  // the client retries each request with backoff itself, and the schedule pulls again within the hour
  // (the same hours among others): one attempt per run, so a run's failure is recorded at once
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 1 },
});
const { airPullAlertState, markAirPullAlerted } = proxyActivities<
  Pick<Activities, 'airPullAlertState' | 'markAirPullAlerted'>
>({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 10 } });

export interface AirPullInput {
  /** Hours pulled, ending at the last whole hour; default PULL_HOURS (6). */
  hours?: number;
}

export type AirPullResult =
  | { ok: true; fromMs: number; toMs: number; stored: number; skipped: number; episodes: string[] }
  | { ok: false; fromMs: number; toMs: number; error: string; alerted: boolean };

export async function airPullWorkflow(input: AirPullInput = {}): Promise<AirPullResult> {
  const { notify } = proxyActivities<Pick<Activities, 'notify'>>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '1 day',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
    taskQueue: messagesTaskQueue(workflowInfo().taskQueue),
  });
  const window = pullWindow(Date.now(), input.hours);
  try {
    const r = await pullProvincialAir({ window, nowMs: Date.now() });
    let episodes: string[] = [];
    if (r.stored > 0) {
      const fed = await executeChild(observationFeedWorkflow, {
        args: [window],
        workflowId: `${workflowInfo().workflowId}:feed`,
      });
      episodes = fed.episodes;
    }
    if (r.recovered?.alertedAt != null) {
      const { failingSince, planId, planVersion, office } = r.recovered;
      await notify({
        episodeId: 'air-platform',
        step: `air-platform-recovered:${failingSince}`,
        planId,
        planVersion,
        template: 'airPlatformRecovered',
        recipients: [office],
        vars: airPlatformRecoveredVars({ failingSince, recoveredAt: Date.now(), window }),
        exercise: false,
      });
    }
    const skipped = Object.values(r.skipped).reduce((a, b) => a + b, 0);
    return { ok: true, ...window, stored: r.stored, skipped, episodes };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const error = err.cause?.message ?? err.message;
    const alert = await airPullAlertState({ nowMs: Date.now() });
    let alerted = false;
    if (alert?.due) {
      await notify({
        episodeId: 'air-platform',
        step: `air-platform-down:${alert.failingSince}`,
        planId: alert.planId,
        planVersion: alert.planVersion,
        template: 'airPlatformDown',
        recipients: [alert.office],
        vars: alert.vars,
        exercise: false,
      });
      await markAirPullAlerted({ failingSince: alert.failingSince, nowMs: Date.now() });
      alerted = true;
    }
    return { ok: false, ...window, error, alerted };
  }
}
