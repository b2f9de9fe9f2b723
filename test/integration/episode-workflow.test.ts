/**
 * Whole episodes on the time-skipping test server, with the real activities over the run's
 * PostgreSQL (notifications go to the delivery log). Each scenario moves the clock explicitly.
 */
import { describe, expect, it } from 'vitest';
import { atCst, cstDate, nextDate, parseIso, toCstIso } from '../../src/domain/index.js';
import {
  closeEpisodeUpdate,
  consultUpdate,
  decideUpdate,
  signWorkSummaryUpdate,
  submitReportUpdate,
  submitSummaryUpdate,
} from '../../src/workflows/definitions.js';
import {
  CITY_REPORTING_UNITS,
  approvePending,
  commander,
  confirmEarlyResponse,
  consult,
  decideNotice,
  episodeInput,
  forecast,
  goodReport,
  nextCst,
  office,
  reportAll,
  runScenario,
  signOff,
  untilDrafted,
  saveGoldenHistory,
  skipTo,
  startEpisode,
  timeSkippingSuite,
  unitPrincipal,
  viewOf,
} from '../episode-harness.js';
import { deliveredAtLeast, deliveries as deliveriesOf, loggedEvents, rejected } from '../episode-records.js';

const s = timeSkippingSuite();

const events = (episodeId: string, type?: string) => loggedEvents(s.env.client, s.pool, episodeId, type);
const deliveries = (episodeId: string, stepLike: string) => deliveriesOf(s.pool, episodeId, stepLike);

/** Starts at the next 09:00 CST so that the calendar of each scenario is known. */
async function startAtNine(input: Parameters<typeof episodeInput>[0], taskQueue: string) {
  await skipTo(s.env, await nextCst(s.env, '09:00'));
  const day1 = cstDate(await s.env.currentTimeMs());
  const handle = await startEpisode(
    s.env,
    taskQueue,
    episodeInput({ ...input, forecast: input.forecast.map((d, i) => ({ ...d, date: nextDate(day1, i) })) }),
  );
  return { handle, day1 };
}

describe('episode workflow (time-skipping)', () => {
  it('runs a 3-day yellow warning with every report on time, then lift, summaries, work summary and close', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAtNine(
        { forecast: forecast('2000-01-01', [210, 140, 120]) },
        taskQueue,
      );
      let view = await viewOf(handle);
      expect(view.phase).toBe('proposed');
      expect(view.pendingProposal).toMatchObject({ kind: 'start', level: 'yellow' });
      expect(view.pendingProposal!.reasons[0]!.days).toEqual([day1]);

      view = await approvePending(handle);
      expect(view).toMatchObject({ phase: 'active', level: 'yellow', response: 'III', responseDay: 1 });

      for (let day = 1; day <= 3; day++) {
        await reportAll(handle, day);
        await skipTo(s.env, atCst(nextDate(day1, day), '09:00'));
      }
      // Day 4, 09:00: the consultation forecasts clean air for two days: a lift is proposed and approved.
      const result = await consult(handle, forecast(nextDate(day1, 3), [90, 80]));
      expect(result.proposal).toMatchObject({ kind: 'lift', level: 'none' });
      view = await approvePending(handle);
      expect(view.phase).toBe('lifting');
      await reportAll(handle, 4);
      for (const unit of CITY_REPORTING_UNITS) {
        await handle.executeUpdate(submitSummaryUpdate, {
          args: [
            {
              actor: unitPrincipal(unit),
              unitId: unit,
              summaryId: `${unit}-summary`,
              text: '本次过程应对工作总结。',
            },
          ],
        });
      }
      // the work summary is a draft until the office signs it off: nothing reaches 市政府 or the
      // province before, and only the office may sign (#13.5)
      const id = handle.workflowId;
      await untilDrafted(s.env, handle);
      const draft = await viewOf(handle);
      expect(draft).toMatchObject({ phase: 'lifting', workSummary: { signedAt: null, signer: null } });
      const asked = await deliveredAtLeast(s.pool, id, 'work-summary:draft');
      expect(asked.map((d) => d.recipient_id)).toEqual(['office']);
      expect(asked[0]!.body).toMatch(/^专班办公室：朝阳市本次重污染天气过程应对工作总结（草稿/);
      expect(await deliveries(id, 'work-summary')).toEqual([]);
      for (const who of [commander, unitPrincipal('branch.beipiao')])
        expect(
          (
            await rejected(
              handle.executeUpdate(signWorkSummaryUpdate, { args: [{ actor: who, signer: '某某' }] }),
            )
          ).type,
        ).toBe('FORBIDDEN');
      expect(
        (
          await rejected(
            handle.executeUpdate(signWorkSummaryUpdate, { args: [{ actor: office, signer: ' ' }] }),
          )
        ).type,
      ).toBe('VALIDATION');
      expect(await deliveries(id, 'work-summary')).toEqual([]);
      const final = await signOff(s.env, handle, office, '王建国');
      expect(final.workSummary).toMatchObject({ signer: '王建国', signedBy: office.id });
      expect(final.phase).toBe('closed');
      expect(final.closeReason).toBe('lifted');
      expect(final.overdueCount).toBe(0);
      expect(
        final.documents.filter((d) => d.kind === 'daily-response-report').map((d) => d.responseDay),
      ).toEqual([1, 2, 3, 4]);
      expect(final.documents.some((d) => d.kind === 'work-summary')).toBe(true);
      expect(Object.keys(final.summaries).sort()).toEqual([...CITY_REPORTING_UNITS].sort());

      expect(await events(id, 'report.overdue')).toEqual([]);
      expect((await events(id, 'report.submitted')).every((e) => e.payload.late === false)).toBe(true);
      expect((await deliveries(id, 'public:%')).map((d) => d.title)).toEqual([
        expect.stringContaining('发布'),
        expect.stringContaining('解除'),
      ]);
      expect(await deliveries(id, 'work-summary')).toEqual([
        expect.objectContaining({ recipient_id: 'city-gov' }),
        expect.objectContaining({ recipient_id: 'province' }),
      ]);
      // the audit log is gap-free
      const seqs = (await events(id)).map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      await saveGoldenHistory(handle, 'yellow-3-days-on-time');
    });
  });

  it('escalates an overdue report at 17:00, +1 h and +3 h CST, and stops as soon as the report arrives', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAtNine({ forecast: forecast('2000-01-01', [220, 210]) }, taskQueue);
      await approvePending(handle);
      const onTime = CITY_REPORTING_UNITS.filter((u) => u !== 'branch.beipiao' && u !== 'enforcement');
      await reportAll(handle, 1, onTime);

      await skipTo(s.env, atCst(day1, '17:00') + 1_000);
      let view = await viewOf(handle);
      expect(view.duties.find((d) => d.unitId === 'branch.beipiao' && d.responseDay === 1)?.status).toBe(
        'overdue',
      );
      const id = handle.workflowId;
      const overdue = await events(id, 'report.overdue');
      expect(overdue.map((e) => [e.payload.unitId, e.at])).toEqual([
        ['branch.beipiao', `${day1}T17:00:00+08:00`],
        ['enforcement', `${day1}T17:00:00+08:00`],
      ]);

      await skipTo(s.env, atCst(day1, '18:00') + 1_000);
      const steps = await events(id, 'escalation.step');
      expect(steps.map((e) => [e.payload.unitId, e.payload.step, e.payload.targets, e.at])).toEqual([
        ['branch.beipiao', 1, ['branch.beipiao'], `${day1}T17:00:00+08:00`],
        ['enforcement', 1, ['enforcement'], `${day1}T17:00:00+08:00`],
        ['branch.beipiao', 2, ['office.director'], `${day1}T18:00:00+08:00`],
        ['enforcement', 2, ['office.director'], `${day1}T18:00:00+08:00`],
      ]);

      await skipTo(s.env, atCst(day1, '18:30'));
      const late = await handle.executeUpdate(submitReportUpdate, {
        args: [
          {
            actor: unitPrincipal('branch.beipiao'),
            unitId: 'branch.beipiao',
            responseDay: 1,
            reportId: 'bp-d1',
            fields: goodReport(),
          },
        ],
      });
      expect(late).toMatchObject({ late: true, replaced: false });
      view = await viewOf(handle);
      expect(view.openEscalations.map((e) => e.unitId)).toEqual(['enforcement']);

      await skipTo(s.env, atCst(day1, '20:00') + 1_000);
      const third = (await events(id, 'escalation.step')).filter((e) => e.payload.step === 3);
      expect(third.map((e) => [e.payload.unitId, e.payload.targets, e.at])).toEqual([
        ['enforcement', ['taskforce.leader', 'taskforce.deputy'], `${day1}T20:00:00+08:00`],
      ]);
      // the ladder proposes the 通报 to the office; nothing is circulated until the office issues it
      const proposed = await events(id, 'notice.proposed');
      expect(proposed.map((e) => [e.payload.unitId, e.at])).toEqual([
        ['enforcement', `${day1}T20:00:00+08:00`],
      ]);
      expect(await events(id, 'notice.circulated')).toEqual([]);
      const asked = await deliveredAtLeast(s.pool, id, 'notice:%:proposed');
      expect(asked.map((d) => d.recipient_id)).toEqual(['office']);
      expect(asked[0]!.body).toMatch(
        /^专班办公室：市生态环境保护综合行政执法队未按要求于\d+月\d+日17时前报送第1天工作日报/,
      );
      const leadersTold = await deliveredAtLeast(s.pool, id, 'escalation:1:enforcement:3', 2);
      expect(leadersTold[0]!.body).toContain('拟予以通报');
      await decideNotice(handle, proposed[0]!.payload.noticeId as string);
      const notices = await events(id, 'notice.circulated');
      expect(notices.map((e) => e.payload.unitId)).toEqual(['enforcement']);
      const circulated = await deliveredAtLeast(s.pool, id, `notice:${proposed[0]!.payload.noticeId}`, 10);
      expect(circulated[0]!.body).toContain('现予以通报');
      expect((await viewOf(handle)).noticeCount).toBe(1);
      expect((await events(id, 'escalation.stopped')).map((e) => e.payload.unitId)).toEqual([
        'branch.beipiao',
      ]);
      // each step sent exactly one message to each target
      expect(
        (await deliveries(id, 'escalation:1:branch.beipiao:%')).map((d) => [d.step, d.recipient_id]),
      ).toEqual([
        ['escalation:1:branch.beipiao:1', 'branch.beipiao'],
        ['escalation:1:branch.beipiao:2', 'office.director'],
      ]);
      view = await viewOf(handle);
      const dayDoc = view.documents.find((d) => d.kind === 'daily-response-report' && d.responseDay === 1);
      expect(dayDoc).toBeDefined();
      const daily = await deliveries(id, 'daily-report:1');
      expect(daily).toHaveLength(2);
      expect(daily[0]!.title).toContain('第1天');
      await saveGoldenHistory(handle, 'overdue-escalation');
    });
  });

  it('raises yellow to orange on a new consultation and the commander’s approval (CAP Update references the alert)', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAtNine(
        { forecast: forecast('2000-01-01', [160, 170, 120]) },
        taskQueue,
      );
      await approvePending(handle);
      expect((await viewOf(handle)).level).toBe('yellow');
      const raised = await consult(handle, forecast(day1, [230, 240, 210]));
      expect(raised.proposal).toMatchObject({ kind: 'change', level: 'orange' });
      const view = await approvePending(handle);
      expect(view).toMatchObject({ level: 'orange', response: 'II', phase: 'active' });
      expect(view.warnings.map((w) => [w.kind, w.level])).toEqual([
        ['issued', 'yellow'],
        ['changed', 'orange'],
      ]);
      await expect
        .poll(async () =>
          (
            await s.pool.query(
              'SELECT msg_type, xml FROM cap_alerts WHERE episode_id = $1 ORDER BY sent, msg_type',
              [handle.workflowId],
            )
          ).rows.map((r) => r.msg_type),
        )
        .toEqual(['Alert', 'Update']);
      const update = (
        await s.pool.query('SELECT xml FROM cap_alerts WHERE episode_id = $1 AND msg_type = $2', [
          handle.workflowId,
          'Update',
        ])
      ).rows[0].xml as string;
      expect(update).toContain(`${handle.workflowId}:cap:1`);
      expect((await events(handle.workflowId, 'duty.assigned')).some((e) => e.payload.dutyId === '2.9')).toBe(
        true,
      );
      await saveGoldenHistory(handle, 'yellow-to-orange');
    });
  });

  it('lets the commander decline: no warning is issued, nothing goes to the public, the office may cancel', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle } = await startAtNine({ forecast: forecast('2000-01-01', [205, 90]) }, taskQueue);
      const pending = (await viewOf(handle)).pendingProposal!;
      const view = await handle.executeUpdate(decideUpdate, {
        args: [
          { actor: commander, decision: 'decline', proposalId: pending.proposalId, comment: '气象条件好转' },
        ],
      });
      expect(view).toMatchObject({ level: 'none', phase: 'consultation', pendingProposal: null });
      expect(view.decisions.map((d) => d.decision)).toEqual(['decline']);
      const again = await rejected(
        handle.executeUpdate(decideUpdate, {
          args: [{ actor: commander, decision: 'decline', proposalId: pending.proposalId }],
        }),
      );
      expect(again.type).toBe('INVALID_TRANSITION');
      await handle.executeUpdate(closeEpisodeUpdate, { args: [{ actor: office, reason: 'cancel' }] });
      const final = await handle.result();
      expect(final).toMatchObject({ phase: 'closed', closeReason: 'cancelled' });
      expect(await deliveries(handle.workflowId, 'public:%')).toEqual([]);
      expect(await events(handle.workflowId, 'warning.issued')).toEqual([]);
      await saveGoldenHistory(handle, 'commander-declines');
    });
  });

  it('starts from a provincial directive with the level given, even when the local forecast is below it', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle } = await startAtNine(
        {
          forecast: forecast('2000-01-01', [170, 160]),
          origin: 'province',
          directedLevel: 'orange',
          initiator: office,
        },
        taskQueue,
      );
      const view = await viewOf(handle);
      expect(view.origin).toBe('province');
      expect(view.pendingProposal).toMatchObject({ kind: 'start', level: 'orange' });
      expect(view.pendingProposal!.reasons[0]!.ruleId).toBe('province');
      expect((await approvePending(handle)).level).toBe('orange');
    });
  });

  it('turns an early response (sub-threshold process) into a warning on a later consultation, keeping the day count', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAtNine(
        { forecast: forecast('2000-01-01', [130, 140, 120]) },
        taskQueue,
      );
      // the early response is proposed to the office, and starts on its confirmation
      let view = await viewOf(handle);
      expect(view).toMatchObject({ phase: 'consultation', pendingEarlyResponse: expect.anything() });
      expect(view.duties).toEqual([]);
      view = await confirmEarlyResponse(handle);
      expect(view).toMatchObject({
        phase: 'early-response',
        level: 'none',
        responseDay: 1,
        pendingProposal: null,
      });
      expect(
        view.duties
          .filter((d) => d.responseDay === 1)
          .map((d) => d.unitId)
          .sort(),
      ).toEqual([...CITY_REPORTING_UNITS].sort());
      await reportAll(handle, 1);
      await skipTo(s.env, atCst(nextDate(day1, 1), '09:00'));
      const result = await consult(handle, forecast(nextDate(day1, 1), [215, 220]));
      expect(result.proposal).toMatchObject({ kind: 'start', level: 'orange' });
      view = await approvePending(handle);
      expect(view).toMatchObject({ phase: 'active', level: 'orange', firstDay: day1, responseDay: 2 });
      await saveGoldenHistory(handle, 'early-response-to-warning');
    });
  });

  it('escalates a proposal the commander leaves undecided: a reminder after 30 min, the leaders 30 min later', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle } = await startAtNine({ forecast: forecast('2000-01-01', [230, 240]) }, taskQueue);
      const proposedAt = parseIso((await viewOf(handle)).pendingProposal!.proposedAt);
      await skipTo(s.env, proposedAt + 30 * 60_000 + 1_000);
      let view = await viewOf(handle);
      expect(view.pendingProposal?.escalations).toBe(1);
      await skipTo(s.env, proposedAt + 60 * 60_000 + 1_000);
      view = await viewOf(handle);
      expect(view.pendingProposal?.escalations).toBe(2);
      const steps = await events(handle.workflowId, 'proposal.escalated');
      expect(steps.map((e) => [e.payload.step, e.payload.targets, e.at])).toEqual([
        [1, ['commander'], toCstIso(proposedAt + 30 * 60_000).replace(/\.\d{3}/, '')],
        [
          2,
          ['taskforce.leader', 'taskforce.deputy'],
          toCstIso(proposedAt + 60 * 60_000).replace(/\.\d{3}/, ''),
        ],
      ]);
      expect(
        (await deliveries(handle.workflowId, 'proposal:P1:escalation:%')).map((d) => d.recipient_id),
      ).toEqual(['commander', 'taskforce.leader', 'taskforce.deputy']);
      // deciding ends the chase
      await approvePending(handle);
      await skipTo(s.env, proposedAt + 3 * 60 * 60_000);
      expect(await events(handle.workflowId, 'proposal.escalated')).toHaveLength(2);
    });
  });

  it('closes an early response without a warning: summaries, then the work summary', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAtNine({ forecast: forecast('2000-01-01', [120, 130]) }, taskQueue);
      expect((await confirmEarlyResponse(handle)).phase).toBe('early-response');
      await reportAll(handle, 1);
      await skipTo(s.env, atCst(nextDate(day1, 1), '08:00'));
      await reportAll(handle, 2);
      const view = await handle.executeUpdate(closeEpisodeUpdate, {
        args: [{ actor: office, reason: 'end-early-response', comment: '污染过程结束' }],
      });
      expect(view.phase).toBe('lifting');
      const late = CITY_REPORTING_UNITS.slice(0, -1);
      for (const unit of late) {
        await handle.executeUpdate(submitSummaryUpdate, {
          args: [
            { actor: unitPrincipal(unit), unitId: unit, summaryId: `${unit}-s`, text: '提前应对工作总结。' },
          ],
        });
      }
      // the last unit never files its summary: the ladder runs to the end, then the work summary is
      // drafted and goes out once signed off
      const final = await signOff(s.env, handle);
      expect(final).toMatchObject({ phase: 'closed', closeReason: 'early-response-ended', level: 'none' });
      expect(final.warnings).toEqual([]);
      const missing = CITY_REPORTING_UNITS.at(-1)!;
      const notices = await events(handle.workflowId, 'notice.proposed');
      expect(notices.map((n) => [n.payload.unitId, n.payload.responseDay])).toEqual([[missing, 'summary']]);
      expect(notices[0]!.at).toBe(`${nextDate(day1, 2)}T13:00:00+08:00`);
      expect(final.documents.map((d) => d.kind)).toContain('work-summary');
    });
  });

  it('rejects invalid commands synchronously and changes nothing', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle } = await startAtNine({ forecast: forecast('2000-01-01', [120, 110]) }, taskQueue);
      await confirmEarlyResponse(handle);
      const before = await viewOf(handle);
      expect(before.pendingProposal).toBeNull();
      const cases: Array<[() => Promise<unknown>, string]> = [
        [
          () => handle.executeUpdate(decideUpdate, { args: [{ actor: commander, decision: 'lift' }] }),
          'INVALID_TRANSITION',
        ],
        [
          () =>
            handle.executeUpdate(decideUpdate, {
              args: [{ actor: commander, decision: 'approve', proposalId: 'P1' }],
            }),
          'INVALID_TRANSITION',
        ],
        [
          () =>
            handle.executeUpdate(decideUpdate, {
              args: [{ actor: office, decision: 'order-level', level: 'red' }],
            }),
          'FORBIDDEN',
        ],
        [
          () =>
            handle.executeUpdate(submitReportUpdate, {
              args: [
                {
                  actor: unitPrincipal('branch.jianping'),
                  unitId: 'branch.beipiao',
                  responseDay: 1,
                  reportId: 'x',
                  fields: goodReport(),
                },
              ],
            }),
          'FORBIDDEN',
        ],
        [
          () =>
            handle.executeUpdate(submitReportUpdate, {
              args: [
                {
                  actor: unitPrincipal('branch.beipiao'),
                  unitId: 'branch.beipiao',
                  responseDay: 9,
                  reportId: 'x',
                  fields: goodReport(),
                },
              ],
            }),
          'VALIDATION',
        ],
        [
          () =>
            handle.executeUpdate(submitReportUpdate, {
              args: [
                {
                  actor: unitPrincipal('branch.beipiao'),
                  unitId: 'branch.beipiao',
                  responseDay: 1,
                  reportId: 'x',
                  fields: goodReport({ photoIds: [] }),
                },
              ],
            }),
          'VALIDATION',
        ],
        [
          () =>
            handle.executeUpdate(consultUpdate, {
              args: [
                {
                  actor: office,
                  forecast: [
                    { date: '2026-01-01', aqi: 300 },
                    { date: '2026-01-03', aqi: 300 },
                  ],
                },
              ],
            }),
          'INVALID_FORECAST',
        ],
        [
          () =>
            handle.executeUpdate(submitSummaryUpdate, {
              args: [
                { actor: unitPrincipal('enforcement'), unitId: 'enforcement', summaryId: 's', text: '总结' },
              ],
            }),
          'INVALID_TRANSITION',
        ],
      ];
      for (const [attempt, type] of cases) expect((await rejected(attempt())).type).toBe(type);

      // a stale proposal: P1 is withdrawn and replaced by P2 after a new consultation
      await consult(handle, forecast(before.forecast[0]!.date, [205, 90]));
      await consult(handle, forecast(before.forecast[0]!.date, [230, 240]));
      const pending = (await viewOf(handle)).pendingProposal!;
      expect(pending.proposalId).toBe('P2');
      const stale = await rejected(
        handle.executeUpdate(decideUpdate, {
          args: [{ actor: commander, decision: 'approve', proposalId: 'P1' }],
        }),
      );
      expect(stale.type).toBe('STALE_PROPOSAL');
      const after = await viewOf(handle);
      expect(after.level).toBe('none');
      expect(after.decisions).toEqual([]);
      // only the two consultations, P1, its withdrawal by the second one, and P2 — nothing of the refusal
      const added = after.recentEvents.filter((e) => e.seq > before.eventCount).map((e) => e.event.type);
      expect(added).toEqual([
        'consultation.recorded',
        'level.proposed',
        'consultation.recorded',
        'proposal.withdrawn',
        'level.proposed',
      ]);
    });
  });
});

describe('the receipt time of a report (time-skipping)', () => {
  const report = (unitId: string, receivedAtMs: number) => ({
    actor: unitPrincipal(unitId),
    unitId,
    responseDay: 1,
    reportId: `${unitId}-d1`,
    fields: goodReport(),
    receivedAt: toCstIso(receivedAtMs),
  });

  it('refuses a receipt time that is malformed, more than an hour old or ahead of the clock, and changes nothing', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const { handle, day1 } = await startAtNine({ forecast: forecast('2000-01-01', [220, 210]) }, taskQueue);
      await approvePending(handle);
      await skipTo(s.env, atCst(day1, '19:00'));
      const refusals = [];
      for (const receivedAt of [
        'yesterday',
        toCstIso(atCst(day1, '17:59')),
        toCstIso(atCst(day1, '19:05')),
      ]) {
        refusals.push(
          await rejected(
            handle.executeUpdate(submitReportUpdate, { args: [{ ...report('enforcement', 0), receivedAt }] }),
          ),
        );
      }
      expect(refusals.map((r) => r.type)).toEqual(['VALIDATION', 'VALIDATION', 'VALIDATION']);
      expect(refusals.map((r) => r.message)).toEqual([
        expect.stringContaining('not an ISO date-time'),
        expect.stringContaining('more than an hour ago'),
        expect.stringContaining('in the future'),
      ]);
      expect(await events(handle.workflowId, 'report.submitted')).toEqual([]);
      // within the hour and up to the allowed skew: taken as given
      const onTime = await handle.executeUpdate(submitReportUpdate, {
        args: [report('enforcement', atCst(day1, '18:01'))],
      });
      expect(onTime.late).toBe(true);
      const ahead = await handle.executeUpdate(submitReportUpdate, {
        args: [report('branch.beipiao', atCst(day1, '19:01'))],
      });
      expect(ahead.late).toBe(true);
      const submitted = await events(handle.workflowId, 'report.submitted');
      expect(submitted.map((e) => [e.payload.unitId, e.payload.receivedAt])).toEqual([
        ['enforcement', toCstIso(atCst(day1, '18:01'))],
        ['branch.beipiao', toCstIso(atCst(day1, '19:01'))],
      ]);
    });
  });
});
