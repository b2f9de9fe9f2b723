/**
 * The counties' own plans (二.2) and who may act for an episode under them: every county plan is a
 * valid plan, reuses the city's rules, names the county's own bodies, and keeps everything in the
 * county; the office and commander rules bind acts to the plan's jurisdiction.
 */
import { describe, expect, it } from 'vitest';
import {
  accountedCounties,
  commandsEpisode,
  defaultPlan,
  dutyUnits,
  followUpUnit,
  getPlan,
  internalUnits,
  keepsEpisode,
  revisesPlan,
  obligedUnits,
  planForJurisdiction,
  renderPlanTemplate,
} from '../../../src/domain/index.js';
import { validatePlan } from '../../../src/domain/plan-schema.js';

const counties = defaultPlan.jurisdictions.filter((j) => j.kind === 'county');

describe('county plans', () => {
  it('one valid plan governs each county; the city plan governs the city', () => {
    expect(planForJurisdiction('chaoyang').id).toBe(defaultPlan.id);
    for (const county of counties) {
      const plan = planForJurisdiction(county.id);
      expect(plan.jurisdiction).toBe(county.id);
      const checked = validatePlan(JSON.parse(JSON.stringify(plan)));
      expect(checked.ok ? [] : checked.issues).toEqual([]);
      expect(getPlan(plan.id, plan.version)).toBe(plan);
    }
    expect(() => planForJurisdiction('shenyang')).toThrow(/no response plan governs/);
  });

  it('reuses the city’s thresholds and duties by reference', () => {
    const plan = planForJurisdiction('beipiao');
    expect(plan.basedOn).toMatchObject({ id: defaultPlan.id, version: defaultPlan.version });
    expect(plan.warning).toBe(defaultPlan.warning);
    expect(plan.earlyResponse).toBe(defaultPlan.earlyResponse);
    expect(plan.lift).toBe(defaultPlan.lift);
    expect(plan.duties.map((d) => d.id)).toEqual(defaultPlan.duties.map((d) => d.id));
  });

  it('names the county’s own office, commander, leaders and recipients', () => {
    const plan = planForJurisdiction('beipiao');
    const name = (id: string) => plan.units.find((u) => u.id === id)?.name;
    expect(plan.roles.office).toBe('branch.beipiao');
    expect(name(plan.roles.commander)).toBe('北票市重污染天气应急指挥部指挥长');
    expect(plan.roles.leaders.map(name)).toEqual(['北票分局主要负责同志']);
    expect(plan.roles.summaryRecipients.map(name)).toEqual([
      '北票市人民政府',
      '市重污染天气专项应急指挥部办公室',
    ]);
    const summary = renderPlanTemplate(plan, 'workSummary', { jurisdictionName: '北票市', documentId: 'D1' });
    expect(summary.body).toMatch(/^北票市人民政府、市重污染天气专项应急指挥部办公室：北票市本次/);
    expect(summary.body).not.toContain('市政府、省');
    expect(JSON.stringify(plan.templates)).not.toContain('专班');
    expect(plan.escalation.reports.map((s) => s.description).join('')).not.toContain('专班');
  });

  it('keeps duties, reporting, notices and electricity inside the county', () => {
    for (const county of counties) {
      const plan = planForJurisdiction(county.id);
      const branch = plan.roles.office;
      const own = new Set(plan.units.map((u) => u.id));
      const units = new Set(plan.duties.flatMap(dutyUnits));
      expect([...units]).toEqual([branch]);
      for (const d of plan.duties)
        for (const id of [...d.support, ...d.coordinates, ...d.recipients]) expect(own.has(id)).toBe(true);
      expect(obligedUnits(plan, county.id)).toEqual([branch]);
      expect(
        internalUnits(plan).every((u) => plan.units.find((x) => x.id === u)?.jurisdiction === county.id),
      ).toBe(true);
      expect(plan.units.some((u) => u.id.startsWith('branch.') && u.id !== branch)).toBe(false);
      expect(plan.units.some((u) => u.id === 'enforcement' || u.id.startsWith('dept.'))).toBe(false);
      expect(accountedCounties(plan)).toEqual([county.id]);
      expect(followUpUnit(plan, county.id)).toBe(branch);
    }
    expect(accountedCounties(defaultPlan)).toBeNull();
  });
});

describe('who acts for an episode', () => {
  const beipiao = planForJurisdiction('beipiao');
  const cityOffice = { role: 'office' as const, unit: 'office' };
  const branch = (county: string) => ({ role: 'unit' as const, unit: `branch.${county}` });

  it('the city’s office keeps every episode; a branch its own county’s only', () => {
    expect(keepsEpisode(defaultPlan, cityOffice)).toBe(true);
    expect(keepsEpisode(beipiao, cityOffice)).toBe(true);
    expect(keepsEpisode(beipiao, branch('beipiao'))).toBe(true);
    expect(keepsEpisode(beipiao, branch('jianping'))).toBe(false);
    expect(keepsEpisode(defaultPlan, branch('beipiao'))).toBe(false);
    expect(keepsEpisode(beipiao, { role: 'unit', unit: 'enforcement' })).toBe(false);
    expect(keepsEpisode(beipiao, { role: 'leader', unit: 'beipiao.director' })).toBe(false);
  });

  it('who revises a plan (五(一)1): the city’s office every plan, a branch its county’s; a new jurisdiction the office alone', () => {
    expect(revisesPlan(defaultPlan, cityOffice)).toBe(true);
    expect(revisesPlan(beipiao, cityOffice)).toBe(true);
    expect(revisesPlan(beipiao, branch('beipiao'))).toBe(true);
    expect(revisesPlan(beipiao, branch('jianping'))).toBe(false);
    expect(revisesPlan(defaultPlan, branch('beipiao'))).toBe(false);
    expect(revisesPlan(beipiao, { role: 'commander', unit: 'beipiao.commander' })).toBe(false);
    expect(revisesPlan(undefined, cityOffice)).toBe(true);
    expect(revisesPlan(undefined, branch('beipiao'))).toBe(false);
  });

  it('a commander decides only the plan that names it', () => {
    const city = { role: 'commander' as const, unit: 'commander' };
    const county = { role: 'commander' as const, unit: 'beipiao.commander' };
    expect(commandsEpisode(defaultPlan, city)).toBe(true);
    expect(commandsEpisode(beipiao, city)).toBe(false);
    expect(commandsEpisode(beipiao, county)).toBe(true);
    expect(commandsEpisode(defaultPlan, county)).toBe(false);
    expect(commandsEpisode(planForJurisdiction('jianping'), county)).toBe(false);
    expect(commandsEpisode(defaultPlan, { role: 'commander' })).toBe(false);
    expect(commandsEpisode(defaultPlan, { role: 'office', unit: 'commander' })).toBe(false);
  });
});
