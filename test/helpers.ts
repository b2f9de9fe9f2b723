import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { WorkflowBundleOption } from '@temporalio/worker';
import { NativeConnection } from '@temporalio/worker';
import type { WorkerPair } from '../src/temporal/worker-pair.js';
import type pg from 'pg';
import { inject } from 'vitest';
import { createWorker, installRuntime } from '../worker.js';
import { logOnlyActivityDeps } from '../src/activities/deps.js';
import { createPool } from '../src/db/pool.js';

/** The run's one workflow bundle, built by test/global-setup.ts (a file every worker and replayer loads). */
export async function workflowBundle(): Promise<WorkflowBundleOption> {
  return { codePath: inject('workflowBundlePath') };
}

export const uniqueTaskQueue = (prefix = 'test') => `${prefix}-${randomUUID()}`;

export interface IntegrationContext {
  connection: Connection;
  nativeConnection: NativeConnection;
  client: Client;
  pool: pg.Pool;
  /** The run's one workflow bundle. */
  workflowBundle: WorkflowBundleOption;
  close(): Promise<void>;
}

/** Connections to the run's dev server and PostgreSQL (started by test/global-setup.ts). */
export async function integrationContext(): Promise<IntegrationContext> {
  installRuntime();
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const pool = createPool(inject('databaseUrl'), 5);
  return {
    connection,
    nativeConnection,
    client: new Client({ connection }),
    pool,
    workflowBundle: await workflowBundle(),
    async close() {
      await connection.close();
      await nativeConnection.close();
      await pool.end();
    },
  };
}

/** A fresh worker on a unique task queue; `fn` runs while it polls. */
export async function withWorker<T>(
  ctx: IntegrationContext,
  fn: (taskQueue: string, worker: WorkerPair) => Promise<T>,
): Promise<T> {
  const taskQueue = uniqueTaskQueue();
  const worker = await createWorker({
    connection: ctx.nativeConnection,
    namespace: 'default',
    taskQueue,
    activityDeps: logOnlyActivityDeps(ctx.pool),
    workflowBundle: await workflowBundle(),
  });
  return worker.runUntil(fn(taskQueue, worker));
}
