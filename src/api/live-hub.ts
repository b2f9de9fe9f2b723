/**
 * Server-sent event streams of one API process, fed by the projection feed: per episode (the whole
 * projected view on every change) and for the board (the changed episode's list row, to the streams
 * allowed to see its jurisdiction). A burst of notices for one episode is coalesced into one read of
 * the projection, shared by all of that episode's streams.
 */
import type { ServerResponse } from 'node:http';
import type pg from 'pg';
import { type ReadModelRow, summaryOf } from './episode-access.js';
import { loadProjected, projectedView } from './projected-view.js';
import type { ProjectionFeed, ProjectionNotice } from './projection-feed.js';

const HEARTBEAT_MS = 15_000;

interface Stream {
  res: ServerResponse;
  /** Board streams: the jurisdictions it may see (null = all). */
  visible?: string[] | null;
}

/** One SSE frame. */
export function sseFrame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class LiveHub {
  private readonly episodes = new Map<string, Set<Stream>>();
  private readonly board = new Set<Stream>();
  private readonly pending = new Set<string>();
  private readonly unsubscribe: () => void;
  private readonly heartbeat: NodeJS.Timeout;
  /** Notices delivered to streams (a frame per stream), for the metrics. */
  delivered = 0;

  constructor(
    private readonly pool: pg.Pool,
    feed: ProjectionFeed,
  ) {
    this.unsubscribe = feed.subscribe(
      (n) => this.onNotice(n),
      () => this.broadcast(sseFrame('resync', { reason: 'the live feed reconnected' })),
    );
    this.heartbeat = setInterval(() => this.broadcast(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get streamCount(): number {
    let n = this.board.size;
    for (const s of this.episodes.values()) n += s.size;
    return n;
  }

  /** Opens an SSE response on `res` (already hijacked from fastify) and sends the first frame. */
  open(res: ServerResponse, first: string): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    res.write(`retry: 2000\n${first}`);
  }

  addEpisode(id: string, res: ServerResponse): void {
    const set = this.episodes.get(id) ?? new Set<Stream>();
    this.episodes.set(id, set);
    const stream = { res };
    set.add(stream);
    res.on('close', () => {
      set.delete(stream);
      if (set.size === 0) this.episodes.delete(id);
    });
  }

  addBoard(res: ServerResponse, visible: string[] | null): void {
    const stream = { res, visible };
    this.board.add(stream);
    res.on('close', () => this.board.delete(stream));
  }

  private onNotice(n: ProjectionNotice): void {
    const wanted = this.episodes.has(n.id) || this.board.size > 0;
    if (!wanted || this.pending.has(n.id)) return;
    this.pending.add(n.id);
    setImmediate(() => {
      this.pending.delete(n.id);
      this.push(n).catch(() => {});
    });
  }

  private async push(n: ProjectionNotice): Promise<void> {
    const streams = this.episodes.get(n.id);
    if (streams && streams.size > 0) {
      const row = await loadProjected(this.pool, n.id);
      if (row) {
        const view = projectedView(row);
        const frame = sseFrame('episode', view, view.eventCount);
        for (const s of streams) this.write(s, frame);
      }
    }
    if (this.board.size > 0) {
      const { rows } = await this.pool.query<ReadModelRow>('SELECT * FROM episodes WHERE id = $1', [n.id]);
      const row = rows[0];
      if (!row) return;
      const frame = sseFrame('board', { ...summaryOf(row), seq: n.seq });
      for (const s of this.board)
        if (!s.visible || s.visible.includes(row.jurisdiction)) this.write(s, frame);
    }
  }

  private write(s: Stream, frame: string): void {
    if (s.res.writableEnded || s.res.destroyed) return;
    s.res.write(frame);
    this.delivered += 1;
  }

  private broadcast(frame: string): void {
    for (const set of this.episodes.values()) for (const s of set) s.res.write(frame);
    for (const s of this.board) s.res.write(frame);
  }

  /** Ends every stream (the API is closing). */
  close(): void {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    for (const set of this.episodes.values()) for (const s of set) s.res.end();
    for (const s of this.board) s.res.end();
    this.episodes.clear();
    this.board.clear();
  }
}
