/**
 * `smog principals …`: principals and tokens from the command line, against DATABASE_URL (or the
 * embedded PostgreSQL of the config). Tables for people, `--json` for scripts; `token` and
 * `bootstrap` print the token once (only its SHA-256 is stored).
 */
import { userInfo } from 'node:os';
import {
  PrincipalError,
  createPrincipal,
  issueToken,
  listPrincipals,
  revokeTokens,
  setDisabled,
} from '../api/principal-store.js';
import { type AdminAction, recordAdminAct } from '../api/admin-log.js';
import { loadConfig } from '../config.js';
import { ROLES, type Role } from '../domain/index.js';
import { createPool } from '../db/pool.js';
import { EXIT, type Io, UsageError, parse, positiveInt, printRows, processIo, withUsage } from './args.js';
import { bootstrapAdmin } from './bootstrap.js';
import { runIfMain } from './run.js';

const JSON_OPT = { json: { type: 'boolean' } } as const;
const DAYS_OPT = { 'expires-in-days': { type: 'string' } } as const;

const COMMANDS = {
  bootstrap: {
    usage: `usage: smog principals bootstrap <id> --name <姓名> [--expires-in-days <n>] [--json]
  Creates the first administrator of an installation and prints its token once.
  Refused (exit 1) when an administrator exists already.`,
    options: { name: { type: 'string' }, ...DAYS_OPT, ...JSON_OPT },
  },
  create: {
    usage: `usage: smog principals create <id> --role <${ROLES.join('|')}> [--unit <unit>] [--name <姓名>] [--json]`,
    options: { role: { type: 'string' }, unit: { type: 'string' }, name: { type: 'string' }, ...JSON_OPT },
  },
  token: {
    usage: 'usage: smog principals token <id> [--label <label>] [--expires-in-days <n>] [--json]',
    options: { label: { type: 'string' }, ...DAYS_OPT, ...JSON_OPT },
  },
  list: { usage: 'usage: smog principals list [--json]', options: { ...JSON_OPT } },
  revoke: {
    usage: "usage: smog principals revoke <id> [--json]   (revokes all the principal's tokens)",
    options: JSON_OPT,
  },
  disable: { usage: 'usage: smog principals disable <id> [--json]', options: JSON_OPT },
  enable: { usage: 'usage: smog principals enable <id> [--json]', options: JSON_OPT },
} as const;
type Command = keyof typeof COMMANDS;

export const USAGE = `usage: smog principals <command> [options]   (smog principals <command> --help)

commands:
  bootstrap <id> --name <姓名>          the first administrator of an installation, with its token
  create <id> --role <role> [--unit u]  a principal (roles: ${ROLES.join(', ')})
  token <id>                            issue a token (printed once)
  list                                  every principal, its role, unit and working tokens
  revoke <id>                           revoke every token of a principal
  disable <id> | enable <id>            stop / restore a principal's tokens

options: --json (for scripts), --help, --version`;

const PRINCIPAL_COLUMNS: Array<[string, string]> = [
  ['id', '标识'],
  ['name', '姓名'],
  ['role', '角色'],
  ['unit', '单位'],
  ['disabled', '已停用'],
  ['activeTokens', '有效令牌'],
];
const TOKEN_COLUMNS: Array<[string, string]> = [
  ['principalId', '用户'],
  ['tokenId', '令牌编号'],
  ['expiresAt', '到期'],
  ['token', '令牌（仅显示这一次）'],
];

function requireId(id: string | undefined): string {
  if (!id) throw new UsageError('the principal id is missing');
  return id;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name.startsWith('-')) {
    return withUsage(USAGE, io, async () => {
      if (parse(argv, {}, USAGE, io) === null) return EXIT.ok;
      throw new UsageError('a command is missing');
    });
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    io.err(`error: unknown command "${name}"\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const command = name as Command;
  const { usage, options } = COMMANDS[command];
  return withUsage(usage, io, async () => {
    const args = parse(rest, options, usage, io);
    if (args === null) return EXIT.ok;
    const { values: v, positionals } = args;
    const wanted = command === 'list' ? 0 : 1;
    if (positionals.length > wanted) throw new UsageError(`unexpected argument "${positionals[wanted]}"`);
    const id = command === 'list' ? '' : requireId(positionals[0]);
    const json = v.json === true;
    const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
    const days = positiveInt('expires-in-days', v['expires-in-days']);
    if (command === 'create' && !ROLES.includes(str('role') as Role)) {
      throw new UsageError(`--role: one of ${ROLES.join(', ')}`);
    }
    if (command === 'bootstrap' && !str('name')) throw new UsageError("--name: the administrator's name");

    const pool = createPool(loadConfig().databaseUrl, 2);
    // the operator on the server, recorded in the admin log like an administrator of the API
    const log = (action: AdminAction, target: string, details: Record<string, unknown> = {}) =>
      recordAdminAct(pool, { actor: `cli:${userInfo().username}`, action, target, details });
    try {
      switch (command) {
        case 'bootstrap': {
          const issued = await bootstrapAdmin(pool, {
            id,
            name: str('name')!,
            ...(days ? { expiresInDays: days } : {}),
          });
          await log('token.issued', id, { tokenId: issued.tokenId, bootstrap: true });
          printRows(io, json, [{ ...issued }], TOKEN_COLUMNS);
          return EXIT.ok;
        }
        case 'create': {
          const { principal, created } = await createPrincipal(pool, {
            id,
            role: str('role') as Role,
            ...(str('unit') ? { unit: str('unit')! } : {}),
            ...(str('name') ? { name: str('name')! } : {}),
          });
          if (created)
            await log('principal.created', id, { role: principal.role, unit: principal.unit ?? null });
          printRows(
            io,
            json,
            [{ ...principal, created }],
            [...PRINCIPAL_COLUMNS.slice(0, 5), ['created', '新建']],
          );
          return EXIT.ok;
        }
        case 'token': {
          const issued = await issueToken(pool, id, {
            ...(str('label') ? { label: str('label')! } : {}),
            ...(days ? { expiresInDays: days } : {}),
          });
          await log('token.issued', id, { tokenId: issued.tokenId, expiresAt: issued.expiresAt });
          printRows(io, json, [{ ...issued }], TOKEN_COLUMNS);
          return EXIT.ok;
        }
        case 'list':
          printRows(io, json, await listPrincipals(pool), PRINCIPAL_COLUMNS);
          return EXIT.ok;
        case 'revoke': {
          const revoked = await revokeTokens(pool, id);
          await log('tokens.revoked', id, { revoked });
          printRows(
            io,
            json,
            [{ principalId: id, revoked }],
            [
              ['principalId', '用户'],
              ['revoked', '已撤销令牌'],
            ],
          );
          return EXIT.ok;
        }
        case 'disable':
        case 'enable': {
          const updated = await setDisabled(pool, id, command === 'disable');
          if (!updated) throw new PrincipalError('not_found', `principal ${id} not found`);
          await log(command === 'disable' ? 'principal.disabled' : 'principal.enabled', id);
          printRows(io, json, [{ ...updated }], PRINCIPAL_COLUMNS.slice(0, 5));
          return EXIT.ok;
        }
      }
    } catch (err) {
      if (err instanceof PrincipalError) {
        io.err(`${err.code}: ${err.message}\n`);
        return EXIT.refused;
      }
      throw err;
    } finally {
      await pool.end();
    }
  });
}

runIfMain(import.meta.url, main);
