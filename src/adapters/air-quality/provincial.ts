/**
 * Client of the provincial air-quality platform's HTTP API (docs/provincial-air-api.yaml): pulls the
 * hourly concentrations of a time window, every page, validates each page, and stores all rows in ONE
 * transaction (upsert by station and hour, so a re-pull of late or corrected values replaces them and
 * a failed pull stores nothing). Transient failures (network, timeout, 5xx, 429) are retried with
 * exponential backoff and jitter (Retry-After honoured); a malformed answer is not retried.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import type pg from 'pg';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { withTransaction } from '../../db/pool.js';
import { HOURLY_POLLUTANTS, type HourlyPollutant } from '../../domain/observed-aqi.js';
import { type HourlyRow, upsertHourly } from './index.js';

const HOUR = 3_600_000;

export interface AirApiSettings {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  maxAttempts: number;
  pageSize?: number;
  /** First retry delay; doubles per attempt (with jitter), capped at 30 s. */
  backoffMs?: number;
  fetch?: typeof fetch;
}

/** The platform's settings from configuration; undefined when AIR_API_BASE_URL is not set. */
export function airApiSettings(config: Config): AirApiSettings | undefined {
  if (!config.AIR_API_BASE_URL) return undefined;
  return {
    baseUrl: config.AIR_API_BASE_URL,
    token: config.AIR_API_TOKEN ?? '',
    timeoutMs: config.AIR_API_TIMEOUT_MS,
    maxAttempts: config.AIR_API_MAX_ATTEMPTS,
  };
}

/** The platform will keep giving this answer (bad token, bad request, malformed page): not retried. */
export const AIR_API_REJECTED = 'AIR_API_REJECTED';
/** The platform could not be reached or failed (after the client's own retries): retryable. */
export const AIR_API_UNAVAILABLE = 'AIR_API_UNAVAILABLE';

const concentration = z.number().finite().min(0, '应为不小于0的数或null').nullable();

/** One page of GET /v1/hourly. `time` is the END of the hour, ISO 8601 with its offset. */
export const hourlyPageSchema = z.object({
  page: z.number().int().min(1),
  pageSize: z.number().int().min(1),
  total: z.number().int().min(0),
  items: z.array(
    z.object({
      stationCode: z.string().min(1).max(32),
      time: z
        .string()
        .refine(
          (t) =>
            /^\d{4}-\d{2}-\d{2}T\d{2}:00:00(\.0+)?(Z|[+-]\d{2}:\d{2})$/.test(t) &&
            !Number.isNaN(Date.parse(t)),
          '应为整点时间（ISO 8601，带时区，如2026-12-01T01:00:00+08:00）',
        ),
      pm25: concentration,
      pm10: concentration,
      so2: concentration,
      no2: concentration,
      co: concentration,
      o3: concentration,
    }),
  ),
});
export type HourlyPage = z.infer<typeof hourlyPageSchema>;

/** The first problems of a page that failed validation, in words ("items[3].pm25：应为…"). */
function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => {
      const path = i.path
        .map((p, n) => (typeof p === 'number' ? `[${p}]` : n === 0 ? String(p) : `.${String(p)}`))
        .join('');
      return `${path || '（整个应答）'}：${i.message}`;
    })
    .join('；');
}

/** Parses one page's body; garbage → a non-retryable failure naming the page and what was wrong. */
export function parseHourlyPage(text: string, page: number): HourlyPage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw ApplicationFailure.nonRetryable(
      `省级空气质量监测平台第${page}页应答不是有效的JSON（开头：${JSON.stringify(text.slice(0, 40))}）`,
      AIR_API_REJECTED,
    );
  }
  const parsed = hourlyPageSchema.safeParse(json);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `省级空气质量监测平台第${page}页数据格式错误：${issuesText(parsed.error)}`,
      AIR_API_REJECTED,
    );
  }
  if (parsed.data.page !== page) {
    throw ApplicationFailure.nonRetryable(
      `省级空气质量监测平台应答的页码为${parsed.data.page}，请求的是第${page}页`,
      AIR_API_REJECTED,
    );
  }
  return parsed.data;
}

function url(s: AirApiSettings, path: string, params: Record<string, string>): URL {
  const u = new URL(path, s.baseUrl.endsWith('/') ? s.baseUrl : `${s.baseUrl}/`);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u;
}

/** What an error answer says: its `message` when JSON, else the start of the text. */
function answerWords(text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string' && m) return `（${m.slice(0, 200)}）`;
  } catch {}
  return text.trim() ? `（${text.trim().slice(0, 200)}）` : '';
}

/** GETs a URL with the token; retries network errors, timeouts, 5xx and 429 with backoff. */
async function getText(s: AirApiSettings, target: URL): Promise<string> {
  const fetchImpl = s.fetch ?? fetch;
  const base = s.backoffMs ?? 500;
  let lastError = '';
  for (let attempt = 1; attempt <= s.maxAttempts; attempt++) {
    let retryAfterMs: number | null = null;
    try {
      const res = await fetchImpl(target, {
        headers: { authorization: `Bearer ${s.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(s.timeoutMs),
      });
      const text = await res.text();
      if (res.ok) return text;
      lastError = `HTTP ${res.status}${answerWords(text)}`;
      if (res.status !== 429 && res.status < 500) {
        throw ApplicationFailure.nonRetryable(
          `省级空气质量监测平台拒绝了请求${target.pathname}（${lastError}）${res.status === 401 || res.status === 403 ? '，请核对AIR_API_TOKEN' : ''}`,
          AIR_API_REJECTED,
        );
      }
      const ra = Number(res.headers.get('retry-after'));
      if (Number.isFinite(ra) && ra > 0) retryAfterMs = Math.min(ra * 1000, 60_000);
    } catch (err) {
      if (err instanceof ApplicationFailure) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message;
      lastError = `${err instanceof Error ? err.message : String(err)}${why ? `（${why}）` : ''}`;
    }
    if (attempt < s.maxAttempts) {
      const backoff = Math.min(30_000, base * 2 ** (attempt - 1));
      await sleep(retryAfterMs ?? backoff / 2 + Math.random() * (backoff / 2));
    }
  }
  throw ApplicationFailure.retryable(
    `省级空气质量监测平台不可用（已尝试${s.maxAttempts}次）：${lastError}`,
    AIR_API_UNAVAILABLE,
  );
}

export interface PullWindow {
  /** Inclusive, a whole hour: the first hour pulled STARTS here. */
  fromMs: number;
  /** Exclusive, a whole hour: the last hour pulled ENDS here. */
  toMs: number;
}

export interface PulledHours {
  rows: HourlyRow[];
  pages: number;
  /** Rows of stations this city does not have in aq_stations (other cities of the province), by code. */
  skipped: Record<string, number>;
}

/**
 * Fetches every page of a window and checks it: whole hours inside the window, no station-hour
 * twice. Rows of stations not in `knownStations` are skipped and counted (the provincial platform
 * serves every city of the province). Throws on the first bad page; nothing is stored here.
 */
export async function fetchProvincialHourly(
  s: AirApiSettings,
  window: PullWindow,
  knownStations: ReadonlySet<string>,
): Promise<PulledHours> {
  if (window.fromMs % HOUR !== 0 || window.toMs % HOUR !== 0 || window.toMs <= window.fromMs) {
    throw ApplicationFailure.nonRetryable('拉取时段应为整点且结束晚于开始', 'VALIDATION');
  }
  const pageSize = s.pageSize ?? 1000;
  const rows: HourlyRow[] = [];
  const seen = new Set<string>();
  const skipped: Record<string, number> = {};
  for (let page = 1; ; page++) {
    const text = await getText(
      s,
      url(s, 'v1/hourly', {
        from: new Date(window.fromMs).toISOString(),
        to: new Date(window.toMs).toISOString(),
        page: String(page),
        pageSize: String(pageSize),
      }),
    );
    const p = parseHourlyPage(text, page);
    for (const [n, item] of p.items.entries()) {
      const hourStart = Date.parse(item.time) - HOUR;
      if (hourStart < window.fromMs || hourStart + HOUR > window.toMs) {
        throw ApplicationFailure.nonRetryable(
          `省级空气质量监测平台第${page}页items[${n}]的时间${item.time}不在请求的时段内`,
          AIR_API_REJECTED,
        );
      }
      if (!knownStations.has(item.stationCode)) {
        skipped[item.stationCode] = (skipped[item.stationCode] ?? 0) + 1;
        continue;
      }
      const key = `${item.stationCode}\u0000${hourStart}`;
      if (seen.has(key)) {
        throw ApplicationFailure.nonRetryable(
          `省级空气质量监测平台第${page}页items[${n}]重复：站点${item.stationCode}的${item.time}已在前面出现`,
          AIR_API_REJECTED,
        );
      }
      seen.add(key);
      const values = {} as Record<HourlyPollutant, number | null>;
      for (const pol of HOURLY_POLLUTANTS) values[pol] = item[pol];
      rows.push({ code: item.stationCode, hourStart, values });
    }
    if (p.items.length === 0 || page * p.pageSize >= p.total) return { rows, pages: page, skipped };
  }
}

/** The codes of the stations in aq_stations (this city's national and provincial stations). */
export async function knownStationCodes(pool: pg.Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ code: string }>('SELECT code FROM aq_stations');
  return new Set(rows.map((r) => r.code));
}

/** Pulls a window and stores all its rows in one transaction (nothing when any page fails). */
export async function pullProvincialHourly(
  pool: pg.Pool,
  s: AirApiSettings,
  window: PullWindow,
): Promise<{ stored: number; pages: number; skipped: Record<string, number> }> {
  const pulled = await fetchProvincialHourly(s, window, await knownStationCodes(pool));
  if (pulled.rows.length > 0) {
    await withTransaction(pool, (client) => upsertHourly(client, pulled.rows, 'api:provincial'));
  }
  return { stored: pulled.rows.length, pages: pulled.pages, skipped: pulled.skipped };
}
