import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  createChannels,
  createNotifier,
  type DeliveryRecord,
  DELIVERY_REJECTED,
  DELIVERY_TRANSIENT,
  type Notifier,
  type OutgoingMessage,
  parseRecipientRoutes,
  publicWarningMessage,
  type RecipientRoutes,
  type SenderIdentity,
  validateCapXml,
} from '../../../src/adapters/notification/index.js';
import { createPool } from '../../../src/db/pool.js';
import { defaultPlan } from '../../../src/domain/plans/chaoyang-2024.js';
import {
  DINGTALK_SECRET,
  type HttpReceiver,
  type SmtpReceiver,
  startHttpReceiver,
  startSmtpReceiver,
} from './receivers.js';

const sender: SenderIdentity = {
  id: 'sthjj@chaoyang.example.gov.cn',
  name: '朝阳市重污染天气专项应急指挥部办公室',
  smsSignature: '朝阳生态环境',
  emailFrom: 'noreply@chaoyang.example.gov.cn',
};

let pool: pg.Pool;
let http: HttpReceiver;
let smtp: SmtpReceiver;
let routes: RecipientRoutes;

beforeAll(async () => {
  pool = createPool(inject('databaseUrl'), 4);
  http = await startHttpReceiver();
  smtp = await startSmtpReceiver();
  routes = parseRecipientRoutes({
    default: [{ channel: 'log' }],
    recipients: {
      // exercises: the office lets exercise warnings reach this public receiver
      public: [
        { channel: 'webhook', url: `${http.url}/webhook`, headers: { 'x-feed': 'public' }, exercises: true },
      ],
      'branch.beipiao': [{ channel: 'wecom', url: `${http.url}/wecom/send?key=wecom-key-1` }],
      'branch.jianping': [
        {
          channel: 'dingtalk',
          url: `${http.url}/dingtalk/send?access_token=tok`,
          secret: DINGTALK_SECRET,
          atMobiles: ['13900000001'],
        },
      ],
      // the office lets exercises reach the director's mailbox (exercise messages go to flagged targets only)
      'office.director': [{ channel: 'email', to: 'director@chaoyang.example.gov.cn', exercises: true }],
      'taskforce.leader': [{ channel: 'sms', phone: '13800000000' }],
      'taskforce.deputy': [
        { channel: 'sms', phone: '13800000001' },
        { channel: 'webhook', url: `${http.url}/webhook` },
      ],
      'bad.webhook': [{ channel: 'webhook', url: `${http.url}/missing` }],
      'bad.email': [{ channel: 'email', to: 'reject@chaoyang.example.gov.cn' }],
    },
  });
});

afterAll(async () => {
  await http?.close();
  await smtp?.close();
  await pool?.end();
});

function notifier(extra: Partial<Parameters<typeof createNotifier>[0]> = {}): Notifier {
  return createNotifier({
    pool,
    routes,
    sender,
    channels: createChannels({
      httpTimeoutMs: 3_000,
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true },
      sms: {
        url: `${http.url}/sms`,
        token: 'sms-token',
        bodyTemplate: '{"to":"{phone}","sign":"{signature}","content":"{text}","requestId":"{key}"}',
      },
    }),
    ...extra,
  });
}

function message(recipientId: string, overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  const episodeId = `episode:test:${randomUUID()}`;
  return {
    idempotencyKey: `${episodeId}/warning-issued/${recipientId}`,
    episodeId,
    step: 'warning-issued',
    recipientId,
    title: '关于启动重污染天气黄色预警的通知',
    body: '各有关单位：经会商研判，根据指挥长指令，朝阳市自2026年11月29日12时起启动重污染天气黄色预警。',
    exercise: false,
    ...overrides,
  };
}

const deliveredWithKey = (path: string, key: string) =>
  http.delivered.filter((r) => r.path === path && r.body?.idempotencyKey === key);

async function logRows(key: string) {
  const { rows } = await pool.query(
    'SELECT channel, target, status, attempts, last_error, title FROM notification_deliveries WHERE idempotency_key = $1 ORDER BY id',
    [key],
  );
  return rows;
}

/** A crash right after the receiver accepted, before the log row is updated. */
const crashOnce = () => {
  let crashed = false;
  return (_r: DeliveryRecord) => {
    if (!crashed) {
      crashed = true;
      throw new Error('worker crashed after the receiver accepted');
    }
  };
};

describe('notification channels against real local receivers', () => {
  it('webhook: JSON with the exercise flag, 【演练】 marks, CAP and Idempotency-Key; a second send delivers nothing', async () => {
    const { message: msg } = publicWarningMessage({
      plan: defaultPlan,
      jurisdictionId: 'chaoyang',
      level: 'yellow',
      effectiveMs: Date.parse('2026-11-29T12:00:00+08:00'),
      forecastMaxAqi: 230,
      forecastSummary: '11月29日我市将出现重度污染',
      episodeId: `episode:test:${randomUUID()}`,
      step: 'cap-1',
      exercise: true,
      sender,
      sentMs: Date.parse('2026-11-29T12:00:00+08:00'),
      msgType: 'Alert',
    });
    const n = notifier();
    const first = await n.send(msg);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ channel: 'webhook', status: 'sent', attempts: 1 });
    expect(first[0]?.sentAt).toMatch(/\+08:00$/);
    const got = deliveredWithKey('/webhook', msg.idempotencyKey);
    expect(got).toHaveLength(1);
    const req = got[0]!;
    expect(req.headers['idempotency-key']).toMatch(/^[0-9a-f]{40}$/);
    expect(req.headers['x-feed']).toBe('public');
    expect(req.body).toMatchObject({ exercise: true, recipientId: 'public', sender: { id: sender.id } });
    expect(req.body.title).toBe('【演练】朝阳市重污染天气黄色预警');
    expect(req.body.body.startsWith('【演练】据预报')).toBe(true);
    expect((await validateCapXml(req.body.capXml)).valid).toBe(true);
    expect(req.body.capXml).toContain('<status>Exercise</status>');

    const again = await n.send(msg);
    expect(again).toEqual(first);
    expect(http.requests.filter((r) => r.body?.idempotencyKey === msg.idempotencyKey)).toHaveLength(1);
    const rows = await logRows(msg.idempotencyKey);
    expect(rows).toEqual([
      expect.objectContaining({
        channel: 'webhook',
        status: 'sent',
        attempts: 1,
        title: '【演练】朝阳市重污染天气黄色预警',
      }),
    ]);
  });

  it('webhook: a crash after the receiver accepted, then the retry, delivers once', async () => {
    const msg = message('public');
    await expect(notifier({ afterAccepted: crashOnce() }).send(msg)).rejects.toThrow(/crashed/);
    expect(await logRows(msg.idempotencyKey)).toEqual([
      expect.objectContaining({ status: 'pending', attempts: 1 }),
    ]);
    const records = await notifier().send(msg);
    expect(records[0]).toMatchObject({
      status: 'sent',
      attempts: 2,
      remoteId: expect.stringMatching(/^msg-/),
    });
    const attempts = http.requests.filter(
      (r) => r.path === '/webhook' && r.body?.idempotencyKey === msg.idempotencyKey,
    );
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.headers['idempotency-key']).toBe(attempts[1]?.headers['idempotency-key']);
    expect(deliveredWithKey('/webhook', msg.idempotencyKey)).toHaveLength(1);
  });

  it('SMS gateway: configured JSON body, bearer token; crash + retry delivers once', async () => {
    const msg = message('taskforce.leader');
    await expect(notifier({ afterAccepted: crashOnce() }).send(msg)).rejects.toThrow(/crashed/);
    await notifier().send(msg);
    const ours = http.requests.filter(
      (r) => r.path === '/sms' && r.body?.to === '13800000000' && r.body.content.includes(msg.title),
    );
    const key = ours[0]?.headers['idempotency-key'];
    expect(ours.length).toBeGreaterThanOrEqual(2);
    expect(
      http.delivered.filter((r) => r.path === '/sms' && r.headers['idempotency-key'] === key),
    ).toHaveLength(1);
    const body = ours[0]!.body;
    expect(body).toMatchObject({ to: '13800000000', sign: '朝阳生态环境', requestId: key });
    expect(body.content).toMatch(/^关于启动重污染天气黄色预警的通知：各有关单位/);
    expect(ours[0]?.headers.authorization).toBe('Bearer sms-token');
    expect(await logRows(msg.idempotencyKey)).toEqual([
      expect.objectContaining({ channel: 'sms', status: 'sent', attempts: 2 }),
    ]);
  });

  it('e-mail over SMTP: deterministic Message-ID; crash + retry leaves one mail in the mailbox', async () => {
    const msg = message('office.director', { exercise: true });
    const before = smtp.transactions;
    await expect(notifier({ afterAccepted: crashOnce() }).send(msg)).rejects.toThrow(/crashed/);
    const records = await notifier().send(msg);
    expect(records[0]).toMatchObject({
      channel: 'email',
      target: 'director@chaoyang.example.gov.cn',
      status: 'sent',
      attempts: 2,
    });
    expect(smtp.transactions - before).toBe(2);
    const mine = smtp.mailbox.filter((m) => m.raw.includes(records[0]!.remoteId!.slice(1, 20)));
    expect(mine).toHaveLength(1);
    expect(mine[0]?.to).toEqual(['director@chaoyang.example.gov.cn']);
    expect(mine[0]?.raw).toMatch(/^X-Exercise: true/m);
    expect(mine[0]?.raw).toMatch(/^Subject: =\?UTF-8\?/m); // Chinese subject, MIME-encoded
  });

  it('an exercise reaches only the targets marked for exercises, unless the routes say "exercises": "all" (never the public)', async () => {
    // this robot is not marked for exercises: the exercise goes to the log only
    const robot = { channel: 'wecom' as const, url: `${http.url}/wecom/send?key=wecom-key-exercises` };
    const flagged = parseRecipientRoutes({ recipients: { 'branch.beipiao': [robot] } });
    const toRobot = () => http.requests.filter((r) => r.query.get('key') === 'wecom-key-exercises').length;
    const records = await notifier({ routes: flagged }).send(
      message('branch.beipiao', { exercise: true, body: '演练路由测试' }),
    );
    expect(records.map((r) => r.channel)).toEqual(['log']);
    expect(toRobot()).toBe(0);
    // the same message of a real episode reaches the robot
    expect(
      (
        await notifier({ routes: flagged }).send(message('branch.beipiao', { body: '演练路由测试（正式）' }))
      ).map((r) => r.channel),
    ).toEqual(['wecom']);
    expect(toRobot()).toBe(1);
    // the office opens internal recipients to exercises; the public stays flagged-only
    const open = parseRecipientRoutes({
      exercises: 'all',
      recipients: {
        'branch.beipiao': [robot],
        public: [{ channel: 'webhook', url: `${http.url}/webhook-exercises` }],
      },
    });
    const opened = await notifier({ routes: open }).send(
      message('branch.beipiao', { exercise: true, body: '演练路由测试' }),
    );
    expect(opened.map((r) => r.channel)).toEqual(['wecom']);
    expect(toRobot()).toBe(2);
    const toPublic = await notifier({ routes: open }).send(
      message('public', { exercise: true, body: '演练路由测试（公众）' }),
    );
    expect(toPublic.map((r) => r.channel)).toEqual(['log']);
  });

  it('e-mail rejected with 550 is recorded as failed and surfaces as non-retryable', async () => {
    const msg = message('bad.email');
    const err = await notifier()
      .send(msg)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(DELIVERY_REJECTED);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect(await logRows(msg.idempotencyKey)).toEqual([
      expect.objectContaining({ status: 'failed', last_error: expect.stringMatching(/550/) }),
    ]);
  });

  it('WeCom robot: markdown message; without receiver dedupe a crash window repeats with the same 编号', async () => {
    const msg = message('branch.beipiao');
    const records = await notifier().send(msg);
    expect(records[0]).toMatchObject({ channel: 'wecom', status: 'sent' });
    expect(records[0]?.target).not.toContain('wecom-key-1');
    const got = http.delivered.filter(
      (r) => r.path === '/wecom/send' && r.body.markdown.content.includes(msg.body),
    );
    expect(got).toHaveLength(1);
    expect(got[0]?.query.get('key')).toBe('wecom-key-1');
    expect(got[0]?.body.msgtype).toBe('markdown');
    expect(got[0]?.body.markdown.content).toMatch(/^### 关于启动重污染天气黄色预警的通知\n各有关单位/);

    // The documented limit: WeCom keeps no idempotency key, so a crash between its acceptance and
    // our log update shows the message twice — both copies carry the same reference.
    const again = message('branch.beipiao', { body: `${msg.body}（复核）` });
    await expect(notifier({ afterAccepted: crashOnce() }).send(again)).rejects.toThrow(/crashed/);
    await notifier().send(again);
    await notifier().send(again);
    const copies = http.delivered.filter(
      (r) => r.path === '/wecom/send' && r.body.markdown.content.includes('（复核）'),
    );
    expect(copies).toHaveLength(2);
    const ref = (c: (typeof copies)[number]) => /编号 ([0-9a-f]{8})/.exec(c.body.markdown.content)?.[1];
    expect(ref(copies[0]!)).toBe(ref(copies[1]!));
  });

  it('DingTalk robot: signed URL accepted by the receiver, markdown with @mobiles', async () => {
    const msg = message('branch.jianping');
    const records = await notifier().send(msg);
    expect(records[0]).toMatchObject({ channel: 'dingtalk', status: 'sent' });
    const got = http.delivered.filter(
      (r) => r.path === '/dingtalk/send' && r.body.markdown.text.includes(msg.body),
    );
    expect(got).toHaveLength(1);
    expect(got[0]?.body).toMatchObject({
      msgtype: 'markdown',
      markdown: { title: msg.title },
      at: { atMobiles: ['13900000001'], isAtAll: false },
    });
    expect(got[0]?.query.get('access_token')).toBe('tok');

    // A wrong secret is a permanent error (the robot answers errcode 310000).
    const wrong = createNotifier({
      pool,
      sender,
      routes: parseRecipientRoutes({
        recipients: {
          'branch.jianping': [
            { channel: 'dingtalk', url: `${http.url}/dingtalk/send?access_token=tok`, secret: 'SECwrong' },
          ],
        },
      }),
    });
    const m2 = message('branch.jianping');
    const err = await wrong.send(m2).catch((e: unknown) => e);
    expect((err as ApplicationFailure).type).toBe(DELIVERY_REJECTED);
    expect(await logRows(m2.idempotencyKey)).toEqual([
      expect.objectContaining({ status: 'failed', last_error: expect.stringContaining('310000') }),
    ]);
  });

  it('transient failures throw a retryable error and leave the row pending; the retry completes only what is missing', async () => {
    const msg = message('taskforce.deputy');
    http.failNext('/webhook', 1, 503);
    const err = await notifier()
      .send(msg)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(DELIVERY_TRANSIENT);
    expect((err as ApplicationFailure).nonRetryable).toBe(false);
    expect(await logRows(msg.idempotencyKey)).toEqual([
      expect.objectContaining({ channel: 'sms', status: 'sent', attempts: 1 }),
      expect.objectContaining({
        channel: 'webhook',
        status: 'pending',
        attempts: 1,
        last_error: expect.stringContaining('503'),
      }),
    ]);
    const smsBefore = http.requests.filter((r) => r.path === '/sms').length;
    const records = await notifier().send(msg);
    expect(records.map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ['sms', 'sent', 1],
      ['webhook', 'sent', 2],
    ]);
    expect(http.requests.filter((r) => r.path === '/sms').length).toBe(smsBefore);
    expect(deliveredWithKey('/webhook', msg.idempotencyKey)).toHaveLength(1);
  });

  it('429 is transient, 404 is permanent and is not tried again', async () => {
    const msg = message('public');
    http.failNext('/webhook', 1, 429);
    await expect(notifier().send(msg)).rejects.toMatchObject({ type: DELIVERY_TRANSIENT });
    await notifier().send(msg);
    expect(deliveredWithKey('/webhook', msg.idempotencyKey)).toHaveLength(1);

    const bad = message('bad.webhook');
    await expect(notifier().send(bad)).rejects.toMatchObject({ type: DELIVERY_REJECTED, nonRetryable: true });
    const tries = () =>
      http.requests.filter((r) => r.path === '/missing' && r.body?.idempotencyKey === bad.idempotencyKey)
        .length;
    expect(tries()).toBe(1);
    await expect(notifier().send(bad)).rejects.toMatchObject({ type: DELIVERY_REJECTED });
    expect(tries()).toBe(1);
    expect(await logRows(bad.idempotencyKey)).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 1, last_error: expect.stringContaining('404') }),
    ]);
  });

  it('a recipient without a route goes to the log channel, and is still recorded', async () => {
    const msg = message('svc.air');
    const records = await notifier().send(msg);
    expect(records).toEqual([
      expect.objectContaining({ channel: 'log', target: 'log', status: 'sent', attempts: 1 }),
    ]);
    const unconfigured = createNotifier({
      pool,
      sender,
      routes: parseRecipientRoutes({ default: [{ channel: 'sms', phone: '13800000009' }] }),
    });
    await expect(unconfigured.send(message('x'))).rejects.toMatchObject({ type: DELIVERY_REJECTED });
  });
});
