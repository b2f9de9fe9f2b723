/** The worker process: runs the workflows and activities on the task queue until told to stop. */
import { pathToFileURL } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { activityDepsFromConfig } from './src/activities/deps.js';
import { type ActivityDeps, createActivities } from './src/activities/index.js';
import { type Config, loadConfig } from './src/config.js';
import { createPool } from './src/db/pool.js';
import { logger } from './src/logger.js';
import { installRuntime, workflowsPath } from './src/temporal/runtime.js';

export { installRuntime, workflowsPath } from './src/temporal/runtime.js';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activityDeps: ActivityDeps;
  /** A prebuilt bundle (tests build one per run); else the workflows are bundled from source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
}

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities: createActivities(deps.activityDeps),
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath }),
    // After a restart, tasks for the dead worker's sticky queue fall back to the shared queue quickly.
    stickyQueueScheduleToStartTimeout: '3s',
    ...(deps.identity ? { identity: deps.identity } : {}),
  });
}

export async function runWorker(config: Config, signal?: AbortSignal, onReady?: () => void): Promise<void> {
  installRuntime();
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const pool = createPool(config.databaseUrl, config.DATABASE_POOL_MAX);
  try {
    const worker = await createWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      activityDeps: await activityDepsFromConfig(config, pool),
    });
    signal?.addEventListener(
      'abort',
      () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      },
      { once: true },
    );
    logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
    const running = worker.run();
    onReady?.();
    await running;
  } finally {
    await connection.close();
    await pool.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => controller.abort());
  runWorker(loadConfig(), controller.signal).catch((err) => {
    logger.error({ err }, 'worker failed');
    process.exit(1);
  });
}
