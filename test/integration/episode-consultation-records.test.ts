/**
 * Consultations as records (五(一)2, #18.4) on the time-skipping server: a consultation's participants,
 * forecast products and conclusion are kept with it and listed in the view; a consultation without a
 * record keeps none.
 */
import { describe, expect, it } from 'vitest';
import { cstDate } from '../../src/domain/index.js';
import { consultUpdate } from '../../src/workflows/definitions.js';
import {
  approvePending,
  episodeInput,
  forecast,
  nextCst,
  office,
  runScenario,
  skipTo,
  startEpisode,
  timeSkippingSuite,
  viewOf,
} from '../episode-harness.js';

const s = timeSkippingSuite();

describe('consultations as records', () => {
  it('keeps who consulted, the products they used and what they concluded', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      await skipTo(s.env, await nextCst(s.env, '21:00'));
      const day1 = cstDate(await s.env.currentTimeMs());
      const handle = await startEpisode(
        s.env,
        taskQueue,
        episodeInput({ forecast: forecast(day1, [230, 180, 160]) }),
      );
      await approvePending(handle);
      expect((await viewOf(handle)).consultationRecords).toEqual([]);
      const record = {
        participants: ['市生态环境监测中心', '市气象台', '双塔分局'],
        products: [{ title: '未来72小时空气质量预报', reference: '朝环监预〔2026〕118号' }],
        conclusion: '受静稳天气影响，预计后期扩散条件转好，维持橙色预警。',
      };
      const done = await handle.executeUpdate(consultUpdate, {
        args: [{ actor: office, forecast: forecast(day1, [230, 190, 160]), record }],
      });
      const view = await viewOf(handle);
      expect(view.consultationRecords).toEqual([
        { consultationId: done.consultationId, at: expect.any(String), ...record },
      ]);
    });
  });
});
