/**
 * The office's decisions in the console, in a real browser against the real stack: it confirms the
 * early response a consultation proposed, and issues one proposed 通报 and declines another — a
 * decline without a reason is refused in Chinese and changes nothing. Pictures at desktop and phone
 * width go to docs/screenshots when SCREENSHOTS=1.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config.js';
import { consoleUrl, http, nextDay, signedInPage, startExercise } from '../../browser/harness.js';
import { consoleSuite } from '../../browser/suite.js';
import { uniqueDate } from '../api/api-helpers.js';

const suite = consoleSuite();

const view = async (id: string) =>
  (await http(suite.stack.baseUrl, suite.stack.who.office, 'GET', `/episodes/${encodeURIComponent(id)}`))
    .json;

/** Starts an exercise whose forecast only calls for an early response; waits for the proposal to the office. */
async function startEarly(date: string): Promise<string> {
  const started = await http(suite.stack.baseUrl, suite.stack.who.office, 'POST', '/episodes', {
    jurisdiction: 'chaoyang',
    date,
    exercise: true,
    exerciseDayMs: 600_000,
    forecast: [
      { date, aqi: 128 },
      { date: nextDay(date), aqi: 135 },
    ],
  });
  const id = started.json.id as string;
  await expect.poll(async () => (await view(id)).pendingEarlyResponse, { timeout: 20_000 }).not.toBeNull();
  return id;
}

describe('the office decides in the console', () => {
  it('confirms a proposed early response', async () => {
    const id = await startEarly(uniqueDate());
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.office);
    await page.goto(consoleUrl(suite.stack.baseUrl, 'episode', id));
    const card = page.locator('section.office-decisions .pending-early');
    await card.waitFor();
    expect(await card.textContent()).toContain('建议开展污染过程提前应对');
    expect(await card.textContent()).toContain('early.1');
    await card.getByRole('button', { name: '确认启动' }).click();
    await page.locator('section.episode[data-phase="early-response"]').waitFor();
    expect((await view(id)).phase).toBe('early-response');
    expect(await page.locator('section.office-decisions').count()).toBe(0);
    await page.close();
  });

  it('issues one proposed 通报 and declines another with a reason; no reason is refused', async () => {
    // a response day lasts 20 s: 17:00 + 3 h passes within seconds and nobody reports
    const id = await startExercise(suite.stack, uniqueDate());
    const url = `/episodes/${encodeURIComponent(id)}`;
    const proposal = (await view(id)).pendingProposal;
    await http(suite.stack.baseUrl, suite.stack.who.commander, 'POST', `${url}/decisions`, {
      decision: 'approve',
      proposalId: proposal.proposalId,
    });
    await expect
      .poll(async () => (await view(id)).proposedNotices.length, { timeout: 60_000 })
      .toBeGreaterThan(1);
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.office);
    if (process.env.SCREENSHOTS === '1') await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(consoleUrl(suite.stack.baseUrl, 'episode', id));
    const first = page.locator('li.proposed-notice[data-unit="branch.kazuo"]').first();
    await first.waitFor();
    expect(await first.textContent()).toMatch(/喀左分局未按时报送第1天工作日报.*拟予以通报/);
    if (process.env.SCREENSHOTS === '1')
      await page.locator('section.office-decisions').screenshot({
        path: path.join(projectRoot, 'docs/screenshots/office-notices-desktop.png'),
      });
    // the office writes the 通报 in its own words before issuing it
    const own = '喀左分局未按要求报送第1天工作日报，经督促仍未报送。现予以通报，请于次日9时前作出书面说明。';
    await first.locator('textarea[name="notice-text"]').fill(own);
    await first.getByRole('button', { name: '签发通报' }).click();
    await page.locator('ul.notices li').filter({ hasText: '喀左分局' }).first().waitFor();
    await expect
      .poll(
        async () =>
          (
            await suite.ctx.pool.query(
              "SELECT count(*)::int AS n FROM notification_deliveries WHERE episode_id = $1 AND step LIKE 'notice:%' AND strpos(body, $2) > 0",
              [id, own],
            )
          ).rows[0].n,
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);

    const other = page.locator('li.proposed-notice[data-unit="enforcement"]').first();
    await other.getByRole('button', { name: '不予通报' }).click();
    await other.getByRole('alert').waitFor();
    expect(await other.getByRole('alert').textContent()).toMatch(/理由/);
    const before = await view(id);
    expect(before.declinedNotices).toEqual([]);
    await other.locator('input[name="notice-reason"]').fill('执法队现场处置突发案件，已补报');
    await other.getByRole('button', { name: '不予通报' }).click();
    await page.locator('ul.declined-notices li').filter({ hasText: '已补报' }).waitFor();
    const after = await view(id);
    expect(after.notices.map((n: { unitId: string }) => n.unitId)).toContain('branch.kazuo');
    expect(after.declinedNotices.map((n: { unitId: string }) => n.unitId)).toEqual(['enforcement']);
    if (process.env.SCREENSHOTS === '1') {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({
        path: path.join(projectRoot, 'docs/screenshots/office-notices-phone.png'),
        fullPage: true,
        clip: { x: 0, y: 0, width: 390, height: 1500 },
      });
    }
    await page.close();
  });
});
