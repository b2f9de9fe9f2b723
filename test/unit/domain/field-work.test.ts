/**
 * Field work's pure rules: today's task selection (share of key enterprises, patrol counts, the daily
 * rotation covering everyone), case due dates and the overdue ladder, the prefilled report and the
 * contradiction rule.
 */
import { describe, expect, it } from 'vitest';
import {
  type DayRecords,
  caseDueAt,
  defaultPlan,
  dueCaseSteps,
  fieldIntensity,
  nextDate,
  overdueHours,
  parseIso,
  prefillReport,
  recordCounts,
  reportContradictions,
  rotatingWindow,
  selectTodaysTasks,
} from '../../../src/domain/index.js';
import { validatePlan } from '../../../src/domain/plan-schema.js';

const field = defaultPlan.field!;
const list = [
  ...Array.from({ length: 10 }, (_, i) => ({ id: `st-key-${i}`, county: 'shuangta', keyEnterprise: true })),
  ...Array.from({ length: 8 }, (_, i) => ({ id: `st-${i}`, county: 'shuangta', keyEnterprise: false })),
  ...Array.from({ length: 5 }, (_, i) => ({ id: `bp-${i}`, county: 'beipiao', keyEnterprise: true })),
];

describe("today's tasks", () => {
  it('supervises the level’s share of the county’s key enterprises and patrols the plan’s number among the rest', () => {
    const yellow = fieldIntensity(field, 'yellow')!;
    expect(yellow).toEqual({ onSiteSharePercent: 30, patrolsPerBranch: 5, patrolsEnforcement: 10 });
    const t = selectTodaysTasks(yellow, list, 'shuangta', '2026-12-02');
    expect(t.supervise).toHaveLength(3); // 30 % of 10
    expect(t.supervise.every((id) => id.startsWith('st-key-'))).toBe(true);
    expect(t.patrol).toHaveLength(5);
    expect(t.patrol.every((id) => id.startsWith('st') && !t.supervise.includes(id))).toBe(true);
    const red = selectTodaysTasks(fieldIntensity(field, 'red')!, list, 'shuangta', '2026-12-02');
    expect(red.supervise).toHaveLength(10);
    expect(red.patrol).toHaveLength(8); // every other enterprise, no more than there are
    // a share that does not divide evenly rounds up: 30 % of 5 key enterprises is 2
    expect(selectTodaysTasks(yellow, list, 'beipiao', '2026-12-02').supervise).toHaveLength(2);
  });

  it('is the same for the same day whatever the list’s order, and rotates so every key enterprise comes up', () => {
    const yellow = fieldIntensity(field, 'yellow')!;
    const a = selectTodaysTasks(yellow, list, 'shuangta', '2026-12-02');
    const b = selectTodaysTasks(yellow, [...list].reverse(), 'shuangta', '2026-12-02');
    expect(b).toEqual(a);
    const next = selectTodaysTasks(yellow, list, 'shuangta', '2026-12-03');
    expect(next.supervise).not.toEqual(a.supervise);
    const seen = new Set<string>();
    let date = '2026-12-02';
    for (let d = 0; d < 4; d++) {
      for (const id of selectTodaysTasks(yellow, list, 'shuangta', date).supervise) seen.add(id);
      date = nextDate(date);
    }
    expect(seen.size).toBe(10); // ceil(10 / 3) = 4 days cover all ten
  });

  it('gives the enforcement team patrols over the whole list, and nothing when no level is in force', () => {
    const t = selectTodaysTasks(fieldIntensity(field, 'orange')!, list, null, '2026-12-02');
    expect(t.supervise).toEqual([]);
    expect(t.patrol).toHaveLength(15);
    expect(fieldIntensity(field, null)).toBeNull();
    expect(rotatingWindow([], 3, '2026-12-02')).toEqual([]);
    expect(rotatingWindow(['a', 'b'], 5, '2026-12-02').sort()).toEqual(['a', 'b']);
  });
});

describe('cases', () => {
  it('are due the plan’s days later at the daily report’s hour', () => {
    const opened = parseIso('2026-12-02T09:30:00+08:00');
    expect(caseDueAt(defaultPlan, field, 'followup', opened)).toBe(parseIso('2026-12-03T17:00:00+08:00'));
    expect(caseDueAt(defaultPlan, field, 'penalty', opened)).toBe(parseIso('2027-01-01T17:00:00+08:00'));
  });

  it('escalate along the ladder in order, each step once: the owner at the due date, the office a day later', () => {
    const due = parseIso('2026-12-03T17:00:00+08:00');
    const ladder = field.caseEscalation;
    expect(dueCaseSteps(ladder, due, due - 1, 0)).toEqual([]);
    expect(dueCaseSteps(ladder, due, due, 0).map((s) => s.step.targets)).toEqual([['$unit']]);
    const later = due + 25 * 3_600_000;
    expect(dueCaseSteps(ladder, due, later, 0).map((s) => s.index)).toEqual([0, 1]);
    expect(dueCaseSteps(ladder, due, later, 1).map((s) => s.step.targets)).toEqual([['office']]);
    expect(dueCaseSteps(ladder, due, later, 2)).toEqual([]);
    expect(overdueHours(due, later)).toBe(25);
  });

  it('the plan refuses a ladder naming a missing template or unit', () => {
    const copy = structuredClone(defaultPlan) as typeof defaultPlan;
    copy.field!.caseEscalation[1]!.template = 'nope';
    copy.field!.departments[0]!.unitId = 'dept.nowhere';
    const v = validatePlan(copy);
    expect(v.ok).toBe(false);
    const paths = v.ok ? [] : v.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['field.caseEscalation[1].template', 'field.departments[0].unitId']),
    );
  });
});

const day: DayRecords = {
  inspections: [
    { enterpriseId: 'E1', measuresInPlace: false, photoIds: ['p1'] },
    { enterpriseId: 'E2', measuresInPlace: true, photoIds: [] },
  ],
  supervised: ['E1'],
  patrolled: ['E3'],
  casesOpened: [{ kind: 'penalty', enterpriseId: 'E1', fromInspection: true }],
  casesClosed: 0,
  handovers: [{ siteName: '龙山花园工地', departmentName: '市住房和城乡建设局' }],
  firePoints: 1,
  vehicles: { checked: 40, exceeding: 3, penalised: 2, machinery: 6 },
};
const names: Record<string, string> = { E1: '朝阳鑫达钢铁', E2: '双塔水泥', E9: '双塔焦化' };
const name = (id: string) => names[id] ?? id;

describe('the prefilled report', () => {
  it('counts the day’s records into the plan’s form and writes the notes from them', () => {
    const fields = prefillReport(defaultPlan, day, ['p1'], name);
    expect(fields).toMatchObject({
      onSiteSupervisionCount: 1,
      enterprisesPatrolled: 2, // E2 inspected, E3 patrolled; E1 is counted as supervised
      onlineMonitoringChecks: 0,
      areaSourceActions: 2,
      vehiclesChecked: 40,
      machineryChecked: 6,
      problemsFound: 5, // E1 not in place, the hand-over, 3 vehicles exceeding
      penalties: 3, // the penalty case and 2 vehicles
      photoIds: ['p1'],
    });
    expect(fields.notes).toBe(
      '现场检查企业2家次，其中朝阳鑫达钢铁未落实应急减排措施；新立案件1件，办结0件；龙山花园工地问题已移交市住房和城乡建设局；核查火点1处；会同公安交警抽测机动车40辆，超标3辆，处罚2辆。',
    );
  });
});

describe('the contradiction rule', () => {
  const consistent = { ...prefillReport(defaultPlan, day, ['p1'], name) };

  it('flags a report finding no problem while the accounting found an enterprise of its county non-compliant', () => {
    const none: DayRecords = {
      ...day,
      inspections: [],
      casesOpened: [],
      handovers: [],
      vehicles: { checked: 0, exceeding: 0, penalised: 0, machinery: 0 },
    };
    const found = reportContradictions({
      fields: { problemsFound: 0, penalties: 0 },
      records: none,
      nonCompliant: ['E9'],
      enterpriseName: name,
    });
    expect(found).toEqual([
      {
        rule: 'electricity-non-compliant',
        enterpriseId: 'E9',
        problem: '日报称未发现问题（措施落实到位），但耗电量核算认定双塔焦化当日未落实减排要求',
      },
    ]);
  });

  it('flags an inspection saying measures were in place where the accounting found otherwise, and undercounting', () => {
    const found = reportContradictions({
      fields: { ...consistent, problemsFound: 1, penalties: 0 },
      records: day,
      nonCompliant: ['E2'],
      enterpriseName: name,
    });
    expect(found.map((c) => [c.rule, c.enterpriseId])).toEqual([
      ['inspection-contradicts-electricity', 'E2'],
      ['problems-undercounted', ''],
      ['penalties-undercounted', ''],
    ]);
    expect(found[0]!.problem).toBe('现场检查记录称双塔水泥措施落实到位，但耗电量核算认定其当日未达标');
    expect(found[1]!.problem).toBe('日报填报发现问题1个，当日记录的问题有5个');
  });

  it('finds nothing in a report that says what the records say', () => {
    expect(
      reportContradictions({ fields: consistent, records: day, nonCompliant: ['E1'], enterpriseName: name }),
    ).toEqual([]);
    expect(recordCounts(day).problemsFound).toBe(consistent.problemsFound);
  });
});
