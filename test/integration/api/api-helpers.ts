/** Shared set-up of the API tests: an app over the run's servers and principals with real tokens. */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { type App, type AppOptions, buildApp } from '../../../src/api/app.js';
import { type ApiPrincipal, createPrincipal, issueToken } from '../../../src/api/principal-store.js';
import { afterAll, beforeAll } from 'vitest';
import { type IntegrationContext, integrationContext } from '../../helpers.js';

export const ROLE_PRINCIPALS = {
  office: { role: 'office', unit: 'office' },
  commander: { role: 'commander', unit: 'commander' },
  /** The commander of 双塔区's own plan (二.2): decides that county's episodes only. */
  shuangtaCommander: { role: 'commander', unit: 'shuangta.commander' },
  leader: { role: 'leader', unit: 'taskforce.leader' },
  shuangta: { role: 'unit', unit: 'branch.shuangta' },
  beipiao: { role: 'unit', unit: 'branch.beipiao' },
  enforcement: { role: 'unit', unit: 'enforcement' },
  auditor: { role: 'auditor' },
  admin: { role: 'admin' },
} as const satisfies Record<string, Omit<ApiPrincipal, 'id'>>;

export type PrincipalKey = keyof typeof ROLE_PRINCIPALS;
export interface TestPrincipal extends ApiPrincipal {
  token: string;
}

const suffix = () => randomBytes(4).toString('hex');

/** One principal per role (ids unique to this file's run), with a fresh token each. */
export async function seedPrincipals(ctx: IntegrationContext): Promise<Record<PrincipalKey, TestPrincipal>> {
  const s = suffix();
  const out = {} as Record<PrincipalKey, TestPrincipal>;
  for (const [key, p] of Object.entries(ROLE_PRINCIPALS) as Array<[PrincipalKey, Omit<ApiPrincipal, 'id'>]>) {
    const id = `t-${s}-${key.toLowerCase()}`;
    await createPrincipal(ctx.pool, { id, ...p });
    const { token } = await issueToken(ctx.pool, id);
    out[key] = { id, ...p, token };
  }
  return out;
}

export async function testApp(
  ctx: IntegrationContext,
  taskQueue: string,
  extra: Partial<AppOptions> = {},
): Promise<App> {
  return buildApp({
    temporal: ctx.client,
    pool: ctx.pool,
    taskQueue,
    logger: false,
    rateLimit: { max: 100_000, timeWindowMs: 60_000 },
    // tests keep their episodes apart by far-away business dates (uniqueDate); the bound has its own test
    businessDates: { pastDays: 3650, futureDays: 365 * 900 },
    ...(ctx.workflowBundle ? { workflowBundle: ctx.workflowBundle } : {}),
    ...extra,
  });
}

export const bearer = (p: { token: string }) => ({ authorization: `Bearer ${p.token}` });

/** A business date no other test uses (episode ids embed it): a random day in the 22nd–29th century. */
export function uniqueDate(): string {
  const year = 2100 + Math.floor(Math.random() * 800);
  const month = 1 + Math.floor(Math.random() * 12);
  const day = 1 + Math.floor(Math.random() * 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export const json = (res: LightMyRequestResponse) =>
  res.json() as Record<string, unknown> & { code?: string };

/** The tables a request could change. */
export const COUNTED_TABLES = [
  'episodes',
  'episode_events',
  'unit_reports',
  'unit_summaries',
  'submission_claims',
  'photos',
  'principals',
  'api_tokens',
  'idempotency_keys',
  'enterprises',
  'enterprise_meters',
  'meter_readings',
  'documents',
  'cap_alerts',
  'notification_deliveries',
  'reduction_lists',
  'reduction_list_entries',
  'filings',
  'filing_documents',
  'filing_events',
  'field_cases',
  'field_inspections',
  'field_task_visits',
  'field_handovers',
  'field_fire_points',
  'field_vehicle_checks',
  'field_inspection_groups',
  'field_report_flags',
  'plan_versions',
  'episode_expert_opinions',
  'expert_members',
] as const;

/** Row counts of the tables a request could change. */
export async function tableCounts(
  ctx: IntegrationContext,
  extra: readonly string[] = [],
): Promise<Record<string, number>> {
  const tables = [...COUNTED_TABLES, ...extra];
  const out: Record<string, number> = {};
  for (const t of tables) {
    const { rows } = await ctx.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`);
    out[t] = rows[0]!.n;
  }
  return out;
}

/**
 * The row counts once background work has settled (the workflows project their events and write their
 * delivery log after answering): two reads 300 ms apart agree. Take "before" counts with this.
 */
export async function settledCounts(
  ctx: IntegrationContext,
  extra: readonly string[] = [],
): Promise<Record<string, number>> {
  let last = await tableCounts(ctx, extra);
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const next = await tableCounts(ctx, extra);
    if (JSON.stringify(next) === JSON.stringify(last)) return next;
    last = next;
  }
  return last;
}

/** A tiny valid PNG (1×1). */
export const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
/** A JPEG's head: SOI, JFIF and a frame header saying 1×1 (photos' dimensions are checked). */
export const JPEG_HEAD = Buffer.from(
  'ffd8ffe000104a46494600010100000100010000ffc0001108000100010301110002110103110100ffd9',
  'hex',
);

/** A multipart/form-data body. */
export function multipart(
  parts: Array<
    { name: string; value: string } | { name: string; filename: string; contentType: string; data: Buffer }
  >,
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----smog${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('data' in p) {
      chunks.push(
        Buffer.from(
          `Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.contentType}\r\n\r\n`,
        ),
      );
      chunks.push(p.data);
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}`));
    }
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/**
 * A test file's integration context and one principal per role, made before its tests and closed after
 * them (for files that build their app per test, e.g. with a worker). Read `ctx` and `who` inside tests.
 */
export function contextSuite(): {
  readonly ctx: IntegrationContext;
  readonly who: Record<PrincipalKey, TestPrincipal>;
} {
  const suite = {} as { ctx: IntegrationContext; who: Record<PrincipalKey, TestPrincipal> };
  beforeAll(async () => {
    suite.ctx = await integrationContext();
    suite.who = await seedPrincipals(suite.ctx);
  });
  afterAll(async () => {
    await suite.ctx?.close();
  });
  return suite;
}

export interface ApiSuite {
  ctx: IntegrationContext;
  app: App;
  who: Record<PrincipalKey, TestPrincipal>;
}

/** One app (no worker) with one principal per role, for the tests of a file; closed after them. */
export function apiSuite(taskQueue: string): ApiSuite {
  const suite = {} as ApiSuite;
  beforeAll(async () => {
    suite.ctx = await integrationContext();
    suite.who = await seedPrincipals(suite.ctx);
    suite.app = await testApp(suite.ctx, taskQueue);
  });
  afterAll(async () => {
    await suite.app?.close();
    await suite.ctx?.close();
  });
  return suite;
}
