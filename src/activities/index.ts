/**
 * The activities of the episode workflow, composed from one factory per area by
 * `createActivities(deps)`: projection (events + read model), notifications (messages and the public
 * CAP warning), submissions (reports and summaries), electricity, documents. Every external effect
 * carries a business idempotency key (episode + step + recipient, report id, document key, event
 * sequence number) enforced by a unique index or the receiver, so a retried activity changes nothing
 * twice. Their inputs and results are the contracts in `src/contracts/activities.ts`.
 */
import { airPullActivities } from './air-pull.js';
import type { ActivityDeps } from './deps.js';
import { documentActivities } from './documents.js';
import { electricityActivities } from './electricity.js';
import { filingActivities } from './filings.js';
import { instrumentNotifier } from './metrics.js';
import { notificationActivities } from './notifications.js';
import { observationActivities } from './observations.js';
import { projectionActivities } from './projection.js';
import { photoCleanupActivities } from './photo-cleanup.js';
import { fieldWatchActivities } from './field-watch.js';
import { submissionActivities } from './submissions.js';

export type { ActivityDeps } from './deps.js';

export function createActivities(deps: ActivityDeps) {
  const counted = { ...deps, notifier: instrumentNotifier(deps.notifier) };
  return {
    ...projectionActivities(deps),
    ...notificationActivities(counted),
    ...submissionActivities(deps),
    ...electricityActivities(deps),
    ...documentActivities(deps),
    ...photoCleanupActivities(deps.pool),
    ...observationActivities(deps.pool),
    ...filingActivities(deps),
    ...fieldWatchActivities(counted),
    ...airPullActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
