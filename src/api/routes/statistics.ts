/**
 * Statistics across episodes and years for the office (#18.6): as JSON and as an XLSX workbook.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cstDate } from '../../domain/index.js';
import { AUDIT_READERS, confinedJurisdiction } from '../access.js';
import type { AppDeps } from '../deps.js';
import { badRequest, forbidden } from '../errors.js';
import type { ApiPrincipal } from '../principal-store.js';
import { principalOf } from '../security.js';
import { booleanQuery, errorBody, isoDate, jurisdictionId } from '../schemas.js';
import { type StatisticsQuery, officeStatistics, statisticsWorkbook } from '../statistics.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody };

const query = z.strictObject({
  from: isoDate
    .optional()
    .describe('first CST day (episodes by their start); default 1 January four years ago'),
  to: isoDate.optional().describe('last CST day; default today'),
  includeExercises: booleanQuery.optional(),
  jurisdiction: jurisdictionId.optional(),
});

/** The period and scope asked for; a county's leader reads its own county only. */
function period(q: z.infer<typeof query>, p: ApiPrincipal): StatisticsQuery {
  const own = confinedJurisdiction(p);
  if (own !== null && q.jurisdiction !== undefined && q.jurisdiction !== own) throw forbidden();
  const today = cstDate(Date.now());
  const from = q.from ?? `${Number(today.slice(0, 4)) - 4}-01-01`;
  const to = q.to ?? today;
  if (from > to)
    throw badRequest('to is before from', { issues: [{ path: 'querystring.to', message: 'before from' }] });
  if (Number(to.slice(0, 4)) - Number(from.slice(0, 4)) > 20)
    throw badRequest('at most 20 years at a time', {
      issues: [{ path: 'querystring.from', message: 'more than 20 years before to' }],
    });
  return {
    from,
    to,
    includeExercises: q.includeExercises ?? false,
    jurisdiction: own ?? q.jurisdiction ?? null,
  };
}

const rate = z.number().nullable().describe('a fraction (0.25 = 25 %); null when nothing to divide');
const statisticsOut = z.object({
  from: z.string(),
  to: z.string(),
  includeExercises: z.boolean(),
  episodes: z.array(
    z.object({
      year: z.number(),
      jurisdiction: z.string(),
      jurisdictionName: z.string(),
      level: z
        .string()
        .describe('the highest level of the episode: red, orange, yellow, early-response or none'),
      levelName: z.string(),
      count: z.number(),
    }),
  ),
  reports: z.array(
    z.object({
      unitId: z.string(),
      unitName: z.string(),
      submitted: z.number(),
      late: z.number(),
      overdue: z.number().describe('reports that became overdue (chased up the ladder)'),
      lateRate: rate,
    }),
  ),
  followUps: z.array(
    z.object({
      unitId: z.string(),
      unitName: z.string(),
      opened: z.number(),
      closed: z.number(),
      closureRate: rate,
    }),
  ),
  compliance: z.array(
    z.object({
      year: z.number(),
      gradeLabel: z.string().describe('绩效分级 as written (B- is not B)'),
      assessed: z.number(),
      compliant: z.number(),
      nonCompliant: z.number(),
      insufficientData: z.number(),
      exempt: z.number(),
      complianceRate: rate,
    }),
  ),
});

export const statisticsRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get(
    '/statistics',
    {
      config: { access: AUDIT_READERS },
      schema: {
        tags: ['statistics'],
        summary:
          'Across episodes and years: episodes by level and jurisdiction, lateness and follow-up closure by unit, compliance by grade',
        security,
        querystring: query,
        response: { 200: statisticsOut, ...errors },
      },
    },
    async (req) => officeStatistics(deps.pool, period(req.query, principalOf(req))),
  );

  app.get(
    '/statistics/export',
    {
      config: { access: AUDIT_READERS },
      schema: {
        tags: ['statistics'],
        summary: 'The statistics as an XLSX workbook (one sheet per table)',
        produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        security,
        querystring: query,
        response: { 200: z.string().meta({ format: 'binary' }), ...errors },
      },
    },
    async (req, reply) => {
      const q = period(req.query, principalOf(req));
      const book = await statisticsWorkbook(await officeStatistics(deps.pool, q));
      const name = `重污染天气应急统计_${q.from}_${q.to}.xlsx`;
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
        .header('cache-control', 'private, no-store')
        .send(book as unknown as string);
    },
  );
};
