/** The worker process: runs the workflows and activities on the task queue until told to stop. */
import { pathToFileURL } from 'node:url';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { activityDepsFromConfig } from './src/activities/deps.js';
import { createHistoryExportActivities } from './src/activities/history-export.js';
import { ensurePhotoCleanupSchedule } from './src/activities/photo-cleanup.js';
import { ensureFieldWatchSchedule } from './src/adapters/field/watch-schedule.js';
import { type ActivityDeps, createActivities } from './src/activities/index.js';
import { type Config, loadConfig } from './src/config.js';
import { createPool } from './src/db/pool.js';
import { temporalConnectConfig } from './src/temporal/connect-config.js';
import { logger } from './src/logger.js';
import { ensureAirPullSchedule } from './src/ops/air-pull-schedule.js';
import { ensureFilingReminderSchedule } from './src/ops/filing-reminder-schedule.js';
import { ensureHistoryExportSchedule } from './src/ops/history-schedule.js';
import { startTracing, temporalWorkerTracing } from './src/ops/tracing.js';
import { freeLoopbackPort, startWorkerHttp } from './src/ops/worker-http.js';
import { installRuntime, workflowsPath } from './src/temporal/runtime.js';
import { WorkerPair } from './src/temporal/worker-pair.js';
import { messagesTaskQueue } from './src/workflows/task-queues.js';

export { installRuntime, workflowsPath } from './src/temporal/runtime.js';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activityDeps: ActivityDeps;
  /** A prebuilt bundle (tests build one per run); else the workflows are bundled from source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
  /** A client of the same namespace: enables the history exporter's activities. */
  historyClient?: Client;
  /** The message Worker's limits (see MessageLimits); defaults suit tests. */
  messageLimits?: MessageLimits;
}

/** Concurrency and rate limits of the message Worker (config MESSAGES_*). */
export interface MessageLimits {
  maxConcurrent: number;
  /** maxTaskQueueActivitiesPerSecond: across all workers of the queue, enforced by the server. */
  queueActivitiesPerSecond?: number;
  /** maxActivitiesPerSecond: this worker process alone. */
  workerActivitiesPerSecond?: number;
}

export const messageLimitsFromConfig = (config: Config): MessageLimits => ({
  maxConcurrent: config.MESSAGES_MAX_CONCURRENT,
  queueActivitiesPerSecond: config.MESSAGES_QUEUE_ACTIVITIES_PER_SECOND,
  ...(config.MESSAGES_WORKER_ACTIVITIES_PER_SECOND
    ? { workerActivitiesPerSecond: config.MESSAGES_WORKER_ACTIVITIES_PER_SECOND }
    : {}),
});

/**
 * The main Worker (workflows and every activity, messages included for episodes started before
 * messages had a queue of their own) and the message Worker on `<taskQueue>-messages` (notify and
 * publishWarning only, no workflows), as one pair.
 */
export async function createWorker(deps: WorkerDeps): Promise<WorkerPair> {
  const activities = createActivities(deps.activityDeps);
  const limits = deps.messageLimits ?? { maxConcurrent: 10 };
  // with tracing on (src/ops/tracing.ts); a prebuilt bundle must have been built with its workflow module
  const traced = temporalWorkerTracing();
  const activityInterceptors = traced.interceptors?.activity
    ? { activity: traced.interceptors.activity }
    : {};
  const messages = await Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: messagesTaskQueue(deps.taskQueue),
    activities: { notify: activities.notify, publishWarning: activities.publishWarning },
    maxConcurrentActivityTaskExecutions: limits.maxConcurrent,
    interceptors: activityInterceptors,
    ...(limits.queueActivitiesPerSecond
      ? { maxTaskQueueActivitiesPerSecond: limits.queueActivitiesPerSecond }
      : {}),
    ...(limits.workerActivitiesPerSecond ? { maxActivitiesPerSecond: limits.workerActivitiesPerSecond } : {}),
    ...(deps.identity ? { identity: `${deps.identity}:messages` } : {}),
  });
  const main = await Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities: {
      ...activities,
      ...(deps.historyClient
        ? createHistoryExportActivities({ pool: deps.activityDeps.pool, client: deps.historyClient })
        : {}),
    },
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath }),
    ...(traced.interceptors
      ? {
          interceptors: deps.workflowBundle ? activityInterceptors : traced.interceptors,
          sinks: traced.sinks ?? {},
        }
      : {}),
    // After a restart, tasks for the dead worker's sticky queue fall back to the shared queue quickly.
    stickyQueueScheduleToStartTimeout: '3s',
    ...(deps.identity ? { identity: deps.identity } : {}),
  });
  return new WorkerPair(main, messages);
}

/** Connects, retrying for up to 60 s while the frontend is still starting ("not healthy yet"). */
async function connectWhenReady<T>(connect: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await connect();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

export async function runWorker(config: Config, signal?: AbortSignal, onReady?: () => void): Promise<void> {
  startTracing({ serviceName: 'smog-response-worker' });
  const corePort = config.WORKER_CORE_METRICS_PORT ?? (await freeLoopbackPort());
  installRuntime(corePort);
  const { connectionOptions, namespace } = temporalConnectConfig(config);
  const connection = await connectWhenReady(() => NativeConnection.connect(connectionOptions));
  const clientConnection = await connectWhenReady(() =>
    Connection.connect(connectionOptions as ConnectionOptions),
  );
  const historyClient = new Client({ connection: clientConnection, namespace });
  const pool = createPool(config.databaseUrl, config.DATABASE_POOL_MAX);
  try {
    const worker = await createWorker({
      connection,
      namespace,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      activityDeps: await activityDepsFromConfig(config, pool),
      historyClient,
      messageLimits: messageLimitsFromConfig(config),
    });
    await ensureHistoryExportSchedule(historyClient, config.TEMPORAL_TASK_QUEUE).catch((err) =>
      logger.warn({ err }, 'history export schedule not created'),
    );
    await ensureFilingReminderSchedule(historyClient, config.TEMPORAL_TASK_QUEUE).catch((err) =>
      logger.warn({ err }, 'filing reminder schedule not created'),
    );
    if (config.AIR_API_BASE_URL) {
      await ensureAirPullSchedule(historyClient, { taskQueue: config.TEMPORAL_TASK_QUEUE }).catch((err) =>
        logger.warn({ err }, 'provincial air-quality pull schedule not created'),
      );
    }
    signal?.addEventListener(
      'abort',
      () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      },
      { once: true },
    );
    const scheduleConnection = await Connection.connect(connectionOptions as ConnectionOptions);
    try {
      const outcome = await ensurePhotoCleanupSchedule(
        new Client({ connection: scheduleConnection, namespace }),
        {
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          olderThanHours: config.PHOTO_ORPHAN_HOURS,
        },
      );
      logger.info({ outcome }, 'photo clean-up schedule');
      const field = await ensureFieldWatchSchedule(
        new Client({ connection: scheduleConnection, namespace }),
        {
          taskQueue: config.TEMPORAL_TASK_QUEUE,
        },
      );
      logger.info({ outcome: field }, 'field watch schedule');
    } finally {
      await scheduleConnection.close();
    }
    logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
    const running = worker.run();
    const ops = await startWorkerHttp({
      host: config.WORKER_HTTP_HOST,
      port: config.WORKER_HTTP_PORT,
      coreMetricsAddress: `127.0.0.1:${corePort}`,
      state: () => worker.getState(),
      logger,
    });
    logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, health: ops?.url ?? null }, 'worker running');
    onReady?.();
    await running.finally(() => ops?.close());
  } finally {
    await connection.close();
    await clientConnection.close();
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
