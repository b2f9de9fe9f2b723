/**
 * Staff sign-in in a real browser (Debian's chromium) through a real OpenID Connect provider
 * (oidc-provider on another site, `localhost`, with its own 用户名/密码 page): the commander signs in,
 * sees their name, approves the proposal, idles out and signs in again (single sign-on at the
 * provider); a machine's bearer token keeps working; a page of another origin that makes the signed-in
 * branch's browser file a forged report with photos (multipart: no CORS preflight) is refused.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  type ConsoleStack,
  consoleUrl,
  http,
  launchBrowser,
  startConsoleStack,
  startExercise,
} from '../../browser/harness.js';
import { type IntegrationContext, integrationContext } from '../../helpers.js';
import { type SignInSetup, signInSetup } from '../../oidc/sign-in-stack.js';
import { PNG_1x1, uniqueDate } from '../api/api-helpers.js';

const IDLE_MS = 6_000;
let ctx: IntegrationContext;
let setup: SignInSetup;
let stack: ConsoleStack;
let browser: Browser;
let id: string;

beforeAll(async () => {
  ctx = await integrationContext();
  setup = await signInSetup({ idleMs: IDLE_MS });
  [stack, browser] = await Promise.all([
    startConsoleStack(ctx, { app: { signIn: setup.signIn }, port: setup.appPort }),
    launchBrowser(),
  ]);
  // nothing but this machine: the provider's and the app's pages only
  await browser.context.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/])/, (r) => r.abort());
  setup.idp.addPerson({ username: stack.who.commander.id, password: 'zhg-密码-1', name: '赵志刚' });
  setup.idp.addPerson({ username: stack.who.shuangta.id, password: 'st-密码-2', name: '孙丽' });
  // a machine starts the episode with its bearer token (the power company, scripts: no sign-in)
  id = await startExercise(stack, uniqueDate());
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await setup?.idp.close();
  await ctx?.close();
});

/** From the console's sign-in page through the provider's page, back to the console. */
async function signInAtProvider(page: Page, username: string, password: string) {
  await page.getByRole('link', { name: '省统一身份认证登录' }).click();
  await page.waitForURL((u) => u.origin === setup.idp.issuer);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => u.origin === stack.baseUrl);
}

describe('sign-in through the identity provider, in a browser', () => {
  it('signs in, works, idles out and signs in again', async () => {
    const page = await browser.context.newPage();
    page.on('pageerror', (err) => console.error('[console page error]', err.message));
    await page.goto(consoleUrl(stack.baseUrl, 'episode', id));
    // no token form: the provider's button
    await page.getByRole('link', { name: '省统一身份认证登录' }).waitFor();
    expect(await page.getByLabel('访问令牌').count()).toBe(0);

    // a wrong password stays at the provider
    await page.getByRole('link', { name: '省统一身份认证登录' }).click();
    await page.waitForURL((u) => u.origin === setup.idp.issuer);
    await page.getByLabel('用户名').fill(stack.who.commander.id);
    await page.getByLabel('密码').fill('wrong');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
    await page.getByLabel('用户名').fill(stack.who.commander.id);
    await page.getByLabel('密码').fill('zhg-密码-1');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((u) => u.origin === stack.baseUrl);

    // back on the page it started from, with the person's name, not an id
    await page.locator('.proposal .pending').waitFor();
    expect(page.url()).toBe(consoleUrl(stack.baseUrl, 'episode', id));
    const who = (await page.locator('.who').textContent()) ?? '';
    expect(who).toContain('赵志刚 · 指挥长');
    expect(who).not.toContain(stack.who.commander.id);
    // the session cookie is not readable by the page
    expect(await page.evaluate('document.cookie')).not.toContain('smog_session');
    const cookie = (await browser.context.cookies(stack.baseUrl)).find((c) => c.name === 'smog_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    // works: the commander approves (a state-changing call with the session's CSRF token)
    await page.getByRole('button', { name: '批准' }).click();
    await page.getByRole('status').filter({ hasText: '已批准' }).waitFor();
    await page.locator('section.episode[data-phase="active"]').waitFor();
    const view = await http(stack.baseUrl, stack.who.office, 'GET', `/episodes/${encodeURIComponent(id)}`);
    expect(view.json.decisions.at(-1)).toMatchObject({ decision: 'approve', by: stack.who.commander.id });

    // idle: nobody touches the page; its live refresh does not count as activity
    const idleFrom = Date.now();
    await page
      .getByRole('alert')
      .filter({ hasText: '登录已超时' })
      .waitFor({ timeout: IDLE_MS * 3 });
    expect(Date.now() - idleFrom).toBeGreaterThanOrEqual(IDLE_MS - 1_500);
    expect(await page.locator('.who').count()).toBe(0);
    const ended = await fetch(`${stack.baseUrl}/console/api/session`, {
      headers: { cookie: `smog_session=${cookie!.value}` },
    });
    expect(ended.status).toBe(401);

    // signs in again: the provider still knows the person (single sign-on), no password asked
    await page.getByRole('link', { name: '省统一身份认证登录' }).click();
    await page.waitForURL(consoleUrl(stack.baseUrl, 'episode', id));
    await page.locator('section.episode[data-phase="active"]').waitFor();
    expect(await page.locator('.who').textContent()).toContain('赵志刚 · 指挥长');

    // signs out, at the provider too
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL((u) => u.origin === setup.idp.issuer);
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL((u) => u.origin === stack.baseUrl);
    await page.getByRole('link', { name: '省统一身份认证登录' }).waitFor();
    expect((await browser.context.cookies(stack.baseUrl)).some((c) => c.name === 'smog_session')).toBe(false);
    await page.close();
  });

  it('a bearer token still works for machine routes, beside the sessions', async () => {
    const list = await http(stack.baseUrl, stack.who.office, 'GET', '/episodes');
    expect(list.status).toBe(200);
    expect(list.json.items.some((e: { id: string }) => e.id === id)).toBe(true);
    const consult = await http(
      stack.baseUrl,
      stack.who.commander,
      'GET',
      `/episodes/${encodeURIComponent(id)}/duties`,
    );
    expect(consult.status).toBe(200);
  });

  it('refuses a forged report that a page of another origin makes the signed-in branch file', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${stack.baseUrl}/console/`);
    await signInAtProvider(page, stack.who.shuangta.id, 'st-密码-2');
    await page.getByRole('heading', { name: '应急过程看板' }).waitFor();
    expect(await page.locator('.who').textContent()).toContain('孙丽');

    // an episode of its own, its warning approved by the commander's script (bearer token)
    const own = await startExercise(stack, uniqueDate());
    const url = `/episodes/${encodeURIComponent(own)}`;
    const proposal = (await http(stack.baseUrl, stack.who.office, 'GET', url)).json.pendingProposal;
    const approved = await http(stack.baseUrl, stack.who.commander, 'POST', `${url}/decisions`, {
      decision: 'approve',
      proposalId: proposal.proposalId,
    });
    expect(approved.status).toBe(200);
    const target = `${stack.baseUrl}${url}/reports`;
    const report = {
      responseDay: 1,
      fields: {
        onSiteSupervisionCount: 0,
        enterprisesPatrolled: 0,
        onlineMonitoringChecks: 0,
        areaSourceActions: 0,
        vehiclesChecked: 0,
        machineryChecked: 0,
        problemsFound: 0,
        penalties: 0,
        notes: '伪造的日报：未开展任何工作。',
      },
    };
    // the attacker's site: same host, another port (same-site, so SameSite=Lax still sends the
    // cookie: only the CSRF token stops it), and `localhost` (another site: the cookie stays home)
    const evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><body>
<iframe name="sink"></iframe>
<form id="f" method="post" enctype="multipart/form-data" target="sink" action="${target}">
<textarea name="report">${JSON.stringify(report).replace(/</g, '&lt;')}</textarea>
<input type="file" name="photo" id="photo"></form>
<script>
const photo = () => new File([Uint8Array.from(atob('${PNG_1x1.toString('base64')}'), (c) => c.charCodeAt(0))],
  'site.png', { type: 'image/png' });
const body = new FormData();
body.append('report', ${JSON.stringify(JSON.stringify(report))});
body.append('photo', photo());
fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include', body });
const files = new DataTransfer();
files.items.add(photo());
document.getElementById('photo').files = files.files;
document.getElementById('f').submit();
</script></body></html>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const evilPort = (evil.address() as AddressInfo).port;
    try {
      for (const origin of [`http://127.0.0.1:${evilPort}`, `http://localhost:${evilPort}`]) {
        const attack = await browser.context.newPage();
        // the form's answer is seen by the browser (in the iframe); the fetch's is withheld from the
        // attacker's page (Cross-Origin-Resource-Policy), but the request reached the API all the same
        const answers: number[] = [];
        let done = 0;
        const bothSent = new Promise<void>((resolve) => {
          const finished = (r: { url(): string; method(): string }) => {
            if (r.url() === target && r.method() === 'POST' && ++done === 2) resolve();
          };
          attack.on('requestfinished', finished);
          attack.on('requestfailed', finished);
          attack.on('response', (r) => {
            if (r.url() === target) answers.push(r.status());
          });
        });
        await attack.goto(`${origin}/`);
        await bothSent;
        // same site: the cookie went along and the missing token refused it; another site: no cookie
        expect(answers.length).toBeGreaterThanOrEqual(1);
        for (const status of answers) expect(status).toBe(origin.includes('localhost') ? 401 : 403);
        await attack.close();
      }
    } finally {
      evil.close();
    }
    const reports = await http(
      stack.baseUrl,
      stack.who.office,
      'GET',
      `${url}/reports?unitId=branch.shuangta`,
    );
    expect(reports.status).toBe(200);
    expect(JSON.stringify(reports.json)).not.toContain('伪造的日报');

    // the forged body was a valid report: sent with the session's token, the branch files it
    const sessionCookie = (await browser.context.cookies(stack.baseUrl)).find(
      (c) => c.name === 'smog_session',
    )!;
    const me = await fetch(`${stack.baseUrl}/console/api/session`, {
      headers: { cookie: `smog_session=${sessionCookie.value}` },
    });
    const { csrfToken } = ((await me.json()) as { session: { csrfToken: string } }).session;
    const form = new FormData();
    form.append('report', JSON.stringify(report));
    form.append('photo', new Blob([PNG_1x1], { type: 'image/png' }), 'site.png');
    const genuine = await fetch(target, {
      method: 'POST',
      body: form,
      headers: { cookie: `smog_session=${sessionCookie.value}`, 'x-csrf-token': csrfToken },
    });
    expect(genuine.status, await genuine.clone().text()).toBe(201);
    await page.close();
  });
});
