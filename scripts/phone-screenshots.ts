/**
 * Screenshots of the console at phone size (390 × 844, touch, a mobile viewport) into
 * docs/screenshots/phone-*.png, from a real stack started here as scripts/screenshots.ts does: the
 * commander decides on the phone, a branch fills its report with two camera photos (one taken the day
 * before, marked) and files it, the office reads the episode and the board.
 *
 *   node --import tsx scripts/phone-screenshots.ts
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Page } from 'playwright-core';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateUp } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { freePort, startDevServer } from '../src/tools/temporal-dev-server.js';
import {
  PHONE,
  consoleUrl,
  launchBrowser,
  nextDay,
  signedInPage,
  startConsoleStack,
  startExercise,
} from '../test/browser/harness.js';
import { withExif } from '../test/photo-exif.js';
import { installRuntime } from '../worker.js';

const OUT = path.join(import.meta.dirname, '..', 'docs', 'screenshots');

async function shot(page: Page, name: string, fullPage = false) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage });
  console.log(`docs/screenshots/${name}.png`);
}

/** A camera-sized picture (3000 × 2250) of a chimney and a sky, as a JPEG, drawn by chromium. */
async function sitePhoto(page: Page, hue: number): Promise<Buffer> {
  const b64: string = await page.evaluate(`(async () => {
    const c = document.createElement('canvas');
    c.width = 3000;
    c.height = 2250;
    const g = c.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, 2250);
    sky.addColorStop(0, 'hsl(${hue}, 25%, 70%)');
    sky.addColorStop(1, 'hsl(${hue}, 15%, 40%)');
    g.fillStyle = sky;
    g.fillRect(0, 0, 3000, 2250);
    g.fillStyle = '#5b5f66';
    g.fillRect(0, 1500, 3000, 750);
    g.fillStyle = '#8a8f96';
    g.fillRect(1300, 500, 260, 1000);
    g.fillStyle = 'rgba(220, 220, 220, 0.7)';
    for (let i = 0; i < 8; i++) { g.beginPath(); g.arc(1430 + i * 120, 440 - i * 40, 120 + i * 25, 0, 7); g.fill(); }
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.95));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  })()`);
  return Buffer.from(b64, 'base64');
}

const exifDate = (d: string, time: string) => `${d.replaceAll('-', ':')} ${time}`;

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
    const browser = await launchBrowser(PHONE.viewport, PHONE);
    stops.push(browser.close);
    const { baseUrl, who } = stack;

    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const id = await startExercise(stack, today, { exerciseDayMs: 3_600_000 });

    const signin = await browser.context.newPage();
    await signin.goto(`${baseUrl}/console/`);
    await signin.getByLabel('访问令牌').waitFor();
    await shot(signin, 'phone-signin');
    await signin.close();

    const commander = await signedInPage(browser, baseUrl, who.commander);
    await commander.goto(consoleUrl(baseUrl, 'episode', id));
    await commander.locator('.proposal .pending').waitFor();
    await shot(commander, 'phone-episode-commander');
    await commander.getByRole('button', { name: '批准' }).click();
    await commander.locator('section.episode[data-phase="active"]').waitFor();
    await commander.close();

    const unit = await signedInPage(browser, baseUrl, who.shuangta);
    await unit.goto(consoleUrl(baseUrl, 'unit', id));
    const form = unit.locator('form.report-form');
    await form.waitFor();
    for (const input of await form.locator('input[type="number"]').all()) await input.fill('3');
    await form
      .getByLabel('工作开展情况说明')
      .fill('驻场督导重点企业3家，巡查12家，现场拍照取证，未发现超标排放。');
    const camera = form.locator('input[name="camera"]');
    await camera.setInputFiles({
      name: 'IMG_20261202_102000.jpg',
      mimeType: 'image/jpeg',
      buffer: withExif(await sitePhoto(unit, 210), {
        dateTimeOriginal: exifDate(today, '10:20:00'),
        lat: 41.5694,
        lon: 120.4417,
        make: 'HUAWEI',
        model: 'Mate 60',
      }),
    });
    await camera.setInputFiles({
      name: 'IMG_20261201_160000.jpg',
      mimeType: 'image/jpeg',
      buffer: withExif(await sitePhoto(unit, 30), {
        dateTimeOriginal: exifDate(nextDay(today, -1), '16:00:00'),
      }),
    });
    await form.locator('[data-mark="other-day"]').waitFor();
    await form.locator('li.draft-photo[data-uploaded="yes"]').nth(1).waitFor();
    await form.locator('.photos-field').scrollIntoViewIfNeeded();
    await shot(unit, 'phone-unit-photos');
    await shot(unit, 'phone-unit-form', true);
    await form.getByRole('button', { name: '报送日报' }).click();
    await unit.getByRole('status').filter({ hasText: '已报送第1天日报' }).waitFor();
    await unit.locator('li.report img.thumb').first().waitFor();
    await unit.locator('li.report [data-mark="other-day"]').waitFor();
    await shot(unit, 'phone-unit-filed');
    await unit.locator('li.report').first().scrollIntoViewIfNeeded();
    await shot(unit, 'phone-unit-reports');

    const office = await signedInPage(browser, baseUrl, who.office);
    await office.locator(`tr[data-episode="${id}"]`).waitFor();
    await shot(office, 'phone-board');
    await office.goto(consoleUrl(baseUrl, 'episode', id));
    await office.locator('section.episode[data-phase="active"]').waitFor();
    await shot(office, 'phone-episode');
    await office.locator('.unit-reports').scrollIntoViewIfNeeded();
    await shot(office, 'phone-episode-reports');
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
