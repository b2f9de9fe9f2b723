/**
 * Observed air quality in PostgreSQL: import of the monitoring stations and of their hourly
 * concentrations (CSV/XLSX in the monitoring centre's export layout; any bad row imports nothing;
 * upsert by station and hour), and the daily AQI of a jurisdiction read back from them.
 *
 * Station file (站点信息): 站点编码, 站点名称, 所属区县 (a jurisdiction of the plan, name or id),
 *   站点类型 (国控 | 省控).
 * Hourly file (小时数据, the centre's export): 站点编码, 站点名称 (optional, not used), 时间 (the END of
 *   the hour, CST: '2026-12-01 01:00' is the hour 00:00–01:00; '2026-12-01 24:00' is accepted),
 *   PM2.5, PM10, SO2, NO2, O3 (µg/m³), CO (mg/m³). An empty cell, '—', '-' or 'NA' is a missing
 *   hour (stored NULL); a negative or non-numeric value is an error.
 * A city's value comes from its national stations (国控点, wherever they lie in the city); a county's
 * from the stations in the county.
 */
import type pg from 'pg';
import { withTransaction } from '../../db/pool.js';
import type { ResponsePlan } from '../../domain/index.js';
import {
  HOURLY_POLLUTANTS,
  type HourValues,
  type HourlyPollutant,
  type ObservedAqi,
  aqiOfConcentrations,
  cityConcentrations,
  cityRollingAqi,
  cstDayStart,
  stationRollingAqi,
} from '../../domain/observed-aqi.js';
import { cstDateOfHour, emptyStationDay, refreshStationDays, storedStationDays } from './station-days.js';
import {
  type CellValue,
  type ImportError,
  TabularError,
  type TabularFormat,
  cellNumber,
  cellText,
  readTabular,
} from '../power/tabular.js';

const HOUR = 3_600_000;
const MAX_ERRORS = 500;
const CHUNK = 10_000;

export const STATION_COLUMNS = {
  code: ['站点编码', '站点代码', '监测点编码', 'station_code'],
  name: ['站点名称', '监测点名称', 'station_name'],
  jurisdiction: ['所属区县', '所在县区', '行政区', 'jurisdiction'],
  kind: ['站点类型', '点位类型', 'kind'],
} as const satisfies Record<string, readonly string[]>;

export const HOURLY_COLUMNS = {
  code: ['站点编码', '站点代码', '监测点编码', 'station_code'],
  name: ['站点名称', '监测点名称', 'station_name'],
  time: ['时间', '监测时间', '数据时间', 'time'],
  pm25: ['PM2.5', 'PM2.5μg/m3', 'PM2.5µg/m³', 'pm25'],
  pm10: ['PM10', 'PM10μg/m3', 'PM10µg/m³'],
  so2: ['SO2', 'SO₂', 'SO2μg/m3'],
  no2: ['NO2', 'NO₂', 'NO2μg/m3'],
  co: ['CO', 'COmg/m3'],
  o3: ['O3', 'O₃', 'O3μg/m3'],
} as const satisfies Record<string, readonly string[]>;

const KINDS: Record<string, 'national' | 'provincial'> = {
  国控: 'national',
  国控点: 'national',
  national: 'national',
  省控: 'provincial',
  省控点: 'provincial',
  provincial: 'provincial',
};
const MISSING_MARKS = new Set(['', '—', '-', '--', 'na', 'n/a', 'null']);

export interface ImportOutcome {
  imported: number;
  errors: ImportError[];
  /** Hourly imports: the hours imported, [fromMs, toMs) — the observation feed's window. */
  span?: { fromMs: number; toMs: number };
}

async function read(
  content: Buffer,
  format: TabularFormat,
  aliases: Record<string, readonly string[]>,
  required: readonly string[],
) {
  try {
    return { file: await readTabular(content, format, aliases, required) };
  } catch (err) {
    if (err instanceof TabularError) return { errors: err.errors };
    throw err;
  }
}

/** Imports the station list; any bad row imports nothing. Re-importing a code updates it. */
export async function importStations(
  pool: pg.Pool,
  plan: ResponsePlan,
  input: { content: Buffer; format: TabularFormat; fileName: string },
): Promise<ImportOutcome> {
  const r = await read(input.content, input.format, STATION_COLUMNS, [
    'code',
    'name',
    'jurisdiction',
    'kind',
  ]);
  if (!r.file) return { imported: 0, errors: r.errors };
  const file = r.file;
  const label = (c: keyof typeof STATION_COLUMNS) => file.headers[c] ?? STATION_COLUMNS[c][0];
  const errors: ImportError[] = [];
  const rows: Array<{ code: string; name: string; jurisdiction: string; kind: string }> = [];
  const seen = new Map<string, number>();
  for (const { line, values } of file.rows) {
    if (errors.length >= MAX_ERRORS) break;
    const before = errors.length;
    const code = cellText(values.code);
    if (!code) errors.push({ line, field: label('code'), reason: '不能为空' });
    else if (code.length > 32) errors.push({ line, field: label('code'), reason: '长度不能超过32个字符' });
    const name = cellText(values.name);
    if (!name) errors.push({ line, field: label('name'), reason: '不能为空' });
    const jText = cellText(values.jurisdiction);
    const j = plan.jurisdictions.find((x) => x.id === jText || x.name === jText);
    if (!j)
      errors.push({
        line,
        field: label('jurisdiction'),
        reason: `“${jText}”不是方案中的行政区（应为${plan.jurisdictions.map((x) => x.name).join('、')}之一）`,
      });
    const kind = KINDS[cellText(values.kind).toLowerCase()];
    if (!kind)
      errors.push({ line, field: label('kind'), reason: `“${cellText(values.kind)}”应为“国控”或“省控”` });
    const first = seen.get(code);
    if (code && first !== undefined)
      errors.push({ line, field: label('code'), reason: `站点${code}与第${first}行重复` });
    if (errors.length > before) continue;
    seen.set(code, line);
    rows.push({ code, name, jurisdiction: (j as { id: string }).id, kind: kind as string });
  }
  if (errors.length > 0) return { imported: 0, errors };
  await withTransaction(pool, (client) =>
    client.query(
      `INSERT INTO aq_stations (code, name, jurisdiction, kind, source_file, imported_at)
       SELECT code, name, jurisdiction, kind, $5, now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(code, name, jurisdiction, kind)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, jurisdiction = EXCLUDED.jurisdiction,
         kind = EXCLUDED.kind, source_file = EXCLUDED.source_file, imported_at = now()`,
      [
        rows.map((x) => x.code),
        rows.map((x) => x.name),
        rows.map((x) => x.jurisdiction),
        rows.map((x) => x.kind),
        input.fileName,
      ],
    ),
  );
  return { imported: rows.length, errors: [] };
}

/**
 * The END of the hour a cell names, as epoch ms; null when not a whole CST hour. Text
 * 'YYYY-MM-DD HH:mm[:ss]' (also '/' separators, 'T', hour 24:00); an XLSX date cell holds the
 * wall-clock time as UTC.
 */
export function hourEndOfCell(v: CellValue | undefined): number | null {
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) return null;
    const wall = Math.round(ms / 60_000) * 60_000; // Excel's float seconds
    return wall % HOUR === 0 ? wall - 8 * HOUR : null;
  }
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(cellText(v));
  if (!m) return null;
  const [y, mo, d, h, mi = '0', s = '0'] = m.slice(1).map((x) => x ?? '0') as string[];
  if (Number(mi) !== 0 || Number(s) !== 0 || Number(h) > 24) return null;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return null;
  return date.getTime() + Number(h) * HOUR - 8 * HOUR;
}

function concentrationOf(v: CellValue | undefined): number | null | 'bad' {
  if (MISSING_MARKS.has(cellText(v).toLowerCase())) return null;
  const n = cellNumber(v);
  return n === null || n < 0 ? 'bad' : n;
}

export interface HourlyRow {
  code: string;
  hourStart: number;
  values: Record<HourlyPollutant, number | null>;
}

/**
 * Upserts hourly rows by (station, hour): a late or corrected value replaces the earlier one; a row
 * equal to the stored one is not rewritten. The station-days whose hours changed are recomputed
 * (aq_station_daily, station-days.ts) in the same transaction when `client` is one.
 */
export async function upsertHourly(
  client: pg.Pool | pg.PoolClient,
  rows: readonly HourlyRow[],
  source: string,
): Promise<{ changed: number }> {
  const days = new Map<string, { code: string; date: string }>();
  let changed = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const c = rows.slice(i, i + CHUNK);
    const col = (p: HourlyPollutant) => c.map((r) => r.values[p]);
    const res = await client.query<{ code: string; ms: string }>(
      `INSERT INTO aq_hourly AS h (station_code, hour_start, pm25, pm10, so2, no2, co, o3, source, received_at)
       SELECT code, to_timestamp(ms / 1000.0), pm25, pm10, so2, no2, co, o3, $9, now()
       FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[])
         AS t(code, ms, pm25, pm10, so2, no2, co, o3)
       ON CONFLICT (station_code, hour_start) DO UPDATE SET pm25 = EXCLUDED.pm25, pm10 = EXCLUDED.pm10,
         so2 = EXCLUDED.so2, no2 = EXCLUDED.no2, co = EXCLUDED.co, o3 = EXCLUDED.o3,
         source = EXCLUDED.source, received_at = now()
       WHERE (h.pm25, h.pm10, h.so2, h.no2, h.co, h.o3)
         IS DISTINCT FROM (EXCLUDED.pm25, EXCLUDED.pm10, EXCLUDED.so2, EXCLUDED.no2, EXCLUDED.co, EXCLUDED.o3)
       RETURNING h.station_code AS code, (extract(epoch FROM h.hour_start) * 1000)::bigint::text AS ms`,
      [
        c.map((r) => r.code),
        c.map((r) => r.hourStart),
        col('pm25'),
        col('pm10'),
        col('so2'),
        col('no2'),
        col('co'),
        col('o3'),
        source,
      ],
    );
    changed += res.rows.length;
    for (const r of res.rows) {
      const date = cstDateOfHour(Number(r.ms));
      days.set(`${r.code}\u0000${date}`, { code: r.code, date });
    }
  }
  await refreshStationDays(client, [...days.values()]);
  return { changed };
}

/** Imports an hourly file; any bad row (unknown station, bad time or value, repeated hour) imports nothing. */
export async function importHourly(
  pool: pg.Pool,
  input: { content: Buffer; format: TabularFormat; fileName: string },
): Promise<ImportOutcome> {
  const r = await read(input.content, input.format, HOURLY_COLUMNS, ['code', 'time', ...HOURLY_POLLUTANTS]);
  if (!r.file) return { imported: 0, errors: r.errors };
  const file = r.file;
  const label = (c: keyof typeof HOURLY_COLUMNS) => file.headers[c] ?? HOURLY_COLUMNS[c][0];
  const known = new Set(
    (await pool.query<{ code: string }>('SELECT code FROM aq_stations')).rows.map((x) => x.code),
  );
  const errors: ImportError[] = [];
  const rows: HourlyRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, values } of file.rows) {
    if (errors.length >= MAX_ERRORS) break;
    const before = errors.length;
    const code = cellText(values.code);
    if (!code) errors.push({ line, field: label('code'), reason: '不能为空' });
    else if (!known.has(code))
      errors.push({ line, field: label('code'), reason: `站点${code}不在站点信息中，请先导入站点信息` });
    const end = hourEndOfCell(values.time);
    if (end === null)
      errors.push({
        line,
        field: label('time'),
        reason: `“${cellText(values.time)}”不是整点时间（YYYY-MM-DD HH:00，小时结束时刻）`,
      });
    const vals = {} as Record<HourlyPollutant, number | null>;
    for (const p of HOURLY_POLLUTANTS) {
      const c = concentrationOf(values[p]);
      if (c === 'bad')
        errors.push({ line, field: label(p), reason: `“${cellText(values[p])}”应为不小于0的数，缺测请留空` });
      else vals[p] = c;
    }
    if (errors.length > before) continue;
    const hourStart = (end as number) - HOUR;
    const k = `${code}\u0000${hourStart}`;
    const first = seen.get(k);
    if (first !== undefined) {
      errors.push({ line, field: label('time'), reason: `站点${code}在该小时的数据与第${first}行重复` });
      continue;
    }
    seen.set(k, line);
    rows.push({ code, hourStart, values: vals });
  }
  if (errors.length > 0) return { imported: 0, errors };
  await withTransaction(pool, (client) => upsertHourly(client, rows, `${input.format}:${input.fileName}`));
  const starts = rows.map((r) => r.hourStart);
  const span =
    rows.length > 0
      ? {
          fromMs: starts.reduce((a, b) => Math.min(a, b)),
          toMs: starts.reduce((a, b) => Math.max(a, b)) + HOUR,
        }
      : undefined;
  return { imported: rows.length, errors: [], ...(span ? { span } : {}) };
}

export interface StationDay {
  code: string;
  name: string;
  aqi: ObservedAqi;
}
export interface JurisdictionDay {
  date: string;
  /** The jurisdiction's value (the city: its national stations; a county: its stations). */
  value: ObservedAqi;
  stations: StationDay[];
}

/** The stations whose values make a jurisdiction's (the city: its national stations) and their hours in [start, end). */
async function loadSeries(
  pool: pg.Pool | pg.PoolClient,
  plan: ResponsePlan,
  jurisdiction: string,
  start: number,
  end: number,
) {
  const city = jurisdiction === plan.jurisdiction;
  const stations = (
    await pool.query<{ code: string; name: string }>(
      city
        ? `SELECT code, name FROM aq_stations WHERE kind = 'national' ORDER BY code`
        : 'SELECT code, name FROM aq_stations WHERE jurisdiction = $1 ORDER BY code',
      city ? [] : [jurisdiction],
    )
  ).rows;
  const hourly = await pool.query<
    { station_code: string; ms: string } & Record<HourlyPollutant, number | null>
  >(
    `SELECT station_code, (extract(epoch FROM hour_start) * 1000)::bigint::text AS ms, pm25, pm10, so2, no2, co, o3
     FROM aq_hourly WHERE station_code = ANY($1) AND hour_start >= to_timestamp($2 / 1000.0)
       AND hour_start < to_timestamp($3 / 1000.0)`,
    [stations.map((s) => s.code), start, end],
  );
  const series = new Map<string, Map<number, HourValues>>(stations.map((s) => [s.code, new Map()]));
  for (const row of hourly.rows) {
    const v: HourValues = {};
    for (const p of HOURLY_POLLUTANTS) v[p] = row[p];
    series.get(row.station_code)?.set(Number(row.ms), v);
  }
  return stations.map((s) => ({ ...s, series: series.get(s.code) as Map<number, HourValues> }));
}

/** The stations whose values make a jurisdiction's (the city: its national stations). */
async function stationsOf(pool: pg.Pool | pg.PoolClient, plan: ResponsePlan, jurisdiction: string) {
  const city = jurisdiction === plan.jurisdiction;
  return (
    await pool.query<{ code: string; name: string }>(
      city
        ? `SELECT code, name FROM aq_stations WHERE kind = 'national' ORDER BY code`
        : 'SELECT code, name FROM aq_stations WHERE jurisdiction = $1 ORDER BY code',
      city ? [] : [jurisdiction],
    )
  ).rows;
}

/** Daily AQI of a jurisdiction for each CST date from `from` to `to` (inclusive), from the stored station-days. */
export async function jurisdictionDailyAqi(
  pool: pg.Pool | pg.PoolClient,
  plan: ResponsePlan,
  jurisdiction: string,
  from: string,
  to: string,
): Promise<JurisdictionDay[]> {
  const start = cstDayStart(from);
  const end = cstDayStart(to) + 24 * HOUR;
  const stations = await stationsOf(pool, plan, jurisdiction);
  const stored = await storedStationDays(
    pool,
    stations.map((s) => s.code),
    from,
    to,
  );
  const days: JurisdictionDay[] = [];
  for (let t = start; t < end; t += 24 * HOUR) {
    const date = new Date(t + 8 * HOUR).toISOString().slice(0, 10);
    const empty = emptyStationDay(date);
    const perStation = stations.map((s) => ({ s, c: stored.get(s.code)?.get(date) ?? empty }));
    days.push({
      date,
      value: aqiOfConcentrations(cityConcentrations(perStation.map((x) => x.c)), date),
      stations: perStation.map(({ s, c }) => ({
        code: s.code,
        name: s.name,
        aqi: aqiOfConcentrations(c, date),
      })),
    });
  }
  return days;
}

/** The rolling 24-h AQI of a jurisdiction and its stations over the 24 hours ending at `hourEnd` (a whole hour). */
export async function jurisdictionRollingAqi(
  pool: pg.Pool | pg.PoolClient,
  plan: ResponsePlan,
  jurisdiction: string,
  hourEnd: number,
): Promise<{ value: ObservedAqi; stations: StationDay[] }> {
  const stations = await loadSeries(pool, plan, jurisdiction, hourEnd - 24 * HOUR, hourEnd);
  return {
    value: cityRollingAqi(
      stations.map((s) => s.series),
      hourEnd - HOUR,
    ),
    stations: stations.map((s) => ({
      code: s.code,
      name: s.name,
      aqi: stationRollingAqi(s.series, hourEnd - HOUR),
    })),
  };
}
