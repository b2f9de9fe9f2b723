/** Spreadsheet amplification (security finding 2): real tiny XLSX files that try to blow up the reader. */
import ExcelJS from 'exceljs';
import { handMadeXlsx, inline, num } from '../../xlsx-fixture.js';
import { describe, expect, it } from 'vitest';
import { TabularError, readTabular } from '../../../src/adapters/power/tabular.js';
import { DEFAULT_XLSX_LIMITS, inspectZip, readXlsxRows } from '../../../src/adapters/power/xlsx-rows.js';

const ALIASES = { meterId: ['电表编号'], date: ['日期'], kwh: ['用电量'] };
const REQUIRED = ['meterId', 'date', 'kwh'];

async function xlsx(fill: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  fill(wb.addWorksheet('读数'));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const HEADER = `<row r="1">${inline('A1', '电表编号')}${inline('B1', '日期')}${inline('C1', '用电量')}</row>`;

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TabularError);
  return (err as TabularError).errors;
};

describe('XLSX reading is bounded', () => {
  it('a cell in column XFD on each of 10,000 rows of a 160 kB file (164 million cells before the fix) is refused before the sheet is parsed', async () => {
    let rows = HEADER;
    for (let r = 2; r <= 10_001; r++) {
      rows += `<row r="${r}">${inline(`A${r}`, 'M')}${inline(`B${r}`, '2026-11-02')}${num(`C${r}`, r)}${inline(`XFD${r}`, 'x')}</row>`;
    }
    const file = handMadeXlsx(rows);
    expect(file.length).toBeLessThan(200_000); // the import limit is 20 MiB
    expect(await refusal(readTabular(file, 'xlsx', ALIASES, REQUIRED))).toEqual([
      { line: 1, field: '文件', reason: '表格用到第16384列，超过200列的上限' },
    ]);
    // the same file without the XFD cells is read (the hand-made XLSX is a valid workbook)
    const clean = handMadeXlsx(rows.replaceAll(/<c r="XFD\d+".*?<\/c>/g, ''));
    const table = await readTabular(clean, 'xlsx', ALIASES, REQUIRED);
    expect(table.rows).toHaveLength(10_000);
    expect(table.rows[9_999]).toEqual({
      line: 10_001,
      values: { meterId: 'M', date: '2026-11-02', kwh: 10_001 },
    });
  });

  it('a header reaching column XFD is refused', async () => {
    const file = handMadeXlsx(`<row r="1">${inline('A1', '电表编号')}${inline('XFD1', '备注')}</row>`);
    expect(file.length).toBeLessThan(2_048);
    expect(await refusal(readTabular(file, 'xlsx', ALIASES, REQUIRED))).toEqual([
      { line: 1, field: '文件', reason: '表格用到第16384列，超过200列的上限' },
    ]);
  });

  it('reads only real cells within the header’s columns (a stray cell in column GR is dropped)', async () => {
    const file = await xlsx((ws) => {
      ws.addRow(['电表编号', '日期', '用电量']);
      for (let r = 2; r <= 301; r++) {
        ws.getCell(`A${r}`).value = `M-${r}`;
        ws.getCell(`C${r}`).value = r;
        ws.getCell(`GR${r}`).value = '备注';
      }
    });
    const raw = await readXlsxRows(file);
    expect(raw).toHaveLength(301);
    expect(raw.every((r) => r.cells.length === 3)).toBe(true);
    expect(raw[1]).toEqual({ line: 2, cells: ['M-2', null, 2] });
    const table = await readTabular(file, 'xlsx', ALIASES, REQUIRED);
    expect(table.rows[299]).toEqual({ line: 301, values: { meterId: 'M-301', date: null, kwh: 301 } });
  });

  it('more cells than the cap are refused', async () => {
    const file = await xlsx((ws) => {
      ws.addRow(['电表编号', '日期', '用电量']);
      for (let r = 0; r < 4; r++) ws.addRow([`M-${r}`, '2026-11-02', r]);
    });
    const limits = { ...DEFAULT_XLSX_LIMITS, maxCells: 10 };
    expect(await refusal(readTabular(file, 'xlsx', ALIASES, REQUIRED, limits))).toEqual([
      { line: 1, field: '文件', reason: '表格超过10个单元格，请拆分后分批导入' },
    ]);
  });

  it('more rows than the cap are refused', async () => {
    const file = await xlsx((ws) => {
      ws.addRow(['电表编号', '日期', '用电量']);
      for (let r = 0; r < 6; r++) ws.addRow([`M-${r}`, '2026-11-02', r]);
    });
    const limits = { ...DEFAULT_XLSX_LIMITS, maxRows: 5 };
    const errors = await refusal(readTabular(file, 'xlsx', ALIASES, REQUIRED, limits));
    expect(errors).toEqual([{ line: 7, field: '文件', reason: '数据超过5行，请拆分后分批导入' }]);
    expect((await readTabular(file, 'xlsx', ALIASES, REQUIRED, { ...limits, maxRows: 6 })).rows).toHaveLength(
      6,
    );
    const csv = Buffer.from(`电表编号,日期,用电量\n${'M,2026-11-02,1\n'.repeat(6)}`);
    expect(await refusal(readTabular(csv, 'csv', ALIASES, REQUIRED, limits))).toEqual([
      { line: 1, field: '文件', reason: '数据超过5行，请拆分后分批导入' },
    ]);
  });

  it('a zip that inflates past the cap is refused before it is parsed (measured, not declared)', async () => {
    const file = await xlsx((ws) => {
      ws.addRow(['电表编号', '日期', '用电量']);
      ws.addRow(['M-1', '2026-11-02', 'a'.repeat(4 * 1024 * 1024)]);
    });
    expect(file.length).toBeLessThan(100_000);
    expect(inspectZip(file, DEFAULT_XLSX_LIMITS)).toMatchObject({ cells: 6, maxColumn: 3 });
    expect(inspectZip(file, DEFAULT_XLSX_LIMITS).bytes).toBeGreaterThan(4 * 1024 * 1024);
    const limits = { ...DEFAULT_XLSX_LIMITS, maxUncompressedBytes: 1024 * 1024 };
    expect(await refusal(readTabular(file, 'xlsx', ALIASES, REQUIRED, limits))).toEqual([
      { line: 1, field: '文件', reason: '文件解压后超过1 MB，请拆分后分批导入' },
    ]);
  });
});
