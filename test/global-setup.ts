import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateUp } from '../src/db/migrate.js';
import { workflowsPath } from '../src/temporal/runtime.js';
import { temporalTestServerPath } from '../src/tools/binaries.js';
import { freePort, startDevServer } from '../src/tools/temporal-dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    temporalTestServerPath: string;
    /** The run's one bundle of the workflow code (a file), built here instead of once per test file. */
    workflowBundlePath: string;
  }
}

/**
 * Starts the real servers the integration tests talk to, once per run: PostgreSQL (external by
 * DATABASE_URL, else embedded in a temporary folder) with migrations applied, and an in-memory
 * Temporal dev server; and the workflow code bundled once (while the servers start), handed on as a
 * file path. Tests that need long timers start the time-skipping server themselves.
 */
export default async function setup(project: TestProject) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'smog-test-'));
  await chmod(tmp, 0o755); // PostgreSQL runs as its own user when we are root
  const bundlePath = path.join(tmp, 'workflow-bundle.js');
  const bundled = bundleWorkflowCode({ workflowsPath, logger: quietLogger }).then(({ code }) =>
    writeFile(bundlePath, code),
  );
  bundled.catch(() => {}); // awaited below; a failure there fails the run
  const stops: Array<() => Promise<void>> = [];
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const db = await startEmbeddedPostgres({ databaseDir: path.join(tmp, 'pg'), port: await freePort() });
    stops.push(db.stop);
    databaseUrl = db.url;
  }
  await migrateUp(databaseUrl);
  const temporal = await startDevServer({ port: await freePort() });
  stops.push(temporal.stop);

  const testServer = temporalTestServerPath();
  if (!testServer) throw new Error('temporal-test-server not found: run `npm run setup` first');

  try {
    await bundled;
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw err;
  }
  project.provide('workflowBundlePath', bundlePath);
  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalAddress', temporal.address);
  project.provide('temporalTestServerPath', testServer);

  return async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await rm(tmp, { recursive: true, force: true });
  };
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
