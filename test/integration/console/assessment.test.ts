/**
 * The assessment page and the AQI chart in a real browser against the real app and PostgreSQL: a
 * leader reads an episode's 成效评估 (the chart with the observed days and hours, the forecast, the
 * thresholds and the level shaded; the statement; the cut by county), the office attaches the expert
 * committee's opinion with a file, and the 空气质量 page draws a jurisdiction's chart with its
 * episode's forecast. Pictures at desktop and phone width go to docs/screenshots when SCREENSHOTS=1.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config.js';
import { type SeededEpisode, seedAssessedEpisode } from '../../assessment-seed.js';
import { signedInPage } from '../../browser/harness.js';
import { consoleSuite } from '../../browser/suite.js';

const suite = consoleSuite();
let seeded: SeededEpisode;
const shots = process.env.SCREENSHOTS === '1';
const shot = (name: string) => path.join(projectRoot, `docs/screenshots/${name}.png`);

beforeAll(async () => {
  seeded = await seedAssessedEpisode({
    pool: suite.ctx.pool,
    app: suite.stack.app,
    office: suite.stack.who.office,
  });
});
afterAll(async () => {
  await seeded?.cleanup();
});

describe('the assessment page and the AQI chart', () => {
  it('a leader reads the 成效评估: chart, statement, days and the cut by county', async () => {
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.leader);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${suite.stack.baseUrl}/console/#/assessment/${encodeURIComponent(seeded.episodeId)}`);
    await page.getByRole('heading', { name: '应对成效评估' }).waitFor();
    const chart = page.locator('svg.aqi-chart');
    await chart.waitFor();
    expect(await chart.getAttribute('data-days')).toBe('2');
    expect(Number(await chart.getAttribute('data-hours'))).toBeGreaterThan(24);
    expect(await page.locator('svg.aqi-chart .level-shade-yellow').count()).toBe(3);
    expect(await page.locator('svg.aqi-chart .forecast-day').count()).toBe(3);
    expect(await page.locator('svg.aqi-chart .threshold-line').count()).toBe(3);
    const statement = await page.locator('ol.statement').textContent();
    expect(statement).toContain('参与核算企业3家，其中有用电数据2家、无数据1家');
    expect(statement).toContain('不能据此认定减排措施使AQI降低了多少');
    const rows = page.locator('table.assessment-days tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(0).textContent()).toContain('黄色预警220');
    expect(await rows.nth(2).textContent()).toMatch(/无（无任何有效污染物日值，无法计算AQI/);
    const county = page.locator('table.cut[data-by="按区县"] tbody tr');
    expect(await county.allTextContents()).toEqual([
      expect.stringMatching(/^双塔区1100/),
      expect.stringMatching(/^北票市2110/),
    ]);
    expect(await page.locator('.opinion').textContent()).toContain('暂未提交');
    if (shots) {
      await page.screenshot({ path: shot('assessment-desktop'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: shot('assessment-phone'), fullPage: true });
    }
    await page.close();
  });

  it('the office attaches the expert committee’s opinion with a file; the page shows it', async () => {
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.office);
    await page.goto(`${suite.stack.baseUrl}/console/#/assessment/${encodeURIComponent(seeded.episodeId)}`);
    const form = page.locator('form.opinion-form');
    await form.waitFor();
    await form
      .locator('textarea[name="opinion"]')
      .fill('专家委员会认为：减排措施落实基本到位，会商预报总体偏高。');
    await form.locator('input[name="document"]').setInputFiles({
      name: 'opinion.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% opinion\n'),
    });
    await form.getByRole('button', { name: '提交意见' }).click();
    await page.locator('blockquote.opinion-text').filter({ hasText: '会商预报总体偏高' }).waitFor();
    expect(await page.locator('.opinion').textContent()).toContain('下载opinion.pdf');
    const { rows } = await suite.ctx.pool.query(
      'SELECT text, document_name FROM episode_expert_opinions WHERE episode_id = $1',
      [seeded.episodeId],
    );
    expect(rows).toEqual([
      { text: '专家委员会认为：减排措施落实基本到位，会商预报总体偏高。', document_name: 'opinion.pdf' },
    ]);
    await page.close();
  });

  it('空气质量: a jurisdiction’s hourly and daily observed AQI with its episode’s forecast', async () => {
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.commander);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: '空气质量' }).click();
    await page.getByRole('heading', { name: /空气质量 · 朝阳市/ }).waitFor();
    await page.locator('input[name="from"]').fill(seeded.D);
    await page.locator('input[name="to"]').fill(seeded.D2);
    const chart = page.locator('svg.aqi-chart[data-days="2"]');
    await chart.waitFor();
    await page.getByRole('link', { name: seeded.episodeId }).waitFor();
    expect(await page.locator('svg.aqi-chart .forecast-day').count()).toBe(3);
    expect(await page.locator('table.air-days tbody tr').count()).toBe(3);
    if (shots) {
      await page.screenshot({ path: shot('air-quality-desktop'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: shot('air-quality-phone'), fullPage: true });
    }
    await page.close();
  });
});
