/**
 * Test wiring of staff sign-in: a free port for the app (its callback must be registered at the
 * identity provider before the app is built), the test identity provider, the app's `signIn` options,
 * and a cookie jar per host for driving the redirects with fetch.
 */
import { createServer } from 'node:net';
import type { AppOptions } from '../../src/api/app.js';
import { type TestIdp, startTestIdp } from './test-idp.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface SignInSetup {
  idp: TestIdp;
  appPort: number;
  baseUrl: string;
  signIn: NonNullable<AppOptions['signIn']>;
}

/** The identity provider and the app's sign-in options for an app that will listen on `appPort`. */
export async function signInSetup(opts: {
  idleMs: number;
  maxMs?: number;
  failures?: { max: number; windowMs: number };
}): Promise<SignInSetup> {
  const appPort = await freePort();
  const baseUrl = `http://127.0.0.1:${appPort}`;
  const idp = await startTestIdp({
    redirectUris: [`${baseUrl}/auth/callback`],
    postLogoutRedirectUris: [`${baseUrl}/console/`],
  });
  return {
    idp,
    appPort,
    baseUrl,
    signIn: {
      oidc: {
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        scopes: 'openid profile',
        principalClaim: 'preferred_username',
        nameClaim: 'name',
        redirectUri: `${baseUrl}/auth/callback`,
        providerName: '省统一身份认证',
      },
      session: { idleMs: opts.idleMs, maxMs: opts.maxMs ?? 3600_000 },
      failures: opts.failures ?? { max: 1000, windowMs: 60_000 },
    },
  };
}

/** A browser's cookies for fetch: one jar per host:port (cookies ignore ports, but these tests don't care). */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  header(url: string): string {
    const jar = this.cookies.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  take(url: string, res: Response): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a),
      );
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(host, jar);
  }

  get(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).host)?.get(name);
  }
}

/** fetch without following redirects, with the jar's cookies. */
export async function browse(
  jar: CookieJar,
  url: string,
  init: RequestInit = {},
): Promise<{ res: Response; text: string; location: string | null }> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set('cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.take(url, res);
  const location = res.headers.get('location');
  return { res, text: await res.text(), location: location ? new URL(location, url).href : null };
}

/**
 * The whole sign-in as a browser makes it: the console's /auth/login, the provider's sign-in page
 * (username, password), its redirects, and the callback. Answers where the app sent the browser last.
 */
export async function signInWithPassword(
  jar: CookieJar,
  baseUrl: string,
  username: string,
  password: string,
  returnTo = '/console/',
): Promise<string> {
  let step = await browse(jar, `${baseUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  for (let i = 0; i < 10 && step.location; i++) {
    const at = step.location;
    if (at.startsWith(baseUrl) && !at.startsWith(`${baseUrl}/auth/`)) return at;
    step = await browse(jar, at);
    const form = /<form method="post" action="([^"]+)"/.exec(step.text);
    if (form?.[1]) {
      const action = new URL(form[1].replace(/&amp;/g, '&'), at).href;
      step = await browse(jar, action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password }).toString(),
      });
      if (!step.location) throw new Error(`the provider refused the sign-in: ${step.text.slice(0, 200)}`);
    }
  }
  throw new Error('the sign-in did not come back to the console');
}
