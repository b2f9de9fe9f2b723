import path from 'node:path';
import { runner } from 'node-pg-migrate';
import { projectRoot } from '../config.js';

export const migrationsDir = path.join(projectRoot, 'migrations');

/** Applies every pending migration in `migrations/` (SQL files, node-pg-migrate). Safe to run concurrently. */
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
  return applied.map((m) => m.name);
}
