/**
 * The roles are defined once (src/domain/roles.ts); the copies that cannot import it — the database's
 * CHECK constraint and the console's labels and audit link — must say the same.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANY_ROLE, AUDIT_READERS, EPISODE_READERS, LOG_READERS } from '../../../src/api/access.js';
import { projectRoot } from '../../../src/config.js';
import { ROLES } from '../../../src/domain/index.js';

const read = (file: string) => readFileSync(path.join(projectRoot, file), 'utf8');
const quoted = (list: string) => [...list.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]);

describe('roles', () => {
  it('derive the access lists from the one list', () => {
    expect(ANY_ROLE).toEqual(ROLES);
    expect(EPISODE_READERS).toEqual(['office', 'commander', 'leader', 'unit', 'auditor']);
    expect(LOG_READERS).toEqual(['office', 'commander', 'leader', 'auditor']);
    for (const r of [...AUDIT_READERS, ...LOG_READERS]) expect(ROLES).toContain(r);
  });

  it('are the roles the principals table accepts', () => {
    const check = read('migrations/1733100000000_api.sql').match(/role IN \(([^)]*)\)/);
    expect(check).not.toBeNull();
    expect(quoted(check![1]!)).toEqual([...ROLES]);
  });

  it('each have a Chinese label in the console, which links the audit page for the audit readers only', () => {
    const lib = read('console/lib.js');
    const labels = lib.match(/export const ROLE = \{([^}]*)\}/);
    expect(labels).not.toBeNull();
    expect([...labels![1]!.matchAll(/^\s*([a-z]+):/gm)].map((m) => m[1])).toEqual([...ROLES]);
    const audit = lib.match(/export const AUDIT_ROLES = \[([^\]]*)\]/);
    expect(audit).not.toBeNull();
    expect(quoted(audit![1]!).sort()).toEqual([...AUDIT_READERS].sort());
  });
});
