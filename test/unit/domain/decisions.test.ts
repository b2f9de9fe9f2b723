/** The episode's pure decisions, without Temporal: proposals, ladders, obliged units, the report form, the calendar. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkReportFields,
  consultationDecision,
  consultationOutcome,
  defaultPlan,
  exerciseCalendar,
  firstDueDay,
  followUpUnit,
  internalUnits,
  nextProposalStepAt,
  nextReportStepAt,
  obligedUnits,
  parseIso,
  realCalendar,
  stepTargets,
  toCstIso,
} from '../../../src/domain/index.js';
import { series } from './helpers.js';

const plan = defaultPlan;
const none = { level: 'none' as const, earlyResponseActive: false, phase: 'consultation' };
const identity = (ms: number) => ms;

describe('consultationOutcome: what a consultation proposes', () => {
  it('proposes to start the level the forecast meets, with the rule that says why', () => {
    const out = consultationOutcome(plan, none, series([180, 230, 240]));
    expect(out).toMatchObject({ action: 'propose', kind: 'start', level: 'orange' });
    if (out.action !== 'propose') return;
    expect(out.reasons.map((r) => r.rule).join()).toContain('橙色预警');
  });
  it('proposes a change when the level moves and a lift when the lift rule holds', () => {
    const orange = { level: 'orange' as const, earlyResponseActive: false, phase: 'active' };
    expect(consultationOutcome(plan, orange, series([320, 310, 305]))).toMatchObject({
      action: 'propose',
      kind: 'change',
      level: 'red',
    });
    expect(consultationOutcome(plan, orange, series([80, 70, 60]))).toMatchObject({
      action: 'propose',
      kind: 'lift',
      level: 'none',
    });
    expect(consultationOutcome(plan, orange, series([230, 240]))).toEqual({ action: 'none' });
  });
  it('starts an early response below the thresholds only when none runs and nothing was lifted', () => {
    const days = series([160, 120]);
    expect(consultationOutcome(plan, none, days)).toMatchObject({ action: 'early-response' });
    expect(consultationOutcome(plan, { ...none, earlyResponseActive: true }, days)).toEqual({
      action: 'none',
    });
    expect(consultationOutcome(plan, { ...none, phase: 'lifting' }, days)).toEqual({ action: 'none' });
  });
  it('takes a provincial directive as the level to propose, with its own reason', () => {
    const out = consultationOutcome(plan, none, series([90]), 'yellow');
    expect(out).toEqual({
      action: 'propose',
      kind: 'start',
      level: 'yellow',
      reasons: [{ level: 'yellow', ruleId: 'province', rule: '省级预警启动指令：黄色预警', days: [] }],
    });
    const yellow = { level: 'yellow' as const, earlyResponseActive: false, phase: 'active' };
    expect(consultationOutcome(plan, yellow, series([90]), 'yellow')).toEqual({ action: 'none' });
  });
});

describe('the ladders', () => {
  const due = parseIso('2026-12-02T17:00:00+08:00');
  it('steps an overdue report at 17:00, 18:00 and 20:00, then stops', () => {
    const times = [0, 1, 2, 3].map((taken) => nextReportStepAt(plan, due, taken, identity));
    expect(times.map((t) => (t === null ? null : toCstIso(t)))).toEqual([
      '2026-12-02T17:00:00+08:00',
      '2026-12-02T18:00:00+08:00',
      '2026-12-02T20:00:00+08:00',
      null,
    ]);
  });
  it('scales the steps in an exercise', () => {
    const dayMs = 240_000; // one day in four minutes: an hour is 10 s
    expect(nextReportStepAt(plan, due, 1, (ms) => Math.round((ms / 86_400_000) * dayMs))).toBe(due + 10_000);
  });
  it('sends the first step to the late unit itself and the others to the plan targets', () => {
    const [first, second] = plan.escalation.reports;
    expect(stepTargets(first!, 'branch.shuangta')).toEqual(['branch.shuangta']);
    expect(stepTargets(second!, 'branch.shuangta')).toEqual(['office.director']);
  });
  it('reminds the commander 30 min after a proposal and the leaders 30 min after that', () => {
    const proposed = parseIso('2026-12-02T21:00:00+08:00');
    const at = [0, 1, 2].map((n) => nextProposalStepAt(plan, proposed, n, identity));
    expect(at.map((t) => (t === null ? null : toCstIso(t)))).toEqual([
      '2026-12-02T21:30:00+08:00',
      '2026-12-02T22:00:00+08:00',
      null,
    ]);
  });
  it('property: each step falls no earlier than the one before', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), (dueMs) => {
        const t = [0, 1, 2].map((n) => nextReportStepAt(plan, dueMs, n, identity)!);
        return t[0]! >= dueMs && t[1]! >= t[0]! && t[2]! >= t[1]!;
      }),
    );
  });
});

describe('who is obliged', () => {
  it('a city episode obliges every reporting unit; a county one its own branch and the city-wide units', () => {
    const city = obligedUnits(plan, 'chaoyang');
    expect(city).toHaveLength(8);
    const county = obligedUnits(plan, 'jianping');
    expect(county).toEqual(['branch.jianping', 'enforcement']);
  });
  it('internal units receive the warning; a county enterprise is followed up by its branch', () => {
    expect(internalUnits(plan)).toContain('office');
    expect(internalUnits(plan)).not.toContain('commander');
    expect(followUpUnit(plan, 'beipiao')).toBe('branch.beipiao');
    expect(followUpUnit(plan, 'nowhere')).toBe('enforcement');
  });
});

describe('checkReportFields: the one check of the daily-report form', () => {
  const good = {
    onSiteSupervisionCount: 4,
    enterprisesPatrolled: 12,
    onlineMonitoringChecks: 30,
    areaSourceActions: 5,
    vehiclesChecked: 40,
    machineryChecked: 6,
    problemsFound: 2,
    penalties: 1,
    photoIds: ['p1'],
  };
  it('accepts a complete report', () => expect(checkReportFields(plan, good)).toEqual([]));
  it('names each bad field with its label in Chinese', () => {
    const { penalties: _missing, ...rest } = good;
    const issues = checkReportFields(plan, {
      ...rest,
      vehiclesChecked: -1,
      photoIds: ['', 'ok'],
      mood: 'ok',
    });
    expect(issues.map((i) => i.path)).toEqual(['vehiclesChecked', 'penalties', 'photoIds[0]', 'mood']);
    expect(issues[0]!.message).toMatch(/^机动车.*：不能小于0$/);
    expect(issues[1]!.message).toMatch(/：必填$/);
    expect(issues[3]!.message).toBe('表单中没有“mood”这一项');
  });
});

describe('the response-day calendar', () => {
  it('a real day: 23:59 is still day 1 and 00:00 is day 2, across a year end', () => {
    const cal = realCalendar('2026-12-31');
    expect(cal.dayOf(parseIso('2026-12-31T23:59:59+08:00'))).toBe(1);
    expect(cal.dayOf(parseIso('2027-01-01T00:00:00+08:00'))).toBe(2);
    expect(cal.dayOf(parseIso('2026-12-30T23:00:00+08:00'))).toBe(0);
  });
  it('property: the day of `at(k, time)` is k, on real and compressed calendars', () => {
    const real = realCalendar('2026-11-29');
    const start = parseIso('2026-11-29T21:00:00+08:00');
    const exercise = exerciseCalendar(start, 240_000);
    const time = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), time, (k, [h, m]) => {
        const hhmm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
        return real.dayOf(real.at(k, hhmm)) === k && exercise.dayOf(exercise.at(k, hhmm)) === k;
      }),
    );
  });
});

describe('firstDueDay: the first report leaves the plan its working time (4 h by default)', () => {
  const cal = realCalendar('2026-12-01');
  const four = (defaultPlan.deadlines.minWorkingHours ?? 0) * 3_600_000;
  it.each([
    ['09:00', 1],
    ['12:59', 1],
    ['13:00', 1],
    ['13:01', 2],
    ['16:59', 2],
    ['17:00', 2],
    ['21:00', 2],
    ['23:59', 2],
  ])('a warning taking effect at %s owes its first report on day %i', (time, day) => {
    expect(four).toBe(4 * 3_600_000);
    expect(firstDueDay(cal, parseIso(`2026-12-01T${time}:00+08:00`), '17:00', four)).toBe(day);
  });
  it('with no minimum working time the first report is simply the next 17:00 still ahead', () => {
    expect(firstDueDay(cal, parseIso('2026-12-01T21:00:00+08:00'), '17:00', 0)).toBe(2);
    expect(firstDueDay(cal, parseIso('2026-12-01T16:59:00+08:00'), '17:00', 0)).toBe(1);
  });
});

describe('consultationDecision: a new consultation supersedes, a directive sets a floor', () => {
  const orange = {
    level: 'orange' as const,
    earlyResponseActive: false,
    phase: 'active',
    pending: null,
    floor: null,
  };
  const fresh = { ...none, pending: null, floor: null };
  it('keeps a pending proposal the new consultation still supports, without proposing it again', () => {
    const pending = { proposalId: 'P1', kind: 'start' as const, level: 'orange' as const };
    const out = consultationDecision(plan, { ...fresh, phase: 'proposed', pending }, series([230, 240]));
    expect(out).toEqual({ withdraw: null, outcome: { action: 'none' } });
  });
  it('withdraws a pending proposal the new consultation no longer supports, saying why', () => {
    const pending = { proposalId: 'P1', kind: 'start' as const, level: 'orange' as const };
    const lower = consultationDecision(plan, { ...fresh, phase: 'proposed', pending }, series([210, 140]));
    expect(lower.outcome).toMatchObject({ action: 'propose', kind: 'start', level: 'yellow' });
    expect(lower.withdraw).toBe('最新会商研判建议启动黄色预警，原“启动橙色预警”的建议（编号：P1）撤回');
    const clean = consultationDecision(plan, { ...fresh, phase: 'proposed', pending }, series([60, 50]));
    expect(clean.outcome).toEqual({ action: 'none' });
    expect(clean.withdraw).toContain('最新会商研判结果已不再满足该建议的条件');
  });
  it('a directive below or at the level in force changes nothing; above it, proposes the directed level', () => {
    const yellow = {
      kind: '文件' as const,
      action: 'level' as const,
      level: 'yellow' as const,
      number: '辽重污染应急办〔2026〕12号',
      date: '2026-12-01',
    };
    expect(consultationDecision(plan, orange, series([90]), yellow)).toEqual({
      withdraw: null,
      outcome: { action: 'none' },
    });
    const red = consultationDecision(plan, orange, series([90]), { ...yellow, level: 'red' });
    expect(red.outcome).toMatchObject({ action: 'propose', kind: 'change', level: 'red' });
    if (red.outcome.action !== 'propose') return;
    expect(red.outcome.reasons[0]!.rule).toBe(
      '省级预警启动指令：红色预警（文件，辽重污染应急办〔2026〕12号，2026年12月1日）',
    );
  });
  it('a provincial lift is a proposal to lift', () => {
    const out = consultationDecision(plan, orange, series([230, 240]), { kind: '建议', action: 'lift' });
    expect(out.outcome).toMatchObject({ action: 'propose', kind: 'lift', level: 'none' });
  });
  it('below the floor nothing is proposed: a lift becomes a step down to the floor, or nothing', () => {
    const floored = { ...orange, floor: 'yellow' as const };
    const out = consultationDecision(plan, floored, series([60, 50, 40]));
    expect(out.outcome).toMatchObject({ action: 'propose', kind: 'change', level: 'yellow' });
    const atFloor = { ...floored, level: 'yellow' as const };
    expect(consultationDecision(plan, atFloor, series([60, 50, 40])).outcome).toEqual({ action: 'none' });
    expect(consultationDecision(plan, orange, series([60, 50, 40])).outcome).toMatchObject({ kind: 'lift' });
  });
});
