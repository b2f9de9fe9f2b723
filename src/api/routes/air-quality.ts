/** Observed air quality: import of the monitoring stations and their hourly data; daily AQI per jurisdiction. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  importHourly,
  importStations,
  jurisdictionDailyAqi,
  jurisdictionRollingAqi,
} from '../../adapters/air-quality/index.js';
import { DAILY_ITEMS } from '../../domain/observed-aqi.js';
import { daysBetween, defaultPlan, toCstIso } from '../../domain/index.js';
import { EPISODE_READERS, canSeeJurisdiction } from '../access.js';
import type { AppDeps } from '../deps.js';
import { badRequest, forbidden } from '../errors.js';
import { errorBody, isoDate, isoInstant, planJurisdiction } from '../schemas.js';
import { principalOf } from '../security.js';
import { fileImportRoute } from '../file-imports.js';
import { startObservationFeed } from '../observation-feed.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };
/** Longest range of one GET (days). */
const MAX_DAYS = 366;

const itemValue = z.object({
  value: z.number().nullable(),
  basis: z.number().describe('valid hours, valid O3 8-h windows, or (jurisdiction) valid stations'),
  reason: z.string().optional(),
});
const observedAqi = z.object({
  aqi: z.number().nullable(),
  category: z.string().nullable(),
  level: z.number().nullable(),
  primary: z.array(z.string()),
  iaqi: z.record(z.string(), z.number()),
  concentrations: z.object(Object.fromEntries(DAILY_ITEMS.map((k) => [k, itemValue]))),
  missing: z.record(z.string(), z.string()).describe('items not valid, with the reason (Chinese)'),
  complete: z.boolean(),
  reason: z.string().nullable().describe('why the AQI is null'),
  edition: z.enum(['HJ633-2012', 'HJ633-2026']),
});

export const airQualityRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  fileImportRoute(app, deps, {
    path: '/air-stations/import',
    summary:
      'Import the air monitoring stations (站点编码, 站点名称, 所属区县, 站点类型); any bad row imports nothing',
    run: (input) => importStations(deps.pool, defaultPlan, input),
  });

  fileImportRoute(app, deps, {
    path: '/air-quality/hourly/import',
    summary:
      'Import hourly concentrations (站点编码, 时间 = end of the hour, PM2.5, PM10, SO2, NO2, CO, O3); any bad row imports nothing',
    description:
      'Late and corrected values replace earlier ones (by station and hour). An empty cell is a missing hour. ' +
      'Every open episode is then told what its jurisdiction observed (the observation feed workflow).',
    run: async (input) => {
      const outcome = await importHourly(deps.pool, input);
      if (outcome.span) await startObservationFeed(deps, outcome.span, input.content, app.log);
      return outcome;
    },
  });

  app.get(
    '/air-quality/daily',
    {
      config: { access: EPISODE_READERS }, // a branch: its own county and the city
      schema: {
        tags: ['reference'],
        summary: 'Observed daily AQI of a jurisdiction (HJ 633 by date, HJ 663 validity) and of its stations',
        description:
          'The city: the mean of its national stations; a county: of its stations. A value that is not valid is ' +
          'null with its reason, never zero.',
        security,
        querystring: z.strictObject({
          jurisdiction: planJurisdiction,
          from: isoDate,
          to: isoDate,
        }),
        response: {
          200: z.object({
            jurisdiction: z.string(),
            items: z.array(
              z.object({
                date: z.string(),
                value: observedAqi,
                stations: z.array(z.object({ code: z.string(), name: z.string(), aqi: observedAqi })),
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
      if (span < 0)
        throw badRequest('to: 不能早于from', {
          issues: [{ path: 'querystring.to', message: '结束日期不能早于开始日期' }],
        });
      if (span + 1 > MAX_DAYS)
        throw badRequest(`to: 一次最多查询${MAX_DAYS}天`, {
          issues: [{ path: 'querystring.to', message: `一次最多查询${MAX_DAYS}天` }],
        });
      return {
        jurisdiction,
        items: await jurisdictionDailyAqi(deps.pool, defaultPlan, jurisdiction, from, to),
      };
    },
  );

  app.get(
    '/air-quality/rolling',
    {
      config: { access: EPISODE_READERS }, // a branch: its own county and the city
      schema: {
        tags: ['reference'],
        summary: 'Observed rolling 24-h AQI of a jurisdiction and its stations (the 24 hours ending at `at`)',
        description:
          '`at` is a whole hour (the end of the last hour); the 24 hours before it may span calendar days. ' +
          'A value that is not valid is null with its reason, never zero.',
        security,
        querystring: z.strictObject({ jurisdiction: planJurisdiction, at: isoInstant }),
        response: {
          200: z.object({
            jurisdiction: z.string(),
            hourEnd: z.string(),
            value: observedAqi,
            stations: z.array(z.object({ code: z.string(), name: z.string(), aqi: observedAqi })),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { jurisdiction } = req.query;
      if (!canSeeJurisdiction(principalOf(req), jurisdiction)) throw forbidden();
      const at = Date.parse(req.query.at);
      if (at % 3_600_000 !== 0) {
        throw badRequest('at: 应为整点时间', {
          issues: [{ path: 'querystring.at', message: '应为整点时间' }],
        });
      }
      const r = await jurisdictionRollingAqi(deps.pool, defaultPlan, jurisdiction, at);
      return { jurisdiction, hourEnd: toCstIso(at), ...r };
    },
  );
};
