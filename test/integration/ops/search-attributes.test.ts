/**
 * The episode keeps its search attributes EpisodeLevel and EpisodePhase current: on the dev server
 * (started with the attributes registered) episodes are listed by level and phase through the
 * Temporal client's visibility query; on the time-skipping test server the upserted values are
 * described (its visibility has no query language).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { episodeStartMetadata } from '../../../src/api/start-metadata.js';
import { cstDate, defaultPlan, nextDate } from '../../../src/domain/index.js';
import { EPISODE_WORKFLOW_TYPE, type StartEpisodeInput } from '../../../src/workflows/definitions.js';
import type { episodeWorkflow } from '../../../src/workflows/index.js';
import { EpisodeJurisdiction, EpisodeLevel, EpisodePhase } from '../../../src/workflows/search-attributes.js';
import {
  approvePending,
  createTimeSkippingEnv,
  episodeInput,
  runScenario,
  startEpisode,
  terminateLeftovers,
  viewOf,
} from '../../episode-harness.js';
import { type IntegrationContext, integrationContext, withWorker } from '../../helpers.js';

let ctx: IntegrationContext;
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  ctx = await integrationContext();
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await terminateLeftovers();
  await env?.teardown();
  await ctx?.close();
});

const ids = async (query: string): Promise<string[]> => {
  const found: string[] = [];
  for await (const w of ctx.client.workflow.list({ query })) found.push(w.workflowId);
  return found.sort();
};

describe('search attributes', () => {
  it('list episodes by their current level and phase on the dev server', { timeout: 60_000 }, async () => {
    await withWorker(ctx, async (taskQueue) => {
      const today = cstDate(Date.now());
      const prefix = `episode:chaoyang:sa-${Date.now().toString(36)}`;
      const start = (n: number) => {
        const input: StartEpisodeInput = {
          ...episodeInput({ forecast: [0, 1].map((i) => ({ date: nextDate(today, i), aqi: 230 })) }),
          episodeId: `${prefix}:${n}`,
        };
        // as the API starts it: with the initial attributes
        return ctx.client.workflow.start<typeof episodeWorkflow>(EPISODE_WORKFLOW_TYPE, {
          workflowId: input.episodeId,
          taskQueue,
          args: [input],
          ...episodeStartMetadata(input, defaultPlan),
        });
      };
      const warned = await start(1);
      const proposed = await start(2);
      try {
        expect((await viewOf(proposed)).phase).toBe('proposed');
        await approvePending(warned);
        expect((await viewOf(warned)).level).toBe('orange');

        const within = `WorkflowId STARTS_WITH '${prefix}'`;
        await expect
          .poll(() => ids(`EpisodeLevel = 'orange' AND ${within}`), { timeout: 20_000, interval: 250 })
          .toEqual([warned.workflowId]);
        await expect
          .poll(() => ids(`EpisodePhase = 'proposed' AND ${within}`), { timeout: 20_000, interval: 250 })
          .toEqual([proposed.workflowId]);
        expect(await ids(`EpisodePhase = 'consultation' AND ${within}`)).toEqual([]);
        expect(await ids(`EpisodeLevel = 'none' AND ${within}`)).toEqual([proposed.workflowId]);
        // the attributes the API set at start stay
        const described = await warned.describe();
        expect(described.typedSearchAttributes.get(EpisodeJurisdiction)).toBe('chaoyang');
        expect(described.typedSearchAttributes.get(EpisodePhase)).toBe('active');
      } finally {
        for (const h of [warned, proposed]) await h.terminate('test finished').catch(() => {});
      }
    });
  });

  it('are upserted on the time-skipping test server as the level and phase change', async () => {
    await runScenario(env, ctx.pool, async (taskQueue) => {
      const today = cstDate(await env.currentTimeMs());
      const handle = await startEpisode(
        env,
        taskQueue,
        episodeInput({ forecast: [0, 1].map((i) => ({ date: nextDate(today, i), aqi: 230 })) }),
      );
      await expect
        .poll(async () => (await handle.describe()).typedSearchAttributes.get(EpisodePhase), {
          timeout: 10_000,
        })
        .toBe('proposed');
      expect((await handle.describe()).typedSearchAttributes.get(EpisodeLevel)).toBe('none');
      await approvePending(handle);
      await expect
        .poll(async () => (await handle.describe()).typedSearchAttributes.get(EpisodeLevel), {
          timeout: 10_000,
        })
        .toBe('orange');
      expect((await handle.describe()).typedSearchAttributes.get(EpisodePhase)).toBe('active');
    });
  });
});
