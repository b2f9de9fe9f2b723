/** The principals CLI and the launcher's dev seeding, against the run's PostgreSQL. */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject, vi } from 'vitest';
import { authenticate, getPrincipal } from '../../../src/api/principal-store.js';
import { DEV_PRINCIPALS, seedDevPrincipals } from '../../../src/cli/dev-principals.js';
import { main as principalsCli } from '../../../src/cli/principals.js';
import { type IntegrationContext, integrationContext } from '../../helpers.js';

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

describe('principals CLI', () => {
  it('creates a principal and issues a token that authenticates', async () => {
    vi.stubEnv('DATABASE_URL', inject('databaseUrl'));
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const id = `cli-${Date.now().toString(36)}`;
    try {
      expect(await principalsCli(['create', id, '--role', 'unit', '--unit', 'branch.jianping'])).toBe(0);
      expect(await principalsCli(['token', id, '--label', 'cli'])).toBe(0);
      expect(await principalsCli(['bogus'])).toBe(2);
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
    }
    const token = JSON.parse(out[1]!).token as string;
    expect(await authenticate(ctx.pool, token)).toEqual({ id, role: 'unit', unit: 'branch.jianping' });

    // disabled, the token stops working; enabled, it works again
    vi.stubEnv('DATABASE_URL', inject('databaseUrl'));
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const errors = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await principalsCli(['disable', id])).toBe(0);
      expect(await authenticate(ctx.pool, token)).toBeNull();
      expect(await principalsCli(['enable', id])).toBe(0);
      expect(await authenticate(ctx.pool, token)).not.toBeNull();
      expect(await principalsCli(['disable', 'no-such-principal'])).toBe(1);
    } finally {
      quiet.mockRestore();
      errors.mockRestore();
      vi.unstubAllEnvs();
    }
  });
});
