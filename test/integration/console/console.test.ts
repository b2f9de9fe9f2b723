/**
 * The console in a real browser (Debian's chromium, headless, via playwright-core) against the real
 * stack: the app on a real port, a real worker, the Temporal dev server and PostgreSQL. One exercise
 * episode (a response day lasts 20 s, so 17:00 passes within seconds) is driven through the pages:
 * the commander approves the proposal, a branch files its report with a photo, the office sees the
 * unit that did not report shown as overdue and the branch's report with its content, and the auditor sees the events and the state at a moment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  type ConsoleStack,
  PNG_1x1,
  consoleUrl,
  http,
  launchBrowser,
  signedInPage,
  startConsoleStack,
  startExercise,
} from '../../browser/harness.js';
import { type IntegrationContext, integrationContext } from '../../helpers.js';
import { uniqueDate } from '../api/api-helpers.js';

let ctx: IntegrationContext;
let stack: ConsoleStack;
let browser: Browser;
let id: string;
let url: string;
/** When the shared episode was started (its proposal is from then). */
let startedAt: number;

beforeAll(async () => {
  ctx = await integrationContext();
  [stack, browser] = await Promise.all([startConsoleStack(ctx), launchBrowser()]);
  id = await startExercise(stack, uniqueDate());
  startedAt = Date.now();
  url = `/episodes/${encodeURIComponent(id)}`;
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await ctx?.close();
});

describe('the console in a browser', () => {
  it('serves the page under the CSP, and refuses a bad token', async () => {
    const res = await fetch(`${stack.baseUrl}/console/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await browser.context.newPage();
    await page.goto(`${stack.baseUrl}/console/`);
    await page.getByLabel('访问令牌').fill('smog_not-a-real-token-000000000000');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('401');
    await page.close();
  });

  it("shows the signed-in person's name, not an id", async () => {
    await ctx.pool.query("UPDATE principals SET name = '王晓燕' WHERE id = $1", [stack.who.leader.id]);
    const page = await signedInPage(browser, stack.baseUrl, stack.who.leader);
    const who = (await page.locator('.who').textContent()) ?? '';
    expect(who).toContain('王晓燕 · 专班领导');
    expect(who).not.toContain(stack.who.leader.id);
    await page.close();
  });

  it('the commander approves the proposal; others see no decision buttons', async () => {
    const office = await signedInPage(browser, stack.baseUrl, stack.who.office);
    await office.goto(consoleUrl(stack.baseUrl, 'episode', id));
    await office.locator('.proposal .pending').waitFor();
    expect(await office.locator('.proposal').textContent()).toContain('黄色预警');
    expect(await office.getByRole('button', { name: '批准' }).count()).toBe(0);
    await office.close();

    const page = await signedInPage(browser, stack.baseUrl, stack.who.commander);
    // the board lists the episode with its phase
    const row = page.locator(`tr[data-episode="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('待指挥长批示');
    await row.getByRole('link').first().click();
    await page.locator('.proposal .pending').waitFor();
    // the proposal says why: the rule and the days
    expect(await page.locator('.reasons').textContent()).toMatch(/AQI.*\d{4}-\d\d-\d\d/);
    // the AQI forecast chart: one bar per forecast day
    expect(await page.locator('svg.chart rect').count()).toBe(3);
    // the auditor test below looks at the state one second before the issuance (the console's
    // moment input has second precision): keep the proposal pending for a few seconds first
    await new Promise((r) => setTimeout(r, Math.max(0, startedAt + 3_000 - Date.now())));
    await page.getByRole('button', { name: '批准' }).click();
    await page.getByRole('status').filter({ hasText: '已批准' }).waitFor();
    await page.locator('section.episode[data-phase="active"]').waitFor();
    expect(await page.locator('.episode-head .level').textContent()).toContain('黄色预警');

    const view = await http(stack.baseUrl, stack.who.office, 'GET', url);
    expect(view.json).toMatchObject({ phase: 'active', level: 'yellow', pendingProposal: null });
    expect(view.json.decisions.at(-1)).toMatchObject({ decision: 'approve', by: stack.who.commander.id });
    await page.close();
  });

  it('a unit files its daily report with a photo', async () => {
    const page = await signedInPage(browser, stack.baseUrl, stack.who.shuangta);
    await page.goto(consoleUrl(stack.baseUrl, 'unit', id));
    const form = page.locator('form.report-form');
    await form.waitFor();
    // the form's fields come from the plan
    for (const name of [
      'onSiteSupervisionCount',
      'enterprisesPatrolled',
      'onlineMonitoringChecks',
      'areaSourceActions',
      'vehiclesChecked',
      'machineryChecked',
      'problemsFound',
      'penalties',
    ]) {
      await form.locator(`input[name="${name}"]`).fill('3');
    }
    await form.getByLabel('工作开展情况说明').fill('驻场督导重点企业3家，未发现超标排放。');
    await form
      .locator('input[name="photos"]')
      .setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: PNG_1x1 });
    await form.getByRole('button', { name: '报送日报' }).click();
    await page.getByRole('status').filter({ hasText: '已报送第1天日报' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('照片1张');
    // the report is listed with its photo, fetched with the token
    await page.locator('li.report img.thumb').waitFor();
    expect(await page.locator('li.report img.thumb').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    // after a reload the list comes from the API with the report's content, not from the tab's memory
    await page.reload();
    const listed = page.locator('li.report[data-unit="branch.shuangta"][data-day="1"]');
    await listed.waitFor();
    expect(await listed.locator('dd[data-field="onSiteSupervisionCount"]').textContent()).toBe('3');
    expect(await listed.locator('dd[data-field="notes"]').textContent()).toContain('驻场督导重点企业3家');
    await listed.locator('img.thumb').waitFor();

    const duties = await http(stack.baseUrl, stack.who.office, 'GET', `${url}/duties?unitId=branch.shuangta`);
    const day1 = duties.json.duties.find((d: { responseDay: unknown }) => d.responseDay === 1);
    expect(['submitted', 'late']).toContain(day1.status);
    const photos = await ctx.pool.query('SELECT count(*)::int AS n FROM photos WHERE unit_id = $1', [
      'branch.shuangta',
    ]);
    expect(photos.rows[0].n).toBeGreaterThanOrEqual(1);
    await page.close();
  });

  it('a unit that did not report by 17:00 is shown as overdue, on the episode page and the board', async () => {
    const page = await signedInPage(browser, stack.baseUrl, stack.who.office);
    await page.goto(consoleUrl(stack.baseUrl, 'episode', id));
    // the enforcement unit never reports: after the compressed 17:00 its duty turns overdue (live refresh)
    const late = page.locator('tr.duty-overdue[data-unit="enforcement"]');
    await late.first().waitFor({ timeout: 40_000 });
    expect(await late.first().textContent()).toContain('逾期未报');
    // the branch that filed is not overdue
    expect(await page.locator('tr.duty-overdue[data-unit="branch.shuangta"]').count()).toBe(0);
    const overdue = Number(await page.locator('.episode-head b.alert').textContent());
    expect(overdue).toBeGreaterThanOrEqual(1);
    // the office reads what the branch reported on day 1
    const days = page.locator('.unit-reports select.day-select');
    if ((await days.count()) > 0) await days.selectOption('1');
    const report = page.locator('.unit-reports li.report[data-unit="branch.shuangta"][data-day="1"]');
    await report.waitFor();
    expect(await report.locator('summary').textContent()).toContain('双塔');
    await report.locator('summary').click();
    expect(await report.locator('dd[data-field="notes"]').textContent()).toContain('未发现超标排放');
    expect(await page.locator('.unit-reports li.report[data-unit="enforcement"]').count()).toBe(0);
    // and who has not
    expect(await page.locator('.unit-reports .missing [data-unit="enforcement"]').textContent()).toContain(
      '执法队',
    );
    expect(await page.locator('.unit-reports .missing [data-unit="branch.shuangta"]').count()).toBe(0);
    // the office downloads every report as a spreadsheet
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出全部日报（Excel）' }).click(),
    ]);
    expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
    const { readFile } = await import('node:fs/promises');
    const saved = await readFile((await file.path())!);
    expect(saved.subarray(0, 2).toString('latin1')).toBe('PK');

    await page.goto(`${stack.baseUrl}/console/#/`);
    const cell = page.locator(`tr[data-episode="${id}"] td.overdue-count`);
    await cell.waitFor();
    await expect.poll(async () => Number(await cell.textContent())).toBeGreaterThanOrEqual(1);
    expect(await cell.getAttribute('class')).toContain('alert');
    await page.close();
  });

  it('the office starts an episode, records a consultation and cancels it; bad input is refused', async () => {
    const page = await signedInPage(browser, stack.baseUrl, stack.who.office);
    const date = uniqueDate();
    const form = page.locator('details.start-episode');
    await form.locator('summary').click();
    await form.locator('select[name="jurisdiction"]').selectOption('kazuo');
    await form.locator('input[name="date"]').fill(date);
    // a gap in the forecast is refused in the page, nothing is started
    await form.locator('input[name="aqi-0"]').fill('80');
    await form.locator('input[name="aqi-2"]').fill('90');
    await form.getByRole('button', { name: '启动' }).click();
    await form.getByRole('alert').filter({ hasText: 'AQI须为0–2000的整数' }).waitFor();
    const newId = `episode:kazuo:${date}:1`;
    const missing = await http(
      stack.baseUrl,
      stack.who.office,
      'GET',
      `/episodes/${encodeURIComponent(newId)}`,
    );
    expect(missing.status).toBe(404);

    // clean air forecast: the episode starts in consultation, nothing proposed
    await form.locator('input[name="aqi-1"]').fill('85');
    await form.getByRole('button', { name: '启动' }).click();
    await page.waitForURL(`**/console/#/episode/${encodeURIComponent(newId)}`);
    await page.locator('section.episode').waitFor();
    expect(await page.locator('.episode-head').textContent()).toContain('喀喇沁左翼');
    const actions = page.locator('section.office-actions');
    await actions.waitFor();

    // a consultation forecasting heavy pollution: proposed to the commander
    await actions.locator('input[name="start"]').fill(date);
    await actions.locator('input[name="aqi-0"]').fill('230');
    await actions.locator('input[name="aqi-1"]').fill('240');
    await actions.getByRole('button', { name: '记录会商结果' }).click();
    await actions.getByRole('status').filter({ hasText: '已报请指挥长' }).waitFor();
    await page.locator('.proposal .pending').waitFor();
    const stateOfNew = () =>
      http(stack.baseUrl, stack.who.office, 'GET', `/episodes/${encodeURIComponent(newId)}`);
    const proposed = await stateOfNew();
    expect(proposed.json).toMatchObject({ phase: 'proposed', level: 'none' });
    expect(proposed.json.forecast.map((d: { aqi: number }) => d.aqi)).toEqual([230, 240]);

    // no warning was issued, so the office may cancel the episode
    await actions.getByRole('button', { name: '撤销本次过程' }).click();
    await page.locator('section.episode[data-phase="closed"]').waitFor();
    const closed = await stateOfNew();
    expect(closed.json).toMatchObject({ phase: 'closed', closeReason: 'cancelled' });
    expect(await page.locator('section.office-actions').count()).toBe(0);
    await page.close();

    // other roles do not get the office's forms
    const commander = await signedInPage(browser, stack.baseUrl, stack.who.commander);
    await commander.locator('table.episodes, p.muted').first().waitFor();
    expect(await commander.locator('details.start-episode').count()).toBe(0);
    await commander.goto(consoleUrl(stack.baseUrl, 'episode', id));
    await commander.locator('section.episode').waitFor();
    expect(await commander.locator('section.office-actions').count()).toBe(0);
    await commander.close();
  });

  it('the auditor sees the events, filters them and the state at a moment', async () => {
    const timeline = (await http(stack.baseUrl, stack.who.auditor, 'GET', `${url}/audit/timeline`)).json
      .events as Array<{ seq: number; type: string; at: string }>;
    const issued = timeline.find((e) => e.type === 'warning.issued')!;
    expect(issued).toBeDefined();

    const page = await signedInPage(browser, stack.baseUrl, stack.who.auditor);
    await page.goto(consoleUrl(stack.baseUrl, 'audit', id));
    await page.locator('tr.event').first().waitFor();
    expect(await page.locator('tr.event[data-type="episode.started"]').count()).toBe(1);
    expect(await page.locator('tr.event[data-type="warning.issued"]').count()).toBe(1);
    expect(await page.locator('tr.event[data-type="report.submitted"]').textContent()).toContain('双塔');

    // filter by event type, then by unit
    await page.locator('select[name="type"]').selectOption('commander.decided');
    await expect.poll(() => page.locator('tr.event').count()).toBe(1);
    expect(await page.locator('tr.event').textContent()).toContain(stack.who.commander.id);
    await page.locator('select[name="type"]').selectOption('');
    await page.locator('select[name="unit"]').selectOption('enforcement');
    const types = await page.locator('tr.event').evaluateAll((rows) => rows.map((r) => r.dataset.type));
    expect(types.length).toBeGreaterThan(0);
    expect(types).toContain('report.overdue');
    expect(types).not.toContain('warning.issued');

    // the state just before the issuance: proposed, no warning; at the issuance: yellow and active
    const before = new Date(Date.parse(issued.at) - 1000 + 8 * 3600_000).toISOString().slice(0, 19);
    await page.getByLabel('时刻（北京时间）').fill(before);
    await page.getByRole('button', { name: '查询' }).click();
    await page.locator('dl.state[data-phase="proposed"]').waitFor();
    expect(await page.locator('dl.state').getAttribute('data-level')).toBe('none');

    await page.locator('select[name="unit"]').selectOption('');
    await page
      .locator('tr.event[data-type="warning.issued"]')
      .getByRole('button', { name: '定位此刻' })
      .click();
    await page.getByRole('button', { name: '查询' }).click();
    await page.locator('dl.state[data-phase="active"]').waitFor();
    expect(await page.locator('dl.state').getAttribute('data-level')).toBe('yellow');
    expect(await page.locator('dl.state').textContent()).toContain('黄色预警');

    // the replay check of the recorded history passes
    await page.getByRole('button', { name: '执行重放校验' }).click();
    await page.locator('.replay-result').waitFor({ timeout: 30_000 });
    expect(await page.locator('.replay-result').getAttribute('class')).toContain('replay-pass');
    await page.close();
  });

  it('pages show only what the principal may see', async () => {
    // another county's branch is refused a county's episode; the unit page has no audit tab
    const countyId = await startExercise(stack, uniqueDate(), { jurisdiction: 'shuangta' });
    const beipiao = await signedInPage(browser, stack.baseUrl, stack.who.beipiao);
    expect(await beipiao.locator(`tr[data-episode="${countyId}"]`).count()).toBe(0);
    await beipiao.goto(consoleUrl(stack.baseUrl, 'episode', countyId));
    await beipiao.getByRole('alert').filter({ hasText: '403' }).waitFor();
    await beipiao.close();
    const unit = await signedInPage(browser, stack.baseUrl, stack.who.shuangta);
    await unit.goto(consoleUrl(stack.baseUrl, 'episode', id));
    await unit.locator('.episode-head').waitFor();
    expect(await unit.locator('.tabs').textContent()).not.toContain('审计');
    expect(await unit.getByRole('button', { name: '批准' }).count()).toBe(0);
    await unit.close();
  });
});
