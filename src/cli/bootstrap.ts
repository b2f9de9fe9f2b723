/**
 * The first administrator of a production installation: created only while no administrator exists
 * (under an advisory lock, so two concurrent bootstraps make one), with its first token.
 */
import type pg from 'pg';
import { type IssuedToken, PrincipalError, createPrincipal, issueToken } from '../api/principal-store.js';

const BOOTSTRAP_LOCK = 0x5_4d_4f_47; // 'SMOG'

export async function bootstrapAdmin(
  pool: pg.Pool,
  admin: { id: string; name: string; expiresInDays?: number },
): Promise<IssuedToken> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [BOOTSTRAP_LOCK]);
    const { rows } = await client.query<{ id: string }>(
      "SELECT id FROM principals WHERE role = 'admin' ORDER BY id LIMIT 1",
    );
    if (rows[0]) {
      throw new PrincipalError(
        'conflict',
        `an administrator exists already (${rows[0].id}); issue tokens with "smog principals token"`,
      );
    }
    await createPrincipal(pool, { id: admin.id, role: 'admin', name: admin.name });
    return await issueToken(pool, admin.id, {
      label: 'bootstrap',
      ...(admin.expiresInDays ? { expiresInDays: admin.expiresInDays } : {}),
    });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [BOOTSTRAP_LOCK]).catch(() => undefined);
    client.release();
  }
}
