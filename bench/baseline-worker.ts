/**
 * Worker process of the baseline workflow (bench/baseline-workflow.ts), run as a child of bench/run.ts
 * so its CPU and RSS are measured alone. Env: TEMPORAL_ADDRESS, TASK_QUEUE. Prints "baseline worker
 * running" once polling; SIGTERM shuts it down.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { installRuntime } from '../worker.js';

async function main() {
  installRuntime();
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS as string });
  const noop = () => {};
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./baseline-workflow.ts', import.meta.url)),
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop } as never,
  });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TASK_QUEUE as string,
    workflowBundle,
    activities: { noop: async (payload: unknown) => payload },
    stickyQueueScheduleToStartTimeout: '3s',
  });
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  console.log('baseline worker running');
  await running;
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
