/**
 * The activities of the episode workflow: side effects over the adapters and PostgreSQL, built by
 * `createActivities(deps)`. Every external effect carries a business idempotency key (episode + step
 * + recipient, report id, document key, event sequence number) enforced by a unique index or the
 * receiver, so a retried activity changes nothing twice.
 */
import { Context, activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type pg from 'pg';
import { publishCapAlert, publicWarningExpiry } from '../adapters/notification/cap-publish.js';
import type { CapSigner } from '../adapters/notification/cap-sign.js';
import type { Notifier } from '../adapters/notification/notifier.js';
import { smsTemplateFor } from '../adapters/notification/sms-template.js';
import type { SenderIdentity, SmsTemplateMessage } from '../adapters/notification/types.js';
import { type PowerApiSettings, assessDay, fetchReadings } from '../adapters/power/index.js';
import { produceDocument } from '../adapters/reporting/index.js';
import { type DocumentRequest, documentFacts } from './documents.js';
import {
  DomainError,
  type ElectricityCounts,
  type ForecastDay,
  type WarningLevel,
  aqiCategory,
  cstDateTimeWords,
  forecastSummary,
  getPlan,
  parseIso,
  unitName,
  renderPlanTemplate,
  toCstIso,
} from '../domain/index.js';
import type { EpisodeView, ReportFields, SequencedEvent } from '../workflows/definitions.js';

/**
 * Runs `work`, heartbeating every 2 s while it does, so a workflow can give these activities a short
 * heartbeat timeout: the attempt of a worker that died is retried elsewhere within seconds, not after
 * the whole start-to-close timeout. Outside an activity (direct calls in tests) it just runs `work`.
 */
async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return work();
  }
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), 2_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

export interface ActivityDeps {
  pool: pg.Pool;
  notifier: Notifier;
  sender: SenderIdentity;
  /** The power company's readings API; absent = readings arrive only by file import. */
  powerApi?: PowerApiSettings;
  /** Signs public warnings (CAP_SIGNING_KEY_FILE / CAP_SIGNING_CERT_FILE); absent = unsigned. */
  capSigner?: CapSigner;
}

export interface NotifyInput {
  episodeId: string;
  step: string;
  planId: string;
  planVersion: number;
  template: string;
  recipients: string[];
  vars: Record<string, string | number>;
  exercise: boolean;
}

export interface PublishWarningInput {
  episodeId: string;
  planId: string;
  planVersion: number;
  identifier: string;
  sent: string;
  /** When the warning (or its change or lift) takes effect; `sent` when absent. */
  effective?: string;
  msgType: 'Alert' | 'Update' | 'Cancel';
  references: { identifier: string; sent: string } | null;
  level: WarningLevel;
  jurisdiction: string;
  forecast: ForecastDay[];
  maxAqi: number;
  exercise: boolean;
}

export interface AssessElectricityInput {
  episodeId: string;
  planId: string;
  planVersion: number;
  episodeStartMs: number;
  day: string;
  level: WarningLevel;
}

export interface AssessElectricityResult {
  counts: ElectricityCounts;
  nonCompliant: Array<{ enterpriseId: string; county: string }>;
}

/** Domain errors are the caller's fault: retrying cannot help. */
function nonRetryable(err: unknown): never {
  if (err instanceof DomainError) {
    throw ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true });
  }
  throw err;
}

export function createActivities(deps: ActivityDeps) {
  const { pool, notifier } = deps;

  async function send(
    input: NotifyInput,
    recipientId: string,
    title: string,
    body: string,
    capXml?: string,
    smsTemplate?: SmsTemplateMessage,
  ) {
    try {
      await notifier.send({
        idempotencyKey: `${input.episodeId}|${input.step}|${recipientId}`,
        episodeId: input.episodeId,
        step: input.step,
        recipientId,
        title,
        body,
        exercise: input.exercise,
        ...(capXml ? { capXml } : {}),
        ...(smsTemplate ? { smsTemplate } : {}),
      });
    } catch (err) {
      await alertIfLongUndelivered(input, recipientId, title, err);
      throw err;
    }
  }

  /**
   * A message still undelivered `deadlines.deliveryAlertMinutes` after the activity was first
   * scheduled raises one alert to the office (its own idempotency key), while the retries go on.
   */
  async function alertIfLongUndelivered(
    input: NotifyInput,
    recipientId: string,
    title: string,
    err: unknown,
  ) {
    if (recipientId === 'office') return;
    let info: ReturnType<typeof activityInfo>;
    try {
      info = activityInfo();
    } catch {
      return; // called outside an activity (tests of the adapters)
    }
    const plan = getPlan(input.planId, input.planVersion);
    if (Date.now() - info.scheduledTimestampMs < plan.deadlines.deliveryAlertMinutes * 60_000) return;
    const text = renderPlanTemplate(plan, 'deliveryAlert', {
      recipientName: unitName(plan, recipientId),
      messageTitle: title,
      firstAttemptAt: cstDateTimeWords(info.scheduledTimestampMs),
      attempts: info.attempt,
      lastError: (err instanceof Error ? err.message : String(err)).slice(0, 200),
    });
    await notifier
      .send({
        idempotencyKey: `${input.episodeId}|${input.step}|${recipientId}|delivery-alert`,
        episodeId: input.episodeId,
        step: `${input.step}:delivery-alert`,
        recipientId: 'office',
        title: text.title,
        body: text.body,
        exercise: input.exercise,
      })
      .catch(() => {}); // the office's own channel may be down too: the delivery log still has it
  }

  return {
    /** Appends domain events to the audit log and moves the read model forward (never backward). */
    async recordEvents(input: {
      episodeId: string;
      events: SequencedEvent[];
      /** The whole view (on phase changes); otherwise `summary` is merged into the stored one. */
      view?: EpisodeView;
      summary: Partial<EpisodeView> & Pick<EpisodeView, 'phase' | 'level' | 'response' | 'closedAt'>;
    }): Promise<void> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const { seq, event } of input.events) {
          const { type, at, actor, ...payload } = event;
          await client.query(
            `INSERT INTO episode_events (episode_id, seq, type, at, actor, payload) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (episode_id, seq) DO NOTHING`,
            [input.episodeId, seq, type, at, JSON.stringify(actor), JSON.stringify(payload)],
          );
        }
        const lastSeq = input.events.reduce((m, e) => Math.max(m, e.seq), 0);
        const s = input.summary;
        if (input.view) {
          const v = input.view;
          await client.query(
            `INSERT INTO episodes (id, jurisdiction, phase, level, response, exercise, plan_id, plan_version, started_at, closed_at, state, event_count)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (id) DO UPDATE SET phase = EXCLUDED.phase, level = EXCLUDED.level, response = EXCLUDED.response,
               closed_at = EXCLUDED.closed_at, state = EXCLUDED.state, event_count = EXCLUDED.event_count, updated_at = now()
             WHERE episodes.event_count < EXCLUDED.event_count`,
            [
              v.episodeId,
              v.jurisdiction,
              v.phase,
              v.level,
              v.response,
              v.exercise,
              v.planId,
              v.planVersion,
              v.startedAt,
              v.closedAt,
              JSON.stringify(v),
              lastSeq,
            ],
          );
        } else {
          await client.query(
            `UPDATE episodes SET phase = $2, level = $3, response = $4, closed_at = $5, state = state || $6::jsonb,
               event_count = $7, updated_at = now()
             WHERE id = $1 AND event_count < $7`,
            [input.episodeId, s.phase, s.level, s.response, s.closedAt, JSON.stringify(s), lastSeq],
          );
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },

    /** Renders a plan template and sends it to each recipient (one idempotency key per recipient). */
    async notify(input: NotifyInput): Promise<{ recipients: number }> {
      let message: { title: string; body: string };
      try {
        message = renderPlanTemplate(getPlan(input.planId, input.planVersion), input.template, input.vars);
      } catch (err) {
        nonRetryable(err);
      }
      const { title, body } = message;
      await heartbeating(async () => {
        for (const recipientId of input.recipients) await send(input, recipientId, title, body);
      });
      return { recipients: input.recipients.length };
    },

    /** The public warning with health advice, as text and as CAP 1.2; kept for the public feed. */
    async publishWarning(input: PublishWarningInput): Promise<{ identifier: string }> {
      return heartbeating(async () => {
        const plan = getPlan(input.planId, input.planVersion);
        const rule = plan.warning.levels.find((l) => l.level === input.level)!;
        const category = aqiCategory(input.maxAqi);
        const jurisdictionName =
          plan.jurisdictions.find((j) => j.id === input.jurisdiction)?.name ?? input.jurisdiction;
        const action = input.msgType === 'Cancel' ? '解除' : input.msgType === 'Update' ? '调整为' : '发布';
        const text = renderPlanTemplate(plan, 'publicWarning', {
          jurisdictionName,
          levelName: input.msgType === 'Cancel' ? `${rule.name}（已解除）` : rule.name,
          forecastSummary: forecastSummary(input.forecast),
          effectiveAt: cstDateTimeWords(parseIso(input.effective ?? input.sent)),
          responseName: rule.responseName,
          healthEffects: category.healthEffects,
          healthAdvice: category.advice,
        });
        const lastDay = input.forecast[input.forecast.length - 1]?.date;
        const { xml } = await publishCapAlert(
          { pool, notifier, ...(deps.capSigner ? { signer: deps.capSigner } : {}) },
          {
            episodeId: input.episodeId,
            alert: {
              plan,
              sender: deps.sender,
              identifier: input.identifier,
              sent: input.sent,
              exercise: input.exercise,
              msgType: input.msgType,
              ...(input.references ? { references: [input.references] } : {}),
              level: input.level,
              jurisdictionId: input.jurisdiction,
              effective: input.effective ?? input.sent,
              ...publicWarningExpiry(input.msgType, input.sent, lastDay),
              forecastMaxAqi: input.maxAqi,
              headline: `${action}${jurisdictionName}重污染天气${rule.name}`,
              description: text.body,
            },
          },
        );
        await send(
          {
            ...input,
            step: `public:${input.identifier}`,
            template: 'publicWarning',
            recipients: ['public'],
            vars: {},
          },
          'public',
          `${action}${text.title}`,
          text.body,
          xml,
          smsTemplateFor(plan, input.msgType, {
            jurisdictionName,
            levelName: rule.name,
            responseName: rule.responseName,
            effectiveAt: cstDateTimeWords(parseIso(input.effective ?? input.sent)),
          }),
        );
        return { identifier: input.identifier };
      });
    },

    async storeReport(input: {
      episodeId: string;
      unitId: string;
      responseDay: number;
      reportId: string;
      fields: ReportFields;
      submittedBy: string;
      late: boolean;
      at: string;
    }): Promise<void> {
      await pool.query(
        `INSERT INTO unit_reports (report_id, episode_id, unit_id, response_day, fields, submitted_by, late, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (episode_id, report_id) DO NOTHING`,
        [
          input.reportId,
          input.episodeId,
          input.unitId,
          input.responseDay,
          JSON.stringify(input.fields),
          input.submittedBy,
          input.late,
          input.at,
        ],
      );
    },

    async storeSummary(input: {
      episodeId: string;
      unitId: string;
      summaryId: string;
      text: string;
      submittedBy: string;
      late: boolean;
      at: string;
    }): Promise<void> {
      await pool.query(
        `INSERT INTO unit_summaries (summary_id, episode_id, unit_id, text, submitted_by, late, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [input.summaryId, input.episodeId, input.unitId, input.text, input.submittedBy, input.late, input.at],
      );
    },

    /** Electricity accounting of one day for every enterprise on the emergency reduction list. */
    async assessElectricity(input: AssessElectricityInput): Promise<AssessElectricityResult> {
      return heartbeating(async () => {
        const plan = getPlan(input.planId, input.planVersion);
        // Fresh readings of the day from the power company first (idempotent upsert per meter and day).
        if (deps.powerApi) await fetchReadings(pool, deps.powerApi, { date: input.day });
        const result = await assessDay(pool, plan, {
          episodeId: input.episodeId,
          episodeStart: input.episodeStartMs,
          day: input.day,
          level: input.level,
        });
        return {
          counts: result.counts,
          nonCompliant: result.nonCompliant.map((e) => ({ enterpriseId: e.enterpriseId, county: e.county })),
        };
      });
    },

    /** Renders and stores a document (DOCX + HTML); the same (episode, kind, key) and facts give the same document. */
    async produceDocument(input: DocumentRequest): Promise<{ documentId: string }> {
      const plan = getPlan(input.planId, input.planVersion);
      return heartbeating(async () => {
        try {
          const facts = await documentFacts(pool, plan, input);
          const doc = await produceDocument(pool, {
            episodeId: input.episodeId,
            kind: input.kind,
            key: input.key,
            facts,
            plan,
          });
          return { documentId: String(doc.documentId) };
        } catch (err) {
          nonRetryable(err);
        }
      });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
