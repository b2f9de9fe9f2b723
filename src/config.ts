import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * Every setting of the product, read from the environment in this one place and validated.
 * Defaults are safe for a laptop: loopback addresses, ports away from common system services,
 * data under `.data/` in the project folder.
 */
const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('.data'),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(18080),
  API_PUBLIC_URL: z.string().url().optional(),
  API_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),

  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:17233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('smog-response'),
  /** When true (the default for `npm start`), the launcher runs a local Temporal dev server. */
  TEMPORAL_EMBEDDED: bool.default(true),
  TEMPORAL_UI_PORT: port.default(18233),
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_TEST_SERVER_PATH: z.string().optional(),

  /** External PostgreSQL; when absent the launcher runs embedded PostgreSQL under DATA_DIR. */
  DATABASE_URL: z.string().optional(),
  EMBEDDED_PG_PORT: port.default(15433),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
});

export type Config = z.infer<typeof configSchema> & {
  dataDir: string;
  projectRoot: string;
  /** DATABASE_URL, or the URL of the embedded server the launcher runs. */
  databaseUrl: string;
};

/** The folder holding package.json (the same from sources and from the compiled dist/). */
export const projectRoot = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const dataDir = path.resolve(projectRoot, parsed.data.DATA_DIR);
  const databaseUrl =
    parsed.data.DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${parsed.data.EMBEDDED_PG_PORT}/smog`;
  return { ...parsed.data, dataDir, projectRoot, databaseUrl };
}
