/**
 * Reading CSV and XLSX files into rows keyed by canonical column names, with the line (row) number
 * each row came from so that errors can name it.
 */
import { parse } from 'csv-parse/sync';
import {
  DEFAULT_XLSX_LIMITS,
  type XlsxCell,
  type XlsxLimits,
  XlsxLimitError,
  readXlsxRows,
} from './xlsx-rows.js';

export type TabularFormat = 'csv' | 'xlsx';
export type CellValue = XlsxCell;

export interface TabularRow {
  /** 1-based line (CSV) or row (XLSX) number in the file; the header is line 1. */
  line: number;
  values: Record<string, CellValue>;
}

export interface ImportError {
  line: number;
  field: string;
  reason: string;
}

export interface TabularFile {
  rows: TabularRow[];
  /** Canonical column → the header text found in the file. */
  headers: Record<string, string>;
}

export class TabularError extends Error {
  constructor(readonly errors: ImportError[]) {
    super(errors.map((e) => `第${e.line}行 ${e.field}：${e.reason}`).join('；'));
  }
}

const normalizeHeader = (h: string) =>
  h
    .replace(/^\uFEFF/, '')
    .replace(/[\s_（）()%]/g, '')
    .toLowerCase();

/**
 * Reads a file whose first row is the header. `aliases` maps a canonical column to the header texts
 * it may have (Chinese and English); unknown columns are ignored, missing required ones reported.
 */
export async function readTabular(
  content: Buffer,
  format: TabularFormat,
  aliases: Record<string, readonly string[]>,
  required: readonly string[],
  limits: XlsxLimits = DEFAULT_XLSX_LIMITS,
): Promise<TabularFile> {
  const raw = format === 'csv' ? readCsv(content, limits) : await readXlsx(content, limits);
  const [head, ...body] = raw;
  if (!head) throw new TabularError([{ line: 1, field: '表头', reason: '文件为空' }]);
  const lookup = new Map<string, string>();
  for (const [canonical, names] of Object.entries(aliases)) {
    lookup.set(normalizeHeader(canonical), canonical);
    for (const n of names) lookup.set(normalizeHeader(n), canonical);
  }
  const columns: Array<string | null> = head.cells.map(
    (h) => lookup.get(normalizeHeader(String(h ?? ''))) ?? null,
  );
  const headers: Record<string, string> = {};
  head.cells.forEach((h, i) => {
    const c = columns[i];
    if (c && !(c in headers)) headers[c] = String(h).trim();
  });
  const missing = required.filter((c) => !(c in headers));
  if (missing.length > 0) {
    throw new TabularError(
      missing.map((c) => ({ line: head.line, field: aliases[c]?.[0] ?? c, reason: '缺少该列' })),
    );
  }
  const rows: TabularRow[] = [];
  for (const r of body) {
    if (r.cells.every((v) => v === null || v === '')) continue;
    const values: Record<string, CellValue> = {};
    r.cells.forEach((v, i) => {
      const c = columns[i];
      if (c && !(c in values)) values[c] = typeof v === 'string' ? v.trim() : v;
    });
    rows.push({ line: r.line, values });
  }
  return { rows, headers };
}

interface RawRow {
  line: number;
  cells: CellValue[];
}

/** CSV: the same row cap as XLSX (the body limit already bounds its size; extra columns cost only their bytes). */
function readCsv(content: Buffer, limits: XlsxLimits): RawRow[] {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(content, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    throw new TabularError([{ line, field: '文件', reason: `CSV格式错误：${(err as Error).message}` }]);
  }
  if (records.length - 1 > limits.maxRows) {
    throw new TabularError([
      { line: 1, field: '文件', reason: `数据超过${limits.maxRows}行，请拆分后分批导入` },
    ]);
  }
  return records.map((r) => ({ line: r.info.lines, cells: r.record }));
}

async function readXlsx(content: Buffer, limits: XlsxLimits): Promise<RawRow[]> {
  try {
    return await readXlsxRows(content, limits);
  } catch (err) {
    if (err instanceof XlsxLimitError)
      throw new TabularError([{ line: err.line, field: '文件', reason: err.reason }]);
    throw new TabularError([
      { line: 1, field: '文件', reason: `无法读取XLSX文件：${(err as Error).message}` },
    ]);
  }
}

/** Cell → trimmed string ('' for empty). Integral numbers lose no digits; dates become YYYY-MM-DD. */
export function cellText(v: CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return isoDateOfCell(v);
  return String(v).trim();
}

/** Excel stores dates as UTC midnight of the calendar day. */
function isoDateOfCell(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** A calendar date from a cell: Date, 'YYYY-MM-DD', 'YYYY/M/D', 'YYYYMMDD'; null when invalid. */
export function cellDate(v: CellValue | undefined): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : isoDateOfCell(v);
  const s = cellText(v);
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A non-negative finite number ('1,234.5' accepted); null when invalid. */
export function cellNumber(v: CellValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const s = cellText(v).replace(/,/g, '');
  if (s === '' || !/^[-+]?\d*\.?\d+(e[-+]?\d+)?$/i.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}
