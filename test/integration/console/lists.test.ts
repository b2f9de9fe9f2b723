/**
 * The console's 清单版本与报备 page in a real browser: the office imports a year's list as a draft,
 * publishes it from a stated time, sees next year's draft's differences (added, dropped, a grade B → B-);
 * the county's branch sees its enterprises' filings and returns a filed sheet saying why.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fileSheet } from '../../../src/adapters/filings/index.js';
import { withUsccCheck } from '../../../src/adapters/power/index.js';
import { signedInPage } from '../../browser/harness.js';
import { consoleSuite } from '../../browser/suite.js';

const suite = consoleSuite();
const t = randomBytes(3).toString('hex').toUpperCase();
/** Years of this file alone (published versions take effect then: no other test's episode starts so late). */
const Y = 9900 + Math.floor(Math.random() * 49) * 2;
const uscc = () => withUsccCheck(`91211300${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`);
const codes = [uscc(), uscc(), uscc()];
const HEADER = '企业编号,企业名称,统一社会信用代码,所在县区,绩效分级,重点企业,电表编号,经度,纬度';
const file = (lines: string[]) => ({
  name: 'list.csv',
  mimeType: 'text/csv',
  buffer: Buffer.from(lines.join('\n')),
});

describe('the list versions and filings page in a browser', () => {
  it('the office imports, publishes and compares the years’ lists; the branch returns a filed sheet', async () => {
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.office);
    await page.getByRole('link', { name: '清单版本与报备' }).click();
    await page.getByRole('heading', { name: '清单版本与报备' }).waitFor();
    const importList = async (year: number, lines: string[]) => {
      await page.locator('input[name="year"]').fill(String(year));
      await page.locator('input[name="year"]').dispatchEvent('change');
      await page.locator('form.list-import input[type="file"]').setInputFiles(file(lines));
      await page.getByRole('button', { name: '导入为草稿' }).click();
      await page.getByRole('status').filter({ hasText: '已导入' }).waitFor();
    };
    await importList(Y, [
      HEADER,
      `V${t}1,双塔钢铁${t},${codes[0]},双塔区,B,是,VM${t}1,120.45,41.57`,
      `V${t}2,双塔水泥${t},${codes[1]},双塔区,C,否,VM${t}2,,`,
    ]);
    const draft = page
      .locator('table.versions tbody tr')
      .filter({ hasText: '草稿' })
      .filter({ hasText: String(Y) });
    await draft.locator('input[name="effectiveFrom"]').fill(`${Y}-01-01T00:00`);
    await draft.getByRole('button', { name: '发布' }).click();
    const published = page.locator('table.versions tbody tr').filter({ hasText: `${Y}年1月1日0时` });
    await published.waitFor();
    expect(await published.textContent()).toContain('已发布');

    await importList(Y + 1, [
      HEADER,
      `V${t}1,双塔钢铁${t},${codes[0]},双塔区,B-,是,VM${t}1,120.45,41.57`,
      `V${t}3,双塔焦化${t},${codes[2]},双塔区,D,是,VM${t}3,,`,
    ]);
    const next = page
      .locator('table.versions tbody tr')
      .filter({ hasText: '草稿' })
      .filter({ hasText: String(Y + 1) });
    await next.getByRole('button', { name: '查看变化' }).click();
    const diff = page.locator('.list-diff');
    await diff.locator('ul.changed').waitFor();
    expect(await diff.locator('ul.added li').allTextContents()).toEqual([`双塔焦化${t}（V${t}3，双塔区）`]);
    expect(await diff.locator('ul.dropped li').allTextContents()).toEqual([`双塔水泥${t}（V${t}2，双塔区）`]);
    expect(await diff.locator('ul.changed li').allTextContents()).toEqual([
      `双塔钢铁${t}（V${t}1）：绩效分级由“B”改为“B-”`,
    ]);
    await page.close();

    // the enterprise's sheet is filed; the branch of Shuangta returns it with its reason
    await fileSheet(suite.ctx.pool, {
      year: Y,
      enterpriseId: `V${t}1`,
      levels: { yellow: { measures: ['停产1条线'], expectedCutPercent: 10, linesToStop: [] } },
      document: null,
      actor: 'test',
      confinedTo: null,
    });
    const branch = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.shuangta);
    await branch.getByRole('link', { name: '清单版本与报备' }).click();
    await branch.locator('input[name="year"]').fill(String(Y));
    await branch.locator('input[name="year"]').dispatchEvent('change');
    const row = branch.locator(`table.filings-table tr[data-enterprise="V${t}1"]`);
    await row.waitFor();
    expect(await row.locator('td.state').textContent()).toBe('已报备');
    await row.locator('input[name="reason"]').fill('黄色预警措施未列明停产工序');
    await row.getByRole('button', { name: '退回修改' }).click();
    await row.locator('td.state', { hasText: '退回修改' }).waitFor();
    expect(await row.textContent()).toContain('黄色预警措施未列明停产工序');
    expect(
      await branch.locator(`table.filings-table tr[data-enterprise="V${t}2"] td.state`).textContent(),
    ).toBe('未报备');
    await branch.close();
  });
});
