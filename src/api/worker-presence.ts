/**
 * Whether a worker polls the task queue, from Temporal's task-queue description: a poller seen in
 * the last 90 s (a long poll lasts up to 70 s) on the workflow and on the activity queue.
 */
import type { Client } from '@temporalio/client';

export const POLLER_FRESH_MS = 90_000;

export interface WorkerPresence {
  workflowPollers: number;
  activityPollers: number;
  identities: string[];
}

export async function workerPresence(
  client: Client,
  taskQueue: string,
  deadlineMs: number,
): Promise<WorkerPresence> {
  const namespace = client.options.namespace;
  // temporal.api.enums.v1.TaskQueueType: 1 = workflow, 2 = activity
  const describe = (taskQueueType: 1 | 2) =>
    client.withDeadline(Date.now() + deadlineMs, () =>
      client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType }),
    );
  const [wf, act] = await Promise.all([describe(1), describe(2)]);
  type Poller = { identity?: string | null; lastAccessTime?: { seconds?: unknown } | null };
  const fresh = (pollers: Poller[] | null | undefined) =>
    (pollers ?? []).filter((p) => {
      const s = p.lastAccessTime?.seconds;
      const ms = s === undefined || s === null ? 0 : Number(s) * 1000;
      return Date.now() - ms < POLLER_FRESH_MS;
    });
  const w = fresh(wf.pollers);
  const a = fresh(act.pollers);
  return {
    workflowPollers: w.length,
    activityPollers: a.length,
    identities: [...new Set([...w, ...a].map((p) => p.identity ?? ''))].filter(Boolean).sort(),
  };
}
