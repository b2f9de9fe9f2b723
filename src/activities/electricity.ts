/**
 * The electricity activity: one day's accounting of every enterprise on the emergency reduction list,
 * after fetching that day's readings from the power company when its API is configured.
 */
import { assessDay, fetchReadings } from '../adapters/power/index.js';
import type { AssessElectricityInput, AssessElectricityResult } from '../contracts/index.js';
import { pinnedPlan } from '../db/plan-versions.js';
import type { ActivityDeps } from './deps.js';
import { heartbeating } from './support.js';

export function electricityActivities({ pool, powerApi }: Pick<ActivityDeps, 'pool' | 'powerApi'>) {
  return {
    /** Electricity accounting of one day for every enterprise on the emergency reduction list. */
    async assessElectricity(input: AssessElectricityInput): Promise<AssessElectricityResult> {
      return heartbeating(async () => {
        const plan = await pinnedPlan(pool, input.planId, input.planVersion);
        // Fresh readings of the day from the power company first (idempotent upsert per meter and day).
        if (powerApi) await fetchReadings(pool, powerApi, { date: input.day });
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
  };
}
