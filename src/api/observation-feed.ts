/**
 * Starts the observation feed after an hourly import (#14.3): one workflow per imported file and
 * window, so a repeated upload of the same file while its feed runs starts nothing twice. A Temporal
 * that cannot be reached does not undo the import (the data are stored); the answer says so.
 */
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ObservationWindow } from '../contracts/activities.js';
import { OBSERVATION_FEED_WORKFLOW_TYPE } from '../workflows/definitions.js';
import type { AppDeps } from './deps.js';

export type FeedStart = 'started' | 'already-running' | 'unavailable';

export async function startObservationFeed(
  deps: AppDeps,
  window: ObservationWindow,
  content: Buffer,
  log?: { warn: (o: object, msg: string) => void },
): Promise<FeedStart> {
  const digest = createHash('sha256').update(content).digest('hex').slice(0, 16);
  try {
    await deps.temporal.workflow.start(OBSERVATION_FEED_WORKFLOW_TYPE, {
      workflowId: `air-feed:${window.fromMs}-${window.toMs}:${digest}`,
      taskQueue: deps.taskQueue,
      args: [window],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-running';
    log?.warn(
      { err },
      'observation feed not started: the open episodes learn of these hours with the next import',
    );
    return 'unavailable';
  }
}
