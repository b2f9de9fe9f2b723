/**
 * Prometheus metrics of the API at `GET /metrics` (prom-client): requests by route and status,
 * latency histograms, idempotent replays, rate-limit refusals, open SSE streams, and the
 * projection's lag read from PostgreSQL at scrape time.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import client from 'prom-client';

export interface ApiMetricsSources {
  pool: pg.Pool;
  /** Open SSE streams of this process. */
  streams(): number;
}

/** Seconds and events the projection is behind the recorded events (every episode). */
export async function projectionLag(pool: pg.Pool): Promise<{ events: number; seconds: number }> {
  const { rows } = await pool.query<{ events: number; seconds: number }>(
    `SELECT count(*)::int AS events,
            COALESCE(EXTRACT(EPOCH FROM now() - min(ev.recorded_at)), 0)::float AS seconds
       FROM episode_projection p
       JOIN episode_events ev ON ev.episode_id = p.episode_id AND ev.seq > p.applied_seq`,
  );
  return rows[0] ?? { events: 0, seconds: 0 };
}

/**
 * Counts every answer (an onResponse hook on `app`, so install it before the routes) and answers
 * the plugin that serves `GET /metrics` (register it after the OpenAPI plugin, so it is documented).
 */
export function installApiMetrics(
  app: FastifyInstance,
  sources: ApiMetricsSources,
): { registry: client.Registry; routes: (app: FastifyInstance) => Promise<void> } {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'smog_api_' });
  const requests = new client.Counter({
    name: 'smog_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'smog_http_request_duration_seconds',
    help: 'Time from request to answer, by route pattern and method',
    labelNames: ['route', 'method'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [registry],
  });
  const replays = new client.Counter({
    name: 'smog_idempotency_replays_total',
    help: 'POSTs answered from a stored Idempotency-Key answer (a retry: nothing done twice)',
    labelNames: ['route'] as const,
    registers: [registry],
  });
  const refused = new client.Counter({
    name: 'smog_rate_limit_refusals_total',
    help: 'Requests refused with 429 by the rate limit',
    labelNames: ['route'] as const,
    registers: [registry],
  });
  new client.Gauge({
    name: 'smog_sse_streams',
    help: 'Open server-sent event streams in this API process',
    registers: [registry],
    collect() {
      this.set(sources.streams());
    },
  });
  const lagEvents = new client.Gauge({
    name: 'smog_projection_lag_events',
    help: 'Recorded domain events the read projection has not applied yet',
    registers: [registry],
  });
  const lagSeconds = new client.Gauge({
    name: 'smog_projection_lag_seconds',
    help: 'Age of the oldest recorded event the read projection has not applied (0 = up to date)',
    registers: [registry],
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    const status = reply.statusCode;
    requests.inc({ route, method: req.method, status: String(status) });
    // SSE streams stay open for hours: their duration is not a latency
    if (!route.endsWith('/stream')) duration.observe({ route, method: req.method }, reply.elapsedTime / 1000);
    if (reply.getHeader('idempotent-replayed') === 'true') replays.inc({ route });
    if (status === 429) refused.inc({ route });
  });

  const schema = {
    tags: ['health'],
    summary: 'Prometheus metrics of this API process (text exposition format)',
    description: 'Serve it on an internal network only; the queries to alert on are in docs/operations.md.',
  };
  const routes = async (scope: FastifyInstance) => {
    scope.get('/metrics', { config: { access: 'public', rateLimit: false }, schema }, async (_req, reply) => {
      try {
        const lag = await projectionLag(sources.pool);
        lagEvents.set(lag.events);
        lagSeconds.set(lag.seconds);
      } catch {
        // PostgreSQL down: the lag gauges keep their last value, the rest still answers
      }
      return reply.header('content-type', registry.contentType).send(await registry.metrics());
    });
  };
  return { registry, routes };
}
