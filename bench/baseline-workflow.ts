/**
 * The baseline of the benchmark: a bare Temporal workflow doing the same number of activities, timers
 * and updates as one episode-day of ours (the counts come from recorded episode histories of the same
 * run), with no domain logic: a no-op activity, plain sleeps, an update handler that appends an id.
 * Bundled separately (bench/baseline-worker.ts).
 */
import {
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';

export interface BaselineInput {
  activities: number;
  timers: number;
  updates: number;
  /** Length of each timer, ms. */
  timerMs: number;
}

export const baselineUpdate = defineUpdate<{ n: number }, [{ id: string; payload: unknown }]>('report');
export const baselineQuery = defineQuery<{ updates: number; activities: number; timers: number }>('state');

const { noop } = proxyActivities<{ noop(payload: unknown): Promise<unknown> }>({
  startToCloseTimeout: '10 seconds',
});

export async function baselineWorkflow(input: BaselineInput): Promise<{ updates: number }> {
  const received: string[] = [];
  let activitiesDone = 0;
  let timersDone = 0;
  setHandler(baselineUpdate, (u) => {
    received.push(u.id);
    return { n: received.length };
  });
  setHandler(baselineQuery, () => ({
    updates: received.length,
    activities: activitiesDone,
    timers: timersDone,
  }));
  // spread the activities over the timers: after each timer, its share runs concurrently
  let remaining = input.activities;
  const rounds = Math.max(1, input.timers);
  for (let i = 0; i < rounds; i++) {
    if (i < input.timers) {
      await sleep(input.timerMs);
      timersDone += 1;
    }
    const share = Math.ceil(remaining / (rounds - i));
    remaining -= share;
    await Promise.all(
      Array.from({ length: share }, (_, k) => noop({ round: i, k }).then(() => (activitiesDone += 1))),
    );
  }
  await condition(() => received.length >= input.updates);
  return { updates: received.length };
}
