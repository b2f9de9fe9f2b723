/**
 * Observed (measured) air quality: daily and rolling 24-h AQI of stations and of a city from hourly
 * concentrations, with HJ 663's data-validity rules; the index itself is HJ 633 (`computeAqi`, the
 * edition in force on the day). Pure: no I/O, no clock.
 *
 * Hours: an hour is identified by its START (epoch ms, a whole CST hour); the CST day D holds the
 * hours starting D 00:00 … D 23:00. (The monitoring centre's files label the hour by its end; the
 * import converts.) A missing or null hourly value is invalid — never zero.
 *
 * Validity (HJ 663-2013 表1, the same as GB 3095-2012 表4):
 * - 24-h mean of PM2.5, PM10, SO2, NO2, CO: at least 20 valid hourly values in the day.
 * - O3 8-h moving average (the 8 hours ending at an hour): at least 6 valid hourly values.
 * - O3 daily maximum 8-h average: the largest of the 8-h averages ending 08:00 … 24:00 of the day
 *   (17 windows inside the day); valid with at least 14 valid windows, or with fewer when the
 *   largest exceeds the 8-h grade-II limit (160 µg/m³, GB 3095) — an exceedance is a fact anyway.
 * - O3 daily maximum 1-h value: CHOICE (no rule found in HJ 663 for the day's 1-h maximum): the same
 *   20-valid-hours rule as the 24-h means, so that a day of 3 hours never reports a 1-h maximum.
 * City (HJ 663 城市尺度): each item is the arithmetic mean of the valid values of its stations
 * (station daily values; the city's O3 figures are the mean of the stations' O3 figures).
 * Rounding (HJ 663 / GB/T 8170 四舍六入五成双): µg/m³ to an integer, CO (mg/m³) to one decimal,
 * before the IAQI.
 * The daily AQI is HJ 633's: SO2/NO2/PM10/CO/PM2.5 24-h, O3 1-h max, O3 8-h max. An item that is not
 * valid is absent from the index and listed in `missing` with its reason; the AQI of a day where
 * some item is missing is computed from the valid items and flagged `complete: false`; with no
 * valid item it is null with a reason.
 * Rolling 24-h AQI at an hour: the same items over the 24 hours ending with that hour (across
 * calendar days): 24-h means (≥ 20 valid hours), O3 max 1-h (≥ 20 valid hours), O3 max of the 8-h
 * averages ending in those 24 hours (≥ 14 valid windows of 17 ending in the last 17 hours, same
 * exceedance exception); edition of the CST date the hour ends in.
 */
import {
  type AqiEdition,
  type ConcentrationKey,
  type Pollutant,
  aqiEditionForDate,
  computeAqi,
} from './aqi.js';
import { DomainError, ErrorCode } from './errors.js';

export const HOURLY_POLLUTANTS = ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'] as const;
export type HourlyPollutant = (typeof HOURLY_POLLUTANTS)[number];
/** One hour of a station: µg/m³ (CO mg/m³); a missing or null value is invalid. */
export type HourValues = Partial<Record<HourlyPollutant, number | null>>;
/** Hour start (epoch ms) → values. */
export type HourlySeries = ReadonlyMap<number, HourValues>;

export const DAILY_ITEMS = [
  'pm25_24h',
  'pm10_24h',
  'so2_24h',
  'no2_24h',
  'co_24h',
  'o3_1h',
  'o3_8h',
] as const satisfies readonly ConcentrationKey[];
export type DailyItem = (typeof DAILY_ITEMS)[number];

/** HJ 663 thresholds (see header). */
export const MIN_VALID_HOURS_24H = 20;
export const MIN_VALID_HOURS_O3_8H = 6;
export const MIN_VALID_O3_8H_WINDOWS = 14;
/** GB 3095-2012 O3 8-h grade-II limit: a day's maximum above it is valid with fewer windows. */
export const O3_8H_GRADE2_LIMIT = 160;

const HOUR = 3_600_000;

export interface ItemValue {
  /** Rounded concentration; null when not valid. */
  value: number | null;
  /** Valid hours (24-h items, O3 1-h) or valid 8-h windows (O3 8-h), or valid stations (city). */
  basis: number;
  /** Why the value is null (Chinese, for people). */
  reason?: string;
}
export type DailyConcentrations = Record<DailyItem, ItemValue>;

export interface ObservedAqi {
  aqi: number | null;
  /** 优 … 严重污染; null with the AQI. */
  category: string | null;
  level: number | null;
  primary: Pollutant[];
  iaqi: Partial<Record<DailyItem, number>>;
  concentrations: DailyConcentrations;
  /** Items not valid, with the reason. */
  missing: Partial<Record<DailyItem, string>>;
  complete: boolean;
  /** Why the AQI is null. */
  reason: string | null;
  edition: AqiEdition;
}

const SOURCE_OF: Record<Exclude<DailyItem, 'o3_1h' | 'o3_8h'>, HourlyPollutant> = {
  pm25_24h: 'pm25',
  pm10_24h: 'pm10',
  so2_24h: 'so2',
  no2_24h: 'no2',
  co_24h: 'co',
};
const LABEL: Record<DailyItem, string> = {
  pm25_24h: 'PM2.5日均值',
  pm10_24h: 'PM10日均值',
  so2_24h: 'SO2日均值',
  no2_24h: 'NO2日均值',
  co_24h: 'CO日均值',
  o3_1h: 'O3日最大1小时值',
  o3_8h: 'O3日最大8小时滑动平均值',
};

/** GB/T 8170 round half to even at `decimals`. */
export function roundHalfEven(x: number, decimals = 0): number {
  const f = 10 ** decimals;
  const y = x * f;
  const r = Math.round(y);
  const isHalf = Math.abs(Math.abs(y - Math.trunc(y)) - 0.5) < 1e-9;
  const out = isHalf ? (Math.trunc(y) % 2 === 0 ? Math.trunc(y) : Math.trunc(y) + Math.sign(y)) : r;
  return out / f;
}
const roundItem = (item: DailyItem, v: number) => roundHalfEven(v, item === 'co_24h' ? 1 : 0);

/** Start (epoch ms) of CST day `date` ('YYYY-MM-DD'). */
export function cstDayStart(date: string): number {
  const ms = Date.parse(`${date}T00:00:00+08:00`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(ms)) {
    throw new DomainError(ErrorCode.VALIDATION, `invalid date "${date}" (expected YYYY-MM-DD)`);
  }
  return ms;
}

function validValue(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function valuesOf(series: HourlySeries, p: HourlyPollutant, firstHour: number, hours: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < hours; i++) {
    const v = series.get(firstHour + i * HOUR)?.[p];
    if (validValue(v)) out.push(v);
  }
  return out;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The O3 8-h average of the 8 hours ending with the hour starting at `lastHour`; null when < 6 valid. */
export function o3EightHourMean(series: HourlySeries, lastHour: number): number | null {
  const vs = valuesOf(series, 'o3', lastHour - 7 * HOUR, 8);
  return vs.length >= MIN_VALID_HOURS_O3_8H ? mean(vs) : null;
}

/** The items over the 24 hours starting at `firstHour`. */
function itemsOver24Hours(series: HourlySeries, firstHour: number): DailyConcentrations {
  const out = {} as DailyConcentrations;
  for (const [item, p] of Object.entries(SOURCE_OF) as Array<[keyof typeof SOURCE_OF, HourlyPollutant]>) {
    const vs = valuesOf(series, p, firstHour, 24);
    out[item] =
      vs.length >= MIN_VALID_HOURS_24H
        ? { value: roundItem(item, mean(vs)), basis: vs.length }
        : {
            value: null,
            basis: vs.length,
            reason: `有效小时数${vs.length}，不足${MIN_VALID_HOURS_24H}小时`,
          };
  }
  const o3 = valuesOf(series, 'o3', firstHour, 24);
  out.o3_1h =
    o3.length >= MIN_VALID_HOURS_24H
      ? { value: roundItem('o3_1h', Math.max(...o3)), basis: o3.length }
      : { value: null, basis: o3.length, reason: `有效小时数${o3.length}，不足${MIN_VALID_HOURS_24H}小时` };
  // the 17 windows ending with hours 7 … 23 of the span (08:00 … 24:00 of a day)
  const windows: number[] = [];
  for (let k = 7; k < 24; k++) {
    const m = o3EightHourMean(series, firstHour + k * HOUR);
    if (m !== null) windows.push(m);
  }
  const max = windows.length > 0 ? Math.max(...windows) : null;
  out.o3_8h =
    max !== null && (windows.length >= MIN_VALID_O3_8H_WINDOWS || max > O3_8H_GRADE2_LIMIT)
      ? { value: roundItem('o3_8h', max), basis: windows.length }
      : {
          value: null,
          basis: windows.length,
          reason: `有效8小时滑动平均值${windows.length}个，不足${MIN_VALID_O3_8H_WINDOWS}个`,
        };
  return out;
}

/** A station's daily items on CST day `date`. */
export function stationDailyConcentrations(series: HourlySeries, date: string): DailyConcentrations {
  return itemsOver24Hours(series, cstDayStart(date));
}

/** A city's items: per item, the mean of its stations' valid values; null (with reason) when none. */
export function cityConcentrations(stations: readonly DailyConcentrations[]): DailyConcentrations {
  const out = {} as DailyConcentrations;
  for (const item of DAILY_ITEMS) {
    const vs = stations.map((s) => s[item].value).filter((v): v is number => v !== null);
    out[item] =
      vs.length > 0
        ? { value: roundItem(item, mean(vs)), basis: vs.length }
        : {
            value: null,
            basis: 0,
            reason: stations.length === 0 ? '无监测站点' : `${stations.length}个站点均无有效值`,
          };
  }
  return out;
}

/** The AQI of daily (or rolling) items under the edition in force on `date`. */
export function aqiOfConcentrations(items: DailyConcentrations, date: string): ObservedAqi {
  const edition = aqiEditionForDate(date);
  const given: Partial<Record<ConcentrationKey, number>> = {};
  const missing: Partial<Record<DailyItem, string>> = {};
  for (const item of DAILY_ITEMS) {
    const v = items[item];
    if (v.value === null) missing[item] = `${LABEL[item]}缺失：${v.reason ?? '无数据'}`;
    else given[item] = v.value;
  }
  const r = computeAqi(given, { edition });
  const iaqi: Partial<Record<DailyItem, number>> = {};
  for (const item of DAILY_ITEMS) if (r.iaqi[item] !== undefined) iaqi[item] = r.iaqi[item] as number;
  return {
    aqi: r.aqi,
    category: r.category?.name ?? null,
    level: r.category?.level ?? null,
    primary: r.primary,
    iaqi,
    concentrations: items,
    missing,
    complete: Object.keys(missing).length === 0,
    reason: r.aqi === null ? '无任何有效污染物日值，无法计算AQI' : null,
    edition,
  };
}

/** A station's daily AQI on CST day `date`. */
export function stationDailyAqi(series: HourlySeries, date: string): ObservedAqi {
  return aqiOfConcentrations(stationDailyConcentrations(series, date), date);
}

/** A city's daily AQI from its stations' hourly series. */
export function cityDailyAqi(stations: readonly HourlySeries[], date: string): ObservedAqi {
  return aqiOfConcentrations(
    cityConcentrations(stations.map((s) => stationDailyConcentrations(s, date))),
    date,
  );
}

/** The CST date in which the hour starting at `lastHour` ends (its last moment belongs to that day). */
function dateOfHour(lastHour: number): string {
  if (lastHour % HOUR !== 0) throw new DomainError(ErrorCode.VALIDATION, 'lastHour must be a whole hour');
  return new Date(lastHour + HOUR - 1 + 8 * HOUR).toISOString().slice(0, 10);
}

/**
 * The rolling 24-h AQI of a station at the hour starting `lastHour` (the 24 hours ending when that
 * hour ends, across calendar days); the edition of the CST date in which that hour ends.
 */
export function stationRollingAqi(series: HourlySeries, lastHour: number): ObservedAqi {
  return aqiOfConcentrations(itemsOver24Hours(series, lastHour - 23 * HOUR), dateOfHour(lastHour));
}

/** The rolling 24-h AQI of a city (or county): per item, the mean of its stations' valid rolling values. */
export function cityRollingAqi(stations: readonly HourlySeries[], lastHour: number): ObservedAqi {
  const date = dateOfHour(lastHour);
  return aqiOfConcentrations(
    cityConcentrations(stations.map((s) => itemsOver24Hours(s, lastHour - 23 * HOUR))),
    date,
  );
}
