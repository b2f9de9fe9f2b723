import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyError } from 'fastify';
import {
  type ZodTypeProvider,
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type pg from 'pg';
import type { Logger } from 'pino';
import { ApiError } from './errors.js';
import { episodeRoutes } from './routes/episodes.js';
import { healthRoutes } from './routes/health.js';

export interface AppDeps {
  temporal: Client;
  pool: pg.Pool;
  taskQueue: string;
  logger?: Logger | false;
  bodyLimit?: number;
  /** Clock for the API (tests pin it). */
  now?: () => number;
}

/** Builds the HTTP API. Infrastructure comes in through `deps`; the caller owns and closes it. */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger || undefined,
    logger: deps.logger === false ? false : undefined,
    bodyLimit: deps.bodyLimit ?? 1_048_576,
    genReqId: () => crypto.randomUUID(),
    ajv: undefined,
  }).withTypeProvider<ZodTypeProvider>();

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
      return reply
        .code(err.statusCode)
        .send({ error: err.code, message: err.message, details: err.details, requestId: req.id });
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      // fastify's own client errors: malformed JSON, body too large, wrong content type …
      return reply
        .code(status)
        .send({ error: err.code ?? 'bad_request', message: err.message, requestId: req.id });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: 'internal', message: 'internal error', requestId: req.id });
  });

  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: 'not_found', message: `no route ${req.method} ${req.url}`, requestId: req.id }),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'smog-response API',
        description: '重污染天气应急响应 — episodes, decisions, reports, documents and audit.',
        version: '0.1.0',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { deps });
  await app.register(episodeRoutes, { deps });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
