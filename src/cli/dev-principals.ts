/**
 * Local development principals: one per role, seeded idempotently by the launcher, with their tokens
 * written to `.data/dev-tokens.json` (principal id → token). A token in the file that still
 * authenticates is kept; otherwise a new one is issued.
 */
import { readFile, writeFile, mkdir, chmod } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { type ApiPrincipal, authenticate, createPrincipal, issueToken } from '../api/principal-store.js';

export const DEV_PRINCIPALS: ReadonlyArray<ApiPrincipal & { name: string }> = [
  { id: 'dev-office', role: 'office', unit: 'office', name: '专班办公室（开发）' },
  { id: 'dev-commander', role: 'commander', unit: 'commander', name: '指挥长（开发）' },
  { id: 'dev-leader', role: 'leader', unit: 'taskforce.leader', name: '专班组长（开发）' },
  { id: 'dev-branch-shuangta', role: 'unit', unit: 'branch.shuangta', name: '双塔分局（开发）' },
  { id: 'dev-enforcement', role: 'unit', unit: 'enforcement', name: '执法队（开发）' },
  { id: 'dev-auditor', role: 'auditor', name: '审计（开发）' },
  { id: 'dev-admin', role: 'admin', name: '管理员（开发）' },
];

export async function seedDevPrincipals(pool: pg.Pool, file: string): Promise<Record<string, string>> {
  let existing: Record<string, string> = {};
  try {
    existing = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  } catch {
    existing = {};
  }
  const tokens: Record<string, string> = {};
  for (const p of DEV_PRINCIPALS) {
    await createPrincipal(pool, p);
    const old = existing[p.id];
    const who = typeof old === 'string' ? await authenticate(pool, old) : null;
    tokens[p.id] =
      who?.id === p.id ? (old as string) : (await issueToken(pool, p.id, { label: 'dev' })).token;
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return tokens;
}
