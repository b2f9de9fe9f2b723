/**
 * A report that reached the API while no worker ran: on the real dev server, an exercise episode with
 * 24 s days (one compressed hour = 1 s) whose worker is stopped across the 17:00 deadline and the
 * 18:00 step. When a new worker starts, the deadline timer and the waiting reports are handled in the
 * same activation: a report the API received before 17:00 is on time and chases nobody; one received
 * after 18:00 is late and the two steps that fell due before it are on record. Then the worker is
 * stopped across midnight: a day-2 report received a moment before midnight, handled after it, finds
 * its duty assigned first and is on time.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logOnlyActivityDeps } from '../../src/activities/deps.js';
import { toCstIso } from '../../src/domain/index.js';
import { submitReportUpdate } from '../../src/workflows/definitions.js';
import { createWorker } from '../../worker.js';
import {
  CITY_REPORTING_UNITS,
  approvePending,
  goodReport,
  reportAll,
  saveGoldenHistory,
  startCityExercise,
  unitPrincipal,
  viewOf,
} from '../episode-harness.js';
import { type IntegrationContext, integrationContext, workflowBundle } from '../helpers.js';

const DAY_MS = 24_000;
const HOUR = DAY_MS / 24;

let ctx: IntegrationContext;
beforeAll(async () => {
  ctx = await integrationContext();
});
afterAll(async () => {
  await ctx.close();
});

async function worker(taskQueue: string) {
  return createWorker({
    connection: ctx.nativeConnection,
    namespace: 'default',
    taskQueue,
    activityDeps: logOnlyActivityDeps(ctx.pool),
    workflowBundle: await workflowBundle(),
  });
}

async function events(episodeId: string, type: string) {
  const { rows } = await ctx.pool.query<{ payload: Record<string, unknown> }>(
    'SELECT payload FROM episode_events WHERE episode_id = $1 AND type = $2 ORDER BY seq',
    [episodeId, type],
  );
  return rows.map((r) => r.payload);
}

describe('reports that arrive while the worker is down', () => {
  it('are judged by when the API received them, after the ladder steps that fell due before a late one', async () => {
    const taskQueue = `receipt-${randomUUID()}`;
    const first = await worker(taskQueue);
    let origin = 0;
    let handle!: Awaited<ReturnType<typeof startCityExercise>>;
    let episodeId = '';
    await first.runUntil(async () => {
      handle = await startCityExercise(ctx.client, taskQueue, DAY_MS);
      episodeId = handle.workflowId;
      const before = Date.now();
      await approvePending(handle);
      // the response calendar starts at the approval
      const due = Date.parse((await viewOf(handle)).duties.find((d) => d.responseDay === 1)!.dueAt!);
      origin = due - 17 * HOUR;
      expect(origin).toBeGreaterThanOrEqual(before - 5);
      await reportAll(
        handle,
        1,
        CITY_REPORTING_UNITS.filter((u) => u !== 'branch.beipiao' && u !== 'enforcement'),
      );
      // let its side effects finish before the worker goes
      await expect
        .poll(async () => ((await handle.describe()).raw.pendingActivities ?? []).length, { timeout: 15_000 })
        .toBe(0);
    });

    // No worker from here until 18:36 (compressed): 17:00 and 18:00 fall due on the server alone. Each
    // report is sent when the API would have sent it — at the moment it claims to have been received —
    // so both are waiting on the server before the new worker polls (as they would be in production).
    const at = (hours: number) =>
      new Promise((r) => setTimeout(r, Math.max(0, origin + hours * HOUR - Date.now())));
    const report = (unitId: string, responseDay = 1, receivedAtMs = Date.now()) => {
      const receivedAt = toCstIso(receivedAtMs);
      const result = handle.executeUpdate(submitReportUpdate, {
        args: [
          {
            actor: unitPrincipal(unitId),
            unitId,
            responseDay,
            reportId: `${unitId}-${responseDay}`,
            fields: goodReport(),
            receivedAt,
          },
        ],
      });
      result.catch(() => undefined); // awaited below; keep an early rejection from going unhandled
      return { receivedAt, result };
    };
    await at(16.5);
    const onTime = report('enforcement', 1, origin + 16.5 * HOUR); // reached the API at 16:30 (a loaded machine may wake late)
    await at(18.1);
    const late = report('branch.beipiao', 1, Math.max(Date.now(), origin + 18.1 * HOUR)); // at 18:06
    expect(Date.parse(onTime.receivedAt)).toBeLessThan(origin + 17 * HOUR);
    expect(Date.parse(late.receivedAt)).toBeGreaterThan(origin + 18 * HOUR);
    await at(18.6);

    const second = await worker(taskQueue);
    await second.runUntil(async () => {
      expect(await onTime.result).toMatchObject({ late: false, duplicate: false });
      expect(await late.result).toMatchObject({ late: true, duplicate: false });
      await expect
        .poll(async () => (await events(episodeId, 'escalation.stopped')).map((p) => p.unitId), {
          timeout: 15_000,
        })
        .toEqual(['branch.beipiao']);
      expect((await events(episodeId, 'report.overdue')).map((p) => p.unitId)).toEqual(['branch.beipiao']);
      expect((await events(episodeId, 'escalation.step')).map((p) => [p.unitId, p.step])).toEqual([
        ['branch.beipiao', 1],
        ['branch.beipiao', 2],
      ]);
      const submitted = await events(episodeId, 'report.submitted');
      const of = (u: string) => submitted.find((p) => p.unitId === u)!;
      expect(of('enforcement')).toMatchObject({ late: false, receivedAt: onTime.receivedAt });
      expect(of('branch.beipiao')).toMatchObject({ late: true, receivedAt: late.receivedAt });
      const view = await viewOf(handle);
      expect(view.openEscalations).toEqual([]);
      expect(view.duties.find((d) => d.unitId === 'enforcement' && d.responseDay === 1)?.status).not.toBe(
        'overdue',
      );
      // the office's daily report (20:00) is out before this worker goes too
      await expect
        .poll(async () => (await events(episodeId, 'document.produced')).length, { timeout: 15_000 })
        .toBeGreaterThan(0);
      await expect
        .poll(async () => ((await handle.describe()).raw.pendingActivities ?? []).length, { timeout: 15_000 })
        .toBe(0);
    });

    // Midnight with no worker: a day-2 report the API received a moment before midnight reaches
    // Temporal after it. The new worker handles it in the same activation as the midnight timer; the
    // unit's day-2 duty exists before the report (assigned once), and the report is on time.
    await at(24.2);
    const early = report('branch.beipiao', 2, origin + 24 * HOUR - 50);
    await at(24.5);
    const third = await worker(taskQueue);
    await third.runUntil(async () => {
      expect(await early.result).toMatchObject({ responseDay: 2, late: false, duplicate: false });
      // the workflow projects its events in the background
      const day2Of = async (unitId: string) =>
        (
          await ctx.pool.query<{ type: string; payload: Record<string, unknown> }>(
            `SELECT type, payload FROM episode_events WHERE episode_id = $1
               AND type IN ('duty.assigned', 'report.submitted') AND payload->>'unitId' = $2
               AND payload->>'responseDay' = '2' ORDER BY seq`,
            [episodeId, unitId],
          )
        ).rows;
      await expect
        .poll(async () => (await day2Of('branch.beipiao')).map((r) => r.type), { timeout: 15_000 })
        .toEqual(['duty.assigned', 'report.submitted']);
      const rows = await day2Of('branch.beipiao');
      expect(rows[1]!.payload).toMatchObject({ late: false, receivedAt: early.receivedAt });
      const view = await viewOf(handle);
      expect(view.duties.find((d) => d.unitId === 'branch.beipiao' && d.responseDay === 2)?.status).toBe(
        'submitted',
      );
      // every other unit got its day-2 duty too, once
      const assigned = (await events(episodeId, 'duty.assigned')).filter((p) => p.responseDay === 2);
      expect(assigned).toHaveLength(CITY_REPORTING_UNITS.length);
      expect(new Set(assigned.map((p) => p.unitId)).size).toBe(CITY_REPORTING_UNITS.length);
      await saveGoldenHistory(handle, 'report-receipt-after-outage');
      await handle.terminate('test done');
    });
  });
});
