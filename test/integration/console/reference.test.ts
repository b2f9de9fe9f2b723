/**
 * The console's reference pages in a real browser against the real app and PostgreSQL: the office
 * imports the reduction list and the readings (a file with a bad row is refused with its lines and
 * imports nothing), everybody reads the list (a branch its own county only), and the administrator
 * creates a principal, issues a token that signs in, revokes it, and disables and enables it.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../../src/adapters/power/index.js';
import { createPrincipal, issueToken } from '../../../src/api/principal-store.js';
import { signedInPage } from '../../browser/harness.js';
import { consoleSuite } from '../../browser/suite.js';

const suite = consoleSuite();

const t = randomBytes(3).toString('hex').toUpperCase();
const uscc = () => withUsccCheck(`91211300${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`);
const csv = (lines: string[]) => ({
  name: 'list.csv',
  mimeType: 'text/csv',
  buffer: Buffer.from(lines.join('\n')),
});
const HEADER =
  '企业编号,企业名称,统一社会信用代码,所在县区,绩效分级,重点企业,电表编号,豁免类型,黄色预警减排措施,黄色预警减排比例';

async function enterprisesOf(prefix: string): Promise<number> {
  const { rows } = await suite.ctx.pool.query('SELECT count(*)::int AS n FROM enterprises WHERE id LIKE $1', [
    `${prefix}%`,
  ]);
  return rows[0].n;
}

describe('the reference pages in a browser', () => {
  it('the office imports the reduction list and readings; a bad file is refused row by row and imports nothing', async () => {
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.office);
    await page.getByRole('link', { name: '减排清单' }).click();
    await page.getByRole('heading', { name: '应急减排清单' }).waitFor();

    const list = page.locator('form[data-import="/enterprises/import"]');
    // a bad file: an unknown county on line 3 and a bad code on line 4
    await list
      .locator('input[type="file"]')
      .setInputFiles(
        csv([
          HEADER,
          `X${t}1,好企业${t},${uscc()},双塔区,B,是,XM${t}1,无,停产,30`,
          `X${t}2,县区错${t},${uscc()},火星区,B,是,XM${t}2,无,停产,30`,
          `X${t}3,代码错${t},91211300000000000X,双塔区,B,是,XM${t}3,无,停产,30`,
        ]),
      );
    await list.getByRole('button', { name: '导入' }).click();
    const refused = list.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('未导入任何数据');
    const lines = await refused.locator('tbody tr td:first-child').allTextContents();
    expect(lines).toEqual(['3', '4']);
    expect(await enterprisesOf(`X${t}`)).toBe(0);

    await list
      .locator('input[type="file"]')
      .setInputFiles(
        csv([
          HEADER,
          `E${t}1,朝阳钢铁${t},${uscc()},双塔区,B,是,M${t}1;M${t}2,无,烧结机停产,30`,
          `E${t}2,北票水泥${t},${uscc()},北票市,C,否,M${t}3,无,,`,
        ]),
      );
    await list.getByRole('button', { name: '导入' }).click();
    await list.getByRole('status').filter({ hasText: '已导入 2 条' }).waitFor();
    expect(await enterprisesOf(`E${t}`)).toBe(2);

    const readings = page.locator('form[data-import="/readings/import"]');
    await readings.locator('input[type="file"]').setInputFiles({
      name: 'readings.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        ['电表编号,日期,用电量', `M${t}1,2026-11-20,1200.5`, `M${t}3,2026-11-21,300`].join('\n'),
      ),
    });
    await readings.getByRole('button', { name: '导入' }).click();
    await readings.getByRole('status').filter({ hasText: '已导入 2 条' }).waitFor();

    // the list, searched, with each enterprise's latest reading day and its measures
    await page.getByLabel('搜索').fill(`E${t}`);
    const steel = page.locator(`tr[data-enterprise="E${t}1"]`);
    await steel.waitFor();
    await expect.poll(() => steel.locator('td.last-reading').textContent()).toBe('2026-11-20');
    expect(await steel.textContent()).toContain(`朝阳钢铁${t}`);
    await steel.getByText('一厂一策').click();
    expect(await steel.locator('dl.measures').textContent()).toContain('减排30%');
    expect(await page.locator(`tr[data-enterprise="E${t}2"] td.last-reading`).textContent()).toBe(
      '2026-11-21',
    );
    // enterprises lacking a reading on the 21st: the steel works (its meters have none that day)
    await page.getByLabel('缺少用电量数据的日期').fill('2026-11-21');
    await expect
      .poll(async () =>
        page
          .locator('tr[data-enterprise]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-enterprise'))),
      )
      .toEqual([`E${t}1`]);
    await page.close();
  });

  it('a branch reads the list of its own county only, and cannot import', async () => {
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.shuangta);
    await page.goto(`${suite.stack.baseUrl}/console/#/enterprises`);
    await page.getByText('仅显示双塔区的企业').waitFor();
    await page.getByLabel('搜索').fill(`${t}`);
    await page.locator(`tr[data-enterprise="E${t}1"]`).waitFor();
    expect(await page.locator(`tr[data-enterprise="E${t}2"]`).count()).toBe(0);
    expect(await page.locator('form.import-form').count()).toBe(0);
    await page.close();
  });

  it('the administrator creates a principal, issues a token that signs in, revokes it, disables and enables the principal', async () => {
    const page = await signedInPage(suite.browser, suite.stack.baseUrl, suite.stack.who.admin);
    const id = `t-${t.toLowerCase()}-lingyuan`;
    const form = page.locator('form.create-principal');
    await form.getByLabel('用户标识').fill(id);
    await form.getByLabel('角色').selectOption('unit');
    await form.getByLabel('所属单位').selectOption('branch.lingyuan');
    await form.getByLabel('姓名或说明').fill('凌源分局值班员');
    await form.getByRole('button', { name: '新建用户' }).click();
    const row = page.locator(`tr[data-principal="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('凌源分局');
    expect(await row.locator('td.tokens').textContent()).toBe('0');

    // a token for another principal is a request a second administrator confirms (security finding 7)
    await row.getByRole('button', { name: '签发令牌' }).click();
    const notice = page.getByRole('status').filter({ hasText: '须由另一位管理员确认后签发' });
    await notice.waitFor();
    const requestId = /申请号 ([0-9a-f-]{36})/.exec((await notice.textContent()) ?? '')?.[1];
    const second = `t-${t.toLowerCase()}-admin2`;
    await createPrincipal(suite.ctx.pool, { id: second, role: 'admin' });
    const confirmed = await fetch(`${suite.stack.baseUrl}/token-requests/${requestId}/confirm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${(await issueToken(suite.ctx.pool, second)).token}` },
    });
    expect(confirmed.status).toBe(201);
    const token = ((await confirmed.json()) as { token: string }).token;
    expect(token.length).toBeGreaterThan(20);
    await page.reload();
    await expect.poll(() => row.locator('td.tokens').textContent()).toBe('1');

    // the new principal signs in with it, in its own tab, and lands on the board
    const user = await signedInPage(suite.browser, suite.stack.baseUrl, { token });
    expect(await user.locator('.who').textContent()).toContain('凌源分局');
    await user.close();

    page.once('dialog', (d) => d.accept());
    await row.getByRole('button', { name: '撤销令牌' }).click();
    await page.getByRole('status').filter({ hasText: '已撤销' }).waitFor();
    await expect.poll(() => row.locator('td.tokens').textContent()).toBe('0');
    const res = await fetch(`${suite.stack.baseUrl}/units`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);

    // disabled, then enabled again; the administrator's own row offers no 停用
    page.once('dialog', (d) => d.accept());
    await row.getByRole('button', { name: '停用' }).click();
    await row.locator('.tag').filter({ hasText: '已停用' }).waitFor();
    expect(
      (await suite.ctx.pool.query('SELECT disabled FROM principals WHERE id = $1', [id])).rows[0].disabled,
    ).toBe(true);
    await row.getByRole('button', { name: '启用' }).click();
    await expect.poll(() => row.locator('.tag').count()).toBe(0);
    const own = page.locator(`tr[data-principal="${suite.stack.who.admin.id}"]`);
    expect(await own.getByRole('button', { name: '停用' }).count()).toBe(0);
    expect(await own.getByRole('button', { name: '撤销令牌' }).count()).toBe(0);
    await page.close();
  });
});
