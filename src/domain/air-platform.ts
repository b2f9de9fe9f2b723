/**
 * The provincial platform pull's rules (#14.1b): which hours a scheduled pull takes, when a failing
 * platform is alerted to the office (the plan's `deadlines.airPlatformAlertMinutes`, interpreted here
 * only), and the variables of the `airPlatformDown` / `airPlatformRecovered` templates.
 */
import type { ResponsePlan } from './plan-types.js';
import { cstDateTimeWords } from './time-words.js';

const HOUR = 3_600_000;
/** Hours re-pulled by every scheduled pull, so late and corrected values are taken. */
export const PULL_HOURS = 6;

/** The `hours` whole hours ending at the last whole hour before `nowMs`: [fromMs, toMs). */
export function pullWindow(nowMs: number, hours = PULL_HOURS): { fromMs: number; toMs: number } {
  const toMs = Math.floor(nowMs / HOUR) * HOUR;
  return { fromMs: toMs - hours * HOUR, toMs };
}

export interface PullFailureState {
  failingSince: number;
  attempts: number;
  lastError: string;
  alertedAt: number | null;
}

/** True when the office is to be told now: failing past the plan's delay and not yet told this outage. */
export function platformAlertDue(plan: ResponsePlan, state: PullFailureState, nowMs: number): boolean {
  const minutes = plan.deadlines.airPlatformAlertMinutes;
  if (minutes === undefined || state.alertedAt !== null) return false;
  return nowMs - state.failingSince >= minutes * 60_000;
}

export function airPlatformDownVars(state: PullFailureState): Record<string, string | number> {
  return {
    since: cstDateTimeWords(state.failingSince),
    lastError: state.lastError.slice(0, 200),
    attempts: state.attempts,
  };
}

export function airPlatformRecoveredVars(input: {
  failingSince: number;
  recoveredAt: number;
  window: { fromMs: number; toMs: number };
}): Record<string, string | number> {
  return {
    since: cstDateTimeWords(input.failingSince),
    recoveredAt: cstDateTimeWords(input.recoveredAt),
    fromText: cstDateTimeWords(input.window.fromMs),
    toText: cstDateTimeWords(input.window.toMs),
  };
}
