/**
 * The administration trace (security finding 7): every act on principals and tokens is appended to
 * `admin_log` (a trigger refuses UPDATE, DELETE and TRUNCATE), and a token for another principal is
 * issued only once a second administrator or the principal itself (ADMIN_TOKEN_CONFIRMATION)
 * confirms the request; the token is shown to the confirmer, once.
 */
import type pg from 'pg';
import { ApiError, conflict, notFound } from './errors.js';
import { type ApiPrincipal, type IssuedToken, getPrincipal, issueToken } from './principal-store.js';

export type TokenConfirmation = 'second-admin' | 'principal';
/** How long a token request waits for its confirmation. */
const REQUEST_TTL_HOURS = 24;

export type AdminAction =
  | 'principal.created'
  | 'token.issued'
  | 'token.requested'
  | 'token.confirmed'
  | 'tokens.revoked'
  | 'principal.disabled'
  | 'principal.enabled';

export async function recordAdminAct(
  db: pg.Pool | pg.PoolClient,
  act: { actor: string; action: AdminAction; target?: string; details?: Record<string, unknown> },
): Promise<void> {
  await db.query('INSERT INTO admin_log (actor_id, action, target_id, details) VALUES ($1, $2, $3, $4)', [
    act.actor,
    act.action,
    act.target ?? null,
    JSON.stringify(act.details ?? {}),
  ]);
}

export interface AdminLogEntry {
  seq: number;
  at: Date;
  actorId: string;
  action: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

export async function readAdminLog(
  pool: pg.Pool,
  q: { targetId?: string | undefined; afterSeq: number; limit: number },
): Promise<AdminLogEntry[]> {
  const { rows } = await pool.query<{
    seq: string;
    at: Date;
    actor_id: string;
    action: string;
    target_id: string | null;
    details: Record<string, unknown>;
  }>(
    `SELECT * FROM admin_log WHERE seq > $1 AND ($2::text IS NULL OR target_id = $2) ORDER BY seq LIMIT $3`,
    [q.afterSeq, q.targetId ?? null, q.limit],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    actorId: r.actor_id,
    action: r.action,
    targetId: r.target_id,
    details: r.details,
  }));
}

export type TokenAnswer =
  | { status: 'issued'; issued: IssuedToken }
  | { status: 'pending'; requestId: string; confirmBy: TokenConfirmation };

/**
 * An administrator asks for a token: its own is issued at once; another principal's waits for the
 * confirmation the configuration names. Both are logged.
 */
export async function requestToken(
  pool: pg.Pool,
  admin: ApiPrincipal,
  principalId: string,
  opts: { label: string; expiresInDays: number; confirmBy: TokenConfirmation },
): Promise<TokenAnswer> {
  if (!(await getPrincipal(pool, principalId))) throw notFound('principal');
  if (principalId === admin.id) {
    const issued = await issueToken(pool, principalId, opts);
    await recordAdminAct(pool, {
      actor: admin.id,
      action: 'token.issued',
      target: principalId,
      details: { tokenId: issued.tokenId, label: opts.label, expiresAt: issued.expiresAt },
    });
    return { status: 'issued', issued };
  }
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO token_requests (principal_id, requested_by, label, expires_in_days, confirm_by)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [principalId, admin.id, opts.label, opts.expiresInDays, opts.confirmBy],
  );
  const requestId = rows[0]!.id;
  await recordAdminAct(pool, {
    actor: admin.id,
    action: 'token.requested',
    target: principalId,
    details: { requestId, confirmBy: opts.confirmBy, label: opts.label, expiresInDays: opts.expiresInDays },
  });
  return { status: 'pending', requestId, confirmBy: opts.confirmBy };
}

/** Confirms a pending request: by another administrator, or by the principal itself, as it requires. */
export async function confirmTokenRequest(
  pool: pg.Pool,
  who: ApiPrincipal,
  requestId: string,
): Promise<IssuedToken> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{
      principal_id: string;
      requested_by: string;
      label: string;
      expires_in_days: number;
      confirm_by: TokenConfirmation;
      confirmed_at: Date | null;
      stale: boolean;
    }>(
      `SELECT *, created_at < now() - make_interval(hours => $2) AS stale FROM token_requests WHERE id = $1 FOR UPDATE`,
      [requestId, REQUEST_TTL_HOURS],
    );
    const r = rows[0];
    if (!r) throw notFound('token request');
    if (r.confirmed_at) throw conflict('this token request was confirmed already');
    if (r.stale) throw new ApiError(410, 'expired', `token requests expire after ${REQUEST_TTL_HOURS} h`);
    const allowed =
      r.confirm_by === 'second-admin'
        ? who.role === 'admin' && who.id !== r.requested_by && who.id !== r.principal_id
        : who.id === r.principal_id;
    if (!allowed) {
      throw new ApiError(
        403,
        'forbidden',
        r.confirm_by === 'second-admin'
          ? 'a token request is confirmed by another administrator than the one who made it'
          : 'a token request is confirmed by the principal it is for',
      );
    }
    await client.query('COMMIT');
    const issued = await issueToken(pool, r.principal_id, {
      label: r.label,
      expiresInDays: r.expires_in_days,
    });
    await pool.query(
      'UPDATE token_requests SET confirmed_by = $2, confirmed_at = now(), token_id = $3 WHERE id = $1',
      [requestId, who.id, issued.tokenId],
    );
    await recordAdminAct(pool, {
      actor: who.id,
      action: 'token.confirmed',
      target: r.principal_id,
      details: {
        requestId,
        requestedBy: r.requested_by,
        tokenId: issued.tokenId,
        expiresAt: issued.expiresAt,
      },
    });
    return issued;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
