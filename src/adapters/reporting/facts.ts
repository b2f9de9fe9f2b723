/**
 * Facts of a document, validated at the boundary (activities pass plain JSON). Times are ISO 8601
 * with an offset ('+08:00'); dates 'YYYY-MM-DD'; cuts are fractions (0.12 = 12 %).
 */
import { z } from 'zod';

export const DOCUMENT_KINDS = ['daily-report', 'unit-summary', 'work-summary'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

const isoDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, 'ISO 8601 with offset');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const levelOrEarly = z.enum(['early', 'yellow', 'orange', 'red']);

export const documentFactsSchema = z.object({
  episodeId: z.string().min(1),
  jurisdiction: z.object({ id: z.string().min(1), name: z.string().min(1) }),
  exercise: z.boolean().default(false),
  /** The document's date (落款日期). */
  issuedAt: isoDateTime,
  /** 文号; default: '第N期' for a daily report, the episode id otherwise. */
  documentNumber: z.string().optional(),
  /** Overrides the default title. */
  title: z.string().optional(),
  /** Daily report: response day number and its date. */
  responseDay: z.number().int().min(1).optional(),
  reportDate: isoDate.optional(),
  /** Unit summary: the unit that reports. */
  unit: z.object({ id: z.string(), name: z.string() }).optional(),
  /** Free paragraphs at the start of the body (e.g. the unit's own summary text). */
  overview: z.array(z.string()).default([]),
  timeline: z.array(z.object({ at: isoDateTime, text: z.string() })).default([]),
  levels: z
    .array(
      z.object({
        level: levelOrEarly,
        from: isoDateTime,
        to: isoDateTime.optional(),
        reason: z.string().optional(),
      }),
    )
    .default([]),
  duties: z
    .array(
      z.object({
        dutyId: z.string(),
        title: z.string(),
        unitName: z.string(),
        status: z.enum(['done', 'in-progress', 'not-done', 'late']),
        note: z.string().optional(),
      }),
    )
    .default([]),
  lateUnits: z
    .array(
      z.object({
        unitName: z.string(),
        item: z.string(),
        dueAt: isoDateTime,
        submittedAt: isoDateTime.optional(),
      }),
    )
    .default([]),
  notices: z
    .array(z.object({ title: z.string(), at: isoDateTime, unitName: z.string().optional() }))
    .default([]),
  electricity: z
    .array(
      z.object({
        day: isoDate,
        level: z.enum(['yellow', 'orange', 'red']),
        counts: z.object({
          total: z.number().int().optional(),
          compliant: z.number().int(),
          nonCompliant: z.number().int(),
          insufficientData: z.number().int(),
          exempt: z.number().int(),
        }),
        nonCompliant: z
          .array(z.object({ name: z.string(), county: z.string(), cut: z.number(), required: z.number() }))
          .default([]),
      }),
    )
    .default([]),
  aqi: z
    .array(z.object({ date: isoDate, forecast: z.number(), observed: z.number().optional() }))
    .default([]),
});

/** What a document says; the input form (defaults optional). */
export type DocumentFacts = z.input<typeof documentFactsSchema>;
export type NormalizedFacts = z.output<typeof documentFactsSchema>;
