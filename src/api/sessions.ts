/**
 * The console's cookie sessions in PostgreSQL: created after an OpenID Connect sign-in, ended by
 * sign-out, by `idleMs` without the person's activity or `maxMs` after sign-in. The cookie holds 32
 * random bytes; only their SHA-256 is stored. Each session has its CSRF synchronizer token, which
 * every state-changing request made with the cookie must carry in `X-CSRF-Token` (security.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { Role } from '../domain/index.js';
import type { ApiPrincipal } from './principal-store.js';

export interface SessionSettings {
  /** The session ends after this long without the person's activity, ms. */
  idleMs: number;
  /** …and this long after sign-in in any case, ms. */
  maxMs: number;
  /** Cookies are Secure whatever the request says (API_PUBLIC_URL is https): a proxy that forgets X-Forwarded-Proto cannot make them plain. */
  secure?: boolean;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = { idleMs: 30 * 60_000, maxMs: 12 * 3600_000 };

/** The header that carries the session's CSRF token; the header that marks a request as no activity. */
export const CSRF_HEADER = 'x-csrf-token';
export const BACKGROUND_HEADER = 'x-smog-background';

/** Over https the cookie is `__Host-` prefixed (Secure, Path=/, no Domain: the browser enforces it). */
export const sessionCookieName = (secure: boolean) => (secure ? '__Host-smog_session' : 'smog_session');

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export interface ConsoleSession {
  principal: ApiPrincipal;
  /** The person's name from the identity provider. */
  displayName: string;
  csrfToken: string;
  expiresAt: string;
}

export interface NewSession {
  principalId: string;
  displayName: string;
  issuer: string;
  subject: string;
  idToken?: string;
}

/** Opens a session; answers the cookie value (never stored) and the session's CSRF token. */
export async function createSession(
  pool: pg.Pool,
  s: NewSession,
  settings: SessionSettings,
): Promise<{ cookieValue: string; csrfToken: string }> {
  const cookieValue = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  await pool.query(
    `INSERT INTO console_sessions (id_hash, principal_id, display_name, csrf_token, issuer, subject, id_token, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8::double precision))`,
    [
      sha256(cookieValue),
      s.principalId,
      s.displayName,
      csrfToken,
      s.issuer,
      s.subject,
      s.idToken ?? null,
      settings.maxMs / 1000,
    ],
  );
  if (Math.random() < 0.02) {
    await pool.query(
      `DELETE FROM console_sessions WHERE expires_at < now() OR last_seen_at < now() - make_interval(secs => $1::double precision)`,
      [settings.idleMs / 1000],
    );
  }
  return { cookieValue, csrfToken };
}

/**
 * The session of a cookie value, or null (unknown, signed out, idle too long, past its lifetime, or its
 * principal disabled). `touch` — the request is the person's activity — restarts the idle clock.
 */
export async function findSession(
  pool: pg.Pool,
  cookieValue: string,
  settings: SessionSettings,
  touch: boolean,
): Promise<ConsoleSession | null> {
  if (cookieValue.length < 20 || cookieValue.length > 100) return null;
  const { rows } = await pool.query<{
    id: string;
    role: Role;
    unit: string | null;
    display_name: string;
    csrf_token: string;
    expires_at: Date;
  }>(
    `UPDATE console_sessions s SET last_seen_at = CASE WHEN $3 THEN now() ELSE s.last_seen_at END
     FROM principals p
     WHERE s.id_hash = $1 AND p.id = s.principal_id AND NOT p.disabled AND s.expires_at > now()
       AND s.last_seen_at > now() - make_interval(secs => $2::double precision)
     RETURNING p.id, p.role, p.unit, s.display_name, s.csrf_token, s.expires_at`,
    [sha256(cookieValue), settings.idleMs / 1000, touch],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    principal: r.unit ? { id: r.id, role: r.role, unit: r.unit } : { id: r.id, role: r.role },
    displayName: r.display_name,
    csrfToken: r.csrf_token,
    expiresAt: r.expires_at.toISOString(),
  };
}

/** Ends a session (sign-out); answers its ID token for the identity provider's sign-out, if any. */
export async function endSession(pool: pg.Pool, cookieValue: string): Promise<{ idToken: string | null }> {
  const { rows } = await pool.query<{ id_token: string | null }>(
    'DELETE FROM console_sessions WHERE id_hash = $1 RETURNING id_token',
    [sha256(cookieValue)],
  );
  return { idToken: rows[0]?.id_token ?? null };
}

/** Whether the request carries the session's CSRF token (compared in constant time). */
export function csrfTokenMatches(req: FastifyRequest, expected: string): boolean {
  const given = req.headers[CSRF_HEADER];
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether cookies are Secure: the site is https, or the request reached us over https (a trusted proxy: API_TRUST_PROXY). */
export const isHttps = (req: FastifyRequest, settings: SessionSettings) =>
  settings.secure === true || req.protocol === 'https';

/** The session cookie's value on a request, if any. */
export function sessionCookieOf(req: FastifyRequest, settings: SessionSettings): string | undefined {
  const cookies = (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies;
  return cookies?.[sessionCookieName(isHttps(req, settings))];
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure over https, for the session's lifetime. */
export function setSessionCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  value: string,
  settings: SessionSettings,
): void {
  reply.setCookie(sessionCookieName(isHttps(req, settings)), value, {
    httpOnly: true,
    secure: isHttps(req, settings),
    sameSite: 'lax',
    path: '/',
    maxAge: Math.floor(settings.maxMs / 1000),
  });
}

export function clearSessionCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  settings: SessionSettings,
): void {
  reply.clearCookie(sessionCookieName(isHttps(req, settings)), {
    httpOnly: true,
    secure: isHttps(req, settings),
    sameSite: 'lax',
    path: '/',
  });
}

/**
 * Ends a long-lived answer (a server-sent event stream) opened with a session cookie once the session
 * has ended (idle, lifetime, sign-out, principal disabled): looked up now and then, never as activity.
 */
export function endWithSession(
  pool: pg.Pool,
  req: FastifyRequest,
  res: ServerResponse,
  settings: SessionSettings,
): void {
  const cookie = req.consoleSession ? sessionCookieOf(req, settings) : undefined;
  if (!cookie) return;
  const every = Math.max(1_000, Math.min(60_000, settings.idleMs / 3));
  const timer = setInterval(() => {
    findSession(pool, cookie, settings, false)
      .then((session) => {
        if (session === null) {
          clearInterval(timer);
          res.end();
        }
      })
      .catch(() => {});
  }, every);
  timer.unref();
  res.once('close', () => clearInterval(timer));
}
