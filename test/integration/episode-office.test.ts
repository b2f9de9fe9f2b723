/**
 * The office's decisions on the time-skipping server: an early response proposed at 16:59, confirmed
 * at 17:00 and ended by a later consultation by itself (五(二)1); one declined with its reason; and the
 * 通报 the ladder proposes, one issued and one declined (五(四)2) — only the issued one reaches the
 * units and is counted. Asserts what each message says and to whom it goes.
 */
import { describe, expect, it } from 'vitest';
import { atCst, cstDate, nextDate } from '../../src/domain/index.js';
import { decideEarlyResponseUpdate, decideNoticeUpdate } from '../../src/workflows/definitions.js';
import {
  CITY_REPORTING_UNITS,
  approvePending,
  confirmEarlyResponse,
  consult,
  decideNotice,
  episodeInput,
  forecast,
  nextCst,
  office,
  reportAll,
  runScenario,
  saveGoldenHistory,
  skipTo,
  startEpisode,
  timeSkippingSuite,
  unitPrincipal,
  viewOf,
} from '../episode-harness.js';
import { deliveredAtLeast, deliveries, loggedEvents, rejected } from '../episode-records.js';
import { getDocument } from '../../src/adapters/reporting/index.js';
import { produceEventDocuments } from '../../src/adapters/reporting/notices.js';

const s = timeSkippingSuite();

const events = (id: string, type?: string) => loggedEvents(s.env.client, s.pool, id, type);

async function startAt(time: string, aqis: number[], taskQueue: string) {
  await skipTo(s.env, await nextCst(s.env, time));
  const day1 = cstDate(await s.env.currentTimeMs());
  const handle = await startEpisode(s.env, taskQueue, episodeInput({ forecast: forecast(day1, aqis) }));
  return { handle, day1 };
}

describe('the office decides', () => {
  it('an early response proposed at 16:59 starts on its word at 17:00 and ends by itself when the process is over', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAt('16:59', [130, 145], taskQueue);
      const id = handle.workflowId;
      // proposed to the office, in words; nobody is obliged or told yet
      let view = await viewOf(handle);
      expect(view).toMatchObject({ phase: 'consultation', pendingProposal: null });
      expect(view.pendingEarlyResponse?.reasons[0]?.ruleId).toBe('early.1');
      expect(view.duties).toEqual([]);
      const asked = await deliveredAtLeast(s.pool, id, 'early-response:proposed');
      expect(asked.map((d) => d.recipient_id)).toEqual(['office']);
      expect(asked[0]!.body).toMatch(
        /^专班办公室：经\d{4}年\d{1,2}月\d{1,2}日16时59分会商研判，\d+月\d+日AQI约130（轻度污染）/,
      );
      expect(asked[0]!.body).toContain('建议开展污染过程提前应对');
      expect(await deliveries(s.pool, id, 'early-response')).toEqual([]);
      // a branch does not keep the city's episode; the office confirms
      expect(
        await rejected(
          handle.executeUpdate(decideEarlyResponseUpdate, {
            args: [{ actor: unitPrincipal('branch.beipiao'), decision: 'start' }],
          }),
        ),
      ).toMatchObject({ type: 'FORBIDDEN' });
      await skipTo(s.env, atCst(day1, '17:00'));
      view = await confirmEarlyResponse(handle);
      expect(view.phase).toBe('early-response');
      const started = await deliveredAtLeast(s.pool, id, 'early-response', CITY_REPORTING_UNITS.length);
      expect(started[0]!.body).toMatch(
        /^各有关单位：经会商研判，.*请自\d{4}年\d{1,2}月\d{1,2}日17时起提前开展污染源排放管控/,
      );
      expect(
        await rejected(
          handle.executeUpdate(decideEarlyResponseUpdate, { args: [{ actor: office, decision: 'start' }] }),
        ),
      ).toMatchObject({ type: 'INVALID_TRANSITION' });
      // confirmed at 17:00, less than four hours before 17:00: the first report is due the next day
      const owed = view.duties.filter((d) => d.dutyId === '3.1');
      expect(owed.every((d) => d.responseDay !== 1)).toBe(true);

      // day 2: the units report; day 3 09:00 a consultation shows no process: the early response ends
      const day2 = nextDate(day1, 1);
      await skipTo(s.env, atCst(day2, '16:00'));
      await reportAll(handle, 2);
      await skipTo(s.env, atCst(nextDate(day1, 2), '09:00'));
      await consult(handle, forecast(nextDate(day1, 2), [70, 60]));
      view = await viewOf(handle);
      expect(view.phase).toBe('lifting');
      const ended = await events(id, 'early-response.ended');
      expect(ended.map((e) => e.payload.reason)).toEqual(['最新会商研判预报不再出现污染过程，提前应对结束']);
      const told = await deliveredAtLeast(s.pool, id, 'early-response:ended', CITY_REPORTING_UNITS.length);
      expect(told[0]!.body).toMatch(
        /^各有关单位：最新会商研判预报不再出现污染过程，提前应对结束。自\d{4}年\d{1,2}月\d{1,2}日9时起结束提前应对，请各报送单位于\d+月\d+日10时前报送/,
      );
      expect(
        view.duties
          .filter((d) => d.responseDay === 'summary')
          .map((d) => d.unitId)
          .sort(),
      ).toEqual([...CITY_REPORTING_UNITS].sort());
      await saveGoldenHistory(handle, 'early-response-confirmed-and-over');
    });
  });

  it('an early response the office declines does not start; a decline without a reason is refused', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle } = await startAt('21:00', [120, 110], taskQueue);
      const noReason = await rejected(
        handle.executeUpdate(decideEarlyResponseUpdate, { args: [{ actor: office, decision: 'decline' }] }),
      );
      expect(noReason).toMatchObject({ type: 'VALIDATION' });
      expect(noReason.message).toContain('reason');
      const view = await handle.executeUpdate(decideEarlyResponseUpdate, {
        args: [{ actor: office, decision: 'decline', reason: '夜间臭氧浓度下降，经研判不启动' }],
      });
      expect(view).toMatchObject({ phase: 'consultation', pendingEarlyResponse: null, duties: [] });
      expect((await events(handle.workflowId, 'early-response.declined'))[0]!.payload.reason).toBe(
        '夜间臭氧浓度下降，经研判不启动',
      );
      expect(await events(handle.workflowId, 'early-response.started')).toEqual([]);
    });
  });

  it('a 通报 proposed by the ladder reaches the units only when the office issues it; a declined one never does', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAt('09:00', [230, 240], taskQueue);
      await approvePending(handle);
      const id = handle.workflowId;
      const late = ['branch.kazuo', 'enforcement'];
      await reportAll(
        handle,
        1,
        CITY_REPORTING_UNITS.filter((u) => !late.includes(u)),
      );
      // 17:00 + 3 h: a 通报 proposed for each late unit, to the office only
      await skipTo(s.env, atCst(day1, '20:01'));
      const proposed = await events(id, 'notice.proposed');
      expect(proposed.map((e) => e.payload.unitId).sort()).toEqual([...late].sort());
      const [kazuo, enforcement] = ['branch.kazuo', 'enforcement'].map(
        (u) => proposed.find((e) => e.payload.unitId === u)!.payload.noticeId as string,
      );
      const asked = await deliveredAtLeast(s.pool, id, 'notice:%:proposed', 2);
      expect(new Set(asked.map((d) => d.recipient_id))).toEqual(new Set(['office']));
      expect(asked.find((d) => d.body.includes('喀左分局'))!.body).toMatch(
        /^专班办公室：喀左分局未按要求于\d+月\d+日17时前报送第1天工作日报.*通报编号：N\d/,
      );
      let view = await viewOf(handle);
      expect(view.proposedNotices.map((n) => n.unitId).sort()).toEqual([...late].sort());
      expect(view.noticeCount).toBe(0);

      // the office issues one and declines the other, saying why; each decision is taken once
      await decideNotice(handle, kazuo!);
      view = await decideNotice(handle, enforcement!, '执法队因现场突发案件处置迟报，已补报，不予通报');
      expect(view.noticeCount).toBe(1);
      expect(view.notices.map((n) => n.unitId)).toEqual(['branch.kazuo']);
      expect(view.declinedNotices).toEqual([
        expect.objectContaining({
          unitId: 'enforcement',
          reason: '执法队因现场突发案件处置迟报，已补报，不予通报',
        }),
      ]);
      expect(view.proposedNotices).toEqual([]);
      expect(
        await rejected(
          handle.executeUpdate(decideNoticeUpdate, {
            args: [{ actor: office, noticeId: kazuo!, decision: 'issue' }],
          }),
        ),
      ).toMatchObject({ type: 'INVALID_TRANSITION' });
      expect(
        await rejected(
          handle.executeUpdate(decideNoticeUpdate, {
            args: [{ actor: office, noticeId: `${id}:N99`, decision: 'issue' }],
          }),
        ),
      ).toMatchObject({ type: 'NOT_FOUND' });

      const issued = await deliveredAtLeast(s.pool, id, `notice:${kazuo}`, 10);
      expect(issued[0]!.title).toBe('关于喀左分局未按时报送第1天工作日报的通报');
      expect(issued[0]!.body).toContain('现予以通报');
      expect(await deliveries(s.pool, id, `notice:${enforcement}`)).toEqual([]);
      await saveGoldenHistory(handle, 'notices-decided-by-office');
    });
  });

  it('the office issues a 通报 in its own words: the units read them, and the 通报 document says them', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAt('09:00', [230, 240], taskQueue);
      await approvePending(handle);
      const id = handle.workflowId;
      await reportAll(
        handle,
        1,
        CITY_REPORTING_UNITS.filter((u) => u !== 'branch.lingyuan'),
      );
      await skipTo(s.env, atCst(day1, '20:01'));
      const [proposed] = await events(id, 'notice.proposed');
      const noticeId = proposed!.payload.noticeId as string;
      const issue = (text: string) =>
        handle.executeUpdate(decideNoticeUpdate, {
          args: [{ actor: office, noticeId, decision: 'issue', text }],
        });
      // too short to be a 通报: refused, nothing issued
      expect(await rejected(issue('不予'))).toMatchObject({ type: 'VALIDATION' });
      expect((await viewOf(handle)).noticeCount).toBe(0);
      const text =
        '凌源分局未按要求于当日17时前报送第1天工作日报，经两次电话督促仍未报送。现予以通报，请凌源分局于次日9时前作出书面说明并补报。';
      await issue(text);
      const [read] = await deliveredAtLeast(s.pool, id, `notice:${noticeId}`, 1);
      expect(read!.title).toBe('关于凌源分局未按时报送第1天工作日报的通报');
      expect(read!.body).toMatch(new RegExp(`^${text}（通报编号：N\\d+）$`));
      await produceEventDocuments(s.pool, id);
      const { rows } = await s.pool.query<{ id: string }>(
        "SELECT id FROM documents WHERE episode_id = $1 AND kind = 'circulated-notice'",
        [id],
      );
      expect(rows).toHaveLength(1);
      const html = (await getDocument(s.pool, rows[0]!.id, 'html'))!.content.toString('utf8');
      expect(html).toContain(text);
      expect(html).not.toContain('信息报送要求，现予以通报。');
    });
  });
});
