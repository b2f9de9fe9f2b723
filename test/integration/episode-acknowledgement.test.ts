/**
 * 签收 of the warning notices (#15.6) on the time-skipping server: a warning ordered at 16:59 asks the
 * units that report and the departments the plan asks something of to acknowledge within the plan's
 * 30 minutes; a unit's 签收 is recorded once; at the delay the office is told, by name, who has not.
 */
import { describe, expect, it } from 'vitest';
import { acknowledgingUnits, cstDate, defaultPlan, parseIso, unitNames } from '../../src/domain/index.js';
import { acknowledgeNoticeUpdate } from '../../src/workflows/definitions.js';
import {
  approvePending,
  episodeInput,
  forecast,
  nextCst,
  runScenario,
  saveGoldenHistory,
  skipTo,
  startEpisode,
  timeSkippingSuite,
  unitPrincipal,
  viewOf,
} from '../episode-harness.js';
import { deliveredAtLeast, deliveries, rejected } from '../episode-records.js';

const s = timeSkippingSuite();

describe('签收 of a warning notice', () => {
  it('ordered at 16:59: who acknowledged is recorded once; at 17:29 the office is told who has not', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      await skipTo(s.env, await nextCst(s.env, '16:59'));
      const day1 = cstDate(await s.env.currentTimeMs());
      const handle = await startEpisode(
        s.env,
        taskQueue,
        episodeInput({ forecast: forecast(day1, [230, 180]) }),
      );
      await approvePending(handle);
      let view = await viewOf(handle);
      const [asked] = view.acknowledgements ?? [];
      const expectedUnits = acknowledgingUnits(defaultPlan, 'chaoyang');
      expect(asked).toMatchObject({
        noticeKey: 'warning-issued:1',
        news: 'issued',
        title: '关于启动重污染天气黄色预警的通知',
        units: expectedUnits,
        acknowledged: {},
        overdueAt: null,
      });
      expect(parseIso(asked!.dueAt) - parseIso(asked!.sentAt)).toBe(30 * 60_000);
      expect(expectedUnits).toContain('dept.housing'); // a department the plan asks something of

      const ack = (unit: string) =>
        handle.executeUpdate(acknowledgeNoticeUpdate, {
          args: [{ actor: unitPrincipal(unit), noticeKey: 'warning-issued:1' }],
        });
      await ack('branch.shuangta');
      await ack('dept.housing');
      const before = (await viewOf(handle)).eventCount;
      await ack('branch.shuangta'); // again: nothing new
      view = await viewOf(handle);
      expect(view.eventCount).toBe(before);
      expect(Object.keys(view.acknowledgements![0]!.acknowledged).sort()).toEqual([
        'branch.shuangta',
        'dept.housing',
      ]);
      // a unit not asked, and a notice that does not exist, are refused naming why
      expect(await rejected(ack('bureau'))).toMatchObject({ type: 'FORBIDDEN' });
      expect(
        await rejected(
          handle.executeUpdate(acknowledgeNoticeUpdate, {
            args: [{ actor: unitPrincipal('branch.kazuo'), noticeKey: 'warning-issued:9' }],
          }),
        ),
      ).toMatchObject({ type: 'NOT_FOUND' });
      expect(await deliveries(s.pool, handle.workflowId, 'ack:%')).toEqual([]);

      // 30 minutes after the notice went out
      await skipTo(s.env, parseIso(asked!.dueAt) + 60_000);
      const [told] = await deliveredAtLeast(s.pool, handle.workflowId, 'ack:warning-issued:1:overdue');
      const missing = expectedUnits.filter((u) => u !== 'branch.shuangta' && u !== 'dept.housing');
      expect(told).toMatchObject({
        recipient_id: 'office',
        title: '通知未签收：关于启动重污染天气黄色预警的通知',
      });
      const [, m, d] = day1.split('-').map(Number);
      expect(told!.body).toBe(
        `专班办公室：关于启动重污染天气黄色预警的通知已于2026年${m}月${d}日${asked!.sentAt.slice(11, 13).replace(/^0/, '')}时${asked!.sentAt.slice(14, 16)}分下发，` +
          `要求2026年${m}月${d}日${asked!.dueAt.slice(11, 13).replace(/^0/, '')}时${asked!.dueAt.slice(14, 16)}分前签收，` +
          `以下单位尚未签收：${unitNames(defaultPlan, missing)}。请电话确认其已收到并落实。`,
      );
      expect(told!.body).not.toContain('双塔分局');
      view = await viewOf(handle);
      expect(view.acknowledgements![0]!.overdueAt).not.toBeNull();
      // told once
      await s.env.sleep(60 * 60_000);
      expect(await deliveries(s.pool, handle.workflowId, 'ack:%')).toHaveLength(1);
      await saveGoldenHistory(handle, 'acknowledgement-overdue');
    });
  });
});
