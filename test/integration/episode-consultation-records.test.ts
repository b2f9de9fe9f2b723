/**
 * Consultations as records and 加密会商 (五(一)2, 二.1, #18.4) on the time-skipping server: a consultation's
 * participants, forecast products and conclusion are kept with it; during a warning ordered at 21:00,
 * 24 hours without a consultation tell the office once, and a new consultation starts the count again.
 */
import { describe, expect, it } from 'vitest';
import { cstDate, parseIso } from '../../src/domain/index.js';
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
import { deliveredAtLeast, deliveries } from '../episode-records.js';

const s = timeSkippingSuite();
const HOUR = 3_600_000;

describe('consultations as records', () => {
  it('keeps who consulted and what they concluded; after 24 h without one the office is told once', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      await skipTo(s.env, await nextCst(s.env, '21:00'));
      const day1 = cstDate(await s.env.currentTimeMs());
      const handle = await startEpisode(
        s.env,
        taskQueue,
        episodeInput({ forecast: forecast(day1, [230, 180, 160]) }),
      );
      await approvePending(handle);
      const record = {
        participants: ['市生态环境监测中心', '市气象台', '双塔分局'],
        products: [{ title: '未来72小时空气质量预报', reference: '朝环监预〔2026〕118号' }],
        conclusion: '受静稳天气影响，预计12月3日后期扩散条件转好，维持橙色预警。',
      };
      await handle.executeUpdate(consultUpdate, {
        args: [{ actor: office, forecast: forecast(day1, [230, 190, 160]), record }],
      });
      let view = await viewOf(handle);
      const [kept] = view.consultationRecords ?? [];
      expect(kept).toMatchObject(record);
      const lastAt = parseIso(kept!.at);
      // not yet at 23 h
      await skipTo(s.env, lastAt + 23 * HOUR);
      expect(await deliveries(s.pool, handle.workflowId, 'consultation:%')).toEqual([]);
      await skipTo(s.env, lastAt + 24 * HOUR + 60_000);
      const [told] = await deliveredAtLeast(
        s.pool,
        handle.workflowId,
        `consultation:${kept!.consultationId}:due`,
      );
      const [, m, d] = day1.split('-').map(Number);
      expect(told).toMatchObject({ recipient_id: 'office', title: '请组织加密会商研判' });
      expect(told!.body).toMatch(
        new RegExp(
          `^专班办公室：朝阳市正在执行重污染天气橙色预警，距上次会商研判（\\d{4}年${m}月${d}日21时(\\d\\d分)?）已满24小时。`,
        ),
      );
      // once: another 6 hours tell nobody again
      await skipTo(s.env, lastAt + 30 * HOUR);
      expect(await deliveries(s.pool, handle.workflowId, 'consultation:%')).toHaveLength(1);
      view = await viewOf(handle);
      expect(view.level).toBe('orange');
    });
  });
});
