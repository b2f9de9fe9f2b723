/**
 * The electricity accounting (二.5) of a CST date on which a warning was in force: the verdicts, a
 * follow-up for each non-compliant enterprise and one follow-up duty per branch and day.
 */
import { type WarningLevel, followUpUnit, parseIso } from '../../domain/index.js';
import { documents } from './activities.js';
import { type EpisodeRun, emit, nowIso } from './run.js';

/** At most this many enforcement follow-ups are opened per assessed day (the rest are in the document). */
const MAX_FOLLOWUPS_PER_DAY = 50;

export async function assessElectricity(run: EpisodeRun, date: string, level: WarningLevel): Promise<void> {
  if (run.state.electricity[date]) return;
  const result = await documents.assessElectricity({
    episodeId: run.episodeId,
    planId: run.plan.id,
    planVersion: run.plan.version,
    episodeStartMs: parseIso(run.state.startedAt!),
    day: date,
    level,
  });
  const followed = result.nonCompliant.slice(0, MAX_FOLLOWUPS_PER_DAY);
  emit(run, {
    type: 'electricity.assessed',
    at: nowIso(run),
    actor: 'system',
    day: date,
    level,
    counts: result.counts,
    nonCompliantIds: followed.map((e) => e.enterpriseId),
  });
  const branches = new Set<string>();
  for (const e of followed) {
    const branch = followUpUnit(run.plan, e.county);
    branches.add(branch);
    emit(run, {
      type: 'enforcement.followup',
      at: nowIso(run),
      actor: 'system',
      enterpriseId: e.enterpriseId,
      unitId: branch,
      action: 'inspection',
    });
  }
  // One follow-up duty per branch and day; the enterprises are in the assessment (PostgreSQL).
  for (const branch of branches) {
    emit(run, {
      type: 'duty.assigned',
      at: nowIso(run),
      actor: 'system',
      dutyId: `2.6:${date}`,
      unitId: branch,
    });
  }
}
