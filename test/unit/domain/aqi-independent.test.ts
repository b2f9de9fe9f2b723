/**
 * Our IAQI and daily AQI (src/domain/aqi.ts) against two independent implementations from PyPI, run
 * in the project's venv (scripts/setup.sh --test installs them) on generated concentrations:
 * - HJ 633-2026: aqi-hub 0.3.3 (caiyunapp), daily items PM2.5, PM10, NO2, CO (24-h), O3 8-h and O3
 *   1-h — the same continuous formula and rounding up (without the float noise of its math.ceil), so
 *   every IAQI must be equal. SO2 24-h is left out: aqi-hub's SO2_24H rows are HJ 633's 1-hour table
 *   (first row 0–150 instead of 0–50) — its error, found by this test; python-aqi and ours agree;
 * - HJ 633-2012: python-aqi 0.6.1 (ALGO_MEP) on whole µg/m³ of PM2.5, PM10, SO2, NO2, O3 8-h and 1-h.
 *   It writes the table as integer ranges (51–150 → 51–100 instead of 50–150 → 50–100) and rounds
 *   half to even where HJ 633 rounds up, so it agrees within 1 IAQI, which still catches any wrong
 *   breakpoint (a wrong row moves the index by far more). CO is left out: it truncates CO to whole mg/m³.
 * The AQI over the items is the maximum IAQI in both, so it is compared the same way.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AqiEdition, type ConcentrationKey, computeAqi } from '../../../src/domain/aqi.js';

const PYTHON = path.resolve('.tools/venv/bin/python');
const SCRIPT = path.resolve('test/independent/aqi_reference.py');

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Ranges inside both tables (above the top breakpoint the conventions differ, and HJ 633 says so). */
const RANGES: Record<string, [number, number]> = {
  pm25_24h: [0, 500],
  pm10_24h: [0, 600],
  so2_24h: [0, 2620],
  no2_24h: [0, 940],
  co_24h: [0, 60],
  o3_8h: [0, 800],
  o3_1h: [0, 1200],
};

interface Case {
  edition: AqiEdition;
  values: Partial<Record<ConcentrationKey, number>>;
}

function generated(edition: AqiEdition, n: number, seed: number, whole: boolean): Case[] {
  const rand = rng(seed);
  const keys = Object.keys(RANGES).filter((k) => edition === 'HJ633-2026' || k !== 'co_24h');
  return Array.from({ length: n }, () => {
    const values: Case['values'] = {};
    for (const k of keys) {
      const [lo, hi] = RANGES[k]!;
      // half the values near the low end, where most days are and the breakpoints are dense
      const r = rand() < 0.5 ? rand() * 0.3 : rand();
      const v = lo + r * (hi - lo);
      values[k as ConcentrationKey] =
        k === 'co_24h' ? Math.round(v * 10) / 10 : whole ? Math.round(v) : Math.round(v * 10) / 10;
    }
    return { edition, values };
  });
}

function reference(cases: Case[]): Array<Record<string, number | null>> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} missing: run scripts/setup.sh --test`);
  return JSON.parse(
    execFileSync(PYTHON, [SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 << 20 }),
  );
}

describe('IAQI and AQI against independent implementations', () => {
  it('HJ 633-2026: equal to aqi-hub on 3,000 generated days (SO2 24-h apart, see the header)', () => {
    const cases = generated('HJ633-2026', 3000, 2026, false);
    const ref = reference(cases);
    const diffs: string[] = [];
    cases.forEach((c, i) => {
      const ours = computeAqi(c.values, { edition: c.edition });
      for (const [k, v] of Object.entries(ref[i]!)) {
        if (ours.iaqi[k as ConcentrationKey] !== v)
          diffs.push(
            `${k}=${c.values[k as ConcentrationKey]}: ours ${ours.iaqi[k as ConcentrationKey]}, aqi-hub ${v}`,
          );
      }
      const { so2_24h: _, ...others } = c.values;
      const oursWithout = computeAqi(others, { edition: c.edition });
      const theirs = Math.max(...Object.values(ref[i]!).map((v) => v ?? 0));
      if (oursWithout.aqi !== theirs) diffs.push(`case ${i}: AQI ours ${oursWithout.aqi}, aqi-hub ${theirs}`);
    });
    expect(diffs.slice(0, 20)).toEqual([]);
    expect(ref.every((r) => Object.keys(r).length === 6)).toBe(true);
  });

  it('HJ 633-2012: within 1 IAQI of python-aqi (MEP) on 3,000 generated days, and equal on most', () => {
    const cases = generated('HJ633-2012', 3000, 2012, true);
    const ref = reference(cases);
    const far: string[] = [];
    let compared = 0;
    let equal = 0;
    cases.forEach((c, i) => {
      const ours = computeAqi(c.values, { edition: c.edition });
      for (const [k, v] of Object.entries(ref[i]!)) {
        const o = ours.iaqi[k as ConcentrationKey];
        compared++;
        if (o === v) equal++;
        else if (v === null || o === undefined || Math.abs(o - v) > 1)
          far.push(`${k}=${c.values[k as ConcentrationKey]}: ours ${o}, python-aqi ${v}`);
      }
      const theirs = Math.max(...Object.values(ref[i]!).map((v) => v ?? 0));
      if (ours.aqi === null || Math.abs(ours.aqi - theirs) > 1)
        far.push(`case ${i}: AQI ours ${ours.aqi}, python-aqi ${theirs}`);
    });
    expect(far.slice(0, 20)).toEqual([]);
    expect(compared).toBe(3000 * 6);
    expect(equal / compared).toBeGreaterThan(0.6);
  });
});
