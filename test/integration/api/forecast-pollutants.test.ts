/** Forecast days carry their primary pollutants from the API through the workflow and back (an ozone process). */
import { nextDate } from '../../../src/domain/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IntegrationContext, integrationContext, withWorker } from '../../helpers.js';
import {
  type PrincipalKey,
  type TestPrincipal,
  bearer,
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

describe('primary pollutants of forecast days', () => {
  it('travel end to end, and a pollutant the standard does not know is refused naming the field', async () => {
    await withWorker(ctx, async (taskQueue) => {
      const app = await testApp(ctx, taskQueue);
      const date = uniqueDate();
      const forecast = [
        { date, aqi: 160, primaryPollutants: ['O3'] },
        { date: nextDate(date), aqi: 120 },
      ];
      const bad = await app.inject({
        method: 'POST',
        url: '/episodes',
        headers: bearer(who.office),
        payload: {
          jurisdiction: 'chaoyang',
          date,
          forecast: [{ date, aqi: 160, primaryPollutants: ['O4'] }],
        },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('forecast.0.primaryPollutants.0');
      const started = await app.inject({
        method: 'POST',
        url: '/episodes',
        headers: bearer(who.office),
        payload: { jurisdiction: 'chaoyang', date, forecast },
      });
      expect(started.statusCode).toBe(202);
      await expect
        .poll(
          async () =>
            (
              await app.inject({
                method: 'GET',
                url: started.headers.location as string,
                headers: bearer(who.office),
              })
            ).json().forecast,
          { timeout: 15_000 },
        )
        .toEqual(forecast);
    });
  });
});
