/**
 * Property test: malformed bodies, params and headers at every route never answer 5xx and never
 * change state (row counts of the main tables are unchanged).
 */
import fc from 'fast-check';
import { handMadeXlsx, inline } from '../../xlsx-fixture.js';
import { describe, expect, it } from 'vitest';
import {
  COUNTED_TABLES,
  type PrincipalKey,
  apiSuite,
  bearer,
  multipart,
  settledCounts,
  tableCounts,
} from './api-helpers.js';

const s = apiSuite('fuzz-no-worker');

/** Routes with `{p}` where a fuzzed path parameter goes, and a principal allowed to call them. */
const ROUTES: Array<{ method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; as: PrincipalKey }> = [
  { method: 'POST', url: '/episodes', as: 'office' },
  { method: 'GET', url: '/episodes?jurisdiction={p}&limit={p}&cursor={p}', as: 'shuangta' },
  { method: 'GET', url: '/episodes/{p}', as: 'office' },
  { method: 'GET', url: '/episodes/{p}/duties', as: 'leader' },
  { method: 'POST', url: '/episodes/{p}/consultations', as: 'office' },
  { method: 'POST', url: '/episodes/{p}/decisions', as: 'commander' },
  { method: 'POST', url: '/episodes/{p}/reports', as: 'shuangta' },
  { method: 'POST', url: '/episodes/{p}/summaries', as: 'enforcement' },
  { method: 'POST', url: '/episodes/{p}/close', as: 'office' },
  { method: 'POST', url: '/episodes/{p}/acknowledgements', as: 'shuangta' },
  { method: 'GET', url: '/experts', as: 'leader' },
  { method: 'POST', url: '/experts', as: 'office' },
  { method: 'PUT', url: '/experts/{p}', as: 'office' },
  { method: 'GET', url: '/episodes/{p}/documents', as: 'auditor' },
  { method: 'GET', url: '/episodes/{p}/notifications', as: 'office' },
  { method: 'GET', url: '/episodes/{p}/electricity', as: 'office' },
  { method: 'GET', url: '/episodes/{p}/assessment', as: 'leader' },
  { method: 'GET', url: '/air-quality/hourly?jurisdiction={p}&from={p}&to=2026-01-02', as: 'shuangta' },
  { method: 'PUT', url: '/episodes/{p}/assessment/opinion', as: 'office' },
  { method: 'GET', url: '/episodes/{p}/assessment/opinion/document', as: 'commander' },
  {
    method: 'GET',
    url: '/episodes/{p}/reports?unitId={p}&responseDay={p}&includeReplaced={p}&cursor={p}',
    as: 'shuangta',
  },
  { method: 'GET', url: '/episodes/{p}/summaries?unitId={p}', as: 'leader' },
  { method: 'GET', url: '/episodes/{p}/reports/export?format={p}&responseDay={p}', as: 'office' },
  {
    method: 'GET',
    url: '/enterprises?q={p}&county={p}&grade={p}&keyEnterprise={p}&readingsMissingOn={p}&limit={p}&cursor={p}',
    as: 'shuangta',
  },
  { method: 'GET', url: '/documents/{p}?format={p}', as: 'office' },
  { method: 'POST', url: '/photos', as: 'shuangta' },
  { method: 'GET', url: '/photos/{p}', as: 'auditor' },
  { method: 'GET', url: '/photos/{p}/facts?reportDate={p}&lat={p}&lon={p}&radiusMetres={p}', as: 'auditor' },
  { method: 'DELETE', url: '/photos/{p}', as: 'enforcement' },
  // security findings 6 and 7: the token confirmation and the admin log
  { method: 'POST', url: '/token-requests/{p}/confirm', as: 'admin' },
  { method: 'POST', url: '/token-requests/{p}/confirm', as: 'commander' },
  { method: 'GET', url: '/admin-log?targetId={p}&afterSeq={p}&limit={p}&cursor={p}', as: 'auditor' },
  { method: 'POST', url: '/enterprises/import', as: 'office' },
  { method: 'POST', url: '/readings/import', as: 'office' },
  { method: 'GET', url: '/units', as: 'admin' },
  { method: 'GET', url: '/principals', as: 'admin' },
  { method: 'POST', url: '/principals', as: 'admin' },
  { method: 'POST', url: '/principals/{p}/tokens', as: 'admin' },
  { method: 'POST', url: '/principals/{p}/revoke', as: 'admin' },
  { method: 'POST', url: '/principals/{p}/status', as: 'admin' },
  { method: 'GET', url: '/episodes/{p}/audit/timeline?temporal={p}', as: 'auditor' },
  { method: 'GET', url: '/episodes/{p}/audit/history?runId={p}', as: 'auditor' },
  { method: 'POST', url: '/episodes/{p}/audit/replay?runId={p}', as: 'auditor' },
  { method: 'GET', url: '/episodes/{p}/audit/state?at={p}', as: 'auditor' },
  { method: 'GET', url: '/public/cap?days={p}', as: 'office' },
  { method: 'GET', url: '/public/cap/{p}', as: 'office' },
  { method: 'GET', url: '/public/cap?all={p}', as: 'office' },
  { method: 'GET', url: '/public/cap/{p}?format={p}', as: 'office' },
  { method: 'GET', url: '/public/warnings?x={p}', as: 'office' },
  // the reduction list by year (#18.2)
  { method: 'GET', url: '/reduction-lists?year={p}', as: 'shuangta' },
  { method: 'GET', url: '/reduction-lists/in-force?at={p}', as: 'leader' },
  { method: 'POST', url: '/reduction-lists/import', as: 'office' },
  { method: 'POST', url: '/reduction-lists/carry-over', as: 'office' },
  { method: 'GET', url: '/reduction-lists/{p}', as: 'beipiao' },
  { method: 'PUT', url: '/reduction-lists/{p}/entries/{p}', as: 'office' },
  { method: 'DELETE', url: '/reduction-lists/{p}/entries/{p}', as: 'office' },
  { method: 'POST', url: '/reduction-lists/{p}/publish', as: 'office' },
  { method: 'GET', url: '/reduction-lists/{p}/diff?against={p}', as: 'auditor' },
  // statistics (#18.6)
  { method: 'GET', url: '/statistics?from={p}&to={p}&includeExercises={p}', as: 'office' },
  { method: 'GET', url: '/statistics/export?jurisdiction={p}&from={p}', as: 'leader' },
  // 一厂一策 filings (#18.3)
  { method: 'GET', url: '/filings?year={p}&county={p}&state={p}', as: 'shuangta' },
  { method: 'GET', url: '/filings/{p}/{p}', as: 'office' },
  { method: 'POST', url: '/filings/{p}/{p}', as: 'shuangta' },
  { method: 'POST', url: '/filings/{p}/{p}', as: 'office' },
  { method: 'POST', url: '/filings/{p}/{p}/review', as: 'beipiao' },
  { method: 'GET', url: '/filings/{p}/{p}/document', as: 'leader' },
  // field work (#15)
  { method: 'GET', url: '/field/tasks?date={p}&unitId={p}', as: 'office' },
  { method: 'POST', url: '/field/tasks/check-in', as: 'shuangta' },
  { method: 'POST', url: '/field/tasks/assign', as: 'enforcement' },
  { method: 'GET', url: '/field/inspections?date={p}&enterpriseId={p}', as: 'shuangta' },
  { method: 'GET', url: '/field/inspections/{p}', as: 'auditor' },
  { method: 'POST', url: '/field/inspections', as: 'shuangta' },
  { method: 'GET', url: '/field/cases?state={p}&openedOn={p}', as: 'shuangta' },
  { method: 'GET', url: '/field/cases/{p}', as: 'office' },
  { method: 'POST', url: '/field/cases', as: 'shuangta' },
  { method: 'POST', url: '/field/cases/{p}/updates', as: 'enforcement' },
  { method: 'POST', url: '/field/cases/{p}/close', as: 'shuangta' },
  { method: 'GET', url: '/field/handovers?date={p}&state={p}', as: 'leader' },
  { method: 'POST', url: '/field/handovers', as: 'shuangta' },
  { method: 'POST', url: '/field/handovers/{p}/answer', as: 'office' },
  { method: 'GET', url: '/field/fire-points?date={p}', as: 'commander' },
  { method: 'POST', url: '/field/fire-points', as: 'office' },
  { method: 'POST', url: '/field/fire-points/import', as: 'office' },
  { method: 'GET', url: '/field/vehicle-checks?date={p}', as: 'shuangta' },
  { method: 'POST', url: '/field/vehicle-checks', as: 'enforcement' },
  { method: 'GET', url: '/field/inspection-groups?date={p}', as: 'auditor' },
  { method: 'POST', url: '/field/inspection-groups', as: 'office' },
  { method: 'POST', url: '/field/inspection-groups/{p}/findings', as: 'office' },
  { method: 'GET', url: '/field/report?date={p}', as: 'shuangta' },
  { method: 'GET', url: '/field/report-flags?date={p}&unitId={p}', as: 'office' },
  // plans as published data (#18)
  { method: 'GET', url: '/plans', as: 'shuangta' },
  { method: 'GET', url: '/plans/{p}/versions/{p}', as: 'auditor' },
  { method: 'GET', url: '/plans/chaoyang-2024/versions/1/diff?against={p}', as: 'office' },
  { method: 'PUT', url: '/plans/{p}/draft', as: 'office' },
  { method: 'PUT', url: '/plans/shuangta-2024/draft', as: 'shuangta' },
  { method: 'POST', url: '/plans/{p}/versions/{p}/publish', as: 'office' },
];

/** What a refused request may still write: its idempotency record (and nothing else). */
const WRITTEN_BY_REFUSALS = new Set(['idempotency_keys', 'enterprise_meters']);
/** The admin's tables, counted here too: a fuzzed admin call must not write them either. */
const ADMIN_TABLES = ['admin_log', 'token_requests'];
const MAIN_TABLES = [...COUNTED_TABLES.filter((t) => !WRITTEN_BY_REFUSALS.has(t)), ...ADMIN_TABLES];

const param = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    'episode:chaoyang:2026-13-45:1',
    'exercise:x:0000-00-00:999',
    '..%2F..',
    '%00',
    'null',
    '-1',
  ),
  fc.uuid(),
  fc.integer().map(String),
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc
    .record(
      {
        jurisdiction: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        forecast: fc.oneof(fc.array(fc.record({ date: fc.string(), aqi: fc.double() })), fc.string()),
        decision: fc.oneof(fc.string(), fc.constant('approve')),
        responseDay: fc.oneof(fc.double(), fc.string()),
        fields: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.string()),
        id: fc.oneof(fc.string(), fc.integer()),
        role: fc.string(),
        text: fc.oneof(fc.constant(''), fc.integer()),
        reason: fc.string(),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify({ ...v, unexpected: true })),
);
const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'text/plain',
      'multipart/form-data',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
      'application/yaml',
    ),
    'idempotency-key': fc.oneof(fc.string({ maxLength: 300 }), fc.constant('')),
    accept: fc.string({ maxLength: 30 }),
  },
  { requiredKeys: ['content-type'] },
);

async function mainCounts(settled = false) {
  const all = await (settled ? settledCounts : tableCounts)(s.ctx, ADMIN_TABLES);
  return Object.fromEntries(MAIN_TABLES.map((t) => [t, all[t]]));
}

describe('fuzzed requests', () => {
  it('never answer 5xx and never change state', { timeout: 120_000 }, async () => {
    const before = await mainCounts(true);
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        param,
        param,
        body,
        headers,
        fc.boolean(),
        async (route, p1, p2, payload, hdrs, withToken) => {
          let n = 0;
          const url = route.url.replace(/\{p\}/g, () => encodeURIComponent(n++ === 0 ? p1 : p2));
          const safeHeaders = Object.fromEntries(
            Object.entries(hdrs).filter(([, v]) => /^[\x20-\x7e]*$/.test(String(v))),
          ) as Record<string, string>;
          const res = await s.app.inject({
            method: route.method,
            url,
            headers: { ...safeHeaders, ...(withToken ? bearer(s.who[route.as]) : {}) },
            ...(route.method === 'POST' || route.method === 'PUT' ? { payload } : {}),
          });
          seen.add(res.statusCode);
          if (res.statusCode >= 500)
            throw new Error(`${route.method} ${url} → ${res.statusCode} ${res.body}`);
          expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/);
        },
      ),
      { numRuns: 600 },
    );
    expect(await mainCounts()).toEqual(before);
    expect([...seen].some((s) => s >= 400)).toBe(true);
  });

  it('spreadsheet amplification: an XLSX import with a cell in any column never answers 5xx, imports nothing, is refused past column 200', {
    timeout: 120_000,
  }, async () => {
    const before = await mainCounts();
    const letters = (n: number): string =>
      n <= 0 ? '' : letters(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 16_384 }),
        fc.integer({ min: 1, max: 300 }),
        async (col, rows) => {
          let xml = `<row r="1">${inline('A1', '电表编号')}${inline('B1', '日期')}${inline('C1', '用电量')}</row>`;
          for (let r = 2; r <= rows + 1; r++)
            xml += `<row r="${r}">${inline(`A${r}`, '')}${inline(`${letters(col)}${r}`, 'x')}</row>`;
          const file = multipart([
            {
              name: 'file',
              filename: 'r.xlsx',
              contentType: 'application/octet-stream',
              data: handMadeXlsx(xml),
            },
          ]);
          const res = await s.app.inject({
            method: 'POST',
            url: '/readings/import',
            headers: { ...bearer(s.who.office), ...file.headers },
            payload: file.payload,
          });
          expect(res.statusCode).toBeLessThan(500);
          if (col > 200) expect(res.body).toContain(`表格用到第${col}列，超过200列的上限`);
        },
      ),
      { numRuns: 40 },
    );
    expect(await mainCounts()).toEqual(before);
  });

  it('malformed authorization headers answer 401, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (value) => {
        if (!/^[\x20-\x7e]*$/.test(value)) return;
        const res = await s.app.inject({ method: 'GET', url: '/units', headers: { authorization: value } });
        expect(res.statusCode).toBe(401);
      }),
      { numRuns: 200 },
    );
  });
});
