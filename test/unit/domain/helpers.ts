import type { ForecastDay, ResponsePlan } from '../../../src/domain/index.js';
import { nextDate } from '../../../src/domain/index.js';

/** Consecutive forecast days starting at `start`. */
export function series(aqis: number[], start = '2026-11-28'): ForecastDay[] {
  return aqis.map((aqi, i) => ({ date: nextDate(start, i), aqi }));
}

/** A mutable deep copy of a (frozen) plan. */
export function clonePlan(plan: ResponsePlan): ResponsePlan {
  return structuredClone(plan) as ResponsePlan;
}
