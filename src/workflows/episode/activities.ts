/**
 * The episode's activity proxies, each typed with only the activities it may call, so that a message
 * can never be sent under the document timeouts nor a document rendered under a message's retries.
 */
import { type ActivityOptions, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import { messagesTaskQueue } from '../task-queues.js';

type Activities = ReturnType<typeof createActivities>;

/**
 * Documents and the electricity accounting: seconds of work, retried for long. They heartbeat every
 * 2 s, so the attempt of a worker that died is retried elsewhere after 10 s — the main loop awaits
 * them and must not stall for the whole start-to-close timeout.
 */
export const documents = proxyActivities<Pick<Activities, 'produceDocument' | 'assessElectricity'>>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Single-row writes to PostgreSQL: a lost worker's attempt is retried elsewhere after 10 s. */
export const store = proxyActivities<Pick<Activities, 'recordEvents' | 'storeReport' | 'storeSummary'>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Outgoing messages: retried with backoff for up to a day (a receiver may be down for hours). They
 * heartbeat, so a dead worker's attempt is retried after 15 s.
 */
const messagingOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '15 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: ['DELIVERY_REJECTED'],
  },
};

type Messaging = Pick<Activities, 'notify' | 'publishWarning'>;

/** Messages on the workflow's own queue: what episodes started before 'messages-on-own-queue' do. */
const messagingOnMainQueue = proxyActivities<Messaging>(messagingOptions);

/**
 * The proxy for outgoing messages: on their own task queue (see task-queues.ts) for episodes that
 * reached the patch 'messages-on-own-queue', else on the workflow's queue as before.
 */
export function messaging(): Messaging {
  if (!patched('messages-on-own-queue')) return messagingOnMainQueue;
  return proxyActivities<Messaging>({
    ...messagingOptions,
    taskQueue: messagesTaskQueue(workflowInfo().taskQueue),
  });
}
