/**
 * Air quality index per HJ 633 (环境空气质量指数（AQI）技术规定), two effective-dated editions.
 *
 * HJ 633-2012, 表1 (空气质量分指数及对应的污染物项目浓度限值) and 表2 (空气质量指数及相关信息).
 *   Breakpoints checked against several independent transcriptions of 表1 in public code (found via
 *   code search; they agree on every value and quote notes (1)-(3) on SO2 1-h / O3 8-h above 800);
 *   health effects and advice are the standard's 表2 wording as reproduced in several of them.
 *
 * HJ 633-2026 (published by MEE 2026-02-24 with GB 3095-2026, in force 2026-03-01; MEE page
 *   https://www.mee.gov.cn/ywgz/fgbz/bz/bzwb/jcffbz/202602/t20260225_1144441.shtml).
 *   What changed, and what is verified here:
 *   - PM2.5 24-h breakpoints: 0, 35, 60, 115, 150, 250, 350, 500 (IAQI-100 at 60 instead of 75).
 *   - PM10 24-h breakpoints: 0, 50, 120, 250, 350, 420, 500, 600 (IAQI-100 at 120 instead of 150).
 *     Sources: MEE press release quoted by news sites ("HJ 633—2026 更新了AQI中PM2.5和PM10的分级浓度限值");
 *     the aqi-hub library docs and caiyunapp/aqi-hub src/cn.rs ("良与轻度污染界限为 60 / 120");
 *     a 2026 implementation whose tests cite "正式文本表 3" (nodes 35→50, 60→100, 115→150 … and
 *     PM10 50→50, 120→100, 250→150); a Matter air-quality README citing 表1/表3 (优 0–35/0–50,
 *     良 36–60/51–120, 轻度 61–115/121–250, 中度 116–150/251–350, 重度 151–250/351–420).
 *     Only the IAQI-100 node differs from 2012; every other PM node is the same in all sources.
 *   - Out-of-table rules: SO2 1-h > 800 µg/m³ → IAQI 200, and O3 8-h > 800 µg/m³ → IAQI 300
 *     (2012: not computed; report the SO2 24-h / O3 1-h sub-index instead). Sources: aqi-hub docs
 *     ("浓度超过 800 μg/m³ 时，IAQI 按 200/300 计（不再视为无效）") and the same "表 3" tests
 *     (SO2 1-h 801 → 200, O3 8-h 801 and 1200 → 300).
 *   - All other pollutants' breakpoints: unchanged (both sources use the 2012 values).
 *   UNVERIFIED: the 2026 edition's category wording (health effects / advice; the press release says
 *   it refines sensitive groups per pollutant) — not found in any accessible text, so the 2012
 *   wording is used for both editions. Category boundaries (50/100/150/200/300), names and colours
 *   are the same in both editions per the sources above.
 *
 * Rounding: each IAQI is rounded up to an integer (进位取整) and AQI = max IAQI, so AQI = ceil(max raw
 * IAQI). A tolerance of 1e-9 absorbs floating-point noise at exact breakpoints.
 * Above the top breakpoint (e.g. PM2.5 > 500): IAQI is capped at 500 and the key is listed in `capped`
 * (the standard defines no extrapolation; 500 is the top of the index).
 */
import { DomainError, ErrorCode } from './errors.js';

export type AqiEdition = 'HJ633-2012' | 'HJ633-2026';
export const AQI_EDITIONS: readonly AqiEdition[] = ['HJ633-2012', 'HJ633-2026'];
/** First day HJ 633-2026 applies. */
export const HJ633_2026_EFFECTIVE_DATE = '2026-03-01';

export const CONCENTRATION_KEYS = [
  'so2_24h',
  'so2_1h',
  'no2_24h',
  'no2_1h',
  'pm10_24h',
  'co_24h',
  'co_1h',
  'o3_1h',
  'o3_8h',
  'pm25_24h',
] as const;
export type ConcentrationKey = (typeof CONCENTRATION_KEYS)[number];
/** µg/m³ for all but CO (mg/m³). */
export type Concentrations = Partial<Record<ConcentrationKey, number>>;

export type Pollutant = 'SO2' | 'NO2' | 'PM10' | 'CO' | 'O3' | 'PM2.5';
export const POLLUTANT_OF: Readonly<Record<ConcentrationKey, Pollutant>> = {
  so2_24h: 'SO2',
  so2_1h: 'SO2',
  no2_24h: 'NO2',
  no2_1h: 'NO2',
  pm10_24h: 'PM10',
  co_24h: 'CO',
  co_1h: 'CO',
  o3_1h: 'O3',
  o3_8h: 'O3',
  pm25_24h: 'PM2.5',
};

/** IAQI values at the breakpoints (table columns). */
export const IAQI_NODES: readonly number[] = [0, 50, 100, 150, 200, 300, 400, 500];

type BreakpointTable = Readonly<Record<ConcentrationKey, readonly number[]>>;

/** HJ 633-2012 表1. A row shorter than IAQI_NODES ends where the standard's column ends. */
const HJ633_2012_BREAKPOINTS: BreakpointTable = {
  so2_24h: [0, 50, 150, 475, 800, 1600, 2100, 2620],
  so2_1h: [0, 150, 500, 650, 800], // note (2): above 800 see OUT_OF_TABLE
  no2_24h: [0, 40, 80, 180, 280, 565, 750, 940],
  no2_1h: [0, 100, 200, 700, 1200, 2340, 3090, 3840],
  pm10_24h: [0, 50, 150, 250, 350, 420, 500, 600],
  co_24h: [0, 2, 4, 14, 24, 36, 48, 60],
  co_1h: [0, 5, 10, 35, 60, 90, 120, 150],
  o3_1h: [0, 160, 200, 300, 400, 800, 1000, 1200],
  o3_8h: [0, 100, 160, 215, 265, 800], // note (3): above 800 see OUT_OF_TABLE
  pm25_24h: [0, 35, 75, 115, 150, 250, 350, 500],
};

/** HJ 633-2026: the 2012 table with the PM2.5 and PM10 IAQI-100 nodes changed (see header). */
const HJ633_2026_BREAKPOINTS: BreakpointTable = {
  ...HJ633_2012_BREAKPOINTS,
  pm10_24h: [0, 50, 120, 250, 350, 420, 500, 600],
  pm25_24h: [0, 35, 60, 115, 150, 250, 350, 500],
};

/**
 * What to do when SO2 1-h or O3 8-h exceeds its last breakpoint (800):
 * 'substitute' — the sub-index is not computed; the pollutant is reported by the other averaging
 *   period's sub-index (HJ 633-2012 notes 2 and 3); 'cap' — the sub-index is the given value (2026).
 */
export type OutOfTableRule =
  | { kind: 'substitute'; key: ConcentrationKey; above: number; useInstead: ConcentrationKey }
  | { kind: 'cap'; key: ConcentrationKey; above: number; iaqi: number };

export interface AqiCategory {
  level: 1 | 2 | 3 | 4 | 5 | 6;
  /** 优 / 良 / 轻度污染 / 中度污染 / 重度污染 / 严重污染 */
  name: string;
  /** 一级 … 六级 */
  levelName: string;
  /** 绿色 … 褐红色 */
  color: string;
  hex: string;
  /** Upper AQI bound of the category (Infinity for level 6). */
  maxAqi: number;
  healthEffects: string;
  advice: string;
}

/** HJ 633-2012 表2 and 附录A (RGB colours). */
const CATEGORIES_2012: readonly AqiCategory[] = [
  {
    level: 1,
    name: '优',
    levelName: '一级',
    color: '绿色',
    hex: '#00E400',
    maxAqi: 50,
    healthEffects: '空气质量令人满意，基本无空气污染',
    advice: '各类人群可正常活动',
  },
  {
    level: 2,
    name: '良',
    levelName: '二级',
    color: '黄色',
    hex: '#FFFF00',
    maxAqi: 100,
    healthEffects: '空气质量可接受，但某些污染物可能对极少数异常敏感人群健康有较弱影响',
    advice: '极少数异常敏感人群应减少户外活动',
  },
  {
    level: 3,
    name: '轻度污染',
    levelName: '三级',
    color: '橙色',
    hex: '#FF7E00',
    maxAqi: 150,
    healthEffects: '易感人群症状有轻度加剧，健康人群出现刺激症状',
    advice: '儿童、老年人及心脏病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼',
  },
  {
    level: 4,
    name: '中度污染',
    levelName: '四级',
    color: '红色',
    hex: '#FF0000',
    maxAqi: 200,
    healthEffects: '进一步加剧易感人群症状，可能对健康人群心脏、呼吸系统有影响',
    advice: '儿童、老年人及心脏病、呼吸系统疾病患者避免长时间、高强度的户外锻炼，一般人群适量减少户外运动',
  },
  {
    level: 5,
    name: '重度污染',
    levelName: '五级',
    color: '紫色',
    hex: '#99004C',
    maxAqi: 300,
    healthEffects: '心脏病和肺病患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状',
    advice: '儿童、老年人和心脏病、肺病患者应停留在室内，停止户外运动，一般人群减少户外运动',
  },
  {
    level: 6,
    name: '严重污染',
    levelName: '六级',
    color: '褐红色',
    hex: '#7E0023',
    maxAqi: Number.POSITIVE_INFINITY,
    healthEffects: '健康人群运动耐受力降低，有明显强烈症状，提前出现某些疾病',
    advice: '儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动',
  },
];

export interface AqiEditionData {
  id: AqiEdition;
  effectiveFrom: string;
  breakpoints: BreakpointTable;
  outOfTable: readonly OutOfTableRule[];
  categories: readonly AqiCategory[];
}

export const AQI_EDITION_DATA: Readonly<Record<AqiEdition, AqiEditionData>> = {
  'HJ633-2012': {
    id: 'HJ633-2012',
    effectiveFrom: '2016-01-01',
    breakpoints: HJ633_2012_BREAKPOINTS,
    outOfTable: [
      { kind: 'substitute', key: 'so2_1h', above: 800, useInstead: 'so2_24h' },
      { kind: 'substitute', key: 'o3_8h', above: 800, useInstead: 'o3_1h' },
    ],
    categories: CATEGORIES_2012,
  },
  'HJ633-2026': {
    id: 'HJ633-2026',
    effectiveFrom: HJ633_2026_EFFECTIVE_DATE,
    breakpoints: HJ633_2026_BREAKPOINTS,
    outOfTable: [
      { kind: 'cap', key: 'so2_1h', above: 800, iaqi: 200 },
      { kind: 'cap', key: 'o3_8h', above: 800, iaqi: 300 },
    ],
    // UNVERIFIED wording for 2026 (see header): same as 2012.
    categories: CATEGORIES_2012,
  },
};

/** The edition in force on a CST date ('YYYY-MM-DD'). */
export function aqiEditionForDate(date: string): AqiEdition {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new DomainError(ErrorCode.VALIDATION, `invalid date "${date}" (expected YYYY-MM-DD)`);
  }
  return date >= HJ633_2026_EFFECTIVE_DATE ? 'HJ633-2026' : 'HJ633-2012';
}

const EPSILON = 1e-9;
const ceilIndex = (raw: number): number => Math.max(0, Math.ceil(raw - EPSILON));

/**
 * Raw (unrounded) IAQI of one concentration by linear interpolation (HJ 633 式(1)); `null` when the
 * value lies beyond the key's last breakpoint (the caller applies the out-of-table rules).
 */
export function rawIaqi(
  key: ConcentrationKey,
  value: number,
  edition: AqiEdition = 'HJ633-2026',
): number | null {
  const bp = AQI_EDITION_DATA[edition].breakpoints[key];
  for (let i = 1; i < bp.length; i++) {
    const hi = bp[i] as number;
    if (value <= hi) {
      const lo = bp[i - 1] as number;
      const iLo = IAQI_NODES[i - 1] as number;
      const iHi = IAQI_NODES[i] as number;
      return ((iHi - iLo) / (hi - lo)) * (value - lo) + iLo;
    }
  }
  return null;
}

/** The category (level 1–6) of an AQI value. */
export function aqiCategory(aqi: number, edition: AqiEdition = 'HJ633-2026'): AqiCategory {
  if (!Number.isFinite(aqi) || aqi < 0) throw new DomainError(ErrorCode.VALIDATION, `invalid AQI ${aqi}`);
  const categories = AQI_EDITION_DATA[edition].categories;
  for (const c of categories) if (aqi <= c.maxAqi) return c;
  return categories[categories.length - 1] as AqiCategory;
}

export interface AqiResult {
  /** null when no concentration was given (or none could be indexed). */
  aqi: number | null;
  /** Integer IAQI per given key (keys not computed under the out-of-table rules are absent). */
  iaqi: Partial<Record<ConcentrationKey, number>>;
  /** Primary pollutants (only when AQI > 50): every pollutant whose IAQI equals the AQI. */
  primary: Pollutant[];
  category: AqiCategory | null;
  edition: AqiEdition;
  /** Keys whose value exceeded the table and whose IAQI was capped at 500. */
  capped: ConcentrationKey[];
  /** Keys dropped by an out-of-table rule (2012: SO2 1-h / O3 8-h above 800). */
  notComputed: ConcentrationKey[];
}

export interface AqiOptions {
  edition?: AqiEdition;
  /** 'YYYY-MM-DD' (CST): chooses the edition when `edition` is not given. */
  date?: string;
}

/**
 * AQI of a set of concentrations (any subset of keys). The edition is `options.edition`, else the
 * one in force on `options.date`, else the latest (HJ633-2026).
 * Negative, NaN or infinite values are rejected with VALIDATION; unknown keys too.
 */
export function computeAqi(concentrations: Concentrations, options: AqiOptions = {}): AqiResult {
  const edition: AqiEdition =
    options.edition ?? (options.date !== undefined ? aqiEditionForDate(options.date) : 'HJ633-2026');
  const data = AQI_EDITION_DATA[edition];
  if (!data) throw new DomainError(ErrorCode.VALIDATION, `unknown AQI edition "${String(edition)}"`);

  for (const key of Object.keys(concentrations)) {
    if (!(CONCENTRATION_KEYS as readonly string[]).includes(key)) {
      throw new DomainError(ErrorCode.VALIDATION, `unknown concentration key "${key}"`);
    }
    const value = concentrations[key as ConcentrationKey];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new DomainError(
        ErrorCode.VALIDATION,
        `concentration ${key} must be a finite number ≥ 0, got ${String(value)}`,
      );
    }
  }

  const iaqi: Partial<Record<ConcentrationKey, number>> = {};
  const capped: ConcentrationKey[] = [];
  const notComputed: ConcentrationKey[] = [];

  for (const key of CONCENTRATION_KEYS) {
    const value = concentrations[key];
    if (value === undefined) continue;
    const rule = data.outOfTable.find((r) => r.key === key && value > r.above);
    if (rule) {
      if (rule.kind === 'cap') iaqi[key] = rule.iaqi;
      else notComputed.push(key); // reported through `rule.useInstead`, when given
      continue;
    }
    const raw = rawIaqi(key, value, edition);
    if (raw === null) {
      iaqi[key] = IAQI_NODES[IAQI_NODES.length - 1] as number;
      capped.push(key);
    } else {
      iaqi[key] = ceilIndex(raw);
    }
  }

  let aqi: number | null = null;
  for (const key of CONCENTRATION_KEYS) {
    const v = iaqi[key];
    if (v !== undefined && (aqi === null || v > aqi)) aqi = v;
  }

  const primary: Pollutant[] = [];
  if (aqi !== null && aqi > 50) {
    for (const key of CONCENTRATION_KEYS) {
      const pollutant = POLLUTANT_OF[key];
      if (iaqi[key] === aqi && !primary.includes(pollutant)) primary.push(pollutant);
    }
  }

  return {
    aqi,
    iaqi,
    primary,
    category: aqi === null ? null : aqiCategory(aqi, edition),
    edition,
    capped,
    notComputed,
  };
}
