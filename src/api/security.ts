/**
 * Request pipeline of the API, installed on the root instance so it covers every route:
 *
 *   onRequest    authenticate: `Authorization: Bearer <token>` → `req.principal` (token hashed, looked up);
 *                without that header, the console's session cookie (sessions.ts) — and then a
 *                state-changing request must carry the session's `X-CSRF-Token`, else 403 `csrf`
 *   onRequest    rate limit (@fastify/rate-limit, keyed by principal, else by IP; see app.ts)
 *   preParsing   authorize the route: 401 without a principal, 403 when the role is not listed; then
 *                the route's `beforeBody` object checks — all before the body is read
 *   preValidation  multipart bodies → `req.body` (JSON fields) + `req.files` (size/count limited);
 *                then `req.bodyReceivedAt` (the body is complete)
 *   preHandler   Idempotency-Key on POST: replay the first answer, or refuse a reused key
 *   onSend       store the answer of an idempotent POST (PostgreSQL, kept `ttlHours`)
 *
 * Routes declare `config.access`: a list of roles or 'public'. A route without it is refused to all.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { Access } from './access.js';
import { ApiError, badRequest, forbidden, unauthorized } from './errors.js';
import { type ApiPrincipal, authenticate } from './principal-store.js';
import {
  BACKGROUND_HEADER,
  type ConsoleSession,
  type SessionSettings,
  csrfTokenMatches,
  findSession,
  sessionCookieOf,
} from './sessions.js';

export interface UploadedFile {
  fieldName: string;
  fileName: string;
  mimeType: string;
  data: Buffer;
  sha256: string;
}

export interface MultipartConfig {
  /** Text field holding the JSON of the request body (the same object an application/json request sends). */
  jsonField?: string;
  maxFiles: number;
  maxFileBytes: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    multipart?: MultipartConfig;
    /**
     * Object-level checks that need only the principal and the URL, run before the body is read (a
     * refused upload is not received first): episode access, the unit's photo quota.
     */
    beforeBody?: (req: FastifyRequest) => Promise<void> | void;
    /** Replaces secrets in a stored idempotent answer (the replay then answers the redacted body). */
    redactIdempotent?: (body: unknown) => unknown;
  }
  interface FastifyInstance {
    /** Every route registered (method, url), for the OpenAPI completeness test and docs. */
    apiRoutes: Array<{ method: string; url: string }>;
  }
  interface FastifyRequest {
    principal?: ApiPrincipal;
    /** The console session the principal comes from (absent for bearer tokens). */
    consoleSession?: ConsoleSession;
    uploads?: UploadedFile[];
    idempotency?: { key: string; replay: boolean };
    /** When the whole body had arrived (ms): the receipt time of reports and summaries. */
    bodyReceivedAt?: number;
  }
}

export interface SecurityOptions {
  pool: pg.Pool;
  idempotencyTtlHours: number;
  sessions: SessionSettings;
}

/** Methods that change nothing: no CSRF token needed. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]{1,200})\s*$/i;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
/** An idempotent request still running after this long is taken over by a retry (its first try died). */
const IN_PROGRESS_STALE_SECONDS = 120;

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** JSON with sorted keys: equal bodies hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const accessOf = (req: FastifyRequest): Access | undefined =>
  req.routeOptions.url === undefined ? 'public' : req.routeOptions.config.access;

export function installSecurity(app: FastifyInstance, opts: SecurityOptions): void {
  const { pool } = opts;

  const routes: Array<{ method: string; url: string }> = [];
  app.decorate('apiRoutes', routes);
  // Deny by default: a route that forgot to say who may call it is callable by nobody.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method: String(method), url: route.url });
    route.config ??= {};
    const config = route.config as { access?: Access };
    if (config.access === undefined) config.access = route.url.startsWith('/docs') ? 'public' : [];
  });

  app.addHook('onRequest', async (req) => {
    if (accessOf(req) === 'public') return;
    const header = req.headers.authorization;
    if (typeof header === 'string') {
      // machines (and scripts) send a bearer token: no cookie is looked at, no CSRF token is needed
      const match = BEARER.exec(header);
      if (!match?.[1]) return;
      const principal = await authenticate(pool, match[1]);
      if (principal) req.principal = principal;
      return;
    }
    const cookie = sessionCookieOf(req, opts.sessions);
    if (!cookie) return;
    // the console marks its polling as background: only the person's own requests keep the session alive
    const session = await findSession(
      pool,
      cookie,
      opts.sessions,
      req.headers[BACKGROUND_HEADER] === undefined,
    );
    if (!session) return;
    // a browser sends the cookie with any request to us, also one a page of another origin makes:
    // only our console can read the session's token and send it back
    if (!SAFE_METHODS.has(req.method) && !csrfTokenMatches(req, session.csrfToken)) {
      throw new ApiError(403, 'csrf', 'a request made with the session cookie must carry its X-CSRF-Token');
    }
    req.principal = session.principal;
    req.consoleSession = session;
  });

  app.addHook('preParsing', async (req, _reply, payload) => {
    const access = accessOf(req);
    if (access === 'public') return payload;
    if (!req.principal) throw unauthorized();
    if (!access?.includes(req.principal.role)) throw forbidden();
    await req.routeOptions.config?.beforeBody?.(req);
    return payload;
  });

  app.addHook('preValidation', async (req) => {
    const mp = req.routeOptions.config?.multipart;
    if (!mp || !req.isMultipart()) return;
    const files: UploadedFile[] = [];
    const body: Record<string, unknown> = {};
    try {
      for await (const part of req.parts({
        limits: {
          fileSize: mp.maxFileBytes,
          files: mp.maxFiles,
          fields: 20,
          fieldSize: 1_048_576,
          parts: mp.maxFiles + 20,
        },
      })) {
        if (part.type === 'file') {
          const data = await part.toBuffer();
          files.push({
            fieldName: part.fieldname,
            fileName: (part.filename ?? '').slice(0, 200),
            mimeType: part.mimetype,
            data,
            sha256: sha256(data),
          });
        } else if (mp.jsonField && part.fieldname === mp.jsonField) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(String(part.value));
          } catch {
            throw badRequest(`${mp.jsonField}: not valid JSON`, {
              issues: [{ path: `body.${mp.jsonField}`, message: 'not valid JSON' }],
            });
          }
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
            throw badRequest(`${mp.jsonField}: expected a JSON object`);
          }
          Object.assign(body, parsed);
        } else {
          body[part.fieldname] = String(part.value);
        }
      }
    } catch (err) {
      if (err instanceof ApiError) throw err;
      const status = (err as { statusCode?: number }).statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        throw new ApiError(status, 'multipart', (err as Error).message);
      }
      throw badRequest('malformed multipart/form-data body');
    }
    req.body = body;
    req.uploads = files;
  });

  // After the body (JSON, or every multipart part above) has been read: a request opened before a
  // deadline whose body comes after it is received after it.
  app.addHook('preValidation', async (req) => {
    req.bodyReceivedAt = Date.now();
  });

  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST' || !req.principal) return;
    const header = req.headers['idempotency-key'];
    if (header === undefined) return;
    if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
      throw badRequest('Idempotency-Key: 1 to 200 visible ASCII characters', {
        issues: [{ path: 'headers.idempotency-key', message: 'invalid' }],
      });
    }
    const route = `POST ${req.url.split('?')[0]}`;
    const requestHash = sha256(
      canonicalJson({ body: req.body ?? null, files: (req.uploads ?? []).map((f) => f.sha256) }),
    );
    const claimed = await pool.query(
      `INSERT INTO idempotency_keys (principal_id, key, method, route, request_hash)
       VALUES ($1, $2, 'POST', $3, $4)
       ON CONFLICT (principal_id, key) DO UPDATE
         SET route = EXCLUDED.route, request_hash = EXCLUDED.request_hash, status = NULL, body = NULL,
             content_type = NULL, location = NULL, created_at = now(), completed_at = NULL
         WHERE idempotency_keys.created_at < now() - make_interval(hours => $5::int)
            OR (idempotency_keys.status IS NULL
                AND idempotency_keys.created_at < now() - make_interval(secs => $6::int)
                AND idempotency_keys.route = EXCLUDED.route
                AND idempotency_keys.request_hash = EXCLUDED.request_hash)
       RETURNING 1`,
      [req.principal.id, header, route, requestHash, opts.idempotencyTtlHours, IN_PROGRESS_STALE_SECONDS],
    );
    if (claimed.rowCount === 1) {
      req.idempotency = { key: header, replay: false };
      if (Math.random() < 0.01) {
        await pool.query(
          `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1::int)`,
          [opts.idempotencyTtlHours * 2],
        );
      }
      return;
    }
    const { rows } = await pool.query<{
      route: string;
      request_hash: string;
      status: number | null;
      content_type: string | null;
      location: string | null;
      body: string | null;
    }>(
      'SELECT route, request_hash, status, content_type, location, body FROM idempotency_keys WHERE principal_id = $1 AND key = $2',
      [req.principal.id, header],
    );
    const row = rows[0];
    if (!row) throw new ApiError(409, 'idempotency_in_progress', 'retry the request');
    if (row.route !== route || row.request_hash !== requestHash) {
      throw new ApiError(
        422,
        'idempotency_key_reused',
        'this Idempotency-Key was already used for a different request',
      );
    }
    if (row.status === null) {
      throw new ApiError(409, 'idempotency_in_progress', 'the first request with this key is still running');
    }
    req.idempotency = { key: header, replay: true };
    reply.code(row.status).header('idempotent-replayed', 'true');
    if (row.content_type) reply.header('content-type', row.content_type);
    if (row.location) reply.header('location', row.location);
    return reply.send(row.body ?? '');
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const idem = req.idempotency;
    if (!idem || idem.replay || !req.principal) return payload;
    req.idempotency = { ...idem, replay: true }; // store once
    const status = reply.statusCode;
    if (status >= 500 || status === 429) {
      // Nothing happened that a retry could repeat wrongly: free the key.
      await pool.query('DELETE FROM idempotency_keys WHERE principal_id = $1 AND key = $2', [
        req.principal.id,
        idem.key,
      ]);
      return payload;
    }
    let body =
      typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    const redact = req.routeOptions.config?.redactIdempotent;
    if (redact && body) {
      try {
        body = JSON.stringify(redact(JSON.parse(body)));
      } catch {
        body = '';
      }
    }
    const contentType = reply.getHeader('content-type');
    const location = reply.getHeader('location');
    await pool.query(
      `UPDATE idempotency_keys SET status = $3, content_type = $4, location = $5, body = $6, completed_at = now()
       WHERE principal_id = $1 AND key = $2`,
      [
        req.principal.id,
        idem.key,
        status,
        typeof contentType === 'string' ? contentType : null,
        typeof location === 'string' ? location : null,
        body,
      ],
    );
    return payload;
  });
}

/** The principal of an authenticated route (the pipeline guarantees it). */
export function principalOf(req: FastifyRequest): ApiPrincipal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}

export type { FastifyReply };
