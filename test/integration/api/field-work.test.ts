/**
 * Field work through HTTP (issue #15) on the dev server with a real worker and PostgreSQL: a branch
 * gets today's tasks, checks in, inspects an enterprise with a photo and opens a case, turns it into
 * a penalty and closes it, hands a construction-site problem over to 住建, gets its 17:00 report
 * prefilled from these records and submits it; another branch's report that says nothing was wrong
 * where the electricity accounting found an enterprise non-compliant is flagged to the office by the
 * field watch. Also: the accounting's follow-ups as cases, the overdue ladder, fire points from CSV.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logOnlyActivityDeps } from '../../../src/activities/deps.js';
import { fieldWatchActivities } from '../../../src/activities/field-watch.js';
import { projectionActivities } from '../../../src/activities/projection.js';
import type { App } from '../../../src/api/app.js';
import { documentActivities } from '../../../src/activities/documents.js';
import { storedFacts } from '../../../src/adapters/reporting/index.js';
import { cstDate, nextDate, parseIso } from '../../../src/domain/index.js';
import { goodReport } from '../../episode-harness.js';
import { type IntegrationContext, integrationContext, withWorker } from '../../helpers.js';
import {
  PNG_1x1,
  type PrincipalKey,
  type TestPrincipal,
  bearer,
  multipart,
  seedPrincipals,
  testApp,
  uniqueDate,
} from './api-helpers.js';

let ctx: IntegrationContext;
let who: Record<PrincipalKey, TestPrincipal>;
const s = randomBytes(3).toString('hex');
/** This file's enterprises: two key enterprises and one other in 双塔区, one in 北票市. */
const E = {
  key1: `fw-${s}-st-key-1`,
  key2: `fw-${s}-st-key-2`,
  other: `fw-${s}-st-3`,
  beipiao: `fw-${s}-bp-1`,
};

beforeAll(async () => {
  ctx = await integrationContext();
  who = await seedPrincipals(ctx);
  const rows: Array<[string, string, string, boolean]> = [
    [E.key1, '双塔区鑫达钢铁有限公司', 'shuangta', true],
    [E.key2, '双塔区华源水泥有限公司', 'shuangta', true],
    [E.other, '双塔区利民铸造厂', 'shuangta', false],
    [E.beipiao, '北票市宏大焦化有限公司', 'beipiao', true],
  ];
  for (const [id, name, county, key] of rows)
    await ctx.pool.query(
      `INSERT INTO enterprises (id, name, uscc, county, grade, grade_label, key_enterprise, measures)
       VALUES ($1, $2, $1, $3, 'B', 'B', $4, $5)`,
      [id, name, county, key, JSON.stringify({ yellow: { summary: '烧结机停产，物料入棚', percent: 20 } })],
    );
});
afterAll(async () => {
  await ctx?.close();
});

function caller(app: App) {
  return async (p: TestPrincipal, method: 'GET' | 'POST', url: string, payload?: unknown, key?: string) =>
    app.inject({
      method,
      url,
      headers: { ...bearer(p), ...(key ? { 'idempotency-key': key } : {}) },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
}

describe('field work through HTTP', () => {
  it('tasks, an inspection with a photo, a case opened and closed, a hand-over to 住建, the prefilled report, the contradiction flag', {
    timeout: 150_000,
  }, async () => {
    await withWorker(ctx, async (taskQueue) => {
      const app = await testApp(ctx, taskQueue);
      const call = caller(app);
      const date = uniqueDate();
      const started = await call(who.office, 'POST', '/episodes', {
        jurisdiction: 'chaoyang',
        date,
        exercise: true,
        exerciseDayMs: 3_600_000,
        forecast: [{ date, aqi: 235 }],
      });
      expect(started.statusCode).toBe(202);
      const id = `exercise:chaoyang:${date}:1`;
      const url = started.headers.location as string;
      const view = async () => (await call(who.office, 'GET', url)).json();
      await expect.poll(async () => (await view()).phase, { timeout: 15_000 }).toBe('proposed');
      const approved = await call(who.commander, 'POST', `${url}/decisions`, {
        decision: 'approve',
        proposalId: (await view()).pendingProposal.proposalId,
      });
      expect(approved.statusCode).toBe(200);
      await expect.poll(async () => (await view()).firstDay, { timeout: 15_000 }).not.toBeNull();
      const today = (await view()).firstDay as string;
      expect(today).toBe(cstDate(Date.now()));

      // today's tasks of 双塔分局: the yellow level's 30 % of the county's key enterprises on site
      const tasks = await call(
        who.shuangta,
        'GET',
        `/field/tasks?date=${today}&episodeId=${encodeURIComponent(id)}`,
      );
      expect(tasks.statusCode).toBe(200);
      expect(tasks.json()).toMatchObject({ unitId: 'branch.shuangta', county: 'shuangta', level: 'yellow' });
      expect(tasks.json().intensity).toEqual({
        onSiteSharePercent: 30,
        patrolsPerBranch: 5,
        patrolsEnforcement: 10,
      });
      const items = tasks.json().items as Array<{
        enterpriseId: string;
        task: string;
        county: string;
        measures: string;
        checkedInAt: string | null;
      }>;
      expect(items.every((t) => t.county === 'shuangta')).toBe(true);
      const again = await call(
        who.shuangta,
        'GET',
        `/field/tasks?date=${today}&episodeId=${encodeURIComponent(id)}`,
      );
      expect(again.json().items).toEqual(items); // the same selection for the same day
      // another branch cannot read 双塔分局's tasks; the office names the unit
      expect((await call(who.beipiao, 'GET', '/field/tasks?unitId=branch.shuangta')).statusCode).toBe(403);
      const noUnit = await call(who.office, 'GET', '/field/tasks');
      expect(noUnit.statusCode).toBe(400);
      expect(noUnit.json().errors).toEqual([expect.objectContaining({ path: 'query.unitId' })]);
      // one no other test file of the run has visited today (they share the database and the day)
      const target = items.find((t) => t.task === 'supervise' && !t.checkedInAt)!;
      expect(target).toBeDefined();

      // the day's records of other test files (they share the database and the day) count in the report too
      const base = (await call(who.shuangta, 'GET', `/field/report?date=${today}`)).json().fields;
      const visit = { date: today, enterpriseId: target.enterpriseId, task: 'supervise', episodeId: id };
      expect((await call(who.shuangta, 'POST', '/field/tasks/check-out', visit)).statusCode).toBe(409);
      expect(
        (await call(who.shuangta, 'POST', '/field/tasks/assign', { ...visit, officer: '张伟' })).statusCode,
      ).toBe(200);
      const checkIn = await call(who.shuangta, 'POST', '/field/tasks/check-in', visit);
      expect(checkIn.statusCode).toBe(200);
      expect(checkIn.json().checkedInAt).not.toBeNull();
      const notMine = await call(who.shuangta, 'POST', '/field/tasks/check-in', {
        ...visit,
        enterpriseId: E.beipiao,
      });
      expect(notMine.statusCode).toBe(400);
      expect(notMine.json().errors).toEqual([expect.objectContaining({ path: 'body.enterpriseId' })]);

      // the inspection, from the phone: a photo first, then the record, which opens a case
      const upload = multipart([
        { name: 'photo', filename: 'gate.png', contentType: 'image/png', data: PNG_1x1 },
      ]);
      const photos = await app.inject({
        method: 'POST',
        url: '/photos',
        headers: { ...bearer(who.shuangta), ...upload.headers },
        payload: upload.payload,
      });
      expect(photos.statusCode).toBe(201);
      const photoId = photos.json().photos[0].id as string;
      const inspectionBody = {
        enterpriseId: target.enterpriseId,
        officer: '张伟',
        inspectedAt: new Date().toISOString(),
        findings: '烧结机未停产，料场未苫盖',
        measuresInPlace: false,
        photoIds: [photoId],
        episodeId: id,
        openCase: { kind: 'evidence', notes: '现场取证：照片、询问笔录' },
      };
      const inspected = await call(who.shuangta, 'POST', '/field/inspections', inspectionBody, `insp-${s}`);
      expect(inspected.statusCode).toBe(201);
      const insp = inspected.json();
      expect(insp).toMatchObject({
        level: 'yellow',
        measuresInPlace: false,
        photoIds: [photoId],
        unitId: 'branch.shuangta',
      });
      if (target.enterpriseId.startsWith(`fw-${s}`))
        expect(insp.measuresRequired).toBe('烧结机停产，物料入棚');
      expect(insp.case).toMatchObject({ kind: 'evidence', state: 'open', ownerUnit: 'branch.shuangta' });
      const retried = await call(who.shuangta, 'POST', '/field/inspections', inspectionBody, `insp-${s}`);
      expect(retried.json().id).toBe(insp.id); // a retried write changes nothing
      const out = await call(who.shuangta, 'POST', '/field/tasks/check-out', visit);
      expect(out.json()).toMatchObject({ checkedInAt: checkIn.json().checkedInAt });
      expect(out.json().checkedOutAt).not.toBeNull();
      const listedVisit = (
        await call(who.shuangta, 'GET', `/field/tasks?date=${today}&episodeId=${encodeURIComponent(id)}`)
      )
        .json()
        .items.find(
          (t: { enterpriseId: string; task: string }) =>
            t.enterpriseId === target.enterpriseId && t.task === 'supervise',
        );
      expect(listedVisit).toMatchObject({ officer: '张伟', checkedOutAt: out.json().checkedOutAt });
      const caseUrl = `/field/cases/${insp.case.id}`;
      // another county's branch neither sees nor closes it
      expect((await call(who.beipiao, 'GET', caseUrl)).statusCode).toBe(403);
      expect((await call(who.beipiao, 'POST', `${caseUrl}/close`, { reason: 'x' })).statusCode).toBe(403);
      const badPhoto = await call(who.beipiao, 'POST', '/field/inspections', {
        ...inspectionBody,
        enterpriseId: E.beipiao,
        photoIds: [photoId],
      });
      expect(badPhoto.statusCode).toBe(400);
      expect(badPhoto.json().errors).toEqual([expect.objectContaining({ path: 'body.photoIds' })]);

      // the evidence becomes a penalty case (立案); closing needs the decision number
      const updated = await call(who.shuangta, 'POST', `${caseUrl}/updates`, { kind: 'penalty' });
      expect(updated.statusCode).toBe(200);
      const noNumber = await call(who.shuangta, 'POST', `${caseUrl}/close`, { reason: '已立案处罚' });
      expect(noNumber.statusCode).toBe(400);
      expect(noNumber.json().errors).toEqual([expect.objectContaining({ path: 'body.decisionNumber' })]);
      const close = { reason: '已立案处罚，责令立即停产', decisionNumber: '朝环罚〔2026〕12号' };
      const closed = await call(who.shuangta, 'POST', `${caseUrl}/close`, close, `close-${s}`);
      expect(closed.statusCode).toBe(200);
      expect(closed.json()).toMatchObject({
        state: 'closed',
        closeReason: close.reason,
        decisionNumber: close.decisionNumber,
      });
      expect((await call(who.shuangta, 'POST', `${caseUrl}/close`, close, `close-${s}`)).json()).toEqual(
        closed.json(),
      );
      expect(
        (await call(who.shuangta, 'POST', `${caseUrl}/close`, { reason: '另一个理由' })).statusCode,
      ).toBe(409);
      const journal = (await call(who.enforcement, 'GET', caseUrl)).json().journal as Array<{
        action: string;
      }>;
      expect(journal.map((j) => j.action)).toEqual(['opened', 'updated', 'closed']);

      // a construction site's dust is handed over (移交) to 住建 and tracked until it answers
      const handed = await call(who.shuangta, 'POST', '/field/handovers', {
        siteKind: 'construction-site',
        siteName: '龙山花园三期工地',
        problem: '重污染天气黄色预警期间仍在进行土石方作业',
        photoIds: [photoId],
        proposeNotice: true,
      });
      expect(handed.statusCode).toBe(201);
      expect(handed.json()).toMatchObject({
        county: 'shuangta',
        department: 'dept.housing',
        departmentName: '市住房和城乡建设局',
        state: 'handed-over',
      });
      const unknownKind = await call(who.shuangta, 'POST', '/field/handovers', {
        siteKind: 'volcano',
        siteName: 'x',
        problem: 'y',
      });
      expect(unknownKind.statusCode).toBe(400);
      expect(unknownKind.json().errors).toEqual([expect.objectContaining({ path: 'body.siteKind' })]);
      const answered = await call(who.shuangta, 'POST', `/field/handovers/${handed.json().id}/answer`, {
        answer: '已责令停工整改，12月2日复查',
      });
      expect(answered.json()).toMatchObject({ state: 'answered', answer: '已责令停工整改，12月2日复查' });

      // the 17:00 report, prefilled from the day's records
      const prefilled = await call(who.shuangta, 'GET', `/field/report?date=${today}`);
      expect(prefilled.statusCode).toBe(200);
      const form = prefilled.json();
      expect(form.fields).toMatchObject({
        onSiteSupervisionCount: base.onSiteSupervisionCount + 1,
        areaSourceActions: base.areaSourceActions + 1,
        problemsFound: base.problemsFound + 2, // the inspection's measures not in place, the hand-over
        penalties: base.penalties + 1,
      });
      expect(form.fields.photoIds).toContain(photoId);
      expect(form.fields.notes).toContain('未落实应急减排措施');
      expect(form.fields.notes).toContain('龙山花园三期工地问题已移交市住房和城乡建设局');
      // every photo of the day to choose from, the inspection's first (other photos of the unit may follow)
      expect(form.photos[0]).toMatchObject({ id: photoId, inspection: true });
      // (another file's inspection of the unit on the same day may be listed too)
      expect(
        form.photos.filter((p: { inspection: boolean }) => p.inspection).map((p: { id: string }) => p.id),
      ).toContain(photoId);
      const submitted = await call(who.shuangta, 'POST', `${url}/reports`, {
        responseDay: 1,
        fields: form.fields,
      });
      expect(submitted.statusCode).toBe(201);

      // 北票分局 reports no problem; the accounting found its enterprise non-compliant that day
      await ctx.pool.query(
        `INSERT INTO electricity_assessments (episode_id, day, level, counts, summary) VALUES ($1, $2, 'yellow', '{}', '{}')`,
        [id, today],
      );
      await ctx.pool.query(
        `INSERT INTO electricity_verdicts (episode_id, day, enterprise_id, verdict, reason, days_used)
         VALUES ($1, $2, $3, 'non-compliant', '用电量降幅低于要求', 10)`,
        [id, today, E.beipiao],
      );
      const bpUpload = multipart([
        { name: 'photo', filename: 'bp.png', contentType: 'image/png', data: PNG_1x1 },
      ]);
      const bpPhoto = (
        await app.inject({
          method: 'POST',
          url: '/photos',
          headers: { ...bearer(who.beipiao), ...bpUpload.headers },
          payload: bpUpload.payload,
        })
      ).json().photos[0].id as string;
      const bp = await call(who.beipiao, 'POST', `${url}/reports`, {
        responseDay: 1,
        fields: goodReport({
          problemsFound: 0,
          penalties: 0,
          photoIds: [bpPhoto],
          notes: '各企业应急减排措施全部落实到位。',
        }),
      });
      expect(bp.statusCode).toBe(201);
      await expect
        .poll(
          async () =>
            (await ctx.pool.query('SELECT 1 FROM unit_reports WHERE episode_id = $1', [id])).rowCount,
          { timeout: 15_000 },
        )
        .toBe(2);

      // the field watch (the schedule's workflow, run now) flags it and tells the office
      const watched = await ctx.client.workflow.execute('fieldWatchWorkflow', {
        taskQueue,
        workflowId: `field-watch-test-${s}`,
        args: [{}],
      });
      expect(watched.flags).toBeGreaterThanOrEqual(1);
      const flags = await call(who.office, 'GET', `/field/report-flags?episodeId=${encodeURIComponent(id)}`);
      expect(flags.statusCode).toBe(200);
      expect(flags.json().items).toEqual([
        expect.objectContaining({
          unitId: 'branch.beipiao',
          unitName: '北票分局',
          day: today,
          rule: 'electricity-non-compliant',
          enterpriseId: E.beipiao,
          message:
            '日报称未发现问题（措施落实到位），但耗电量核算认定北票市宏大焦化有限公司当日未落实减排要求',
        }),
      ]);
      expect(flags.json().items[0].notifiedAt).not.toBeNull();
      expect((await call(who.beipiao, 'GET', '/field/report-flags')).statusCode).toBe(403);
      // the same pass handed the construction site's problem to 住建, in words
      const handedOver = await ctx.pool.query<{ title: string; body: string }>(
        `SELECT title, body FROM notification_deliveries WHERE idempotency_key = $1`,
        [`field-handover:${handed.json().id}:dept.housing`],
      );
      expect(handedOver.rows).toHaveLength(1);
      expect(handedOver.rows[0]!.title).toBe('问题移交：龙山花园三期工地');
      expect(handedOver.rows[0]!.body).toMatch(
        /^市住房和城乡建设局：双塔分局于\d+月\d+日在双塔区施工工地“龙山花园三期工地”发现以下问题：重污染天气黄色预警期间仍在进行土石方作业。根据职责分工，现移交贵单位依法依规处理/,
      );
      // a serious one is proposed to the office for a 通报 in the command office's name
      const proposed = await ctx.pool.query<{ title: string; body: string }>(
        `SELECT title, body FROM notification_deliveries WHERE idempotency_key = $1`,
        [`field-handover:${handed.json().id}:office`],
      );
      expect(proposed.rows.map((r) => r.title)).toEqual(['拟通报：龙山花园三期工地（双塔区）']);
      expect(proposed.rows[0]!.body).toContain('建议以市重污染天气专项应急指挥部办公室名义予以通报');
      const told = await ctx.pool.query<{ title: string; body: string }>(
        `SELECT title, body FROM notification_deliveries
         WHERE episode_id = $1 AND recipient_id = 'office' AND step = 'field.report-contradiction'`,
        [id],
      );
      expect(told.rows).toHaveLength(1);
      expect(told.rows[0]!.title).toMatch(/^【演练】日报与记录不符：北票分局\d+月\d+日$/);
      expect(told.rows[0]!.body).toContain('北票分局');
      expect(told.rows[0]!.body).toContain('北票市宏大焦化有限公司当日未落实减排要求');
      expect(told.rows[0]!.body).toContain('谎报、瞒报');
      // a second pass tells nothing twice
      await ctx.client.workflow.execute('fieldWatchWorkflow', {
        taskQueue,
        workflowId: `field-watch-test2-${s}`,
        args: [{}],
      });
      expect(
        (
          await ctx.pool.query(
            `SELECT 1 FROM notification_deliveries WHERE episode_id = $1 AND step = 'field.report-contradiction'`,
            [id],
          )
        ).rowCount,
      ).toBe(1);
      await app.close();
      await ctx.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => {});
    });
  });
});

describe('cases outside the scenario', () => {
  it("the electricity accounting's follow-ups are cases: opened once by the projection, closed with a reason", async () => {
    await withWorker(ctx, async (taskQueue) => {
      const app = await testApp(ctx, taskQueue);
      const call = caller(app);
      const episodeId = `episode:chaoyang:${uniqueDate()}:1`;
      const today = cstDate(Date.now());
      const { recordEvents } = projectionActivities({ pool: ctx.pool });
      const input = {
        episodeId,
        events: [
          {
            seq: 1,
            event: {
              type: 'enforcement.followup' as const,
              at: `${today}T09:00:00+08:00`,
              actor: 'system' as const,
              enterpriseId: E.key2,
              unitId: 'branch.shuangta',
              action: 'inspection' as const,
            },
          },
        ],
        summary: { phase: 'active', level: 'yellow', response: 'III', closedAt: null },
      };
      await recordEvents(input as never);
      await recordEvents(input as never); // a retried activity opens nothing twice
      const list = await call(who.shuangta, 'GET', `/field/cases?episodeId=${encodeURIComponent(episodeId)}`);
      expect(list.json().items).toEqual([
        expect.objectContaining({
          kind: 'followup',
          enterpriseId: E.key2,
          enterpriseName: '双塔区华源水泥有限公司',
          ownerUnit: 'branch.shuangta',
          fromElectricity: true,
          dueAt: `${nextDate(today)}T17:00:00+08:00`,
          state: 'open',
        }),
      ]);
      expect(
        (await call(who.beipiao, 'GET', `/field/cases?episodeId=${encodeURIComponent(episodeId)}`)).json()
          .items,
      ).toEqual([]);
      const caseId = list.json().items[0].id as string;
      const closed = await call(who.shuangta, 'POST', `/field/cases/${caseId}/close`, {
        reason: '复查：已按一厂一策停产，用电量下降系计量延迟',
      });
      expect(closed.json()).toMatchObject({ state: 'closed', closedBy: who.shuangta.id });
      // the office's daily report of the day counts it as closed (办结)
      await documentActivities({ pool: ctx.pool }).produceDocument({
        episodeId,
        kind: 'daily-report',
        key: 'day-1',
        planId: 'chaoyang-2024',
        planVersion: 1,
        jurisdiction: 'chaoyang',
        exercise: false,
        issuedAt: `${today}T20:00:00+08:00`,
        responseDay: 1,
        reportDate: today,
        overview: [],
        earlyResponseFrom: null,
        warnings: [],
        decisions: [],
        duties: [],
        lateUnits: [],
        notices: [],
        electricityDays: [],
        forecast: [],
        liftedAt: null,
      });
      const facts = await storedFacts(ctx.pool, episodeId, 'daily-report', 'day-1');
      expect(facts?.followups).toEqual({ opened: 1, closed: 1 });
      await app.close();
    });
  });

  it('an overdue case is told to its owner at the due date, then to the office, each once', async () => {
    const app = await testApp(ctx, 'no-worker');
    const call = caller(app);
    const opened = await call(who.shuangta, 'POST', '/field/cases', {
      kind: 'monitoring',
      enterpriseId: E.other,
      title: '疑似超标排放',
    });
    expect(opened.statusCode).toBe(201);
    const c = opened.json();
    expect(c.ownerUnit).toBe('branch.shuangta');
    const due = parseIso(c.dueAt);
    const watch = fieldWatchActivities(logOnlyActivityDeps(ctx.pool));
    const sent = async () =>
      (
        await ctx.pool.query<{ recipient_id: string; title: string; body: string }>(
          `SELECT recipient_id, title, body FROM notification_deliveries WHERE step LIKE 'field.case.%' AND body LIKE $1 ORDER BY id`,
          [`%${c.id.slice(0, 8)}%`],
        )
      ).rows;
    await watch.fieldWatch({ nowMs: due - 60_000 });
    expect(await sent()).toEqual([]);
    await watch.fieldWatch({ nowMs: due + 2 * 3_600_000 });
    expect((await sent()).map((r) => r.recipient_id)).toEqual(['branch.shuangta']);
    expect((await sent())[0]!.body).toMatch(
      /^双塔分局：双塔区利民铸造厂的监督性监测（案件编号：\w{8}）应于\d+月\d+日17时前办结，目前仍未办结，现逾期2小时/,
    );
    await watch.fieldWatch({ nowMs: due + 25 * 3_600_000 });
    await watch.fieldWatch({ nowMs: due + 26 * 3_600_000 });
    const all = await sent();
    expect(all.map((r) => r.recipient_id)).toEqual(['branch.shuangta', 'office']);
    expect(all[1]!.title).toBe('案件逾期未办结：双塔区利民铸造厂（双塔分局）');
    const noResult = await call(who.shuangta, 'POST', `/field/cases/${c.id}/close`, { reason: '监测完成' });
    expect(noResult.statusCode).toBe(400);
    expect(noResult.json().errors).toEqual([expect.objectContaining({ path: 'body.monitoringResult' })]);
    await app.close();
  });

  it('fire points from the satellite CSV: all rows or none, the county’s branch told once', async () => {
    const app = await testApp(ctx, 'no-worker');
    const csv = (rows: string) =>
      multipart([
        {
          name: 'file',
          filename: 'fire.csv',
          contentType: 'text/csv',
          data: Buffer.from(`经度,纬度,时间,县区,地点,卫星\n${rows}`),
        },
      ]);
    const day = cstDate(Date.now() - 3_600_000);
    const bad = csv(`120.1,41.5,${day} 13:40,北票市,台吉镇,NPP\n200,41.5,${day} 13:40,北票市,,\n`);
    const refused = await app.inject({
      method: 'POST',
      url: '/field/fire-points/import',
      headers: { ...bearer(who.office), ...bad.headers },
      payload: bad.payload,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([expect.objectContaining({ line: 3, field: '经度' })]);
    const lon = 120 + Math.random() / 2;
    const good = csv(`${lon},41.5,${day} 13:40,北票市,台吉镇,NPP\n`);
    const imported = await app.inject({
      method: 'POST',
      url: '/field/fire-points/import',
      headers: { ...bearer(who.office), ...good.headers },
      payload: good.payload,
    });
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toMatchObject({ imported: 1, skipped: 0 });
    const watch = fieldWatchActivities(logOnlyActivityDeps(ctx.pool));
    await watch.fieldWatch({ nowMs: Date.now() });
    await watch.fieldWatch({ nowMs: Date.now() });
    const told = await ctx.pool.query<{ recipient_id: string; body: string }>(
      `SELECT recipient_id, body FROM notification_deliveries WHERE step = 'field.fire-point' AND body LIKE $1`,
      [`%经度${lon.toFixed(4)}%`],
    );
    expect(told.rows).toHaveLength(1);
    expect(told.rows[0]!.recipient_id).toBe('branch.beipiao');
    expect(told.rows[0]!.body).toContain('在北票市（经度');
    expect(told.rows[0]!.body).toContain('台吉镇）发现秸秆焚烧等火点（来源：卫星遥感火点）');
    const listed = await app.inject({
      method: 'GET',
      url: `/field/fire-points?date=${day}`,
      headers: bearer(who.shuangta),
    });
    expect(listed.json().items.some((f: { longitude: number }) => f.longitude === lon)).toBe(false);
    await app.close();
  });

  it('vehicle checks and inspection groups: counts that cannot be, groups outside a branch’s county, findings', async () => {
    const app = await testApp(ctx, 'no-worker');
    const call = caller(app);
    const day = cstDate(Date.now());
    const impossible = await call(who.enforcement, 'POST', '/field/vehicle-checks', {
      county: 'longcheng',
      date: day,
      vehiclesChecked: 10,
      vehiclesExceeding: 12,
      vehiclesPenalised: 0,
    });
    expect(impossible.statusCode).toBe(400);
    expect(impossible.json().errors).toEqual([expect.objectContaining({ path: 'body.vehiclesExceeding' })]);
    const noCounty = await call(who.enforcement, 'POST', '/field/vehicle-checks', {
      date: day,
      vehiclesChecked: 10,
      vehiclesExceeding: 2,
      vehiclesPenalised: 1,
    });
    expect(noCounty.json().errors).toEqual([expect.objectContaining({ path: 'body.county' })]);
    const checked = await call(who.enforcement, 'POST', '/field/vehicle-checks', {
      county: 'longcheng',
      date: day,
      place: '101国道龙城检查站',
      vehiclesChecked: 48,
      vehiclesExceeding: 3,
      vehiclesPenalised: 2,
      machineryChecked: 5,
    });
    expect(checked.statusCode).toBe(201);
    expect(checked.json()).toMatchObject({ unitId: 'enforcement', withTrafficPolice: true });
    // the enforcement team's report of the day is prefilled from it
    const form = (await call(who.enforcement, 'GET', `/field/report?date=${day}`)).json();
    expect(form.fields.vehiclesChecked).toBeGreaterThanOrEqual(48);
    expect(form.fields.notes).toContain('会同公安交警抽测机动车');
    // a branch sees its county's checks only
    const seen = (await call(who.shuangta, 'GET', `/field/vehicle-checks?date=${day}`)).json().items;
    expect(seen.every((v: { county: string }) => v.county === 'shuangta')).toBe(true);

    const elsewhere = await call(who.shuangta, 'POST', '/field/inspection-groups', {
      name: '第一督导组',
      date: day,
      members: ['王强', '李娜'],
      counties: ['beipiao'],
    });
    expect(elsewhere.statusCode).toBe(403);
    const wrongTarget = await call(who.office, 'POST', '/field/inspection-groups', {
      name: '第一督导组',
      date: day,
      members: ['王强', '李娜'],
      counties: ['shuangta'],
      enterpriseIds: [E.key1, E.beipiao],
    });
    expect(wrongTarget.statusCode).toBe(400);
    expect(wrongTarget.json().errors).toEqual([expect.objectContaining({ path: 'body.enterpriseIds[1]' })]);
    const group = await call(who.office, 'POST', '/field/inspection-groups', {
      name: '第一督导组',
      date: day,
      members: ['王强', '李娜'],
      counties: ['shuangta', 'beipiao'],
      enterpriseIds: [E.key1, E.beipiao],
    });
    expect(group.statusCode).toBe(201);
    const found = await call(who.shuangta, 'POST', `/field/inspection-groups/${group.json().id}/findings`, {
      findings: '双塔区鑫达钢铁有限公司料场未苫盖，已交办双塔分局',
    });
    expect(found.statusCode).toBe(200);
    expect(found.json().findings).toBe('双塔区鑫达钢铁有限公司料场未苫盖，已交办双塔分局');
    const listed = (await call(who.beipiao, 'GET', `/field/inspection-groups?date=${day}`)).json().items;
    expect(listed.map((g: { id: string }) => g.id)).toContain(group.json().id);
    await app.close();
  });
});
