/**
 * Per-target send limits of the notification channels (a WeCom or DingTalk group robot takes about 20
 * messages a minute): a sliding window per (channel, target), configured per channel kind
 * (NOTIFY_CHANNEL_LIMITS). A send that fits within `maxWaitMs` waits its turn in the process; a longer
 * wait is refused with the delay after which it fits, and the notifier hands that delay to Temporal as
 * the activity's next retry delay, so a flood to one robot waits on server timers, not in worker slots.
 *
 * The window runs on the Temporal server's clock (the attempt's scheduled time plus the time since),
 * so a retry the server scheduled for later finds the window moved on, also under time skipping.
 * The window is per worker process: with several message workers, set the limits per process
 * (the limit divided by the number of workers) or keep one message worker.
 */
import { Context } from '@temporalio/activity';
import { z } from 'zod';
import { CHANNEL_KINDS, type ChannelKind } from './types.js';

export interface ChannelLimit {
  /** Messages per target within `perMs`. */
  messages: number;
  perMs: number;
}

export type ChannelLimits = Partial<Record<ChannelKind, ChannelLimit>>;

/** WeCom and DingTalk group robots: 20 messages a minute each (their documented limit). */
export const DEFAULT_CHANNEL_LIMITS: ChannelLimits = {
  wecom: { messages: 20, perMs: 60_000 },
  dingtalk: { messages: 20, perMs: 60_000 },
};

const limitSchema = z.object({
  messages: z.number().int().positive(),
  perSeconds: z.number().positive(),
});

/** `{"wecom":{"messages":20,"perSeconds":60},"sms":{"messages":1,"perSeconds":1}}` → limits; `{}` = none. */
export function parseChannelLimits(json: string | undefined): ChannelLimits {
  if (json === undefined || json.trim() === '') return DEFAULT_CHANNEL_LIMITS;
  const parsed = z.partialRecord(z.enum(CHANNEL_KINDS), limitSchema).parse(JSON.parse(json));
  const limits: ChannelLimits = {};
  for (const [kind, l] of Object.entries(parsed) as Array<[ChannelKind, z.infer<typeof limitSchema>]>)
    limits[kind] = { messages: l.messages, perMs: l.perSeconds * 1_000 };
  return limits;
}

const attemptStarts = new WeakMap<object, number>();

/** The Temporal server's time inside an activity (its attempt's scheduled time + elapsed); else Date.now(). */
export function serverNow(): number {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return Date.now();
  }
  let local = attemptStarts.get(ctx);
  if (local === undefined) {
    local = Date.now();
    attemptStarts.set(ctx, local);
  }
  return ctx.info.currentAttemptScheduledTimestampMs + (Date.now() - local);
}

export interface Throttle {
  /**
   * Takes a send slot for `key` of channel `kind`: 0 when it may send now, a positive wait (ms) it has
   * reserved and must sleep first, or `{ retryAfterMs }` when the wait would be longer than allowed.
   */
  reserve(kind: ChannelKind, key: string): number | { retryAfterMs: number };
}

export function createThrottle(
  limits: ChannelLimits,
  opts: { maxWaitMs?: number; now?: () => number } = {},
): Throttle {
  const maxWaitMs = opts.maxWaitMs ?? 20_000;
  const now = opts.now ?? serverNow;
  /** Per key: the (non-decreasing) times of the sends in the current window, reservations included. */
  const sends = new Map<string, number[]>();
  return {
    reserve(kind, key) {
      const limit = limits[kind];
      if (!limit) return 0;
      const t = now();
      const log = sends.get(key) ?? [];
      while (log.length > 0 && (log[0] as number) <= t - limit.perMs) log.shift();
      sends.set(key, log);
      if (log.length < limit.messages) {
        log.push(t);
        return 0;
      }
      const at = (log[log.length - limit.messages] as number) + limit.perMs;
      const wait = Math.max(0, at - t);
      if (wait > maxWaitMs) return { retryAfterMs: wait };
      log.push(at);
      return wait;
    },
  };
}
