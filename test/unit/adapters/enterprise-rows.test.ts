import { describe, expect, it } from 'vitest';
import {
  cellDate,
  cellNumber,
  type ImportError,
  validateEnterpriseRow,
  withUsccCheck,
} from '../../../src/adapters/power/index.js';
import { defaultPlan } from '../../../src/domain/plans/chaoyang-2024.js';

const label = (c: string) => c;
const good = {
  id: 'E001',
  name: '朝阳某水泥有限公司',
  uscc: withUsccCheck('91211300MA0000001'),
  county: '北票市',
  industry: '水泥',
  grade: 'B-',
  key: '是',
  exemption: '无',
  meters: '1001;1002',
  yellowMeasures: '停止1条生产线',
  yellowPercent: '15',
  orangeMeasures: '',
  redMeasures: '全厂停产',
};

describe('reduction list rows', () => {
  it('turns a good row into a record (county id, grade, meters, measures)', () => {
    const errors: ImportError[] = [];
    const rec = validateEnterpriseRow(defaultPlan, 2, good, label, errors);
    expect(errors).toEqual([]);
    expect(rec).toMatchObject({
      id: 'E001',
      county: 'beipiao',
      grade: 'B',
      gradeLabel: 'B-',
      key: true,
      exemption: 'none',
      meterIds: ['1001', '1002'],
      measures: { yellow: { summary: '停止1条生产线', percent: 15 }, red: { summary: '全厂停产' } },
    });
  });

  it('reports every problem of a bad row with its line and column', () => {
    const errors: ImportError[] = [];
    const rec = validateEnterpriseRow(
      defaultPlan,
      7,
      {
        ...good,
        uscc: '91211300MA00000010',
        county: '沈阳市',
        grade: 'E',
        key: '也许',
        exemption: '其他',
        meters: '',
        redPercent: '120',
      },
      label,
      errors,
    );
    expect(rec).toBeNull();
    expect(errors.map((e) => e.field)).toEqual([
      'uscc',
      'county',
      'grade',
      'key',
      'exemption',
      'meters',
      'redPercent',
    ]);
    expect(errors.every((e) => e.line === 7)).toBe(true);
    expect(errors[0]?.reason).toMatch(/校验码错误/);
    expect(errors[1]?.reason).toMatch(/不是方案中的行政区/);
  });

  it('reads dates and numbers from cells', () => {
    expect(cellDate('2026-11-29')).toBe('2026-11-29');
    expect(cellDate('2026/1/5')).toBe('2026-01-05');
    expect(cellDate('20260105')).toBe('2026-01-05');
    expect(cellDate(new Date(Date.UTC(2026, 0, 5)))).toBe('2026-01-05');
    expect(cellDate('2026-02-30')).toBeNull();
    expect(cellNumber('1,234.5')).toBe(1234.5);
    expect(cellNumber(12)).toBe(12);
    expect(cellNumber('12kWh')).toBeNull();
  });
});
