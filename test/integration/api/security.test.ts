import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { createPrincipal, hashToken, issueToken } from '../../../src/api/principal-store.js';
import { type PrincipalKey, bearer, tableCounts, testApp, apiSuite } from './api-helpers.js';

const s = apiSuite('no-worker-needed');

let admin2: { id: string; token: string } | undefined;
/** A second administrator (tokens for another principal need one to confirm them). */
async function secondAdmin() {
  if (!admin2) {
    const id = `t-admin2-${Date.now().toString(36)}`;
    await createPrincipal(s.ctx.pool, { id, role: 'admin' });
    admin2 = { id, token: (await issueToken(s.ctx.pool, id)).token };
  }
  return admin2;
}
/** A token for `id`: requested by the suite's administrator, confirmed by the second one. */
async function issueConfirmed(id: string, body: object = {}): Promise<string> {
  const req = await s.app.inject({
    method: 'POST',
    url: `/principals/${id}/tokens`,
    headers: bearer(s.who.admin),
    payload: body,
  });
  expect(req.statusCode).toBe(202);
  const ok = await s.app.inject({
    method: 'POST',
    url: `/token-requests/${req.json().requestId}/confirm`,
    headers: bearer(await secondAdmin()),
  });
  expect(ok.statusCode).toBe(201);
  return ok.json().token as string;
}

/** A city-wide episode id (visible to every reader) that does not exist. */
const E = encodeURIComponent('episode:chaoyang:2199-01-01:1');
const UUID = '00000000-0000-4000-8000-000000000000';
const READERS: PrincipalKey[] = ['office', 'commander', 'leader', 'shuangta', 'enforcement', 'auditor'];
const AUDIT: PrincipalKey[] = ['auditor', 'office', 'leader'];
const UNITS: PrincipalKey[] = ['shuangta', 'enforcement'];
/** Route level: the office and the units (a branch keeps its own county's episodes: checked per object). */
const KEEPERS: PrincipalKey[] = ['office', ...UNITS];
const ALL: PrincipalKey[] = [...READERS, 'admin'];

interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  url: string;
  allowed: PrincipalKey[] | 'public';
}
const routeCases: RouteCase[] = [
  { method: 'POST', path: '/episodes', url: '/episodes', allowed: KEEPERS },
  { method: 'GET', path: '/episodes', url: '/episodes', allowed: READERS },
  { method: 'GET', path: '/episodes/{id}', url: `/episodes/${E}`, allowed: READERS },
  { method: 'GET', path: '/episodes/{id}/duties', url: `/episodes/${E}/duties`, allowed: READERS },
  {
    method: 'POST',
    path: '/episodes/{id}/consultations',
    url: `/episodes/${E}/consultations`,
    allowed: KEEPERS,
  },
  {
    method: 'POST',
    path: '/episodes/{id}/decisions',
    url: `/episodes/${E}/decisions`,
    allowed: ['commander'],
  },
  { method: 'POST', path: '/episodes/{id}/reports', url: `/episodes/${E}/reports`, allowed: UNITS },
  { method: 'POST', path: '/episodes/{id}/summaries', url: `/episodes/${E}/summaries`, allowed: UNITS },
  { method: 'POST', path: '/episodes/{id}/close', url: `/episodes/${E}/close`, allowed: KEEPERS },
  {
    method: 'POST',
    path: '/episodes/{id}/notices/{noticeId}/decision',
    url: `/episodes/${E}/notices/N1/decision`,
    allowed: KEEPERS,
  },
  {
    method: 'POST',
    path: '/episodes/{id}/early-response/decision',
    url: `/episodes/${E}/early-response/decision`,
    allowed: KEEPERS,
  },
  { method: 'GET', path: '/experts', url: '/experts', allowed: ['office', 'leader', 'commander', 'auditor'] },
  { method: 'POST', path: '/experts', url: '/experts', allowed: ['office'] },
  {
    method: 'PUT',
    path: '/experts/{id}',
    url: '/experts/00000000-0000-4000-8000-000000000000',
    allowed: ['office'],
  },
  {
    method: 'POST',
    path: '/episodes/{id}/acknowledgements',
    url: `/episodes/${E}/acknowledgements`,
    allowed: UNITS,
  },
  {
    method: 'POST',
    path: '/episodes/{id}/work-summary/sign',
    url: `/episodes/${E}/work-summary/sign`,
    allowed: KEEPERS,
  },
  { method: 'GET', path: '/episodes/{id}/documents', url: `/episodes/${E}/documents`, allowed: READERS },
  {
    method: 'PUT',
    path: '/episodes/{id}/work-summary/lessons',
    url: `/episodes/${E}/work-summary/lessons`,
    allowed: ['office'],
  },
  {
    method: 'GET',
    path: '/episodes/{id}/notifications',
    url: `/episodes/${E}/notifications`,
    allowed: ['office', 'commander', 'leader', 'auditor'],
  },
  { method: 'GET', path: '/episodes/{id}/electricity', url: `/episodes/${E}/electricity`, allowed: READERS },
  { method: 'GET', path: '/episodes/{id}/reports', url: `/episodes/${E}/reports`, allowed: READERS },
  {
    method: 'GET',
    path: '/episodes/{id}/reports/export',
    url: `/episodes/${E}/reports/export`,
    allowed: READERS,
  },
  { method: 'GET', path: '/episodes/{id}/summaries', url: `/episodes/${E}/summaries`, allowed: READERS },
  { method: 'GET', path: '/documents/{id}', url: `/documents/${UUID}`, allowed: READERS },
  { method: 'POST', path: '/photos', url: '/photos', allowed: UNITS },
  { method: 'GET', path: '/photos/{id}', url: `/photos/${UUID}`, allowed: READERS },
  { method: 'GET', path: '/photos/{id}/facts', url: `/photos/${UUID}/facts`, allowed: READERS },
  { method: 'DELETE', path: '/photos/{id}', url: `/photos/${UUID}`, allowed: UNITS },
  { method: 'POST', path: '/enterprises/import', url: '/enterprises/import', allowed: ['office'] },
  { method: 'POST', path: '/readings/import', url: '/readings/import', allowed: ['office'] },
  { method: 'GET', path: '/enterprises', url: '/enterprises', allowed: READERS },
  { method: 'GET', path: '/reduction-lists', url: '/reduction-lists', allowed: READERS },
  { method: 'GET', path: '/reduction-lists/in-force', url: '/reduction-lists/in-force', allowed: READERS },
  { method: 'POST', path: '/reduction-lists/import', url: '/reduction-lists/import', allowed: ['office'] },
  {
    method: 'POST',
    path: '/reduction-lists/carry-over',
    url: '/reduction-lists/carry-over',
    allowed: ['office'],
  },
  { method: 'GET', path: '/reduction-lists/{id}', url: '/reduction-lists/999999999', allowed: READERS },
  {
    method: 'PUT',
    path: '/reduction-lists/{id}/entries/{enterpriseId}',
    url: '/reduction-lists/999999999/entries/E1',
    allowed: ['office'],
  },
  {
    method: 'DELETE',
    path: '/reduction-lists/{id}/entries/{enterpriseId}',
    url: '/reduction-lists/999999999/entries/E1',
    allowed: ['office'],
  },
  {
    method: 'POST',
    path: '/reduction-lists/{id}/publish',
    url: '/reduction-lists/999999999/publish',
    allowed: ['office'],
  },
  { method: 'GET', path: '/statistics', url: '/statistics', allowed: AUDIT },
  { method: 'GET', path: '/statistics/export', url: '/statistics/export?from=2199-01-01', allowed: AUDIT },
  { method: 'GET', path: '/filings', url: '/filings?year=2199', allowed: READERS },
  { method: 'GET', path: '/filings/{year}/{enterpriseId}', url: '/filings/2199/E1', allowed: READERS },
  // object level: a unit must be a county's branch (the enforcement team is none)
  {
    method: 'POST',
    path: '/filings/{year}/{enterpriseId}',
    url: '/filings/2199/E1',
    allowed: ['office', 'shuangta'],
  },
  {
    method: 'POST',
    path: '/filings/{year}/{enterpriseId}/review',
    url: '/filings/2199/E1/review',
    allowed: ['shuangta'],
  },
  {
    method: 'GET',
    path: '/filings/{year}/{enterpriseId}/document',
    url: '/filings/2199/E1/document',
    allowed: READERS,
  },
  {
    method: 'GET',
    path: '/reduction-lists/{id}/diff',
    url: '/reduction-lists/999999999/diff',
    allowed: READERS,
  },
  { method: 'POST', path: '/air-stations/import', url: '/air-stations/import', allowed: ['office'] },
  {
    method: 'POST',
    path: '/air-quality/hourly/import',
    url: '/air-quality/hourly/import',
    allowed: ['office'],
  },
  // plans as published data (#18): reads for the episode readers, revisions for the keepers (object
  // level: revisesPlan — the city's office every plan, a branch its county's own)
  { method: 'GET', path: '/plans', url: '/plans', allowed: READERS },
  {
    method: 'GET',
    path: '/plans/{planId}/versions/{version}',
    url: '/plans/chaoyang-2024/versions/1',
    allowed: READERS,
  },
  {
    method: 'GET',
    path: '/plans/{planId}/versions/{version}/diff',
    url: '/plans/chaoyang-2024/versions/1/diff',
    allowed: READERS,
  },
  { method: 'PUT', path: '/plans/{planId}/draft', url: '/plans/chaoyang-2024/draft', allowed: KEEPERS },
  {
    method: 'POST',
    path: '/plans/{planId}/versions/{version}/publish',
    url: '/plans/chaoyang-2024/versions/1/publish',
    allowed: KEEPERS,
  },
  {
    method: 'GET',
    path: '/air-quality/daily',
    url: '/air-quality/daily?jurisdiction=chaoyang&from=2026-01-01&to=2026-01-01',
    allowed: READERS,
  },
  {
    method: 'GET',
    path: '/episodes/{id}/assessment',
    url: `/episodes/${E}/assessment`,
    allowed: ['office', 'leader', 'commander'],
  },
  {
    method: 'PUT',
    path: '/episodes/{id}/assessment/opinion',
    url: `/episodes/${E}/assessment/opinion`,
    allowed: ['office'],
  },
  {
    method: 'GET',
    path: '/episodes/{id}/assessment/opinion/document',
    url: `/episodes/${E}/assessment/opinion/document`,
    allowed: ['office', 'leader', 'commander'],
  },
  {
    method: 'GET',
    path: '/air-quality/hourly',
    url: '/air-quality/hourly?jurisdiction=chaoyang&from=2026-01-01&to=2026-01-01',
    allowed: READERS,
  },
  {
    method: 'GET',
    path: '/air-quality/rolling',
    url: '/air-quality/rolling?jurisdiction=chaoyang&at=2026-01-01T08:00:00%2B08:00',
    allowed: READERS,
  },
  { method: 'GET', path: '/units', url: '/units', allowed: ALL },
  { method: 'GET', path: '/principals', url: '/principals', allowed: ['admin'] },
  { method: 'POST', path: '/principals', url: '/principals', allowed: ['admin'] },
  {
    method: 'POST',
    path: '/principals/{id}/tokens',
    url: '/principals/nobody-here/tokens',
    allowed: ['admin'],
  },
  {
    method: 'POST',
    path: '/principals/{id}/revoke',
    url: '/principals/nobody-here/revoke',
    allowed: ['admin'],
  },
  {
    method: 'POST',
    path: '/principals/{id}/status',
    url: '/principals/nobody-here/status',
    allowed: ['admin'],
  },
  {
    method: 'GET',
    path: '/episodes/{id}/audit/timeline',
    url: `/episodes/${E}/audit/timeline`,
    allowed: AUDIT,
  },
  {
    method: 'GET',
    path: '/episodes/{id}/audit/history',
    url: `/episodes/${E}/audit/history`,
    allowed: AUDIT,
  },
  { method: 'POST', path: '/episodes/{id}/audit/replay', url: `/episodes/${E}/audit/replay`, allowed: AUDIT },
  {
    method: 'GET',
    path: '/episodes/{id}/audit/state',
    url: `/episodes/${E}/audit/state?at=2199-01-01T12:00:00%2B08:00`,
    allowed: AUDIT,
  },
  // any principal may try: only a second administrator or the principal itself succeeds (admin-trace.test.ts)
  {
    method: 'POST',
    path: '/token-requests/{id}/confirm',
    url: `/token-requests/${UUID}/confirm`,
    allowed: ALL,
  },
  { method: 'GET', path: '/admin-log', url: '/admin-log', allowed: ['auditor', 'admin'] },
  { method: 'GET', path: '/public/cap', url: '/public/cap', allowed: 'public' },
  { method: 'GET', path: '/public/cap/{identifier}', url: '/public/cap/nothing-here', allowed: 'public' },
  { method: 'GET', path: '/public/warnings', url: '/public/warnings', allowed: 'public' },
  { method: 'GET', path: '/healthz', url: '/healthz', allowed: 'public' },
  { method: 'GET', path: '/problems/{code}', url: '/problems/forbidden', allowed: 'public' },
  { method: 'GET', path: '/metrics', url: '/metrics', allowed: 'public' },
  { method: 'GET', path: '/episodes/{id}/stream', url: `/episodes/${E}/stream`, allowed: READERS },
  // an unknown query parameter: the allowed roles get a 400 rather than an endless stream
  { method: 'GET', path: '/board/stream', url: '/board/stream?unknown=1', allowed: READERS },
  { method: 'GET', path: '/episodes/{id}/live', url: `/episodes/${E}/live`, allowed: AUDIT },
  { method: 'GET', path: '/episodes/{id}/histories', url: `/episodes/${E}/histories`, allowed: AUDIT },
  { method: 'GET', path: '/readyz', url: '/readyz', allowed: 'public' },
  { method: 'GET', path: '/console', url: '/console', allowed: 'public' },
  { method: 'GET', path: '/console/*', url: '/console/', allowed: 'public' },
  { method: 'GET', path: '/console/api/session', url: '/console/api/session', allowed: ALL },
  // field work (#15): readers read (a branch its county), the office and the units write
  { method: 'GET', path: '/field/tasks', url: '/field/tasks', allowed: READERS },
  { method: 'POST', path: '/field/tasks/assign', url: '/field/tasks/assign', allowed: KEEPERS },
  { method: 'POST', path: '/field/tasks/check-in', url: '/field/tasks/check-in', allowed: KEEPERS },
  { method: 'POST', path: '/field/tasks/check-out', url: '/field/tasks/check-out', allowed: KEEPERS },
  { method: 'GET', path: '/field/inspections', url: '/field/inspections', allowed: READERS },
  { method: 'GET', path: '/field/inspections/{id}', url: `/field/inspections/${UUID}`, allowed: READERS },
  { method: 'POST', path: '/field/inspections', url: '/field/inspections', allowed: KEEPERS },
  { method: 'GET', path: '/field/cases', url: '/field/cases', allowed: READERS },
  { method: 'GET', path: '/field/cases/{id}', url: `/field/cases/${UUID}`, allowed: READERS },
  { method: 'POST', path: '/field/cases', url: '/field/cases', allowed: KEEPERS },
  {
    method: 'POST',
    path: '/field/cases/{id}/updates',
    url: `/field/cases/${UUID}/updates`,
    allowed: KEEPERS,
  },
  { method: 'POST', path: '/field/cases/{id}/close', url: `/field/cases/${UUID}/close`, allowed: KEEPERS },
  { method: 'GET', path: '/field/handovers', url: '/field/handovers', allowed: READERS },
  { method: 'POST', path: '/field/handovers', url: '/field/handovers', allowed: KEEPERS },
  {
    method: 'POST',
    path: '/field/handovers/{id}/answer',
    url: `/field/handovers/${UUID}/answer`,
    allowed: KEEPERS,
  },
  { method: 'GET', path: '/field/fire-points', url: '/field/fire-points', allowed: READERS },
  { method: 'POST', path: '/field/fire-points', url: '/field/fire-points', allowed: KEEPERS },
  { method: 'POST', path: '/field/fire-points/import', url: '/field/fire-points/import', allowed: KEEPERS },
  { method: 'GET', path: '/field/vehicle-checks', url: '/field/vehicle-checks', allowed: READERS },
  { method: 'POST', path: '/field/vehicle-checks', url: '/field/vehicle-checks', allowed: KEEPERS },
  { method: 'GET', path: '/field/inspection-groups', url: '/field/inspection-groups', allowed: READERS },
  { method: 'POST', path: '/field/inspection-groups', url: '/field/inspection-groups', allowed: KEEPERS },
  {
    method: 'POST',
    path: '/field/inspection-groups/{id}/findings',
    url: `/field/inspection-groups/${UUID}/findings`,
    allowed: KEEPERS,
  },
  { method: 'GET', path: '/field/report', url: '/field/report', allowed: UNITS },
  { method: 'GET', path: '/field/report-flags', url: '/field/report-flags', allowed: AUDIT },
  // staff sign-in (without an identity provider here: login and callback answer 404)
  { method: 'GET', path: '/auth/options', url: '/auth/options', allowed: 'public' },
  { method: 'GET', path: '/auth/login', url: '/auth/login', allowed: 'public' },
  { method: 'GET', path: '/auth/callback', url: '/auth/callback', allowed: 'public' },
  { method: 'POST', path: '/auth/logout', url: '/auth/logout', allowed: ALL },
];

const FORBIDDEN_BODY = {
  type: '/problems/forbidden',
  status: 403,
  code: 'forbidden',
  detail: 'not allowed for this principal',
};

describe('RBAC: every (role, route) pair', () => {
  const pairs = routeCases.flatMap((r) => ALL.map((k) => [r, k] as const));
  it.each(pairs.map(([r, k]) => [`${r.method} ${r.path}`, k, r] as const))(
    '%s as %s',
    async (_name, key, route) => {
      const res = await s.app.inject({
        method: route.method,
        url: route.url,
        headers: bearer(s.who[key]),
        ...(route.method === 'POST' || route.method === 'PUT' ? { payload: {} } : {}),
      });
      if (route.allowed === 'public' || route.allowed.includes(key)) {
        expect([401, 403]).not.toContain(res.statusCode);
        expect(res.statusCode).toBeLessThan(500);
      } else {
        expect(res.statusCode).toBe(403);
        expect(res.json()).toMatchObject(FORBIDDEN_BODY);
      }
    },
  );

  it('the table covers every route of the app', () => {
    const app404 = s.app.apiRoutes
      .filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/docs'))
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    expect([...new Set(app404)]).toEqual(routeCases.map((r) => `${r.method} ${r.path}`).sort());
  });
});

describe('authentication', () => {
  it.each(routeCases.filter((r) => r.allowed !== 'public'))(
    '$method $path answers 401 without a token, with a bad token and with a revoked one',
    async (route) => {
      const payload = route.method === 'POST' || route.method === 'PUT' ? { payload: {} } : {};
      const none = await s.app.inject({ method: route.method, url: route.url, ...payload });
      expect(none.statusCode).toBe(401);
      expect(none.json().code).toBe('unauthenticated');
      const bad = await s.app.inject({
        method: route.method,
        url: route.url,
        headers: { authorization: 'Bearer smog_not-a-real-token-at-all-000000' },
        ...payload,
      });
      expect(bad.statusCode).toBe(401);
      const basic = await s.app.inject({
        method: route.method,
        url: route.url,
        headers: { authorization: 'Basic dXNlcjpwYXNz' },
        ...payload,
      });
      expect(basic.statusCode).toBe(401);
    },
  );

  it('stores tokens only as SHA-256 hashes, and a revoked token stops working', async () => {
    const issued = await issueToken(s.ctx.pool, s.who.auditor.id, { label: 'revocation test' });
    const rows = await s.ctx.pool.query('SELECT token_hash FROM api_tokens WHERE id = $1', [issued.tokenId]);
    expect(rows.rows[0].token_hash).toBe(hashToken(issued.token));
    expect(JSON.stringify(rows.rows)).not.toContain(issued.token);
    expect((await s.app.inject({ method: 'GET', url: '/units', headers: bearer(issued) })).statusCode).toBe(
      200,
    );
    await s.ctx.pool.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1', [issued.tokenId]);
    expect((await s.app.inject({ method: 'GET', url: '/units', headers: bearer(issued) })).statusCode).toBe(
      401,
    );
  });
});

describe('principals admin', () => {
  it('creates a principal and issues a token that then authenticates', async () => {
    const id = `t-made-${Date.now().toString(36)}`;
    const made = await s.app.inject({
      method: 'POST',
      url: '/principals',
      headers: bearer(s.who.admin),
      payload: { id, role: 'unit', unit: 'branch.lingyuan', name: '凌源分局' },
    });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ id, role: 'unit', unit: 'branch.lingyuan' });
    const same = await s.app.inject({
      method: 'POST',
      url: '/principals',
      headers: bearer(s.who.admin),
      payload: { id, role: 'unit', unit: 'branch.lingyuan' },
    });
    expect(same.statusCode).toBe(200);
    const clash = await s.app.inject({
      method: 'POST',
      url: '/principals',
      headers: bearer(s.who.admin),
      payload: { id, role: 'office' },
    });
    expect(clash.statusCode).toBe(409);
    const badUnit = await s.app.inject({
      method: 'POST',
      url: '/principals',
      headers: bearer(s.who.admin),
      payload: { id: `${id}-x`, role: 'unit', unit: 'no-such-unit' },
    });
    expect(badUnit.statusCode).toBe(400);

    // a token for another principal: requested by one administrator, confirmed by a second one
    const token = await issueConfirmed(id, { label: 'laptop' });
    const units = await s.app.inject({
      method: 'GET',
      url: '/units',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(units.statusCode).toBe(200);
    expect(units.json().items.length).toBeGreaterThan(5);

    const list = await s.app.inject({ method: 'GET', url: '/principals', headers: bearer(s.who.admin) });
    expect(list.json().items.find((p: { id: string }) => p.id === id)).toMatchObject({ activeTokens: 1 });
    expect(list.body).not.toContain(token);

    // the admin revokes: the token stops working at once; revoking again revokes nothing
    const revoked = await s.app.inject({
      method: 'POST',
      url: `/principals/${id}/revoke`,
      headers: bearer(s.who.admin),
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toEqual({ principalId: id, revoked: 1 });
    const after = await s.app.inject({
      method: 'GET',
      url: '/units',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.statusCode).toBe(401);
    const again = await s.app.inject({
      method: 'POST',
      url: `/principals/${id}/revoke`,
      headers: bearer(s.who.admin),
    });
    expect(again.json().revoked).toBe(0);
    const relisted = await s.app.inject({ method: 'GET', url: '/principals', headers: bearer(s.who.admin) });
    expect(relisted.json().items.find((p: { id: string }) => p.id === id)).toMatchObject({ activeTokens: 0 });
    const nobody = await s.app.inject({
      method: 'POST',
      url: '/principals/nobody-at-all/revoke',
      headers: bearer(s.who.admin),
    });
    expect(nobody.statusCode).toBe(404);

    // disabled: a fresh token of the principal is refused until it is enabled again
    const fresh = await issueConfirmed(id);
    const status = (disabled: unknown, who = id) =>
      s.app.inject({
        method: 'POST',
        url: `/principals/${who}/status`,
        headers: bearer(s.who.admin),
        payload: { disabled },
      });
    const unitsWith = (token: string) =>
      s.app.inject({ method: 'GET', url: '/units', headers: { authorization: `Bearer ${token}` } });
    expect((await unitsWith(fresh)).statusCode).toBe(200);
    const off = await status(true);
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ id, disabled: true });
    expect((await unitsWith(fresh)).statusCode).toBe(401);
    expect((await status(false)).json()).toMatchObject({ id, disabled: false });
    expect((await unitsWith(fresh)).statusCode).toBe(200);
    const badBody = await status('yes');
    expect(badBody.statusCode).toBe(400);
    expect(JSON.stringify(badBody.json())).toContain('disabled');
    expect((await status(true, 'nobody-at-all')).statusCode).toBe(404);
    // the administrator cannot lock itself out
    expect((await status(true, s.who.admin.id)).statusCode).toBe(409);
    expect((await unitsWith(s.who.admin.token)).statusCode).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  it('a retry answers the first answer and does nothing twice; another body with the key is refused', async () => {
    const id = `t-idem-${Date.now().toString(36)}`;
    const key = `key-${id}`;
    const before = await tableCounts(s.ctx);
    const first = await s.app.inject({
      method: 'POST',
      url: `/principals`,
      headers: { ...bearer(s.who.admin), 'idempotency-key': key },
      payload: { id, role: 'auditor' },
    });
    expect(first.statusCode).toBe(201);
    const tokenKey = `${key}-token`;
    const requested = await s.app.inject({
      method: 'POST',
      url: `/principals/${id}/tokens`,
      headers: bearer(s.who.admin),
      payload: {},
    });
    expect(requested.statusCode).toBe(202);
    const confirmUrl = `/token-requests/${requested.json().requestId}/confirm`;
    const admin2 = await secondAdmin();
    const tokenFirst = await s.app.inject({
      method: 'POST',
      url: confirmUrl,
      headers: { ...bearer(admin2), 'idempotency-key': tokenKey },
    });
    expect(tokenFirst.statusCode).toBe(201);
    const again = await s.app.inject({
      method: 'POST',
      url: `/principals`,
      headers: { ...bearer(s.who.admin), 'idempotency-key': key },
      payload: { id, role: 'auditor' },
    });
    expect(again.statusCode).toBe(201); // the first answer, not the 200 of a second create
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const tokenAgain = await s.app.inject({
      method: 'POST',
      url: confirmUrl,
      headers: { ...bearer(admin2), 'idempotency-key': tokenKey },
    });
    expect(tokenAgain.statusCode).toBe(201);
    expect(tokenAgain.json().tokenId).toBe(tokenFirst.json().tokenId);
    expect(tokenAgain.json().token).toBeNull(); // the secret is never stored, not even for replays
    const after = await tableCounts(s.ctx);
    expect(after.api_tokens).toBe(before.api_tokens! + 1);
    expect(after.principals).toBe(before.principals! + 1);
    const stored = await s.ctx.pool.query('SELECT body FROM idempotency_keys WHERE key = $1', [tokenKey]);
    expect(stored.rows[0].body).not.toContain(tokenFirst.json().token);

    const reused = await s.app.inject({
      method: 'POST',
      url: `/principals`,
      headers: { ...bearer(s.who.admin), 'idempotency-key': key },
      payload: { id: `${id}-other`, role: 'auditor' },
    });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('idempotency_key_reused');
    expect((await tableCounts(s.ctx)).principals).toBe(after.principals);

    const badKey = await s.app.inject({
      method: 'POST',
      url: `/principals`,
      headers: { ...bearer(s.who.admin), 'idempotency-key': 'has spaces in it' },
      payload: { id: `${id}-b`, role: 'auditor' },
    });
    expect(badKey.statusCode).toBe(400);
  });

  it('keys are per principal: the same key from someone else is a different request', async () => {
    const key = `shared-${Date.now().toString(36)}`;
    const a = await s.app.inject({
      method: 'POST',
      url: '/principals',
      headers: { ...bearer(s.who.admin), 'idempotency-key': key },
      payload: { id: `${key}-a`, role: 'auditor' },
    });
    expect(a.statusCode).toBe(201);
    const b = await s.app.inject({
      method: 'POST',
      url: '/episodes',
      headers: { ...bearer(s.who.office), 'idempotency-key': key },
      payload: { jurisdiction: 'nowhere', forecast: [] },
    });
    expect(b.statusCode).toBe(400);
  });
});

describe('hardening', () => {
  it('sends security headers and no stack traces', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/units', headers: bearer(s.who.office) });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-frame-options']).toBeDefined();
    const malformed = await s.app.inject({
      method: 'POST',
      url: '/episodes',
      headers: { ...bearer(s.who.office), 'content-type': 'application/json' },
      payload: '{"jurisdiction":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('refuses bodies over the limit with 413', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/episodes',
      headers: { ...bearer(s.who.office), 'content-type': 'application/json' },
      payload: JSON.stringify({ jurisdiction: 'chaoyang', forecast: [], pad: 'x'.repeat(1_100_000) }),
    });
    expect(res.statusCode).toBe(413);
  });

  it('rate-limits per principal with 429', async () => {
    const limited = await testApp(s.ctx, 'no-worker', { rateLimit: { max: 3, timeWindowMs: 60_000 } });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push(
        (await limited.inject({ method: 'GET', url: '/units', headers: bearer(s.who.leader) })).statusCode,
      );
    }
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    // another principal has its own budget
    expect(
      (await limited.inject({ method: 'GET', url: '/units', headers: bearer(s.who.auditor) })).statusCode,
    ).toBe(200);
    const res = await limited.inject({ method: 'GET', url: '/units', headers: bearer(s.who.leader) });
    expect(res.json().code).toBe('rate_limited');
    await limited.close();
  });
});

describe('OpenAPI', () => {
  it('validates, and every route is in it', async () => {
    await s.app.ready();
    const spec = s.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    await SwaggerParser.validate(structuredClone(spec) as never);
    const documented = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    // the console's static files and the sign-in's browser redirects are not API operations;
    // everything else is documented
    const browserOnly = ['/console', '/console/*', '/auth/login', '/auth/callback'];
    for (const r of routeCases.filter((c) => !browserOnly.includes(c.path))) {
      expect(documented).toContain(`${r.method} ${r.path}`);
    }
    const docs = await s.app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    const protectedOp = spec.paths['/episodes/{id}/decisions']?.post as { security?: unknown };
    expect(protectedOp.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
  });
});
