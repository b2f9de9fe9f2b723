/** Audit reads of episodes or runs that do not exist answer 404 (found by the fuzz test: it was 500). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/api/app.js';
import { type IntegrationContext, integrationContext } from '../../helpers.js';
import { type PrincipalKey, type TestPrincipal, bearer, seedPrincipals, testApp } from './api-helpers.js';

let ctx: IntegrationContext;
let app: App;
let who: Record<PrincipalKey, TestPrincipal>;
beforeAll(async () => {
  ctx = await integrationContext();
  who = await seedPrincipals(ctx);
  app = await testApp(ctx, 'audit-missing');
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

describe('audit of something that does not exist', () => {
  it.each([
    '/episodes/episode:chaoyang:2026-13-45:1/audit/history?runId=00000000-0000-1000-8000-000000000000',
    '/episodes/episode:chaoyang:2031-01-01:7/audit/history',
  ])('GET %s → 404', async (url) => {
    const res = await app.inject({ method: 'GET', url, headers: bearer(who.auditor) });
    expect(res.statusCode).toBe(404);
  });
});
