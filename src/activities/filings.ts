/**
 * The filing reminders' activity: per county, the enterprises of the year's reduction list that have
 * not filed their 一厂一策 (or whose sheet was returned), with the branch that is to urge them.
 */
import { unfiledByCounty } from '../adapters/filings/index.js';
import { defaultPlan } from '../domain/index.js';
import type { ActivityDeps } from './deps.js';

export interface UnfiledBranch {
  county: string;
  countyName: string;
  branchUnitId: string;
  branchName: string;
  count: number;
  names: string[];
}

export function filingActivities({ pool }: Pick<ActivityDeps, 'pool'>) {
  return {
    /** Who has not filed for `year`, grouped by the branch of the enterprise's county. */
    async listUnfiledFilings(input: {
      year: number;
    }): Promise<{ planId: string; planVersion: number; branches: UnfiledBranch[] }> {
      const plan = defaultPlan;
      const rows = await unfiledByCounty(pool, input.year);
      const branches: UnfiledBranch[] = [];
      for (const r of rows) {
        const branch = plan.units.find((u) => u.jurisdiction === r.county && u.id.startsWith('branch.'));
        if (!branch) continue; // a county the plan has no branch for: the office's list shows it
        branches.push({
          county: r.county,
          countyName: plan.jurisdictions.find((j) => j.id === r.county)?.name ?? r.county,
          branchUnitId: branch.id,
          branchName: branch.name,
          count: r.count,
          names: r.names,
        });
      }
      return { planId: plan.id, planVersion: plan.version, branches };
    },
  };
}
