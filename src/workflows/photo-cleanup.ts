/** Deletes report photos no report names once they are old enough; started by the `photo-cleanup` schedule. */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { deleteOrphanPhotos } = proxyActivities<Pick<Activities, 'deleteOrphanPhotos'>>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 5 },
});

export async function photoCleanupWorkflow(input: { olderThanHours: number }): Promise<{ deleted: number }> {
  return deleteOrphanPhotos(input);
}
