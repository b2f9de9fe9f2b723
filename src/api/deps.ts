/**
 * What the API is built from: its infrastructure (Temporal client, PostgreSQL pool), limits and
 * clock. Its own module so route plugins can name the type without importing `app.ts`.
 */
import type { TokenConfirmation } from './admin-log.js';
import type { BusinessDateWindow } from './business-date.js';
import type { PhotoLimits } from './photo-checks.js';
import type { Client } from '@temporalio/client';
import type { WorkflowBundleOption } from '@temporalio/worker';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { OidcSettings } from './oidc.js';
import type { ProjectionFeed } from './projection-feed.js';
import type { SessionSettings } from './sessions.js';
import type { ThrottleSettings } from './sign-in-throttle.js';

export interface ApiLimits {
  /** Largest photo, bytes. */
  photoBytes: number;
  /** Most photos per request. */
  photoFiles: number;
  /** Largest CSV/XLSX import, bytes. */
  importBytes: number;
}

export interface AppDeps {
  temporal: Client;
  pool: pg.Pool;
  taskQueue: string;
  logger?: Logger | false;
  /** Largest JSON body, bytes. */
  bodyLimit?: number;
  /** Clock for the API (tests pin it). */
  now?: () => number;
  /** Requests per principal (or per IP when unauthenticated) per window. */
  rateLimit?: { max: number; timeWindowMs: number };
  limits: ApiLimits;
  /** How long an Idempotency-Key answer is kept (≥ 24 h). */
  idempotencyTtlHours: number;
  /** Absolute base URL for links in the public feed (else relative links). */
  publicUrl?: string;
  /** The feed's author: the CAP sender (NOTIFY_SENDER_ID / NOTIFY_SENDER_NAME). */
  publicSender?: { id: string; name: string };
  /** The workflow code audit replays run against (tests hand the run's one bundle); absent = bundled on the first replay. */
  workflowBundle?: WorkflowBundleOption;
  /** The projection's LISTEN feed (SSE, read-your-writes); built over the pool's settings if absent. */
  feed?: ProjectionFeed;
  /** fastify's trustProxy: false, true, a hop count, or addresses/CIDRs of the trusted proxies. */
  trustProxy?: boolean | number | string;
  /** How far from today (CST) an episode's business date may be (business-date.ts). */
  businessDates?: BusinessDateWindow;
  /** Photo dimension limits and the per-unit storage quota (photo-checks.ts). */
  photos?: PhotoLimits;
  /** Administration: who confirms a token for another principal, and how long tokens last by default. */
  admin?: { tokenConfirmation: TokenConfirmation; tokenTtlDays: number };
  /** LibreOffice's `soffice` for PDF renderings (SOFFICE_PATH; default: on the PATH). */
  soffice?: string;
  /** Whole-request and idle-socket timeouts, ms (a body trickled in slowly is cut off with 408). */
  timeouts?: { requestMs: number; connectionMs: number };
  /**
   * Staff sign-in: the identity provider (absent = the console signs in with a token), the cookie
   * session's idle timeout and lifetime, and how many failed sign-ins an address may make.
   */
  signIn?: { oidc?: OidcSettings; session?: SessionSettings; failures?: ThrottleSettings };
}

export type AppOptions = Omit<AppDeps, 'limits' | 'idempotencyTtlHours'> &
  Partial<Pick<AppDeps, 'limits' | 'idempotencyTtlHours'>>;

export const DEFAULT_LIMITS: ApiLimits = {
  photoBytes: 5 * 1024 * 1024,
  photoFiles: 10,
  importBytes: 20 * 1024 * 1024,
};
