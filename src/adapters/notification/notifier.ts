/**
 * The notifier: fans a message out to the recipient's channel targets and keeps the PostgreSQL
 * delivery log (notification_deliveries).
 *
 * Exactly-once effect under retries, per target:
 * 1. The row (idempotency key, channel, target) is inserted once; a row already 'sent' is never
 *    delivered again, a row already 'failed' (permanent rejection) is not retried.
 * 2. Before delivering, the attempt is counted; after the receiver accepted, the row becomes 'sent'.
 * 3. A crash between 2's acceptance and the row update leaves the row 'pending': the retry delivers
 *    again with the SAME delivery key (HTTP header `Idempotency-Key`, e-mail `Message-ID`), so a
 *    receiver that deduplicates (the generic webhook contract, SMS gateways, mail stores that drop
 *    duplicate Message-IDs) shows it once. WeCom and DingTalk robots do not deduplicate: for them the
 *    guarantee is at-least-once inside that crash window (milliseconds) and exactly-once otherwise;
 *    their text carries the short delivery reference (编号) so a reader can recognise a repeat.
 *
 * Transient failures (network, timeouts, 5xx, 429, robot rate limits) leave the row 'pending' and
 * throw a retryable `ApplicationFailure` (type DELIVERY_TRANSIENT) after every other target has been
 * tried, so the activity retries with backoff; permanent ones (other 4xx, robot errcodes, SMTP 5xx,
 * unconfigured channels) mark the row 'failed' and throw a non-retryable one (DELIVERY_REJECTED).
 * A target over its send limit (throttle.ts) is not attempted: when only such targets are left, the
 * failure names the delay after which the window has room as the activity's next retry delay.
 * The activity must not run twice concurrently for one key (Temporal guarantees one attempt at a time).
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type pg from 'pg';
import { targetLabel } from './channels.js';
import { type RecipientRoutes, targetsFor } from './routes.js';
import {
  type Channel,
  type ChannelSet,
  type ChannelTarget,
  type DeliveryRecord,
  DeliveryError,
  type OutgoingMessage,
  type PreparedMessage,
  type SenderIdentity,
} from './types.js';
import { createChannels } from './channels.js';
import { traceLogFields } from '../../ops/trace-fields.js';
import type { Throttle } from './throttle.js';

export const DELIVERY_TRANSIENT = 'DELIVERY_TRANSIENT';
export const DELIVERY_REJECTED = 'DELIVERY_REJECTED';

export const EXERCISE_MARK = '【演练】';

export interface NotifierDeps {
  pool: pg.Pool;
  routes: RecipientRoutes;
  channels?: Partial<ChannelSet>;
  sender: SenderIdentity;
  fetch?: typeof fetch;
  /** Per-target send limits (see throttle.ts); absent = none. */
  throttle?: Throttle;
  /** Fault injection for tests: runs after a receiver accepted and before the log row is updated. */
  afterAccepted?: (record: DeliveryRecord) => void | Promise<void>;
}

export interface Notifier {
  send(msg: OutgoingMessage): Promise<DeliveryRecord[]>;
}

/** Title and body with the exercise mark (【演练】) when the episode is an exercise. */
export function markExercise(msg: OutgoingMessage): OutgoingMessage {
  if (!msg.exercise) return msg;
  const mark = (s: string) => (s.startsWith(EXERCISE_MARK) ? s : EXERCISE_MARK + s);
  return { ...msg, title: mark(msg.title), body: mark(msg.body) };
}

/** Stable key of one (message, channel target): what receivers deduplicate on. */
export function deliveryKey(idempotencyKey: string, channel: string, target: string): string {
  return createHash('sha256')
    .update(`${idempotencyKey}\u0000${channel}\u0000${target}`)
    .digest('hex')
    .slice(0, 40);
}

interface Row {
  id: number;
  idempotency_key: string;
  recipient_id: string;
  channel: DeliveryRecord['channel'];
  target: string;
  status: DeliveryRecord['status'];
  attempts: number;
  last_error: string | null;
  remote_id: string | null;
  sent_at: string | null;
}

const toRecord = (r: Row): DeliveryRecord => ({
  id: Number(r.id),
  idempotencyKey: r.idempotency_key,
  recipientId: r.recipient_id,
  channel: r.channel,
  target: r.target,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  remoteId: r.remote_id,
  sentAt: r.sent_at,
});

const RETURNING = `id, idempotency_key, recipient_id, channel, target, status, attempts, last_error, remote_id,
  to_char(sent_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"') AS sent_at`;

export function createNotifier(deps: NotifierDeps): Notifier {
  const defaults = createChannels(deps.fetch ? { fetch: deps.fetch } : {});
  const channels: ChannelSet = { ...defaults, ...deps.channels } as ChannelSet;
  const { pool } = deps;

  async function ensureRow(msg: OutgoingMessage, target: ChannelTarget, label: string): Promise<Row> {
    // with tracing on: the request id (baggage) and trace the message is sent under
    const traced = traceLogFields();
    await pool.query(
      `INSERT INTO notification_deliveries
         (idempotency_key, episode_id, step, recipient_id, channel, target, title, body, exercise, cap_xml,
          request_id, trace_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT ON CONSTRAINT notification_deliveries_key DO NOTHING`,
      [
        msg.idempotencyKey,
        msg.episodeId,
        msg.step,
        msg.recipientId,
        target.channel,
        label,
        msg.title,
        msg.body,
        msg.exercise,
        msg.capXml ?? null,
        traced.request_id ?? null,
        traced.trace_id ?? null,
      ],
    );
    const { rows } = await pool.query<Row>(
      `SELECT ${RETURNING} FROM notification_deliveries
       WHERE idempotency_key = $1 AND channel = $2 AND target = $3`,
      [msg.idempotencyKey, target.channel, label],
    );
    return rows[0] as Row;
  }

  async function update(id: number, set: string, params: unknown[]): Promise<Row> {
    const { rows } = await pool.query<Row>(
      `UPDATE notification_deliveries SET ${set}, updated_at = now() WHERE id = $1 RETURNING ${RETURNING}`,
      [id, ...params],
    );
    return rows[0] as Row;
  }

  return {
    async send(input) {
      if (!input.idempotencyKey || !input.episodeId || !input.step || !input.recipientId) {
        throw ApplicationFailure.nonRetryable('message lacks its idempotency key parts', 'VALIDATION');
      }
      const msg = markExercise(input);
      let targets = targetsFor(deps.routes, msg.recipientId, msg.exercise);
      if (targets.length === 0) targets = [{ channel: 'log' }];

      const records: DeliveryRecord[] = [];
      const transient: string[] = [];
      const rejected: string[] = [];
      /** The shortest wait a throttled target asked for: the activity's next retry comes then. */
      let retryAfterMs: number | null = null;
      let throttled = 0;
      const seen = new Set<string>();
      for (const target of targets) {
        const label = targetLabel(target);
        if (seen.has(`${target.channel} ${label}`)) continue;
        seen.add(`${target.channel} ${label}`);

        let row = await ensureRow(msg, target, label);
        if (row.status === 'sent') {
          records.push(toRecord(row));
          continue;
        }
        if (row.status === 'failed') {
          records.push(toRecord(row));
          rejected.push(`${target.channel} ${label}: ${row.last_error ?? 'rejected'}`);
          continue;
        }
        const slot = deps.throttle?.reserve(target.channel, `${target.channel} ${label}`) ?? 0;
        if (typeof slot === 'object') {
          retryAfterMs = Math.min(retryAfterMs ?? slot.retryAfterMs, slot.retryAfterMs);
          throttled += 1;
          records.push(toRecord(row));
          transient.push(
            `${target.channel} ${label}: over its send limit, next slot in ${slot.retryAfterMs} ms`,
          );
          continue;
        }
        if (slot > 0) await new Promise((resolve) => setTimeout(resolve, slot));
        row = await update(row.id, 'attempts = attempts + 1', []);
        const prepared: PreparedMessage = {
          ...msg,
          deliveryKey: deliveryKey(msg.idempotencyKey, target.channel, label),
        };
        const channel = channels[target.channel] as Channel;
        let receipt: { remoteId?: string };
        try {
          receipt = await channel.deliver(target, prepared, deps.sender);
        } catch (err) {
          const permanent = err instanceof DeliveryError && err.permanent;
          const text = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
          row = await update(row.id, permanent ? `status = 'failed', last_error = $2` : 'last_error = $2', [
            text,
          ]);
          records.push(toRecord(row));
          (permanent ? rejected : transient).push(`${target.channel} ${label}: ${text}`);
          continue;
        }
        if (deps.afterAccepted) await deps.afterAccepted(toRecord(row));
        row = await update(row.id, `status = 'sent', sent_at = now(), last_error = NULL, remote_id = $2`, [
          receipt.remoteId ?? null,
        ]);
        records.push(toRecord(row));
      }

      if (transient.length > 0) {
        throw ApplicationFailure.create({
          message: `delivery of ${msg.idempotencyKey} incomplete: ${transient.join('; ')}`,
          type: DELIVERY_TRANSIENT,
          nonRetryable: false,
          // only throttled targets: retry when the window has room (others: the retry policy's backoff)
          ...(retryAfterMs !== null && throttled === transient.length
            ? { nextRetryDelay: retryAfterMs }
            : {}),
        });
      }
      if (rejected.length > 0) {
        throw ApplicationFailure.nonRetryable(
          `delivery of ${msg.idempotencyKey} rejected: ${rejected.join('; ')}`,
          DELIVERY_REJECTED,
          records,
        );
      }
      return records;
    },
  };
}
