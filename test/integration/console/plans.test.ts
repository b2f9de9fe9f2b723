/**
 * 应急预案 in the console, in a real browser against the real stack: the office loads the version in
 * force, an invalid draft is refused with every problem listed by its place, a revision shows its
 * changes against the version in force, and publishing it puts it in force. A picture goes to
 * docs/screenshots/plans.png when SCREENSHOTS=1.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config.js';
import type { ResponsePlan } from '../../../src/domain/index.js';
import { http, signedInPage } from '../../browser/harness.js';
import { consoleSuite } from '../../browser/suite.js';
import { bearer } from '../api/api-helpers.js';

const suite = consoleSuite();

/** The fixture city under ids of its own, published through the API (in force today). */
async function publishedCity(): Promise<ResponsePlan> {
  const tag = randomBytes(3).toString('hex');
  const plan = YAML.parse(
    await readFile(path.join(projectRoot, 'test', 'plans', 'songling-2017.yaml'), 'utf8'),
  ) as ResponsePlan;
  plan.id = `songling-console-${tag}`;
  plan.jurisdiction = plan.id;
  plan.jurisdictions = plan.jurisdictions.map((j) =>
    j.kind === 'city' ? { ...j, id: plan.id } : { ...j, parent: plan.id },
  );
  const up = await suite.stack.app.inject({
    method: 'PUT',
    url: `/plans/${plan.id}/draft`,
    headers: { ...bearer(suite.stack.who.office), 'content-type': 'application/json' },
    payload: JSON.stringify(plan),
  });
  expect(up.statusCode).toBe(201);
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const pub = await http(
    suite.stack.baseUrl,
    suite.stack.who.office,
    'POST',
    `/plans/${plan.id}/versions/1/publish`,
    {
      effectiveFrom: today,
    },
  );
  expect(pub.status).toBe(200);
  return plan;
}

describe('the office revises a plan in the console', () => {
  it('refuses an invalid draft naming every problem, shows a revision’s changes, and publishes it', async () => {
    const plan = await publishedCity();
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.office);
    if (process.env.SCREENSHOTS === '1') await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: '应急预案' }).click();
    await page.getByRole('heading', { name: '应急预案' }).waitFor();
    expect(await page.locator('tr[data-plan="chaoyang-2024"][data-version="1"]').textContent()).toContain(
      '施行中',
    );

    await page.locator('.plan-draft select').selectOption(plan.id);
    await page.getByRole('button', { name: '载入施行中的版本' }).click();
    await expect
      .poll(async () => (await page.locator('textarea[name="plan"]').inputValue()).length)
      .toBeGreaterThan(1000);
    const inForce = JSON.parse(await page.locator('textarea[name="plan"]').inputValue()) as ResponsePlan;
    expect(inForce).toMatchObject({ id: plan.id, version: 1 });

    // YAML with two problems: nothing is stored, both are listed
    await page
      .locator('textarea[name="plan"]')
      .fill(`id: ${plan.id}\nversion: 1\nname: ''\nnonsense: true\n`);
    await page.getByRole('button', { name: '上传草稿并查看修订内容' }).click();
    const refused = page.locator('.plan-draft .error');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/预案未通过校验，共\d+处问题，草稿未保存/);
    const places = await refused.locator('tbody tr td:first-child').allTextContents();
    expect(places).toEqual(expect.arrayContaining(['name', '（全文）', 'documentNumber']));

    // the revision: yellow from AQI > 150 for 48 h
    const revised = structuredClone(inForce);
    revised.warning.levels[0]!.conditions[0]!.clauses[0]!.aqiAbove = 150;
    await page.locator('textarea[name="plan"]').fill(JSON.stringify(revised, null, 2));
    await page.getByRole('button', { name: '上传草稿并查看修订内容' }).click();
    const diff = page.locator('.plan-diff');
    await diff.waitFor();
    expect(await diff.locator('h4').textContent()).toBe('第2版草稿与施行中版本的差异（1处）');
    const row = diff.locator(
      'tr[data-path="warning.levels[yellow].conditions[sl.yellow.1].clauses[0].aqiAbove"]',
    );
    expect(await row.locator('td').allTextContents()).toEqual([
      '修改',
      expect.stringContaining(
        '预警分级 › 级别 › 「黄色预警」 › 条件 › 「预测日AQI>200将持续48小时」 › 条款 › 第1项 › AQI高于',
      ),
      '200',
      '150',
    ]);
    if (process.env.SCREENSHOTS === '1')
      await page.screenshot({ path: path.join(projectRoot, 'docs/screenshots/plans.png'), fullPage: true });

    await diff.getByRole('button', { name: '发布第2版' }).click();
    await page.locator('.plan-draft .ok').waitFor();
    expect(await page.locator('.plan-draft .ok').textContent()).toMatch(
      /^已发布第2版，自\d{4}年\d+月\d+日起施行。$/,
    );
    await expect
      .poll(async () => page.locator(`tr[data-plan="${plan.id}"][data-version="2"]`).textContent())
      .toContain('已发布 · 施行中');
    await page.close();
  });
});
