/**
 * The projection's live feed in one API process: one PostgreSQL connection LISTENing on
 * `episode_projection` (so it works across API instances: every instance hears every commit),
 * re-connecting after a loss, fanning each notice out to in-process subscribers (SSE streams,
 * read-your-writes waits).
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { PROJECTION_CHANNEL } from '../activities/read-projection.js';

export interface ProjectionNotice {
  id: string;
  seq: number;
  jurisdiction: string | null;
}

export class ProjectionFeed {
  private readonly emitter = new EventEmitter();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  /** When the listening connection last came up (streams resync after a gap). */
  connectedAt = 0;

  constructor(private readonly options: pg.ClientConfig) {
    this.emitter.setMaxListeners(0);
  }

  get listening(): boolean {
    return this.client !== null;
  }

  /** Starts listening (idempotent); resolves once LISTEN is in place, rejects if PostgreSQL is down. */
  start(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.options);
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (msg) => {
      if (msg.channel !== PROJECTION_CHANNEL || !msg.payload) return;
      try {
        const notice = JSON.parse(msg.payload) as ProjectionNotice;
        this.emitter.emit('notice', notice);
      } catch {
        // not ours
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${PROJECTION_CHANNEL}`);
    } catch (err) {
      client.end().catch(() => {});
      this.scheduleRetry();
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.connectedAt = Date.now();
    this.emitter.emit('reconnected');
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.start().catch(() => {});
    }, 1_000);
    this.retry.unref();
  }

  /** Calls `fn` on every notice; `onResync` after the connection came back (notices may be lost). */
  subscribe(fn: (n: ProjectionNotice) => void, onResync?: () => void): () => void {
    this.emitter.on('notice', fn);
    if (onResync) this.emitter.on('reconnected', onResync);
    this.start().catch(() => {});
    return () => {
      this.emitter.off('notice', fn);
      if (onResync) this.emitter.off('reconnected', onResync);
    };
  }

  get subscribers(): number {
    return this.emitter.listenerCount('notice');
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    await this.connecting?.catch(() => {});
    await c?.end().catch(() => {});
  }
}
