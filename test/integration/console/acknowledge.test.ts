/**
 * 签收 on the unit page at phone size (#15.6), in a real browser against the real stack: a branch
 * sees the warning notice it is asked to acknowledge with its deadline, acknowledges it with one tap,
 * and the episode records it once. A picture goes to docs/screenshots when SCREENSHOTS=1.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config.js';
import { cstDate, nextDate } from '../../../src/domain/index.js';
import { consoleUrl, http, signedInPage } from '../../browser/harness.js';
import { consoleSuite } from '../../browser/suite.js';

const suite = consoleSuite();
const view = async (id: string) =>
  (await http(suite.stack.baseUrl, suite.stack.who.office, 'GET', `/episodes/${encodeURIComponent(id)}`))
    .json;

describe('签收 in the console', () => {
  it('a branch acknowledges the warning notice from its phone', async () => {
    const today = cstDate(Date.now());
    const started = await http(suite.stack.baseUrl, suite.stack.who.office, 'POST', '/episodes', {
      jurisdiction: 'chaoyang',
      date: today,
      forecast: [
        { date: today, aqi: 235 },
        { date: nextDate(today), aqi: 180 },
      ],
    });
    expect(started.status).toBe(202);
    const id = started.json.id as string;
    await expect.poll(async () => (await view(id)).pendingProposal, { timeout: 20_000 }).not.toBeNull();
    const { proposalId } = (await view(id)).pendingProposal;
    await http(
      suite.stack.baseUrl,
      suite.stack.who.commander,
      'POST',
      `/episodes/${encodeURIComponent(id)}/decisions`,
      {
        decision: 'approve',
        proposalId,
      },
    );
    await expect.poll(async () => (await view(id)).acknowledgements?.length, { timeout: 20_000 }).toBe(1);

    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.shuangta);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(consoleUrl(suite.stack.baseUrl, 'unit', id));
    const item = page.locator('.acknowledgements li[data-notice="warning-issued:1"]');
    await item.waitFor();
    expect(await item.textContent()).toMatch(
      /关于启动重污染天气黄色预警的通知（\d+月\d+日\d+时\d\d分\d\d秒下发）请于\d+月\d+日\d+时\d\d分\d\d秒前签收/,
    );
    await item.getByRole('button', { name: '签收' }).click();
    await item.locator('.ok').waitFor();
    expect(await item.locator('.ok').textContent()).toMatch(/^已于\d+月\d+日\d+时\d\d分\d\d秒签收$/);
    if (process.env.SCREENSHOTS === '1')
      await page.locator('.acknowledgements').screenshot({
        path: path.join(projectRoot, 'docs/screenshots/phone-acknowledge.png'),
      });
    const v = await view(id);
    expect(Object.keys(v.acknowledgements[0].acknowledged)).toEqual(['branch.shuangta']);
    await page.close();
  });
});
