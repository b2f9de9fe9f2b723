/** Observed daily and rolling AQI: breakpoints per edition, HJ 663 validity thresholds, ozone, missing data. */
import { describe, expect, it } from 'vitest';
import {
  type HourValues,
  cityDailyAqi,
  cityRollingAqi,
  cstDayStart,
  o3EightHourMean,
  roundHalfEven,
  stationDailyAqi,
  stationDailyConcentrations,
  stationRollingAqi,
} from '../../../src/domain/observed-aqi.js';

const HOUR = 3_600_000;
/** Clean background air: every IAQI ≤ 50 (PM2.5 20, PM10 40, SO2 10, NO2 30, CO 0.5, O3 60). */
const CLEAN: HourValues = { pm25: 20, pm10: 40, so2: 10, no2: 30, co: 0.5, o3: 60 };

/** A series of `hours` hours from CST `date` 00:00 (offset `fromHour`), values from `at(hourIndex)`. */
function series(
  date: string,
  at: (i: number) => HourValues | null,
  hours = 24,
  fromHour = 0,
): Map<number, HourValues> {
  const start = cstDayStart(date);
  const m = new Map<number, HourValues>();
  for (let i = fromHour; i < fromHour + hours; i++) {
    const v = at(i);
    if (v) m.set(start + i * HOUR, v);
  }
  return m;
}

describe('daily AQI of a station', () => {
  it('PM2.5 75 µg/m³ is IAQI 100 (良) under HJ 633-2012, and 60 is the 2026 edition’s 100', () => {
    const d2012 = stationDailyAqi(
      series('2026-01-15', () => ({ ...CLEAN, pm25: 75 })),
      '2026-01-15',
    );
    expect(d2012).toMatchObject({ aqi: 100, category: '良', primary: ['PM2.5'], edition: 'HJ633-2012' });
    expect(d2012.complete).toBe(true);
    // 75 on a 2026-edition day is above the new IAQI-100 node (60): (150-100)/(115-60)*(75-60)+100 = 113.6 → 114
    const d2026 = stationDailyAqi(
      series('2026-03-01', () => ({ ...CLEAN, pm25: 75 })),
      '2026-03-01',
    );
    expect(d2026).toMatchObject({
      aqi: 114,
      category: '轻度污染',
      primary: ['PM2.5'],
      edition: 'HJ633-2026',
    });
    const at60 = stationDailyAqi(
      series('2026-03-02', () => ({ ...CLEAN, pm25: 60 })),
      '2026-03-02',
    );
    expect(at60).toMatchObject({ aqi: 100, category: '良' });
  });

  it('the daily mean is rounded half to even before the index (PM2.5 mean 75.5 → 76, 74.5 → 74)', () => {
    expect(roundHalfEven(75.5)).toBe(76);
    expect(roundHalfEven(74.5)).toBe(74);
    expect(roundHalfEven(1.25, 1)).toBe(1.2);
    expect(roundHalfEven(1.35, 1)).toBe(1.4);
    // 12 hours of 75 and 12 of 76 → 75.5 → 76 → (150-100)/(115-75)*(76-75)+100 = 101.25 → 102 (2012)
    const d = stationDailyConcentrations(
      series('2026-01-10', (i) => ({ ...CLEAN, pm25: i < 12 ? 75 : 76 })),
      '2026-01-10',
    );
    expect(d.pm25_24h).toEqual({ value: 76, basis: 24 });
    expect(
      stationDailyAqi(
        series('2026-01-10', (i) => ({ ...CLEAN, pm25: i < 12 ? 75 : 76 })),
        '2026-01-10',
      ).aqi,
    ).toBe(102);
  });

  it('a 24-h mean needs 20 valid hours: 19 say so, 20 count; null or negative hours are invalid, never zero', () => {
    const with19 = series('2026-01-20', (i) => ({ ...CLEAN, pm25: i < 19 ? 200 : null }));
    const d19 = stationDailyAqi(with19, '2026-01-20');
    expect(d19.concentrations.pm25_24h).toEqual({
      value: null,
      basis: 19,
      reason: '有效小时数19，不足20小时',
    });
    expect(d19.missing.pm25_24h).toBe('PM2.5日均值缺失：有效小时数19，不足20小时');
    expect(d19.complete).toBe(false);
    // not treated as zero: the AQI is the other pollutants', not a diluted PM2.5
    expect(d19.iaqi.pm25_24h).toBeUndefined();
    expect(d19.aqi).toBeLessThanOrEqual(50);

    const with20 = series('2026-01-20', (i) => ({ ...CLEAN, pm25: i < 20 ? 200 : -1 }));
    const d20 = stationDailyAqi(with20, '2026-01-20');
    expect(d20.concentrations.pm25_24h).toEqual({ value: 200, basis: 20 });
    // (300-200)/(250-150)*(200-150)+200 = 250 → 重度污染
    expect(d20).toMatchObject({ aqi: 250, category: '重度污染', primary: ['PM2.5'] });
  });

  it('an O3 8-h average needs 6 valid hours of its 8: 5 give none, 6 give the mean of those 6', () => {
    const start = cstDayStart('2026-06-10');
    const five = series('2026-06-10', (i) => (i < 5 ? { o3: 100 } : null), 8);
    expect(o3EightHourMean(five, start + 7 * HOUR)).toBeNull();
    const six = series('2026-06-10', (i) => (i < 6 ? { o3: 100 + i } : null), 8);
    expect(o3EightHourMean(six, start + 7 * HOUR)).toBeCloseTo(102.5, 9);
  });

  it('an ozone day: the afternoon peak makes O3 8-h the primary pollutant (轻度污染)', () => {
    // O3 60 at night, 200 from 11:00 to 18:00 (8 hours): the window 11–18 averages 200
    const day = series('2026-06-15', (i) => ({ ...CLEAN, o3: i >= 11 && i <= 18 ? 200 : 60 }));
    const d = stationDailyAqi(day, '2026-06-15');
    expect(d.concentrations.o3_8h).toEqual({ value: 200, basis: 17 });
    expect(d.concentrations.o3_1h).toEqual({ value: 200, basis: 24 });
    // O3 8-h 200: (150-100)/(215-160)*(200-160)+100 = 136.4 → 137; O3 1-h 200 = 100
    expect(d).toMatchObject({ aqi: 137, category: '轻度污染', primary: ['O3'] });
    expect(d.iaqi).toMatchObject({ o3_8h: 137, o3_1h: 100 });
  });

  it('the O3 8-h maximum needs 14 valid windows, unless it exceeds 160', () => {
    // O3 only from hour 0 to 18 (19 hours): windows ending 7..23 valid while ≥ 6 of their 8 hours exist,
    // i.e. ending at hours 7..20 → 14 windows; from 0 to 17 → 13 windows
    const d14 = stationDailyConcentrations(
      series('2026-06-16', (i) => (i <= 18 ? { o3: 100 } : null)),
      '2026-06-16',
    );
    expect(d14.o3_8h).toEqual({ value: 100, basis: 14 });
    const d13 = stationDailyConcentrations(
      series('2026-06-16', (i) => (i <= 17 ? { o3: 100 } : null)),
      '2026-06-16',
    );
    expect(d13.o3_8h).toEqual({ value: null, basis: 13, reason: '有效8小时滑动平均值13个，不足14个' });
    const high = stationDailyConcentrations(
      series('2026-06-16', (i) => (i <= 17 ? { o3: 180 } : null)),
      '2026-06-16',
    );
    expect(high.o3_8h).toEqual({ value: 180, basis: 13 });
  });

  it('a missing day says so: no AQI, every item missing with its reason', () => {
    const d = stationDailyAqi(new Map(), '2026-12-01');
    expect(d.aqi).toBeNull();
    expect(d.category).toBeNull();
    expect(d.reason).toBe('无任何有效污染物日值，无法计算AQI');
    expect(Object.keys(d.missing)).toHaveLength(7);
    expect(d.missing.o3_8h).toBe('O3日最大8小时滑动平均值缺失：有效8小时滑动平均值0个，不足14个');
  });

  it('hours of the next CST day do not count for this day', () => {
    // 24 hours starting at 08:00: only 16 belong to the day
    const d = stationDailyConcentrations(
      series('2026-01-05', () => CLEAN, 24, 8),
      '2026-01-05',
    );
    expect(d.pm25_24h.value).toBeNull();
    expect(d.pm25_24h.basis).toBe(16);
  });
});

describe('city and rolling AQI', () => {
  it('the city value is the mean of its stations’ valid values; an invalid station is left out', () => {
    const a = series('2026-01-08', () => ({ ...CLEAN, pm25: 100 }));
    const b = series('2026-01-08', () => ({ ...CLEAN, pm25: 150 }));
    const broken = series('2026-01-08', (i) => ({ ...CLEAN, pm25: i < 10 ? 400 : null }));
    const city = cityDailyAqi([a, b, broken], '2026-01-08');
    expect(city.concentrations.pm25_24h).toEqual({ value: 125, basis: 2 });
    // PM2.5 125 (2012): (200-150)/(150-115)*(125-115)+150 = 164.3 → 165 中度污染
    expect(city).toMatchObject({ aqi: 165, category: '中度污染', primary: ['PM2.5'] });
    expect(cityDailyAqi([], '2026-01-08')).toMatchObject({
      aqi: null,
      reason: '无任何有效污染物日值，无法计算AQI',
    });
    expect(cityDailyAqi([], '2026-01-08').missing.pm25_24h).toBe('PM2.5日均值缺失：无监测站点');
  });

  it('the rolling 24-h AQI spans calendar days', () => {
    // day 1 clean, day 2 PM2.5 300 from 00:00: at day 2 11:00 (the hour 11–12) the last 24 hours are
    // 12 clean + 12 polluted → mean 160 → (300-200)/(250-150)*(160-150)+200 = 210
    const s = series('2026-01-01', (i) => (i < 24 ? CLEAN : { ...CLEAN, pm25: 300 }), 48);
    const last = cstDayStart('2026-01-02') + 11 * HOUR;
    const r = stationRollingAqi(s, last);
    expect(r.concentrations.pm25_24h).toEqual({ value: 160, basis: 24 });
    expect(r).toMatchObject({ aqi: 210, category: '重度污染', primary: ['PM2.5'], edition: 'HJ633-2012' });
    // the hour 23:00–24:00 of 2026-02-28 still belongs to 2026-02-28 (2012 edition); 00:00 of 03-01 to 2026
    const feb = series('2026-02-28', () => ({ ...CLEAN, pm25: 75 }), 48);
    expect(stationRollingAqi(feb, cstDayStart('2026-02-28') + 23 * HOUR)).toMatchObject({
      aqi: 100,
      edition: 'HJ633-2012',
    });
    expect(stationRollingAqi(feb, cstDayStart('2026-03-01'))).toMatchObject({
      aqi: 114,
      edition: 'HJ633-2026',
    });
    expect(() => stationRollingAqi(feb, cstDayStart('2026-03-01') + 1)).toThrow(/whole hour/);
  });

  it('the city’s rolling 24-h AQI is the mean of its stations’ rolling values; a station with 19 hours is left out', () => {
    const last = cstDayStart('2026-01-02') + 5 * HOUR; // the 24 hours ending 2026-01-02 06:00
    const a = series('2026-01-01', () => ({ ...CLEAN, pm25: 100 }), 48);
    const b = series('2026-01-01', () => ({ ...CLEAN, pm25: 200 }), 48);
    // c has data only from 2026-01-01 11:00: 19 of the 24 hours
    const c = series('2026-01-01', () => ({ ...CLEAN, pm25: 400 }), 19, 11);
    const r = cityRollingAqi([a, b, c], last);
    expect(r.concentrations.pm25_24h).toEqual({ value: 150, basis: 2 });
    // PM2.5 150 (2012): IAQI 200 中度污染
    expect(r).toMatchObject({ aqi: 200, category: '中度污染', primary: ['PM2.5'], edition: 'HJ633-2012' });
  });
});
