/**
 * Replay: every golden history (test/histories/*.json) plus `target` recorded episode histories
 * (the run's province episodes, each replayed as many times as needed to reach the target) through
 * Worker.runReplayHistories against the current workflow code.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../src/config.js';
import { workflowsPath } from '../worker.js';

type History = temporal.api.history.v1.IHistory;

export interface ReplayResult {
  golden: { count: number; failures: string[]; ms: number };
  recorded: { distinct: number; count: number; failures: string[]; ms: number; events: number };
}

async function replayAll(
  bundle: Awaited<ReturnType<typeof bundleWorkflowCode>>,
  histories: Array<{ workflowId: string; history: History }>,
) {
  const failures: string[] = [];
  const t0 = performance.now();
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
    if (r.error) failures.push(`${r.workflowId}: ${String(r.error).slice(0, 200)}`);
  }
  return { failures, ms: performance.now() - t0 };
}

export async function runReplay(o: {
  client: Client;
  episodeIds: string[];
  target: number;
}): Promise<ReplayResult> {
  const noop = () => {};
  const bundle = await bundleWorkflowCode({
    workflowsPath,
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop } as never,
  });
  const dir = path.join(projectRoot, 'test', 'histories');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const golden = await Promise.all(
    files.map(async (f) => ({
      workflowId: path.basename(f, '.json'),
      history: historyFromJSON(JSON.parse(await readFile(path.join(dir, f), 'utf8'))) as History,
    })),
  );
  const g = await replayAll(bundle, golden);

  const distinct: Array<{ workflowId: string; history: History }> = [];
  for (const id of o.episodeIds) {
    distinct.push({ workflowId: id, history: await o.client.workflow.getHandle(id).fetchHistory() });
  }
  const recorded = Array.from(
    { length: o.target },
    (_, i) => distinct[i % distinct.length] as (typeof distinct)[number],
  );
  const events = recorded.reduce((n, h) => n + (h.history.events?.length ?? 0), 0);
  const r = await replayAll(bundle, recorded);
  return {
    golden: { count: golden.length, ...g },
    recorded: { distinct: distinct.length, count: recorded.length, events, ...r },
  };
}
