/**
 * Staff sign-in by OpenID Connect and the console's cookie session: `GET /auth/login` sends the browser
 * to the identity provider (state, nonce and PKCE kept in `oidc_logins`, bound to the browser by a
 * short-lived cookie), `GET /auth/callback` maps the person to a principal of the store and opens the
 * session, `POST /auth/logout` ends it. Failed sign-ins are counted per address (sign-in-throttle.ts).
 * A browser never reads a problem+json here: failures go back to the console with `?signin_error=<code>`.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANY_ROLE } from '../access.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { OidcSignIn, SignInError } from '../oidc.js';
import { getPrincipal } from '../principal-store.js';
import { errorBody } from '../schemas.js';
import {
  DEFAULT_SESSION_SETTINGS,
  clearSessionCookie,
  createSession,
  endSession,
  isHttps,
  sessionCookieOf,
  setSessionCookie,
} from '../sessions.js';
import { SignInThrottle } from '../sign-in-throttle.js';

/** A sign-in must come back from the identity provider within this time. */
const PENDING_SECONDS = 600;
const pendingCookie = (secure: boolean) => (secure ? '__Host-smog_oidc' : 'smog_oidc');
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
/** Where a sign-in may return: a page of the console (never another site). */
const RETURN_TO = /^\/console\/[^\s\\]*$/;

/** The two browser redirects are not API operations (a browser navigates them): hidden from the document. */
const BROWSER_ONLY = { hide: true } as const;

export const signInRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const oidcSettings = deps.signIn?.oidc;
  const oidc = oidcSettings ? new OidcSignIn(oidcSettings) : null;
  const sessions = deps.signIn?.session ?? DEFAULT_SESSION_SETTINGS;
  const throttle = new SignInThrottle(deps.signIn?.failures ?? { max: 10, windowMs: 15 * 60_000 });

  const backToConsole = (reply: FastifyReply, code: string) =>
    reply.redirect(`/console/?signin_error=${encodeURIComponent(code)}`, 303);

  const failed = (req: FastifyRequest, reply: FastifyReply, code: string, why: string) => {
    throttle.fail(req.ip);
    req.log.warn({ ip: req.ip, code, why }, 'sign-in failed');
    return backToConsole(reply, code);
  };

  app.get(
    '/auth/options',
    {
      config: { access: 'public' },
      schema: {
        tags: ['sign-in'],
        summary: 'How the console signs in: the identity provider (OpenID Connect), or an API token',
        description:
          'With an identity provider, a browser navigates to `loginUrl` (`GET /auth/login?returnTo=/console/…`: ' +
          'a redirect to the provider, authorization code + PKCE), the provider sends it back to ' +
          '`GET /auth/callback`, which sets the session cookie and returns to the console page; a failure ' +
          'returns to `/console/?signin_error=<problem code>`. Those two are browser redirects, not operations.',
        response: {
          200: z
            .object({
              oidc: z
                .object({
                  providerName: z.string().describe('label of the sign-in button'),
                  loginUrl: z
                    .string()
                    .describe('GET it in the browser (a redirect to the identity provider)'),
                })
                .nullable()
                .describe('null when no identity provider is configured'),
              tokenSignIn: z.boolean().describe('the console offers sign-in with an API token (no OIDC)'),
            })
            .meta({
              examples: [
                { oidc: { providerName: '统一身份认证', loginUrl: '/auth/login' }, tokenSignIn: false },
              ],
            }),
        },
      },
    },
    async () => ({
      oidc: oidcSettings ? { providerName: oidcSettings.providerName, loginUrl: '/auth/login' } : null,
      tokenSignIn: !oidcSettings,
    }),
  );

  app.get(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: {
        ...BROWSER_ONLY,
        summary: 'Starts a sign-in at the identity provider (authorization code + PKCE)',
        querystring: z.object({
          returnTo: z
            .string()
            .max(500)
            .optional()
            .describe('a console page to come back to, e.g. /console/#/episode/…'),
        }),
      },
    },
    async (req, reply) => {
      if (!oidc) throw notFound('identity provider');
      if (throttle.retryAfterSeconds(req.ip) > 0) return backToConsole(reply, 'rate_limited');
      const returnTo =
        req.query.returnTo && RETURN_TO.test(req.query.returnTo) ? req.query.returnTo : '/console/';
      let started: Awaited<ReturnType<OidcSignIn['start']>>;
      try {
        started = await oidc.start();
      } catch (err) {
        req.log.error({ err }, 'the identity provider cannot be reached');
        return backToConsole(reply, 'signin_unavailable');
      }
      const { url, pending } = started;
      await deps.pool.query(
        `INSERT INTO oidc_logins (state_hash, code_verifier, nonce, return_to) VALUES ($1, $2, $3, $4)`,
        [sha256(pending.state), pending.codeVerifier, pending.nonce, returnTo],
      );
      if (Math.random() < 0.05) {
        await deps.pool.query(
          `DELETE FROM oidc_logins WHERE created_at < now() - make_interval(secs => $1::int)`,
          [PENDING_SECONDS],
        );
      }
      // the state travels to the provider and back, and sits in this browser's cookie: a callback that
      // another browser was sent to (login CSRF) does not match it
      reply.setCookie(pendingCookie(isHttps(req, sessions)), pending.state, {
        httpOnly: true,
        secure: isHttps(req, sessions),
        sameSite: 'lax',
        path: '/',
        maxAge: PENDING_SECONDS,
      });
      return reply.redirect(url, 302);
    },
  );

  app.get(
    '/auth/callback',
    {
      config: { access: 'public' },
      schema: {
        ...BROWSER_ONLY,
        summary: "The identity provider's redirect back: opens the console session",
        querystring: z.looseObject({
          code: z.string().max(2000).optional(),
          state: z.string().max(500).optional(),
          error: z.string().max(200).optional(),
        }),
      },
    },
    async (req, reply) => {
      if (!oidc) throw notFound('identity provider');
      if (throttle.retryAfterSeconds(req.ip) > 0) return backToConsole(reply, 'rate_limited');
      const cookieName = pendingCookie(isHttps(req, sessions));
      const state = req.query.state;
      const browserState = req.cookies[cookieName];
      reply.clearCookie(cookieName, { path: '/' });
      if (req.query.error) return failed(req, reply, 'signin_failed', `provider answered ${req.query.error}`);
      if (!state || !req.query.code || !browserState || browserState !== state) {
        return failed(req, reply, 'signin_failed', 'state missing or not this browser’s');
      }
      const { rows } = await deps.pool.query<{ code_verifier: string; nonce: string; return_to: string }>(
        `DELETE FROM oidc_logins WHERE state_hash = $1 AND created_at > now() - make_interval(secs => $2::int)
         RETURNING code_verifier, nonce, return_to`,
        [sha256(state), PENDING_SECONDS],
      );
      const pending = rows[0];
      if (!pending) return failed(req, reply, 'signin_failed', 'unknown, used or expired state');
      const callbackUrl = new URL(oidc.settings.redirectUri);
      callbackUrl.search = new URLSearchParams(req.query as Record<string, string>).toString();
      let person: Awaited<ReturnType<OidcSignIn['finish']>>;
      try {
        person = await oidc.finish(callbackUrl, {
          state,
          nonce: pending.nonce,
          codeVerifier: pending.code_verifier,
        });
      } catch (err) {
        if (err instanceof SignInError) return failed(req, reply, err.code, err.message);
        req.log.error({ err }, 'the identity provider cannot be reached');
        return backToConsole(reply, 'signin_unavailable');
      }
      const principal = await getPrincipal(deps.pool, person.principalId);
      if (!principal || principal.disabled) {
        return failed(
          req,
          reply,
          'signin_not_registered',
          `no enabled principal ${person.principalId} for ${person.subject}`,
        );
      }
      if (!principal.name && person.name) {
        await deps.pool.query("UPDATE principals SET name = $2 WHERE id = $1 AND name = ''", [
          principal.id,
          person.name,
        ]);
      }
      const { cookieValue } = await createSession(
        deps.pool,
        {
          principalId: principal.id,
          displayName: person.name || principal.name,
          issuer: person.issuer,
          subject: person.subject,
          ...(person.idToken ? { idToken: person.idToken } : {}),
        },
        sessions,
      );
      req.log.info({ principal: principal.id, subject: person.subject }, 'signed in');
      setSessionCookie(req, reply, cookieValue, sessions);
      return reply.redirect(pending.return_to, 303);
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: ['sign-in'],
        summary: 'Ends the console session (with X-CSRF-Token); answers where the provider signs out too',
        security: [{ sessionCookie: [] }],
        response: {
          200: z
            .object({
              signedOut: z.boolean(),
              endSessionUrl: z
                .string()
                .nullable()
                .describe("the identity provider's sign-out page to send the browser to (null: none)"),
            })
            .meta({ examples: [{ signedOut: true, endSessionUrl: null }] }),
          401: errorBody,
          403: errorBody,
        },
      },
    },
    async (req, reply) => {
      const cookie = sessionCookieOf(req, sessions);
      if (!cookie || !req.consoleSession) return { signedOut: false, endSessionUrl: null };
      const { idToken } = await endSession(deps.pool, cookie);
      clearSessionCookie(req, reply, sessions);
      let endSessionUrl: string | null = null;
      if (oidc) {
        const back = new URL('/console/', oidc.settings.redirectUri).href;
        endSessionUrl = await oidc.endSessionUrl(idToken, back).catch(() => null);
      }
      return { signedOut: true, endSessionUrl };
    },
  );
};
