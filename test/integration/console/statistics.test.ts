/**
 * The console's 统计分析 page in a real browser: the office chooses a period and reads the episodes by
 * level, the units' lateness and the compliance by grade as written, and downloads the workbook; a
 * branch has no such page.
 */
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { signedInPage } from '../../browser/harness.js';
import { consoleSuite } from '../../browser/suite.js';

const suite = consoleSuite();
const Y = 2990 + Math.floor(Math.random() * 5);
const t = randomBytes(3).toString('hex');

async function seed() {
  const pool = suite.ctx.pool;
  const id = `episode:jianping:${Y}-12-01:${t}`;
  await pool.query(
    `INSERT INTO episodes (id, jurisdiction, phase, level, exercise, plan_id, plan_version, started_at, state)
     VALUES ($1, 'jianping', 'closed', 'none', false, 'chaoyang-2024', 1, $2, '{}')`,
    [id, `${Y}-12-01T10:00:00+08:00`],
  );
  const events: Array<[string, object]> = [
    ['warning.issued', { level: 'orange' }],
    ['report.submitted', { unitId: 'branch.jianping', responseDay: 1, late: true, replaced: false }],
    ['report.submitted', { unitId: 'branch.jianping', responseDay: 2, late: false, replaced: false }],
  ];
  for (const [i, [type, payload]] of events.entries()) {
    await pool.query(
      `INSERT INTO episode_events (episode_id, seq, type, at, actor, payload) VALUES ($1, $2, $3, now(), '"system"', $4)`,
      [id, i + 1, type, JSON.stringify({ type, ...payload })],
    );
  }
  await pool.query(
    `INSERT INTO electricity_assessments (episode_id, day, level, counts, summary) VALUES ($1, $2, 'orange', '{}', '{}')`,
    [id, `${Y}-12-02`],
  );
  await pool.query(
    `INSERT INTO electricity_verdicts (episode_id, day, enterprise_id, verdict, reason, days_used, grade_label)
     VALUES ($1, $2, 'J1', 'compliant', '', 10, 'B-'), ($1, $2, 'J2', 'non-compliant', '', 10, 'B-')`,
    [id, `${Y}-12-02`],
  );
}

describe('the statistics page in a browser', () => {
  it('the office reads the statistics of a period and downloads them as a workbook', async () => {
    await seed();
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.office);
    await page.getByRole('link', { name: '统计分析' }).click();
    await page.getByRole('heading', { name: '统计分析' }).waitFor();
    await page.locator('input[name="from"]').fill(`${Y}-01-01`);
    await page.locator('input[name="to"]').fill(`${Y}-12-31`);
    const row = page.locator('table.episodes-by-level tbody tr');
    await row.first().waitFor();
    expect(await row.allTextContents()).toEqual([`${Y}建平县橙色预警1`]);
    expect(await page.locator('table.lateness tbody tr').allTextContents()).toEqual(['建平分局21050.0%']);
    expect(await page.locator('table.compliance tbody tr').allTextContents()).toEqual([`${Y}B-2110050.0%`]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出（Excel）' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`重污染天气应急统计_${Y}-01-01_${Y}-12-31.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await download.path());
    expect(wb.getWorksheet('应急过程')!.getRow(2).values).toEqual([undefined, Y, '建平县', '橙色预警', 1]);
    await page.close();
  });

  it('a branch has no statistics page', async () => {
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.shuangta);
    await page.getByRole('link', { name: '减排清单' }).waitFor();
    expect(await page.getByRole('link', { name: '统计分析' }).count()).toBe(0);
    await page.close();
  });
});
