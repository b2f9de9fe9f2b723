/**
 * Reads the first worksheet of an XLSX file as rows of real cells, bounded: the zip's actual
 * uncompressed size is measured by inflating it (declared sizes can lie) and its cells are counted and
 * their columns checked before any parsing; the sheet is then streamed (exceljs WorkbookReader), only
 * cells within the header's columns are kept, and rows are capped. One cell in column XFD no longer
 * makes every row 16,384 cells.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { Unzip, UnzipInflate } from 'fflate';

export type XlsxCell = string | number | boolean | Date | null;

export interface XlsxLimits {
  /** Largest total uncompressed size of the zip's entries, bytes. */
  maxUncompressedBytes: number;
  /** Most data rows (the header not counted). */
  maxRows: number;
  /** Highest column any cell may use (and so the header's width). */
  maxColumns: number;
  /** Most cells in the worksheets (empty `<c/>` elements count: they cost the parser the same). */
  maxCells: number;
}

export const DEFAULT_XLSX_LIMITS: XlsxLimits = {
  maxUncompressedBytes: 100 * 1024 * 1024,
  maxRows: 200_000,
  maxColumns: 200,
  maxCells: 5_000_000,
};

/** A file refused for its size or shape; `reason` is shown to the importing officer (Chinese). */
export class XlsxLimitError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Column number of letters A…XFD. */
const columnNumber = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
const CELL_START = /<(?:\w+:)?c[\s>/]/g;
const CELL_REF = /<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})\d+"/g;

export interface ZipInspection {
  /** Bytes the zip actually inflates to. */
  bytes: number;
  /** Cells (`<c>` elements) in the worksheets, and the highest column any of them names. */
  cells: number;
  maxColumn: number;
}

/**
 * Inflates every entry (discarding the bytes) to measure the real uncompressed size, and counts the
 * worksheets' cells and their highest column; throws as soon as a limit is passed.
 */
export function inspectZip(content: Buffer, limits: XlsxLimits): ZipInspection {
  const found: ZipInspection = { bytes: 0, cells: 0, maxColumn: 0 };
  let refusal: XlsxLimitError | null = null;
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (file) => {
    const isSheet = /^xl\/worksheets\/[^/]+\.xml$/i.test(file.name);
    let tail = '';
    file.ondata = (err, chunk) => {
      if (err) throw err;
      if (refusal) return;
      found.bytes += chunk.length;
      if (found.bytes > limits.maxUncompressedBytes) {
        refusal = new XlsxLimitError(
          1,
          `文件解压后超过${Math.round(limits.maxUncompressedBytes / 1024 / 1024)} MB，请拆分后分批导入`,
        );
      } else if (isSheet) {
        const text = tail + Buffer.from(chunk).toString('latin1');
        for (const m of text.matchAll(CELL_START)) if (m.index + m[0].length > tail.length) found.cells++;
        for (const m of text.matchAll(CELL_REF)) {
          if (m.index + m[0].length > tail.length)
            found.maxColumn = Math.max(found.maxColumn, columnNumber(m[1]!));
        }
        tail = text.slice(-200);
        if (found.maxColumn > limits.maxColumns) {
          refusal = new XlsxLimitError(1, `表格用到第${found.maxColumn}列，超过${limits.maxColumns}列的上限`);
        } else if (found.cells > limits.maxCells) {
          refusal = new XlsxLimitError(1, `表格超过${limits.maxCells}个单元格，请拆分后分批导入`);
        }
      }
      if (refusal) file.terminate();
    };
    if (!refusal) file.start();
  };
  const step = 64 * 1024;
  for (let i = 0; i < content.length && !refusal; i += step) {
    unzip.push(content.subarray(i, i + step), i + step >= content.length);
  }
  if (refusal) throw refusal;
  return found;
}

export interface XlsxRow {
  line: number;
  cells: XlsxCell[];
}

/** The first worksheet's non-empty rows, each as the cells within the header's columns. */
export async function readXlsxRows(
  content: Buffer,
  limits: XlsxLimits = DEFAULT_XLSX_LIMITS,
): Promise<XlsxRow[]> {
  inspectZip(content, limits);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([content]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const rows: XlsxRow[] = [];
  let width = 0;
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const cells = new Map<number, XlsxCell>();
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        if (width === 0 || col <= width) cells.set(col, cellValue(cell.value));
      });
      if ([...cells.values()].every((v) => v === null || v === '')) continue;
      if (width === 0) {
        width = Math.max(...cells.keys());
        if (width > limits.maxColumns) {
          throw new XlsxLimitError(row.number, `表头超过${limits.maxColumns}列（最后一列在第${width}列）`);
        }
      } else if (rows.length - 1 >= limits.maxRows) {
        throw new XlsxLimitError(row.number, `数据超过${limits.maxRows}行，请拆分后分批导入`);
      }
      const out: XlsxCell[] = Array.from({ length: width }, (_, i) => cells.get(i + 1) ?? null);
      rows.push({ line: row.number, cells: out });
    }
    break; // the first worksheet only
  }
  return rows;
}

function cellValue(v: ExcelJS.CellValue): XlsxCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellValue((v.result ?? null) as ExcelJS.CellValue);
    if ('error' in v) return null;
  }
  return String(v);
}
