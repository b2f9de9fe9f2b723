/** The reduction list's pure rules: grades as written, the version in force, the field-level diff. */
import { describe, expect, it } from 'vitest';
import {
  type ListEntry,
  diffLists,
  normaliseGradeLabel,
  ruleGrade,
  versionInForce,
} from '../../../src/domain/reduction-list.js';

const entry = (id: string, over: Partial<ListEntry> = {}): ListEntry => ({
  enterpriseId: id,
  name: `企业${id}`,
  uscc: `U${id}`,
  county: 'shuangta',
  industry: '',
  gradeLabel: 'B',
  keyEnterprise: false,
  exemption: 'none',
  meterIds: [`M${id}`],
  measures: {},
  longitude: null,
  latitude: null,
  ...over,
});

describe('performance grades keep their full value', () => {
  it('B- stays B- as a label and counts as B for the rules', () => {
    expect(normaliseGradeLabel('b-')).toBe('B-');
    expect(normaliseGradeLabel('B级')).toBe('B');
    expect(normaliseGradeLabel('引领性')).toBe('引领性');
    expect(normaliseGradeLabel('E')).toBeNull();
    expect(ruleGrade('B-')).toBe('B');
    expect(ruleGrade('A-')).toBe('A');
    expect(ruleGrade('引领性')).toBe('A');
    expect(ruleGrade('非引领性')).toBe('unrated');
    expect(ruleGrade('D')).toBe('D');
  });
});

describe('the version in force', () => {
  const versions = [
    { id: 1, effectiveFrom: 100 },
    { id: 2, effectiveFrom: 200 },
    { id: 3, effectiveFrom: 200 },
  ];
  it('is the latest effective at or before the moment (ties: the later version)', () => {
    expect(versionInForce(versions, 99)).toBeNull();
    expect(versionInForce(versions, 100)?.id).toBe(1);
    expect(versionInForce(versions, 199)?.id).toBe(1);
    expect(versionInForce(versions, 250)?.id).toBe(3);
  });
});

describe('the difference between two versions', () => {
  it('names the added, the dropped and every changed field', () => {
    const d = diffLists(
      [entry('1'), entry('2'), entry('3', { meterIds: ['a', 'b'] })],
      [
        entry('1', { gradeLabel: 'B-', measures: { yellow: { summary: '停1条线', percent: 10 } } }),
        entry('3', { meterIds: ['b', 'a'] }),
        entry('4'),
      ],
    );
    expect(d.added.map((e) => e.enterpriseId)).toEqual(['4']);
    expect(d.dropped.map((e) => e.enterpriseId)).toEqual(['2']);
    expect(d.unchanged).toBe(1); // the order of meters is no change
    expect(d.changed).toEqual([
      {
        enterpriseId: '1',
        name: '企业1',
        county: 'shuangta',
        changes: [
          { field: 'gradeLabel', label: '绩效分级', from: 'B', to: 'B-' },
          {
            field: 'measures',
            label: '减排措施',
            from: {},
            to: { yellow: { summary: '停1条线', percent: 10 } },
          },
        ],
      },
    ]);
  });
});
