/**
 * The response itself: early response, issuing a warning, changing its level and lifting it — each an
 * event, the duties it brings, and the messages to the units and the public.
 */
import { patched } from '@temporalio/workflow';
import {
  type Actor,
  type RuleReason,
  type WarningLevel,
  cstDateTimeWords,
  cstDeadlineWords,
  forecastSummary,
  levelName,
  internalUnits,
  responseFor,
  responseName,
} from '../../domain/index.js';
import { requestAcknowledgement } from './acknowledgements.js';
import { ensureOrigin, summaryDueMs } from './calendar.js';
import {
  assignDays,
  assignStandingDuties,
  beginSummaries,
  rememberWarningDate,
  retierDuties,
} from './duties.js';
import { notify, publishPublicWarning } from './notify.js';
import { tellPartners } from './partners.js';
import { type EpisodeRun, emit, now, nowIso } from './run.js';

/** Runs started before this patch told no related department or partner of the warning. */
const partnersToldRule = (): boolean => patched('partners-told-of-the-warning');

export function startEarlyResponse(run: EpisodeRun, reasons: RuleReason[]): void {
  ensureOrigin(run);
  run.earlyStartedAt ??= nowIso(run);
  emit(run, {
    type: 'early-response.started',
    at: nowIso(run),
    actor: 'system',
    firstDay: run.schedule.origin!.firstDay,
    reasons,
  });
  assignStandingDuties(run, 'early');
  assignDays(run);
  notify(run, 'early-response', 'earlyResponseStarted', internalUnits(run.plan), {});
}

export function issueWarning(run: EpisodeRun, level: WarningLevel, actor: Actor, effectMs = now()): void {
  const { schedule, plan } = run;
  ensureOrigin(run, effectMs);
  schedule.counters.warning += 1;
  emit(run, {
    type: 'warning.issued',
    at: nowIso(run),
    actor,
    warningId: `${run.episodeId}:W${schedule.counters.warning}`,
    level,
    response: responseFor(plan, level)!,
    firstDay: schedule.origin!.firstDay,
  });
  rememberWarningDate(run);
  assignStandingDuties(run, level);
  assignDays(run);
  const issuedKey = `warning-issued:${schedule.counters.warning}`;
  notify(run, issuedKey, 'warningIssued', internalUnits(plan), {
    response: responseFor(plan, level)!,
    forecastSummary: forecastSummary(run.forecast),
    effectiveAt: cstDateTimeWords(effectMs),
  });
  requestAcknowledgement(run, issuedKey, 'issued', level);
  publishPublicWarning(run, 'Alert', level, effectMs);
  if (partnersToldRule()) tellPartners(run, 'issued', level, effectMs);
}

export function changeWarning(run: EpisodeRun, level: WarningLevel, actor: Actor, effectMs = now()): void {
  const { plan } = run;
  const previousLevel = run.state.level as WarningLevel;
  emit(run, {
    type: 'warning.changed',
    at: nowIso(run),
    actor,
    level,
    response: responseFor(plan, level)!,
    previousLevel,
  });
  rememberWarningDate(run);
  assignStandingDuties(run, level);
  retierDuties(run, previousLevel, level);
  const changedKey = `warning-changed:${run.state.eventCount}`;
  notify(run, changedKey, 'warningChanged', internalUnits(plan), {
    previousLevelName: levelName(plan, previousLevel),
    response: responseFor(plan, level)!,
    effectiveAt: cstDateTimeWords(effectMs),
  });
  requestAcknowledgement(run, changedKey, 'changed', level);
  publishPublicWarning(run, 'Update', level, effectMs);
  if (partnersToldRule()) tellPartners(run, 'changed', level, effectMs);
}

export function liftWarning(run: EpisodeRun, actor: Actor, effectMs = now()): void {
  const { plan } = run;
  const level = run.state.level as WarningLevel;
  emit(run, { type: 'warning.lifted', at: nowIso(run), actor, level, response: responseFor(plan, level)! });
  // the level is 'none' once lifted and the summaries begin below: name the lifted response and the
  // summaries' deadline here (the lift's texts printed "终止。请各报送单位于前报送" before)
  notify(run, 'warning-lifted', 'warningLifted', internalUnits(plan), {
    levelName: levelName(plan, level),
    responseName: responseName(plan, level),
    summaryDueAt: cstDeadlineWords(summaryDueMs(run, now())),
    effectiveAt: cstDateTimeWords(effectMs),
  });
  requestAcknowledgement(run, 'warning-lifted', 'lifted', level);
  publishPublicWarning(run, 'Cancel', level, effectMs);
  if (partnersToldRule()) tellPartners(run, 'lifted', level, effectMs);
  beginSummaries(run);
}

/** Issues the warning at `level`, or changes the one in force to it. */
export function orderLevel(run: EpisodeRun, level: WarningLevel, actor: Actor, effectMs = now()): void {
  if (run.state.level === 'none') issueWarning(run, level, actor, effectMs);
  else changeWarning(run, level, actor, effectMs);
}
