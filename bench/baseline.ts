/**
 * Runs the baseline (bench/baseline-workflow.ts) on the same dev server: `workflows` bare workflows at
 * once, each doing one episode-day's worth of activities, timers and updates (counted from our
 * recorded histories), updates sent by the Temporal client, queries at the same fixed rate as the
 * episode reads. Its worker is a child process, measured like ours.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { BaselineInput, baselineWorkflow } from './baseline-workflow.js';
import { measureProcess, sleep, startNodeChild } from './lib.js';

export interface BaselineResult {
  input: BaselineInput;
  workflows: number;
  wallMs: number;
  worker: { cpuMs: number; maxRssMiB: number };
  temporal: { cpuMs: number; maxRssMiB: number };
  updateLatencies: number[];
  queryLatencies: number[];
  historyEvents: number[];
}

export async function runBaseline(o: {
  client: Client;
  temporalAddress: string;
  temporalPid: number;
  workflows: number;
  input: BaselineInput;
  queryRate: number;
  log: (line: string) => void;
}): Promise<BaselineResult> {
  const taskQueue = `baseline-${randomUUID()}`;
  const worker = await startNodeChild(
    'bench/baseline-worker.ts',
    { TEMPORAL_ADDRESS: o.temporalAddress, TASK_QUEUE: taskQueue },
    'baseline worker running',
  );
  try {
    const w = await measureProcess(worker.pid);
    const t = await measureProcess(o.temporalPid);
    const t0 = performance.now();
    const handles = await Promise.all(
      Array.from({ length: o.workflows }, (_, i) =>
        o.client.workflow.start<typeof baselineWorkflow>('baselineWorkflow', {
          workflowId: `baseline-${i}-${taskQueue}`,
          taskQueue,
          args: [o.input],
        }),
      ),
    );
    const span = Math.max(1, o.input.timers) * o.input.timerMs;
    const updateLatencies: number[] = [];
    const queryLatencies: number[] = [];
    let querying = true;
    const queries = (async () => {
      let i = 0;
      const gap = 1000 / o.queryRate;
      const next = performance.now();
      const pending: Array<Promise<void>> = [];
      while (querying) {
        const h = handles[i++ % handles.length];
        const q0 = performance.now();
        pending.push(
          (h as (typeof handles)[number])
            .query<{ updates: number }>('state')
            .then(() => {
              queryLatencies.push(performance.now() - q0);
            })
            .catch(() => {}),
        );
        await sleep(Math.max(0, next + i * gap - performance.now()));
      }
      await Promise.all(pending);
    })();
    await Promise.all(
      handles.flatMap((h) =>
        Array.from({ length: o.input.updates }, async (_, k) => {
          await sleep(Math.random() * span * 0.8);
          const u0 = performance.now();
          await h.executeUpdate('report', { args: [{ id: `u${k}`, payload: { k } }], updateId: `u${k}` });
          updateLatencies.push(performance.now() - u0);
        }),
      ),
    );
    await Promise.all(handles.map((h) => h.result()));
    const wallMs = performance.now() - t0;
    querying = false;
    await queries;
    const wr = await w.stop();
    const tr = await t.stop();
    const historyEvents: number[] = [];
    for (const h of handles.slice(0, 20)) historyEvents.push((await h.fetchHistory()).events?.length ?? 0);
    o.log(`  baseline: ${o.workflows} workflows in ${(wallMs / 1000).toFixed(1)} s`);
    return {
      input: o.input,
      workflows: o.workflows,
      wallMs,
      worker: wr,
      temporal: tr,
      updateLatencies,
      queryLatencies,
      historyEvents,
    };
  } finally {
    await worker.stop();
  }
}
