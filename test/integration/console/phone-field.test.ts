/**
 * 现场检查 on a phone (#15), in a real browser at 390 × 844 against the real stack: 双塔分局 opens
 * #/field under a yellow warning, sees today's tasks with the 一厂一策 measures, checks in, records an
 * inspection with a photo from the camera input that opens an evidence case (the first answer lost:
 * sent again with the same Idempotency-Key, stored once), reads the saved record with its photo's
 * evidence mark in Chinese, and closes the case with a reason; an overdue penalty case is marked and,
 * closed without its 处罚决定书文号, shows the API's refusal naming the field. The page never scrolls sideways.
 * A picture goes to docs/screenshots when SCREENSHOTS=1.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config.js';
import { cstDate } from '../../../src/domain/index.js';
import {
  type Browser,
  type ConsoleStack,
  PHONE,
  http,
  launchBrowser,
  nextDay,
  signedInPage,
  startConsoleStack,
  startExercise,
} from '../../browser/harness.js';
import { type IntegrationContext, integrationContext } from '../../helpers.js';
import { JPEG_16x12, withExif } from '../../photo-exif.js';

let ctx: IntegrationContext;
let stack: ConsoleStack;
let phone: Browser;
let today: string;
const s = randomBytes(3).toString('hex');

/** Whether the page is wider than the phone's 390 px (a mobile browser would then zoom out or scroll sideways). */
const overflows = (page: import('playwright-core').Page) =>
  page.evaluate<boolean>('document.documentElement.scrollWidth > 391 || window.innerWidth > 391');

beforeAll(async () => {
  ctx = await integrationContext();
  [stack, phone] = await Promise.all([startConsoleStack(ctx), launchBrowser(PHONE.viewport, PHONE)]);
  // key enterprises of 双塔区 with their measures for a yellow warning, so the branch has tasks today
  for (const n of [1, 2, 3])
    await ctx.pool.query(
      `INSERT INTO enterprises (id, name, uscc, county, grade, grade_label, key_enterprise, measures)
       VALUES ($1, $2, $1, 'shuangta', 'B', 'B', true, $3)`,
      [
        `pf-${s}-${n}`,
        `双塔区第${n}钢铁有限公司`,
        JSON.stringify({ yellow: { summary: '烧结机停产，物料入棚', percent: 20 } }),
      ],
    );
  // an exercise of today: the page takes the level of the open episode (its business date not after today)
  const id = await startExercise(stack, cstDate(Date.now()), { exerciseDayMs: 3_600_000 });
  const url = `/episodes/${encodeURIComponent(id)}`;
  const view = await http(stack.baseUrl, stack.who.commander, 'GET', url);
  const decided = await http(stack.baseUrl, stack.who.commander, 'POST', `${url}/decisions`, {
    decision: 'approve',
    proposalId: view.json.pendingProposal.proposalId,
  });
  expect(decided.status, JSON.stringify(decided.json)).toBe(200);
  for (let i = 0; i < 50 && !today; i++) {
    today = (await http(stack.baseUrl, stack.who.office, 'GET', url)).json.firstDay;
    if (!today) await new Promise((r) => setTimeout(r, 300));
  }
  expect(today).toMatch(/^\d{4}-\d\d-\d\d$/);
}, 120_000);
afterAll(async () => {
  await phone?.close();
  await stack?.stop();
  await ctx?.close();
});

describe('现场检查 on a phone', () => {
  it('a branch checks in, inspects with a camera photo, opens an evidence case and closes it', {
    timeout: 90_000,
  }, async () => {
    const page = await signedInPage(phone, stack.baseUrl, stack.who.shuangta);
    await page.getByRole('link', { name: '现场检查' }).click();
    await page.getByRole('heading', { name: '今日任务' }).waitFor();
    const task = page.locator('li.task[data-task="supervise"]').first();
    await task.waitFor();
    expect(await overflows(page)).toBe(false);
    const enterpriseId = (await task.getAttribute('data-enterprise'))!;
    const enterpriseName = (await task.locator('strong').textContent())!;
    expect(await task.textContent()).toContain('驻场督导');
    expect(await task.textContent()).toContain('一厂一策：');
    expect(await task.locator('.task-state').textContent()).toBe('未签到');
    const checkIn = task.getByRole('button', { name: '签到' });
    expect((await checkIn.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await task.locator('input[name="officer"]').fill('张伟');
    await checkIn.click();
    await page
      .locator(`li.task[data-task="supervise"][data-enterprise="${enterpriseId}"][data-state="in"]`)
      .waitFor();
    expect(await task.locator('.task-state').textContent()).toMatch(
      /^在场（\d+时\d\d分\d\d秒签到） · 检查人员：张伟$/,
    );
    const visit = await ctx.pool.query(
      `SELECT officer, checked_in_at FROM field_task_visits
       WHERE day = $1 AND unit_id = 'branch.shuangta' AND enterprise_id = $2 AND task = 'supervise'`,
      [today, enterpriseId],
    );
    expect(visit.rows).toHaveLength(1);
    expect(visit.rows[0].officer).toBe('张伟');
    expect(visit.rows[0].checked_in_at).not.toBeNull();
    if (process.env.SCREENSHOTS === '1')
      await page.screenshot({ path: path.join(projectRoot, 'docs/screenshots/phone-field.png') });

    // the inspection form of the task's enterprise, a photo from the camera (taken the day before)
    await task.getByRole('button', { name: '现场检查' }).click();
    const form = page.locator('form.inspection-form');
    await form.waitFor();
    expect(await form.locator('h2').textContent()).toBe(`现场检查 · ${enterpriseName}`);
    expect(await form.locator('input[name="officer"]').inputValue()).toBe('张伟');
    await form.getByLabel('未落实').check();
    await form.getByLabel('检查发现').fill('烧结机未停产，料场未苫盖');
    const photo = withExif(JPEG_16x12, {
      dateTimeOriginal: `${nextDay(today, -1).replaceAll('-', ':')} 16:00:00`,
    });
    await form
      .locator('input[name="camera"]')
      .setInputFiles({ name: 'IMG_0002.jpg', mimeType: 'image/jpeg', buffer: photo });
    await form.locator('li.draft-photo[data-uploaded="yes"]').waitFor({ timeout: 20_000 });
    await form.locator('select[name="openCase"]').selectOption('evidence');
    await form.getByLabel('案件说明').fill('现场取证：照片、询问笔录');
    expect(await overflows(page)).toBe(false);
    const submitKey = await form.getAttribute('data-submit-key');
    // the record reaches the API, its answer is lost on the way back: sent again with the same key
    const keys: string[] = [];
    await page.route(
      (u) => u.pathname === '/field/inspections',
      async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        keys.push(route.request().headers()['idempotency-key'] ?? '');
        if (keys.length === 1) {
          await route.fetch();
          return route.abort('connectionreset');
        }
        return route.continue();
      },
    );
    await form.getByRole('button', { name: '提交检查记录' }).click();

    const saved = page.locator('section.saved-inspection');
    await saved.waitFor({ timeout: 20_000 });
    expect(keys).toEqual([submitKey, submitKey]);
    expect(await saved.getByRole('status').textContent()).toMatch(
      /^已保存检查记录（\d+月\d+日\d+时\d\d分\d\d秒），已开立案件：.+。$/,
    );
    expect(await saved.textContent()).toContain('未落实');
    const marks = await saved.locator('[data-mark]').allTextContents();
    expect(marks).toContain('非检查当日拍摄');
    for (const m of marks) expect(['距企业较远', '非检查当日拍摄', '无拍摄时间', '无位置信息']).toContain(m);
    const inspectionId = (await saved.getAttribute('data-inspection'))!;
    const once = await ctx.pool.query(
      'SELECT count(*)::int AS n FROM field_inspections WHERE enterprise_id = $1 AND findings = $2',
      [enterpriseId, '烧结机未停产，料场未苫盖'],
    );
    expect(once.rows[0].n).toBe(1);
    const stored = await http(
      stack.baseUrl,
      stack.who.shuangta,
      'GET',
      `/field/inspections/${encodeURIComponent(inspectionId)}`,
    );
    expect(stored.json).toMatchObject({
      enterpriseId,
      officer: '张伟',
      unitId: 'branch.shuangta',
      measuresInPlace: false,
      findings: '烧结机未停产，料场未苫盖',
    });
    expect(stored.json.photoIds).toHaveLength(1);
    const caseRow = await ctx.pool.query(
      "SELECT id, kind, state FROM field_cases WHERE inspection_id = $1 AND kind = 'evidence'",
      [inspectionId],
    );
    expect(caseRow.rows).toEqual([expect.objectContaining({ kind: 'evidence', state: 'open' })]);
    const caseId = caseRow.rows[0].id as string;

    // the open case below, with its due time; closed with a reason
    const item = page.locator(`li.case[data-case="${caseId}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain('调查取证');
    expect(await item.locator('.due').textContent()).toMatch(/办结期限：\d+月\d+日\d+时\d\d分\d\d秒/);
    if (process.env.SCREENSHOTS === '1')
      await page.screenshot({
        path: path.join(projectRoot, 'docs/screenshots/phone-field-inspection.png'),
        fullPage: true,
      });
    await item.getByRole('button', { name: '结案' }).click();
    await item.getByLabel('结案理由').fill('已取证，企业当场整改');
    expect(await overflows(page)).toBe(false);
    await item.getByRole('button', { name: '结案' }).click();
    await page.getByRole('status').filter({ hasText: '已结案' }).waitFor();
    await expect.poll(() => item.count()).toBe(0);
    const closed = await ctx.pool.query('SELECT state, close_reason FROM field_cases WHERE id = $1', [
      caseId,
    ]);
    expect(closed.rows[0]).toEqual({ state: 'closed', close_reason: '已取证，企业当场整改' });
    await page.close();
  });

  it('a penalty case closed without its 处罚决定书文号 shows the refusal naming the field, then closes', async () => {
    const opened = await http(stack.baseUrl, stack.who.shuangta, 'POST', '/field/cases', {
      kind: 'penalty',
      enterpriseId: `pf-${s}-1`,
      title: '烧结机未停产立案',
    });
    expect(opened.status, JSON.stringify(opened.json)).toBe(201);
    // its due time passed a day ago: marked overdue on the page
    await ctx.pool.query("UPDATE field_cases SET due_at = now() - interval '1 day' WHERE id = $1", [
      opened.json.id,
    ]);
    const page = await signedInPage(phone, stack.baseUrl, stack.who.shuangta);
    await page.goto(`${stack.baseUrl}/console/#/field`);
    const item = page.locator(`li.case[data-case="${opened.json.id}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain('立案处罚');
    expect(await item.getAttribute('class')).toContain('overdue');
    expect(await item.locator('.due.overdue').textContent()).toMatch(
      /^已逾期，办结期限：\d+月\d+日\d+时\d\d分\d\d秒$/,
    );
    await item.getByRole('button', { name: '结案' }).click();
    await item.getByLabel('结案理由').fill('已作出行政处罚决定');
    await item.getByRole('button', { name: '结案' }).click();
    const alert = item.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('body.decisionNumber');
    expect(await alert.textContent()).toMatch(/（400）$/);
    await item.getByLabel('处罚决定书文号').fill('朝环罚〔2026〕12号');
    await item.getByRole('button', { name: '结案' }).click();
    await page.getByRole('status').filter({ hasText: '已结案' }).waitFor();
    const row = await ctx.pool.query('SELECT state, decision_number FROM field_cases WHERE id = $1', [
      opened.json.id,
    ]);
    expect(row.rows[0]).toEqual({ state: 'closed', decision_number: '朝环罚〔2026〕12号' });
    await page.close();
  });
});
