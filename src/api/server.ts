import { pathToFileURL } from 'node:url';
import { Client, type ConnectionOptions } from '@temporalio/client';
import { type Config, loadConfig } from '../config.js';
import { createPool } from '../db/pool.js';
import { logger } from '../logger.js';
import { startTracing, temporalClientInterceptors } from '../ops/tracing.js';
import { temporalConnectConfig } from '../temporal/connect-config.js';
import { createApiConnection } from '../temporal/connection.js';
import { type AppOptions, buildApp } from './app.js';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** Starts the API on the configured port. Temporal is connected lazily, so the API starts while it is down. */
export async function startApi(config: Config): Promise<RunningApi> {
  const { connectionOptions, namespace } = temporalConnectConfig(config);
  startTracing({ serviceName: 'smog-response-api' });
  const connection = createApiConnection(connectionOptions as ConnectionOptions);
  const interceptors = temporalClientInterceptors();
  const temporal = new Client({ connection, namespace, ...(interceptors ? { interceptors } : {}) });
  const pool = createPool(config.databaseUrl, config.DATABASE_POOL_MAX);
  const app = await buildApp({
    temporal,
    pool,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    logger: logger.child({ component: 'api' }),
    bodyLimit: config.API_BODY_LIMIT_BYTES,
    rateLimit: { max: config.API_RATE_LIMIT_MAX, timeWindowMs: config.API_RATE_LIMIT_WINDOW_MS },
    limits: {
      photoBytes: config.API_PHOTO_MAX_BYTES,
      photoFiles: config.API_PHOTO_MAX_FILES,
      importBytes: config.API_IMPORT_MAX_BYTES,
    },
    idempotencyTtlHours: config.API_IDEMPOTENCY_TTL_HOURS,
    trustProxy: config.API_TRUST_PROXY,
    businessDates: {
      pastDays: config.API_BUSINESS_DATE_PAST_DAYS,
      futureDays: config.API_BUSINESS_DATE_FUTURE_DAYS,
    },
    photos: {
      unitQuotaBytes: config.API_PHOTO_UNIT_QUOTA_BYTES,
      maxSide: config.API_PHOTO_MAX_SIDE,
      maxPixels: config.API_PHOTO_MAX_PIXELS,
    },
    admin: { tokenConfirmation: config.ADMIN_TOKEN_CONFIRMATION, tokenTtlDays: config.API_TOKEN_TTL_DAYS },
    timeouts: { requestMs: config.API_REQUEST_TIMEOUT_MS, connectionMs: config.API_CONNECTION_TIMEOUT_MS },
    soffice: config.SOFFICE_PATH,
    ...(config.API_PUBLIC_URL ? { publicUrl: config.API_PUBLIC_URL } : {}),
    publicSender: { id: config.NOTIFY_SENDER_ID, name: config.NOTIFY_SENDER_NAME },
    signIn: signInOf(config),
  });
  app.addHook('onClose', async () => {
    await connection.close();
    await pool.end();
  });
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  return { url: `http://${config.API_HOST}:${config.API_PORT}`, close: () => app.close() };
}

/** Staff sign-in settings: the identity provider (when OIDC_ISSUER_URL is set), session and throttle. */
export function signInOf(config: Config): NonNullable<AppOptions['signIn']> {
  const oidc =
    config.OIDC_ISSUER_URL && config.OIDC_CLIENT_ID
      ? {
          issuer: config.OIDC_ISSUER_URL,
          clientId: config.OIDC_CLIENT_ID,
          ...(config.OIDC_CLIENT_SECRET ? { clientSecret: config.OIDC_CLIENT_SECRET } : {}),
          scopes: config.OIDC_SCOPES,
          principalClaim: config.OIDC_PRINCIPAL_CLAIM,
          nameClaim: config.OIDC_NAME_CLAIM,
          redirectUri:
            config.OIDC_REDIRECT_URI ?? `${(config.API_PUBLIC_URL ?? '').replace(/\/$/, '')}/auth/callback`,
          providerName: config.OIDC_PROVIDER_NAME,
        }
      : undefined;
  return {
    ...(oidc ? { oidc } : {}),
    session: {
      idleMs: config.SESSION_IDLE_MINUTES * 60_000,
      maxMs: config.SESSION_MAX_HOURS * 3600_000,
      secure: config.API_PUBLIC_URL?.startsWith('https:') ?? false,
    },
    failures: { max: config.SIGNIN_FAILURES_MAX, windowMs: config.SIGNIN_FAILURES_WINDOW_MINUTES * 60_000 },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const config = loadConfig();
  startApi(config)
    .then((api) => {
      logger.info({ url: api.url }, 'API listening');
      for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void api.close());
    })
    .catch((err) => {
      logger.error({ err }, 'API failed to start');
      process.exit(1);
    });
}
