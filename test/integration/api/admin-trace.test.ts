/**
 * Administration leaves a trace (security finding 7): an administrator cannot mint a token for the
 * commander and act as it — a second administrator (or, when configured, the principal itself) must
 * confirm; every act is in the append-only admin log the auditors read; tokens expire by default.
 */
import { describe, expect, it } from 'vitest';
import { createPrincipal, issueToken } from '../../../src/api/principal-store.js';
import { apiSuite, bearer, testApp } from './api-helpers.js';

const s = apiSuite('no-worker-needed');
const post = (token: string, url: string, payload?: object) =>
  s.app.inject({ method: 'POST', url, headers: bearer({ token }), ...(payload ? { payload } : {}) });

async function admin(tag: string) {
  const id = `t-${tag}-${Date.now().toString(36)}`;
  await createPrincipal(s.ctx.pool, { id, role: 'admin' });
  return { id, token: (await issueToken(s.ctx.pool, id)).token };
}

describe('tokens for another principal', () => {
  it('the attack: an admin asks for the commander’s token and gets none until a second admin confirms', async () => {
    const a = s.who.admin;
    const asked = await post(a.token, `/principals/${s.who.commander.id}/tokens`, { label: 'takeover' });
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toMatchObject({
      status: 'pending',
      principalId: s.who.commander.id,
      confirmBy: 'second-admin',
    });
    expect(asked.body).not.toMatch(/smog_/);
    const confirm = `/token-requests/${asked.json().requestId}/confirm`;
    // neither the requester, nor the commander (in second-admin mode), nor an office user can confirm
    for (const who of [a, s.who.commander, s.who.office]) {
      const r = await post(who.token, confirm);
      expect(r.statusCode).toBe(403);
      expect(r.body).not.toMatch(/smog_/);
    }
    const b = await admin('admin-b');
    const ok = await post(b.token, confirm);
    expect(ok.statusCode).toBe(201);
    const token = ok.json().token as string;
    const session = await s.app.inject({
      method: 'GET',
      url: '/console/api/session',
      headers: bearer({ token }),
    });
    expect(session.json()).toMatchObject({ principal: { id: s.who.commander.id, role: 'commander' } });
    expect((await post(b.token, confirm)).statusCode).toBe(409); // once
    // it expires by default
    const days = (Date.parse(ok.json().expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThanOrEqual(90);

    // the trace: who asked, who confirmed, for whom — read by the auditor
    const log = await s.app.inject({
      method: 'GET',
      url: `/admin-log?targetId=${s.who.commander.id}`,
      headers: bearer(s.who.auditor),
    });
    expect(log.statusCode).toBe(200);
    const items = log.json().items as Array<{
      actorId: string;
      action: string;
      details: Record<string, unknown>;
      at: string;
    }>;
    expect(items.map((i) => `${i.actorId} ${i.action}`)).toEqual([
      `${a.id} token.requested`,
      `${b.id} token.confirmed`,
    ]);
    expect(items[1]!.details).toMatchObject({
      requestId: asked.json().requestId,
      requestedBy: a.id,
      tokenId: ok.json().tokenId,
    });
    expect(items[0]!.at).toMatch(/\+08:00$/);
    expect(log.body).not.toContain(token);
    expect(
      (await s.app.inject({ method: 'GET', url: '/admin-log', headers: bearer(s.who.office) })).statusCode,
    ).toBe(403);
  });

  it('an admin’s own token is issued at once, and logged', async () => {
    const a = await admin('self');
    const r = await post(a.token, `/principals/${a.id}/tokens`, {});
    expect(r.statusCode).toBe(201);
    expect(r.json().token).toMatch(/^smog_/);
    const log = await s.app.inject({
      method: 'GET',
      url: `/admin-log?targetId=${a.id}`,
      headers: bearer(s.who.auditor),
    });
    expect(log.json().items.map((i: { action: string }) => i.action)).toEqual(['token.issued']);
  });

  it('in principal mode, the principal confirms its own token (and no admin can)', async () => {
    const app = await testApp(s.ctx, 'no-worker-needed', {
      admin: { tokenConfirmation: 'principal', tokenTtlDays: 7 },
    });
    try {
      const asked = await app.inject({
        method: 'POST',
        url: `/principals/${s.who.leader.id}/tokens`,
        headers: bearer(s.who.admin),
        payload: {},
      });
      expect(asked.json()).toMatchObject({ status: 'pending', confirmBy: 'principal' });
      const url = `/token-requests/${asked.json().requestId}/confirm`;
      const b = await admin('admin-c');
      expect((await app.inject({ method: 'POST', url, headers: bearer(b) })).statusCode).toBe(403);
      const own = await app.inject({ method: 'POST', url, headers: bearer(s.who.leader) });
      expect(own.statusCode).toBe(201);
      const days = (Date.parse(own.json().expiresAt) - Date.now()) / 86_400_000;
      expect(Math.round(days)).toBe(7);
    } finally {
      await app.close();
    }
  });
});

describe('the admin log', () => {
  it('records creating, revoking, disabling and enabling, with the acting admin', async () => {
    const id = `t-logged-${Date.now().toString(36)}`;
    const a = s.who.admin;
    expect((await post(a.token, '/principals', { id, role: 'auditor', name: '审计员' })).statusCode).toBe(
      201,
    );
    expect((await post(a.token, '/principals', { id, role: 'auditor', name: '审计员' })).statusCode).toBe(
      200,
    );
    await post(a.token, `/principals/${id}/revoke`);
    await post(a.token, `/principals/${id}/status`, { disabled: true });
    await post(a.token, `/principals/${id}/status`, { disabled: false });
    const log = await s.app.inject({ method: 'GET', url: `/admin-log?targetId=${id}`, headers: bearer(a) });
    expect(
      log.json().items.map((i: { actorId: string; action: string }) => `${i.actorId} ${i.action}`),
    ).toEqual([
      `${a.id} principal.created`,
      `${a.id} tokens.revoked`,
      `${a.id} principal.disabled`,
      `${a.id} principal.enabled`,
    ]);
    expect(log.json().items[0].details).toEqual({ role: 'auditor', unit: null, name: '审计员' });
  });

  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    await expect(s.ctx.pool.query("UPDATE admin_log SET actor_id = 'someone-else'")).rejects.toThrow(
      /append-only \(UPDATE refused\)/,
    );
    await expect(s.ctx.pool.query('DELETE FROM admin_log')).rejects.toThrow(/append-only \(DELETE refused\)/);
    await expect(s.ctx.pool.query('TRUNCATE admin_log')).rejects.toThrow(/append-only \(TRUNCATE refused\)/);
  });
});
