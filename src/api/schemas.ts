import { z } from 'zod';

/** Request and response schemas shared by routes and the OpenAPI document. */

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: 'not a calendar date',
    },
  );

export const jurisdictionId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9-]*$/, 'lower-case id, e.g. chaoyang or beipiao');

export const forecastDay = z.object({
  date: isoDate,
  aqi: z.number().int().min(0).max(2000),
});

export const startEpisodeBody = z
  .object({
    jurisdiction: jurisdictionId,
    forecast: z.array(forecastDay).min(1).max(15),
    exercise: z.boolean().default(false),
    /** CST date the episode belongs to; today's CST date by default. */
    date: isoDate.optional(),
    /** Sequence number of the episode in that jurisdiction on that date. */
    seq: z.number().int().min(1).max(99).default(1),
    initiator: z.string().min(1).max(64).default('office'),
  })
  .strict();

export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
  requestId: z.string().optional(),
});

export const episodeIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(
      /^(episode|exercise):[a-z0-9-]+:\d{4}-\d{2}-\d{2}:\d+$/,
      'expected an episode id like episode:chaoyang:2026-11-29:1',
    ),
});
