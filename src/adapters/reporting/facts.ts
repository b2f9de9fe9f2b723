/**
 * Facts of a document, validated at the boundary (activities pass plain JSON). Times are ISO 8601
 * with an offset ('+08:00'); dates 'YYYY-MM-DD'; cuts are fractions (0.12 = 12 %).
 */
import { z } from 'zod';

export const DOCUMENT_KINDS = [
  'daily-report',
  'unit-summary',
  'work-summary',
  'warning-notice',
  'circulated-notice',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The kinds numbered in the issuer's 发文字号 series (机关代字〔年〕N号); the daily report has its 简报 series. */
export const RED_HEAD_KINDS: readonly DocumentKind[] = [
  'work-summary',
  'warning-notice',
  'circulated-notice',
];

const isoDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, 'ISO 8601 with offset');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const warningLevel = z.enum(['yellow', 'orange', 'red']);
const levelOrEarly = z.enum(['early', 'yellow', 'orange', 'red']);

export const documentFactsSchema = z.object({
  episodeId: z.string().min(1),
  jurisdiction: z.object({ id: z.string().min(1), name: z.string().min(1) }),
  exercise: z.boolean().default(false),
  /** The document's date (落款日期 / 印发日期). */
  issuedAt: isoDateTime,
  /** The number as printed (发文字号 or 期号); produceDocument assigns it from the counter. */
  documentNumber: z.string().optional(),
  /** Overrides the default title. */
  title: z.string().optional(),
  /** Daily report: response day number and its date. */
  responseDay: z.number().int().min(1).optional(),
  reportDate: isoDate.optional(),
  /** Unit summary: the unit that reports. */
  unit: z.object({ id: z.string(), name: z.string() }).optional(),
  /** Free paragraphs at the start of the body. */
  overview: z.array(z.string()).default([]),
  /** What happened, in order (decisions with the commander's comment, warnings, notices). */
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
        level: warningLevel,
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
  /** One row per day of the process: the forecast made at the time, the observed value where known. */
  aqi: z
    .array(z.object({ date: isoDate, forecast: z.number().optional(), observed: z.number().optional() }))
    .default([]),
  /** The units' daily reports: per unit the plan's integer fields (in `fields` order) and photos. */
  unitReports: z
    .object({
      fields: z.array(z.object({ name: z.string(), label: z.string() })),
      rows: z.array(
        z.object({
          unitName: z.string(),
          values: z.array(z.number()),
          photos: z.number().int(),
          reported: z.boolean().default(true),
        }),
      ),
      /** The totals of the day before (daily report), in `fields` order. */
      previousTotals: z.array(z.number()).optional(),
    })
    .optional(),
  /** Enforcement follow-ups of non-compliant enterprises: opened and closed (that day, or the episode). */
  followups: z.object({ opened: z.number().int(), closed: z.number().int() }).optional(),
  /** The units' own episode summaries (work summary). */
  summaries: z.array(z.object({ unitName: z.string(), text: z.string(), late: z.boolean() })).default([]),
  /** 成效评估 (work summary): the effect assessment (src/domain/assessment.ts) as printed. */
  assessment: z
    .object({
      statement: z.array(z.string()),
      days: z.array(
        z.object({
          date: isoDate,
          level: z.enum(['none', 'early', 'yellow', 'orange', 'red']),
          forecast: z.number().optional(),
          observed: z.number().optional(),
        }),
      ),
      /** The verified cut per level, then per county (fractions; absent: no data). */
      cut: z
        .array(
          z.object({
            group: z.string(),
            enterprises: z.number().int(),
            withData: z.number().int(),
            noData: z.number().int(),
            meanCut: z.number().optional(),
            meanRequired: z.number().optional(),
            complianceRate: z.number().optional(),
          }),
        )
        .default([]),
      /** The expert committee's opinion (五(一)4), when attached. */
      opinion: z.string().optional(),
    })
    .optional(),
  /** 问题与经验 (work summary), written by the office. */
  lessons: z.string().optional(),
  /** A warning notice (通知): what it announces. */
  notice: z
    .object({
      action: z.enum(['start', 'change', 'lift']),
      level: warningLevel,
      previousLevel: warningLevel.optional(),
      at: isoDateTime,
      /** The commander's decision it carries out (e.g. 批准, 指令), with the comment. */
      order: z.string().optional(),
    })
    .optional(),
  /** A 通报 of a unit. */
  circulated: z
    .object({
      unitName: z.string(),
      item: z.string(),
      reason: z.string(),
      at: isoDateTime,
      /** The office's own wording of the 基本情况 (#13.5). */
      text: z.string().optional(),
    })
    .optional(),
});

/** What a document says; the input form (defaults optional). */
export type DocumentFacts = z.input<typeof documentFactsSchema>;
export type NormalizedFacts = z.output<typeof documentFactsSchema>;
