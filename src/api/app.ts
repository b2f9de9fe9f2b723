/** The HTTP API: `buildApp(deps)` wires the error handler, security, OpenAPI and every route plugin. */
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { type ZodTypeProvider, serializerCompiler } from 'fastify-type-provider-zod';
import { type AppDeps, type AppOptions, DEFAULT_LIMITS } from './deps.js';
import { ApiError } from './errors.js';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problems.js';
import { installApiMetrics } from './metrics.js';
import { installNextLinks } from './pagination.js';
import { ProjectionFeed } from './projection-feed.js';
import { auditRoutes } from './routes/audit.js';
import { episodeRoutes } from './routes/episodes.js';
import { officeDecisionRoutes } from './routes/office-decisions.js';
import { acknowledgementRoutes } from './routes/acknowledgements.js';
import { expertRoutes } from './routes/experts.js';
import { healthRoutes } from './routes/health.js';
import { historyRoutes } from './routes/histories.js';
import { liveRoutes, liveStreams } from './routes/live.js';
import { photoRoutes } from './routes/photos.js';
import { problemRoutes } from './routes/problems.js';
import { publicRoutes } from './routes/public.js';
import { recordRoutes } from './routes/records.js';
import { referenceRoutes } from './routes/reference.js';
import { swaggerOptions } from './openapi.js';
import { installRequestTracing } from './request-tracing.js';
import { installSecurity } from './security.js';
import { DEFAULT_SESSION_SETTINGS } from './sessions.js';
import { validatorCompiler } from './validation.js';

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
    // behind a reverse proxy, req.ip (and so the per-IP rate limit) is the client's (API_TRUST_PROXY)
    trustProxy: (deps.trustProxy ?? false) as boolean,
    requestTimeout: deps.timeouts?.requestMs ?? 120_000,
    connectionTimeout: deps.timeouts?.connectionMs ?? 30_000,
    // node arms its request timeout only when it is given to http.createServer, and checks it every 30 s
    // by default: pass it there too, and check often enough for the timeout to hold
    http: {
      requestTimeout: deps.timeouts?.requestMs ?? 120_000,
      connectionsCheckingInterval: Math.min(5_000, Math.ceil((deps.timeouts?.requestMs ?? 120_000) / 3)),
    },
    // Ids carry ':' (episode:chaoyang:2026-11-29:1); allow long ids in params.
    routerOptions: { maxParamLength: 300 },
  }).withTypeProvider<ZodTypeProvider>();

  if (!options.feed) app.addHook('onClose', () => deps.feed!.close());
  installRequestTracing(app as unknown as FastifyInstance);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Every error, from every route and hook, answers RFC 9457 problem details (src/api/problems.ts).
  const typeBase = deps.publicUrl?.replace(/\/$/, '') ?? '';
  app.setErrorHandler((error, req, reply) => {
    const databaseUnavailable = isDatabaseUnavailable(error);
    const { problem, fault } = toProblem(error, req, { typeBase, databaseUnavailable });
    if (databaseUnavailable) req.log.warn({ err: error }, 'PostgreSQL unavailable');
    else if (fault) req.log.error({ err: (error as ApiError).cause ?? error }, 'internal error');
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });

  app.setNotFoundHandler((req, reply) => {
    const { problem } = toProblem(new ApiError(404, 'not_found', `no route ${req.method} ${req.url}`), req, {
      typeBase,
    });
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problem);
  });

  // helmet's default CSP, less upgrade-insecure-requests: an installation on a plain-HTTP intranet
  // address would otherwise have the console's own scripts and calls upgraded to HTTPS, and fail
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } },
  });
  await app.register(multipart, {
    limits: { fileSize: deps.limits.photoBytes, files: deps.limits.photoFiles, fields: 20, parts: 100 },
    throwFileSizeLimit: true,
  });
  await app.register(cookie);
  installSecurity(app as unknown as FastifyInstance, {
    pool: deps.pool,
    idempotencyTtlHours: deps.idempotencyTtlHours,
    sessions: deps.signIn?.session ?? DEFAULT_SESSION_SETTINGS,
  });
  installNextLinks(app as unknown as FastifyInstance);
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

  await app.register(
    swagger,
    swaggerOptions(
      {
        title: 'smog-response API',
        description:
          '重污染天气应急响应 — episodes, decisions, reports, documents and audit. Every route but /public/*, ' +
          '/healthz, /readyz, /problems and /docs needs `Authorization: Bearer <token>` (machines) or the ' +
          "console's session cookie. Every POST honours `Idempotency-Key`. Every error is RFC 9457 " +
          '`application/problem+json`.',
        version: '0.1.0',
        license: {
          name: 'Proprietary: for the use of the environment bureau',
          identifier: 'LicenseRef-Proprietary',
        },
      },
      {
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', description: 'API token (machines, scripts)' },
            sessionCookie: {
              type: 'apiKey',
              in: 'cookie',
              name: 'smog_session',
              description:
                "The console's session after an OpenID Connect sign-in (`__Host-smog_session` over https); " +
                "a state-changing request made with it must carry the session's `X-CSRF-Token` header",
            },
          },
        },
        tags: [
          { name: 'episodes', description: 'Episodes (应急过程) and their live view' },
          { name: 'commands', description: 'Commands to a running episode (202 + Location)' },
          { name: 'photos', description: 'Photos attached to reports' },
          { name: 'documents', description: 'Official documents and report exports' },
          { name: 'reference', description: 'Plan data, units and the reduction list' },
          { name: 'admin', description: 'Principals and tokens' },
          { name: 'audit', description: 'Audit trail: history, replay, state at an instant' },
          { name: 'public', description: 'Public feeds (CAP, Atom)' },
          { name: 'health', description: 'Liveness, readiness and problem types' },
          { name: 'console', description: 'What the console needs' },
          { name: 'sign-in', description: 'Staff sign-in by OpenID Connect and the console session' },
          {
            name: 'field',
            description: 'Field work: tasks, inspections, cases, hand-overs, fire points, checks',
          },
        ],
      },
    ),
  );
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  await app.register(healthRoutes, { deps });
  await app.register(problemRoutes, { deps });
  await app.register(metrics.routes);
  await app.register(episodeRoutes, { deps });
  await app.register(officeDecisionRoutes, { deps });
  await app.register(acknowledgementRoutes, { deps });
  await app.register(expertRoutes, { deps });
  await app.register(photoRoutes, { deps });
  await app.register(recordRoutes, { deps });
  await app.register((await import('./routes/plans.js')).planRoutes, { deps });
  await app.register(referenceRoutes, { deps });
  await app.register((await import('./routes/reduction-lists.js')).reductionListRoutes, { deps });
  await app.register((await import('./routes/filings.js')).filingRoutes, { deps });
  await app.register((await import('./routes/statistics.js')).statisticsRoutes, { deps });
  await app.register((await import('./routes/air-quality.js')).airQualityRoutes, { deps });
  await app.register((await import('./routes/assessment.js')).assessmentRoutes, { deps });
  await app.register((await import('./routes/air-quality-hourly.js')).airQualityHourlyRoutes, { deps });
  await app.register(publicRoutes, { deps });
  await app.register(auditRoutes, { deps });
  await app.register(liveRoutes, { deps });
  await app.register(historyRoutes, { deps });
  await app.register((await import('./routes/field.js')).fieldRoutes, { deps });
  await app.register((await import('./routes/admin.js')).adminRoutes, { deps });
  await app.register((await import('./routes/console.js')).consoleRoutes, { deps });
  await app.register((await import('./routes/sign-in.js')).signInRoutes, { deps });
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
