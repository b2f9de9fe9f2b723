/**
 * Principals and tokens from the command line (against DATABASE_URL / the embedded PostgreSQL of config):
 *
 *   node --import tsx src/cli/principals.ts create <id> --role <role> [--unit <unit>] [--name <name>]
 *   node --import tsx src/cli/principals.ts token <id> [--label <label>] [--expires-in-days <n>]
 *   node --import tsx src/cli/principals.ts list
 *   node --import tsx src/cli/principals.ts revoke <id>
 *   node --import tsx src/cli/principals.ts disable <id> | enable <id>
 *
 * `token` prints the token once; only its SHA-256 is stored.
 */
import { parseArgs } from 'node:util';
import {
  PrincipalError,
  createPrincipal,
  issueToken,
  listPrincipals,
  revokeTokens,
  setDisabled,
} from '../api/principal-store.js';
import { loadConfig } from '../config.js';
import { ROLES, type Role } from '../domain/index.js';
import { createPool } from '../db/pool.js';
import { runIfMain } from './run.js';

const USAGE = `usage:
  principals create <id> --role <${ROLES.join('|')}> [--unit <unit>] [--name <name>]
  principals token <id> [--label <label>] [--expires-in-days <n>]
  principals list
  principals revoke <id>
  principals disable <id> | enable <id>`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      unit: { type: 'string' },
      name: { type: 'string' },
      label: { type: 'string' },
      'expires-in-days': { type: 'string' },
    },
  });
  const [command, id] = positionals;
  const config = loadConfig();
  const pool = createPool(config.databaseUrl, 2);
  try {
    switch (command) {
      case 'create': {
        if (!id || !values.role) break;
        const { principal, created } = await createPrincipal(pool, {
          id,
          role: values.role as Role,
          ...(values.unit ? { unit: values.unit } : {}),
          ...(values.name ? { name: values.name } : {}),
        });
        process.stdout.write(`${JSON.stringify({ ...principal, created })}\n`);
        return 0;
      }
      case 'token': {
        if (!id) break;
        const days = values['expires-in-days'] ? Number(values['expires-in-days']) : undefined;
        const issued = await issueToken(pool, id, {
          ...(values.label ? { label: values.label } : {}),
          ...(days ? { expiresInDays: days } : {}),
        });
        process.stdout.write(`${JSON.stringify(issued)}\n`);
        return 0;
      }
      case 'list':
        for (const p of await listPrincipals(pool)) process.stdout.write(`${JSON.stringify(p)}\n`);
        return 0;
      case 'revoke': {
        if (!id) break;
        process.stdout.write(
          `${JSON.stringify({ principalId: id, revoked: await revokeTokens(pool, id) })}\n`,
        );
        return 0;
      }
      case 'disable':
      case 'enable': {
        if (!id) break;
        const updated = await setDisabled(pool, id, command === 'disable');
        if (!updated) {
          process.stderr.write(`not_found: principal ${id} not found\n`);
          return 1;
        }
        process.stdout.write(`${JSON.stringify(updated)}\n`);
        return 0;
      }
    }
    process.stderr.write(`${USAGE}\n`);
    return 2;
  } catch (err) {
    if (err instanceof PrincipalError) {
      process.stderr.write(`${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await pool.end();
  }
}

runIfMain(import.meta.url, main);
