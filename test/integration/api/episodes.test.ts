/** Episode routes through HTTP with a real worker: success and failure paths, RBAC on objects, idempotency. */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/api/app.js';
import { API_RETRY_SETTLE_MS, createApiConnection } from '../../../src/temporal/connection.js';
import { freePort, startDevServer } from '../../../src/tools/temporal-dev-server.js';
import { goodReport } from '../../episode-harness.js';
import { type IntegrationContext, integrationContext, withWorker } from '../../helpers.js';
import {
  PNG_1x1,
  type PrincipalKey,
  type TestPrincipal,
  bearer,
  multipart,
  seedPrincipals,
  settledCounts,
  tableCounts,
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

const FORBIDDEN = {
  type: '/problems/forbidden',
  status: 403,
  code: 'forbidden',
  detail: 'not allowed for this principal',
};

function caller(app: App) {
  return (
    p: TestPrincipal | null,
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method,
      url,
      headers: { ...(p ? bearer(p) : {}), ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
}

const path = (id: string) => `/episodes/${encodeURIComponent(id)}`;

describe('episodes', () => {
  it('start, list with filters, paging and RBAC; validation failures start nothing', async () => {
    await withWorker(ctx, async (taskQueue) => {
      const app = await testApp(ctx, taskQueue);
      const call = caller(app);
      const date = uniqueDate();
      const ids: string[] = [];
      for (const jurisdiction of ['shuangta', 'beipiao', 'chaoyang']) {
        const res = await call(who.office, 'POST', '/episodes', {
          jurisdiction,
          date,
          forecast: [{ date, aqi: 60 }],
        });
        expect(res.statusCode).toBe(202);
        ids.push(res.json().id);
        const again = await call(who.office, 'POST', '/episodes', {
          jurisdiction,
          date,
          forecast: [{ date, aqi: 60 }],
        });
        expect(again.json().runId).toBe(res.json().runId);
      }
      const directive = await call(who.office, 'POST', '/episodes', {
        jurisdiction: 'chaoyang',
        date,
        seq: 2,
        origin: 'province',
        directedLevel: 'orange',
        forecast: [{ date, aqi: 60 }],
      });
      expect(directive.statusCode).toBe(202);
      await expect
        .poll(
          async () =>
            (await call(who.office, 'GET', directive.headers.location as string)).json().pendingProposal
              ?.level,
          {
            timeout: 15_000,
          },
        )
        .toBe('orange');
      ids.push(directive.json().id);

      await expect
        .poll(
          async () =>
            (await ctx.pool.query('SELECT count(*)::int AS n FROM episodes WHERE business_date = $1', [date]))
              .rows[0].n,
          {
            timeout: 15_000,
          },
        )
        .toBe(4);
      const all = await call(who.office, 'GET', `/episodes?from=${date}&to=${date}`);
      expect(
        all
          .json()
          .items.map((e: { id: string }) => e.id)
          .sort(),
      ).toEqual([...ids].sort());
      const mine = await call(who.beipiao, 'GET', `/episodes?from=${date}&to=${date}`);
      expect(
        mine
          .json()
          .items.map((e: { jurisdiction: string }) => e.jurisdiction)
          .sort(),
      ).toEqual(['beipiao', 'chaoyang', 'chaoyang']);
      const asked = await call(who.beipiao, 'GET', `/episodes?from=${date}&to=${date}&jurisdiction=shuangta`);
      expect(asked.json().items).toEqual([]);
      const proposed = await call(who.auditor, 'GET', `/episodes?from=${date}&to=${date}&phase=proposed`);
      expect(proposed.json().items.map((e: { id: string }) => e.id)).toEqual([directive.json().id]);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await call(
          who.office,
          'GET',
          `/episodes?from=${date}&to=${date}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.statusCode).toBe(200);
        seen.push(...page.json().items.map((e: { id: string }) => e.id));
        cursor = page.json().nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual([...ids].sort());
      expect((await call(who.office, 'GET', '/episodes?cursor=bm90LWEtY3Vyc29y')).statusCode).toBe(400);

      // object-level RBAC: another county's episode is refused the same way whether it exists or not
      const existing = await call(who.beipiao, 'GET', path(ids[0]!));
      const missing = await call(who.beipiao, 'GET', path(`episode:shuangta:${date}:77`));
      expect(existing.statusCode).toBe(403);
      expect(missing.statusCode).toBe(403);
      expect(existing.json()).toMatchObject(FORBIDDEN);
      expect(missing.json()).toMatchObject(FORBIDDEN);
      expect(existing.json().detail).toBe(missing.json().detail);
      expect((await call(who.beipiao, 'GET', path(ids[2]!))).statusCode).toBe(200); // city-wide
      expect((await call(who.beipiao, 'GET', path(ids[1]!))).statusCode).toBe(200); // its own
      expect((await call(who.enforcement, 'GET', path(ids[0]!))).statusCode).toBe(200);

      const before = await settledCounts(ctx);
      for (const bad of [
        { jurisdiction: 'atlantis', forecast: [{ date, aqi: 1 }] },
        { jurisdiction: 'chaoyang', forecast: [{ date, aqi: 1 }], exerciseDayMs: 20_000 },
        { jurisdiction: 'chaoyang', forecast: [{ date, aqi: 1 }], exercise: true, exerciseDayMs: 5_000 },
        { jurisdiction: 'chaoyang', forecast: [{ date, aqi: 1 }], origin: 'province' },
        { jurisdiction: 'chaoyang', forecast: [{ date, aqi: 1 }], initiator: 'someone-else' },
      ]) {
        const res = await call(who.office, 'POST', '/episodes', { ...bad, date: uniqueDate() });
        expect(res.statusCode).toBe(400);
      }
      const noPlan = await call(who.office, 'POST', '/episodes', {
        jurisdiction: 'chaoyang',
        date: uniqueDate(),
        forecast: [{ date, aqi: 1 }],
        planVersion: 999,
      });
      expect(noPlan.statusCode).toBe(404);
      const badForecast = await call(who.office, 'POST', `${path(ids[2]!)}/consultations`, {
        forecast: [
          { date, aqi: 100 },
          { date, aqi: 120 },
        ],
      });
      expect(badForecast.statusCode).toBe(400);
      expect(badForecast.json().code).toBe('invalid_forecast');
      expect(await tableCounts(ctx)).toMatchObject({
        episodes: before.episodes,
        episode_events: before.episode_events,
      });

      // cancel the ones with no response under way; cancelling twice is a conflict
      for (const id of ids) {
        const res = await call(who.office, 'POST', `${path(id)}/close`, {
          reason: 'cancel',
          comment: 'test done',
        });
        expect(res.statusCode).toBe(200);
        expect(res.json().phase).toBe('closed');
      }
      const twice = await call(who.office, 'POST', `${path(ids[0]!)}/close`, { reason: 'cancel' });
      expect(twice.statusCode).toBe(409);
      await app.close();
    });
  });

  it('commands: decisions, reports, summaries — their refusals, RBAC and idempotency', async () => {
    await withWorker(ctx, async (taskQueue) => {
      const app = await testApp(ctx, taskQueue);
      const call = caller(app);
      const date = uniqueDate();
      const start = await call(who.office, 'POST', '/episodes', {
        jurisdiction: 'shuangta',
        date,
        forecast: [{ date, aqi: 230 }],
      });
      const url = start.headers.location as string;
      const id = start.json().id as string;
      await expect
        .poll(async () => (await call(who.office, 'GET', url)).json().phase, { timeout: 15_000 })
        .toBe('proposed');
      const proposalId = (await call(who.office, 'GET', url)).json().pendingProposal.proposalId;

      // a county's episode is ordered by the county's commander (二.2), not the city's
      const cityCommander = await call(who.commander, 'POST', `${url}/decisions`, {
        decision: 'approve',
        proposalId,
      });
      expect(cityCommander.statusCode).toBe(403);
      const stale = await call(who.shuangtaCommander, 'POST', `${url}/decisions`, {
        decision: 'approve',
        proposalId: 'P99',
      });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().code).toBe('stale_proposal');
      const incomplete = await call(who.shuangtaCommander, 'POST', `${url}/decisions`, {
        decision: 'approve',
      });
      expect(incomplete.statusCode).toBe(400);
      expect(incomplete.json().errors[0].path).toBe('body.proposalId');
      expect(
        (
          await call(who.shuangtaCommander, 'POST', `${path(`episode:shuangta:${date}:9`)}/decisions`, {
            decision: 'lift',
          })
        ).statusCode,
      ).toBe(404);

      const key = { 'idempotency-key': `${id}-approve` };
      const approved = await call(
        who.shuangtaCommander,
        'POST',
        `${url}/decisions`,
        { decision: 'approve', proposalId },
        key,
      );
      expect(approved.statusCode).toBe(200);
      const replayed = await call(
        who.shuangtaCommander,
        'POST',
        `${url}/decisions`,
        { decision: 'approve', proposalId },
        key,
      );
      expect(replayed.statusCode).toBe(200);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.body).toBe(approved.body);
      const view = (await call(who.leader, 'GET', url)).json();
      expect(view.decisions).toHaveLength(1);
      expect(view.decisions[0].by).toBe(who.shuangtaCommander.id);
      expect(view.level).toBe('yellow');

      // reports: for itself only, only its county, only open days, only its own photos
      const otherUnit = await call(who.shuangta, 'POST', `${url}/reports`, {
        unitId: 'enforcement',
        responseDay: 1,
        fields: goodReport(),
      });
      expect(otherUnit.statusCode).toBe(403);
      expect(otherUnit.json()).toMatchObject(FORBIDDEN);
      const otherCounty = await call(who.beipiao, 'POST', `${url}/reports`, {
        responseDay: 1,
        fields: goodReport(),
      });
      expect(otherCounty.statusCode).toBe(403);
      expect(otherCounty.body).toBe(
        (
          await call(who.beipiao, 'POST', `${path(`episode:shuangta:${date}:42`)}/reports`, {
            responseDay: 1,
            fields: goodReport(),
          })
        ).body.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, otherCounty.json().requestId),
      );

      const upload = multipart([{ name: 'p', filename: 'a.png', contentType: 'image/png', data: PNG_1x1 }]);
      const enfPhoto = (
        await app.inject({
          method: 'POST',
          url: '/photos',
          headers: { ...bearer(who.enforcement), ...upload.headers },
          payload: upload.payload,
        })
      ).json().photos[0].id;
      const borrowed = await call(who.shuangta, 'POST', `${url}/reports`, {
        responseDay: 1,
        fields: goodReport({ photoIds: [enfPhoto] }),
      });
      expect(borrowed.statusCode).toBe(400);

      const before = await settledCounts(ctx);
      const eventsBefore = (await call(who.office, 'GET', url)).json().eventCount;
      const notAnImage = multipart([
        { name: 'report', value: JSON.stringify({ responseDay: 1, fields: goodReport({ photoIds: [] }) }) },
        { name: 'p', filename: 'x.png', contentType: 'image/png', data: Buffer.from('MZ not an image') },
      ]);
      const rejected = await app.inject({
        method: 'POST',
        url: `${url}/reports`,
        headers: { ...bearer(who.shuangta), ...notAnImage.headers },
        payload: notAnImage.payload,
      });
      expect(rejected.statusCode).toBe(415);
      const tooBig = multipart([
        { name: 'report', value: JSON.stringify({ responseDay: 1, fields: goodReport({ photoIds: [] }) }) },
        {
          name: 'p',
          filename: 'big.png',
          contentType: 'image/png',
          data: Buffer.concat([PNG_1x1, Buffer.alloc(6 * 1024 * 1024)]),
        },
      ]);
      const big = await app.inject({
        method: 'POST',
        url: `${url}/reports`,
        headers: { ...bearer(who.shuangta), ...tooBig.headers },
        payload: tooBig.payload,
      });
      expect(big.statusCode).toBe(413);
      const notOpen = multipart([
        { name: 'report', value: JSON.stringify({ responseDay: 5, fields: goodReport({ photoIds: [] }) }) },
        { name: 'p', filename: 'ok.png', contentType: 'image/png', data: PNG_1x1 },
      ]);
      const day5 = await app.inject({
        method: 'POST',
        url: `${url}/reports`,
        headers: { ...bearer(who.shuangta), ...notOpen.headers },
        payload: notOpen.payload,
      });
      expect(day5.statusCode).toBe(400);
      expect(day5.json().errors[0].path).toBe('responseDay');
      const missingField = await call(who.shuangta, 'POST', `${url}/reports`, {
        responseDay: 1,
        fields: { photoIds: [] },
      });
      expect(missingField.statusCode).toBe(400);
      expect(missingField.json().errors.map((i: { path: string }) => i.path)).toContain(
        'body.fields.onSiteSupervisionCount',
      );
      expect(await tableCounts(ctx)).toMatchObject({
        photos: before.photos,
        unit_reports: before.unit_reports,
      });
      expect((await call(who.office, 'GET', url)).json().eventCount).toBe(eventsBefore);

      const summaryEarly = await call(who.shuangta, 'POST', `${url}/summaries`, { text: '总结' });
      expect(summaryEarly.statusCode).toBe(409);
      expect(summaryEarly.json().code).toBe('invalid_transition');
      const cancelActive = await call(who.office, 'POST', `${url}/close`, { reason: 'cancel' });
      expect(cancelActive.statusCode).toBe(409);
      const endEarly = await call(who.office, 'POST', `${url}/close`, { reason: 'end-early-response' });
      expect(endEarly.statusCode).toBe(409);

      const duties = await call(who.shuangta, 'GET', `${url}/duties`);
      expect(duties.statusCode).toBe(200);
      expect(duties.json().duties.some((d: { unitId: string }) => d.unitId === 'branch.shuangta')).toBe(true);

      // the commander lifts without a proposal; the episode goes on to its summaries
      const lifted = await call(who.shuangtaCommander, 'POST', `${url}/decisions`, {
        decision: 'lift',
        comment: '空气质量好转',
      });
      expect(lifted.statusCode).toBe(200);
      expect(lifted.json().phase).toBe('lifting');
      const again = await call(who.shuangtaCommander, 'POST', `${url}/decisions`, { decision: 'lift' });
      expect(again.statusCode).toBe(409);
      await ctx.client.workflow.getHandle(id).terminate('test done');
      await app.close();
    });
  });
});

describe('a county’s episode under its own plan (二.2)', () => {
  it('its branch starts and consults it; another branch, the enforcement team and a wrong plan are refused', async () => {
    await withWorker(ctx, async (taskQueue) => {
      const app = await testApp(ctx, taskQueue);
      const call = caller(app);
      const date = uniqueDate();
      const body = { jurisdiction: 'shuangta', date, forecast: [{ date, aqi: 230 }] };
      const byOther = await call(who.beipiao, 'POST', '/episodes', body);
      expect(byOther.statusCode).toBe(403);
      expect((await call(who.enforcement, 'POST', '/episodes', body)).statusCode).toBe(403);
      const cityPlan = await call(who.office, 'POST', '/episodes', { ...body, planId: 'chaoyang-2024' });
      expect(cityPlan.statusCode).toBe(400);
      expect(cityPlan.json().errors).toEqual([
        expect.objectContaining({ path: 'planId', message: expect.stringContaining('不适用于该行政区') }),
      ]);
      const cityByBranch = await call(who.shuangta, 'POST', '/episodes', {
        ...body,
        jurisdiction: 'chaoyang',
      });
      expect(cityByBranch.statusCode).toBe(403);
      // nothing was started by the refusals
      const listed = await call(who.office, 'GET', `/episodes?from=${date}&to=${date}`);
      expect(listed.json().items).toEqual([]);

      const started = await call(who.shuangta, 'POST', '/episodes', body);
      expect(started.statusCode).toBe(202);
      const url = started.headers.location as string;
      await expect
        .poll(async () => (await call(who.office, 'GET', url)).json().phase, { timeout: 15_000 })
        .toBe('proposed');
      const view = (await call(who.shuangta, 'GET', url)).json();
      expect(view).toMatchObject({ jurisdiction: 'shuangta', planId: 'shuangta-2024' });
      const again = await call(who.shuangta, 'POST', `${url}/consultations`, {
        forecast: [{ date, aqi: 240 }],
      });
      expect(again.statusCode).toBe(200);
      expect(
        (await call(who.enforcement, 'POST', `${url}/consultations`, { forecast: [{ date, aqi: 240 }] }))
          .statusCode,
      ).toBe(403);
      expect((await call(who.beipiao, 'GET', url)).statusCode).toBe(403);
      await ctx.client.workflow.getHandle(started.json().id).terminate('test done');
      await app.close();
    });
  });
});

describe('the office’s decisions through HTTP', () => {
  it('confirms or declines a proposed early response and decides a 通报; bad input names the field, others are refused', async () => {
    await withWorker(ctx, async (taskQueue) => {
      const app = await testApp(ctx, taskQueue);
      const call = caller(app);
      const date = uniqueDate();
      const start = await call(who.office, 'POST', '/episodes', {
        jurisdiction: 'chaoyang',
        date,
        forecast: [{ date, aqi: 125 }],
      });
      const url = start.headers.location as string;
      await expect
        .poll(async () => (await call(who.office, 'GET', url)).json().pendingEarlyResponse, {
          timeout: 15_000,
        })
        .not.toBeNull();
      const noReason = await call(who.office, 'POST', `${url}/early-response/decision`, {
        decision: 'decline',
      });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().errors).toEqual([expect.objectContaining({ path: 'body.reason' })]);
      const byBranch = await call(who.shuangta, 'POST', `${url}/early-response/decision`, {
        decision: 'start',
      });
      expect(byBranch.statusCode).toBe(403);
      expect((await call(who.office, 'GET', url)).json().phase).toBe('consultation');
      const started = await call(who.office, 'POST', `${url}/early-response/decision`, { decision: 'start' });
      expect(started.statusCode).toBe(200);
      expect(started.json()).toMatchObject({ phase: 'early-response', pendingEarlyResponse: null });
      const again = await call(who.office, 'POST', `${url}/early-response/decision`, { decision: 'start' });
      expect(again.statusCode).toBe(409);
      const unknown = await call(who.office, 'POST', `${url}/notices/${encodeURIComponent('N9')}/decision`, {
        decision: 'issue',
      });
      expect(unknown.statusCode).toBe(404);
      const badDecision = await call(who.office, 'POST', `${url}/notices/N1/decision`, {
        decision: 'publish',
      });
      expect(badDecision.statusCode).toBe(400);
      expect(JSON.stringify(badDecision.json().errors)).toContain('decision');
      await ctx.client.workflow.getHandle(start.json().id).terminate('test done');
      await app.close();
    });
  });
});

describe('when Temporal is down', () => {
  it('/readyz answers 503 naming Temporal, episode reads still answer from the projection, and it recovers', async () => {
    const port = await freePort();
    const server = await startDevServer({ port });
    const connection = createApiConnection(server.address);
    const app = await testApp(ctx, 'unused', { temporal: new Client({ connection }) });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await server.stop();
    const down = await app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json().checks.temporal.ok).toBe(false);
    const read = await app.inject({
      method: 'GET',
      url: path('episode:chaoyang:2199-02-02:1'),
      headers: bearer(who.office),
    });
    // reads never ask Temporal: an unknown episode is a 404 from the projection, not a 503
    expect(read.statusCode).toBe(404);
    expect(read.json().code).toBe('not_found');
    const restarted = await startDevServer({ port });
    await expect
      .poll(async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe(200);
    await app.close();
    await sleep(API_RETRY_SETTLE_MS);
    await connection.close();
    await restarted.stop();
  });
});
