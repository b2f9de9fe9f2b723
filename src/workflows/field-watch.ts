/** One pass of the field watch (escalations, fire points, report contradictions); started by the `field-watch` schedule. */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { fieldWatch } = proxyActivities<Pick<Activities, 'fieldWatch'>>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 10 },
});

export async function fieldWatchWorkflow(
  _input: Record<string, never> = {},
): Promise<{ escalations: number; firePoints: number; flags: number }> {
  // the workflow's clock: deterministic, and skipped forward by the time-skipping test server
  return fieldWatch({ nowMs: Date.now() });
}
