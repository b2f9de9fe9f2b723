import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker, bundleWorkflowCode } from '@temporalio/worker';
import type pg from 'pg';
import { inject } from 'vitest';
import { createWorker, installRuntime, workflowsPath } from '../worker.js';
import { logOnlyActivityDeps } from '../src/activities/deps.js';
import { createPool } from '../src/db/pool.js';

export type WorkflowBundle = Awaited<ReturnType<typeof bundleWorkflowCode>>;

let bundlePromise: Promise<WorkflowBundle> | undefined;
/** One workflow bundle per test file (each file runs in its own module scope). */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundlePromise ??= bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  return bundlePromise;
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

export const uniqueTaskQueue = (prefix = 'test') => `${prefix}-${randomUUID()}`;

export interface IntegrationContext {
  connection: Connection;
  nativeConnection: NativeConnection;
  client: Client;
  pool: pg.Pool;
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
  fn: (taskQueue: string, worker: Worker) => Promise<T>,
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
