/**
 * The per-run object of an episode workflow: its input, plan, domain state, bookkeeping and clock,
 * and the three primitives every module uses — `emit` (append a domain event), `spawn` (start a side
 * effect without waiting on it) and `nowIso` (an event's time). Holds no module-level state.
 */
import { type ActivityFailure, log } from '@temporalio/workflow';
import {
  type EpisodeEvent,
  type EpisodeState,
  type ResponsePlan,
  applyEvent,
  getPlan,
  initialEpisodeState,
  toCstIso,
} from '../../domain/index.js';
import type { ForecastDay, Schedule, SequencedEvent, StartEpisodeInput } from '../definitions.js';
import { newSchedule } from './carried.js';

/** How many recent events travel with the view and across continue-as-new. */
const RECENT_EVENTS = 20;

export interface EpisodeRun {
  readonly input: StartEpisodeInput;
  readonly plan: ResponsePlan;
  readonly episodeId: string;
  /** True when this run continues an earlier one (continue-as-new). */
  readonly continued: boolean;
  state: EpisodeState;
  seq: number;
  readonly schedule: Schedule;
  readonly recent: SequencedEvent[];
  forecast: ForecastDay[];
  unprojected: SequencedEvent[];
  earlyStartedAt: string | null;
  /** Set by every event and finished side effect: the main loop goes round again. */
  wake: boolean;
  readonly inflight: Set<Promise<unknown>>;
  /** The instant up to which the main loop has done its deadlines (advanced by its fired timers). */
  clock: number;
  /** The phase last projected in full (see projection.ts). */
  projectedPhase: string | null;
  /** Real milliseconds one response day lasts in an exercise. */
  readonly exerciseDayMs: number;
}

export const now = (): number => Date.now();

export function createRun(input: StartEpisodeInput): EpisodeRun {
  // the pinned version's content travels in the input; older runs name a version of the registry
  const plan = input.planSnapshot ?? getPlan(input.planId, input.planVersion);
  const carried = input.carried;
  return {
    input,
    plan,
    episodeId: input.episodeId,
    continued: carried !== undefined,
    state: carried?.state ?? initialEpisodeState(),
    seq: carried?.seq ?? 0,
    schedule: carried?.schedule ?? newSchedule(),
    recent: carried?.recent ?? [],
    forecast: carried?.forecast ?? input.forecast,
    unprojected: [],
    earlyStartedAt: carried?.earlyStartedAt ?? null,
    wake: false,
    inflight: new Set(),
    clock: now(),
    projectedPhase: null,
    exerciseDayMs: input.exercise && input.exerciseDayMs ? input.exerciseDayMs : plan.exercise.dayMs,
  };
}

/**
 * An event's time: the activation's, but never before the deadline being done (a new worker's first
 * task can run with an earlier task's clock — see the main loop in index.ts).
 */
export function nowIso(run: EpisodeRun): string {
  return toCstIso(Math.max(now(), run.clock));
}

/** Applies a domain event to the state and queues it for the projection. */
export function emit(run: EpisodeRun, event: EpisodeEvent): void {
  run.state = applyEvent(run.state, event);
  run.seq += 1;
  const entry = { seq: run.seq, event };
  run.recent.push(entry);
  if (run.recent.length > RECENT_EVENTS) run.recent.splice(0, run.recent.length - RECENT_EVENTS);
  run.unprojected.push(entry);
  run.wake = true;
}

/** Starts a side effect without blocking the caller; its failure is logged, never fatal. */
export function spawn(run: EpisodeRun, what: string, work: () => Promise<unknown>): void {
  const p = work()
    .catch((err: ActivityFailure) => log.warn(`${what} failed`, { error: err.message }))
    .finally(() => {
      run.inflight.delete(p);
      run.wake = true;
    });
  run.inflight.add(p);
}

/** A response (warning or early response) is under way. */
export const responding = (run: EpisodeRun): boolean =>
  run.state.level !== 'none' || run.state.earlyResponseActive;
