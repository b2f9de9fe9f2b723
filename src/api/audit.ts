/**
 * Audit over Temporal: the recorded history of every run of an episode (continue-as-new chains are
 * followed back from the latest run), its JSON export (`temporal workflow show -o json`), and replay
 * of each run against the current workflow code. Shared by the audit routes and `src/cli/audit.ts`.
 */
import { createRequire } from 'node:module';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker, type WorkflowBundleOption, bundleWorkflowCode } from '@temporalio/worker';
import { installRuntime, workflowsPath } from '../temporal/runtime.js';

export type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
export interface RunHistory {
  runId: string;
  history: History;
}

const MAX_RUNS = 1_000;

/** The histories of the runs of a workflow id, oldest first; only `runId` when given. */
export async function fetchRunHistories(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<RunHistory[]> {
  if (runId) {
    return [{ runId, history: await client.workflow.getHandle(workflowId, runId).fetchHistory() }];
  }
  const latest = await client.workflow.getHandle(workflowId).describe();
  const runs: RunHistory[] = [];
  let current: string | undefined = latest.runId;
  while (current && runs.length < MAX_RUNS) {
    const history: History = await client.workflow.getHandle(workflowId, current).fetchHistory();
    runs.unshift({ runId: current, history });
    const started: { continuedExecutionRunId?: string | null } | null | undefined =
      history.events?.[0]?.workflowExecutionStartedEventAttributes;
    current = started?.continuedExecutionRunId || undefined;
  }
  return runs;
}

const requireHere = createRequire(import.meta.url);
type ProtoJson = { toJson(type: unknown, message: unknown): unknown };
let viaProtoPackage: ((history: History) => string) | undefined;
/**
 * The SDK's `historyToJSON`, done with the protobufjs copy that `@temporalio/proto` itself loaded: when
 * npm installs two copies of protobufjs (one under @temporalio/common, one under @temporalio/proto),
 * the SDK's helper fails with "type must be a Type" (an `instanceof` across the copies).
 */
function historyToJsonViaProto(history: History): string {
  if (!viaProtoPackage) {
    const protoRequire = createRequire(requireHere.resolve('@temporalio/proto'));
    const protojson = protoRequire('protobufjs/ext/protojson') as ProtoJson;
    const proto = requireHere('@temporalio/proto') as {
      temporal: { api: { history: { v1: { History: { fromObject(o: unknown): unknown } } } } };
    };
    const { patchProtobufRoot } = requireHere('@temporalio/proto/lib/patch-protobuf-root') as {
      patchProtobufRoot(root: unknown): { lookupType(name: string): unknown };
    };
    const type = patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History');
    viaProtoPackage = (h) =>
      JSON.stringify(protojson.toJson(type, proto.temporal.api.history.v1.History.fromObject(h)), null, 2);
  }
  return viaProtoPackage(history);
}

/** One run as `temporal workflow show -o json` prints it. */
export function historyJson(history: History): string {
  try {
    return historyToJSON(history);
  } catch (err) {
    if (err instanceof TypeError && /must be a Type/.test(err.message)) return historyToJsonViaProto(history);
    throw err;
  }
}

/** Every run, as a JSON document: { workflowId, runs: [{ runId, history }] }. */
export function chainJson(workflowId: string, runs: RunHistory[]): string {
  return `{"workflowId":${JSON.stringify(workflowId)},"runs":[${runs
    .map((r) => `{"runId":${JSON.stringify(r.runId)},"history":${historyJson(r.history)}}`)
    .join(',')}]}`;
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
let bundle: ReturnType<typeof bundleWorkflowCode> | undefined;

/** The current workflow code, bundled once per process. */
export function replayBundle(): ReturnType<typeof bundleWorkflowCode> {
  installRuntime();
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  bundle.catch(() => {
    bundle = undefined;
  });
  return bundle;
}

export interface ReplayOutcome {
  result: 'pass' | 'diverged';
  workflowId: string;
  runs: Array<{ runId: string; events: number; result: 'pass' | 'diverged' | 'not-replayed' }>;
  /** The first divergence: the run and the error the replayer raised. */
  divergence?: { runId: string; error: string; message: string };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Replays each run in order against the current code (`bundle`, else the one bundled here); stops at the
 * first divergence. One replay at a time.
 */
export function replayRuns(
  workflowId: string,
  runs: RunHistory[],
  bundle?: WorkflowBundleOption,
): Promise<ReplayOutcome> {
  const work = queue.then(async () => {
    installRuntime();
    const workflowBundle = bundle ?? (await replayBundle());
    const outcome: ReplayOutcome = {
      result: 'pass',
      workflowId,
      runs: runs.map((r) => ({
        runId: r.runId,
        events: r.history.events?.length ?? 0,
        result: 'not-replayed',
      })),
    };
    for (const [i, run] of runs.entries()) {
      try {
        await Worker.runReplayHistory({ workflowBundle }, run.history, workflowId);
        outcome.runs[i]!.result = 'pass';
      } catch (err) {
        outcome.runs[i]!.result = 'diverged';
        outcome.result = 'diverged';
        outcome.divergence = {
          runId: run.runId,
          error: err instanceof Error ? err.name : 'Error',
          message: (err instanceof Error ? err.message : String(err)).slice(0, 4000),
        };
        break;
      }
    }
    return outcome;
  });
  queue = work.catch(() => {});
  return work;
}

/**
 * Where each domain event (by seq) reached Temporal: the `recordEvents` activity that projected it
 * (run id and the ActivityTaskScheduled event id of the history).
 */
export function correlateEvents(runs: RunHistory[]): Map<number, { runId: string; eventId: string }> {
  const bySeq = new Map<number, { runId: string; eventId: string }>();
  for (const run of runs) {
    for (const e of run.history.events ?? []) {
      const attrs = e.activityTaskScheduledEventAttributes;
      if (attrs?.activityType?.name !== 'recordEvents') continue;
      const payload = attrs.input?.payloads?.[0];
      if (!payload) continue;
      try {
        const input = defaultPayloadConverter.fromPayload<{ events?: Array<{ seq: number }> }>(payload);
        for (const ev of input.events ?? []) {
          if (!bySeq.has(ev.seq)) bySeq.set(ev.seq, { runId: run.runId, eventId: String(e.eventId) });
        }
      } catch {
        // a payload we cannot decode (e.g. encrypted by a codec): leave it uncorrelated
      }
    }
  }
  return bySeq;
}
