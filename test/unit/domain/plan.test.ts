import { describe, expect, it } from 'vitest';
import {
  DomainError,
  defaultPlan,
  dutiesFor,
  dutyIntensity,
  ErrorCode,
  findUnit,
  REQUIRED_TEMPLATE_KEYS,
  type ResponsePlan,
  renderPlanTemplate,
  renderTemplate,
  reportingUnits,
  templateVariables,
} from '../../../src/domain/index.js';
import { buildReportValidator, parsePlan, validatePlan } from '../../../src/domain/plan-schema.js';
import { clonePlan } from './helpers.js';

function issuesOf(plan: unknown) {
  const result = validatePlan(plan);
  if (result.ok) throw new Error('expected the plan to be rejected');
  return result.issues;
}

function mutate(fn: (plan: ResponsePlan) => void): ResponsePlan {
  const plan = clonePlan(defaultPlan);
  fn(plan);
  return plan;
}

describe('default plan (朝环发〔2024〕43号)', () => {
  it('validates', () => {
    expect(validatePlan(defaultPlan)).toEqual({ ok: true, plan: defaultPlan });
    expect(parsePlan(defaultPlan)).toEqual(defaultPlan);
    expect(parsePlan(JSON.parse(JSON.stringify(defaultPlan)))).toEqual(defaultPlan);
  });

  it('identifies itself', () => {
    expect(defaultPlan).toMatchObject({
      id: 'chaoyang-2024',
      version: 1,
      documentNumber: '朝环发〔2024〕43号',
    });
    expect(Object.isFrozen(defaultPlan)).toBe(true);
    expect(Object.isFrozen(defaultPlan.duties[0])).toBe(true);
  });

  it('covers the city and its 7 county-level areas, one branch each', () => {
    expect(defaultPlan.jurisdictions.map((j) => j.id)).toEqual([
      'chaoyang',
      'shuangta',
      'longcheng',
      'beipiao',
      'lingyuan',
      'chaoyang-county',
      'jianping',
      'kazuo',
    ]);
    for (const j of defaultPlan.jurisdictions.slice(1)) {
      expect(findUnit(defaultPlan, `branch.${j.id}`)).toMatchObject({ kind: 'internal', jurisdiction: j.id });
    }
    expect(reportingUnits(defaultPlan).map((u) => u.id)).toEqual([
      'branch.shuangta',
      'branch.longcheng',
      'branch.beipiao',
      'branch.lingyuan',
      'branch.chaoyang-county',
      'branch.jianping',
      'branch.kazuo',
      'enforcement',
    ]);
    expect(findUnit(defaultPlan, 'commander').kind).toBe('external');
    expect(findUnit(defaultPlan, 'office.director').name).toBe('专班办公室主任');
  });

  it('maps levels to responses and reductions', () => {
    expect(defaultPlan.warning.levels.map((l) => [l.level, l.response, l.reductionPercent])).toEqual([
      ['yellow', 'III', 10],
      ['orange', 'II', 20],
      ['red', 'I', 30],
    ]);
  });

  it('carries the duty catalogue with levels of application', () => {
    expect(defaultPlan.duties.map((d) => d.id)).toEqual([
      '2.1',
      '2.2',
      '2.3',
      '2.4',
      '2.5',
      '2.6',
      '2.7',
      '2.8',
      '2.9',
      '2.10',
      '3.1',
      '3.2',
    ]);
    // the ozone duty (2.10) applies only where the process is known to be an ozone one
    expect(dutiesFor(defaultPlan, 'early').map((d) => d.id)).toEqual(['2.1', '2.2', '2.8', '3.1', '3.2']);
    expect(dutiesFor(defaultPlan, 'yellow')).toHaveLength(11);
    expect(dutiesFor(defaultPlan, 'early', ['O3']).map((d) => d.id)).toEqual([
      '2.1',
      '2.2',
      '2.8',
      '2.10',
      '3.1',
      '3.2',
    ]);
    const ozone = dutiesFor(defaultPlan, 'yellow', ['O3']).map((d) => d.id);
    expect(ozone).toContain('2.10');
    expect(ozone).not.toContain('2.7'); // straw burning and dust are particle measures
    expect(dutiesFor(defaultPlan, 'yellow', ['PM2.5']).map((d) => d.id)).not.toContain('2.10');
    expect(dutiesFor(defaultPlan, 'yellow', ['PM2.5', 'O3']).map((d) => d.id)).toEqual(
      expect.arrayContaining(['2.7', '2.10']),
    );
    const d26 = defaultPlan.duties.find((d) => d.id === '2.6');
    if (!d26) throw new Error('fixture');
    expect([dutyIntensity(d26, 'yellow'), dutyIntensity(d26, 'orange'), dutyIntensity(d26, 'red')]).toEqual([
      30, 60, 100,
    ]);
    expect(defaultPlan.deadlines).toMatchObject({
      dailyReport: { time: '17:00' },
      unitSummary: { time: '10:00', dayOffset: 1 },
    });
    expect(
      defaultPlan.escalation.reports.map((s) => [s.offsetMinutes, s.targets, s.circulateNotice]),
    ).toEqual([
      [0, ['$unit'], false],
      [60, ['office.director'], false],
      [180, ['taskforce.leader', 'taskforce.deputy'], true],
    ]);
  });
});

describe('broken plans are rejected with the path of the error', () => {
  it('a duty naming an unknown unit names the duty and the unit', () => {
    const plan = mutate((p) => {
      (p.duties[3] as { responsible: string[] }).responsible[1] = 'branch.atlantis';
    });
    const issues = issuesOf(plan);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('duties[3].responsible[1]');
    expect(issues[0]?.message).toContain('2.4');
    expect(issues[0]?.message).toContain('branch.atlantis');
    try {
      parsePlan(plan);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe(ErrorCode.PLAN_INVALID);
      expect((e as DomainError).message).toContain('duties[3].responsible[1]');
      expect((e as DomainError).details?.issues).toEqual(issues);
    }
  });

  it.each([
    [
      'a negative threshold',
      (p: ResponsePlan) => {
        (p.warning.levels[0]?.conditions[0]?.clauses[0] as { aqiAbove: number }).aqiAbove = -5;
      },
      'warning.levels[0].conditions[0].clauses[0].aqiAbove',
    ],
    [
      'a zero-day run',
      (p: ResponsePlan) => {
        (
          p.warning.levels[1]?.conditions[1]?.clauses[0] as { minConsecutiveDays: number }
        ).minConsecutiveDays = 0;
      },
      'warning.levels[1].conditions[1].clauses[0].minConsecutiveDays',
    ],
    [
      'a non-numeric threshold',
      (p: ResponsePlan) => {
        (p.warning.levels[2]?.conditions[0]?.clauses[0] as unknown as { aqiAbove: string }).aqiAbove = '200';
      },
      'warning.levels[2].conditions[0].clauses[0].aqiAbove',
    ],
    [
      'a conjunction whose anchor is not the lowest threshold',
      (p: ResponsePlan) => {
        const clauses = p.warning.levels[2]?.conditions[0]?.clauses;
        if (clauses) clauses.reverse();
      },
      'warning.levels[2].conditions[0].clauses[1].aqiAbove',
    ],
    [
      'levels out of order',
      (p: ResponsePlan) => {
        p.warning.levels.reverse();
      },
      'warning.levels[0].level',
    ],
    [
      'a missing template',
      (p: ResponsePlan) => {
        delete p.templates.noticeCirculated;
      },
      'templates.noticeCirculated',
    ],
    [
      'an escalation step with an unknown target',
      (p: ResponsePlan) => {
        (p.escalation.reports[1] as { targets: string[] }).targets[0] = 'office.janitor';
      },
      'escalation.reports[1].targets[0]',
    ],
    [
      'an escalation step with a missing template',
      (p: ResponsePlan) => {
        (p.deadlines.commanderDecision.escalation[0] as { template: string }).template = 'nope';
      },
      'deadlines.commanderDecision.escalation[0].template',
    ],
    [
      'escalation offsets that do not increase',
      (p: ResponsePlan) => {
        (p.escalation.reports[2] as { offsetMinutes: number }).offsetMinutes = 60;
      },
      'escalation.reports[2].offsetMinutes',
    ],
    [
      'a branch in an unknown jurisdiction',
      (p: ResponsePlan) => {
        (p.units[5] as { jurisdiction?: string }).jurisdiction = 'narnia';
      },
      'units[5].jurisdiction',
    ],
    [
      'a duplicate duty id',
      (p: ResponsePlan) => {
        (p.duties[1] as { id: string }).id = '2.1';
      },
      'duties[1].id',
    ],
    [
      'a bad deadline time',
      (p: ResponsePlan) => {
        p.deadlines.dailyReport.time = '25:00';
      },
      'deadlines.dailyReport.time',
    ],
    [
      'an unknown top-level key',
      (p: ResponsePlan) => {
        (p as unknown as Record<string, unknown>).surprise = true;
      },
      '',
    ],
    [
      'a missing version',
      (p: ResponsePlan) => {
        delete (p as Partial<ResponsePlan>).version;
      },
      'version',
    ],
  ])('%s', (_name, change, path) => {
    const issues = issuesOf(mutate(change));
    expect(issues.map((i) => i.path)).toContain(path);
  });

  it('reports a missing template at the template and at every step that uses it', () => {
    const issues = issuesOf(mutate((p) => delete p.templates.reportReminder));
    expect(issues.map((i) => i.path).sort()).toEqual([
      'escalation.reports[0].template',
      'templates.reportReminder',
    ]);
  });

  it('rejects non-objects', () => {
    expect(validatePlan(null).ok).toBe(false);
    expect(() => parsePlan('plan')).toThrow(DomainError);
  });
});

describe('templates', () => {
  it('renders placeholders and throws on a missing one', () => {
    expect(renderTemplate('{unitName}：请于{dueAt}前报送', { unitName: '双塔分局', dueAt: '17:00' })).toBe(
      '双塔分局：请于17:00前报送',
    );
    expect(renderTemplate('AQI {aqi}', { aqi: 0 })).toBe('AQI 0');
    expect(templateVariables('{a}{b}{a}')).toEqual(['a', 'b']);
    try {
      renderTemplate('{unitName} {dueAt}', { unitName: 'x' });
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).code).toBe(ErrorCode.VALIDATION);
      expect((e as DomainError).message).toContain('dueAt');
    }
    expect(() => renderTemplate('{toString}', {})).toThrow(DomainError);
  });

  it('every required template exists in Chinese and renders with its own variables', () => {
    for (const key of REQUIRED_TEMPLATE_KEYS) {
      const t = defaultPlan.templates[key];
      if (!t) throw new Error(`missing ${key}`);
      const vars = Object.fromEntries(templateVariables(t.title + t.body).map((v) => [v, `<${v}>`]));
      const out = renderPlanTemplate(defaultPlan, key, vars);
      expect(out.body).not.toMatch(/\{[A-Za-z]/);
      expect(out.body).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(() => renderPlanTemplate(defaultPlan, 'nope', {})).toThrow(DomainError);
  });
});

describe('unit daily report form', () => {
  const validate = buildReportValidator(defaultPlan);
  const good = {
    onSiteSupervisionCount: 3,
    enterprisesPatrolled: 12,
    onlineMonitoringChecks: 40,
    areaSourceActions: 5,
    vehiclesChecked: 20,
    machineryChecked: 4,
    problemsFound: 2,
    penalties: 1,
    notes: '对2家企业开展驻场督导，发现1家未按一厂一策落实停产措施，已立案。',
    photoIds: ['photo-1', 'photo-2'],
  };

  it('accepts a complete report', () => {
    expect(validate(good)).toEqual({ ok: true, value: good });
    const { notes: _notes, ...withoutNotes } = good;
    expect(validate(withoutNotes).ok).toBe(true);
  });

  it.each([
    ['a negative count', { vehiclesChecked: -1 }, 'vehiclesChecked', '机动车监督抽测数'],
    ['a fraction', { penalties: 1.5 }, 'penalties', '整数'],
    ['a string count', { problemsFound: '2' }, 'problemsFound', '发现问题数'],
    ['no photos', { photoIds: [] }, 'photoIds', '影像资料'],
    ['an empty photo id', { photoIds: ['ok', ''] }, 'photoIds[1]', ''],
    ['over-long notes', { notes: 'x'.repeat(4001) }, 'notes', '4000'],
  ])('rejects %s with the field path', (_name, patch, path, text) => {
    const result = validate({ ...good, ...patch });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toContain(path);
    expect(result.errors.find((e) => e.path === path)?.message).toContain(text);
  });

  it('rejects missing and unknown fields', () => {
    const { penalties: _p, ...missing } = good;
    const r1 = validate(missing);
    expect(r1.ok ? [] : r1.errors.map((e) => e.path)).toEqual(['penalties']);
    const r2 = validate({ ...good, mood: 'ok' });
    expect(r2.ok).toBe(false);
  });
});
