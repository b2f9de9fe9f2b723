/**
 * The history exporter stores the complete Temporal history of a closed episode run in PostgreSQL;
 * the stored history replays against the current workflow code, and auditors read it over HTTP.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistoryExportActivities } from '../../../src/activities/history-export.js';
import { defaultPlan } from '../../../src/domain/index.js';
import { EPISODE_WORKFLOW_TYPE } from '../../../src/workflows/definitions.js';
import type { episodeWorkflow } from '../../../src/workflows/index.js';
import { approvePending } from '../../episode-harness.js';
import { type IntegrationContext, integrationContext, withWorker, workflowBundle } from '../../helpers.js';
import {
  type PrincipalKey,
  type TestPrincipal,
  bearer,
  seedPrincipals,
  testApp,
  uniqueDate,
} from '../api/api-helpers.js';

let ctx: IntegrationContext;
let who: Record<PrincipalKey, TestPrincipal>;
beforeAll(async () => {
  ctx = await integrationContext();
  who = await seedPrincipals(ctx);
});
afterAll(async () => {
  await ctx?.close();
});

describe('history export', () => {
  it('stores a closed run’s whole history once; it replays, and auditors read it', {
    timeout: 90_000,
  }, async () => {
    const { episodeId, runId } = await withWorker(ctx, async (taskQueue) => {
      const id = `exercise:chaoyang:${uniqueDate()}:1`;
      const handle = await ctx.client.workflow.start<typeof episodeWorkflow>(EPISODE_WORKFLOW_TYPE, {
        workflowId: id,
        taskQueue,
        args: [
          {
            episodeId: id,
            jurisdiction: 'chaoyang',
            planId: defaultPlan.id,
            planVersion: defaultPlan.version,
            exercise: true,
            initiator: { id: 'office-1', role: 'office', unit: 'office' },
            origin: 'consultation',
            forecast: [
              { date: '2100-01-01', aqi: 230 },
              { date: '2100-01-02', aqi: 230 },
            ],
          },
        ],
      });
      await approvePending(handle);
      await handle.terminate('test: closed for the export');
      return { episodeId: handle.workflowId, runId: (await handle.describe()).runId };
    });
    const exporter = createHistoryExportActivities({ pool: ctx.pool, client: ctx.client });
    await expect
      .poll(
        async () => {
          await exporter.exportClosedHistories({ limit: 1_000, workflowType: EPISODE_WORKFLOW_TYPE });
          const r = await ctx.pool.query('SELECT 1 FROM episode_histories WHERE episode_id = $1', [
            episodeId,
          ]);
          return r.rowCount;
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(1);
    // a second pass stores nothing twice
    const again = await exporter.exportClosedHistories({ limit: 1_000, workflowType: EPISODE_WORKFLOW_TYPE });
    expect(again.skipped).toBeGreaterThanOrEqual(1);
    const { rows } = await ctx.pool.query(
      'SELECT run_id, status, event_count, history FROM episode_histories WHERE episode_id = $1',
      [episodeId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ run_id: runId, status: 'TERMINATED' });
    const live = await ctx.client.workflow.getHandle(episodeId, runId).fetchHistory();
    expect(rows[0].event_count).toBe(live.events?.length);
    // the stored copy replays against the current code (what an auditor does after retention)
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle() },
      historyFromJSON(rows[0].history),
      episodeId,
    );

    const app = await testApp(ctx, 'unused');
    try {
      const url = `/episodes/${encodeURIComponent(episodeId)}/histories`;
      const list = await app.inject({ method: 'GET', url, headers: bearer(who.auditor) });
      expect(list.statusCode, list.body).toBe(200);
      expect(list.json().items).toEqual([
        expect.objectContaining({ runId, status: 'TERMINATED', eventCount: rows[0].event_count }),
      ]);
      expect(list.json().items[0].closedAt).toMatch(/\+08:00$/);
      const one = await app.inject({
        method: 'GET',
        url: `${url}?runId=${runId}`,
        headers: bearer(who.auditor),
      });
      expect(one.json().items[0].history.events[0].eventType).toMatch(
        /WORKFLOW_EXECUTION_STARTED|WorkflowExecutionStarted/,
      );
      const unit = await app.inject({ method: 'GET', url, headers: bearer(who.shuangta) });
      expect(unit.statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });
});
