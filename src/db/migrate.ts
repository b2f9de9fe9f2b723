import path from 'node:path';
import { runner } from 'node-pg-migrate';
import { projectRoot } from '../config.js';
import { seedRepositoryPlans } from './plan-versions.js';
import { createPool } from './pool.js';

export const migrationsDir = path.join(projectRoot, 'migrations');

/**
 * Applies every pending migration in `migrations/` (SQL files, node-pg-migrate), then seeds the
 * repository's response plans into `plan_versions` (idempotent). Safe to run concurrently.
 */
export async function migrateUp(
  databaseUrl: string,
  log: (msg: string) => void = () => {},
): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Number.POSITIVE_INFINITY,
    checkOrder: true,
    logger: { debug: () => {}, info: log, warn: log, error: log },
  });
  const pool = createPool(databaseUrl, 1);
  try {
    const { inserted, differing } = await seedRepositoryPlans(pool);
    if (inserted.length > 0) log(`response plans seeded: ${inserted.join(', ')}`);
    for (const v of differing) {
      log(`response plan ${v} in the repository differs from its published version; publish a new version`);
    }
  } finally {
    await pool.end();
  }
  return applied.map((m) => m.name);
}
