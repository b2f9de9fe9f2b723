/**
 * The worker's product metrics (prom-client, one registry per process): notifications sent, failed
 * and retrying; how long events wait before the projection applies them; deadline lag (a report's
 * 17:00 deadline to the worker recording it overdue — the start of the escalation ladder).
 */
import { activityInfo } from '@temporalio/activity';
import client from 'prom-client';
import type { Notifier } from '../adapters/notification/notifier.js';
import { parseIso } from '../domain/index.js';
import type { SequencedEvent } from '../contracts/index.js';

export const workerRegistry = new client.Registry();
client.collectDefaultMetrics({ register: workerRegistry, prefix: 'smog_worker_' });

const sent = new client.Counter({
  name: 'smog_notifications_sent_total',
  help: 'Messages a recipient’s channels accepted (one per recipient and step)',
  labelNames: ['retried'] as const,
  registers: [workerRegistry],
});
const failed = new client.Counter({
  name: 'smog_notifications_failed_total',
  help: 'Failed delivery attempts (the activity retries transient ones with backoff)',
  registers: [workerRegistry],
});
const retryingKeys = new Set<string>();
new client.Gauge({
  name: 'smog_notifications_retrying',
  help: 'Messages whose last attempt in this worker failed and that have not been delivered since',
  registers: [workerRegistry],
  collect() {
    this.set(retryingKeys.size);
  },
});
const projectionDelay = new client.Histogram({
  name: 'smog_projection_apply_delay_seconds',
  help: 'From an event’s time to the projection applying it (the read side’s staleness)',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
  registers: [workerRegistry],
});
const deadlineLag = new client.Histogram({
  name: 'smog_deadline_lag_seconds',
  help: 'From a report deadline to the worker recording the report overdue (first escalation step)',
  buckets: [0.5, 1, 2, 3.75, 5, 10, 30, 60, 120, 300, 900],
  registers: [workerRegistry],
});

/** Counts the notifier's outcomes; an attempt after the first counts as a retry. */
export function instrumentNotifier(notifier: Notifier): Notifier {
  return {
    async send(msg) {
      let attempt = 1;
      try {
        attempt = activityInfo().attempt;
      } catch {
        // outside an activity
      }
      try {
        const records = await notifier.send(msg);
        sent.inc({ retried: attempt > 1 ? 'true' : 'false' });
        retryingKeys.delete(msg.idempotencyKey);
        return records;
      } catch (err) {
        failed.inc();
        retryingKeys.add(msg.idempotencyKey);
        if (retryingKeys.size > 100_000) retryingKeys.clear();
        throw err;
      }
    },
  };
}

/** After the projection committed a batch: staleness of each event, and the lag of each deadline. */
export function observeProjected(events: SequencedEvent[], committedMs = Date.now()): void {
  for (const { event } of events) {
    const at = parseIso(event.at);
    projectionDelay.observe(Math.max(0, (committedMs - at) / 1000));
    if (event.type === 'report.overdue')
      deadlineLag.observe(Math.max(0, (at - parseIso(event.dueAt)) / 1000));
  }
}
