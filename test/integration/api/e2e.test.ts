/**
 * A whole exercise episode through HTTP alone, on the dev server with a real worker: start, the
 * commander's approval, two compressed response days of unit reports with photos, the lift, unit
 * summaries, the office's documents and the close — then the audit: replay passes and the state at
 * the moment of issuance shows the issued level. One response day lasts 20 s.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/api/app.js';
import { type IntegrationContext, integrationContext, withWorker } from '../../helpers.js';
import { goodReport } from '../../episode-harness.js';
import {
  JPEG_HEAD,
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
beforeAll(async () => {
  ctx = await integrationContext();
  who = await seedPrincipals(ctx);
});
afterAll(async () => {
  await ctx?.close();
});

const DAY_MS = 20_000;

describe('an exercise episode end to end through HTTP', () => {
  it('runs from start to close, and the audit replays and folds it', { timeout: 150_000 }, async () => {
    await withWorker(ctx, async (taskQueue) => {
      const app: App = await testApp(ctx, taskQueue);
      const call = async (
        p: TestPrincipal,
        method: 'GET' | 'POST',
        url: string,
        payload?: unknown,
        extra: Record<string, string> = {},
      ) =>
        app.inject({
          method,
          url,
          headers: { ...bearer(p), ...extra },
          ...(payload === undefined ? {} : { payload: payload as object }),
        });

      const date = uniqueDate();
      // a city-wide exercise: a branch and the enforcement team report side by side (a county's episode
      // runs under the county's plan, where its branch alone reports: episode-counties.test.ts)
      const started = await call(who.office, 'POST', '/episodes', {
        jurisdiction: 'chaoyang',
        date,
        exercise: true,
        exerciseDayMs: DAY_MS,
        forecast: [
          { date, aqi: 235 },
          { date: nextDay(date), aqi: 160 },
        ],
      });
      expect(started.statusCode).toBe(202);
      const id = `exercise:chaoyang:${date}:1`;
      expect(started.json().id).toBe(id);
      const url = started.headers.location as string;
      expect(url).toBe(`/episodes/${encodeURIComponent(id)}`);

      const view = async (p: TestPrincipal = who.office) => (await call(p, 'GET', url)).json();
      await expect.poll(async () => (await view()).phase, { timeout: 15_000 }).toBe('proposed');
      const proposal = (await view()).pendingProposal;
      expect(proposal.level).toBe('yellow');

      // nobody but the city's commander decides: not the office, not a county's commander
      expect(
        (
          await call(who.office, 'POST', `${url}/decisions`, {
            decision: 'approve',
            proposalId: proposal.proposalId,
          })
        ).statusCode,
      ).toBe(403);
      const county = await call(who.shuangtaCommander, 'POST', `${url}/decisions`, {
        decision: 'approve',
        proposalId: proposal.proposalId,
      });
      expect(county.statusCode).toBe(403);

      const approved = await call(who.commander, 'POST', `${url}/decisions`, {
        decision: 'approve',
        proposalId: proposal.proposalId,
      });
      expect(approved.statusCode).toBe(200);
      expect(approved.json()).toMatchObject({ phase: 'active', level: 'yellow' });

      // day 1: the branch uploads a photo first, the enforcement unit sends its photo with the report
      const upload = multipart([
        { name: 'photo', filename: 'site.png', contentType: 'image/png', data: PNG_1x1 },
      ]);
      const photos = await app.inject({
        method: 'POST',
        url: '/photos',
        headers: { ...bearer(who.shuangta), ...upload.headers },
        payload: upload.payload,
      });
      expect(photos.statusCode).toBe(201);
      const photoId = photos.json().photos[0].id as string;
      const day1 = await call(
        who.shuangta,
        'POST',
        `${url}/reports`,
        {
          responseDay: 1,
          fields: goodReport({ photoIds: [photoId] }),
        },
        { 'idempotency-key': `${id}-shuangta-1` },
      );
      expect(day1.statusCode).toBe(201);
      expect(day1.json()).toMatchObject({ unitId: 'branch.shuangta', responseDay: 1, duplicate: false });

      const { photoIds: _omit, ...withoutPhotos } = goodReport();
      const form = multipart([
        { name: 'report', value: JSON.stringify({ responseDay: 1, fields: withoutPhotos }) },
        { name: 'photo', filename: 'truck.jpg', contentType: 'image/jpeg', data: JPEG_HEAD },
      ]);
      const enf1 = await app.inject({
        method: 'POST',
        url: `${url}/reports`,
        headers: { ...bearer(who.enforcement), ...form.headers },
        payload: form.payload,
      });
      expect(enf1.statusCode).toBe(201);
      const enfPhoto = enf1.json().photoIds[0] as string;
      const img = await call(who.auditor, 'GET', `/photos/${enfPhoto}`);
      expect(img.statusCode).toBe(200);
      expect(img.headers['content-type']).toBe('image/jpeg');
      expect((await call(who.shuangta, 'GET', `/photos/${enfPhoto}`)).statusCode).toBe(403);
      // the branch corrects its day-1 report before the deadline: the correction is the one in force
      const corrected = await call(who.shuangta, 'POST', `${url}/reports`, {
        responseDay: 1,
        fields: goodReport({ onSiteSupervisionCount: 9, photoIds: [photoId] }),
      });
      expect(corrected.statusCode).toBe(201);
      expect(corrected.json()).toMatchObject({ replaced: true, late: false });

      // day 2 begins 20 s after the issuance
      await expect.poll(async () => (await view()).responseDay, { timeout: 30_000, interval: 500 }).toBe(2);
      for (const p of [who.shuangta, who.enforcement]) {
        const r = await call(p, 'POST', `${url}/reports`, {
          responseDay: 2,
          fields: goodReport({ photoIds: [] }),
        });
        // a report without photos is refused by the plan's form (photos are required)
        expect(r.statusCode).toBe(400);
        const ok = await call(p, 'POST', `${url}/reports`, {
          responseDay: 2,
          fields: goodReport({ photoIds: p === who.shuangta ? [photoId] : [enfPhoto] }),
        });
        expect(ok.statusCode).toBe(201);
      }

      // the consultation proposes the lift; the commander lifts
      const consulted = await call(who.office, 'POST', `${url}/consultations`, {
        forecast: [
          { date: nextDay(date), aqi: 90 },
          { date: nextDay(nextDay(date)), aqi: 80 },
        ],
      });
      expect(consulted.statusCode).toBe(200);
      const liftProposal = consulted.json().proposal;
      expect(liftProposal.kind).toBe('lift');
      const lifted = await call(who.commander, 'POST', `${url}/decisions`, {
        decision: 'approve',
        proposalId: liftProposal.proposalId,
      });
      expect(lifted.statusCode).toBe(200);
      expect(lifted.json().phase).toBe('lifting');

      // summaries are due at 10:00 of the next compressed day
      const duties = (await call(who.shuangta, 'GET', `${url}/duties?unitId=branch.shuangta`)).json().duties;
      const summaryDuty = duties.find((d: { responseDay: unknown }) => d.responseDay === 'summary');
      expect(summaryDuty.status).toBe('pending');
      const liftedAt = Date.parse(lifted.json().liftedAt);
      const due = Date.parse(summaryDuty.dueAt);
      expect(due - liftedAt).toBeGreaterThan(0);
      expect(due - liftedAt).toBeLessThanOrEqual(DAY_MS + (10 / 24) * DAY_MS + 1_000);

      for (const p of [who.shuangta, who.enforcement]) {
        const s = await call(p, 'POST', `${url}/summaries`, {
          text: '本次污染过程应对工作总结：按要求完成驻场督导与巡查。',
        });
        expect(s.statusCode).toBe(201);
        expect(s.json().late).toBe(false);
      }

      // the office's daily report of day 2 comes at 20:00 compressed; then the work summary, a draft
      // that reaches 市政府 and the province only once the office signs it off (签发), and the close
      await expect
        .poll(async () => (await view()).workSummary, { timeout: 60_000, interval: 1_000 })
        .not.toBeNull();
      const sentBeforeSign = (await call(who.office, 'GET', `${url}/notifications?limit=200`)).json()
        .items as Array<{
        recipientId: string;
        step: string;
      }>;
      expect(
        sentBeforeSign.filter((n) => n.recipientId === 'city-gov' || n.recipientId === 'province'),
      ).toEqual([]);
      expect(
        (await call(who.commander, 'POST', `${url}/work-summary/sign`, { signer: '某某' })).statusCode,
      ).toBe(403);
      const noSigner = await call(who.office, 'POST', `${url}/work-summary/sign`, { signer: '' });
      expect(noSigner.statusCode).toBe(400);
      expect(noSigner.json().errors).toEqual([expect.objectContaining({ path: 'body.signer' })]);
      const signed = await call(who.office, 'POST', `${url}/work-summary/sign`, { signer: '王建国' });
      expect(signed.statusCode).toBe(200);
      expect(signed.json().workSummary).toMatchObject({ signer: '王建国', signedBy: who.office.id });
      await expect
        .poll(
          async () => (await ctx.pool.query('SELECT phase FROM episodes WHERE id = $1', [id])).rows[0]?.phase,
          {
            timeout: 60_000,
            interval: 1_000,
          },
        )
        .toBe('closed');
      expect((await view(who.leader)).phase).toBe('closed');

      const listed = await call(
        who.shuangta,
        'GET',
        `/episodes?jurisdiction=chaoyang&from=${date}&to=${date}&exercise=true`,
      );
      expect(listed.json().items.map((e: { id: string }) => e.id)).toEqual([id]);

      const docs = (await call(who.leader, 'GET', `${url}/documents`)).json().items as Array<{
        id: string;
        kind: string;
      }>;
      expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['daily-report', 'work-summary']));
      const docx = await call(who.leader, 'GET', `/documents/${docs[0]!.id}?format=docx`);
      expect(docx.statusCode).toBe(200);
      expect(docx.rawPayload.subarray(0, 2).toString('latin1')).toBe('PK');
      const html = await call(who.shuangta, 'GET', `/documents/${docs[0]!.id}?format=html`);
      expect(html.headers['content-type']).toContain('text/html');

      // what the units reported, with its content: the office reads every unit's, a unit its own only
      type Listed = {
        total: number;
        items: Array<{
          unitId: string;
          unitName: string;
          responseDay: number;
          fields: Record<string, unknown>;
          photoIds: string[];
          current: boolean;
          version: number;
          late: boolean;
          submittedBy: string;
        }>;
      };
      const reportsOf = async (p: TestPrincipal, query = '') => {
        const res = await call(p, 'GET', `${url}/reports${query}`);
        expect(res.statusCode).toBe(200);
        return res.json() as Listed;
      };
      const inForce = await reportsOf(who.office);
      expect(inForce.total).toBe(4);
      expect(inForce.items.map((r) => [r.responseDay, r.unitId, r.version])).toEqual([
        [1, 'branch.shuangta', 2],
        [1, 'enforcement', 1],
        [2, 'branch.shuangta', 1],
        [2, 'enforcement', 1],
      ]);
      expect(inForce.items[0]).toMatchObject({
        unitName: expect.stringContaining('双塔'),
        fields: { onSiteSupervisionCount: 9, notes: goodReport().notes },
        photoIds: [photoId],
        current: true,
        late: false,
        submittedBy: who.shuangta.id,
      });
      expect(inForce.items[1]!.photoIds).toEqual([enfPhoto]);
      const everyVersion = await reportsOf(who.auditor, '?includeReplaced=true&responseDay=1');
      expect(
        everyVersion.items.map((r) => [r.unitId, r.version, r.current, r.fields.onSiteSupervisionCount]),
      ).toEqual([
        ['branch.shuangta', 1, false, 4],
        ['branch.shuangta', 2, true, 9],
        ['enforcement', 1, true, 4],
      ]);
      // cursor paging: the fourth and last report is the fourth page of one
      let cursor: string | null = null;
      let paged: Awaited<ReturnType<typeof reportsOf>> | undefined;
      for (let i = 0; i < 4; i++) {
        paged = await reportsOf(who.leader, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        cursor = (paged as unknown as { nextCursor: string | null }).nextCursor;
      }
      expect(paged!.total).toBe(4);
      expect(paged!.items.map((r) => [r.responseDay, r.unitId])).toEqual([[2, 'enforcement']]);
      expect(cursor).toBeNull();
      const own = await reportsOf(who.shuangta);
      expect(own.items.map((r) => r.unitId)).toEqual(['branch.shuangta', 'branch.shuangta']);
      expect((await call(who.shuangta, 'GET', `${url}/reports?unitId=enforcement`)).statusCode).toBe(403);
      expect((await reportsOf(who.beipiao)).items).toEqual([]); // a unit reads its own reports only
      expect((await call(who.admin, 'GET', `${url}/reports`)).statusCode).toBe(403);
      const badDay = await call(who.office, 'GET', `${url}/reports?responseDay=0`);
      expect(badDay.statusCode).toBe(400);
      expect(JSON.stringify(badDay.json().errors)).toContain('responseDay');
      expect((await call(who.office, 'GET', `${url}/reports?day=1`)).statusCode).toBe(400);
      // the office's spreadsheet: one row per report, the form's labels as headers, numbers as numbers
      const xlsx = await call(who.office, 'GET', `${url}/reports/export?includeReplaced=true`);
      expect(xlsx.statusCode).toBe(200);
      expect(xlsx.headers['content-type']).toContain('spreadsheetml');
      expect(xlsx.headers['content-disposition']).toContain('.xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const sheet = wb.worksheets[0]!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header.slice(0, 3)).toEqual(['响应日', '单位', '单位编号']);
      expect(header).toContain('驻场督导企业数（家）');
      expect(sheet.rowCount).toBe(1 + 5);
      const col = (name: string) => header.indexOf(name) + 1;
      const firstFix = sheet.getRow(3); // day 1, the branch's correction (rows: day, unit, version)
      expect(firstFix.getCell(col('单位编号')).value).toBe('branch.shuangta');
      expect(firstFix.getCell(col('版本')).value).toBe(2);
      expect(firstFix.getCell(col('驻场督导企业数（家）')).value).toBe(9);
      expect(sheet.getRow(2).getCell(col('是否有效')).value).toBe('否（已更正）');
      const csv = await call(who.shuangta, 'GET', `${url}/reports/export?format=csv`);
      expect(csv.statusCode).toBe(200);
      expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const csvLines = csv.rawPayload.subarray(3).toString('utf8').trim().split(/\r?\n/);
      expect(csvLines[0]).toMatch(/^响应日,单位,单位编号/);
      expect(csvLines).toHaveLength(1 + 2); // its own two reports in force
      expect((await call(who.shuangta, 'GET', `${url}/reports/export?unitId=enforcement`)).statusCode).toBe(
        403,
      );
      expect((await call(who.office, 'GET', `${url}/reports/export?format=pdf`)).statusCode).toBe(400);

      const summaries = (await call(who.office, 'GET', `${url}/summaries`)).json().items as Array<{
        unitId: string;
        text: string;
        late: boolean;
      }>;
      expect(summaries.map((s) => s.unitId).sort()).toEqual(['branch.shuangta', 'enforcement']);
      expect(summaries[0]!.text).toContain('工作总结');
      const ownSummary = (await call(who.enforcement, 'GET', `${url}/summaries`)).json().items;
      expect(ownSummary.map((s: { unitId: string }) => s.unitId)).toEqual(['enforcement']);
      expect((await call(who.enforcement, 'GET', `${url}/summaries?unitId=branch.shuangta`)).statusCode).toBe(
        403,
      );

      const log = (await call(who.office, 'GET', `${url}/notifications`)).json();
      expect(log.total).toBeGreaterThan(0);
      expect(log.items.every((n: { exercise: boolean }) => n.exercise)).toBe(true);
      expect((await call(who.office, 'GET', `${url}/electricity`)).statusCode).toBe(200);

      const feed = await app.inject({ method: 'GET', url: '/public/cap?includeExercises=true' });
      expect(feed.headers['content-type']).toContain('application/atom+xml');
      const link = new RegExp(
        `href="https?://[^/"]+(/public/cap/${encodeURIComponent(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^"]*)"`,
      ).exec(feed.body);
      expect(link).not.toBeNull();
      const cap = await app.inject({ method: 'GET', url: link![1]! });
      expect(cap.statusCode).toBe(200);
      expect(cap.headers['content-type']).toContain('application/cap+xml');
      expect(cap.body).toContain('<status>Exercise</status>');
      const publicFeed = await app.inject({ method: 'GET', url: '/public/cap' });
      expect(publicFeed.body).not.toContain(encodeURIComponent(id));

      // --- audit ---
      const timeline = (await call(who.auditor, 'GET', `${url}/audit/timeline?temporal=true`)).json()
        .events as Array<{
        seq: number;
        type: string;
        at: string;
        actor: { id?: string } | string;
        temporal: { eventId: string } | null;
      }>;
      expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));
      const issued = timeline.find((e) => e.type === 'warning.issued')!;
      expect(issued.actor).toMatchObject({ id: who.commander.id, role: 'commander' });
      expect(issued.temporal?.eventId).toMatch(/^\d+$/);
      const reports = timeline.filter((e) => e.type === 'report.submitted');
      expect(reports.map((e) => (e.actor as { id: string }).id)).toEqual(
        expect.arrayContaining([who.shuangta.id, who.enforcement.id]),
      );
      expect(timeline[timeline.length - 1]!.type).toBe('episode.closed');

      const replay = await call(who.auditor, 'POST', `${url}/audit/replay`);
      expect(replay.statusCode).toBe(200);
      expect(replay.json()).toMatchObject({ result: 'pass' });

      const atIssue = await call(
        who.auditor,
        'GET',
        `${url}/audit/state?at=${encodeURIComponent(issued.at)}`,
      );
      expect(atIssue.json().state).toMatchObject({ level: 'yellow', phase: 'active' });
      const justBefore = new Date(Date.parse(issued.at) - 1).toISOString();
      const before = await call(
        who.auditor,
        'GET',
        `${url}/audit/state?at=${encodeURIComponent(justBefore)}`,
      );
      expect(before.json().state.level).toBe('none');

      const history = await call(who.auditor, 'GET', `${url}/audit/history`);
      expect(history.statusCode, history.body.slice(0, 500)).toBe(200);
      const chain = history.json();
      expect(chain.workflowId).toBe(id);
      expect(chain.runs[0].history.events[0].eventType).toMatch(
        /WORKFLOW_EXECUTION_STARTED|WorkflowExecutionStarted/,
      );
      const one = await call(who.auditor, 'GET', `${url}/audit/history?runId=${chain.runs[0].runId}`);
      expect(one.json().events.length).toBe(chain.runs[0].history.events.length);
      await app.close();
    });
  });
});

function nextDay(d: string): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
