/**
 * The activities composed from their areas keep the names the workflow schedules and the golden
 * histories record; each area contributes its own and no name is shadowed by another area.
 */
import { describe, expect, it } from 'vitest';
import { airPullActivities } from '../../../src/activities/air-pull.js';
import type { ActivityDeps } from '../../../src/activities/deps.js';
import { documentActivities } from '../../../src/activities/documents.js';
import { electricityActivities } from '../../../src/activities/electricity.js';
import { filingActivities } from '../../../src/activities/filings.js';
import { createActivities } from '../../../src/activities/index.js';
import { photoCleanupActivities } from '../../../src/activities/photo-cleanup.js';
import { fieldWatchActivities } from '../../../src/activities/field-watch.js';
import { notificationActivities } from '../../../src/activities/notifications.js';
import { observationActivities } from '../../../src/activities/observations.js';
import { projectionActivities } from '../../../src/activities/projection.js';
import { submissionActivities } from '../../../src/activities/submissions.js';

// building the factories touches none of their dependencies
const deps = { pool: {}, notifier: {}, sender: {} } as unknown as ActivityDeps;

describe('createActivities', () => {
  it('offers exactly the activities the workflow schedules', () => {
    expect(Object.keys(createActivities(deps)).sort()).toEqual([
      'airPullAlertState',
      'assessElectricity',
      'deleteOrphanPhotos',
      'fieldWatch',
      'listUnfiledFilings',
      'markAirPullAlerted',
      'notify',
      'observationsForOpenEpisodes',
      'produceDocument',
      'publishWarning',
      'pullProvincialAir',
      'recordEvents',
      'storeReport',
      'storeSummary',
    ]);
  });

  it('takes each from one area, none from two', () => {
    const areas = {
      projection: projectionActivities(deps),
      notifications: notificationActivities(deps),
      submissions: submissionActivities(deps),
      electricity: electricityActivities(deps),
      documents: documentActivities(deps),
      photoCleanup: photoCleanupActivities(deps.pool),
      observations: observationActivities(deps.pool),
      filings: filingActivities(deps),
      fieldWatch: fieldWatchActivities(deps),
      airPull: airPullActivities(deps),
    };
    const names = Object.values(areas).flatMap((a) => Object.keys(a));
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(areas.notifications).sort()).toEqual(['notify', 'publishWarning']);
    expect(names.sort()).toEqual(Object.keys(createActivities(deps)).sort());
  });
});
