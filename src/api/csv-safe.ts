/**
 * CSV formula injection (OWASP "CSV Injection"): a cell whose text begins with = + - @, a tab or a
 * carriage return is read as a formula by spreadsheet programs. Such text gets a leading single quote
 * (shown as text, never evaluated). The CSV writer quotes cells holding separators or quotes.
 * XLSX cells are written as typed strings (never formulas), so the XLSX export needs no change.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Every string of a row neutralised; numbers, booleans and dates stay typed. */
export function safeCsvRow<T extends Record<string, unknown>>(row: T): T {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? neutraliseFormula(v) : v]),
  ) as T;
}
