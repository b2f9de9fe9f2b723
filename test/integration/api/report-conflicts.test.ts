/**
 * Reports lost across units (security finding 3), through HTTP with a real worker: a report id already
 * used by another unit keeps both reports' content; the same unit reusing an id for other content, or
 * filing a second, different summary, is a 409 — never a silent no-op; a true retry still succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
beforeAll(async () => {
  ctx = await integrationContext();
  who = await seedPrincipals(ctx);
});
afterAll(async () => {
  await ctx?.close();
});

describe('report and summary ids', () => {
  it('are keyed by unit; another content under a used id is a 409', async () => {
    await withWorker(ctx, async (taskQueue) => {
      const app = await testApp(ctx, taskQueue);
      const call = (p: TestPrincipal, method: 'GET' | 'POST', url: string, payload?: object) =>
        app.inject({ method, url, headers: bearer(p), ...(payload ? { payload } : {}) });
      const date = uniqueDate();
      // an exercise (10-minute days): day 1's report is owed whatever the hour the test runs at — a real
      // warning ordered after 13:00 owes its first report on day 2 (the plan's working time, §3b)
      const start = await call(who.office, 'POST', '/episodes', {
        jurisdiction: 'chaoyang',
        date,
        exercise: true,
        exerciseDayMs: 600_000,
        forecast: [{ date, aqi: 230 }],
      });
      const url = start.headers.location as string;
      await expect
        .poll(async () => (await call(who.office, 'GET', url)).json().phase, { timeout: 15_000 })
        .toBe('proposed');
      const proposalId = (await call(who.office, 'GET', url)).json().pendingProposal.proposalId;
      expect(
        (await call(who.commander, 'POST', `${url}/decisions`, { decision: 'approve', proposalId }))
          .statusCode,
      ).toBe(200);

      const photo = async (p: TestPrincipal) => {
        const body = multipart([{ name: 'p', filename: 'a.png', contentType: 'image/png', data: PNG_1x1 }]);
        const res = await app.inject({
          method: 'POST',
          url: '/photos',
          headers: { ...bearer(p), ...body.headers },
          payload: body.payload,
        });
        return (res.json() as { photos: Array<{ id: string }> }).photos[0]!.id;
      };
      const report = (notes: string, photoId: string) => ({
        reportId: 'R1',
        responseDay: 1,
        fields: goodReport({ notes, photoIds: [photoId] }),
      });

      // the attack: enforcement reuses the branch's report id
      const branchPhoto = await photo(who.shuangta);
      const first = await call(who.shuangta, 'POST', `${url}/reports`, report('双塔区分局日报', branchPhoto));
      expect(first.statusCode).toBe(201);
      const enforcementPhoto = await photo(who.enforcement);
      const second = await call(
        who.enforcement,
        'POST',
        `${url}/reports`,
        report('执法支队日报', enforcementPhoto),
      );
      expect(second.statusCode).toBe(201);
      expect(second.json()).toMatchObject({ reportId: 'R1', unitId: 'enforcement', duplicate: false });
      // both contents are kept, each under its unit
      await expect
        .poll(
          async () =>
            (
              (await call(who.office, 'GET', `${url}/reports`)).json().items as Array<{
                unitId: string;
                fields: { notes: string };
              }>
            )
              .map((r) => `${r.unitId}:${r.fields.notes}`)
              .sort(),
          { timeout: 15_000 },
        )
        .toEqual(['branch.shuangta:双塔区分局日报', 'enforcement:执法支队日报']);

      // the same unit, the same id, other content: 409 naming the field, nothing recorded
      const eventsBefore = (await call(who.office, 'GET', url)).json().eventCount;
      const changed = await call(who.shuangta, 'POST', `${url}/reports`, report('改过的内容', branchPhoto));
      expect(changed.statusCode).toBe(409);
      expect(changed.json()).toMatchObject({ code: 'conflict', errors: [{ path: 'body.reportId' }] });
      expect(changed.json().detail).toContain('reportId R1');
      // a true retry (same content, the photo uploaded again with a new id) is the same report
      const retried = await call(
        who.shuangta,
        'POST',
        `${url}/reports`,
        report('双塔区分局日报', await photo(who.shuangta)),
      );
      expect(retried.statusCode).toBe(200);
      expect(retried.json()).toMatchObject({ reportId: 'R1', duplicate: true });
      expect((await call(who.office, 'GET', url)).json().eventCount).toBe(eventsBefore);
      const shuangta = (
        await call(who.office, 'GET', `${url}/reports?unitId=branch.shuangta&includeReplaced=true`)
      ).json().items;
      expect(shuangta.map((r: { fields: { notes: string } }) => r.fields.notes)).toEqual(['双塔区分局日报']);

      // summaries: one per unit; a refused one (too early) does not hold the claim
      const early = await call(who.enforcement, 'POST', `${url}/summaries`, { text: '提前的总结' });
      expect(early.statusCode).toBe(409);
      expect(early.json().code).toBe('invalid_transition');
      expect((await call(who.commander, 'POST', `${url}/decisions`, { decision: 'lift' })).statusCode).toBe(
        200,
      );
      const summary = await call(who.enforcement, 'POST', `${url}/summaries`, {
        summaryId: 'S1',
        text: '执法支队总结',
      });
      expect(summary.statusCode).toBe(201);
      const branchSummary = await call(who.shuangta, 'POST', `${url}/summaries`, {
        summaryId: 'S1',
        text: '双塔区分局总结',
      });
      expect(branchSummary.statusCode).toBe(201);
      const another = await call(who.enforcement, 'POST', `${url}/summaries`, {
        summaryId: 'S2',
        text: '另一份总结',
      });
      expect(another.statusCode).toBe(409);
      expect(another.json().detail).toBe('this unit already filed a different summary for the episode');
      const same = await call(who.enforcement, 'POST', `${url}/summaries`, {
        summaryId: 'S1',
        text: '执法支队总结',
      });
      expect(same.statusCode).toBe(201);
      expect(same.json().summaryId).toBe('S1');
      await expect
        .poll(
          async () =>
            (
              (await call(who.office, 'GET', `${url}/summaries`)).json().items as Array<{
                unitId: string;
                text: string;
              }>
            )
              .map((r) => `${r.unitId}:${r.text}`)
              .sort(),
          { timeout: 15_000 },
        )
        .toEqual(['branch.shuangta:双塔区分局总结', 'enforcement:执法支队总结']);
      await ctx.client.workflow.getHandle(start.json().id).terminate('test done');
      await app.close();
    });
  });
});
