/**
 * Proposals that a later consultation no longer supports, and provincial directives as floors, on the
 * time-skipping server: what the commander is told and what he can still approve.
 */
import { describe, expect, it } from 'vitest';
import { cstDate, nextDate } from '../../src/domain/index.js';
import { consultUpdate, decideUpdate } from '../../src/workflows/definitions.js';
import {
  approvePending,
  commander,
  consult,
  episodeInput,
  forecast,
  nextCst,
  office,
  runScenario,
  saveGoldenHistory,
  skipTo,
  startEpisode,
  timeSkippingSuite,
  viewOf,
} from '../episode-harness.js';
import { deliveredAtLeast, rejected } from '../episode-records.js';

const s = timeSkippingSuite();

async function startAtTen(aqis: number[], taskQueue: string) {
  await skipTo(s.env, await nextCst(s.env, '10:00'));
  const day1 = cstDate(await s.env.currentTimeMs());
  const handle = await startEpisode(s.env, taskQueue, episodeInput({ forecast: forecast(day1, aqis) }));
  return { handle, day1 };
}

describe('proposals and directives', () => {
  it('a consultation that changes its mind withdraws the pending proposal, tells the commander, and it cannot be approved', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAtTen([230, 240], taskQueue);
      expect((await viewOf(handle)).pendingProposal).toMatchObject({ proposalId: 'P1', level: 'orange' });
      // the same support again: P1 stands, nothing new is proposed
      await consult(handle, forecast(day1, [232, 245]));
      expect((await viewOf(handle)).pendingProposal?.proposalId).toBe('P1');
      // the forecast eases: P1 is withdrawn, a yellow start proposed instead
      const eased = await consult(handle, forecast(day1, [210, 140]));
      expect(eased.proposal).toMatchObject({ proposalId: 'P2', kind: 'start', level: 'yellow' });
      const told = await deliveredAtLeast(s.pool, handle.workflowId, 'proposal:P1:withdrawn');
      expect(told[0]).toMatchObject({ recipient_id: 'commander', title: '请示撤回：启动橙色预警' });
      expect(told[0]!.body).toContain('最新会商研判建议启动黄色预警，原“启动橙色预警”的建议（编号：P1）撤回');
      const refusal = await rejected(
        handle.executeUpdate(decideUpdate, {
          args: [{ actor: commander, decision: 'approve', proposalId: 'P1' }],
        }),
      );
      expect(refusal).toMatchObject({ type: 'STALE_PROPOSAL' });
      expect(refusal.message).toContain('proposal P1 was withdrawn: 最新会商研判建议启动黄色预警');
      const view = await approvePending(handle);
      expect(view.level).toBe('yellow');
      // the related departments and partners are told, each with what is asked of it (二.4, 二.5, 二.8)
      const partners = await deliveredAtLeast(s.pool, handle.workflowId, 'partners:issued:%', 7);
      expect(new Set(partners.map((d) => d.recipient_id))).toEqual(
        new Set([
          'power-company',
          'traffic-police',
          'dept.miit',
          'dept.housing',
          'dept.transport',
          'dept.urban',
          'dept.agriculture',
        ]),
      );
      const housing = partners.find((d) => d.recipient_id === 'dept.housing')!;
      expect(housing.body).toContain('起启动重污染天气黄色预警，执行Ⅲ级应急响应');
      expect(housing.body).toContain('督促各类施工工地落实停止土石方作业等扬尘管控措施');
      await saveGoldenHistory(handle, 'consultation-changes-its-mind');
    });
  });

  it('a provincial directive sets a floor: below the level in force it changes nothing, and no lift goes under it', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAtTen([230, 240], taskQueue);
      await approvePending(handle); // orange
      const directive = {
        kind: '文件' as const,
        action: 'level' as const,
        level: 'yellow' as const,
        number: '辽重污染应急办〔2026〕12号',
      };
      const below = await handle.executeUpdate(consultUpdate, {
        args: [{ actor: office, forecast: forecast(day1, [230, 240]), directive }],
      });
      expect(below.proposal).toBeNull();
      expect((await viewOf(handle)).level).toBe('orange');
      // clean air is forecast: not a lift, but a step down to the directed yellow
      const clean = await consult(handle, forecast(nextDate(day1, 1), [60, 50, 40]));
      expect(clean.proposal).toMatchObject({ kind: 'change', level: 'yellow' });
      expect(clean.proposal!.reasons[0]!.rule).toBe('省级预警指令要求不低于黄色预警');
      await approvePending(handle);
      expect((await consult(handle, forecast(nextDate(day1, 1), [60, 50, 40]))).proposal).toBeNull();
      // the province lifts: a proposal to lift
      const lift = await handle.executeUpdate(consultUpdate, {
        args: [
          {
            actor: office,
            forecast: forecast(nextDate(day1, 1), [60, 50]),
            directive: { kind: '建议', action: 'lift' },
          },
        ],
      });
      expect(lift.proposal).toMatchObject({ kind: 'lift', level: 'none' });
    });
  });

  it('a level change judges the whole process: a milder forecast near the end keeps orange, lived days raise yellow', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      // ordered at 23:59: day 2 begins a minute later
      await skipTo(s.env, await nextCst(s.env, '23:59'));
      const day1 = cstDate(await s.env.currentTimeMs());
      const orange = await startEpisode(
        s.env,
        taskQueue,
        episodeInput({ forecast: forecast(day1, [230, 240]) }),
      );
      await approvePending(orange);
      const yellow = await startEpisode(
        s.env,
        taskQueue,
        episodeInput({ forecast: forecast(day1, [160, 170]) }),
      );
      await approvePending(yellow);
      expect((await viewOf(yellow)).level).toBe('yellow');

      const day3 = nextDate(day1, 2);
      await skipTo(s.env, Date.parse(`${day3}T09:00:00+08:00`));
      // forecast alone, [180, 170] would step orange down to yellow; the lived 230 and 240 keep it
      const kept = await consult(orange, forecast(day3, [180, 170]));
      expect(kept.proposal).toBeNull();
      expect((await viewOf(orange)).level).toBe('orange');
      // forecast alone, a single 180 holds nothing; with the lived 160 and 170 it is 72 h above 150
      const raised = await consult(yellow, forecast(day3, [180]));
      expect(raised.proposal).toMatchObject({ kind: 'change', level: 'orange' });
      const [m, d] = [Number(day1.slice(5, 7)), Number(day1.slice(8))];
      const [m2, d2] = [Number(nextDate(day1, 1).slice(5, 7)), Number(nextDate(day1, 1).slice(8))];
      expect(raised.proposal!.reasons[0]!.rule).toContain(
        `（按全过程研判，含已过去的2天：${m}月${d}日、${m2}月${d2}日）`,
      );
      const told = await deliveredAtLeast(
        s.pool,
        yellow.workflowId,
        `proposal:${raised.proposal!.proposalId}`,
      );
      expect(told[0]!.body).toContain('按全过程研判');
      expect(told[0]!.body).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      await saveGoldenHistory(yellow, 'whole-process-raise');
    });
  });
});
