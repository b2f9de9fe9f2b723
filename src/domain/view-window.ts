/** The duties an episode view shows: standing duties, summaries, anything still open, and today's and yesterday's. */
import type { DutyRecord } from './episode-state.js';

export function dutiesInView(duties: readonly DutyRecord[], today: number | null): DutyRecord[] {
  return duties.filter(
    (d) =>
      d.responseDay === null ||
      d.responseDay === 'summary' ||
      d.status === 'pending' ||
      d.status === 'overdue' ||
      (today !== null && typeof d.responseDay === 'number' && d.responseDay >= today - 1),
  );
}
