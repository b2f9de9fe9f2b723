/**
 * Principals and their bearer tokens in PostgreSQL. A token is 32 random bytes (base64url, prefixed
 * `smog_`); only its SHA-256 is stored, so a leaked database holds no usable token. Shared by the API,
 * the principals CLI and the launcher's dev seeding.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { publishedPlans } from '../db/plan-versions.js';
import { ROLES, type ResponsePlan, type Role, commanderUnits, unitOfAnyPlan } from '../domain/index.js';

/** Who calls the API: what the auth plugin puts on the request and what the workflow records as actor. */
export interface ApiPrincipal {
  id: string;
  role: Role;
  unit?: string;
}

export interface PrincipalRecord extends ApiPrincipal {
  name: string;
  disabled: boolean;
  createdAt: string;
}

export class PrincipalError extends Error {
  constructor(
    readonly code: 'validation' | 'conflict' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
export const newToken = () => `smog_${randomBytes(32).toString('base64url')}`;

const PRINCIPAL_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Checks a principal against the plans: `unit` principals need a unit that files daily reports, and
 * a commander the unit of a plan's commander (the city's or a county's: a commander decides only there).
 * `published` adds the plans published as data (plan_versions) to the repository's.
 */
export function checkPrincipal(p: ApiPrincipal, published: readonly ResponsePlan[] = []): string | null {
  if (!PRINCIPAL_ID.test(p.id)) return 'id: lower-case letters, digits, . _ - (max 64)';
  if (!ROLES.includes(p.role)) return `role: one of ${ROLES.join(', ')}`;
  const unitOf = (id: string) =>
    unitOfAnyPlan(id) ?? published.flatMap((plan) => plan.units).find((u) => u.id === id);
  const commanders = [...new Set([...commanderUnits(), ...published.map((plan) => plan.roles.commander)])];
  const unit = p.unit === undefined ? undefined : unitOf(p.unit);
  if (p.unit !== undefined && !unit) return `unit: "${p.unit}" is not a unit of the plan`;
  // a county's unit confines its principal to the county (access.ts), which knows the repository's
  // plans only: such a unit of a plan published as data is refused rather than left unconfined
  if (
    p.unit !== undefined &&
    unit?.jurisdiction !== undefined &&
    !unitOfAnyPlan(p.unit) &&
    (p.role === 'unit' || p.role === 'commander' || p.role === 'leader')
  ) {
    return `unit: "${p.unit}" belongs to a county of a plan published as data; its principals cannot be confined to that county yet`;
  }
  if (p.role === 'unit') {
    if (!unit) return 'unit: required for the unit role';
    if (!unit.filesDailyReport) return `unit: "${p.unit}" files no reports`;
  }
  if (p.role === 'commander' && !commanders.includes(p.unit ?? '')) {
    return `unit: a commander belongs to the commander of a plan (${commanders.join(', ')})`;
  }
  return null;
}

interface PrincipalRow {
  id: string;
  role: Role;
  unit: string | null;
  name: string;
  disabled: boolean;
  created_at: Date;
}
const toRecord = (r: PrincipalRow): PrincipalRecord => ({
  id: r.id,
  role: r.role,
  ...(r.unit ? { unit: r.unit } : {}),
  name: r.name,
  disabled: r.disabled,
  createdAt: r.created_at.toISOString(),
});

/**
 * Creates a principal. The same id with the same role and unit is the same principal (returned with
 * `created: false`); with a different role or unit it is a conflict.
 */
export async function createPrincipal(
  pool: pg.Pool,
  p: ApiPrincipal & { name?: string },
): Promise<{ principal: PrincipalRecord; created: boolean }> {
  const problem = checkPrincipal(p, await publishedPlans(pool));
  if (problem) throw new PrincipalError('validation', problem);
  const inserted = await pool.query<PrincipalRow>(
    `INSERT INTO principals (id, role, unit, name) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO NOTHING RETURNING *`,
    [p.id, p.role, p.unit ?? null, p.name ?? ''],
  );
  if (inserted.rows[0]) return { principal: toRecord(inserted.rows[0]), created: true };
  const existing = await getPrincipal(pool, p.id);
  if (!existing || existing.role !== p.role || (existing.unit ?? null) !== (p.unit ?? null)) {
    throw new PrincipalError('conflict', `principal ${p.id} exists with another role or unit`);
  }
  return { principal: existing, created: false };
}

export async function getPrincipal(pool: pg.Pool, id: string): Promise<PrincipalRecord | null> {
  const { rows } = await pool.query<PrincipalRow>('SELECT * FROM principals WHERE id = $1', [id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Every principal, with the number of its tokens that still work (not revoked, not expired). */
export async function listPrincipals(
  pool: pg.Pool,
): Promise<Array<PrincipalRecord & { activeTokens: number }>> {
  const { rows } = await pool.query<PrincipalRow & { active_tokens: number }>(
    `SELECT p.*, (SELECT count(*)::int FROM api_tokens t WHERE t.principal_id = p.id AND t.revoked_at IS NULL
                   AND (t.expires_at IS NULL OR t.expires_at > now())) AS active_tokens
     FROM principals p ORDER BY p.id`,
  );
  return rows.map((r) => ({ ...toRecord(r), activeTokens: r.active_tokens }));
}

export interface IssuedToken {
  tokenId: string;
  principalId: string;
  token: string;
  label: string;
  expiresAt: string | null;
}

/** Tokens expire by default (API_TOKEN_TTL_DAYS; the dev tokens of the launcher too). */
export const DEFAULT_TOKEN_TTL_DAYS = 90;

/** Issues a new token for an existing principal; the token is returned once and never again. */
export async function issueToken(
  pool: pg.Pool,
  principalId: string,
  opts: { label?: string; expiresInDays?: number } = {},
): Promise<IssuedToken> {
  const token = newToken();
  const { rows } = await pool.query<{ id: string; expires_at: Date | null }>(
    `INSERT INTO api_tokens (token_hash, principal_id, label, expires_at)
     SELECT $1, id, $3, CASE WHEN $4::int IS NULL THEN NULL ELSE now() + make_interval(days => $4::int) END
     FROM principals WHERE id = $2
     RETURNING id, expires_at`,
    [hashToken(token), principalId, opts.label ?? '', opts.expiresInDays ?? DEFAULT_TOKEN_TTL_DAYS],
  );
  const row = rows[0];
  if (!row) throw new PrincipalError('not_found', `principal ${principalId} not found`);
  return {
    tokenId: row.id,
    principalId,
    token,
    label: opts.label ?? '',
    expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
  };
}

/** The principal a bearer token belongs to, or null (unknown, revoked, expired, disabled). */
export async function authenticate(pool: pg.Pool, token: string): Promise<ApiPrincipal | null> {
  if (token.length < 16 || token.length > 200) return null;
  const { rows } = await pool.query<{ id: string; role: Role; unit: string | null }>(
    `SELECT p.id, p.role, p.unit FROM api_tokens t JOIN principals p ON p.id = t.principal_id
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
       AND NOT p.disabled`,
    [hashToken(token)],
  );
  const r = rows[0];
  if (!r) return null;
  return r.unit ? { id: r.id, role: r.role, unit: r.unit } : { id: r.id, role: r.role };
}

/** Disables or re-enables a principal: a disabled principal's tokens stop working (and work again). */
export async function setDisabled(
  pool: pg.Pool,
  id: string,
  disabled: boolean,
): Promise<PrincipalRecord | null> {
  const { rows } = await pool.query<PrincipalRow>(
    'UPDATE principals SET disabled = $2 WHERE id = $1 RETURNING *',
    [id, disabled],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function revokeTokens(pool: pg.Pool, principalId: string): Promise<number> {
  const res = await pool.query(
    'UPDATE api_tokens SET revoked_at = now() WHERE principal_id = $1 AND revoked_at IS NULL',
    [principalId],
  );
  // the principal's console sessions end with its tokens
  await pool.query('DELETE FROM console_sessions WHERE principal_id = $1', [principalId]);
  return res.rowCount ?? 0;
}
