import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateUp } from '../src/db/migrate.js';
import { temporalTestServerPath } from '../src/tools/binaries.js';
import { freePort, startDevServer } from '../src/tools/temporal-dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    temporalTestServerPath: string;
  }
}

/**
 * Starts the real servers the integration tests talk to, once per run: PostgreSQL (external by
 * DATABASE_URL, else embedded in a temporary folder) with migrations applied, and an in-memory
 * Temporal dev server. Tests that need long timers start the time-skipping server themselves.
 */
export default async function setup(project: TestProject) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'smog-test-'));
  await chmod(tmp, 0o755); // PostgreSQL runs as its own user when we are root
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

  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalAddress', temporal.address);
  project.provide('temporalTestServerPath', testServer);

  return async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await rm(tmp, { recursive: true, force: true });
  };
}
