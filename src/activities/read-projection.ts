/**
 * The read-side fold of the projection: folds an episode's domain events (already in `episode_events`) into its
 * full state in `episode_projection`, strictly in sequence order and only forward, then announces
 * the applied sequence on the PostgreSQL channel `episode_projection` (delivered at COMMIT, to every
 * API instance that LISTENs). Runs inside the caller's transaction.
 */
import type pg from 'pg';
import {
  type EpisodeEvent,
  type EpisodeState,
  type ForecastDay,
  foldEpisode,
  initialEpisodeState,
  toCstIso,
} from '../domain/index.js';
import type { SequencedEvent } from '../contracts/index.js';

export const PROJECTION_CHANNEL = 'episode_projection';
const RECENT = 20;

interface ProjectionRow {
  applied_seq: number;
  state: EpisodeState;
  forecast: ForecastDay[];
  recent: SequencedEvent[];
}

interface EventRow {
  seq: number;
  type: EpisodeEvent['type'];
  at: Date;
  actor: EpisodeEvent['actor'];
  payload: Record<string, unknown>;
}

/** An event as the workflow emitted it, rebuilt from its row (its time back in +08:00 ISO form). */
export function eventOfRow(r: EventRow): EpisodeEvent {
  return { ...r.payload, type: r.type, at: toCstIso(r.at.getTime()), actor: r.actor } as EpisodeEvent;
}

/**
 * Applies every recorded event after the projection's `applied_seq` that continues the sequence
 * without a gap (a batch recorded out of order waits for the missing one). Returns the applied seq.
 */
export async function advanceProjection(client: pg.PoolClient, episodeId: string): Promise<number> {
  await client.query(
    `INSERT INTO episode_projection (episode_id, state) VALUES ($1, $2) ON CONFLICT (episode_id) DO NOTHING`,
    [episodeId, JSON.stringify(initialEpisodeState())],
  );
  const { rows } = await client.query<ProjectionRow>(
    'SELECT applied_seq, state, forecast, recent FROM episode_projection WHERE episode_id = $1 FOR UPDATE',
    [episodeId],
  );
  const current = rows[0]!;
  const { rows: pending } = await client.query<EventRow>(
    'SELECT seq, type, at, actor, payload FROM episode_events WHERE episode_id = $1 AND seq > $2 ORDER BY seq',
    [episodeId, current.applied_seq],
  );
  const next: SequencedEvent[] = [];
  let seq = current.applied_seq;
  for (const row of pending) {
    if (row.seq !== seq + 1) break;
    seq = row.seq;
    next.push({ seq, event: eventOfRow(row) });
  }
  if (next.length === 0) return current.applied_seq;
  const events = next.map((e) => e.event);
  const state = foldEpisode(events, current.state);
  let forecast = current.forecast;
  for (const e of events) if (e.type === 'consultation.recorded') forecast = e.days;
  const recent = [...current.recent, ...next].slice(-RECENT);
  const last = events[events.length - 1]!;
  await client.query(
    `UPDATE episode_projection SET applied_seq = $2, state = $3, forecast = $4, recent = $5,
       last_event_at = $6, applied_at = now() WHERE episode_id = $1`,
    [episodeId, seq, JSON.stringify(state), JSON.stringify(forecast), JSON.stringify(recent), last.at],
  );
  await client.query('SELECT pg_notify($1, $2)', [
    PROJECTION_CHANNEL,
    JSON.stringify({ id: episodeId, seq, jurisdiction: state.jurisdiction }),
  ]);
  return seq;
}
