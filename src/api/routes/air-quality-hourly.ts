/** Observed air quality hour by hour (for the console's AQI chart): rolling 24-h AQI and mean PM2.5 per hour. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { jurisdictionHourly } from '../../adapters/air-quality/hourly-series.js';
import { daysBetween, defaultPlan, toCstIso } from '../../domain/index.js';
import { EPISODE_READERS, canSeeJurisdiction } from '../access.js';
import type { AppDeps } from '../deps.js';
import { badRequest, forbidden } from '../errors.js';
import { errorBody, isoDate, planJurisdiction } from '../schemas.js';
import { principalOf } from '../security.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };
/** Longest range of one GET (days): a month and a day. */
const MAX_DAYS = 32;

export const airQualityHourlyRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get(
    '/air-quality/hourly',
    {
      config: { access: EPISODE_READERS }, // a branch: its own county and the city
      schema: {
        tags: ['reference'],
        summary: 'Observed air quality of a jurisdiction hour by hour: rolling 24-h AQI and mean PM2.5',
        description:
          'For each hour of the CST dates from `from` to `to`: at its end, the rolling 24-h AQI of the jurisdiction ' +
          '(null when no item is valid, never zero) and the mean PM2.5 of its stations that hour.',
        security,
        querystring: z.strictObject({ jurisdiction: planJurisdiction, from: isoDate, to: isoDate }),
        response: {
          200: z.object({
            jurisdiction: z.string(),
            items: z.array(
              z.object({
                hourEnd: z.string(),
                aqi: z.number().nullable(),
                complete: z.boolean().describe('every item valid; an AQI of some items only is partial'),
                primary: z.array(z.string()),
                pm25: z.number().nullable(),
                stations: z.number(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { jurisdiction, from, to } = req.query;
      if (!canSeeJurisdiction(principalOf(req), jurisdiction)) throw forbidden();
      const span = daysBetween(from, to);
      if (span < 0 || span + 1 > MAX_DAYS)
        throw badRequest(`to: 应不早于from，且一次最多查询${MAX_DAYS}天`, {
          issues: [{ path: 'querystring.to', message: `应不早于开始日期，且一次最多查询${MAX_DAYS}天` }],
        });
      const hours = await jurisdictionHourly(deps.pool, defaultPlan, jurisdiction, from, to);
      return { jurisdiction, items: hours.map((h) => ({ ...h, hourEnd: toCstIso(h.hourEnd) })) };
    },
  );
};
