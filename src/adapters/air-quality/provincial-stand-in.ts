/**
 * STAND-IN of the provincial air-quality platform (docs/provincial-air-api.yaml) for tests and demos:
 * serves the stations and hourly rows it is given, paged as the contract says. It can play a platform
 * that is down (`failNext(n, 503)`, or `close()` for connection refused) or answers garbage
 * (`garbageOnPage(page, body)`: bad JSON or a wrong shape on that page). It is not the real service.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInStation {
  code: string;
  name: string;
  city: string;
  county: string;
  kind: 'national' | 'provincial';
}

/** One hour of a station as the platform answers it: `time` is the END of the hour. */
export interface StandInHour {
  stationCode: string;
  time: string;
  pm25: number | null;
  pm10: number | null;
  so2: number | null;
  no2: number | null;
  co: number | null;
  o3: number | null;
}

export interface AirStandIn {
  url: string;
  readonly requests: number;
  /** Replaces the rows served (a correction or late data at the platform). */
  setHours(hours: StandInHour[]): void;
  failNext(count: number, status?: number): void;
  /** Page `page` of /v1/hourly answers `body` (raw text) with HTTP 200, until cleared with null. */
  garbageOnPage(page: number | null, body?: string): void;
  close(): Promise<void>;
}

const MAX_PAGE_SIZE = 5000;

export async function startAirStandIn(opts: {
  token: string;
  stations: StandInStation[];
  hours: StandInHour[];
  port?: number;
  host?: string;
}): Promise<AirStandIn> {
  let hours = opts.hours;
  let failures = { count: 0, status: 503 };
  let garbage: { page: number; body: string } | null = null;
  let requests = 0;
  const send = (res: http.ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (req.headers.authorization !== `Bearer ${opts.token}`)
      return send(res, 401, { code: 'UNAUTHORIZED', message: 'missing or invalid bearer token' });
    if (failures.count > 0) {
      failures.count--;
      return send(
        res,
        failures.status,
        { code: 'UNAVAILABLE', message: 'injected failure (stand-in)' },
        failures.status === 429 ? { 'retry-after': '1' } : {},
      );
    }
    if (req.method === 'GET' && url.pathname === '/v1/stations')
      return send(res, 200, { items: opts.stations });
    if (req.method !== 'GET' || url.pathname !== '/v1/hourly')
      return send(res, 404, { code: 'NOT_FOUND', message: `${req.method} ${url.pathname}` });
    const from = Date.parse(url.searchParams.get('from') ?? '');
    const to = Date.parse(url.searchParams.get('to') ?? '');
    const page = Number(url.searchParams.get('page') ?? '1');
    const pageSize = Number(url.searchParams.get('pageSize') ?? '1000');
    const filter = url.searchParams.get('stations')?.split(',').filter(Boolean);
    if (
      Number.isNaN(from) ||
      Number.isNaN(to) ||
      to <= from ||
      !Number.isInteger(page) ||
      page < 1 ||
      !Number.isInteger(pageSize) ||
      pageSize < 1 ||
      pageSize > MAX_PAGE_SIZE
    ) {
      return send(res, 400, {
        code: 'BAD_REQUEST',
        message: `from<to (ISO 8601), page>=1, 1<=pageSize<=${MAX_PAGE_SIZE}`,
      });
    }
    if (garbage && garbage.page === page) return send(res, 200, garbage.body);
    const inWindow = hours
      .filter((h) => {
        const end = Date.parse(h.time);
        return end - 3_600_000 >= from && end <= to && (!filter || filter.includes(h.stationCode));
      })
      .sort((a, b) => a.stationCode.localeCompare(b.stationCode) || Date.parse(a.time) - Date.parse(b.time));
    return send(res, 200, {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      page,
      pageSize,
      total: inWindow.length,
      items: inWindow.slice((page - 1) * pageSize, page * pageSize),
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    get requests() {
      return requests;
    },
    setHours(h) {
      hours = h;
    },
    failNext(count, status = 503) {
      failures = { count, status };
    },
    garbageOnPage(page, body = '<html>502 Bad Gateway</html>') {
      garbage = page === null ? null : { page, body };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
