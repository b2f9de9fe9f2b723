/** The HTTP API: `buildApp(deps)` wires the error handler, security, OpenAPI and every route plugin. */
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import {
  type ZodTypeProvider,
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { type AppDeps, type AppOptions, DEFAULT_LIMITS } from './deps.js';
import { ApiError } from './errors.js';
import { installApiMetrics } from './metrics.js';
import { ProjectionFeed } from './projection-feed.js';
import { auditRoutes } from './routes/audit.js';
import { episodeRoutes } from './routes/episodes.js';
import { healthRoutes } from './routes/health.js';
import { historyRoutes } from './routes/histories.js';
import { liveRoutes, liveStreams } from './routes/live.js';
import { photoRoutes } from './routes/photos.js';
import { publicRoutes } from './routes/public.js';
import { recordRoutes } from './routes/records.js';
import { referenceRoutes } from './routes/reference.js';
import { installSecurity } from './security.js';

/** Builds the HTTP API. Infrastructure comes in through `deps`; the caller owns and closes it. */
export async function buildApp(options: AppOptions) {
  const deps: AppDeps = {
    ...options,
    limits: options.limits ?? DEFAULT_LIMITS,
    idempotencyTtlHours: Math.max(24, options.idempotencyTtlHours ?? 48),
    feed: options.feed ?? new ProjectionFeed(options.pool.options),
  };
  const app = Fastify({
    loggerInstance: deps.logger || undefined,
    logger: deps.logger === false ? false : undefined,
    bodyLimit: deps.bodyLimit ?? 1_048_576,
    // One request id end to end: the caller's X-Request-Id when it is a sane token, else a new UUID.
    genReqId: (req) => requestIdOf(req.headers['x-request-id']),
    requestIdHeader: false,
    // Ids carry ':' (episode:chaoyang:2026-11-29:1); allow long ids in params.
    routerOptions: { maxParamLength: 300 },
  }).withTypeProvider<ZodTypeProvider>();

  if (!options.feed) app.addHook('onClose', () => deps.feed!.close());
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error, req, reply) => {
    const err = error as FastifyError;
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        path: [
          err.validationContext,
          ...String(v.instancePath ?? '')
            .split('/')
            .filter(Boolean),
        ].join('.'),
        message: v.message ?? 'invalid',
      }));
      return reply.code(400).send({
        error: 'validation',
        message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        details: { issues },
        requestId: req.id,
      });
    }
    if (err instanceof ApiError) {
      if (err.statusCode >= 500) req.log.error({ err: err.cause ?? err }, 'internal error');
      return reply
        .code(err.statusCode)
        .send({ error: err.code, message: err.message, details: err.details, requestId: req.id });
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      // fastify's own client errors: malformed JSON, body too large, wrong content type, rate limit …
      return reply
        .code(status)
        .send({ error: err.code ?? 'bad_request', message: err.message, requestId: req.id });
    }
    if (isDatabaseUnavailable(err)) {
      req.log.warn({ err }, 'PostgreSQL unavailable');
      return reply.code(503).send({
        error: 'unavailable',
        message: 'PostgreSQL is unavailable, try again shortly',
        details: { dependency: 'postgres' },
        requestId: req.id,
      });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: 'internal', message: 'internal error', requestId: req.id });
  });

  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: 'not_found', message: `no route ${req.method} ${req.url}`, requestId: req.id }),
  );

  await app.register(helmet, { global: true });
  await app.register(multipart, {
    limits: { fileSize: deps.limits.photoBytes, files: deps.limits.photoFiles, fields: 20, parts: 100 },
    throwFileSizeLimit: true,
  });
  installSecurity(app as unknown as FastifyInstance, {
    pool: deps.pool,
    idempotencyTtlHours: deps.idempotencyTtlHours,
  });
  const metrics = installApiMetrics(app as unknown as FastifyInstance, {
    pool: deps.pool,
    streams: () => liveStreams(deps),
  });
  await app.register(rateLimit, {
    global: true,
    max: deps.rateLimit?.max ?? 600,
    timeWindow: deps.rateLimit?.timeWindowMs ?? 60_000,
    keyGenerator: (req) => (req.principal ? `p:${req.principal.id}` : `ip:${req.ip}`),
    errorResponseBuilder: (_req, ctx) =>
      new ApiError(429, 'rate_limited', `too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'smog-response API',
        description:
          '重污染天气应急响应 — episodes, decisions, reports, documents and audit. Every route but /public/*, ' +
          '/healthz, /readyz and /docs needs `Authorization: Bearer <token>`. Every POST honours ' +
          '`Idempotency-Key`: a retry with the same key answers the first answer and does nothing twice ' +
          '(kept ≥ 24 h); the same key with another request answers 422.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'API token' } },
      },
      tags: [
        { name: 'episodes' },
        { name: 'commands' },
        { name: 'photos' },
        { name: 'documents' },
        { name: 'reference' },
        { name: 'admin' },
        { name: 'audit' },
        { name: 'public' },
        { name: 'health' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  await app.register(healthRoutes, { deps });
  await app.register(metrics.routes);
  await app.register(episodeRoutes, { deps });
  await app.register(photoRoutes, { deps });
  await app.register(recordRoutes, { deps });
  await app.register(referenceRoutes, { deps });
  await app.register(publicRoutes, { deps });
  await app.register(auditRoutes, { deps });
  await app.register(liveRoutes, { deps });
  await app.register(historyRoutes, { deps });
  await app.register((await import('./routes/console.js')).consoleRoutes, { deps });
  return app;
}

export type { ApiLimits, AppDeps, AppOptions } from './deps.js';
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
/** The caller's X-Request-Id when it is 8–128 visible token characters; else a fresh UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : crypto.randomUUID();
}

export type App = Awaited<ReturnType<typeof buildApp>>;

/** A failure to reach PostgreSQL (down, restarting, connection lost): the caller may retry → 503. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  // node errors, and SQLSTATE class 08 (connection exception) and 57P0x (operator intervention: shutdown)
  if (e?.code && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|08\w{3}|57P0[1-3])$/.test(e.code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i.test(
    e?.message ?? '',
  );
}
