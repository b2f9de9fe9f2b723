/**
 * A 30-day red episode in which no unit ever reports (the heaviest history: every deadline escalates
 * through the whole ladder) keeps each run's history bounded by continuing as new.
 */
import { describe, expect, it } from 'vitest';
import { atCst, cstDate, nextDate } from '../../src/domain/index.js';
import {
  type EpisodeHandle,
  type StartedEpisodeHandle,
  approvePending,
  consult,
  episodeInput,
  forecast,
  nextCst,
  runScenario,
  signOff,
  saveGoldenHistory,
  skipTo,
  startEpisode,
  timeSkippingSuite,
} from '../episode-harness.js';

const s = timeSkippingSuite();

/** Lengths of the histories of every run of the chain, following continue-as-new. */
async function runHistoryLengths(handle: StartedEpisodeHandle): Promise<number[]> {
  const lengths: number[] = [];
  let runId: string | undefined = handle.firstExecutionRunId;
  while (runId) {
    const run: EpisodeHandle = s.env.client.workflow.getHandle(handle.workflowId, runId);
    const events = (await run.fetchHistory()).events ?? [];
    lengths.push(events.length);
    runId =
      events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ??
      undefined;
  }
  return lengths;
}

describe('a 30-day red episode', () => {
  it('keeps every run under 10,000 history events and loses nothing across continue-as-new', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      await skipTo(s.env, await nextCst(s.env, '09:00'));
      const day1 = cstDate(await s.env.currentTimeMs());
      const handle = await startEpisode(
        s.env,
        taskQueue,
        episodeInput({ forecast: forecast(day1, [320, 310, 305]), continueAsNewAfterEvents: 2_000 }),
      );
      expect((await approvePending(handle)).level).toBe('red');
      await skipTo(s.env, atCst(nextDate(day1, 30), '09:00'));
      const lift = await consult(handle, forecast(nextDate(day1, 30), [80, 70]));
      expect(lift.proposal?.kind).toBe('lift');
      await approvePending(handle);
      const final = await signOff(s.env, handle);

      expect(final.phase).toBe('closed');
      const dailyReports = final.documents.filter((d) => d.kind === 'daily-response-report');
      expect(dailyReports.map((d) => d.responseDay)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
      const lengths = await runHistoryLengths(handle);
      expect(lengths.length).toBeGreaterThan(1);
      for (const length of lengths) expect(length).toBeLessThan(10_000);

      const seqs = (
        await s.pool.query<{ seq: number }>(
          'SELECT seq FROM episode_events WHERE episode_id = $1 ORDER BY seq',
          [handle.workflowId],
        )
      ).rows.map((r) => r.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect(seqs.length).toBe(final.eventCount);
      const notices = await s.pool.query(
        'SELECT count(*)::int AS n FROM episode_events WHERE episode_id = $1 AND type = $2',
        [handle.workflowId, 'notice.proposed'],
      );
      // 8 units × 31 days of reports, plus their 8 summaries, each reached the third step: a 通报 is
      // proposed to the office each time (none issued: the office decides, and nobody did here)
      expect(notices.rows[0].n).toBe(8 * 31 + 8);
      await saveGoldenHistory(handle, 'red-30-days-first-run');
    });
  });
});
