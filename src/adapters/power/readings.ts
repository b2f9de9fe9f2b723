/**
 * Daily electricity readings (kWh per meter and CST day): from the power company's files (CSV/XLSX)
 * and from its HTTP API (docs/power-company-api.yaml). Stored idempotently: upsert on (meter, day).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import type pg from 'pg';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { isIsoDate } from '../../domain/calendar.js';
import { withTransaction } from '../../db/pool.js';
import {
  cellDate,
  cellNumber,
  cellText,
  type ImportError,
  readTabular,
  type TabularFormat,
  TabularError,
} from './tabular.js';

export interface Reading {
  meterId: string;
  /** CST day 'YYYY-MM-DD'. */
  date: string;
  kwh: number;
}

export const READING_COLUMNS = {
  meterId: ['电表编号', '电表号', 'meter_id', 'meter'],
  date: ['日期', '抄表日期', 'day', 'reading_date'],
  kwh: ['用电量', '日用电量', '用电量kWh', '日用电量kWh', 'consumption', 'value'],
} as const satisfies Record<string, readonly string[]>;

const CHUNK = 10_000;

/** Upserts readings on (meter, day) in chunks; `client` may be a pool or a transaction's client. */
export async function upsertReadings(
  client: pg.Pool | pg.PoolClient,
  readings: ReadonlyArray<Reading>,
  source: string,
): Promise<number> {
  for (let i = 0; i < readings.length; i += CHUNK) {
    const chunk = readings.slice(i, i + CHUNK);
    await client.query(
      `INSERT INTO meter_readings (meter_id, day, kwh, source, received_at)
       SELECT meter_id, day, kwh, $4, now() FROM unnest($1::text[], $2::date[], $3::float8[]) AS t(meter_id, day, kwh)
       ON CONFLICT (meter_id, day) DO UPDATE SET kwh = EXCLUDED.kwh, source = EXCLUDED.source, received_at = now()
       WHERE meter_readings.kwh IS DISTINCT FROM EXCLUDED.kwh`,
      [chunk.map((r) => r.meterId), chunk.map((r) => r.date), chunk.map((r) => r.kwh), source],
    );
  }
  return readings.length;
}

const MAX_ERRORS = 500;

/** Imports a readings file; any bad row (or a repeated meter and day) imports nothing. */
export async function importReadings(
  pool: pg.Pool,
  input: { content: Buffer; format: TabularFormat; fileName?: string },
): Promise<{ imported: number; errors: ImportError[] }> {
  let file: Awaited<ReturnType<typeof readTabular>>;
  try {
    file = await readTabular(input.content, input.format, READING_COLUMNS, ['meterId', 'date', 'kwh']);
  } catch (err) {
    if (err instanceof TabularError) return { imported: 0, errors: err.errors };
    throw err;
  }
  const label = (c: keyof typeof READING_COLUMNS) => file.headers[c] ?? READING_COLUMNS[c][0];
  const errors: ImportError[] = [];
  const readings: Reading[] = [];
  const seen = new Map<string, number>();
  for (const { line, values } of file.rows) {
    if (errors.length >= MAX_ERRORS) break;
    const meterId = cellText(values.meterId);
    const date = cellDate(values.date);
    const kwh = cellNumber(values.kwh);
    let ok = true;
    if (!meterId) {
      errors.push({ line, field: label('meterId'), reason: '不能为空' });
      ok = false;
    }
    if (date === null) {
      errors.push({
        line,
        field: label('date'),
        reason: `“${cellText(values.date)}”不是有效日期（YYYY-MM-DD）`,
      });
      ok = false;
    }
    if (kwh === null || kwh < 0) {
      errors.push({ line, field: label('kwh'), reason: `“${cellText(values.kwh)}”应为不小于0的数` });
      ok = false;
    }
    if (!ok) continue;
    const k = `${meterId}\u0000${date}`;
    const first = seen.get(k);
    if (first !== undefined) {
      errors.push({ line, field: label('date'), reason: `电表${meterId}在${date}的读数与第${first}行重复` });
      continue;
    }
    seen.set(k, line);
    readings.push({ meterId, date: date as string, kwh: kwh as number });
  }
  if (errors.length > 0) return { imported: 0, errors };
  await withTransaction(pool, (client) => upsertReadings(client, readings, input.format));
  return { imported: readings.length, errors: [] };
}

// --- the power company's HTTP API -----------------------------------------------------------------

export interface PowerApiSettings {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  maxAttempts: number;
  pageSize: number;
  /** First retry delay; doubles per attempt (with jitter), capped at 30 s. */
  backoffMs?: number;
  fetch?: typeof fetch;
}

export function powerApiSettings(config: Config): PowerApiSettings {
  if (!config.POWER_API_BASE_URL || !config.POWER_API_TOKEN) {
    throw ApplicationFailure.nonRetryable(
      'POWER_API_BASE_URL and POWER_API_TOKEN must be set to fetch readings',
      'CONFIGURATION',
    );
  }
  return {
    baseUrl: config.POWER_API_BASE_URL,
    token: config.POWER_API_TOKEN,
    timeoutMs: config.POWER_API_TIMEOUT_MS,
    maxAttempts: config.POWER_API_MAX_ATTEMPTS,
    pageSize: config.POWER_API_PAGE_SIZE,
  };
}

/** One page of GET /v1/readings (see docs/power-company-api.yaml). */
export const readingsPageSchema = z.object({
  date: z.string(),
  page: z.number().int().min(1),
  pageSize: z.number().int().min(1),
  total: z.number().int().min(0),
  items: z.array(
    z.object({
      meterId: z.string().min(1),
      date: z.string().refine(isIsoDate, 'YYYY-MM-DD'),
      kwh: z.number().min(0).finite(),
    }),
  ),
});
export type ReadingsPage = z.infer<typeof readingsPageSchema>;

/** A failure the API will keep giving (bad token, bad request, malformed answer). */
export const POWER_API_REJECTED = 'POWER_API_REJECTED';

async function getPage(s: PowerApiSettings, date: string, page: number): Promise<ReadingsPage> {
  const fetchImpl = s.fetch ?? fetch;
  const url = new URL('v1/readings', s.baseUrl.endsWith('/') ? s.baseUrl : `${s.baseUrl}/`);
  url.searchParams.set('date', date);
  url.searchParams.set('page', String(page));
  url.searchParams.set('pageSize', String(s.pageSize));
  const base = s.backoffMs ?? 500;
  let lastError = '';
  for (let attempt = 1; attempt <= s.maxAttempts; attempt++) {
    let retryAfterMs: number | null = null;
    try {
      const res = await fetchImpl(url, {
        headers: { authorization: `Bearer ${s.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(s.timeoutMs),
      });
      const text = await res.text();
      if (res.ok) {
        const parsed = readingsPageSchema.safeParse(JSON.parse(text));
        if (!parsed.success) {
          throw ApplicationFailure.nonRetryable(
            `power API answered an invalid page: ${parsed.error.issues[0]?.message ?? ''}`,
            POWER_API_REJECTED,
          );
        }
        return parsed.data;
      }
      lastError = `HTTP ${res.status}: ${text.slice(0, 200)}`;
      if (res.status !== 429 && res.status < 500) {
        throw ApplicationFailure.nonRetryable(
          `power API rejected ${url.pathname}: ${lastError}`,
          POWER_API_REJECTED,
        );
      }
      const ra = Number(res.headers.get('retry-after'));
      if (Number.isFinite(ra) && ra > 0) retryAfterMs = ra * 1000;
    } catch (err) {
      if (err instanceof ApplicationFailure) throw err;
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (attempt < s.maxAttempts) {
      const backoff = Math.min(30_000, base * 2 ** (attempt - 1));
      await sleep(retryAfterMs ?? backoff / 2 + Math.random() * (backoff / 2));
    }
  }
  // Still failing: let the activity's own retry policy take over.
  throw ApplicationFailure.retryable(
    `power API unavailable after ${s.maxAttempts} attempts: ${lastError}`,
    'POWER_API_UNAVAILABLE',
  );
}

/**
 * Fetches one day's readings, page by page, and upserts each page. Transient failures (network,
 * timeouts, 5xx, 429) are retried with exponential backoff (Retry-After honoured); others are not.
 */
export async function fetchReadings(
  pool: pg.Pool,
  config: PowerApiSettings | Config,
  input: { date: string },
): Promise<{ date: string; fetched: number; pages: number }> {
  if (!isIsoDate(input.date))
    throw ApplicationFailure.nonRetryable(`invalid date ${input.date}`, 'VALIDATION');
  const s = 'baseUrl' in config ? config : powerApiSettings(config);
  let page = 1;
  let fetched = 0;
  for (;;) {
    const p = await getPage(s, input.date, page);
    const foreign = p.items.find((i) => i.date !== input.date);
    if (foreign) {
      throw ApplicationFailure.nonRetryable(
        `power API returned a reading of ${foreign.date} for ${input.date}`,
        POWER_API_REJECTED,
      );
    }
    await upsertReadings(pool, p.items, 'api');
    fetched += p.items.length;
    if (p.items.length === 0 || page * p.pageSize >= p.total)
      return { date: input.date, fetched, pages: page };
    page++;
  }
}
