import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * Every setting of the product, read from the environment in this one place and validated.
 * Defaults are safe for a laptop: loopback addresses, ports away from common system services,
 * data under `.data/` in the project folder.
 */
const port = z.coerce.number().int().min(1).max(65535);
/** An optional setting that compose passes as '' when it is unset. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('.data'),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(18080),
  API_PUBLIC_URL: optional(z.string().url()),
  API_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  // --- HTTP API security and limits (src/api) ---
  /** Trust X-Forwarded-For from: 'false' (default), 'true', a hop count, or comma-separated proxy addresses/CIDRs. */
  API_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v) => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
  /** Requests per principal (per IP when unauthenticated) per window. */
  API_RATE_LIMIT_MAX: z.coerce.number().int().positive().default(600),
  API_RATE_LIMIT_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
  /** Largest report photo (jpeg/png/webp), bytes; and most photos per request. */
  API_PHOTO_MAX_BYTES: z.coerce.number().int().positive().default(5_242_880),
  API_PHOTO_MAX_FILES: z.coerce.number().int().min(1).max(50).default(10),
  /** Photo storage per unit (bytes), longest side (pixels) and most pixels of a photo. */
  API_PHOTO_UNIT_QUOTA_BYTES: z.coerce.number().int().positive().default(2_147_483_648),
  API_PHOTO_MAX_SIDE: z.coerce.number().int().min(100).default(12_000),
  API_PHOTO_MAX_PIXELS: z.coerce.number().int().min(10_000).default(50_000_000),
  /** Photos no report names are deleted after this many hours (the photo-cleanup schedule). */
  PHOTO_ORPHAN_HOURS: z.coerce.number().int().min(1).default(72),
  /** Largest CSV/XLSX import (enterprises, readings), bytes. */
  API_IMPORT_MAX_BYTES: z.coerce.number().int().positive().default(20_971_520),
  /** Longest time to receive a whole request (headers and body), and longest idle socket, ms. */
  API_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(120_000),
  API_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** How long answers to POSTs with an Idempotency-Key are kept (at least 24 h). */
  API_IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(24).max(720).default(48),
  /** An episode's business date may lie this many days before / after today (CST). */
  API_BUSINESS_DATE_PAST_DAYS: z.coerce.number().int().min(0).max(3650).default(31),
  API_BUSINESS_DATE_FUTURE_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  /** Who confirms a token an administrator requests for another principal: a second administrator, or the principal. */
  ADMIN_TOKEN_CONFIRMATION: z.enum(['second-admin', 'principal']).default('second-admin'),
  /** Tokens expire after this many days unless the issuer says otherwise (dev tokens too). */
  API_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** The launcher seeds one principal per role and writes their tokens here (relative to DATA_DIR). */
  DEV_TOKENS_FILE: z.string().default('dev-tokens.json'),
  /** Seed the development principals on `npm start` (turn off in production). */
  DEV_SEED_PRINCIPALS: bool.default(true),

  // --- sign-in of staff by OpenID Connect, and the console's cookie session (src/api/sign-in) ---
  /** The identity provider's issuer URL (Keycloak: https://host/realms/REALM; MaxKey: its OIDC issuer); absent = no OIDC sign-in. */
  OIDC_ISSUER_URL: optional(z.string().url()),
  OIDC_CLIENT_ID: optional(z.string().min(1)),
  OIDC_CLIENT_SECRET: optional(z.string().min(1)),
  /** Scopes asked for (space-separated; `openid` is always asked). */
  OIDC_SCOPES: z.string().default('openid profile'),
  /** The claim whose value is the principal id in the principal store (Keycloak, MaxKey: preferred_username). */
  OIDC_PRINCIPAL_CLAIM: z.string().min(1).default('preferred_username'),
  /** The claim holding the person's name shown in the console. */
  OIDC_NAME_CLAIM: z.string().min(1).default('name'),
  /** The callback registered at the identity provider; default `${API_PUBLIC_URL}/auth/callback`. */
  OIDC_REDIRECT_URI: optional(z.string().url()),
  /** Label of the sign-in button. */
  OIDC_PROVIDER_NAME: z.string().min(1).default('统一身份认证'),
  /** The session ends after this many minutes without activity, and after this many hours in any case. */
  SESSION_IDLE_MINUTES: z.coerce.number().positive().max(1440).default(30),
  SESSION_MAX_HOURS: z.coerce.number().positive().max(168).default(12),
  /** Failed sign-ins per client address within the window before sign-in answers 429. */
  SIGNIN_FAILURES_MAX: z.coerce.number().int().min(1).default(10),
  SIGNIN_FAILURES_WINDOW_MINUTES: z.coerce.number().positive().default(15),

  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:17233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('smog-response'),
  /** When true (the default for `npm start`), the launcher runs a local Temporal dev server. */
  TEMPORAL_EMBEDDED: bool.default(true),
  TEMPORAL_UI_PORT: port.default(18233),
  TEMPORAL_CLI_PATH: z.string().optional(),
  /** LibreOffice's soffice, for PDF renderings of documents (absent from the machine: PDF answers 503). */
  SOFFICE_PATH: z.string().min(1).default('soffice'),
  TEMPORAL_TEST_SERVER_PATH: z.string().optional(),

  /** External PostgreSQL; when absent the launcher runs embedded PostgreSQL under DATA_DIR. */
  DATABASE_URL: z.string().optional(),
  EMBEDDED_PG_PORT: port.default(15433),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),

  // --- notification (src/adapters/notification) ---
  /** JSON file mapping recipient ids to channel targets; absent = everything goes to the delivery log only. */
  NOTIFY_ROUTES_FILE: z.string().optional(),
  /** CAP <sender>: a globally unique sender id (e-mail-like). */
  NOTIFY_SENDER_ID: z.string().min(1).default('smog-response@chaoyang.example.gov.cn'),
  /** CAP <senderName>, e-mail display name, signature of robot messages. */
  NOTIFY_SENDER_NAME: z.string().min(1).default('朝阳市重污染天气专项应急指挥部办公室'),
  /** SMS signature (签名, shown as 【…】), filled into the SMS gateway body's {signature}. */
  NOTIFY_SMS_SIGNATURE: z.string().min(1).default('朝阳生态环境'),
  NOTIFY_HTTP_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /**
   * Send limits per target, by channel kind, as JSON: {"wecom":{"messages":20,"perSeconds":60}}.
   * Absent: WeCom and DingTalk robots 20 a minute each (src/adapters/notification/throttle.ts).
   */
  NOTIFY_CHANNEL_LIMITS: z.string().optional(),
  /** Longest in-process wait for a send slot; a longer one becomes a later retry of the activity. */
  NOTIFY_THROTTLE_MAX_WAIT_MS: z.coerce.number().int().min(0).max(50_000).default(20_000),
  /** The message worker (its own task queue, `<TEMPORAL_TASK_QUEUE>-messages`): concurrent sends. */
  MESSAGES_MAX_CONCURRENT: z.coerce.number().int().min(1).max(1_000).default(10),
  /** Message activities started per second on that queue, across all workers (server-enforced). */
  MESSAGES_QUEUE_ACTIVITIES_PER_SECOND: z.coerce.number().positive().default(50),
  /** Message activities started per second by one worker process; absent = no per-worker cap. */
  MESSAGES_WORKER_ACTIVITIES_PER_SECOND: z.coerce.number().positive().optional(),
  SMTP_HOST: z.string().optional(),
  SMTP_PORT: port.default(587),
  SMTP_SECURE: bool.default(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_FROM: z.string().default('smog-response@chaoyang.example.gov.cn'),
  /** PEM private key and X.509 certificate that sign public warnings (XML-DSig); both or neither. */
  CAP_SIGNING_KEY_FILE: z.string().optional(),
  CAP_SIGNING_CERT_FILE: z.string().optional(),
  /** gateway: the generic JSON gateway below; aliyun / tencent: the provider's SendSms (template messages). */
  SMS_PROVIDER: z.enum(['gateway', 'aliyun', 'tencent']).default('gateway'),
  /** The provider's AccessKey (Aliyun AccessKeyId/Secret, Tencent SecretId/SecretKey). */
  SMS_ACCESS_KEY_ID: z.string().optional(),
  SMS_ACCESS_KEY_SECRET: z.string().optional(),
  /** Tencent Cloud SmsSdkAppId. */
  SMS_SDK_APP_ID: z.string().optional(),
  /** Tencent X-TC-Region (ap-guangzhou) or Aliyun RegionId (cn-hangzhou). */
  SMS_REGION: z.string().optional(),
  /** Gateway URL, or the provider's endpoint when SMS_PROVIDER is aliyun/tencent. */
  SMS_GATEWAY_URL: z.string().url().optional(),
  SMS_GATEWAY_TOKEN: z.string().optional(),
  /** JSON body sent to the SMS gateway; string values may use {phone}, {text}, {key}, {signature}. */
  SMS_GATEWAY_BODY_TEMPLATE: z
    .string()
    .default('{"to":"{phone}","signature":"{signature}","text":"{text}","requestId":"{key}"}'),

  // --- power company (src/adapters/power) ---
  /** Base URL of the power company's readings API (docs/power-company-api.yaml). */
  POWER_API_BASE_URL: z.string().url().optional(),
  POWER_API_TOKEN: z.string().optional(),
  POWER_API_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  POWER_API_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  POWER_API_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /** Base URL of the provincial air-quality platform (docs/provincial-air-api.yaml); unset = files only. */
  AIR_API_BASE_URL: z.string().url().optional(),
  AIR_API_TOKEN: z.string().optional(),
  AIR_API_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  AIR_API_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  /** Port of the local stand-in of the power company's API (demos). */
  POWER_STANDIN_PORT: port.default(18091),

  // --- operations (src/ops) ---
  /** The worker's health and metrics endpoint (/healthz, /metrics); port 0 picks any free port. */
  WORKER_HTTP_HOST: z.string().default('127.0.0.1'),
  WORKER_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(18092),
  /** Where the Temporal SDK core serves its Prometheus metrics (loopback; absent = a free port). */
  WORKER_CORE_METRICS_PORT: port.optional(),
});

export type Config = z.infer<typeof configSchema> & {
  dataDir: string;
  projectRoot: string;
  /** DATABASE_URL, or the URL of the embedded server the launcher runs. */
  databaseUrl: string;
};

/** The folder holding package.json (the same from sources and from the compiled dist/). */
export const projectRoot = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  if (Boolean(parsed.data.CAP_SIGNING_KEY_FILE) !== Boolean(parsed.data.CAP_SIGNING_CERT_FILE)) {
    throw new ConfigError(
      'invalid configuration:\n  CAP_SIGNING_KEY_FILE / CAP_SIGNING_CERT_FILE: set both (to sign public warnings) or neither',
    );
  }
  const d = parsed.data;
  if (
    d.SMS_PROVIDER !== 'gateway' &&
    !(d.SMS_GATEWAY_URL && d.SMS_ACCESS_KEY_ID && d.SMS_ACCESS_KEY_SECRET)
  ) {
    throw new ConfigError(
      `invalid configuration:\n  SMS_PROVIDER=${d.SMS_PROVIDER}: set SMS_GATEWAY_URL (the provider's endpoint), SMS_ACCESS_KEY_ID and SMS_ACCESS_KEY_SECRET`,
    );
  }
  if (d.SMS_PROVIDER === 'tencent' && !d.SMS_SDK_APP_ID) {
    throw new ConfigError('invalid configuration:\n  SMS_PROVIDER=tencent: set SMS_SDK_APP_ID');
  }
  if (d.OIDC_ISSUER_URL && !(d.OIDC_CLIENT_ID && (d.OIDC_REDIRECT_URI || d.API_PUBLIC_URL))) {
    throw new ConfigError(
      'invalid configuration:\n  OIDC_ISSUER_URL: set OIDC_CLIENT_ID (and OIDC_CLIENT_SECRET for a confidential client) and OIDC_REDIRECT_URI or API_PUBLIC_URL',
    );
  }
  const dataDir = path.resolve(projectRoot, parsed.data.DATA_DIR);
  // The embedded server's password is generated at its first start (src/db/embedded.ts); the launcher
  // sets databaseUrl from the server it started, the CLIs read the password file.
  const pwFile = path.join(dataDir, 'pg.password');
  const pw = existsSync(pwFile) ? readFileSync(pwFile, 'utf8').trim() : '';
  const databaseUrl =
    parsed.data.DATABASE_URL ??
    `postgres://postgres:${encodeURIComponent(pw)}@127.0.0.1:${parsed.data.EMBEDDED_PG_PORT}/smog`;
  return { ...parsed.data, dataDir, projectRoot, databaseUrl };
}
