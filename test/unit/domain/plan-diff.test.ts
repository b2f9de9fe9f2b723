/** The readable difference between two plan versions: keyed lists, plain lists as a whole, Chinese labels. */
import { describe, expect, it } from 'vitest';
import { defaultPlan } from '../../../src/domain/index.js';
import { diffPlans } from '../../../src/domain/plan-diff.js';

const copy = () => structuredClone(defaultPlan);

describe('diffPlans', () => {
  it('finds nothing between a plan and its next version number', () => {
    expect(diffPlans(defaultPlan, { ...copy(), version: 9 })).toEqual([]);
  });

  it('names a threshold change by path and in Chinese, old → new', () => {
    const next = copy();
    next.warning.levels[2]!.conditions[0]!.clauses[1]!.aqiAbove = 350;
    next.warning.levels[1]!.reductionPercent = 25;
    const changes = diffPlans(defaultPlan, next);
    expect(changes).toEqual([
      expect.objectContaining({
        kind: 'changed',
        path: 'warning.levels[orange].reductionPercent',
        old: 20,
        new: 25,
        text: '预警分级 › 级别 › 「橙色预警」 › 减排比例（%）：20 → 25',
      }),
      expect.objectContaining({
        path: 'warning.levels[red].conditions[red.1].clauses[1].aqiAbove',
        text: expect.stringMatching(
          /^预警分级 › 级别 › 「红色预警」 › 条件 › 「.+」 › 条款 › 第2项 › AQI高于：300 → 350$/,
        ),
      }),
    ]);
  });

  it('matches duties by id: a removed duty is one removal, a unit list compares as a whole', () => {
    const next = copy();
    const [removed] = next.duties.splice(0, 1);
    next.duties[0]!.support = [...next.duties[0]!.support, 'finance'];
    const changes = diffPlans(defaultPlan, next);
    expect(changes.map((c) => [c.kind, c.path])).toEqual([
      ['removed', `duties[${removed!.id}]`],
      ['changed', `duties[${next.duties[0]!.id}].support`],
    ]);
    expect(changes[0]!.text).toBe(`职责 › 「${removed!.title}」：删除（原为 「${removed!.title}」）`);
    expect(changes[1]!.new).toEqual(next.duties[0]!.support);
    expect(changes[1]!.text).toContain('finance');
  });
});
