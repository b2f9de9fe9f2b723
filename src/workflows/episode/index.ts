/**
 * The episode workflow: one heavy-pollution episode from the first consultation to the work summary.
 * Start-up, the main loop and continue-as-new; the rules are carried out by the modules beside it.
 *
 * One main loop sleeps until the next deadline of the plan's calendar (see due.ts) or until a message
 * arrives, then does what is due and projects the new events. History stays bounded by
 * continue-as-new after all handlers finish. Deterministic: no I/O, no zod; time is the workflow clock.
 */
import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { EpisodeView, StartEpisodeInput } from '../definitions.js';
import { compactState } from './carried.js';
import { consult } from './consultation.js';
import { nextDueAt, runDue } from './due.js';
import { installHandlers } from './handlers.js';
import { project } from './projection.js';
import { type EpisodeRun, createRun, emit, now, nowIso } from './run.js';
import { keepSearchAttributesCurrent } from './search-attributes.js';
import { actorOf, validateForecast } from './validators.js';
import { view } from './view.js';

/** Continue as new well before Temporal's own suggestion (history stays small and replays fast). */
const HISTORY_EVENTS_BEFORE_CONTINUE = 4_000;

export async function episodeWorkflow(input: StartEpisodeInput): Promise<EpisodeView> {
  const run = createRun(input);
  installHandlers(run);

  if (!run.continued) {
    emit(run, {
      type: 'episode.started',
      at: nowIso(run),
      actor: actorOf(input.initiator),
      episodeId: input.episodeId,
      jurisdiction: input.jurisdiction,
      planId: run.plan.id,
      planVersion: run.plan.version,
      exercise: input.exercise,
      initiator: input.initiator.id,
      origin: input.origin,
    });
    validateForecast(input.forecast);
    consult(run, {
      actor: input.initiator,
      forecast: input.forecast,
      ...(input.directedLevel ? { directedLevel: input.directedLevel } : {}),
    });
  }

  // The loop's deadlines are driven by its own timers only: a deadline is done when the timer set for
  // it fires (or a later one), never by the activation's clock — the first task a new worker runs
  // after a crash can carry the timestamp of an earlier task, while a replay sees the right one.
  while (!closed(run)) {
    // Reset before the awaits below: a message handled while they run sets `wake` again, and the loop
    // then goes round at once instead of sleeping on it.
    run.wake = false;
    await runDue(run, run.clock);
    await project(run);
    keepSearchAttributesCurrent(run);
    if (closed(run)) break;
    const info = workflowInfo();
    if (
      info.historyLength > (input.continueAsNewAfterEvents ?? HISTORY_EVENTS_BEFORE_CONTINUE) ||
      info.continueAsNewSuggested
    ) {
      await quiesce(run);
      run.state = compactState(run.state, run.schedule.settledThrough);
      const { state, seq, schedule, recent, forecast, earlyStartedAt } = run;
      const next: StartEpisodeInput = {
        ...input,
        forecast,
        carried: { state, seq, schedule, recent, forecast, earlyStartedAt },
      };
      return continueAsNew<typeof episodeWorkflow>(next);
    }
    if (run.wake) continue;
    const dueAt = nextDueAt(run);
    if (dueAt === null) await condition(() => run.wake);
    else {
      // never at or before the clock: the loop always moves on (a past deadline gets a 1 ms timer)
      const target = Math.max(dueAt, run.clock + 1);
      const woken = await condition(() => run.wake, Math.max(1, target - now()));
      if (!woken) run.clock = target;
    }
  }
  await quiesce(run);
  return view(run);
}

const closed = (run: EpisodeRun): boolean => run.state.phase === 'closed';

/** Waits until no handler runs, no side effect is in flight and every event is projected. */
async function quiesce(run: EpisodeRun): Promise<void> {
  do {
    await condition(allHandlersFinished);
    await Promise.all([...run.inflight]);
    await project(run);
  } while (run.inflight.size > 0 || run.unprojected.length > 0);
}
