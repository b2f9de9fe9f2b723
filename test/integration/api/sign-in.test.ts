/**
 * Staff sign-in by OpenID Connect against a real local identity provider (oidc-provider), driven with
 * fetch as a browser would (redirects, cookies per host): the session cookie's attributes, the person's
 * name, CSRF refusals of state-changing requests made with the cookie (bearer tokens exempt), the idle
 * timeout and the lifetime, sign-out, failed sign-ins and their rate limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/api/app.js';
import { type IntegrationContext, integrationContext, uniqueTaskQueue } from '../../helpers.js';
import { CookieJar, browse, signInSetup, signInWithPassword } from '../../oidc/sign-in-stack.js';
import type { SignInSetup } from '../../oidc/sign-in-stack.js';
import { PNG_1x1, type PrincipalKey, type TestPrincipal, seedPrincipals, testApp } from './api-helpers.js';

const IDLE_MS = 2_500;
let ctx: IntegrationContext;
let setup: SignInSetup;
let app: App;
let who: Record<PrincipalKey, TestPrincipal>;
let base: string;

beforeAll(async () => {
  ctx = await integrationContext();
  setup = await signInSetup({ idleMs: IDLE_MS, failures: { max: 3, windowMs: 60_000 } });
  app = await testApp(ctx, uniqueTaskQueue('signin'), { signIn: setup.signIn });
  await app.listen({ host: '127.0.0.1', port: setup.appPort });
  base = setup.baseUrl;
  who = await seedPrincipals(ctx);
  setup.idp.addPerson({ username: who.shuangta.id, password: 'pw-双塔-1', name: '张建国' });
  setup.idp.addPerson({ username: who.admin.id, password: 'pw-admin-1', name: '刘芳' });
  setup.idp.addPerson({ username: 'stranger', password: 'pw-x', name: '路人甲' });
});
afterAll(async () => {
  await app?.close();
  await setup?.idp.close();
  await ctx?.close();
});

const cookieName = 'smog_session';

async function signedIn(username: string, password: string, returnTo = '/console/') {
  const jar = new CookieJar();
  const landed = await signInWithPassword(jar, base, username, password, returnTo);
  return { jar, landed };
}

async function session(jar: CookieJar, background = false) {
  const r = await browse(jar, `${base}/console/api/session`, {
    headers: background ? { 'x-smog-background': '1' } : {},
  });
  return {
    status: r.res.status,
    json: r.res.status === 200 ? JSON.parse(r.text) : JSON.parse(r.text || '{}'),
  };
}

function photoForm(): FormData {
  const form = new FormData();
  form.append('photo', new Blob([PNG_1x1], { type: 'image/png' }), 'site.png');
  return form;
}

const photoCount = async (unit: string) =>
  Number(
    (await ctx.pool.query('SELECT count(*)::int AS n FROM photos WHERE unit_id = $1', [unit])).rows[0].n,
  );

describe('sign-in by OpenID Connect', () => {
  it('the console offers the identity provider, not tokens', async () => {
    const r = await browse(new CookieJar(), `${base}/auth/options`);
    expect(JSON.parse(r.text)).toEqual({
      oidc: { providerName: '省统一身份认证', loginUrl: '/auth/login' },
      tokenSignIn: false,
    });
  });

  it('signs a person in through the provider: a HttpOnly SameSite cookie, the name from the provider', async () => {
    const jar = new CookieJar();
    const start = await browse(
      jar,
      `${base}/auth/login?returnTo=${encodeURIComponent('/console/#/enterprises')}`,
    );
    // authorization code + PKCE (S256) with state and nonce
    const authorize = new URL(start.location!);
    expect(authorize.origin).toBe(setup.idp.issuer);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: setup.idp.clientId,
      redirect_uri: `${base}/auth/callback`,
      code_challenge_method: 'S256',
    });
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('state')).toBe(jar.get(base, 'smog_oidc'));

    const landed = await signInWithPassword(
      jar,
      base,
      who.shuangta.id,
      'pw-双塔-1',
      '/console/#/enterprises',
    );
    expect(landed).toBe(`${base}/console/#/enterprises`);
    const me = await session(jar);
    expect(me.status).toBe(200);
    expect(me.json.principal).toEqual({
      id: who.shuangta.id,
      name: '张建国',
      role: 'unit',
      unit: 'branch.shuangta',
    });
    expect(me.json.session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(me.json.session.idleSeconds).toBe(Math.round(IDLE_MS / 1000));
    // the cookie is opaque; only its hash is stored
    const value = jar.get(base, cookieName)!;
    const stored = await ctx.pool.query('SELECT id_hash FROM console_sessions WHERE principal_id = $1', [
      who.shuangta.id,
    ]);
    expect(stored.rows.map((r) => r.id_hash)).not.toContain(value);
    // and a read works with it
    const list = await browse(jar, `${base}/episodes`);
    expect(list.res.status).toBe(200);
  });

  it('the session cookie is HttpOnly, SameSite=Lax, Path=/ (Secure only over https)', async () => {
    const jar = new CookieJar();
    let setCookie = '';
    const origTake = jar.take.bind(jar);
    jar.take = (url, res) => {
      for (const c of res.headers.getSetCookie()) if (c.startsWith(`${cookieName}=`)) setCookie = c;
      origTake(url, res);
    };
    await signInWithPassword(jar, base, who.shuangta.id, 'pw-双塔-1');
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/i);
    // behind an https proxy (API_TRUST_PROXY) the cookies are Secure and __Host- prefixed
    const behindProxy = await testApp(ctx, uniqueTaskQueue('signin'), {
      signIn: setup.signIn,
      trustProxy: true,
    });
    try {
      const proxied = await behindProxy.inject({
        method: 'GET',
        url: '/auth/login',
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(proxied.statusCode).toBe(302);
      const pending = String(proxied.headers['set-cookie']);
      expect(pending).toMatch(/^__Host-smog_oidc=[^;]+;.*Secure/i);
      expect(pending).toMatch(/HttpOnly/i);
    } finally {
      await behindProxy.close();
    }
  });

  it('refuses a state-changing request made with the cookie but without its CSRF token; a bearer token needs none', async () => {
    const { jar } = await signedIn(who.shuangta.id, 'pw-双塔-1');
    const csrf = (await session(jar)).json.session.csrfToken as string;
    const before = await photoCount('branch.shuangta');

    const without = await browse(jar, `${base}/photos`, { method: 'POST', body: photoForm() });
    expect(without.res.status).toBe(403);
    expect(JSON.parse(without.text)).toMatchObject({ code: 'csrf', status: 403 });
    const wrong = await browse(jar, `${base}/photos`, {
      method: 'POST',
      body: photoForm(),
      headers: { 'x-csrf-token': `${csrf.slice(0, -2)}xx` },
    });
    expect(wrong.res.status).toBe(403);
    expect(await photoCount('branch.shuangta')).toBe(before);

    const right = await browse(jar, `${base}/photos`, {
      method: 'POST',
      body: photoForm(),
      headers: { 'x-csrf-token': csrf },
    });
    expect(right.res.status).toBe(201);
    expect(await photoCount('branch.shuangta')).toBe(before + 1);

    // machines: a bearer token, no cookie, no CSRF token
    const machine = await fetch(`${base}/photos`, {
      method: 'POST',
      body: photoForm(),
      headers: { authorization: `Bearer ${who.shuangta.token}` },
    });
    expect(machine.status).toBe(201);
    // a bearer request ignores any cookie: with a bad token it is 401 even beside a good session
    const badBearer = await browse(jar, `${base}/episodes`, {
      headers: { authorization: 'Bearer smog_nope-nope-nope-nope' },
    });
    expect(badBearer.res.status).toBe(401);
  });

  it('ends the session after the idle timeout; background polling does not keep it alive, activity does', async () => {
    const { jar } = await signedIn(who.shuangta.id, 'pw-双塔-1');
    // activity within the idle time keeps the session
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, IDLE_MS / 2));
      expect((await session(jar)).status).toBe(200);
    }
    // background requests only: the session idles out
    const until = Date.now() + IDLE_MS + 800;
    let last = 200;
    while (Date.now() < until) {
      last = (await session(jar, true)).status;
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(last).toBe(401);
    const after = await session(jar);
    expect(after.status).toBe(401);
    expect(after.json.code).toBe('unauthenticated');
  });

  it('ends a live stream opened with the cookie once the session idles out', async () => {
    const { jar } = await signedIn(who.shuangta.id, 'pw-双塔-1');
    const openedAt = Date.now();
    const res = await fetch(`${base}/board/stream`, {
      headers: { cookie: jar.header(base), accept: 'text/event-stream', 'x-smog-background': '1' },
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    // read until the server ends the stream (bounded: the test's own timeout)
    while (!(await reader.read()).done) {}
    const lasted = Date.now() - openedAt;
    expect(lasted).toBeGreaterThanOrEqual(IDLE_MS - 500);
    expect(lasted).toBeLessThan(IDLE_MS + 5_000);
    expect((await session(jar, true)).status).toBe(401);
  });

  it('ends the session at its absolute lifetime, and when the principal is disabled or its tokens revoked', async () => {
    const a = await signedIn(who.shuangta.id, 'pw-双塔-1');
    await ctx.pool.query(
      "UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE principal_id = $1",
      [who.shuangta.id],
    );
    expect((await session(a.jar)).status).toBe(401);

    const b = await signedIn(who.shuangta.id, 'pw-双塔-1');
    expect((await session(b.jar)).status).toBe(200);
    const adminJar = (await signedIn(who.admin.id, 'pw-admin-1')).jar;
    const adminCsrf = (await session(adminJar)).json.session.csrfToken as string;
    const revoked = await browse(adminJar, `${base}/principals/${who.shuangta.id}/revoke`, {
      method: 'POST',
      headers: { 'x-csrf-token': adminCsrf },
    });
    expect(revoked.res.status).toBe(200);
    expect((await session(b.jar)).status).toBe(401);
  });

  it('signs out: the cookie is cleared, the session is gone, and the provider is told', async () => {
    const { jar } = await signedIn(who.admin.id, 'pw-admin-1');
    const csrf = (await session(jar)).json.session.csrfToken as string;
    const value = jar.get(base, cookieName)!;
    // sign-out is state-changing too: not without the token
    expect((await browse(jar, `${base}/auth/logout`, { method: 'POST' })).res.status).toBe(403);
    const out = await browse(jar, `${base}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrf },
    });
    expect(out.res.status).toBe(200);
    const body = JSON.parse(out.text);
    expect(body.signedOut).toBe(true);
    const end = new URL(body.endSessionUrl);
    expect(end.origin).toBe(setup.idp.issuer);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/console/`);
    expect(end.searchParams.get('id_token_hint')).toBeTruthy();
    expect(jar.get(base, cookieName)).toBeUndefined();
    // the old cookie value no longer works
    const replay = await fetch(`${base}/console/api/session`, {
      headers: { cookie: `${cookieName}=${value}` },
    });
    expect(replay.status).toBe(401);
  });

  it('a person the store does not know is not signed in; a forged callback is refused', async () => {
    const jar = new CookieJar();
    const landed = await signInWithPassword(jar, base, 'stranger', 'pw-x');
    expect(landed).toBe(`${base}/console/?signin_error=signin_not_registered`);
    expect(jar.get(base, cookieName)).toBeUndefined();

    // a callback with a state this browser never started (login CSRF)
    const forged = await browse(new CookieJar(), `${base}/auth/callback?code=abc&state=not-mine`);
    expect(forged.location).toBe(`${base}/console/?signin_error=signin_failed`);
  });

  it('rate-limits an address after repeated failed sign-ins', async () => {
    // the earlier test made 2 failures; the limit here is 3 per minute
    const jar = new CookieJar();
    await browse(jar, `${base}/auth/callback?code=abc&state=again-not-mine`);
    const blocked = await browse(new CookieJar(), `${base}/auth/login`);
    expect(blocked.location).toBe(`${base}/console/?signin_error=rate_limited`);
    // even with the right password
    await expect(signInWithPassword(new CookieJar(), base, who.shuangta.id, 'pw-双塔-1')).resolves.toBe(
      `${base}/console/?signin_error=rate_limited`,
    );
    // another address is not affected
    const other = await app.inject({ method: 'GET', url: '/auth/login', remoteAddress: '127.0.0.9' });
    expect(other.statusCode).toBe(302);
    expect(other.headers.location).toContain(setup.idp.issuer);
  });
});
