/** The `smog` CLI run as a process, and the launcher's dev seeding, against the run's PostgreSQL. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { authenticate, getPrincipal } from '../../../src/api/principal-store.js';
import { DEV_PRINCIPALS, seedDevPrincipals } from '../../../src/cli/dev-principals.js';
import { createPool } from '../../../src/db/pool.js';
import { migrateUp } from '../../../src/db/migrate.js';
import { type IntegrationContext, integrationContext } from '../../helpers.js';

const BIN = fileURLToPath(new URL('../../../bin/smog.js', import.meta.url));

let ctx: IntegrationContext;
let dir: string;
beforeAll(async () => {
  ctx = await integrationContext();
  dir = await mkdtemp(path.join(os.tmpdir(), 'smog-dev-tokens-'));
});
afterAll(async () => {
  await ctx?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('dev principals', () => {
  it('seeds one principal per role idempotently and keeps working tokens', async () => {
    const file = path.join(dir, 'dev-tokens.json');
    const first = await seedDevPrincipals(ctx.pool, file);
    expect(Object.keys(first).sort()).toEqual(DEV_PRINCIPALS.map((p) => p.id).sort());
    const roles = new Set<string>();
    for (const [id, token] of Object.entries(first)) {
      const who = await authenticate(ctx.pool, token);
      expect(who?.id).toBe(id);
      roles.add(who!.role);
    }
    expect([...roles].sort()).toEqual(['admin', 'auditor', 'commander', 'leader', 'office', 'unit']);
    expect((await getPrincipal(ctx.pool, 'dev-branch-shuangta'))?.unit).toBe('branch.shuangta');
    const second = await seedDevPrincipals(ctx.pool, file);
    expect(second).toEqual(first);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(first);
    expect((await stat(file)).mode & 0o077).toBe(0);
  });
});

/** Runs `smog` (bin/smog.js) as a process against the run's PostgreSQL. */
function smogIn(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, DATABASE_URL: inject('databaseUrl'), ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const smog = (...args: string[]) => smogIn({}, ...args);

describe('smog CLI (as a process)', () => {
  it('answers --help and --version on every command with exit 0', async () => {
    const version = JSON.parse(
      await readFile(new URL('../../../package.json', import.meta.url), 'utf8'),
    ).version;
    for (const args of [[], ['principals'], ['principals', 'list'], ['principals', 'bootstrap'], ['audit']]) {
      const help = await smog(...args, '--help');
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout, args.join(' ')).toMatch(/^usage: smog/);
      const v = await smog(...args, '--version');
      expect(v.code, args.join(' ')).toBe(0);
      expect(v.stdout).toBe(`smog ${version}\n`);
    }
    const create = await smog('principals', 'create', '--help');
    expect(create.stdout).toContain('--role <office|commander|leader|unit|auditor|admin>');
  });

  it('refuses bad arguments with exit 2, naming the argument', async () => {
    const role = await smog('principals', 'create', 'x1', '--role', 'boss');
    expect(role).toMatchObject({ code: 2, stdout: '' });
    expect(role.stderr).toContain('--role: one of office, commander, leader, unit, auditor, admin');
    const unknown = await smog('principals', 'list', '--colour');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--colour'");
    const days = await smog('principals', 'token', 'x1', '--expires-in-days', 'soon');
    expect(days.code).toBe(2);
    expect(days.stderr).toContain('--expires-in-days: a whole number');
    expect((await smog('principals', 'frobnicate')).code).toBe(2);
    const episode = await smog('audit', 'replay', 'not-an-episode');
    expect(episode.code).toBe(2);
    expect(episode.stderr).toContain('<episodeId>');
  });

  it('creates a principal, issues a token that authenticates, lists as a table or JSON, disables', async () => {
    const id = `cli-${Date.now().toString(36)}`;
    const created = await smog(
      'principals',
      'create',
      id,
      '--role',
      'unit',
      '--unit',
      'branch.jianping',
      '--json',
    );
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      id,
      role: 'unit',
      unit: 'branch.jianping',
      created: true,
    });
    const issued = await smog('principals', 'token', id, '--label', 'cli', '--json');
    const token = JSON.parse(issued.stdout).token as string;
    expect(await authenticate(ctx.pool, token)).toEqual({ id, role: 'unit', unit: 'branch.jianping' });

    const table = await smog('principals', 'list');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/标识.*姓名.*角色.*单位.*已停用.*有效令牌/);
    const row = table.stdout.split('\n').find((l) => l.includes(id));
    expect(row).toMatch(
      new RegExp(`${id}\\s*│.*│\\s*unit\\s*│\\s*branch\\.jianping\\s*│\\s*false\\s*│\\s*1\\s*│`),
    );
    const lines = (await smog('principals', 'list', '--json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.find((p) => p.id === id)).toMatchObject({ role: 'unit', activeTokens: 1, disabled: false });

    expect((await smog('principals', 'disable', id)).code).toBe(0);
    expect(await authenticate(ctx.pool, token)).toBeNull();
    expect((await smog('principals', 'enable', id)).code).toBe(0);
    expect(await authenticate(ctx.pool, token)).not.toBeNull();
    const missing = await smog('principals', 'disable', 'no-such-principal');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not_found: principal no-such-principal not found');
  });

  it('bootstraps the first administrator once, and refuses a second', async () => {
    // a database of its own: no administrator in it yet
    const name = `smog_boot_${Date.now().toString(36)}`;
    await ctx.pool.query(`CREATE DATABASE ${name}`);
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${name}`;
    await migrateUp(url.href);
    const pool = createPool(url.href, 1);
    try {
      const env = { DATABASE_URL: url.href };
      const first = await smogIn(env, 'principals', 'bootstrap', 'admin-boot', '--name', '张管理', '--json');
      expect(first.code).toBe(0);
      const token = JSON.parse(first.stdout).token as string;
      expect(await authenticate(pool, token)).toEqual({ id: 'admin-boot', role: 'admin' });
      expect((await getPrincipal(pool, 'admin-boot'))?.name).toBe('张管理');
      const second = await smogIn(env, 'principals', 'bootstrap', 'admin-two', '--name', '李管理');
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('an administrator exists already (admin-boot)');
      expect(await getPrincipal(pool, 'admin-two')).toBeNull();
      const noName = await smogIn(env, 'principals', 'bootstrap', 'admin-three');
      expect(noName.code).toBe(2);
      expect(noName.stderr).toContain("--name: the administrator's name");
    } finally {
      await pool.end();
      await ctx.pool.query(`DROP DATABASE ${name}`);
    }
  });
});
