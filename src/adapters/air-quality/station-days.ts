/**
 * Station-day items kept beside the hours (aq_station_daily): recomputed from the stored hours of the
 * station-days an upsert changed — with the domain's `stationDailyConcentrations`, the one home of
 * HJ 663's rules — and read back for ranges of days. A station-day without a row has no hours.
 */
import type pg from 'pg';
import {
  type DailyConcentrations,
  HOURLY_POLLUTANTS,
  type HourValues,
  type HourlyPollutant,
  cstDayStart,
  stationDailyConcentrations,
} from '../../domain/observed-aqi.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHUNK = 5_000;

/** The CST date of the hour starting at `hourStart`. */
export const cstDateOfHour = (hourStart: number) => new Date(hourStart + 8 * HOUR).toISOString().slice(0, 10);

/** Recomputes the given station-days from their stored hours (in the caller's transaction). */
export async function refreshStationDays(
  client: pg.Pool | pg.PoolClient,
  keys: ReadonlyArray<{ code: string; date: string }>,
): Promise<void> {
  for (let i = 0; i < keys.length; i += CHUNK) {
    const chunk = keys.slice(i, i + CHUNK);
    const starts = chunk.map((k) => cstDayStart(k.date));
    const { rows } = await client.query<{ k: number; ms: string } & Record<HourlyPollutant, number | null>>(
      `SELECT k.n::int - 1 AS k, (extract(epoch FROM h.hour_start) * 1000)::bigint::text AS ms,
              h.pm25, h.pm10, h.so2, h.no2, h.co, h.o3
       FROM unnest($1::text[], $2::float8[]) WITH ORDINALITY AS k(code, start, n)
       JOIN aq_hourly h ON h.station_code = k.code AND h.hour_start >= to_timestamp(k.start / 1000.0)
        AND h.hour_start < to_timestamp((k.start + ${DAY}) / 1000.0)`,
      [chunk.map((k) => k.code), starts],
    );
    const series = chunk.map(() => new Map<number, HourValues>());
    for (const r of rows) {
      const v: HourValues = {};
      for (const p of HOURLY_POLLUTANTS) v[p] = r[p];
      series[r.k]!.set(Number(r.ms), v);
    }
    const items = chunk.map((k, j) => JSON.stringify(stationDailyConcentrations(series[j]!, k.date)));
    await client.query(
      `INSERT INTO aq_station_daily (station_code, day, items, computed_at)
       SELECT code, day, items, now() FROM unnest($1::text[], $2::date[], $3::jsonb[]) AS t(code, day, items)
       ON CONFLICT (station_code, day) DO UPDATE SET items = EXCLUDED.items, computed_at = now()`,
      [chunk.map((k) => k.code), chunk.map((k) => k.date), items],
    );
  }
}

/** The stored items of `codes` for the CST dates [from, to]: code → date → items (absent: no hours). */
export async function storedStationDays(
  pool: pg.Pool | pg.PoolClient,
  codes: readonly string[],
  from: string,
  to: string,
): Promise<Map<string, Map<string, DailyConcentrations>>> {
  const out = new Map<string, Map<string, DailyConcentrations>>(codes.map((c) => [c, new Map()]));
  if (codes.length === 0) return out;
  const { rows } = await pool.query<{ code: string; day: string; items: DailyConcentrations }>(
    `SELECT station_code AS code, to_char(day, 'YYYY-MM-DD') AS day, items FROM aq_station_daily
     WHERE station_code = ANY($1) AND day >= $2::date AND day <= $3::date`,
    [codes, from, to],
  );
  for (const r of rows) out.get(r.code)?.set(r.day, r.items);
  return out;
}

/** The items of a station-day with no stored hours (every item invalid, with its reason). */
export const emptyStationDay = (date: string): DailyConcentrations =>
  stationDailyConcentrations(new Map(), date);
