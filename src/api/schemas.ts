import { z } from 'zod';
import { defaultPlan } from '../domain/index.js';
import { episodeViewSchema } from './view-schema.js';

/** Request and response schemas shared by routes and the OpenAPI document. */

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    { message: 'not a calendar date' },
  );

/** An instant with its offset, e.g. 2026-11-29T17:00:00+08:00 or …Z. */
export const isoInstant = z
  .string()
  .max(40)
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/,
    'expected an ISO 8601 instant with offset, e.g. 2026-11-29T17:00:00+08:00',
  )
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not a valid instant' });

const planJurisdictions = defaultPlan.jurisdictions.map((j) => j.id);

export const jurisdictionId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9-]*$/, 'lower-case id, e.g. chaoyang or beipiao');

/** A jurisdiction of the plan (the city or one of its counties). */
export const planJurisdiction = jurisdictionId.refine((j) => planJurisdictions.includes(j), {
  message: `one of ${planJurisdictions.join(', ')}`,
});

export const warningLevel = z.enum(['yellow', 'orange', 'red']);
export const levelOrNone = z.enum(['none', 'yellow', 'orange', 'red']);
export const phase = z.enum(['consultation', 'proposed', 'early-response', 'active', 'lifting', 'closed']);

export const forecastDay = z.strictObject({
  date: isoDate,
  aqi: z.number().int().min(0).max(2000),
  /** The day's primary pollutant(s) as HJ 633 names them (e.g. ['O3'] for an ozone process). */
  primaryPollutants: z
    .array(z.enum(['PM2.5', 'PM10', 'O3', 'NO2', 'SO2', 'CO']))
    .min(1)
    .max(6)
    .optional(),
});
export const forecastSeries = z.array(forecastDay).min(1).max(15);

export const MIN_EXERCISE_DAY_MS = 10_000;

export const startEpisodeBody = z
  .strictObject({
    /** A jurisdiction some published plan governs (checked by the route against plan_versions). */
    jurisdiction: jurisdictionId,
    forecast: forecastSeries,
    exercise: z.boolean().default(false),
    /** CST date the episode belongs to; today's CST date by default. */
    date: isoDate.optional(),
    /** Sequence number of the episode in that jurisdiction on that date. */
    seq: z.number().int().min(1).max(99).default(1),
    /** 'province': started by a provincial warning directive, which gives the level. */
    origin: z.enum(['consultation', 'province']).default('consultation'),
    directedLevel: warningLevel.optional(),
    /** Exercises only: real milliseconds one response day lasts (≥ 10 s). */
    exerciseDayMs: z.number().int().min(MIN_EXERCISE_DAY_MS).max(86_400_000).optional(),
    /** The response plan; the published version in force for the jurisdiction unless given. */
    planId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
      .optional(),
    planVersion: z.number().int().min(1).max(10_000).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.exerciseDayMs !== undefined && !b.exercise) {
      ctx.addIssue({
        code: 'custom',
        path: ['exerciseDayMs'],
        message: 'only for exercises (exercise: true)',
      });
    }
    if (b.origin === 'province' && !b.directedLevel) {
      ctx.addIssue({
        code: 'custom',
        path: ['directedLevel'],
        message: 'a provincial directive gives the level',
      });
    }
    if (b.directedLevel && b.origin !== 'province') {
      ctx.addIssue({ code: 'custom', path: ['origin'], message: "a directed level needs origin 'province'" });
    }
  });

export const consultationBody = z
  .strictObject({
    forecast: forecastSeries,
    /** A provincial warning directive recorded by the office. */
    directedLevel: warningLevel.optional(),
    /** The provincial directive in full: 文件 or 建议, its number and date, a level (a floor) or a lift. */
    directive: z
      .strictObject({
        kind: z.enum(['文件', '建议']),
        number: z.string().min(1).max(100).optional(),
        date: isoDate.optional(),
        action: z.enum(['level', 'lift']),
        level: warningLevel.optional(),
      })
      .refine((d) => (d.action === 'level') === (d.level !== undefined), {
        message: 'a level directive names its level; a lift names none',
        path: ['level'],
      })
      .optional(),
    /** The consultation's record (会商记录, 五(一)2): who took part, the products used, the conclusion. */
    record: z
      .strictObject({
        participants: z.array(z.string().trim().min(1).max(100)).min(1).max(30),
        products: z
          .array(
            z.strictObject({
              title: z.string().trim().min(1).max(200),
              reference: z.string().max(500).optional(),
            }),
          )
          .max(30)
          .default([]),
        conclusion: z.string().trim().min(1).max(2000),
      })
      .optional(),
  })
  .describe('A consultation (会商研判) result');

export const decisionBody = z
  .strictObject({
    decision: z.enum(['approve', 'order-level', 'decline', 'lift']),
    proposalId: z.string().min(1).max(40).optional(),
    level: warningLevel.optional(),
    comment: z.string().max(2000).optional(),
    /** When the ordered warning, change or lift takes effect (预警自X日X时起); the moment of the order by default. */
    effectiveAt: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.decision === 'approve' || b.decision === 'decline') && !b.proposalId) {
      ctx.addIssue({ code: 'custom', path: ['proposalId'], message: `${b.decision} needs the proposal id` });
    }
    if (b.decision === 'order-level' && !b.level) {
      ctx.addIssue({ code: 'custom', path: ['level'], message: 'order-level needs a level' });
    }
  });

const reportFieldValue = z.union([
  z.number().int().min(0).max(1_000_000_000),
  z.string().max(4000),
  z.array(z.string().min(1).max(100)).max(50),
]);

export const reportBody = z.strictObject({
  /** Defaults to the caller's unit; a unit reports only for itself. */
  unitId: z.string().min(1).max(100).optional(),
  responseDay: z.number().int().min(1).max(366),
  /** Idempotency of the submission itself: the same id twice is one report. Generated when absent. */
  reportId: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,120}$/)
    .optional(),
  /** Values of the plan's report form; `photoIds` may be left out when photos are uploaded with the report. */
  fields: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,63}$/), reportFieldValue),
});

export const summaryBody = z.strictObject({
  unitId: z.string().min(1).max(100).optional(),
  summaryId: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,120}$/)
    .optional(),
  text: z.string().min(1).max(20_000),
});

export const closeBody = z.strictObject({
  reason: z.enum(['end-early-response', 'cancel']),
  comment: z.string().max(2000).optional(),
});

/** RFC 9457 problem details: the body of every error (`application/problem+json`; see src/api/problems.ts). */
export const errorBody = z
  .looseObject({
    type: z.string().describe('URI of the problem type: /problems/{code}'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().describe('This occurrence: urn:uuid:{requestId}'),
    code: z.string().describe('Machine-readable error code (see /problems/{code})'),
    requestId: z.string(),
    errors: z
      .array(z.looseObject({ path: z.string(), message: z.string() }))
      .optional()
      .describe('Field errors: the path of each field and the reason'),
  })
  .meta({
    id: 'Problem',
    example: {
      type: '/problems/validation',
      title: 'The request is not valid',
      status: 400,
      detail: 'body.forecast.0.aqi: Too big: expected number to be <=2000',
      instance: 'urn:uuid:0b5c1d2e-8d1f-4a57-9a53-5b0f1f0a3c11',
      code: 'validation',
      requestId: '0b5c1d2e-8d1f-4a57-9a53-5b0f1f0a3c11',
      errors: [{ path: 'body.forecast.0.aqi', message: 'Too big: expected number to be <=2000' }],
    },
  });

export const EPISODE_ID = /^(episode|exercise):[a-z][a-z0-9-]{0,63}:\d{4}-\d{2}-\d{2}:\d{1,2}$/;

export const episodeId = z
  .string()
  .min(1)
  .max(200)
  .regex(EPISODE_ID, 'expected an episode id like episode:chaoyang:2026-11-29:1');

export const episodeIdParams = z.object({ id: episodeId });

export const uuidParams = z.object({
  id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected a UUID'),
});

export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

/** The live view (the workflow's Query) or its projection, field by field (src/api/view-schema.ts). */
export const episodeView = episodeViewSchema;

export const episodeSummary = z
  .object({
    id: z.string(),
    jurisdiction: z.string(),
    date: z.string(),
    phase: z.string(),
    level: z.string(),
    response: z.string().nullable(),
    exercise: z.boolean(),
    planId: z.string(),
    planVersion: z.number(),
    startedAt: z.string(),
    closedAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({
    id: 'EpisodeSummary',
    examples: [
      {
        id: 'episode:shuangta:2026-12-02:1',
        jurisdiction: 'shuangta',
        date: '2026-12-02',
        phase: 'active',
        level: 'yellow',
        response: 'III',
        exercise: false,
        planId: 'chaoyang-2024',
        planVersion: 1,
        startedAt: '2026-12-02T09:12:40+08:00',
        closedAt: null,
        updatedAt: '2026-12-02T16:41:09+08:00',
      },
    ],
  });

export const accepted = z.object({ id: z.string(), runId: z.string(), location: z.string() }).meta({
  examples: [
    {
      id: 'episode:shuangta:2026-12-02:1',
      runId: '0193a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
      location: '/episodes/episode%3Ashuangta%3A2026-12-02%3A1',
    },
  ],
});

/** The office's decision on a proposed 通报 (五(四)2): issue it, or decline it saying why. */
export const noticeDecisionBody = z
  .strictObject({
    decision: z.enum(['issue', 'decline']),
    reason: z.string().trim().min(1).max(500).optional(),
    text: z
      .string()
      .trim()
      .min(10)
      .max(2000)
      .optional()
      .describe(
        "the office's own wording of the 通报 (its 基本情况), replacing the generated text; issue only",
      ),
  })
  .refine((b) => b.decision !== 'decline' || b.reason !== undefined, {
    path: ['reason'],
    message: '不予通报时须说明理由',
  })
  .refine((b) => b.decision === 'issue' || b.text === undefined, {
    path: ['text'],
    message: '不予通报时无需通报正文',
  });

/** The office's decision on a proposed early response (五(二)1): start it, or decline it saying why. */
export const earlyResponseDecisionBody = z
  .strictObject({
    decision: z.enum(['start', 'decline']),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .refine((b) => b.decision !== 'decline' || b.reason !== undefined, {
    path: ['reason'],
    message: '不启动提前应对时须说明理由',
  });

/** The office's 签发 of the drafted work summary (#13.5): the 签发人 as the document prints it. */
export const signWorkSummaryBody = z.strictObject({
  signer: z.string().trim().min(1, '须填写签发人').max(50, '签发人不超过50字'),
});
