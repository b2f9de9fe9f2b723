/**
 * Moves the PostgreSQL read model on: appends the new events to the audit log in one batch, with the
 * full view when the phase changed (and at the close), else a small summary merged into it.
 */
import { store } from './activities.js';
import type { EpisodeRun } from './run.js';
import { view } from './view.js';

export async function project(run: EpisodeRun): Promise<void> {
  if (run.unprojected.length === 0) return;
  const batch = run.unprojected;
  run.unprojected = [];
  const full = run.projectedPhase !== run.state.phase;
  run.projectedPhase = run.state.phase;
  const v = view(run);
  const summary = {
    phase: v.phase,
    level: v.level,
    response: v.response,
    responseDay: v.responseDay,
    pendingProposal: v.pendingProposal,
    openEscalations: v.openEscalations,
    overdueCount: v.overdueCount,
    noticeCount: v.noticeCount,
    liftedAt: v.liftedAt,
    closedAt: v.closedAt,
    eventCount: v.eventCount,
  };
  await store.recordEvents({
    episodeId: run.episodeId,
    events: batch,
    summary,
    ...(full ? { view: v } : {}),
  });
}
