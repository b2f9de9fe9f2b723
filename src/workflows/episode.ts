/**
 * The episode workflow: one heavy-pollution episode from the first consultation to the work summary.
 *
 * Shape: update handlers validate synchronously, append domain events and start their side effects
 * (notifications, documents) without waiting on them; one main loop sleeps until the next deadline
 * of the plan's calendar (daily reports at 17:00 CST and their escalation ladder, the office's daily
 * report, the commander's decision timeout, the unit summaries after the lift) or until a message
 * arrives, then does what is due. State is `applyEvent` over the domain events; the events are
 * projected to PostgreSQL in batches. History stays bounded by continue-as-new after all handlers
 * finish. Deterministic: no I/O, no zod; time is the workflow clock.
 */
import {
  ApplicationFailure,
  type ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DocumentRequest } from '../activities/documents.js';
import type { createActivities } from '../activities/index.js';
import {
  type Actor,
  DomainError,
  type EpisodeEvent,
  type EpisodeState,
  ErrorCode,
  type EscalationStep,
  LATE_UNIT_TARGET,
  LEVEL_RANK,
  type LevelOrNone,
  type ReportSlot,
  type ResponsePlan,
  type RuleReason,
  type WarningLevel,
  adviseTransition,
  applyEvent,
  assertConsecutiveForecast,
  atCst,
  classifyForecast,
  cstDate,
  dutiesFor,
  dutyIntensity,
  dutyUnits,
  earlyResponse,
  getPlan,
  initialEpisodeState,
  parseIso,
  reportingUnits,
  responseDayDate,
  responseFor,
  toCstIso,
} from '../domain/index.js';
import {
  type CarriedState,
  type ConsultationInput,
  type ConsultationResult,
  type DecisionInput,
  type EpisodeView,
  type ForecastDay,
  type Principal,
  type ReportInput,
  type ReportResult,
  type Schedule,
  type SequencedEvent,
  type StartEpisodeInput,
  type SummaryInput,
  closeEpisodeUpdate,
  consultUpdate,
  decideUpdate,
  episodeStateQuery,
  submitReportUpdate,
  submitSummaryUpdate,
} from './definitions.js';

type Activities = ReturnType<typeof createActivities>;

/**
 * Documents and the electricity accounting: seconds of work, retried for long. They heartbeat every
 * 2 s, so the attempt of a worker that died is retried elsewhere after 10 s — the main loop awaits
 * them and must not stall for the whole start-to-close timeout.
 */
const acts = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
/** Single-row writes to PostgreSQL: a lost worker's attempt is retried elsewhere after 10 s. */
const store = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
/**
 * Outgoing messages: retried with backoff for up to a day (a receiver may be down for hours). They
 * heartbeat, so a dead worker's attempt is retried after 15 s.
 */
const messaging = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '15 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: ['DELIVERY_REJECTED'],
  },
});

const MINUTE = 60_000;
const DAY = 86_400_000;
const RECENT_EVENTS = 20;
/** Continue as new well before Temporal's own suggestion (history stays small and replays fast). */
const HISTORY_EVENTS_BEFORE_CONTINUE = 4_000;
/** At most this many enforcement follow-ups are opened per assessed day (the rest are in the document). */
const MAX_FOLLOWUPS_PER_DAY = 50;
/** How far back the API's receipt time of a report is honoured (see validateReceipt). */
const MAX_RECEIPT_LAG_MS = 60 * 60_000;
/** How far the API's clock may run ahead of Temporal's. */
const MAX_RECEIPT_SKEW_MS = 2 * 60_000;

function fail(code: ErrorCode, message: string, details?: unknown): never {
  throw ApplicationFailure.create({
    type: code,
    message,
    nonRetryable: true,
    details: details ? [details] : [],
  });
}

function actorOf(p: Principal): Actor {
  return p.unit ? { id: p.id, role: p.role, unit: p.unit } : { id: p.id, role: p.role };
}

function newSchedule(): Schedule {
  return {
    counters: { consultation: 0, proposal: 0, notice: 0, warning: 0, cap: 0 },
    origin: null,
    assignedThrough: 0,
    dayReportsDone: [],
    settledThrough: 0,
    stepsTaken: {},
    warningDates: [],
    capReference: null,
    liftedMs: null,
    workSummaryDone: false,
  };
}

/**
 * The working window of the state that crosses continue-as-new: records of settled days (older than
 * the last settled one) and old notices stay in the PostgreSQL event log (`stateAt` folds them back
 * for auditors) but no longer travel with the workflow, so its payloads stay small however long the
 * episode lasts.
 */
function compactState(s: EpisodeState, settledThrough: number): EpisodeState {
  const keepDay = (day: ReportSlot | null) => typeof day !== 'number' || day >= settledThrough;
  const reports: EpisodeState['reports'] = {};
  for (const [day, byUnit] of Object.entries(s.reports))
    if (Number(day) >= settledThrough) reports[day] = byUnit;
  const electricity: EpisodeState['electricity'] = {};
  const days = Object.keys(s.electricity).sort();
  for (const [i, day] of days.entries()) {
    const entry = s.electricity[day]!;
    electricity[day] = i >= days.length - 2 ? entry : { ...entry, nonCompliantIds: [] };
  }
  return {
    ...s,
    duties: s.duties.filter(
      (d) => keepDay(d.responseDay) && !(d.dutyId.startsWith('2.6:') && d.status !== 'pending'),
    ),
    reports,
    notices: s.notices.slice(-50),
    openEscalations: s.openEscalations.filter((e) => keepDay(e.responseDay)),
    electricity,
  };
}

export async function episodeWorkflow(input: StartEpisodeInput): Promise<EpisodeView> {
  const plan: ResponsePlan = getPlan(input.planId, input.planVersion);
  const episodeId = input.episodeId;
  const carried: CarriedState | undefined = input.carried;
  let state: EpisodeState = carried?.state ?? initialEpisodeState();
  let seq = carried?.seq ?? 0;
  const schedule: Schedule = carried?.schedule ?? newSchedule();
  const recent: SequencedEvent[] = carried?.recent ?? [];
  let forecast: ForecastDay[] = carried?.forecast ?? input.forecast;
  let unprojected: SequencedEvent[] = [];
  let earlyStartedAt: string | null = carried?.earlyStartedAt ?? null;
  let wake = false;
  const inflight = new Set<Promise<unknown>>();

  const now = () => Date.now();
  /** The instant up to which the main loop has done its deadlines (advanced by its fired timers). */
  let clock = now();
  /**
   * An event's time: the activation's, but never before the deadline being done (a new worker's first
   * task can run with an earlier task's clock — see `clockFix` below).
   */
  const nowIso = () => toCstIso(Math.max(now(), clock));
  const exerciseDayMs = input.exercise && input.exerciseDayMs ? input.exerciseDayMs : plan.exercise.dayMs;
  /** A real duration on this episode's clock (compressed in an exercise). */
  const scaled = (realMs: number) => (input.exercise ? Math.round((realMs / DAY) * exerciseDayMs) : realMs);

  // --- events ---------------------------------------------------------------------------------
  function emit(event: EpisodeEvent): void {
    state = applyEvent(state, event);
    seq += 1;
    const entry = { seq, event };
    recent.push(entry);
    if (recent.length > RECENT_EVENTS) recent.splice(0, recent.length - RECENT_EVENTS);
    unprojected.push(entry);
    wake = true;
  }
  let projectedPhase: string | null = null;
  /**
   * Appends the new events to the audit log and moves the read model on. The full view travels only
   * when the phase changes (and at the close); otherwise a small summary is merged into it.
   */
  async function project(): Promise<void> {
    if (unprojected.length === 0) return;
    const batch = unprojected;
    unprojected = [];
    const full = projectedPhase !== state.phase;
    projectedPhase = state.phase;
    const v = view();
    const summary = {
      phase: v.phase,
      level: v.level,
      response: v.response,
      responseDay: v.responseDay,
      pendingProposal: v.pendingProposal,
      openEscalations: v.openEscalations,
      overdueCount: v.overdueCount,
      noticeCount: v.noticeCount,
      liftedAt: v.liftedAt,
      closedAt: v.closedAt,
      eventCount: v.eventCount,
    };
    await store.recordEvents({ episodeId, events: batch, summary, ...(full ? { view: v } : {}) });
  }
  /** Starts a side effect without blocking the caller; its failure is logged, never fatal. */
  function spawn(what: string, work: () => Promise<unknown>): void {
    const p = work()
      .catch((err: ActivityFailure) => log.warn(`${what} failed`, { error: err.message }))
      .finally(() => {
        inflight.delete(p);
        wake = true;
      });
    inflight.add(p);
  }

  // --- calendar -------------------------------------------------------------------------------
  /** Instant of `time` ('HH:mm') on response day k. */
  function dayAt(k: number, time: string): number {
    const origin = schedule.origin;
    if (!origin) throw new Error('no response calendar yet');
    if (!input.exercise) return atCst(responseDayDate(origin.firstDay, k), time);
    const [h, m] = time.split(':').map(Number) as [number, number];
    return origin.startMs + (k - 1) * exerciseDayMs + Math.round(((h * 60 + m) / 1440) * exerciseDayMs);
  }
  function dayOf(ms: number): number {
    const origin = schedule.origin;
    if (!origin) return 0;
    if (input.exercise) return Math.floor((ms - origin.startMs) / exerciseDayMs) + 1;
    return (
      Math.round(
        (parseIso(`${cstDate(ms)}T00:00:00+08:00`) - parseIso(`${origin.firstDay}T00:00:00+08:00`)) / DAY,
      ) + 1
    );
  }
  function dateOfDay(k: number): string {
    return responseDayDate(schedule.origin!.firstDay, k);
  }
  function ensureOrigin(): void {
    if (!schedule.origin) schedule.origin = { firstDay: cstDate(now()), startMs: now() };
  }
  const responding = () => state.level !== 'none' || state.earlyResponseActive;
  const reportDue = (k: number) => dayAt(k, plan.deadlines.dailyReport.time);
  function summaryDueMs(): number {
    const liftDay = dayOf(schedule.liftedMs!);
    return dayAt(liftDay + plan.deadlines.unitSummary.dayOffset, plan.deadlines.unitSummary.time);
  }

  // --- plan helpers ---------------------------------------------------------------------------
  const unitName = (id: string) => plan.units.find((u) => u.id === id)?.name ?? id;
  const jurisdictionName = () =>
    plan.jurisdictions.find((j) => j.id === input.jurisdiction)?.name ?? input.jurisdiction;
  const levelName = (level: LevelOrNone) =>
    level === 'none' ? '无预警' : (plan.warning.levels.find((l) => l.level === level)?.name ?? level);
  /** Units that report daily in this episode: all of them for the city, else the county's branch and the city-wide units. */
  function obligedUnits(): string[] {
    const city = input.jurisdiction === plan.jurisdiction;
    return reportingUnits(plan)
      .filter((u) => city || !u.jurisdiction || u.jurisdiction === input.jurisdiction)
      .map((u) => u.id);
  }
  const internalUnits = () => plan.units.filter((u) => u.kind === 'internal').map((u) => u.id);
  const resolveTargets = (step: EscalationStep, unitId: string) =>
    step.targets.map((t) => (t === LATE_UNIT_TARGET ? unitId : t));

  // --- side effects ---------------------------------------------------------------------------
  /** Variables every template may use; a template takes the ones it names. */
  function commonVars(): Record<string, string | number> {
    const rule = plan.warning.levels.find((l) => l.level === state.level);
    return {
      episodeId,
      jurisdictionName: jurisdictionName(),
      levelName: levelName(state.level),
      responseName: rule?.responseName ?? '',
      reductionPercent: rule?.reductionPercent ?? 0,
      planName: plan.name,
      documentNumber: plan.documentNumber,
      dailyReportTime: plan.deadlines.dailyReport.time,
      effectiveAt: nowIso(),
      forecastSummary: forecast.map((d) => `${d.date} AQI ${d.aqi}`).join('，'),
      summaryDueAt: schedule.liftedMs !== null ? toCstIso(summaryDueMs()) : '',
    };
  }
  function notify(
    step: string,
    template: string,
    recipients: string[],
    vars: Record<string, string | number>,
  ): void {
    const all = { ...commonVars(), ...vars };
    spawn(`notify ${step}`, () =>
      messaging.notify({
        episodeId,
        step,
        planId: plan.id,
        planVersion: plan.version,
        template,
        recipients,
        vars: all,
        exercise: input.exercise,
      }),
    );
  }
  function publishPublicWarning(kind: 'Alert' | 'Update' | 'Cancel', level: WarningLevel): void {
    schedule.counters.cap += 1;
    const identifier = `${episodeId}:cap:${schedule.counters.cap}`;
    const sent = nowIso();
    const references = schedule.capReference;
    schedule.capReference = kind === 'Cancel' ? null : { identifier, sent };
    const maxAqi = forecast.reduce((m, d) => Math.max(m, d.aqi), 0);
    spawn(`public warning ${kind}`, () =>
      messaging.publishWarning({
        episodeId,
        planId: plan.id,
        planVersion: plan.version,
        identifier,
        sent,
        msgType: kind,
        references,
        level,
        jurisdiction: input.jurisdiction,
        forecast,
        maxAqi,
        exercise: input.exercise,
      }),
    );
  }

  // --- consultations and proposals ------------------------------------------------------------
  function propose(kind: 'start' | 'change' | 'lift', level: LevelOrNone, reasons: RuleReason[]): void {
    schedule.counters.proposal += 1;
    const proposalId = `P${schedule.counters.proposal}`;
    emit({ type: 'level.proposed', at: nowIso(), actor: 'system', proposalId, kind, level, reasons });
    const action =
      kind === 'lift'
        ? `解除${levelName(state.level)}`
        : kind === 'start'
          ? `启动${levelName(level)}`
          : `调整为${levelName(level)}`;
    notify(`proposal:${proposalId}`, 'proposalToCommander', ['commander'], {
      proposalAction: action,
      proposalId,
      consultationAt: nowIso(),
      forecastSummary: forecast.map((d) => `${d.date} AQI ${d.aqi}`).join('，'),
      reasonText: reasons.map((r) => r.rule).join('；') || '满足预警条件',
    });
  }

  function consult(c: ConsultationInput): ConsultationResult {
    forecast = c.forecast;
    schedule.counters.consultation += 1;
    const consultationId = `C${schedule.counters.consultation}`;
    const classification = classifyForecast(plan, c.forecast);
    const early = earlyResponse(plan, c.forecast).early;
    emit({
      type: 'consultation.recorded',
      at: nowIso(),
      actor: actorOf(c.actor),
      consultationId,
      days: c.forecast,
      classification,
      early: classification.level === 'none' && early,
    });
    if (c.directedLevel) {
      const kind = state.level === 'none' ? 'start' : 'change';
      if (c.directedLevel !== state.level) {
        propose(kind, c.directedLevel, [
          {
            level: c.directedLevel,
            ruleId: 'province',
            rule: `省级预警启动指令：${levelName(c.directedLevel)}`,
            days: [],
          },
        ]);
      }
    } else {
      const advice = adviseTransition(plan, state.level, c.forecast);
      if (advice.action === 'start') propose('start', advice.level, advice.reasons);
      else if (advice.action === 'raise' || advice.action === 'lower')
        propose('change', advice.level, advice.reasons);
      else if (advice.action === 'lift') propose('lift', 'none', advice.reasons);
      else if (
        state.level === 'none' &&
        advice.earlyResponse &&
        !state.earlyResponseActive &&
        state.phase !== 'lifting'
      ) {
        startEarlyResponse(advice.reasons);
      }
    }
    return {
      consultationId,
      level: classification.level,
      earlyResponse: state.earlyResponseActive,
      proposal: state.pendingProposal,
      seq,
    };
  }

  function startEarlyResponse(reasons: RuleReason[]): void {
    ensureOrigin();
    earlyStartedAt ??= nowIso();
    emit({
      type: 'early-response.started',
      at: nowIso(),
      actor: 'system',
      firstDay: schedule.origin!.firstDay,
      reasons,
    });
    assignStandingDuties('early');
    assignDays();
    notify('early-response', 'earlyResponseStarted', internalUnits(), {});
  }

  // --- warnings -------------------------------------------------------------------------------
  function assignStandingDuties(stage: 'early' | WarningLevel): void {
    for (const duty of dutiesFor(plan, stage)) {
      if (duty.cadence === 'daily' && duty.summaryAfterLift) continue; // the daily report itself: per day
      for (const unitId of dutyUnits(duty)) {
        const key = `${duty.id}|${unitId}|`;
        if (state.duties.some((d) => d.key === key)) continue;
        emit({ type: 'duty.assigned', at: nowIso(), actor: 'system', dutyId: duty.id, unitId });
      }
    }
  }

  /** Duties whose intensity differs between the two levels are assigned again at the new level. */
  function retierDuties(from: WarningLevel, to: WarningLevel): void {
    for (const duty of dutiesFor(plan, to)) {
      if (dutyIntensity(duty, from) === dutyIntensity(duty, to)) continue;
      for (const unitId of dutyUnits(duty)) {
        emit({ type: 'duty.assigned', at: nowIso(), actor: 'system', dutyId: duty.id, unitId });
      }
    }
  }

  function rememberWarningDate(t = now()): void {
    if (state.level === 'none') return;
    const date = cstDate(t);
    const existing = schedule.warningDates.find((d) => d.date === date);
    if (!existing) schedule.warningDates.push({ date, level: state.level });
    else if (LEVEL_RANK[state.level] > LEVEL_RANK[existing.level]) existing.level = state.level;
  }

  function issue(level: WarningLevel, actor: Actor): void {
    ensureOrigin();
    schedule.counters.warning += 1;
    emit({
      type: 'warning.issued',
      at: nowIso(),
      actor,
      warningId: `${episodeId}:W${schedule.counters.warning}`,
      level,
      response: responseFor(plan, level)!,
      firstDay: schedule.origin!.firstDay,
    });
    rememberWarningDate();
    assignStandingDuties(level);
    assignDays();
    notify(`warning-issued:${schedule.counters.warning}`, 'warningIssued', internalUnits(), {
      response: responseFor(plan, level)!,
      forecastSummary: forecast.map((d) => `${d.date} AQI ${d.aqi}`).join('，'),
    });
    publishPublicWarning('Alert', level);
  }

  function change(level: WarningLevel, actor: Actor): void {
    const previousLevel = state.level as WarningLevel;
    emit({
      type: 'warning.changed',
      at: nowIso(),
      actor,
      level,
      response: responseFor(plan, level)!,
      previousLevel,
    });
    rememberWarningDate();
    assignStandingDuties(level);
    retierDuties(previousLevel, level);
    notify(`warning-changed:${state.eventCount}`, 'warningChanged', internalUnits(), {
      previousLevelName: levelName(previousLevel),
      response: responseFor(plan, level)!,
    });
    publishPublicWarning('Update', level);
  }

  function lift(actor: Actor): void {
    const level = state.level as WarningLevel;
    emit({ type: 'warning.lifted', at: nowIso(), actor, level, response: responseFor(plan, level)! });
    notify('warning-lifted', 'warningLifted', internalUnits(), { levelName: levelName(level) });
    publishPublicWarning('Cancel', level);
    beginSummaries();
  }

  /** Duty 三.1 of every obliged unit for one slot: a response day's report or the episode summary. */
  function assignReportDuties(slot: ReportSlot, dueMs: number): void {
    const dueAt = toCstIso(dueMs);
    for (const unitId of obligedUnits()) {
      emit({
        type: 'duty.assigned',
        at: nowIso(),
        actor: 'system',
        dutyId: '3.1',
        unitId,
        dueAt,
        responseDay: slot,
      });
    }
  }

  function beginSummaries(): void {
    schedule.liftedMs = now();
    assignReportDuties('summary', summaryDueMs());
  }

  // --- validators (synchronous; a rejected update changes nothing and leaves no history) -------
  function requireRole(p: Principal, ...roles: Principal['role'][]): void {
    if (!roles.includes(p.role))
      fail(ErrorCode.FORBIDDEN, `role ${p.role} may not do this (needs ${roles.join(' or ')})`);
  }
  function requireOpen(): void {
    if (state.phase === 'closed') fail(ErrorCode.INVALID_TRANSITION, 'the episode is closed');
  }
  function validateForecast(days: ForecastDay[]): void {
    try {
      assertConsecutiveForecast(days);
    } catch (err) {
      if (err instanceof DomainError) fail(err.code, err.message, err.details);
      throw err;
    }
  }

  function validateDecision(d: DecisionInput): void {
    requireRole(d.actor, 'commander');
    requireOpen();
    const pending = state.pendingProposal;
    switch (d.decision) {
      case 'approve':
      case 'decline':
        if (!pending) fail(ErrorCode.INVALID_TRANSITION, `nothing to ${d.decision}: no proposal is pending`);
        if (d.proposalId !== pending.proposalId) {
          fail(
            ErrorCode.STALE_PROPOSAL,
            `proposal ${d.proposalId ?? '(none)'} is not the pending one (${pending.proposalId})`,
          );
        }
        break;
      case 'order-level':
        if (!d.level || !(d.level in LEVEL_RANK) || d.level === ('none' as string)) {
          fail(ErrorCode.VALIDATION, 'order-level needs a level: yellow, orange or red');
        }
        if (d.level === state.level)
          fail(ErrorCode.INVALID_TRANSITION, `the ${d.level} warning is already in force`);
        if (state.phase === 'lifting')
          fail(ErrorCode.INVALID_TRANSITION, 'the warning was lifted; start a new episode');
        break;
      case 'lift':
        if (state.level === 'none')
          fail(ErrorCode.INVALID_TRANSITION, 'no warning is in force: nothing to lift');
        break;
      default:
        fail(ErrorCode.VALIDATION, `unknown decision ${String(d.decision)}`);
    }
  }

  function validateReport(r: ReportInput): void {
    requireOpen();
    requireRole(r.actor, 'unit', 'office');
    if (r.actor.role === 'unit' && r.actor.unit !== r.unitId) {
      fail(
        ErrorCode.FORBIDDEN,
        `${r.actor.id} reports for ${r.actor.unit ?? 'no unit'}, not for ${r.unitId}`,
      );
    }
    if (!obligedUnits().includes(r.unitId))
      fail(ErrorCode.FORBIDDEN, `${r.unitId} files no daily report in this episode`);
    validateReceipt(r.receivedAt);
    const open = openThrough();
    if (!Number.isInteger(r.responseDay) || r.responseDay < 1 || r.responseDay > open) {
      fail(ErrorCode.VALIDATION, `response day ${r.responseDay} is not open (days 1–${open})`, {
        issues: [{ path: 'responseDay', message: 'no such response day yet' }],
      });
    }
    const issues: Array<{ path: string; message: string }> = [];
    for (const field of plan.reportForm.fields) {
      const value = r.fields[field.name];
      if (value === undefined) {
        if (field.required) issues.push({ path: `fields.${field.name}`, message: `${field.label}：必填` });
        continue;
      }
      const ok =
        field.type === 'integer'
          ? Number.isInteger(value) &&
            (value as number) >= (field.min ?? 0) &&
            (field.max === undefined || (value as number) <= field.max)
          : field.type === 'text'
            ? typeof value === 'string' && (field.maxLength === undefined || value.length <= field.maxLength)
            : Array.isArray(value) &&
              value.every((v) => typeof v === 'string' && v.length > 0) &&
              value.length >= (field.minItems ?? 0) &&
              value.length <= (field.maxItems ?? Number.POSITIVE_INFINITY);
      if (!ok) issues.push({ path: `fields.${field.name}`, message: `${field.label}：格式不正确` });
    }
    for (const name of Object.keys(r.fields)) {
      if (!plan.reportForm.fields.some((f) => f.name === name))
        issues.push({ path: `fields.${name}`, message: 'unknown field' });
    }
    if (issues.length > 0)
      fail(ErrorCode.VALIDATION, issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
  }

  function validateSummary(s: SummaryInput): void {
    requireOpen();
    requireRole(s.actor, 'unit', 'office');
    validateReceipt(s.receivedAt);
    if (s.actor.role === 'unit' && s.actor.unit !== s.unitId)
      fail(ErrorCode.FORBIDDEN, `${s.actor.id} may not file for ${s.unitId}`);
    if (schedule.liftedMs === null)
      fail(ErrorCode.INVALID_TRANSITION, 'summaries are due only after the lift');
    if (!obligedUnits().includes(s.unitId))
      fail(ErrorCode.FORBIDDEN, `${s.unitId} owes no summary in this episode`);
    if (s.text.trim().length === 0)
      fail(ErrorCode.VALIDATION, 'text: empty', { issues: [{ path: 'text', message: 'empty' }] });
  }

  // --- arrival of reports and summaries ---------------------------------------------------------
  // Runs started before this patch judged a report by the instant the workflow handled it, and handled
  // it before any deadline timer that fell due in the same activation (after a worker or Temporal
  // outage): a report the API received on time could come out late, and a late one skipped the ladder.
  const receiptFix = patched('report-receipt-time-and-catch-up');
  /**
   * When a report or summary arrived: the API's receipt time when it gave one (so an outage between
   * the API and the workflow does not make an on-time report late). Taken as given — the validator
   * has bounded it — so that every replay judges the report the same way, whatever the activation's
   * clock says.
   */
  function arrivalOf(receivedAt: string | undefined): number {
    if (!receiptFix || receivedAt === undefined) return now();
    return parseIso(receivedAt);
  }
  /** A receipt time must be an ISO date-time, at most an hour old and not ahead of the clock by more than the allowed skew. */
  function validateReceipt(receivedAt: string | undefined): void {
    if (receivedAt === undefined) return;
    function bad(message: string): never {
      fail(ErrorCode.VALIDATION, `receivedAt: ${message}`, { issues: [{ path: 'receivedAt', message }] });
    }
    let t: number;
    try {
      t = parseIso(receivedAt);
    } catch {
      bad(`not an ISO date-time with offset: ${receivedAt}`);
    }
    if (t < now() - MAX_RECEIPT_LAG_MS) bad('more than an hour ago; submit again');
    if (t > now() + MAX_RECEIPT_SKEW_MS) bad('in the future');
  }
  /**
   * Before a report or summary is recorded: assign the days that have begun and take every ladder step
   * that fell due before it arrived (a deadline timer handled in the same activation would otherwise
   * come second and find nothing to chase).
   */
  function catchUp(arrivedMs: number, responseDay?: number): void {
    if (!receiptFix) return;
    // the validator let a report for a day that had begun by the workflow's clock through; its duty
    // exists before the report does even when the API received it a moment before midnight
    const dayStart = responseDay !== undefined && schedule.origin ? dayAt(responseDay, '00:00') : arrivedMs;
    assignDays(Math.max(arrivedMs, dayStart));
    takeEscalationSteps(arrivedMs);
  }
  /** The last response day a report may be filed for: the days assigned, and today once it has begun. */
  function openThrough(): number {
    if (!receiptFix || !responding() || !schedule.origin) return schedule.assignedThrough;
    return Math.max(schedule.assignedThrough, dayOf(now()));
  }

  // --- handlers -------------------------------------------------------------------------------
  setHandler(episodeStateQuery, () => view());

  setHandler(
    consultUpdate,
    (c) => {
      validateForecast(c.forecast);
      return consult(c);
    },
    {
      validator: (c) => {
        requireRole(c.actor, 'office', 'province');
        requireOpen();
        if (state.phase === 'lifting')
          fail(ErrorCode.INVALID_TRANSITION, 'the warning was lifted; start a new episode');
        if (c.directedLevel && c.actor.role !== 'province' && c.actor.role !== 'office') {
          fail(ErrorCode.FORBIDDEN, 'only the office records a provincial directive');
        }
        validateForecast(c.forecast);
      },
    },
  );

  setHandler(
    decideUpdate,
    (d) => {
      const actor = actorOf(d.actor);
      const pending = state.pendingProposal;
      const at = nowIso();
      switch (d.decision) {
        case 'approve': {
          const p = pending!;
          emit({
            type: 'commander.decided',
            at,
            actor,
            proposalId: p.proposalId,
            decision: 'approve',
            level: p.level,
          });
          if (p.kind === 'lift' || p.level === 'none') lift(actor);
          else if (state.level === 'none') issue(p.level, actor);
          else change(p.level, actor);
          break;
        }
        case 'order-level': {
          const level = d.level!;
          emit({
            type: 'commander.decided',
            at,
            actor,
            decision: 'order-level',
            level,
            ...(pending ? { proposalId: pending.proposalId } : {}),
          });
          if (state.level === 'none') issue(level, actor);
          else change(level, actor);
          break;
        }
        case 'decline':
          emit({
            type: 'commander.decided',
            at,
            actor,
            proposalId: pending!.proposalId,
            decision: 'decline',
            ...(d.comment ? { comment: d.comment } : {}),
          });
          if (state.level === 'none' && !state.earlyResponseActive && earlyResponse(plan, forecast).early) {
            startEarlyResponse(earlyResponse(plan, forecast).reasons);
          }
          break;
        case 'lift':
          emit({
            type: 'commander.decided',
            at,
            actor,
            decision: 'lift',
            ...(pending?.kind === 'lift' ? { proposalId: pending.proposalId } : {}),
          });
          lift(actor);
          break;
      }
      return view();
    },
    { validator: validateDecision },
  );

  setHandler(
    submitReportUpdate,
    (r): ReportResult => {
      const existing = state.reports[String(r.responseDay)]?.[r.unitId];
      if (existing && existing.reportId === r.reportId) {
        return {
          reportId: r.reportId,
          unitId: r.unitId,
          responseDay: r.responseDay,
          late: existing.late,
          replaced: false,
          duplicate: true,
          seq,
        };
      }
      const arrived = arrivalOf(r.receivedAt);
      catchUp(arrived, r.responseDay);
      const late = arrived > reportDue(r.responseDay);
      const replaced = existing !== undefined;
      const at = nowIso();
      emit({
        type: 'report.submitted',
        at,
        actor: actorOf(r.actor),
        unitId: r.unitId,
        responseDay: r.responseDay,
        reportId: r.reportId,
        late,
        replaced,
        ...(receiptFix ? { receivedAt: toCstIso(arrived) } : {}),
      });
      if (schedule.stepsTaken[`${r.responseDay}|${r.unitId}`] && !replaced) {
        emit({
          type: 'escalation.stopped',
          at,
          actor: 'system',
          unitId: r.unitId,
          responseDay: r.responseDay,
          reason: 'submitted',
        });
      }
      spawn('store report', () =>
        store.storeReport({
          episodeId,
          unitId: r.unitId,
          responseDay: r.responseDay,
          reportId: r.reportId,
          fields: r.fields,
          submittedBy: r.actor.id,
          late,
          at: receiptFix ? toCstIso(arrived) : at,
        }),
      );
      return {
        reportId: r.reportId,
        unitId: r.unitId,
        responseDay: r.responseDay,
        late,
        replaced,
        duplicate: false,
        seq,
      };
    },
    { validator: validateReport },
  );

  setHandler(
    submitSummaryUpdate,
    (s) => {
      const existing = state.summaries[s.unitId];
      if (existing) return { summaryId: existing.summaryId, late: existing.late, seq };
      const arrived = arrivalOf(s.receivedAt);
      catchUp(arrived);
      const late = arrived > summaryDueMs();
      const at = nowIso();
      emit({
        type: 'summary.submitted',
        at,
        actor: actorOf(s.actor),
        unitId: s.unitId,
        summaryId: s.summaryId,
        late,
        ...(receiptFix ? { receivedAt: toCstIso(arrived) } : {}),
      });
      if (schedule.stepsTaken[`summary|${s.unitId}`]) {
        emit({
          type: 'escalation.stopped',
          at,
          actor: 'system',
          unitId: s.unitId,
          responseDay: 'summary',
          reason: 'submitted',
        });
      }
      spawn('store summary', () =>
        store.storeSummary({
          episodeId,
          unitId: s.unitId,
          summaryId: s.summaryId,
          text: s.text,
          submittedBy: s.actor.id,
          late,
          at: receiptFix ? toCstIso(arrived) : at,
        }),
      );
      return { summaryId: s.summaryId, late, seq };
    },
    { validator: validateSummary },
  );

  setHandler(
    closeEpisodeUpdate,
    (c) => {
      const actor = actorOf(c.actor);
      if (c.reason === 'end-early-response') {
        emit({ type: 'early-response.ended', at: nowIso(), actor, reason: c.comment ?? '污染过程结束' });
        beginSummaries();
      } else {
        emit({ type: 'episode.closed', at: nowIso(), actor, reason: 'cancelled' });
      }
      return view();
    },
    {
      validator: (c) => {
        requireRole(c.actor, 'office');
        requireOpen();
        if (c.reason === 'end-early-response') {
          if (!state.earlyResponseActive || state.level !== 'none') {
            fail(ErrorCode.INVALID_TRANSITION, 'no early response (without a warning) is running');
          }
        } else if (c.reason === 'cancel') {
          if (state.level !== 'none' || state.earlyResponseActive || schedule.liftedMs !== null) {
            fail(ErrorCode.INVALID_TRANSITION, 'only an episode with no response under way can be cancelled');
          }
        } else fail(ErrorCode.VALIDATION, `unknown reason ${String(c.reason)}`);
      },
    },
  );

  // --- the view answered by the Query ---------------------------------------------------------
  function view(): EpisodeView {
    const today = responding() || schedule.liftedMs !== null ? dayOf(now()) : null;
    const duties = state.duties.filter(
      (d) =>
        d.responseDay === null ||
        d.responseDay === 'summary' ||
        d.status === 'pending' ||
        d.status === 'overdue' ||
        (today !== null && typeof d.responseDay === 'number' && d.responseDay >= today - 1),
    );
    return {
      episodeId,
      jurisdiction: state.jurisdiction,
      planId: state.planId,
      planVersion: state.planVersion,
      exercise: state.exercise,
      phase: state.phase,
      level: state.level,
      response: state.response,
      origin: state.origin,
      startedAt: state.startedAt,
      firstDay: schedule.origin?.firstDay ?? null,
      responseDay: today,
      forecast,
      pendingProposal: state.pendingProposal,
      duties,
      openEscalations: state.openEscalations.filter(
        (e) => e.responseDay === 'summary' || e.responseDay > schedule.settledThrough,
      ),
      overdueCount: state.duties.filter((d) => d.status === 'overdue').length,
      notices: state.notices.slice(-20),
      noticeCount: schedule.counters.notice,
      documents: state.documents,
      decisions: state.decisions,
      warnings: state.warnings,
      electricity: Object.fromEntries(
        Object.entries(state.electricity).map(([day, e]) => [
          day,
          { ...e, nonCompliantIds: e.nonCompliantIds.slice(0, 20) },
        ]),
      ),
      summaries: state.summaries,
      liftedAt: state.liftedAt,
      closedAt: state.closedAt,
      closeReason: state.closeReason,
      eventCount: seq,
      recentEvents: recent.slice(-20),
    };
  }

  // --- what is due, and doing it --------------------------------------------------------------
  /** Assigns the daily-report duty of every response day that has begun by `t`. */
  function assignDays(t = now()): void {
    if (!responding() || !schedule.origin) return;
    const today = dayOf(t);
    while (schedule.assignedThrough < today) {
      const k = schedule.assignedThrough + 1;
      schedule.assignedThrough = k;
      rememberWarningDate(t);
      assignReportDuties(k, reportDue(k));
    }
  }

  /** Slots (response days, then 'summary') whose reports may still need chasing. */
  function openSlots(): Array<{ slot: ReportSlot; dueMs: number }> {
    const slots: Array<{ slot: ReportSlot; dueMs: number }> = [];
    for (let k = schedule.settledThrough + 1; k <= schedule.assignedThrough; k++) {
      slots.push({ slot: k, dueMs: reportDue(k) });
    }
    if (schedule.liftedMs !== null) slots.push({ slot: 'summary', dueMs: summaryDueMs() });
    return slots;
  }
  const submitted = (slot: ReportSlot, unitId: string) =>
    slot === 'summary'
      ? state.summaries[unitId] !== undefined
      : state.reports[String(slot)]?.[unitId] !== undefined;
  const ladder = plan.escalation.reports;

  /** The next escalation step time for (slot, unit), or null when done. */
  function nextStepAt(slot: ReportSlot, dueMs: number, unitId: string): number | null {
    if (submitted(slot, unitId)) return null;
    const taken = schedule.stepsTaken[`${slot}|${unitId}`] ?? 0;
    const step = ladder[taken];
    return step ? dueMs + scaled(step.offsetMinutes * MINUTE) : null;
  }

  /** Takes every ladder step due by `t` (now, or a report's arrival when catching up). */
  function takeEscalationSteps(t = now()): void {
    for (const { slot, dueMs } of openSlots()) {
      for (const unitId of obligedUnits()) {
        let at = nextStepAt(slot, dueMs, unitId);
        while (at !== null && at <= t) {
          const key = `${slot}|${unitId}`;
          const index = schedule.stepsTaken[key] ?? 0;
          const step = ladder[index]!;
          schedule.stepsTaken[key] = index + 1;
          const dueAt = toCstIso(dueMs);
          if (index === 0)
            emit({ type: 'report.overdue', at: nowIso(), actor: 'system', unitId, responseDay: slot, dueAt });
          const targets = resolveTargets(step, unitId);
          emit({
            type: 'escalation.step',
            at: nowIso(),
            actor: 'system',
            unitId,
            responseDay: slot,
            step: index + 1,
            targets,
          });
          const itemLabel = slot === 'summary' ? '污染过程应对工作总结' : `第${slot}天工作日报`;
          const vars = {
            unitName: unitName(unitId),
            itemLabel,
            dueAt,
            overdueHours: Math.round(step.offsetMinutes / 60),
            targetName: targets.map(unitName).join('、'),
          };
          notify(`escalation:${slot}:${unitId}:${index + 1}`, step.template, targets, vars);
          if (step.circulateNotice) {
            schedule.counters.notice += 1;
            const noticeId = `${episodeId}:N${schedule.counters.notice}`;
            emit({
              type: 'notice.circulated',
              at: nowIso(),
              actor: 'system',
              noticeId,
              unitId,
              responseDay: slot,
              reason: step.description,
            });
            notify(`notice:${noticeId}`, 'noticeCirculated', internalUnits(), vars);
          }
          at = nextStepAt(slot, dueMs, unitId);
        }
      }
    }
  }

  function escalateProposal(t = now()): void {
    const p = state.pendingProposal;
    if (!p) return;
    const steps = plan.deadlines.commanderDecision.escalation;
    const base = parseIso(p.proposedAt) + scaled(plan.deadlines.commanderDecision.timeoutMinutes * MINUTE);
    let step = steps[p.escalations];
    while (step && base + scaled(step.offsetMinutes * MINUTE) <= t) {
      const index = p.escalations;
      const targets = step.targets;
      emit({
        type: 'proposal.escalated',
        at: nowIso(),
        actor: 'system',
        proposalId: p.proposalId,
        step: index + 1,
        targets,
      });
      notify(`proposal:${p.proposalId}:escalation:${index + 1}`, step.template, targets, {
        proposalAction: p.kind === 'lift' ? '解除预警' : `启动（调整为）${levelName(p.level)}`,
        proposalId: p.proposalId,
        proposedAt: p.proposedAt,
        waitedMinutes: plan.deadlines.commanderDecision.timeoutMinutes + step.offsetMinutes,
        targetName: targets.map(unitName).join('、'),
      });
      step = steps[state.pendingProposal?.escalations ?? steps.length];
    }
  }
  function nextProposalStepAt(): number | null {
    const p = state.pendingProposal;
    if (!p) return null;
    const step = plan.deadlines.commanderDecision.escalation[p.escalations];
    if (!step) return null;
    return (
      parseIso(p.proposedAt) +
      scaled((plan.deadlines.commanderDecision.timeoutMinutes + step.offsetMinutes) * MINUTE)
    );
  }

  const officeReportAt = (k: number) => dayAt(k, plan.deadlines.officeDailyReport.time);

  /** Electricity accounting of one CST date on which a warning was in force. */
  async function assessElectricity(date: string, level: WarningLevel): Promise<void> {
    if (state.electricity[date]) return;
    const result = await acts.assessElectricity({
      episodeId,
      planId: plan.id,
      planVersion: plan.version,
      episodeStartMs: parseIso(state.startedAt!),
      day: date,
      level,
    });
    emit({
      type: 'electricity.assessed',
      at: nowIso(),
      actor: 'system',
      day: date,
      level,
      counts: result.counts,
      nonCompliantIds: result.nonCompliant.slice(0, MAX_FOLLOWUPS_PER_DAY).map((e) => e.enterpriseId),
    });
    const branches = new Set<string>();
    for (const e of result.nonCompliant.slice(0, MAX_FOLLOWUPS_PER_DAY)) {
      const branch =
        plan.units.find((u) => u.jurisdiction === e.county && u.filesDailyReport)?.id ?? 'enforcement';
      branches.add(branch);
      emit({
        type: 'enforcement.followup',
        at: nowIso(),
        actor: 'system',
        enterpriseId: e.enterpriseId,
        unitId: branch,
        action: 'inspection',
      });
    }
    // One follow-up duty per branch and day; the enterprises are in the assessment (PostgreSQL).
    for (const branch of branches) {
      emit({ type: 'duty.assigned', at: nowIso(), actor: 'system', dutyId: `2.6:${date}`, unitId: branch });
    }
  }

  async function produceDayReport(k: number): Promise<void> {
    const date = dateOfDay(k);
    const previous = k > 1 ? schedule.warningDates.find((d) => d.date === dateOfDay(k - 1)) : undefined;
    if (previous) await assessElectricity(previous.date, previous.level);
    const units = obligedUnits();
    const received = units.filter((u) => submitted(k, u));
    const late = units.filter((u) => state.reports[String(k)]?.[u]?.late || !submitted(k, u));
    const dayDuties = state.duties.filter((d) => d.responseDay === k);
    const doc = await acts.produceDocument(
      documentRequest('daily-report', `day-${k}`, {
        responseDay: k,
        reportDate: date,
        overview: [
          `第${k}天（${date}）应报送单位${units.length}个，已报送${received.length}个；迟报或未报：${late.map(unitName).join('、') || '无'}。`,
        ],
        duties: dayDuties.map(dutyFact),
        lateUnits: lateFacts(dayDuties),
        electricityDays: previous ? [previous.date] : [],
      }),
    );
    emit({
      type: 'document.produced',
      at: nowIso(),
      actor: 'system',
      kind: 'daily-response-report',
      documentId: doc.documentId,
      responseDay: k,
    });
    notify(`daily-report:${k}`, 'dailyResponseReport', ['taskforce.leader', 'taskforce.deputy'], {
      responseDay: k,
      date,
      receivedCount: received.length,
      expectedCount: units.length,
      lateUnits: late.map(unitName).join('、') || '无',
      documentId: doc.documentId,
    });
    schedule.dayReportsDone.push(k);
  }

  const dutyFact = (d: EpisodeState['duties'][number]) => ({
    dutyId: d.dutyId,
    unitId: d.unitId,
    status: d.status,
    responseDay: d.responseDay,
    dueAt: d.dueAt,
  });
  function lateFacts(duties: EpisodeState['duties']) {
    return duties
      .filter((d) => d.dueAt !== null && (d.status === 'late' || d.status === 'overdue'))
      .slice(0, 100)
      .map((d) => {
        const report =
          d.responseDay === 'summary'
            ? state.summaries[d.unitId]
            : state.reports[String(d.responseDay)]?.[d.unitId];
        return {
          unitId: d.unitId,
          item: d.responseDay === 'summary' ? '污染过程应对工作总结' : `第${d.responseDay}天工作日报`,
          dueAt: d.dueAt!,
          ...(report ? { submittedAt: report.at } : {}),
        };
      });
  }

  /** What the workflow knows, for a document (the activity adds names and electricity details). */
  function documentRequest(
    kind: 'daily-report' | 'work-summary',
    key: string,
    extra: Pick<DocumentRequest, 'overview' | 'duties' | 'lateUnits' | 'electricityDays'> &
      Partial<Pick<DocumentRequest, 'responseDay' | 'reportDate'>>,
  ): DocumentRequest {
    return {
      episodeId,
      kind,
      key,
      planId: plan.id,
      planVersion: plan.version,
      jurisdiction: input.jurisdiction,
      exercise: input.exercise,
      issuedAt: nowIso(),
      earlyResponseFrom: earlyStartedAt,
      warnings: state.warnings,
      decisions: state.decisions.map((d) => ({ decision: d.decision, level: d.level, at: d.at, by: d.by })),
      // the daily report lists that day's notices; the work summary reads them all from the event log
      notices:
        extra.responseDay === undefined
          ? []
          : state.notices
              .filter((n) => n.responseDay === extra.responseDay)
              .map((n) => ({ unitId: n.unitId, at: n.at, reason: n.reason })),
      forecast,
      liftedAt: state.liftedAt,
      ...extra,
    };
  }

  /** The summaries are in (or their ladder has run out): the work summary, then close. */
  function summariesSettled(): boolean {
    if (schedule.liftedMs === null) return false;
    return obligedUnits().every(
      (u) => submitted('summary', u) || nextStepAt('summary', summaryDueMs(), u) === null,
    );
  }
  const daysSettled = () => schedule.settledThrough === schedule.assignedThrough;

  /**
   * A day is settled once its office report is out and every unit has reported or been chased
   * through the whole ladder; nothing about it can become due again, so the loop stops looking at it.
   */
  function settleDays(): void {
    while (schedule.settledThrough < schedule.assignedThrough) {
      const k = schedule.settledThrough + 1;
      if (!schedule.dayReportsDone.includes(k)) return;
      const open = obligedUnits().some(
        (u) => !submitted(k, u) && (schedule.stepsTaken[`${k}|${u}`] ?? 0) < ladder.length,
      );
      if (open) return;
      schedule.settledThrough = k;
      schedule.dayReportsDone = schedule.dayReportsDone.filter((d) => d > k);
      for (const u of obligedUnits()) delete schedule.stepsTaken[`${k}|${u}`];
    }
  }

  async function finish(): Promise<void> {
    for (const d of schedule.warningDates) await assessElectricity(d.date, d.level);
    const missing = obligedUnits().filter((u) => !submitted('summary', u));
    const doc = await acts.produceDocument(
      documentRequest('work-summary', 'final', {
        overview: [
          `本次过程共${schedule.assignedThrough}个应对日，${state.warnings.length > 0 ? `预警${state.warnings.length}次发布或调整` : '未发布预警（提前应对）'}。`,
          `各单位工作总结已报送${obligedUnits().length - missing.length}个${missing.length > 0 ? `，未报送：${missing.map(unitName).join('、')}` : ''}。`,
        ],
        duties: state.duties
          .filter((d) => d.responseDay === 'summary' || d.responseDay === null)
          .map(dutyFact),
        lateUnits: lateFacts(state.duties),
        electricityDays: schedule.warningDates.map((d) => d.date),
      }),
    );
    emit({
      type: 'document.produced',
      at: nowIso(),
      actor: 'system',
      kind: 'work-summary',
      documentId: doc.documentId,
    });
    schedule.workSummaryDone = true;
    notify('work-summary', 'workSummary', ['city-gov', 'province'], { documentId: doc.documentId });
    const reason = state.warnings.length > 0 ? 'lifted' : 'early-response-ended';
    emit({ type: 'episode.closed', at: nowIso(), actor: 'system', reason });
  }

  /** Does everything that is due by `t`; returns when nothing more is. */
  async function runDue(t: number): Promise<void> {
    assignDays(t);
    escalateProposal(t);
    takeEscalationSteps(t);
    for (let k = schedule.settledThrough + 1; k <= schedule.assignedThrough; k++) {
      if (!schedule.dayReportsDone.includes(k) && officeReportAt(k) <= t) await produceDayReport(k);
    }
    settleDays();
    if (!schedule.workSummaryDone && state.phase === 'lifting' && daysSettled() && summariesSettled())
      await finish();
  }

  /** The earliest instant at which something becomes due, or null. */
  function nextDueAt(): number | null {
    const times: number[] = [];
    if (responding() && schedule.origin) times.push(dayAt(schedule.assignedThrough + 1, '00:00'));
    const proposalAt = nextProposalStepAt();
    if (proposalAt !== null) times.push(proposalAt);
    for (const { slot, dueMs } of openSlots()) {
      for (const unitId of obligedUnits()) {
        const at = nextStepAt(slot, dueMs, unitId);
        if (at !== null) times.push(at);
      }
    }
    for (let k = schedule.settledThrough + 1; k <= schedule.assignedThrough; k++) {
      if (!schedule.dayReportsDone.includes(k)) times.push(officeReportAt(k));
    }
    return times.length > 0 ? Math.min(...times) : null;
  }

  // --- the run --------------------------------------------------------------------------------
  if (!carried) {
    emit({
      type: 'episode.started',
      at: nowIso(),
      actor: actorOf(input.initiator),
      episodeId,
      jurisdiction: input.jurisdiction,
      planId: plan.id,
      planVersion: plan.version,
      exercise: input.exercise,
      initiator: input.initiator.id,
      origin: input.origin,
    });
    validateForecast(input.forecast);
    consult({
      actor: input.initiator,
      forecast: input.forecast,
      ...(input.directedLevel ? { directedLevel: input.directedLevel } : {}),
    });
  }

  const closed = () => state.phase === 'closed';
  // Runs started before this patch reset `wake` after the awaits below and could lose a wake-up (a
  // message handled during them stayed unprocessed until the next timer); they replay unchanged.
  const wakeFix = patched('loop-wake-reset-before-await');

  /** Waits until no handler runs, no side effect is in flight and every event is projected. */
  async function quiesce(): Promise<void> {
    do {
      await condition(allHandlersFinished);
      await Promise.all([...inflight]);
      await project();
    } while (wakeFix && (inflight.size > 0 || unprojected.length > 0));
  }

  // Runs started before this patch judged what is due by the activation's clock. After a worker dies,
  // the first task a new worker runs live can carry the timestamp of an earlier task (seen when the
  // run had been loaded for a query first), while a replay of the same history sees the right one: a
  // deadline done live was not done on replay, and the run failed with a nondeterminism error. Now the
  // loop's deadlines are driven by its own timers only — a deadline is done when the timer set for it
  // fires (or a later one), the same on every replay.
  const clockFix = patched('loop-deadlines-by-fired-timers');

  while (!closed()) {
    // Reset before the awaits below: a message handled while they run sets `wake` again, and the loop
    // then goes round at once instead of sleeping on it.
    if (wakeFix) wake = false;
    await runDue(clockFix ? clock : now());
    await project();
    if (closed()) break;
    const info = workflowInfo();
    if (
      info.historyLength > (input.continueAsNewAfterEvents ?? HISTORY_EVENTS_BEFORE_CONTINUE) ||
      info.continueAsNewSuggested
    ) {
      await quiesce();
      state = compactState(state, schedule.settledThrough);
      const next: StartEpisodeInput = {
        ...input,
        forecast,
        carried: { state, seq, schedule, recent, forecast, earlyStartedAt },
      };
      return continueAsNew<typeof episodeWorkflow>(next);
    }
    if (wakeFix && wake) continue;
    if (!wakeFix) wake = false;
    const dueAt = nextDueAt();
    if (dueAt === null) await condition(() => wake);
    else if (clockFix) {
      // never at or before the clock: the loop always moves on (a past deadline gets a 1 ms timer)
      const target = Math.max(dueAt, clock + 1);
      const woken = await condition(() => wake, Math.max(1, target - now()));
      if (!woken) clock = target;
    } else if (dueAt > now()) await condition(() => wake, dueAt - now());
  }
  await quiesce();
  return view();
}
