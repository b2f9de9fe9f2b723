/**
 * Observed air quality in a running episode (#14.3): records what the observation feed signals, tells
 * the office when a day was observed worse than forecast (consult again), and proposes a lift to the
 * commander when the air observed and the forecast satisfy the plan's lift rule. The rules are in
 * src/domain/observation.ts; this module only carries them out.
 */
import { log } from '@temporalio/workflow';
import {
  type LatestObservation,
  type ObservedDay,
  cstDate,
  observedLift,
  worseThanForecast,
} from '../../domain/index.js';
import type { ObservationInput } from '../definitions.js';
import { propose } from './consultation.js';
import { notify } from './notify.js';
import { type EpisodeRun, emit, now, nowIso } from './run.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const aqiOk = (a: unknown): a is number | null =>
  a === null || (typeof a === 'number' && Number.isFinite(a) && a >= 0 && a <= 1000);

/** The well-formed days of a signal (a signal cannot be refused: anything else is logged and dropped). */
function wellFormed(input: ObservationInput): { days: ObservedDay[]; latest: LatestObservation | null } {
  const days = (Array.isArray(input?.days) ? input.days : []).filter(
    (d) =>
      d &&
      typeof d.date === 'string' &&
      DATE.test(d.date) &&
      aqiOk(d.aqi) &&
      typeof d.complete === 'boolean' &&
      Array.isArray(d.primaryPollutants),
  );
  if (days.length !== (input?.days?.length ?? 0)) log.warn('observation: malformed days dropped');
  const l = input?.latest;
  const latest =
    l && typeof l.hourEnd === 'string' && !Number.isNaN(Date.parse(l.hourEnd)) && aqiOk(l.aqi) ? l : null;
  return { days, latest };
}

const sameDay = (a: ObservedDay | undefined, b: ObservedDay): boolean =>
  !!a &&
  a.aqi === b.aqi &&
  a.complete === b.complete &&
  a.primaryPollutants.join(',') === b.primaryPollutants.join(',');

/** The first day of the process: response day 1, else the first day ever forecast. */
function processStart(run: EpisodeRun): string | null {
  const firstDay = run.schedule.origin?.firstDay;
  if (firstDay) return firstDay;
  const forecastDates = Object.keys(run.schedule.dayAqi ?? {}).sort();
  return forecastDates[0] ?? run.forecast[0]?.date ?? null;
}

/** Records a signal's new or corrected values and acts on them. Repeated values change nothing. */
export function observe(run: EpisodeRun, input: ObservationInput): void {
  const { state } = run;
  if (state.phase === 'closed' || state.liftedAt) return;
  const { days, latest } = wellFormed(input);
  const start = processStart(run);
  const today = cstDate(Math.max(now(), run.clock));
  // the process's days only, and a day counts complete only once it is over
  const known = state.observed ?? {};
  const changed = days
    .filter((d) => (!start || d.date >= start) && d.date <= today)
    .map((d) => (d.date === today ? { ...d, complete: false } : d))
    .filter((d) => !sameDay(known[d.date], d));
  const previous = state.latestObservation;
  const newer =
    latest &&
    (!previous ||
      Date.parse(latest.hourEnd) > Date.parse(previous.hourEnd) ||
      (latest.hourEnd === previous.hourEnd && latest.aqi !== previous.aqi))
      ? latest
      : null;
  if (changed.length === 0 && !newer) return;
  emit(run, { type: 'observation.recorded', at: nowIso(run), actor: 'system', days: changed, latest: newer });
  promptIfWorse(run, changed, start);
  proposeLiftIfDue(run, today);
}

function promptIfWorse(run: EpisodeRun, changed: ObservedDay[], start: string | null): void {
  const worse = worseThanForecast(run.plan, {
    level:
      run.state.pendingProposal?.level && run.state.pendingProposal.kind !== 'lift'
        ? run.state.pendingProposal.level
        : run.state.level,
    days: changed,
    forecastAt: run.schedule.dayAqi ?? {},
    observed: run.state.observed ?? {},
    firstDay: start,
    forecast: run.forecast,
    prompted: (run.state.worseThanForecast ?? []).map((w) => w.date),
  });
  for (const w of worse) {
    emit(run, { type: 'observation.worse', at: nowIso(run), actor: 'system', ...w });
    notify(run, `observation:${w.date}:worse`, 'observedWorseThanForecast', [run.plan.roles.office], {
      observedText: w.text,
    });
  }
}

function proposeLiftIfDue(run: EpisodeRun, today: string): void {
  const { state, schedule } = run;
  const consultation = state.lastConsultation?.consultationId ?? '';
  if (state.level === 'none' || state.pendingProposal || state.phase === 'lifting') return;
  if (schedule.observedLiftFor === consultation) return;
  const complete = Object.values(state.observed ?? {})
    .filter((d) => d.complete && d.aqi !== null)
    .sort((a, b) => a.date.localeCompare(b.date));
  const lift = observedLift(run.plan, {
    level: state.level,
    latest: state.latestObservation ?? null,
    lastDay: complete[complete.length - 1] ?? null,
    forecast: run.forecast,
    today,
  });
  if (!lift.propose) return;
  schedule.observedLiftFor = consultation;
  propose(run, 'lift', 'none', lift.reasons, {
    template: 'proposalOnObservation',
    vars: { observedText: lift.observedText, reasonText: lift.liftRule },
  });
}
