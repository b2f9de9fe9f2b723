/**
 * 预报与实况 on the episode page, in a real browser against the real stack (#14.3): the days of the
 * process with the AQI forecast beside the AQI observed, the latest rolling value and the note of a
 * day observed worse than forecast — as the observation feed signals them. Pictures at desktop and
 * phone width go to docs/screenshots when SCREENSHOTS=1.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config.js';
import { cstDate, nextDate } from '../../../src/domain/index.js';
import { observedSignal } from '../../../src/workflows/definitions.js';
import { consoleUrl, http, signedInPage } from '../../browser/harness.js';
import { consoleSuite } from '../../browser/suite.js';

const suite = consoleSuite();
const view = async (id: string) =>
  (await http(suite.stack.baseUrl, suite.stack.who.office, 'GET', `/episodes/${encodeURIComponent(id)}`))
    .json;

describe('observed air quality on the episode page', () => {
  it('shows each day forecast beside observed, the latest rolling AQI, and a day worse than forecast', async () => {
    const today = cstDate(Date.now());
    const yesterday = nextDate(today, -1);
    const started = await http(suite.stack.baseUrl, suite.stack.who.office, 'POST', '/episodes', {
      jurisdiction: 'jianping',
      date: yesterday,
      forecast: [
        { date: yesterday, aqi: 130 },
        { date: today, aqi: 145 },
        { date: nextDate(today), aqi: 120 },
      ],
    });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const id = started.json.id as string;
    await expect.poll(async () => (await view(id)).phase, { timeout: 20_000 }).toBeDefined();
    const hourEnd = `${today}T08:00:00+08:00`;
    await suite.ctx.client.workflow.getHandle(id).signal(observedSignal, {
      days: [
        { date: yesterday, aqi: 212, primaryPollutants: ['PM2.5'], complete: true },
        { date: today, aqi: 168, primaryPollutants: ['PM2.5'], complete: false },
      ],
      latest: { hourEnd, aqi: 174 },
    });
    await expect.poll(async () => (await view(id)).worseThanForecast?.length, { timeout: 20_000 }).toBe(1);

    for (const [name, size] of [
      ['desktop', { width: 1280, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.office);
      await page.setViewportSize(size);
      await page.goto(consoleUrl(suite.stack.baseUrl, 'episode', id));
      const box = page.locator('.process-days');
      await box.waitFor();
      const [, ym, yd] = yesterday.split('-').map(Number);
      const row = box.locator(`tr[data-date="${yesterday}"]`);
      expect((await row.textContent())?.replace(/\s+/g, '')).toBe(`${ym}月${yd}日130212`);
      expect(await box.locator(`tr[data-date="${today}"]`).textContent()).toContain('（当日未完）');
      expect(await box.locator('.latest').textContent()).toMatch(
        /最新24小时滑动平均AQI：174（截至\d+月\d+日8时）/,
      );
      expect(await box.locator('.warning-note').textContent()).toBe(
        `${ym}月${yd}日实况日AQI为212（重度污染），会商预报为130（轻度污染），按实况与预报研判已达到黄色预警启动条件，已提示专班办公室加密会商。`,
      );
      if (process.env.SCREENSHOTS === '1')
        await box.locator('xpath=..').screenshot({
          path: path.join(projectRoot, `docs/screenshots/observed-${name}.png`),
        });
      await page.close();
    }
  });
});
