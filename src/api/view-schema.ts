/**
 * The episode view (`EpisodeView` of src/contracts/view.ts) as a zod schema: what GET /episodes/{id},
 * the decision and close commands answer, documented field by field in the OpenAPI document (component
 * `EpisodeView`, with an example). A type test keeps it equal to the contract type.
 */
import { z } from 'zod';
import { EPISODE_EVENT_TYPES } from '../domain/index.js';

const level = z.enum(['none', 'yellow', 'orange', 'red']);
const warningLevel = z.enum(['yellow', 'orange', 'red']);
const grade = z.enum(['III', 'II', 'I']).describe('响应级别: III (yellow), II (orange), I (red)');
const instant = z.string().describe('ISO 8601 with offset, e.g. 2026-12-02T17:00:00+08:00');
const slot = z
  .union([z.number().int(), z.literal('summary')])
  .describe('response day (1-based) or the summary');

const ruleReason = z.object({
  level,
  ruleId: z.string(),
  rule: z.string().describe('the rule in Chinese, with its id'),
  days: z.array(z.string()).describe('the days that satisfy it (YYYY-MM-DD)'),
});

export const pendingProposalSchema = z
  .object({
    proposalId: z.string(),
    kind: z.enum(['start', 'change', 'lift']),
    level,
    reasons: z.array(ruleReason),
    proposedAt: instant,
    escalations: z.number().int().describe('reminders sent to the commander so far'),
  })
  .meta({ id: 'PendingProposal' });

export const dutySchema = z
  .object({
    key: z.string().describe('dutyId|unitId|responseDay'),
    dutyId: z.string(),
    unitId: z.string(),
    responseDay: slot.nullable(),
    dueAt: instant.nullable(),
    status: z.enum(['pending', 'submitted', 'late', 'overdue']),
  })
  .meta({ id: 'Duty' });

const electricityCounts = z.object({
  total: z.number().int(),
  compliant: z.number().int(),
  nonCompliant: z.number().int(),
  insufficientData: z.number().int(),
  exempt: z.number().int(),
});

const actor = z
  .union([
    z.literal('system'),
    z.object({ id: z.string(), unit: z.string().optional(), role: z.string().optional() }),
  ])
  .describe("who: a principal, or 'system'");

/** A domain event: its type, time and actor; the other fields depend on the type (see the audit timeline). */
const episodeEvent = z
  .looseObject({ type: z.enum(EPISODE_EVENT_TYPES as [string, ...string[]]), at: instant, actor })
  .describe('a domain event; fields beyond type, at and actor depend on its type');

const example = {
  episodeId: 'episode:shuangta:2026-12-02:1',
  jurisdiction: 'shuangta',
  planId: 'chaoyang-2024',
  planVersion: 1,
  exercise: false,
  phase: 'active',
  level: 'yellow',
  response: 'III',
  origin: 'consultation',
  startedAt: '2026-12-02T09:12:40+08:00',
  firstDay: '2026-12-02',
  responseDay: 1,
  forecast: [
    { date: '2026-12-02', aqi: 235 },
    { date: '2026-12-03', aqi: 182 },
  ],
  pendingProposal: null,
  duties: [
    {
      key: 'daily-report|branch.shuangta|1',
      dutyId: 'daily-report',
      unitId: 'branch.shuangta',
      responseDay: 1,
      dueAt: '2026-12-02T17:00:00+08:00',
      status: 'submitted',
    },
  ],
  openEscalations: [],
  overdueCount: 0,
  notices: [],
  noticeCount: 0,
  proposedNotices: [],
  declinedNotices: [],
  pendingEarlyResponse: null,
  workSummary: null,
  documents: [{ kind: 'warning-notice', documentId: '3f0c…', at: '2026-12-02T09:20:05+08:00' }],
  decisions: [
    {
      proposalId: 'p1',
      decision: 'approve',
      level: 'yellow',
      at: '2026-12-02T09:20:00+08:00',
      by: 'zhao.zhigang',
    },
  ],
  warnings: [{ kind: 'issued', level: 'yellow', response: 'III', at: '2026-12-02T09:20:00+08:00' }],
  electricity: {},
  summaries: {},
  liftedAt: null,
  closedAt: null,
  closeReason: null,
  eventCount: 14,
  recentEvents: [
    {
      seq: 14,
      event: {
        type: 'report.submitted',
        at: '2026-12-02T16:41:09+08:00',
        actor: { id: 'sun.li', unit: 'branch.shuangta', role: 'unit' },
      },
    },
  ],
};

export const episodeViewSchema = z
  .object({
    episodeId: z.string(),
    jurisdiction: z.string().nullable(),
    planId: z.string().nullable(),
    planVersion: z.number().int().nullable(),
    exercise: z.boolean(),
    phase: z.enum(['consultation', 'proposed', 'early-response', 'active', 'lifting', 'closed']),
    level,
    response: grade.nullable(),
    origin: z.string().nullable().describe('consultation, or province (a provincial directive)'),
    startedAt: instant.nullable(),
    firstDay: z.string().nullable().describe('CST date of response day 1'),
    responseDay: z.number().int().nullable().describe('the current response day; null when none runs'),
    forecast: z.array(
      z.object({ date: z.string(), aqi: z.number(), primaryPollutants: z.array(z.string()).optional() }),
    ),
    pendingProposal: pendingProposalSchema.nullable(),
    duties: z.array(dutySchema).describe('the current and previous response day, standing and open duties'),
    openEscalations: z.array(
      z.object({
        unitId: z.string(),
        responseDay: slot,
        step: z.number().int(),
        targets: z.array(z.string()),
        at: instant,
      }),
    ),
    overdueCount: z.number().int(),
    notices: z
      .array(
        z.object({
          noticeId: z.string(),
          unitId: z.string(),
          responseDay: slot,
          reason: z.string(),
          at: instant,
        }),
      )
      .describe('the 20 latest circulated notices (通报)'),
    noticeCount: z.number().int().describe('how many 通报 were issued'),
    proposedNotices: z
      .array(
        z.object({
          noticeId: z.string(),
          unitId: z.string(),
          responseDay: slot,
          reason: z.string(),
          dueAt: instant,
          at: instant,
        }),
      )
      .describe('通报 the escalation ladder proposed, awaiting the office (issue or decline)'),
    declinedNotices: z
      .array(z.object({ noticeId: z.string(), unitId: z.string(), reason: z.string(), at: instant }))
      .describe('通报 the office declined, with its reason'),
    workSummary: z
      .object({
        documentId: z.string(),
        draftedAt: instant,
        signer: z.string().nullable(),
        signedBy: z.string().nullable(),
        signedAt: instant.nullable(),
      })
      .nullable()
      .describe('the work summary: a draft until the office signs it off (签发人, who, when)'),
    pendingEarlyResponse: z
      .object({ at: instant, reasons: z.array(ruleReason) })
      .nullable()
      .describe('an early response proposed to the office, awaiting its confirmation'),
    processDays: z
      .array(
        z.object({
          date: z.string(),
          forecast: z.number().nullable(),
          observed: z.number().nullable(),
          observedComplete: z.boolean(),
        }),
      )
      .optional()
      .describe('the process day by day: the AQI forecast for each day beside the AQI observed (#14.3)'),
    consultationRecords: z
      .array(
        z.object({
          consultationId: z.string(),
          at: instant,
          participants: z.array(z.string()),
          products: z.array(z.object({ title: z.string(), reference: z.string().optional() })),
          conclusion: z.string(),
        }),
      )
      .optional()
      .describe(
        'the last 20 consultations with a record: participants, forecast products, conclusion (会商记录)',
      ),
    acknowledgements: z
      .array(
        z.object({
          noticeKey: z.string(),
          news: z.enum(['issued', 'changed', 'lifted']),
          title: z.string(),
          sentAt: instant,
          dueAt: instant,
          units: z.array(z.string()),
          acknowledged: z.record(z.string(), instant).describe('unit id → when it acknowledged'),
          overdueAt: instant.nullable().describe('when the office was told of the units not acknowledged'),
        }),
      )
      .optional()
      .describe('the last 10 warning notices and their 签收 (#15.6)'),
    latestObservation: z
      .object({ hourEnd: instant, aqi: z.number().nullable() })
      .nullable()
      .optional()
      .describe('the latest rolling 24-h AQI observed (the end of its last hour)'),
    worseThanForecast: z
      .array(
        z.object({
          date: z.string(),
          observed: z.number(),
          forecast: z.number(),
          reaches: z.enum(['yellow', 'orange', 'red']).nullable(),
          text: z.string(),
          at: instant,
        }),
      )
      .optional()
      .describe('days observed worse than forecast; each prompted the office to consult again'),
    documents: z.array(
      z.object({
        kind: z.enum([
          'warning-notice',
          'daily-response-report',
          'work-summary',
          'circulated-notice',
          'proposal',
          'other',
        ]),
        documentId: z.string(),
        at: instant,
        responseDay: z.number().int().optional(),
      }),
    ),
    decisions: z.array(
      z.object({
        proposalId: z.string().nullable(),
        decision: z.enum(['approve', 'order-level', 'decline', 'lift']),
        level: level.nullable(),
        at: instant,
        by: z.string(),
      }),
    ),
    warnings: z.array(
      z.object({
        kind: z.enum(['issued', 'changed', 'lifted']),
        level: warningLevel,
        response: grade,
        at: instant,
      }),
    ),
    electricity: z
      .record(
        z.string(),
        z.object({ level: warningLevel, counts: electricityCounts, nonCompliantIds: z.array(z.string()) }),
      )
      .describe('the electricity assessment per warning day (YYYY-MM-DD); at most 20 non-compliant ids each'),
    summaries: z
      .record(z.string(), z.object({ summaryId: z.string(), at: instant, late: z.boolean() }))
      .describe("the units' work summaries after the lift, by unit id"),
    liftedAt: instant.nullable(),
    closedAt: instant.nullable(),
    closeReason: z.string().nullable(),
    eventCount: z.number().int(),
    recentEvents: z
      .array(z.object({ seq: z.number().int(), event: episodeEvent }))
      .describe('the latest domain events (the whole log: GET /episodes/{id}/audit/timeline)'),
  })
  .meta({ id: 'EpisodeView', examples: [example] });
