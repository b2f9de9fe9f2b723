/**
 * The observation feed's activity (#14.3): for every open, real (not exercise) episode, its
 * jurisdiction's observed daily AQI on the days an import touched and the rolling 24-h AQI at the end
 * of the last hour imported — computed from the stored hourly data (HJ 633/663), never from zeros.
 */
import type pg from 'pg';
import { jurisdictionDailyAqi, jurisdictionRollingAqi } from '../adapters/air-quality/index.js';
import type { EpisodeObservation, ObservationWindow } from '../contracts/activities.js';
import { cstDate, defaultPlan, toCstIso } from '../domain/index.js';

const HOUR = 3_600_000;
/** Days before an episode's start whose observations still belong to its process. */
const DAYS_BEFORE_START = 3;

export function observationActivities(pool: pg.Pool) {
  return {
    async observationsForOpenEpisodes(window: ObservationWindow): Promise<EpisodeObservation[]> {
      const open = await pool.query<{ id: string; jurisdiction: string; started: string }>(
        `SELECT id, jurisdiction, (extract(epoch FROM started_at) * 1000)::bigint::text AS started
         FROM episodes WHERE closed_at IS NULL AND phase <> 'closed' AND NOT exercise ORDER BY id`,
      );
      const out: EpisodeObservation[] = [];
      const lastHourEnd = Math.min(window.toMs, Math.floor((window.nowMs ?? Date.now()) / HOUR) * HOUR);
      for (const e of open.rows) {
        // the city's plan says which jurisdiction is the city (its value: the national stations)
        const plan = defaultPlan;
        const from = cstDate(Math.max(window.fromMs, Number(e.started) - DAYS_BEFORE_START * 24 * HOUR));
        const to = cstDate(lastHourEnd - 1);
        if (to < from) continue;
        const days = await jurisdictionDailyAqi(pool, plan, e.jurisdiction, from, to);
        const rolling =
          lastHourEnd > window.fromMs
            ? await jurisdictionRollingAqi(pool, plan, e.jurisdiction, lastHourEnd)
            : null;
        out.push({
          episodeId: e.id,
          observation: {
            days: days.map((d) => ({
              date: d.date,
              aqi: d.value.aqi,
              primaryPollutants: [...d.value.primary],
              complete: d.value.complete,
            })),
            latest: rolling ? { hourEnd: toCstIso(lastHourEnd), aqi: rolling.value.aqi } : null,
          },
        });
      }
      return out;
    },
  };
}
