/**
 * The public warning as the world's warning systems take it: the publishWarning activity over real
 * PostgreSQL and real HTTP receivers, the feed read by a feed reader library (@rowanmanning/feed-parser)
 * and each alert by a CAP library (@dec112/cap-ts), the feed checked against the Atom schema.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parseFeed } from '@rowanmanning/feed-parser';
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { createActivities } from '../../../src/activities/index.js';
import type { PublishWarningInput } from '../../../src/contracts/index.js';
import {
  CAP_INVALID,
  createChannels,
  createNotifier,
  parseRecipientRoutes,
  publishCapAlert,
  type SenderIdentity,
} from '../../../src/adapters/notification/index.js';
import { type App, buildApp } from '../../../src/api/app.js';
import { projectRoot } from '../../../src/config.js';
import { createPool } from '../../../src/db/pool.js';
import { cstDate } from '../../../src/domain/calendar.js';
import { defaultPlan } from '../../../src/domain/plans/chaoyang-2024.js';
import { type HttpReceiver, startHttpReceiver } from './receivers.js';
import { SMS_KEY_ID, SMS_KEY_SECRET, type SmsProviderReceiver, startSmsProviders } from './sms-receivers.js';

// The CAP library's package exports leave out its XML reader: load it by its file.
const require = createRequire(import.meta.url);
const capFromXml: (xml: string) => Promise<CapAlert> = require(
  `${projectRoot}/node_modules/@dec112/cap-ts/dist/node/fromXML.js`,
).default;
interface CapAlert {
  identifier: string;
  status: number;
  info_list: Array<{
    expires?: string;
    area_list: Array<{ areaDesc: string; geocode_list: Array<{ valueName: string; value: string }> }>;
  }>;
}

const BASE = 'https://warn.chaoyang.example.gov.cn/smog';
const sender: SenderIdentity = {
  id: 'smog-response@chaoyang.example.gov.cn',
  name: '朝阳市重污染天气专项应急指挥部办公室',
  smsSignature: '朝阳生态环境',
  emailFrom: 'smog-response@chaoyang.example.gov.cn',
};
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let pool: pg.Pool;
let receiver: HttpReceiver;
let sms: SmsProviderReceiver;
let app: App;
let activities: ReturnType<typeof createActivities>;
const run = randomUUID().slice(0, 8);
const ep = (name: string) => `episode:test-${run}-${name}`;

function warning(
  name: string,
  n: number,
  over: Partial<PublishWarningInput> & Pick<PublishWarningInput, 'sent'>,
): PublishWarningInput {
  const sentMs = Date.parse(over.sent);
  const forecast = [0, 1, 2].map((k) => ({ date: cstDate(sentMs + k * DAY), aqi: 260 - 20 * k }));
  return {
    episodeId: ep(name),
    planId: defaultPlan.id,
    planVersion: defaultPlan.version,
    identifier: `${ep(name)}:cap:${n}`,
    msgType: 'Alert',
    references: null,
    level: 'yellow',
    jurisdiction: 'beipiao',
    forecast,
    maxAqi: 260,
    exercise: false,
    ...over,
  };
}
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  pool = createPool(inject('databaseUrl'), 4);
  receiver = await startHttpReceiver();
  sms = await startSmsProviders();
  const routes = parseRecipientRoutes({
    default: [{ channel: 'log' }],
    recipients: {
      public: [
        { channel: 'webhook', url: `${receiver.url}/webhook?to=wechat` },
        { channel: 'webhook', url: `${receiver.url}/webhook?to=weibo-test`, exercises: true },
        { channel: 'sms', phone: '13800000000' },
      ],
      office: [{ channel: 'webhook', url: `${receiver.url}/webhook?to=office` }],
    },
  });
  const channels = createChannels({
    smsProvider: {
      provider: 'aliyun',
      url: `${sms.url}/aliyun`,
      accessKeyId: SMS_KEY_ID,
      accessKeySecret: SMS_KEY_SECRET,
    },
  });
  const notifier = createNotifier({ pool, routes, channels, sender });
  activities = createActivities({ pool, notifier, sender });
  app = await buildApp({
    temporal: {} as Client,
    pool,
    taskQueue: 'unused',
    logger: false,
    publicUrl: `${BASE}/`,
    publicSender: { id: sender.id, name: sender.name },
  });

  const now = Date.now();
  // A: yellow two hours ago, raised to orange an hour ago (the Update supersedes the Alert).
  const a1 = warning('a', 1, { sent: iso(now - 2 * HOUR) });
  await activities.publishWarning(a1);
  await activities.publishWarning(
    warning('a', 2, {
      sent: iso(now - HOUR),
      msgType: 'Update',
      level: 'orange',
      references: { identifier: a1.identifier, sent: a1.sent },
    }),
  );
  // B: a warning of last week, expired at the end of its forecast.
  await activities.publishWarning(warning('b', 1, { sent: iso(now - 7 * DAY), jurisdiction: 'lingyuan' }));
  // C: issued this morning and lifted half an hour ago: the all-clear is in force for a day.
  const c1 = warning('c', 1, { sent: iso(now - 5 * HOUR), jurisdiction: 'kazuo', level: 'orange' });
  await activities.publishWarning(c1);
  await activities.publishWarning(
    warning('c', 2, {
      sent: iso(now - HOUR / 2),
      jurisdiction: 'kazuo',
      level: 'orange',
      msgType: 'Cancel',
      references: { identifier: c1.identifier, sent: c1.sent },
    }),
  );
  // D: an exercise.
  await activities.publishWarning(
    warning('d', 1, { sent: iso(now - HOUR), jurisdiction: 'jianping', exercise: true }),
  );
});

afterAll(async () => {
  await app?.close();
  await receiver?.close();
  await sms?.close();
  await pool?.end();
});

const path = (url: string) => url.slice(BASE.length);

describe('the public feed', () => {
  it('is valid Atom, and a feed reader reads absolute links and Chinese summaries of alerts in force only', async () => {
    const res = await app.inject({ method: 'GET', url: '/public/cap' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/atom+xml');
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(Buffer.byteLength(res.body)).toBeLessThan(900 * 1024);

    const atom = await validateXML({
      xml: { fileName: 'feed.xml', contents: res.body },
      schema: { fileName: 'atom.rng', contents: await readFile('test/schemas/atom.rng', 'utf8') },
      extension: 'relaxng',
    });
    expect(atom.errors.map((e) => e.rawMessage)).toEqual([]);

    const feed = parseFeed(res.body);
    expect(feed.title).toBe('朝阳市重污染天气预警');
    expect(feed.url).toBe(`${BASE}/public/warnings`);
    expect(feed.authors.map((a) => a.name)).toEqual([sender.name]);
    const mine = feed.items.filter((i) => i.url?.includes(encodeURIComponent(`test-${run}`)));
    expect(mine.map((i) => i.url).sort()).toEqual(
      [`${ep('a')}:cap:2`, `${ep('c')}:cap:2`]
        .map((id) => `${BASE}/public/cap/${encodeURIComponent(id)}`)
        .sort(),
    );
    const orange = mine.find((i) => i.url?.includes(encodeURIComponent(`${ep('a')}:cap:2`)))!;
    expect(orange.title).toBe('北票市 橙色预警（调整）');
    expect(orange.description).toMatch(
      /^北票市橙色预警，\d{4}年\d{1,2}月\d{1,2}日\d{1,2}时(\d{2}分)?至\d{1,2}月\d{1,2}日24时。调整为北票市重污染天气橙色预警$/,
    );
    const lifted = mine.find((i) => i.url?.includes(encodeURIComponent(`${ep('c')}:cap:2`)))!;
    expect(lifted.description).toMatch(/^喀喇沁左翼蒙古族自治县橙色预警已解除，\d{4}年.*解除。/);
    expect(orange.updated?.getTime()).toBeGreaterThan(Date.now() - 2 * HOUR);

    // Every entry, ours or another test's: an absolute link to a CAP alert in force, with its geocodes.
    for (const item of feed.items) {
      expect(item.url?.startsWith(`${BASE}/public/cap/`)).toBe(true);
      expect(item.description).toMatch(/[\u4e00-\u9fff]/);
      const cap = await app.inject({ method: 'GET', url: path(item.url!) });
      expect(cap.statusCode).toBe(200);
      const alert = await capFromXml(cap.body);
      const info = alert.info_list[0]!;
      expect(Date.parse(info.expires!)).toBeGreaterThan(Date.now());
      const codes = info.area_list.flatMap((a) => a.geocode_list);
      expect(codes.find((g) => g.valueName === 'GB/T 2260')?.value).toMatch(/^21\d{4}$/);
      expect(codes.find((g) => g.valueName === 'CPEAS Geographic Code')?.value).toMatch(/^21\d{4}000000$/);
    }
    const a2 = await capFromXml((await app.inject({ method: 'GET', url: path(orange.url!) })).body);
    expect(a2.info_list[0]!.area_list[0]!.areaDesc).toBe('北票市');
    expect(a2.info_list[0]!.area_list[0]!.geocode_list).toContainEqual({
      valueName: 'GB/T 2260',
      value: '211381',
    });
  });

  it('keeps superseded, expired and exercise alerts in the archive only', async () => {
    const all = parseFeed((await app.inject({ method: 'GET', url: '/public/cap?all=true' })).body);
    const ids = all.items.map((i) => decodeURIComponent(i.url ?? ''));
    for (const id of [`${ep('a')}:cap:1`, `${ep('a')}:cap:2`, `${ep('b')}:cap:1`, `${ep('c')}:cap:1`]) {
      expect(ids).toContain(`${BASE}/public/cap/${id}`);
    }
    expect(ids.some((id) => id.includes(ep('d')))).toBe(false);
    const withExercises = await app.inject({ method: 'GET', url: '/public/cap?includeExercises=true' });
    expect(
      parseFeed(withExercises.body).items.find((i) => i.url?.includes(encodeURIComponent(ep('d'))))?.title,
    ).toBe('【演练】建平县 黄色预警（发布）');
  });

  it('answers 304 to an unchanged feed, and the new content once an alert is published', async () => {
    const first = await app.inject({ method: 'GET', url: '/public/cap' });
    const etag = String(first.headers.etag);
    const lastModified = String(first.headers['last-modified']);
    const again = await app.inject({ method: 'GET', url: '/public/cap', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    const since = await app.inject({
      method: 'GET',
      url: '/public/cap',
      headers: { 'if-modified-since': lastModified },
    });
    expect(since.statusCode).toBe(304);

    await activities.publishWarning(
      warning('a', 3, {
        sent: iso(Date.now()),
        msgType: 'Update',
        level: 'red',
        references: { identifier: `${ep('a')}:cap:2`, sent: iso(Date.now() - HOUR) },
      }),
    );
    const changed = await app.inject({
      method: 'GET',
      url: '/public/cap',
      headers: { 'if-none-match': etag },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body).toContain(encodeURIComponent(`${ep('a')}:cap:3`));
    expect(changed.body).not.toContain(encodeURIComponent(`${ep('a')}:cap:2`));
  });

  it('serves each alert in the national format (GB/T 35965.1) too', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/public/cap/${encodeURIComponent(`${ep('a')}:cap:1`)}?format=gbt35965`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<identifier>21138100000000_\d{14}<\/identifier>/);
    expect(res.body).toContain('<severity>Yellow</severity>');
  });

  it('shows the warnings in force with health advice on the public page, without exercises', async () => {
    const res = await app.inject({ method: 'GET', url: '/public/warnings' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(res.body).toContain('调整为北票市重污染天气红色预警');
    expect(res.body).toContain('健康防护提示');
    expect(res.body).toContain('橙色预警已解除');
    expect(res.body).not.toContain('建平县');
  });
});

describe('the public channels', () => {
  const deliveredTo = (to: string) => receiver.delivered.filter((r) => r.query.get('to') === to);

  it('posts each warning to the configured channels; an exercise only where the office allowed it', () => {
    const wechat = deliveredTo('wechat').filter((r) => r.body.episodeId.includes(run));
    expect(wechat.map((r) => r.body.title)).toContain('发布北票市重污染天气黄色预警');
    expect(wechat.every((r) => r.body.capXml.includes('<valueName>GB/T 2260</valueName>'))).toBe(true);
    expect(wechat.some((r) => r.body.episodeId === ep('d'))).toBe(false);
    const weibo = deliveredTo('weibo-test').filter((r) => r.body.episodeId === ep('d'));
    expect(weibo).toHaveLength(1);
    expect(weibo[0]!.body.title).toMatch(/^【演练】/);
  });

  it('sends the SMS as the plan template with its variables, never for an exercise', () => {
    const ours = sms.sent.filter(
      (s) => s.templateId === 'SMS_000000001' && s.params && !Array.isArray(s.params),
    );
    const yellow = ours.find((s) => (s.params as Record<string, string>).area === '北票市');
    expect(yellow).toMatchObject({
      provider: 'aliyun',
      phone: '13800000000',
      signName: '朝阳生态环境',
      params: { area: '北票市', level: '黄色预警', response: 'Ⅲ级应急响应' },
    });
    expect((yellow!.params as Record<string, string>).time).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日\d{1,2}时/);
    expect(sms.sent.some((s) => (s.params as Record<string, string>).area === '建平县')).toBe(false);
  });

  it('retries an SMS the provider throttled and gives up on one it refused', async () => {
    const channels = createChannels({
      smsProvider: {
        provider: 'tencent',
        url: `${sms.url}/tencent`,
        accessKeyId: SMS_KEY_ID,
        accessKeySecret: SMS_KEY_SECRET,
        sdkAppId: '1400000000',
      },
    });
    const notifier = createNotifier({
      pool,
      sender,
      channels,
      routes: parseRecipientRoutes({ recipients: { public: [{ channel: 'sms', phone: '13900000000' }] } }),
    });
    const message = (step: string) => ({
      idempotencyKey: `${ep('sms')}|${step}|public`,
      episodeId: ep('sms'),
      step,
      recipientId: 'public',
      title: '发布朝阳市重污染天气黄色预警',
      body: '…',
      exercise: false,
      smsTemplate: { templateId: '2000001', params: [{ name: 'area', value: '朝阳市' }] },
    });
    sms.failNext('tencent', 1, 'LimitExceeded.PhoneNumberThirtySecondLimit');
    await expect(notifier.send(message('throttled'))).rejects.toMatchObject({ type: 'DELIVERY_TRANSIENT' });
    const [record] = await notifier.send(message('throttled'));
    expect(record).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sms.sent.filter((s) => s.phone === '+8613900000000')).toEqual([
      expect.objectContaining({ provider: 'tencent', templateId: '2000001', params: ['朝阳市'] }),
    ]);

    sms.failNext('tencent', 1, 'FailedOperation.TemplateIncorrectOrUnapproved');
    await expect(notifier.send(message('refused'))).rejects.toMatchObject({ type: 'DELIVERY_REJECTED' });
    const { rows } = await pool.query(
      `SELECT status, last_error FROM notification_deliveries WHERE idempotency_key = $1`,
      [`${ep('sms')}|refused|public`],
    );
    expect(rows[0]).toMatchObject({ status: 'failed' });
    expect(rows[0].last_error).toContain('FailedOperation.TemplateIncorrectOrUnapproved');
  });
});

describe('an alert that fails the CAP schema', () => {
  it('is refused: not kept, not posted, and the office is alerted', async () => {
    const notifier = createNotifier({
      pool,
      sender,
      routes: parseRecipientRoutes({
        recipients: {
          public: [{ channel: 'webhook', url: `${receiver.url}/webhook?to=wechat` }],
          office: [{ channel: 'webhook', url: `${receiver.url}/webhook?to=office` }],
        },
      }),
    });
    const identifier = `${ep('bad')}:cap:1`;
    const sent = iso(Date.now());
    // A plan text pasted from a word processor: a vertical tab, which XML 1.0 does not allow.
    const refused = publishCapAlert(
      { pool, notifier },
      {
        episodeId: ep('bad'),
        alert: {
          plan: defaultPlan,
          sender,
          identifier,
          sent,
          exercise: false,
          msgType: 'Alert',
          level: 'orange',
          jurisdictionId: 'chaoyang',
          effective: sent,
          forecastMaxAqi: 260,
          headline: '发布朝阳市重污染天气橙色预警',
          description: '据预报，\u000b我市将出现重度污染过程。',
        },
      },
    );
    await expect(refused).rejects.toMatchObject({ type: CAP_INVALID, nonRetryable: true });
    const { rows } = await pool.query('SELECT 1 FROM cap_alerts WHERE identifier = $1', [identifier]);
    expect(rows).toHaveLength(0);
    const office = deliveredTo('office').filter((r) => r.body.episodeId === ep('bad'));
    expect(office).toHaveLength(1);
    expect(office[0]!.body.title).toBe('公众预警未发布：CAP校验未通过');
    expect(office[0]!.body.body).toMatch(
      /^专班办公室：\d{4}年\d{1,2}月\d{1,2}日\d{1,2}时(\d{2}分)?应发布的朝阳市橙色预警公众预警未通过CAP 1.2格式校验，系统未对外发布/,
    );
    expect(office[0]!.body.body).toContain('invalid Char');
    expect(
      receiver.delivered.some((r) => r.query.get('to') === 'wechat' && r.body.episodeId === ep('bad')),
    ).toBe(false);
    const feed = await app.inject({ method: 'GET', url: '/public/cap?all=true' });
    expect(feed.body).not.toContain(encodeURIComponent(identifier));
  });

  function deliveredTo(to: string) {
    return receiver.delivered.filter((r) => r.query.get('to') === to);
  }
});
