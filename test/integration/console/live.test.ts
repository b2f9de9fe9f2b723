/**
 * Live console pages in chromium: the episode page takes the commander's decision from the SSE
 * stream (no polling request after the first load), and when the stream cannot be opened it falls
 * back to polling and still shows the change.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { consoleUrl, http, signedInPage, startExercise } from '../../browser/harness.js';
import { consoleSuite } from '../../browser/suite.js';
import { uniqueDate } from '../api/api-helpers.js';

const suite = consoleSuite();

/** Counts the page's GETs of the episode itself (not its sub-resources). */
function countViewReads(page: Page, id: string): () => number {
  const path = `/episodes/${encodeURIComponent(id)}`;
  let n = 0;
  page.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname === path) n += 1;
  });
  return () => n;
}

async function approve(id: string): Promise<void> {
  const url = `/episodes/${encodeURIComponent(id)}`;
  const view = await http(suite.stack.baseUrl, suite.stack.who.commander, 'GET', url);
  const res = await http(suite.stack.baseUrl, suite.stack.who.commander, 'POST', `${url}/decisions`, {
    decision: 'approve',
    proposalId: view.json.pendingProposal.proposalId,
  });
  expect(res.status).toBe(200);
}

describe('live console pages', () => {
  it('show a decision taken elsewhere from the stream, without polling', { timeout: 90_000 }, async () => {
    const id = await startExercise(suite.stack, uniqueDate(), { exerciseDayMs: 600_000 });
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.office);
    const reads = countViewReads(page, id);
    const streamOpened = page.waitForRequest((r) => r.url().endsWith('/stream'));
    await page.goto(consoleUrl(suite.stack.baseUrl, 'episode', id));
    await page.locator('.proposal .pending').waitFor();
    await streamOpened;
    const before = reads();
    await approve(id);
    await page.getByText('预警响应中').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('.proposal .pending').count()).toBe(0);
    // the change came in the stream's frame: the page did not read the episode again
    expect(reads()).toBe(before);
    await page.close();
  });

  it('fall back to polling when the stream cannot be opened', { timeout: 90_000 }, async () => {
    const id = await startExercise(suite.stack, uniqueDate(), { exerciseDayMs: 600_000 });
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.office);
    await page.route('**/stream', (route) => route.abort());
    const reads = countViewReads(page, id);
    await page.goto(consoleUrl(suite.stack.baseUrl, 'episode', id));
    await page.locator('.proposal .pending').waitFor();
    const before = reads();
    await approve(id);
    await page.getByText('预警响应中').first().waitFor({ timeout: 15_000 });
    expect(reads()).toBeGreaterThan(before);
    await page.close();
  });
});
