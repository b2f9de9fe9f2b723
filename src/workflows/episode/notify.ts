/**
 * The episode's outgoing messages: a plan template to a list of recipients with the variables every
 * template may use, and the public warning (text and CAP 1.2) with its reference chain.
 */
import { type MessageVars, type WarningLevel, episodeVars, toCstIso } from '../../domain/index.js';
import { messaging } from './activities.js';
import { summaryDueMs } from './calendar.js';
import { type EpisodeRun, now, nowIso, spawn } from './run.js';

/** Variables every template may use (episodeVars); a template takes the ones it names. */
function commonVars(run: EpisodeRun): MessageVars {
  return episodeVars({
    plan: run.plan,
    episodeId: run.episodeId,
    jurisdiction: run.input.jurisdiction,
    level: run.state.level,
    forecast: run.forecast,
    effectiveMs: Math.max(now(), run.clock),
    summaryDueMs: run.schedule.liftedMs !== null ? summaryDueMs(run) : null,
  });
}

/** Sends the plan's `template` to each recipient; `step` keys the message for idempotency. */
export function notify(
  run: EpisodeRun,
  step: string,
  template: string,
  recipients: string[],
  vars: MessageVars,
): void {
  const all = { ...commonVars(run), ...vars };
  spawn(run, `notify ${step}`, () =>
    messaging().notify({
      episodeId: run.episodeId,
      step,
      planId: run.plan.id,
      planVersion: run.plan.version,
      template,
      recipients,
      vars: all,
      exercise: run.input.exercise,
    }),
  );
}

/** Publishes (Alert), updates or cancels the public warning; each refers to the one before. */
export function publishPublicWarning(
  run: EpisodeRun,
  kind: 'Alert' | 'Update' | 'Cancel',
  level: WarningLevel,
  effectMs: number,
): void {
  const { schedule } = run;
  schedule.counters.cap += 1;
  const identifier = `${run.episodeId}:cap:${schedule.counters.cap}`;
  const sent = nowIso(run);
  const references = schedule.capReference;
  schedule.capReference = kind === 'Cancel' ? null : { identifier, sent };
  const forecast = run.forecast;
  const maxAqi = forecast.reduce((m, d) => Math.max(m, d.aqi), 0);
  spawn(run, `public warning ${kind}`, () =>
    messaging().publishWarning({
      episodeId: run.episodeId,
      planId: run.plan.id,
      planVersion: run.plan.version,
      identifier,
      sent,
      msgType: kind,
      references,
      effective: toCstIso(effectMs),
      level,
      jurisdiction: run.input.jurisdiction,
      forecast,
      maxAqi,
      exercise: run.input.exercise,
    }),
  );
}
