/**
 * The provincial platform pull's activities (#14.1b): pull a window and store it (recording the
 * success or the failure in air_pull_state), read the failure state with whether the office is due
 * an alert (the plan's delay), and mark the alert sent, so it goes once per outage.
 */
import { ApplicationFailure } from '@temporalio/common';
import type pg from 'pg';
import {
  AIR_API_UNAVAILABLE,
  pullProvincialHourly,
  type PullWindow,
} from '../adapters/air-quality/provincial.js';
import { type PullFailureState, airPlatformDownVars, platformAlertDue } from '../domain/air-platform.js';
import { defaultPlan } from '../domain/index.js';
import type { ActivityDeps } from './deps.js';

const SOURCE = 'provincial';

export interface AirPullOutcome {
  window: PullWindow;
  stored: number;
  pages: number;
  skipped: Record<string, number>;
  /** The outage this pull ended, if any (alertedAt set = the office was told of it). */
  recovered: {
    failingSince: number;
    alertedAt: number | null;
    planId: string;
    planVersion: number;
    office: string;
  } | null;
}

export interface AirPullAlert {
  planId: string;
  planVersion: number;
  office: string;
  failingSince: number;
  due: boolean;
  vars: Record<string, string | number>;
}

async function failureState(pool: pg.Pool): Promise<PullFailureState | null> {
  const { rows } = await pool.query<{
    failing_since: Date | null;
    failed_attempts: number;
    last_error: string | null;
    alerted_at: Date | null;
  }>('SELECT failing_since, failed_attempts, last_error, alerted_at FROM air_pull_state WHERE source = $1', [
    SOURCE,
  ]);
  const r = rows[0];
  if (!r?.failing_since) return null;
  return {
    failingSince: r.failing_since.getTime(),
    attempts: r.failed_attempts,
    lastError: r.last_error ?? '',
    alertedAt: r.alerted_at?.getTime() ?? null,
  };
}

export function airPullActivities({ pool, airApi }: Pick<ActivityDeps, 'pool' | 'airApi'>) {
  return {
    /** Pulls `window` from the platform and stores it in one transaction; failures are recorded and rethrown. */
    async pullProvincialAir(input: { window: PullWindow; nowMs: number }): Promise<AirPullOutcome> {
      if (!airApi) {
        throw ApplicationFailure.nonRetryable(
          '未配置AIR_API_BASE_URL，无法从省级平台拉取数据',
          'CONFIGURATION',
        );
      }
      let result: Awaited<ReturnType<typeof pullProvincialHourly>>;
      try {
        result = await pullProvincialHourly(pool, airApi, input.window);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const tries =
          err instanceof ApplicationFailure && err.type === AIR_API_UNAVAILABLE ? airApi.maxAttempts : 1;
        await pool.query(
          `INSERT INTO air_pull_state (source, failing_since, failed_attempts, last_error, updated_at)
           VALUES ($1, to_timestamp($2 / 1000.0), $3, $4, now())
           ON CONFLICT (source) DO UPDATE SET
             failing_since = COALESCE(air_pull_state.failing_since, EXCLUDED.failing_since),
             failed_attempts = air_pull_state.failed_attempts + EXCLUDED.failed_attempts,
             last_error = EXCLUDED.last_error, updated_at = now()`,
          [SOURCE, input.nowMs, tries, message],
        );
        throw err;
      }
      const before = await failureState(pool);
      await pool.query(
        `INSERT INTO air_pull_state (source, last_success_at, last_window_to, updated_at)
         VALUES ($1, to_timestamp($2 / 1000.0), to_timestamp($3 / 1000.0), now())
         ON CONFLICT (source) DO UPDATE SET last_success_at = EXCLUDED.last_success_at,
           last_window_to = EXCLUDED.last_window_to, failing_since = NULL, failed_attempts = 0,
           last_error = NULL, alerted_at = NULL, updated_at = now()`,
        [SOURCE, input.nowMs, input.window.toMs],
      );
      return {
        window: input.window,
        ...result,
        recovered: before
          ? {
              failingSince: before.failingSince,
              alertedAt: before.alertedAt,
              planId: defaultPlan.id,
              planVersion: defaultPlan.version,
              office: defaultPlan.roles.office,
            }
          : null,
      };
    },

    /** The current outage, and whether the office is due its alert now (the plan's delay); null = none. */
    async airPullAlertState(input: { nowMs: number }): Promise<AirPullAlert | null> {
      const state = await failureState(pool);
      if (!state) return null;
      const plan = defaultPlan;
      return {
        planId: plan.id,
        planVersion: plan.version,
        office: plan.roles.office,
        failingSince: state.failingSince,
        due: platformAlertDue(plan, state, input.nowMs),
        vars: airPlatformDownVars(state),
      };
    },

    /** Records that the office was told of the outage that began at `failingSince`. */
    async markAirPullAlerted(input: { failingSince: number; nowMs: number }): Promise<void> {
      await pool.query(
        `UPDATE air_pull_state SET alerted_at = to_timestamp($2 / 1000.0), updated_at = now()
         WHERE source = $1 AND failing_since = to_timestamp($3 / 1000.0) AND alerted_at IS NULL`,
        [SOURCE, input.nowMs, input.failingSince],
      );
    },
  };
}
