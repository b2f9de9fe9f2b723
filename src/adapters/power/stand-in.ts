/**
 * STAND-IN of the power company's readings API (docs/power-company-api.yaml) for local use, demos,
 * tests and the benchmark. It serves the readings stored in PostgreSQL; it is not the real service.
 * `failNext(n, status)` makes the next n requests fail, to exercise the client's retries.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { isIsoDate } from '../../domain/calendar.js';

export interface PowerStandIn {
  url: string;
  port: number;
  /** Requests answered so far (any status). */
  readonly requests: number;
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

const MAX_PAGE_SIZE = 10_000;

export async function startPowerStandIn(opts: {
  pool: pg.Pool;
  port: number;
  token: string;
  host?: string;
}): Promise<PowerStandIn> {
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  let requests = 0;

  const send = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer(async (req, res) => {
    requests++;
    try {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      if (req.method === 'GET' && url.pathname === '/v1/health')
        return send(res, 200, { status: 'ok', standIn: true });
      if (req.headers.authorization !== `Bearer ${opts.token}`) {
        return send(res, 401, { code: 'UNAUTHORIZED', message: 'missing or invalid bearer token' });
      }
      if (failures.count > 0) {
        failures.count--;
        return send(
          res,
          failures.status,
          { code: 'UNAVAILABLE', message: 'injected failure (stand-in)' },
          failures.status === 429 ? { 'retry-after': '1' } : {},
        );
      }
      if (req.method !== 'GET' || url.pathname !== '/v1/readings') {
        return send(res, 404, { code: 'NOT_FOUND', message: `${req.method} ${url.pathname}` });
      }
      const date = url.searchParams.get('date') ?? '';
      const page = Number(url.searchParams.get('page') ?? '1');
      const pageSize = Number(url.searchParams.get('pageSize') ?? '1000');
      if (
        !isIsoDate(date) ||
        !Number.isInteger(page) ||
        page < 1 ||
        !Number.isInteger(pageSize) ||
        pageSize < 1 ||
        pageSize > MAX_PAGE_SIZE
      ) {
        return send(res, 400, {
          code: 'BAD_REQUEST',
          message: 'date=YYYY-MM-DD, page>=1, 1<=pageSize<=10000',
        });
      }
      const [total, items] = await Promise.all([
        opts.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM meter_readings WHERE day = $1', [
          date,
        ]),
        opts.pool.query<{ meterId: string; kwh: number }>(
          `SELECT meter_id AS "meterId", kwh FROM meter_readings WHERE day = $1 ORDER BY meter_id LIMIT $2 OFFSET $3`,
          [date, pageSize, (page - 1) * pageSize],
        ),
      ]);
      return send(res, 200, {
        date,
        page,
        pageSize,
        total: total.rows[0]?.n ?? 0,
        items: items.rows.map((r) => ({ meterId: r.meterId, date, kwh: r.kwh })),
      });
    } catch (err) {
      return send(res, 500, { code: 'INTERNAL', message: (err as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    get requests() {
      return requests;
    },
    failNext(count, status = 503) {
      failures = { count, status };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
