import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AQI_EDITION_DATA,
  aqiCategory,
  aqiEditionForDate,
  CONCENTRATION_KEYS,
  type ConcentrationKey,
  computeAqi,
  DomainError,
  ErrorCode,
  IAQI_NODES,
  rawIaqi,
} from '../../../src/domain/index.js';

/** HJ 633-2012 表1, written out independently of src (one row per key, IAQI 0…500). */
const HJ633_2012: Record<ConcentrationKey, number[]> = {
  so2_24h: [0, 50, 150, 475, 800, 1600, 2100, 2620],
  so2_1h: [0, 150, 500, 650, 800],
  no2_24h: [0, 40, 80, 180, 280, 565, 750, 940],
  no2_1h: [0, 100, 200, 700, 1200, 2340, 3090, 3840],
  pm10_24h: [0, 50, 150, 250, 350, 420, 500, 600],
  co_24h: [0, 2, 4, 14, 24, 36, 48, 60],
  co_1h: [0, 5, 10, 35, 60, 90, 120, 150],
  o3_1h: [0, 160, 200, 300, 400, 800, 1000, 1200],
  o3_8h: [0, 100, 160, 215, 265, 800],
  pm25_24h: [0, 35, 75, 115, 150, 250, 350, 500],
};
const NODES = [0, 50, 100, 150, 200, 300, 400, 500];
const iaqiOf = (key: ConcentrationKey, value: number, edition: 'HJ633-2012' | 'HJ633-2026' = 'HJ633-2012') =>
  computeAqi({ [key]: value }, { edition }).iaqi[key];

describe('HJ 633-2012 breakpoints', () => {
  const atBreakpoints = CONCENTRATION_KEYS.flatMap((key) =>
    HJ633_2012[key].map((c, i) => [key, c, NODES[i] as number] as const),
  );
  it.each(atBreakpoints)('%s = %d → IAQI %d', (key, c, expected) => {
    expect(iaqiOf(key, c)).toBe(expected);
  });

  const midpoints = CONCENTRATION_KEYS.flatMap((key) =>
    HJ633_2012[key].slice(1).map((hi, i) => {
      const lo = HJ633_2012[key][i] as number;
      const iLo = NODES[i] as number;
      const iHi = NODES[i + 1] as number;
      return [key, (lo + hi) / 2, Math.ceil((iLo + iHi) / 2)] as const;
    }),
  );
  it.each(midpoints)('%s = %d (segment midpoint) → IAQI %d', (key, c, expected) => {
    expect(iaqiOf(key, c)).toBe(expected);
  });

  it.each([
    // hand-computed: IAQI = (IH − IL)/(BPH − BPL)·(C − BPL) + IL, rounded up
    ['pm25_24h', 55, 75], // 50 + 20/40·50 = 75
    ['pm25_24h', 100, 132], // 100 + 25/40·50 = 131.25
    ['pm25_24h', 76, 102], // 100 + 1/40·50 = 101.25
    ['pm10_24h', 200, 125], // 100 + 50/100·50
    ['so2_24h', 300, 124], // 100 + 150/325·50 = 123.08
    ['no2_1h', 350, 115], // 100 + 150/500·50
    ['co_24h', 3, 75],
    ['o3_8h', 180, 119], // 100 + 20/55·50 = 118.18
    ['o3_1h', 250, 125],
    ['pm25_24h', 35.1, 51], // 50.0625 → 51 (rounded up, not to nearest)
  ] as const)('%s = %d → IAQI %d', (key, c, expected) => {
    expect(iaqiOf(key, c)).toBe(expected);
  });

  it('keeps the source table and this test in step', () => {
    expect(AQI_EDITION_DATA['HJ633-2012'].breakpoints).toEqual(HJ633_2012);
    expect(IAQI_NODES).toEqual(NODES);
  });
});

describe('HJ 633-2026', () => {
  it('differs from 2012 exactly at the PM2.5 and PM10 IAQI-100 breakpoints', () => {
    const old = AQI_EDITION_DATA['HJ633-2012'].breakpoints;
    const neu = AQI_EDITION_DATA['HJ633-2026'].breakpoints;
    const differences: string[] = [];
    for (const key of CONCENTRATION_KEYS) {
      const a = old[key];
      const b = neu[key];
      expect(b.length).toBe(a.length);
      a.forEach((v, i) => {
        if (b[i] !== v) differences.push(`${key}[${NODES[i]}]: ${v} → ${b[i]}`);
      });
    }
    expect(differences).toEqual(['pm10_24h[100]: 150 → 120', 'pm25_24h[100]: 75 → 60']);
  });

  it.each([
    ['pm25_24h', 60, 100],
    ['pm25_24h', 75, 114], // 100 + 15/55·50 = 113.6
    ['pm25_24h', 47.5, 75],
    ['pm25_24h', 35, 50],
    ['pm25_24h', 115, 150],
    ['pm10_24h', 120, 100],
    ['pm10_24h', 150, 112], // 100 + 30/130·50 = 111.5
    ['pm10_24h', 85, 75],
    ['pm10_24h', 250, 150],
  ] as const)('%s = %d → IAQI %d', (key, c, expected) => {
    expect(iaqiOf(key, c, 'HJ633-2026')).toBe(expected);
  });

  it('property: identical to 2012 for every unchanged pollutant and outside the changed PM segments', () => {
    const unchanged = CONCENTRATION_KEYS.filter(
      (k) => k !== 'pm25_24h' && k !== 'pm10_24h' && k !== 'so2_1h' && k !== 'o3_8h',
    );
    fc.assert(
      fc.property(fc.constantFrom(...unchanged), fc.double({ min: 0, max: 5000, noNaN: true }), (key, c) => {
        expect(iaqiOf(key, c, 'HJ633-2026')).toBe(iaqiOf(key, c, 'HJ633-2012'));
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: 0, max: 800, noNaN: true }), (c) => {
        expect(iaqiOf('so2_1h', c, 'HJ633-2026')).toBe(iaqiOf('so2_1h', c, 'HJ633-2012'));
        expect(iaqiOf('o3_8h', c, 'HJ633-2026')).toBe(iaqiOf('o3_8h', c, 'HJ633-2012'));
      }),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: 0, max: 35, noNaN: true }),
          fc.double({ min: 115, max: 1000, noNaN: true }),
        ),
        (c) => {
          expect(iaqiOf('pm25_24h', c, 'HJ633-2026')).toBe(iaqiOf('pm25_24h', c, 'HJ633-2012'));
        },
      ),
    );
    fc.assert(
      fc.property(fc.double({ min: 36, max: 114, noNaN: true }), (c) => {
        const [newer, older] = [iaqiOf('pm25_24h', c, 'HJ633-2026'), iaqiOf('pm25_24h', c, 'HJ633-2012')];
        expect(newer).toBeGreaterThanOrEqual(older as number);
        expect(rawIaqi('pm25_24h', c, 'HJ633-2026')).toBeGreaterThan(
          rawIaqi('pm25_24h', c, 'HJ633-2012') as number,
        );
      }),
    );
  });

  it('chooses the edition by date, 2026-03-01 onwards', () => {
    expect(aqiEditionForDate('2026-02-28')).toBe('HJ633-2012');
    expect(aqiEditionForDate('2026-03-01')).toBe('HJ633-2026');
    expect(computeAqi({ pm25_24h: 75 }, { date: '2026-02-28' })).toMatchObject({
      aqi: 100,
      edition: 'HJ633-2012',
    });
    expect(computeAqi({ pm25_24h: 75 }, { date: '2026-03-01' })).toMatchObject({
      aqi: 114,
      edition: 'HJ633-2026',
    });
    expect(computeAqi({ pm25_24h: 75 }, { date: '2026-03-01', edition: 'HJ633-2012' }).aqi).toBe(100);
    expect(computeAqi({ pm25_24h: 75 }).edition).toBe('HJ633-2026');
  });
});

describe('out-of-table values', () => {
  it('2012: SO2 1-h above 800 is not indexed; the 24-h sub-index reports SO2', () => {
    const r = computeAqi({ so2_1h: 900, so2_24h: 100 }, { edition: 'HJ633-2012' });
    expect(r.iaqi).toEqual({ so2_24h: 75 });
    expect(r.notComputed).toEqual(['so2_1h']);
    expect(r.aqi).toBe(75);
    expect(r.primary).toEqual(['SO2']);
    expect(computeAqi({ so2_1h: 800 }, { edition: 'HJ633-2012' }).aqi).toBe(200);
  });

  it('2012: O3 8-h above 800 is not indexed; the 1-h sub-index reports O3', () => {
    const r = computeAqi({ o3_8h: 900, o3_1h: 500 }, { edition: 'HJ633-2012' });
    expect(r.iaqi).toEqual({ o3_1h: 225 });
    expect(r.aqi).toBe(225);
    expect(r.notComputed).toEqual(['o3_8h']);
  });

  it('2026: SO2 1-h above 800 counts 200, O3 8-h above 800 counts 300', () => {
    expect(computeAqi({ so2_1h: 801 }, { edition: 'HJ633-2026' }).iaqi.so2_1h).toBe(200);
    expect(computeAqi({ so2_1h: 5000 }, { edition: 'HJ633-2026' }).aqi).toBe(200);
    expect(computeAqi({ o3_8h: 801, o3_1h: 500 }, { edition: 'HJ633-2026' })).toMatchObject({
      aqi: 300,
      iaqi: { o3_8h: 300, o3_1h: 225 },
      primary: ['O3'],
    });
  });

  it('caps other values above the top breakpoint at 500', () => {
    const r = computeAqi({ pm25_24h: 650, pm10_24h: 100 }, { edition: 'HJ633-2012' });
    expect(r.aqi).toBe(500);
    expect(r.capped).toEqual(['pm25_24h']);
    expect(r.category?.level).toBe(6);
  });
});

describe('AQI, primary pollutant, category', () => {
  it('takes the maximum IAQI and names every pollutant that reaches it', () => {
    const r = computeAqi(
      { pm25_24h: 60, pm10_24h: 120, no2_24h: 40, so2_24h: 10, co_24h: 0.5, o3_8h: 60 },
      { edition: 'HJ633-2026' },
    );
    expect(r.aqi).toBe(100);
    expect([...r.primary].sort()).toEqual(['PM10', 'PM2.5']);
    expect(r.iaqi).toMatchObject({ pm25_24h: 100, pm10_24h: 100, no2_24h: 50, so2_24h: 10 });
    expect(r.category).toMatchObject({ level: 2, name: '良', color: '黄色', hex: '#FFFF00' });
  });

  it('has no primary pollutant when AQI ≤ 50', () => {
    expect(computeAqi({ pm25_24h: 35, no2_24h: 40 }).primary).toEqual([]);
    expect(computeAqi({ pm25_24h: 35.01 }).primary).toEqual(['PM2.5']);
  });

  it('lists O3 once when both its averaging periods reach the AQI', () => {
    expect(computeAqi({ o3_1h: 200, o3_8h: 160 }).primary).toEqual(['O3']);
  });

  it.each([
    [0, 1, '优', '绿色', '#00E400'],
    [50, 1, '优', '绿色', '#00E400'],
    [51, 2, '良', '黄色', '#FFFF00'],
    [100, 2, '良', '黄色', '#FFFF00'],
    [101, 3, '轻度污染', '橙色', '#FF7E00'],
    [150, 3, '轻度污染', '橙色', '#FF7E00'],
    [151, 4, '中度污染', '红色', '#FF0000'],
    [200, 4, '中度污染', '红色', '#FF0000'],
    [201, 5, '重度污染', '紫色', '#99004C'],
    [300, 5, '重度污染', '紫色', '#99004C'],
    [301, 6, '严重污染', '褐红色', '#7E0023'],
    [500, 6, '严重污染', '褐红色', '#7E0023'],
  ] as const)('AQI %d → level %d %s (%s %s)', (aqi, level, name, color, hex) => {
    expect(aqiCategory(aqi)).toMatchObject({ level, name, color, hex });
  });

  it('carries the health effects and advice of the standard', () => {
    expect(aqiCategory(250).healthEffects).toBe(
      '心脏病和肺病患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状',
    );
    expect(aqiCategory(250).advice).toBe(
      '儿童、老年人和心脏病、肺病患者应停留在室内，停止户外运动，一般人群减少户外运动',
    );
    expect(aqiCategory(20).advice).toBe('各类人群可正常活动');
  });

  it('returns no AQI for no input', () => {
    expect(computeAqi({})).toMatchObject({ aqi: null, primary: [], category: null });
  });

  it.each([
    [{ pm25_24h: -1 }],
    [{ pm25_24h: Number.NaN }],
    [{ o3_8h: Number.POSITIVE_INFINITY }],
    [{ pm2_5: 10 } as unknown as Record<string, number>],
  ])('rejects %j', (input) => {
    try {
      computeAqi(input);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe(ErrorCode.VALIDATION);
    }
  });

  it('property: AQI is the max of the IAQIs and never decreases with a concentration', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CONCENTRATION_KEYS),
        fc.double({ min: 0, max: 3000, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.constantFrom('HJ633-2012' as const, 'HJ633-2026' as const),
        (key, c, delta, edition) => {
          const a = computeAqi({ [key]: c, pm25_24h: 40 }, { edition }).aqi as number;
          const b = computeAqi({ [key]: c + delta, pm25_24h: 40 }, { edition }).aqi as number;
          // SO2 1-h above 800 is dropped in 2012 (not a monotone rule), everything else is monotone
          if (!(edition === 'HJ633-2012' && (key === 'so2_1h' || key === 'o3_8h')))
            expect(b).toBeGreaterThanOrEqual(a);
        },
      ),
    );
  });
});
