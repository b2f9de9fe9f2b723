/**
 * Screenshots of each console page into docs/screenshots/*.png (1280×800), from a real stack started
 * here: embedded PostgreSQL (unless DATABASE_URL is set), the Temporal dev server, a worker and the app.
 * One exercise episode is driven as in the browser tests: proposed, approved, one unit reports with a
 * photo, another lets 17:00 pass, then the auditor's view; the office imports a sample reduction list
 * and readings (and a bad file is refused); the administrator issues a token.
 *
 *   node --import tsx scripts/screenshots.ts
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Page } from 'playwright-core';
import { withUsccCheck } from '../src/adapters/power/index.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateUp } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { freePort, startDevServer } from '../src/tools/temporal-dev-server.js';
import {
  PNG_1x1,
  consoleUrl,
  launchBrowser,
  signedInPage,
  startConsoleStack,
  startExercise,
} from '../test/browser/harness.js';
import { startTestIdp } from '../test/oidc/test-idp.js';
import { installRuntime } from '../worker.js';

const OUT = path.join(import.meta.dirname, '..', 'docs', 'screenshots');

async function shot(page: Page, name: string) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

const HEADER =
  '企业编号,企业名称,统一社会信用代码,所在县区,行业,绩效分级,重点企业,电表编号,豁免类型,黄色预警减排措施,黄色预警减排比例';
const code = (n: number) => withUsccCheck(`91211300${String(n).padStart(9, '0')}`);
const SAMPLE_LIST = [
  HEADER,
  `E-ST-001,朝阳钢铁有限公司,${code(312000001)},双塔区,钢铁,B,是,M-ST-001;M-ST-002,无,烧结机停产，高炉限产,30`,
  `E-LC-002,龙城焦化有限责任公司,${code(312000002)},龙城区,焦化,C,是,M-LC-001,无,延长出焦时间,30`,
  `E-BP-003,北票水泥有限公司,${code(312000003)},北票市,水泥,C,否,M-BP-001,无,熟料生产线停产,20`,
  `E-LY-004,凌源热电有限公司,${code(312000004)},凌源市,热电,A,是,M-LY-001,民生供暖,自主减排,`,
].join('\n');
const SAMPLE_READINGS = [
  '电表编号,日期,用电量',
  ...['M-ST-001', 'M-ST-002', 'M-LC-001', 'M-BP-001'].map((m, i) => `${m},2026-11-28,${1200 + i * 150}`),
].join('\n');
const BAD_LIST = [
  HEADER,
  `E-JP-005,建平化工有限公司,${code(312000005)},建平市,化工,B,是,M-JP-001,无,停产,30`,
  `E-KZ-006,喀左铸造有限公司,91211300000000000X,喀喇沁左翼蒙古族自治县,铸造,E,是,M-KZ-001,无,停产,30`,
].join('\n');

async function main() {
  await mkdir(OUT, { recursive: true });
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'smog-shots-'));
  await chmod(tmp, 0o755);
  const stops: Array<() => Promise<void>> = [];
  try {
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      const db = await startEmbeddedPostgres({ databaseDir: path.join(tmp, 'pg'), port: await freePort() });
      stops.push(db.stop);
      databaseUrl = db.url;
    }
    await migrateUp(databaseUrl);
    const temporal = await startDevServer({ port: await freePort() });
    stops.push(temporal.stop);
    installRuntime();
    const connection = await Connection.connect({ address: temporal.address });
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    const pool = createPool(databaseUrl, 5);
    stops.push(async () => {
      await connection.close();
      await nativeConnection.close();
      await pool.end();
    });
    const stack = await startConsoleStack({ client: new Client({ connection }), nativeConnection, pool });
    stops.push(stack.stop);
    const browser = await launchBrowser();
    stops.push(browser.close);
    const { baseUrl, who } = stack;

    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const id = await startExercise(stack, today, { exerciseDayMs: 20_000 });

    const signin = await browser.context.newPage();
    await signin.goto(`${baseUrl}/console/`);
    await signin.getByLabel('访问令牌').waitFor();
    await shot(signin, 'signin');
    await signin.close();

    // the sign-in page of an installation with an identity provider (the tests' local OIDC provider)
    const idp = await startTestIdp({ redirectUris: ['http://127.0.0.1:9/auth/callback'] });
    stops.push(idp.close);
    const oidcStack = await startConsoleStack(
      { client: new Client({ connection }), nativeConnection, pool },
      {
        app: {
          signIn: {
            oidc: {
              issuer: idp.issuer,
              clientId: idp.clientId,
              clientSecret: idp.clientSecret,
              scopes: 'openid profile',
              principalClaim: 'preferred_username',
              nameClaim: 'name',
              redirectUri: 'http://127.0.0.1:9/auth/callback',
              providerName: '统一身份认证',
            },
          },
        },
      },
    );
    stops.push(oidcStack.stop);
    const oidcSignin = await browser.context.newPage();
    await oidcSignin.goto(`${oidcStack.baseUrl}/console/`);
    await oidcSignin.getByRole('link', { name: '统一身份认证登录' }).waitFor();
    await shot(oidcSignin, 'signin-oidc');
    await oidcSignin.close();

    const commander = await signedInPage(browser, baseUrl, who.commander);
    await commander.locator(`tr[data-episode="${id}"]`).waitFor();
    await commander.goto(consoleUrl(baseUrl, 'episode', id));
    await commander.locator('.proposal .pending').waitFor();
    await shot(commander, 'episode-commander');
    await commander.getByRole('button', { name: '批准' }).click();
    await commander.locator('section.episode[data-phase="active"]').waitFor();

    const unit = await signedInPage(browser, baseUrl, who.shuangta);
    await unit.goto(consoleUrl(baseUrl, 'unit', id));
    const form = unit.locator('form.report-form');
    await form.waitFor();
    for (const input of await form.locator('input[type="number"]').all()) await input.fill('4');
    await form.getByLabel('工作开展情况说明').fill('驻场督导重点企业4家，巡查12家，未发现超标排放。');
    await form.locator('input[name="photos"]').setInputFiles({
      name: 'site.png',
      mimeType: 'image/png',
      buffer: PNG_1x1,
    });
    await form.getByRole('button', { name: '报送日报' }).click();
    await unit.locator('li.report img.thumb').waitFor();
    await shot(unit, 'unit');

    const office = await signedInPage(browser, baseUrl, who.office);
    await office.goto(consoleUrl(baseUrl, 'episode', id));
    await office.locator('tr.duty-overdue').first().waitFor({ timeout: 40_000 });
    await shot(office, 'episode');
    // the units' reports of the day, further down the same page
    await office.locator('.unit-reports li.report[data-unit="branch.shuangta"] summary').click();
    await office.locator('.unit-reports').scrollIntoViewIfNeeded();
    await shot(office, 'episode-reports');
    await office.setViewportSize({ width: 1280, height: 800 });
    await office.goto(`${baseUrl}/console/#/`);
    await office.locator(`tr[data-episode="${id}"] td.overdue-count.alert`).waitFor();
    await shot(office, 'board');
    // the office's form to start an episode after a consultation
    await office.locator('details.start-episode summary').click();
    for (const [i, aqi] of ['230', '245', '180'].entries()) {
      await office.locator(`details.start-episode input[name="aqi-${i}"]`).fill(aqi);
    }
    await shot(office, 'office-start');

    // the reduction list: a sample list and readings imported through the page, then a bad file refused
    await office.goto(`${baseUrl}/console/#/enterprises`);
    // one CSV through one of the page's import forms; waits for its answer (imported, or refused)
    const importCsv = async (url: string, name: string, content: string, answer: 'status' | 'alert') => {
      const form = office.locator(`form[data-import="${url}"]`);
      await form.locator('input[type="file"]').setInputFiles({
        name,
        mimeType: 'text/csv',
        buffer: Buffer.from(content),
      });
      await form.getByRole('button', { name: '导入' }).click();
      await form.getByRole(answer).waitFor();
    };
    await importCsv('/enterprises/import', '应急减排清单.csv', SAMPLE_LIST, 'status');
    await importCsv('/readings/import', '用电量.csv', SAMPLE_READINGS, 'status');
    await importCsv('/enterprises/import', '有误的清单.csv', BAD_LIST, 'alert');
    await office.locator('tr[data-enterprise]').first().waitFor();
    await shot(office, 'enterprises');

    const admin = await signedInPage(browser, baseUrl, who.admin);
    await admin.locator('tr[data-principal]').first().waitFor();
    await admin
      .locator(`tr[data-principal="${who.shuangta.id}"]`)
      .getByRole('button', { name: '签发令牌' })
      .click();
    await admin.locator('.issued input.token').waitFor();
    await shot(admin, 'principals');

    const auditor = await signedInPage(browser, baseUrl, who.auditor);
    await auditor.goto(consoleUrl(baseUrl, 'audit', id));
    await auditor.locator('tr.event[data-type="warning.issued"]').waitFor();
    await auditor
      .locator('tr.event[data-type="warning.issued"]')
      .getByRole('button', { name: '定位此刻' })
      .click();
    await auditor.getByRole('button', { name: '查询' }).click();
    await auditor.locator('dl.state').waitFor();
    await auditor.getByRole('button', { name: '执行重放校验' }).click();
    await auditor.locator('.replay-result').waitFor({ timeout: 30_000 });
    await shot(auditor, 'audit');
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await rm(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
