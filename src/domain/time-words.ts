/**
 * Times and dates as people write them in Chinese official texts, China Standard Time:
 * 2026年12月2日17时, 14时35分, 12月2日17时 (within the year), 12月2日. Never an ISO string.
 */
import { CST_OFFSET_MS, MS_PER_MINUTE, cstDate } from './calendar.js';

function parts(epochMs: number): { y: number; m: number; d: number; hh: number; mm: number } {
  const [y, m, d] = cstDate(epochMs).split('-').map(Number) as [number, number, number];
  const minutes = Math.floor((epochMs + CST_OFFSET_MS) / MS_PER_MINUTE) % 1440;
  return { y, m, d, hh: Math.floor(minutes / 60), mm: minutes % 60 };
}

const clock = (hh: number, mm: number) => `${hh}时${mm === 0 ? '' : `${String(mm).padStart(2, '0')}分`}`;

/** '2026年12月2日17时' (minutes only when not zero: '2026年11月29日14时35分'). */
export function cstDateTimeWords(epochMs: number): string {
  const { y, m, d, hh, mm } = parts(epochMs);
  return `${y}年${m}月${d}日${clock(hh, mm)}`;
}

/** '12月2日17时' — a deadline within the episode, where the year goes without saying. */
export function cstDeadlineWords(epochMs: number): string {
  const { m, d, hh, mm } = parts(epochMs);
  return `${m}月${d}日${clock(hh, mm)}`;
}

/** '12月2日' for a CST date 'YYYY-MM-DD'. */
export function cstDateWords(date: string): string {
  const [, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${m}月${d}日`;
}

/** '2026年12月2日' for a CST date 'YYYY-MM-DD'. */
export function cstFullDateWords(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日`;
}
