/** A warning's period as people write it: '2026年12月2日17时至12月4日24时' (China Standard Time). */
import { formatCstChinese } from './messages.js';

const CST_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** '2026年12月4日24时' for the last second of a day (23:59:59), else formatCstChinese. */
export function formatCstEnd(epochMs: number): string {
  const secondOfDay = Math.floor((epochMs + CST_MS) / 1000) % 86_400;
  if (secondOfDay !== 86_399) return formatCstChinese(epochMs);
  return formatCstChinese(epochMs - DAY_MS + 1000).replace(/日0时$/, '日24时');
}

/** Start '至' end; the end drops the year when it is the start's year. No end: '2026年12月2日17时起'. */
export function formatCstPeriod(startMs: number, endMs?: number | null): string {
  const start = formatCstChinese(startMs);
  if (endMs === undefined || endMs === null) return `${start}起`;
  const end = formatCstEnd(endMs);
  const year = start.slice(0, start.indexOf('年') + 1);
  return `${start}至${end.startsWith(year) ? end.slice(year.length) : end}`;
}
