/** `node dist/src/db/migrate-cli.js`: applies pending migrations to DATABASE_URL (used by docker-compose). */
import { loadConfig } from '../config.js';
import { logger } from '../logger.js';
import { migrateUp } from './migrate.js';

const config = loadConfig();
migrateUp(config.databaseUrl, (m) => logger.info(m))
  .then((applied) => {
    logger.info({ applied }, 'migrations applied');
  })
  .catch((err) => {
    logger.error({ err }, 'migration failed');
    process.exit(1);
  });
