/**
 * Read-your-writes: after an Update answered with the sequence number of its last event, wait
 * (bounded) until the projection has applied that sequence, so the next read shows the write. Woken
 * by the projection feed's notices, with a slow poll in case the feed is down.
 */
import type pg from 'pg';
import { appliedSeq } from './projected-view.js';
import type { ProjectionFeed } from './projection-feed.js';

/** The longest an Update's answer (or a read with `minSeq`) waits for the projection. */
export const PROJECTION_WAIT_MS = 3_000;
const POLL_MS = 200;

/** Resolves true once `seq` of `id` is projected, false after `timeoutMs`. */
export async function awaitProjection(
  pool: pg.Pool,
  feed: ProjectionFeed,
  id: string,
  seq: number,
  timeoutMs = PROJECTION_WAIT_MS,
): Promise<boolean> {
  if (!(seq > 0)) return true;
  let wake: () => void = () => {};
  const unsubscribe = feed.subscribe((n) => {
    if (n.id === id && n.seq >= seq) wake();
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (true) {
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      if ((await appliedSeq(pool, id)) >= seq) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([woken, new Promise((r) => (timer = setTimeout(r, Math.min(POLL_MS, left))))]);
      clearTimeout(timer);
    }
  } finally {
    unsubscribe();
  }
}

/** The sequence an Update's answer carries: `seq` (consult, report, summary) or the view's `eventCount`. */
export function seqOfAnswer(answer: unknown): number {
  const a = answer as { seq?: unknown; eventCount?: unknown } | null;
  if (typeof a?.seq === 'number') return a.seq;
  if (typeof a?.eventCount === 'number') return a.eventCount;
  return 0;
}
