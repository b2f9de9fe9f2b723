/**
 * The console on a phone, in a real browser: Debian's chromium at 390 × 844 with touch and a mobile
 * viewport, reaching the app under an intranet name over plain HTTP (no secure context: no
 * crypto.randomUUID), against the real stack. The pages fit without horizontal scrolling with touch
 * targets of 44 px; a branch files its report with a 5 MiB camera photo (compressed in the browser,
 * its EXIF time and GPS kept, a photo of another day marked); a draft survives a reload; a dropped
 * connection during the photo upload and during the submission is retried and files exactly once.
 */
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  type ConsoleStack,
  PHONE,
  consoleUrl,
  http,
  launchBrowser,
  nextDay,
  signedInPage,
  startConsoleStack,
  startExercise,
} from '../../browser/harness.js';
import { type IntegrationContext, integrationContext } from '../../helpers.js';
import { JPEG_16x12, withExif } from '../../photo-exif.js';
import { uniqueDate } from '../api/api-helpers.js';

/** An intranet name chromium resolves to the app's 127.0.0.1: plain HTTP, not "potentially trustworthy". */
const INTRANET = 'zhuanban.intranet';
/** 朝阳市双塔区, where the branch works. */
const SITE = { lat: 41.5694, lon: 120.4417 };

let ctx: IntegrationContext;
let stack: ConsoleStack;
let phone: Browser;
let base: string;
let id: string;
let date: string;
/** The CST date of response day 1. */
let firstDay: string;

/** A camera-sized JPEG (3000 × 2250, noise so it does not compress away) over 5 MiB, made by chromium. */
async function cameraJpeg(page: Page): Promise<Buffer> {
  // a script in the page (the test's TypeScript has no DOM types)
  const b64: string = await page.evaluate(`(async () => {
    const c = document.createElement('canvas');
    c.width = 3000;
    c.height = 2250;
    const g = c.getContext('2d');
    const img = g.createImageData(c.width, c.height);
    let seed = 7;
    for (let i = 0; i < img.data.length; i += 4) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      img.data[i] = seed & 255;
      img.data[i + 1] = (seed >> 8) & 255;
      img.data[i + 2] = (seed >> 16) & 255;
      img.data[i + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.92));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  })()`);
  return Buffer.from(b64, 'base64');
}

/** Sends the intercepted request on to the app (chromium alone resolves the intranet name); its answer is dropped. */
async function deliverThenDrop(route: Route): Promise<void> {
  await route.fetch({ url: route.request().url().replace(INTRANET, '127.0.0.1') });
}

const exifDate = (d: string, time: string) => `${d.replaceAll('-', ':')} ${time}`;

async function fillNumbers(page: Page, value: string) {
  for (const input of await page.locator('form.report-form input[type="number"]').all())
    await input.fill(value);
}

/** Whether the page is wider than the phone (something makes it scroll sideways). */
const overflows = (page: Page) =>
  page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth + 1');

/** The unit's stored reports of day 1 in this episode (every version), once the background work settled. */
async function reportsOf(unitId: string): Promise<number> {
  const q = () =>
    ctx.pool
      .query(
        'SELECT count(*)::int AS n FROM unit_reports WHERE episode_id = $1 AND unit_id = $2 AND response_day = 1',
        [id, unitId],
      )
      .then((r) => r.rows[0].n as number);
  let last = await q();
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const n = await q();
    if (n === last && n > 0) return n;
    last = n;
  }
  return last;
}

beforeAll(async () => {
  ctx = await integrationContext();
  [stack, phone] = await Promise.all([
    startConsoleStack(ctx),
    launchBrowser(PHONE.viewport, { ...PHONE, args: [`--host-resolver-rules=MAP ${INTRANET} 127.0.0.1`] }),
  ]);
  // crypto.randomUUID is missing without a secure context anyway; make sure whatever chromium does
  await phone.context.addInitScript('delete Crypto.prototype.randomUUID');
  base = stack.baseUrl.replace('127.0.0.1', INTRANET);
  date = uniqueDate();
  // a response day lasts an hour here: the draft of day 1 stays day 1's for the whole file
  id = await startExercise(stack, date, { exerciseDayMs: 3_600_000 });
  const url = `/episodes/${encodeURIComponent(id)}`;
  const view = await http(stack.baseUrl, stack.who.commander, 'GET', url);
  const decided = await http(stack.baseUrl, stack.who.commander, 'POST', `${url}/decisions`, {
    decision: 'approve',
    proposalId: view.json.pendingProposal.proposalId,
  });
  expect(decided.status, JSON.stringify(decided.json)).toBe(200);
  // day 1 is the CST date the warning took effect (today), not the forecast's date
  firstDay = (await http(stack.baseUrl, stack.who.office, 'GET', url)).json.firstDay;
  expect(firstDay).toMatch(/^\d{4}-\d\d-\d\d$/);
}, 120_000);
afterAll(async () => {
  await phone?.close();
  await stack?.stop();
  await ctx?.close();
});

describe('the console on a phone over plain HTTP', () => {
  it('runs without a secure context: no crypto.randomUUID, and its keys are still UUIDs', async () => {
    const page = await signedInPage(phone, base, stack.who.shuangta);
    expect(new URL(page.url()).hostname).toBe(INTRANET);
    expect(await page.evaluate('window.isSecureContext')).toBe(false);
    expect(await page.evaluate('typeof crypto.randomUUID')).toBe('undefined');
    // (a string: vitest would rewrite a dynamic import inside a function)
    const ids: string[] = await page.evaluate(
      "import('/console/lib.js').then(({ newId }) => Array.from({ length: 200 }, newId))",
    );
    expect(new Set(ids).size).toBe(200);
    for (const x of ids)
      expect(x).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await page.close();
  });

  it('every page fits the phone: no sideways scrolling, a top bar in view, touch targets of 44 px', async () => {
    const page = await signedInPage(phone, base, stack.who.shuangta);
    expect(await overflows(page)).toBe(false);
    // the top bar: brand, sign-out and the person all on screen, the bar not taller than a fifth of it
    const bar = (await page.locator('header.top').boundingBox())!;
    expect(bar.height).toBeLessThan(844 / 5);
    for (const sel of ['header.top .brand', 'header.top button.link', 'header.top .who']) {
      const box = (await page.locator(sel).boundingBox())!;
      expect(box.x, sel).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, sel).toBeLessThanOrEqual(390);
    }
    expect((await page.getByRole('button', { name: '退出' }).boundingBox())!.height).toBeGreaterThanOrEqual(
      44,
    );
    await page.locator(`tr[data-episode="${id}"]`).waitFor();
    expect(await overflows(page)).toBe(false);

    await page.goto(consoleUrl(base, 'unit', id));
    await page.locator('form.report-form').waitFor();
    expect(await overflows(page)).toBe(false);
    for (const target of [
      page.getByRole('button', { name: '报送日报' }),
      page.locator('label.button.camera'),
      page.locator('form.report-form input[name="onSiteSupervisionCount"]'),
    ]) {
      const box = (await target.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    // one column: the form's fields stack
    const [a, b] = await page.locator('form.report-form .fields > label').all();
    expect((await b!.boundingBox())!.y).toBeGreaterThan((await a!.boundingBox())!.y);

    await page.goto(consoleUrl(base, 'episode', id));
    await page.locator('section.episode[data-phase="active"]').waitFor();
    expect(await overflows(page)).toBe(false);
    await page.goto(`${base}/console/#/enterprises`);
    await page
      .getByRole('heading', { name: /减排清单/ })
      .first()
      .waitFor();
    expect(await overflows(page)).toBe(false);
    await page.close();
  });

  it('a branch files its report with a 5 MiB photo from the camera: compressed, its EXIF kept, another day marked', async () => {
    const page = await signedInPage(phone, base, stack.who.shuangta);
    const big = withExif(await cameraJpeg(page), {
      dateTimeOriginal: exifDate(firstDay, '10:20:00'),
      lat: SITE.lat,
      lon: SITE.lon,
      make: 'HUAWEI',
      model: 'Mate 60',
    });
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024); // the API refuses a file this large
    await page.goto(consoleUrl(base, 'unit', id));
    const form = page.locator('form.report-form');
    await form.waitFor();
    await fillNumbers(page, '2');
    await form.getByLabel('工作开展情况说明').fill('驻场督导钢铁企业2家，现场拍照取证。');
    await form
      .locator('input[name="camera"]')
      .setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: big });
    const first = form.locator('li.draft-photo').nth(0);
    await form.locator('li.draft-photo[data-uploaded="yes"]').first().waitFor({ timeout: 30_000 });
    expect(await first.textContent()).toContain('已压缩');
    await expect.poll(() => first.textContent()).toContain('拍摄于');
    expect(await first.locator('[data-mark]').allTextContents()).toEqual([]);
    // a photo taken the day before is marked
    const old = withExif(JPEG_16x12, { dateTimeOriginal: exifDate(nextDay(firstDay, -1), '16:00:00') });
    await form
      .locator('input[name="camera"]')
      .setInputFiles({ name: 'old.jpg', mimeType: 'image/jpeg', buffer: old });
    const second = form.locator('li.draft-photo').nth(1);
    await second.locator('[data-mark="other-day"]').waitFor();
    expect(await second.locator('[data-mark="other-day"]').textContent()).toBe('非报送当日拍摄');

    await form.getByRole('button', { name: '报送日报' }).click();
    await page.getByRole('status').filter({ hasText: '已报送第1天日报' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: '已报送' }).textContent()).toContain('照片2张');

    // stored: the compressed JPEG (≤ 2048 px, under the limit) with what the browser read of its EXIF
    const { rows } = await ctx.pool.query(
      `SELECT p.size, p.width, p.height, p.content_type, p.taken_at, p.gps_lat, p.gps_lon, p.camera, p.exif_source
       FROM unit_reports r CROSS JOIN LATERAL jsonb_array_elements_text(r.fields->'photoIds') AS x(pid)
       JOIN photos p ON p.id = x.pid::uuid
       WHERE r.episode_id = $1 AND r.unit_id = 'branch.shuangta' ORDER BY p.size DESC`,
      [id],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      content_type: 'image/jpeg',
      width: 2048,
      height: 1536,
      camera: 'HUAWEI Mate 60',
      exif_source: 'browser',
    });
    expect(rows[0].size).toBeLessThan(5 * 1024 * 1024);
    expect(new Date(rows[0].taken_at).toISOString()).toBe(
      new Date(`${firstDay}T10:20:00+08:00`).toISOString(),
    );
    expect(rows[0].gps_lat).toBeCloseTo(SITE.lat, 6);
    expect(rows[0].gps_lon).toBeCloseTo(SITE.lon, 6);
    // the small one went as it was: its own EXIF read by the API
    expect(rows[1]).toMatchObject({ width: 16, height: 12, exif_source: 'file' });
    // the confirmation is in view on the phone (the form above it is long)
    const note = page.locator('.filed-note');
    await expect.poll(() => note.evaluate((e) => e.getBoundingClientRect().top)).toBeLessThan(844);
    // the office reads the report with the photo of the day before marked
    const office = await signedInPage(phone, base, stack.who.office);
    await office.goto(consoleUrl(base, 'episode', id));
    const listed = office.locator('.unit-reports li.report[data-unit="branch.shuangta"]');
    await listed.locator('[data-mark="other-day"]').waitFor();
    expect(await listed.locator('[data-mark]').allTextContents()).toEqual(['非报送当日拍摄']);
    expect(await listed.locator('.photo').count()).toBe(2);
    await office.close();
    // the draft is gone with the filing: a reload shows an empty form
    await page.reload();
    await page.locator('form.report-form').waitFor();
    expect(await page.locator('form.report-form input[name="penalties"]').inputValue()).toBe('');
    expect(await page.locator('li.draft-photo').count()).toBe(0);
    await page.close();
  });

  it('a draft survives a reload; a dropped connection during upload and submit is retried and files once', async () => {
    const before = (
      await ctx.pool.query("SELECT count(*)::int AS n FROM photos WHERE unit_id = 'enforcement'")
    ).rows[0].n;
    const page = await signedInPage(phone, base, stack.who.enforcement);
    await page.goto(consoleUrl(base, 'unit', id));
    const form = page.locator('form.report-form');
    await form.waitFor();
    await fillNumbers(page, '5');
    await form.getByLabel('工作开展情况说明').fill('联合交警检查柴油货车5辆。');
    // the first upload reaches the API, its answer is lost on the way back: retried with the same key
    let photoPosts = 0;
    await page.route(
      (u) => u.pathname === '/photos',
      async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        photoPosts += 1;
        if (photoPosts === 1) {
          await deliverThenDrop(route);
          return route.abort('connectionreset');
        }
        return route.continue();
      },
    );
    const photo = withExif(JPEG_16x12, { dateTimeOriginal: exifDate(firstDay, '09:00:00') });
    await form
      .locator('input[name="camera"]')
      .setInputFiles({ name: 'truck.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.locator('li.draft-photo[data-uploaded="yes"]').waitFor({ timeout: 20_000 });
    expect(photoPosts).toBe(2);
    const after = (
      await ctx.pool.query("SELECT count(*)::int AS n FROM photos WHERE unit_id = 'enforcement'")
    ).rows[0].n;
    expect(after).toBe(before + 1);
    const key = await form.getAttribute('data-draft-key');

    // a reload (or the phone's browser killed in the background) keeps the fields and the photo
    await page.reload();
    await form.waitFor();
    await page.getByRole('status').filter({ hasText: '已恢复' }).waitFor();
    expect(await form.locator('input[name="vehiclesChecked"]').inputValue()).toBe('5');
    expect(await form.getByLabel('工作开展情况说明').inputValue()).toBe('联合交警检查柴油货车5辆。');
    expect(await page.locator('li.draft-photo[data-uploaded="yes"] img.thumb').count()).toBe(1);
    expect(await form.getAttribute('data-draft-key')).toBe(key);

    // the report reaches the API and is filed, the answer is lost: the console retries with the same key
    const keys: string[] = [];
    const answers: Array<{ status: number; replayed: string | null }> = [];
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && r.url().endsWith('/reports'))
        answers.push({ status: r.status(), replayed: r.headers()['idempotent-replayed'] ?? null });
    });
    await page.route(
      (u) => u.pathname.endsWith('/reports'),
      async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        keys.push(route.request().headers()['idempotency-key'] ?? '');
        if (keys.length === 1) {
          await deliverThenDrop(route);
          return route.abort('connectionreset');
        }
        return route.continue();
      },
    );
    await form.getByRole('button', { name: '报送日报' }).click();
    await page.getByRole('status').filter({ hasText: '已报送第1天日报' }).waitFor({ timeout: 20_000 });
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[0]).toBe(key);
    expect(answers.at(-1)).toMatchObject({ replayed: 'true' });
    expect(await reportsOf('enforcement')).toBe(1);
    const events = await ctx.pool.query(
      "SELECT count(*)::int AS n FROM episode_events WHERE episode_id = $1 AND type = 'report.submitted' AND payload->>'unitId' = 'enforcement'",
      [id],
    );
    expect(events.rows[0].n).toBe(1);
    // a new form fill, a new key
    await expect.poll(() => form.getAttribute('data-draft-key')).not.toBe(key);
    await page.close();
  });

  it('a submission refused for good gets a new key; the corrected one is filed with it', async () => {
    const page = await signedInPage(phone, base, stack.who.beipiao);
    await page.goto(consoleUrl(base, 'unit', id));
    const form = page.locator('form.report-form');
    await form.waitFor();
    await fillNumbers(page, '1');
    await form.locator('input[name="camera"]').setInputFiles({
      name: 'a.jpg',
      mimeType: 'image/jpeg',
      buffer: withExif(JPEG_16x12, { dateTimeOriginal: exifDate(firstDay, '08:00:00') }),
    });
    await page.locator('li.draft-photo[data-uploaded="yes"]').waitFor();
    const first = await form.getAttribute('data-draft-key');
    // the API refuses the report (as it would a field out of range): a final answer, not retried
    const keys: string[] = [];
    await page.route(
      (u) => u.pathname.endsWith('/reports'),
      async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        keys.push(route.request().headers()['idempotency-key'] ?? '');
        if (keys.length > 1) return route.continue();
        return route.fulfill({
          status: 400,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            type: 'about:blank',
            status: 400,
            code: 'validation',
            detail: 'fields.penalties: too large',
            errors: [{ path: 'body.fields.penalties', message: '数值过大' }],
          }),
        });
      },
    );
    await form.getByRole('button', { name: '报送日报' }).click();
    await form.getByRole('alert').filter({ hasText: 'body.fields.penalties：数值过大' }).waitFor();
    expect(keys).toEqual([first]);
    const renewed = await form.getAttribute('data-draft-key');
    expect(renewed).not.toBe(first);
    // what was typed is still there: correct and send again, with the new key
    expect(await form.locator('input[name="penalties"]').inputValue()).toBe('1');
    await form.locator('input[name="penalties"]').fill('0');
    await form.getByRole('button', { name: '报送日报' }).click();
    await page.getByRole('status').filter({ hasText: '已报送第1天日报' }).waitFor();
    expect(keys).toEqual([first, renewed]);
    expect(await reportsOf('branch.beipiao')).toBe(1);
    await page.close();
  });
});
