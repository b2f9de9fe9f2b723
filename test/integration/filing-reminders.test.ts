/**
 * The 一厂一策 reminders end to end on the time-skipping server: before the heating season each
 * branch is told which enterprises of its county have not filed, again a week later for those still
 * missing, and no more once all have filed (its history replays); and the yearly schedule that
 * starts them (dev server).
 */
import { randomBytes } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { fileSheet, reviewFiling } from '../../src/adapters/filings/index.js';
import { importListDraft, publishList, withUsccCheck } from '../../src/adapters/power/index.js';
import { cstDate } from '../../src/domain/index.js';
import { ensureFilingReminderSchedule } from '../../src/ops/filing-reminder-schedule.js';
import type { filingReminderWorkflow } from '../../src/workflows/index.js';
import { episodeWorker, timeSkippingSuite } from '../episode-harness.js';
import { integrationContext, workflowBundle } from '../helpers.js';

const suite = timeSkippingSuite();
const DAY = 86_400_000;
const uscc = () => withUsccCheck(`91211300${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`);

async function deliveries(year: number) {
  const { rows } = await suite.pool.query<{
    recipient_id: string;
    step: string;
    title: string;
    body: string;
  }>(
    `SELECT recipient_id, step, title, body FROM notification_deliveries WHERE episode_id = $1 ORDER BY id`,
    [`filings:${year}`],
  );
  return rows;
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached');
}

describe('filing reminders before the heating season', () => {
  it('remind each branch of its unfiled enterprises weekly, until all have filed', {
    timeout: 120_000,
  }, async () => {
    const { env, pool } = suite;
    const t = randomBytes(3).toString('hex').toUpperCase();
    const year = 9450 + Math.floor(Math.random() * 450);
    const csv = [
      '企业编号,企业名称,统一社会信用代码,所在县区,绩效分级,重点企业,电表编号',
      `R${t}1,双塔钢铁${t},${uscc()},双塔区,B,是,RM${t}1`,
      `R${t}2,北票水泥${t},${uscc()},北票市,C,否,RM${t}2`,
      `R${t}3,北票焦化${t},${uscc()},北票市,B-,是,RM${t}3`,
    ].join('\n');
    const draft = await importListDraft(pool, {
      year,
      fileName: 'list.csv',
      content: Buffer.from(csv),
      format: 'csv',
      actor: 'test',
      nowMs: Date.now(),
    });
    await publishList(pool, {
      listId: draft.listId,
      effectiveFromMs: Date.parse(`${year}-01-01T00:00:00+08:00`),
      actor: 'test',
      nowMs: Date.now(),
    });
    const sheet = { yellow: { measures: ['停产1条线'], expectedCutPercent: 10, linesToStop: ['1号线'] } };

    const { worker, taskQueue } = await episodeWorker(env, pool);
    await worker.runUntil(async () => {
      const start = await env.currentTimeMs();
      const seasonStartsAt = start + 20 * DAY;
      const handle = await env.client.workflow.start<typeof filingReminderWorkflow>(
        'filingReminderWorkflow',
        {
          taskQueue,
          workflowId: `filing-reminders-test-${t}`,
          args: [{ year, seasonStartsAt }],
        },
      );
      // the first round: both branches, each with its own county's enterprises
      const first = await until(
        () => deliveries(year),
        (d) => d.length === 2,
      );
      const shuangta = first.find((d) => d.recipient_id === 'branch.shuangta')!;
      const beipiao = first.find((d) => d.recipient_id === 'branch.beipiao')!;
      const due = seasonStartsAt - DAY;
      const [y, m, dd] = cstDate(due).split('-').map(Number);
      expect(shuangta.title).toBe('一厂一策报备提醒：双塔区尚有1家企业未报备');
      expect(shuangta.body).toBe(
        `双塔分局：${year}年度应急减排清单中，双塔区尚有1家企业未报备一厂一策（双塔钢铁${t}）。请督促企业于${y}年${m}月${dd}日前（供暖季开始前）完成报备，并在系统中审核。`,
      );
      expect(beipiao.body).toContain(`北票市尚有2家企业未报备一厂一策（北票焦化${t}、北票水泥${t}）`);

      // Shuangta's enterprise files; one of Beipiao's files and is returned (still owed)
      await fileSheet(pool, {
        year,
        enterpriseId: `R${t}1`,
        levels: sheet,
        document: null,
        actor: 'x',
        confinedTo: null,
      });
      await fileSheet(pool, {
        year,
        enterpriseId: `R${t}2`,
        levels: sheet,
        document: null,
        actor: 'x',
        confinedTo: null,
      });
      await reviewFiling(pool, {
        year,
        enterpriseId: `R${t}2`,
        decision: 'return',
        reason: '措施不全',
        actor: 'y',
        reviewerCounty: 'beipiao',
      });
      await env.sleep(7 * DAY);
      const second = await until(
        () => deliveries(year),
        (d) => d.length === 3,
      );
      expect(second[2]!.recipient_id).toBe('branch.beipiao');
      expect(second[2]!.body).toContain('北票市尚有2家企业未报备');

      // everyone files: the next round finds nobody and the reminders stop before the season
      await fileSheet(pool, {
        year,
        enterpriseId: `R${t}2`,
        levels: { ...sheet, orange: { measures: ['停产2条线'], expectedCutPercent: 20, linesToStop: [] } },
        document: null,
        actor: 'x',
        confinedTo: null,
      });
      await fileSheet(pool, {
        year,
        enterpriseId: `R${t}3`,
        levels: sheet,
        document: null,
        actor: 'x',
        confinedTo: null,
      });
      const result = await handle.result();
      expect(result.year).toBe(year);
      expect(result.rounds.map((r) => r.branches)).toEqual([
        [
          { county: 'beipiao', count: 2 },
          { county: 'shuangta', count: 1 },
        ],
        [{ county: 'beipiao', count: 2 }],
        [],
      ]);
      expect(await deliveries(year)).toHaveLength(3);
      // the workflow is deterministic: its history replays against the current code
      const history = await handle.fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, handle.workflowId);
    });
  });

  it('the yearly schedule is created once, on 1 October 9:00 CST', async () => {
    const ctx = await integrationContext();
    try {
      await ctx.client.schedule
        .getHandle('filing-reminders')
        .delete()
        .catch(() => undefined);
      expect(await ensureFilingReminderSchedule(ctx.client, 'smog-response-test')).toBe('created');
      expect(await ensureFilingReminderSchedule(ctx.client, 'smog-response-test')).toBe('exists');
      const handle = ctx.client.schedule.getHandle('filing-reminders');
      const d = await handle.describe();
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'filingReminderWorkflow' });
      expect(d.spec.timezone).toBe('Asia/Shanghai');
      expect(d.spec.calendars?.[0]).toMatchObject({
        month: [{ start: 'OCTOBER' }],
        dayOfMonth: [{ start: 1 }],
        hour: [{ start: 9 }],
      });
      await handle.delete();
    } finally {
      await ctx.close();
    }
  });
});
