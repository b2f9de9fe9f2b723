/** The hour a monitoring-centre file names: its end, CST; whole hours only; 24:00 and XLSX date cells. */
import { describe, expect, it } from 'vitest';
import { hourEndOfCell } from '../../../src/adapters/air-quality/index.js';

const cst = (s: string) => Date.parse(`${s}+08:00`);

describe('hourEndOfCell', () => {
  it('reads text times as the end of the hour in CST', () => {
    expect(hourEndOfCell('2026-12-01 01:00')).toBe(cst('2026-12-01T01:00:00'));
    expect(hourEndOfCell('2026/12/1 1:00')).toBe(cst('2026-12-01T01:00:00'));
    expect(hourEndOfCell('2026-12-01T13:00:00')).toBe(cst('2026-12-01T13:00:00'));
    // 24:00 is the end of the day's last hour: the next day's 00:00
    expect(hourEndOfCell('2026-12-01 24:00')).toBe(cst('2026-12-02T00:00:00'));
    expect(hourEndOfCell('2026-12-02 00:00')).toBe(cst('2026-12-02T00:00:00'));
  });

  it('reads an XLSX date cell as wall-clock CST time (Excel stores it as UTC)', () => {
    expect(hourEndOfCell(new Date(Date.UTC(2026, 11, 1, 8)))).toBe(cst('2026-12-01T08:00:00'));
    // float noise of Excel's day fractions is absorbed
    expect(hourEndOfCell(new Date(Date.UTC(2026, 11, 1, 8) + 3))).toBe(cst('2026-12-01T08:00:00'));
  });

  it('refuses what is not a whole hour or not a date', () => {
    for (const bad of [
      '2026-12-01 01:30',
      '2026-12-01 25:00',
      '2026-02-30 01:00',
      '2026-12-01',
      'yesterday',
      '',
    ]) {
      expect(hourEndOfCell(bad), bad).toBeNull();
    }
    expect(hourEndOfCell(new Date(Date.UTC(2026, 11, 1, 8, 30)))).toBeNull();
  });
});
