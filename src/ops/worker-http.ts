/**
 * The worker's own HTTP endpoint: `/healthz` (200 while the worker runs and polls, else 503 naming
 * its state), `/metrics` (the product's metrics and, appended, the Temporal SDK core's runtime
 * metrics scraped from its local Prometheus listener). Binding is best-effort: a second worker on
 * the same host logs a warning and runs without it.
 */
import http from 'node:http';
import net from 'node:net';
import type { Logger } from 'pino';
import { workerRegistry } from '../activities/metrics.js';

export interface WorkerHttpOptions {
  host: string;
  port: number;
  /** Where the SDK core serves its Prometheus text (127.0.0.1:port), if enabled. */
  coreMetricsAddress?: string;
  /** The worker's state: 'RUNNING' is healthy. */
  state(): string;
  logger: Logger;
}

/** A free TCP port on the loopback (for the core's metrics listener). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function coreMetrics(address: string | undefined): Promise<string> {
  if (!address) return '';
  try {
    const res = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? await res.text() : '';
  } catch {
    return '';
  }
}

export async function startWorkerHttp(
  opts: WorkerHttpOptions,
): Promise<{ url: string; close(): Promise<void> } | null> {
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (url === '/healthz') {
      const state = opts.state();
      const ok = state === 'RUNNING';
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', worker: state }));
      return;
    }
    if (url === '/metrics') {
      Promise.all([workerRegistry.metrics(), coreMetrics(opts.coreMetricsAddress)]).then(
        ([own, core]) =>
          res.writeHead(200, { 'content-type': workerRegistry.contentType }).end(`${own}\n${core}`),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => resolve());
    });
  } catch (err) {
    opts.logger.warn({ err, port: opts.port }, 'worker health endpoint not started');
    return null;
  }
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://${opts.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
