/** Audit reads of episodes or runs that do not exist answer 404 (found by the fuzz test: it was 500). */
import { describe, expect, it } from 'vitest';
import { bearer, apiSuite } from './api-helpers.js';

const s = apiSuite('audit-missing');

describe('audit of something that does not exist', () => {
  it.each([
    '/episodes/episode:chaoyang:2026-13-45:1/audit/history?runId=00000000-0000-1000-8000-000000000000',
    '/episodes/episode:chaoyang:2031-01-01:7/audit/history',
  ])('GET %s → 404', async (url) => {
    const res = await s.app.inject({ method: 'GET', url, headers: bearer(s.who.auditor) });
    expect(res.statusCode).toBe(404);
  });
});
