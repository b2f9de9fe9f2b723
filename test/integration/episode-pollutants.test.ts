/**
 * Pollutant-specific rules on the time-skipping server (#12.6, 6号): an ozone process gets the ozone
 * duty (VOCs and NOx) and the afternoon health advice, not the particle measures; a PM2.5 process the
 * reverse. Asserts the duties assigned and what the public is told.
 */
import { describe, expect, it } from 'vitest';
import { cstDate, nextDate } from '../../src/domain/index.js';
import {
  approvePending,
  episodeInput,
  nextCst,
  runScenario,
  saveGoldenHistory,
  skipTo,
  startEpisode,
  timeSkippingSuite,
  viewOf,
} from '../episode-harness.js';
import { deliveredAtLeast } from '../episode-records.js';

const s = timeSkippingSuite();

async function warn(aqis: number[], pollutant: string, taskQueue: string) {
  const day1 = cstDate(await s.env.currentTimeMs());
  const forecast = aqis.map((aqi, i) => ({ date: nextDate(day1, i), aqi, primaryPollutants: [pollutant] }));
  const handle = await startEpisode(s.env, taskQueue, episodeInput({ forecast }));
  await approvePending(handle);
  const view = await viewOf(handle);
  return { handle, duties: new Set(view.duties.map((d) => d.dutyId)) };
}

describe('pollutant-specific duties and advice', () => {
  it('an ozone process gets the VOCs/NOx duty and the afternoon advice; a PM2.5 process the particle measures', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      await skipTo(s.env, await nextCst(s.env, '13:00'));
      const ozone = await warn([210, 160], 'O3', taskQueue);
      expect(ozone.duties.has('2.10')).toBe(true);
      expect(ozone.duties.has('2.7')).toBe(false);
      const told = await deliveredAtLeast(s.pool, ozone.handle.workflowId, 'public:%');
      expect(told[0]!.body).toContain('首要污染物臭氧');
      expect(told[0]!.body).toContain('臭氧浓度午后至傍晚最高');
      const pm = await warn([210, 160], 'PM2.5', taskQueue);
      expect(pm.duties.has('2.7')).toBe(true);
      expect(pm.duties.has('2.10')).toBe(false);
      const pmTold = await deliveredAtLeast(s.pool, pm.handle.workflowId, 'public:%');
      expect(pmTold[0]!.body).not.toContain('午后');
      await saveGoldenHistory(ozone.handle, 'ozone-yellow');
    });
  });
});
