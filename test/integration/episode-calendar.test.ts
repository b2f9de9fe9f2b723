/**
 * The episode's calendar at awkward moments, on the time-skipping server: a warning ordered at 21:00,
 * at 23:59 across midnight, with an effective time given by the commander, and early enough to owe
 * day 1's report. Asserts what the units are told and when they are chased.
 */
import { describe, expect, it } from 'vitest';
import { atCst, cstDate, nextDate, parseIso, toCstIso } from '../../src/domain/index.js';
import { decideUpdate, submitReportUpdate } from '../../src/workflows/definitions.js';
import {
  CITY_REPORTING_UNITS,
  approvePending,
  commander,
  episodeInput,
  goodReport,
  nextCst,
  runScenario,
  saveGoldenHistory,
  skipTo,
  startEpisode,
  timeSkippingSuite,
  unitPrincipal,
  viewOf,
} from '../episode-harness.js';
import { deliveredAtLeast, deliveries, loggedEvents, rejected } from '../episode-records.js';

const s = timeSkippingSuite();

/** Starts a city episode at the next `time` CST with a two-day AQI 230 forecast (yellow or orange proposed). */
async function startAt(time: string, taskQueue: string) {
  await skipTo(s.env, await nextCst(s.env, time));
  const day1 = cstDate(await s.env.currentTimeMs());
  const forecast = [0, 1].map((i) => ({ date: nextDate(day1, i), aqi: 230 }));
  const handle = await startEpisode(s.env, taskQueue, episodeInput({ forecast }));
  return { handle, day1 };
}

const report = (unit: string, responseDay: number) => ({
  actor: unitPrincipal(unit),
  unitId: unit,
  responseDay,
  reportId: `${unit}-d${responseDay}`,
  fields: goodReport(),
});

describe('the response calendar at awkward moments', () => {
  it('a warning ordered at 21:00 owes its first report at 17:00 the next day, and nobody is chased that evening', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAt('21:00', taskQueue);
      await approvePending(handle);
      const id = handle.workflowId;
      const issued = await deliveredAtLeast(s.pool, id, 'warning-issued:%');
      expect(issued[0]!.body).toContain(
        `朝阳市自${Number(day1.slice(0, 4))}年${Number(day1.slice(5, 7))}月${Number(day1.slice(8))}日21时起启动重污染天气`,
      );
      expect(issued[0]!.body).toContain('每日17时前报送');
      expect(issued[0]!.body).not.toMatch(/\d{4}-\d{2}-\d{2}/);

      // the evening of day 1 and the whole of day 2 until 16:59: no reminder, no escalation, no 通报
      await skipTo(s.env, atCst(nextDate(day1, 1), '16:59'));
      expect(await loggedEvents(s.env.client, s.pool, id, 'report.overdue')).toEqual([]);
      expect(await deliveries(s.pool, id, 'escalation:%')).toEqual([]);
      expect(await deliveries(s.pool, id, 'notice:%')).toEqual([]);
      const view = await viewOf(handle);
      expect(view.responseDay).toBe(2);
      const owed = view.duties.filter((d) => d.dutyId === '3.1');
      expect(new Set(owed.map((d) => d.responseDay))).toEqual(new Set([2]));
      expect(owed[0]!.dueAt).toBe(`${nextDate(day1, 1)}T17:00:00+08:00`);
      // nobody owes day 1: a report for it is refused, saying why
      const refusal = await rejected(
        handle.executeUpdate(submitReportUpdate, { args: [report('branch.jianping', 1)] }),
      );
      expect(refusal.type).toBe('VALIDATION');
      expect(refusal.message).toContain('首次报送为第2天');

      // one unit reports in time; at 17:00 the other seven are reminded, each told "12月X日17时前"
      await handle.executeUpdate(submitReportUpdate, { args: [report('branch.jianping', 2)] });
      await skipTo(s.env, atCst(nextDate(day1, 1), '17:01'));
      const overdue = await loggedEvents(s.env.client, s.pool, id, 'report.overdue');
      expect(overdue.map((e) => e.payload.unitId).sort()).toEqual(
        CITY_REPORTING_UNITS.filter((u) => u !== 'branch.jianping').sort(),
      );
      expect(overdue.every((e) => e.payload.dueAt === `${nextDate(day1, 1)}T17:00:00+08:00`)).toBe(true);
      const reminders = await deliveredAtLeast(s.pool, id, 'escalation:2:%:1', 7);
      expect(reminders).toHaveLength(7);
      const [, m, d] = nextDate(day1, 1).split('-').map(Number);
      expect(reminders[0]!.body).toContain(`第2天工作日报应于${m}月${d}日17时前报送`);
      // the office's daily report begins with day 2 too
      await skipTo(s.env, atCst(nextDate(day1, 1), '20:01'));
      const reports = (await viewOf(handle)).documents.filter((x) => x.kind === 'daily-response-report');
      expect(reports.map((x) => x.responseDay)).toEqual([2]);
      await saveGoldenHistory(handle, 'warning-at-21');
    });
  });

  it('a warning ordered at 23:59 begins day 2 a minute later, and a report just after midnight is on time', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAt('23:59', taskQueue);
      await approvePending(handle);
      await skipTo(s.env, atCst(nextDate(day1, 1), '00:30'));
      const view = await viewOf(handle);
      expect(view.responseDay).toBe(2);
      expect(view.duties.filter((d) => d.dutyId === '3.1').map((d) => d.responseDay)).toEqual(
        CITY_REPORTING_UNITS.map(() => 2),
      );
      const result = await handle.executeUpdate(submitReportUpdate, { args: [report('enforcement', 2)] });
      expect(result).toMatchObject({ late: false, duplicate: false });
      expect(await loggedEvents(s.env.client, s.pool, handle.workflowId, 'report.overdue')).toEqual([]);
    });
  });

  it('a warning ordered at 12:59 leaves four hours: day 1 owes its report at 17:00 and late units are chased then', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAt('12:59', taskQueue);
      await approvePending(handle);
      await skipTo(s.env, atCst(day1, '17:01'));
      const overdue = await loggedEvents(s.env.client, s.pool, handle.workflowId, 'report.overdue');
      expect(overdue).toHaveLength(CITY_REPORTING_UNITS.length);
      expect(overdue[0]!.payload).toMatchObject({ responseDay: 1, dueAt: `${day1}T17:00:00+08:00` });
    });
  });

  it('the commander may order a later effect (预警自X日X时起): the texts say it and day 1 follows it', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAt('15:00', taskQueue);
      const pending = (await viewOf(handle)).pendingProposal!;
      const effectiveAt = `${day1}T18:00:00+08:00`;
      const tooLate = toCstIso(parseIso(`${day1}T15:00:00+08:00`) + 4 * 86_400_000);
      const refusal = await rejected(
        handle.executeUpdate(decideUpdate, {
          args: [
            { actor: commander, decision: 'approve', proposalId: pending.proposalId, effectiveAt: tooLate },
          ],
        }),
      );
      expect(refusal.message).toContain('effectiveAt: more than three days ahead');
      await handle.executeUpdate(decideUpdate, {
        args: [{ actor: commander, decision: 'approve', proposalId: pending.proposalId, effectiveAt }],
      });
      const issued = await deliveredAtLeast(s.pool, handle.workflowId, 'warning-issued:%');
      expect(issued[0]!.body).toContain('日18时起启动重污染天气');
      const publicWarning = await deliveredAtLeast(s.pool, handle.workflowId, 'public:%');
      expect(publicWarning[0]!.body).toContain('日18时起启动');
      await skipTo(s.env, atCst(day1, '17:30'));
      expect(await loggedEvents(s.env.client, s.pool, handle.workflowId, 'report.overdue')).toEqual([]);
      const owed = (await viewOf(handle)).duties.filter((d) => d.dutyId === '3.1');
      expect(owed.every((d) => d.responseDay === 2)).toBe(true);
    });
  });
});
