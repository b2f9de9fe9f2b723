/**
 * A jurisdiction's hour-by-hour observed series for the console's chart: at the end of each hour, the
 * rolling 24-h AQI (the domain's `cityRollingAqi`, across calendar days) and the stations' mean PM2.5
 * of that hour. Reads the stations' hours once (the range plus the 24 hours before it).
 */
import type pg from 'pg';
import {
  HOURLY_POLLUTANTS,
  type HourValues,
  type HourlyPollutant,
  cityRollingAqi,
  cstDayStart,
} from '../../domain/observed-aqi.js';
import type { ResponsePlan } from '../../domain/plan-types.js';

const HOUR = 3_600_000;

export interface ObservedHour {
  /** The end of the hour (epoch ms). */
  hourEnd: number;
  /** Rolling 24-h AQI at the end of the hour; null when no item is valid. */
  aqi: number | null;
  /** Every item valid (an AQI of some items only — e.g. O3 alone at the edge of the data — is not). */
  complete: boolean;
  primary: string[];
  /** The mean of the stations' valid PM2.5 values of this hour (µg/m³), or null. */
  pm25: number | null;
  /** Stations with a PM2.5 value this hour. */
  stations: number;
}

/** The hours of CST dates [from, to] of a jurisdiction (the city: its national stations). */
export async function jurisdictionHourly(
  pool: pg.Pool | pg.PoolClient,
  plan: ResponsePlan,
  jurisdiction: string,
  from: string,
  to: string,
): Promise<ObservedHour[]> {
  const start = cstDayStart(from);
  const end = cstDayStart(to) + 24 * HOUR;
  const city = jurisdiction === plan.jurisdiction;
  const stations = (
    await pool.query<{ code: string }>(
      city
        ? `SELECT code FROM aq_stations WHERE kind = 'national' ORDER BY code`
        : 'SELECT code FROM aq_stations WHERE jurisdiction = $1 ORDER BY code',
      city ? [] : [jurisdiction],
    )
  ).rows.map((r) => r.code);
  const { rows } = await pool.query<{ code: string; ms: string } & Record<HourlyPollutant, number | null>>(
    `SELECT station_code AS code, (extract(epoch FROM hour_start) * 1000)::bigint::text AS ms, pm25, pm10, so2, no2, co, o3
     FROM aq_hourly WHERE station_code = ANY($1) AND hour_start >= to_timestamp($2 / 1000.0)
       AND hour_start < to_timestamp($3 / 1000.0)`,
    [stations, start - 24 * HOUR, end],
  );
  const series = new Map<string, Map<number, HourValues>>(stations.map((c) => [c, new Map()]));
  for (const r of rows) {
    const v: HourValues = {};
    for (const p of HOURLY_POLLUTANTS) v[p] = r[p];
    series.get(r.code)?.set(Number(r.ms), v);
  }
  const all = [...series.values()];
  const out: ObservedHour[] = [];
  for (let h = start; h < end; h += HOUR) {
    const pm = all.map((s) => s.get(h)?.pm25).filter((v): v is number => typeof v === 'number');
    const rolling = cityRollingAqi(all, h);
    out.push({
      hourEnd: h + HOUR,
      aqi: rolling.aqi,
      complete: rolling.complete,
      primary: rolling.primary,
      pm25: pm.length > 0 ? Math.round(pm.reduce((a, b) => a + b, 0) / pm.length) : null,
      stations: pm.length,
    });
  }
  return out;
}
