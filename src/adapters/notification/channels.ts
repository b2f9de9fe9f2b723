/**
 * The channels: generic JSON webhook, WeCom and DingTalk group robots, SMTP e-mail, an SMS HTTP
 * gateway, and the log. Each turns a prepared message into the receiver's format and classifies
 * failures as transient (retry) or permanent (record and stop).
 */
import { createHash, createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { logger } from '../../logger.js';
import { displayUrl, errorMessage, postJson } from './http.js';
import { type SmsProviderOptions, smsProviderChannel } from './sms-providers.js';
import {
  type Channel,
  type ChannelSet,
  type ChannelTarget,
  DeliveryError,
  type PreparedMessage,
  type SenderIdentity,
} from './types.js';

type Target<K extends ChannelTarget['channel']> = Extract<ChannelTarget, { channel: K }>;

export interface HttpChannelOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** A short, stable reference shown in robot/SMS texts so that a reader can spot a repeated message. */
export function shortRef(message: PreparedMessage): string {
  return message.deliveryKey.slice(0, 8);
}

/** The display form of a target stored in the delivery log (no tokens, no secrets). */
export function targetLabel(target: ChannelTarget): string {
  switch (target.channel) {
    case 'log':
      return 'log';
    case 'webhook':
    case 'wecom':
    case 'dingtalk':
      return `${displayUrl(target.url)}#${createHash('sha256').update(target.url).digest('hex').slice(0, 8)}`;
    case 'email':
      return target.to.trim().toLowerCase();
    case 'sms':
      return target.phone.replace(/[\s-]/g, '');
  }
}

// --- generic webhook -------------------------------------------------------------------------------

/** JSON body of the generic webhook (documented for receivers). */
export interface WebhookPayload {
  idempotencyKey: string;
  deliveryKey: string;
  episodeId: string;
  step: string;
  recipientId: string;
  title: string;
  body: string;
  exercise: boolean;
  sender: { id: string; name: string };
  capXml?: string;
}

export function webhookChannel(opts: HttpChannelOptions = {}): Channel<Target<'webhook'>> {
  const fetchImpl = opts.fetch ?? fetch;
  return {
    kind: 'webhook',
    async deliver(target, m, sender) {
      const payload: WebhookPayload = {
        idempotencyKey: m.idempotencyKey,
        deliveryKey: m.deliveryKey,
        episodeId: m.episodeId,
        step: m.step,
        recipientId: m.recipientId,
        title: m.title,
        body: m.body,
        exercise: m.exercise,
        sender: { id: sender.id, name: sender.name },
        ...(m.capXml ? { capXml: m.capXml } : {}),
      };
      const res = await postJson(fetchImpl, target.url, payload, {
        headers: { ...target.headers, 'Idempotency-Key': m.deliveryKey },
        timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
      return { remoteId: remoteIdFrom(res.text) };
    },
  };
}

function remoteIdFrom(text: string): string | undefined {
  try {
    const json = JSON.parse(text) as { id?: unknown; messageId?: unknown };
    const id = json.id ?? json.messageId;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  } catch {
    return undefined;
  }
}

// --- group robots ---------------------------------------------------------------------------------

/** Robot answers carry `errcode`; these codes mean "try again later" (rate limits, busy). */
const ROBOT_TRANSIENT_CODES = new Set([-1, 45009, 45033, 130101, 410100]);

function checkRobotAnswer(text: string, name: string): void {
  let json: { errcode?: unknown; errmsg?: unknown };
  try {
    json = JSON.parse(text);
  } catch {
    throw new DeliveryError(`${name} answered with invalid JSON`, false);
  }
  const code = typeof json.errcode === 'number' ? json.errcode : Number.NaN;
  if (code === 0) return;
  const permanent = !ROBOT_TRANSIENT_CODES.has(code);
  throw new DeliveryError(`${name} errcode ${json.errcode}: ${String(json.errmsg ?? '')}`, permanent);
}

/** WeCom limits markdown content to 4096 bytes (UTF-8). */
const WECOM_MAX_BYTES = 4096;

export function robotMarkdown(m: PreparedMessage, sender: SenderIdentity): string {
  return `### ${m.title}\n${m.body}\n\n> ${sender.name} · 编号 ${shortRef(m)}`;
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = text;
  while (Buffer.byteLength(`${out}…`) > maxBytes) out = out.slice(0, -16);
  return `${out}…`;
}

/** WeCom (企业微信) group robot, msgtype markdown. WeCom does not deduplicate. */
export function wecomChannel(opts: HttpChannelOptions = {}): Channel<Target<'wecom'>> {
  const fetchImpl = opts.fetch ?? fetch;
  return {
    kind: 'wecom',
    async deliver(target, m, sender) {
      let content = truncateUtf8(robotMarkdown(m, sender), WECOM_MAX_BYTES);
      if (target.mentionedMobiles?.length) {
        // markdown messages mention people with <@userid>; mobiles only work in text messages.
        content = truncateUtf8(`${content}\n${target.mentionedMobiles.map((p) => `@${p}`).join(' ')}`, 4096);
      }
      const res = await postJson(
        fetchImpl,
        target.url,
        { msgtype: 'markdown', markdown: { content } },
        { headers: { 'Idempotency-Key': m.deliveryKey }, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS },
      );
      checkRobotAnswer(res.text, 'WeCom robot');
      return {};
    },
  };
}

/**
 * DingTalk signing: sign = urlEncode(base64(HMAC-SHA256(key = secret, data = timestamp + "\n" + secret))),
 * with the timestamp in milliseconds; both go into the query string.
 */
export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  const sign = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
  const u = new URL(url);
  u.searchParams.set('timestamp', String(timestampMs));
  u.searchParams.set('sign', sign);
  return u.toString();
}

/** DingTalk (钉钉) group robot, msgtype markdown, optional signing secret. DingTalk does not deduplicate. */
export function dingtalkChannel(
  opts: HttpChannelOptions & { now?: () => number } = {},
): Channel<Target<'dingtalk'>> {
  const fetchImpl = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  return {
    kind: 'dingtalk',
    async deliver(target, m, sender) {
      const url = target.secret ? dingtalkSignedUrl(target.url, target.secret, now()) : target.url;
      const atMobiles = target.atMobiles ?? [];
      const mention = atMobiles.length ? `\n\n${atMobiles.map((p) => `@${p}`).join(' ')}` : '';
      const res = await postJson(
        fetchImpl,
        url,
        {
          msgtype: 'markdown',
          markdown: { title: m.title, text: robotMarkdown(m, sender) + mention },
          at: { atMobiles, isAtAll: false },
        },
        { headers: { 'Idempotency-Key': m.deliveryKey }, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS },
      );
      checkRobotAnswer(res.text, 'DingTalk robot');
      return {};
    },
  };
}

// --- SMS gateway ----------------------------------------------------------------------------------

export interface SmsGatewayOptions extends HttpChannelOptions {
  url: string;
  token?: string;
  /** JSON text; every string value may contain {phone}, {text}, {key}, {signature}. */
  bodyTemplate: string;
}

/** Fills the gateway's JSON body template. Substitutes inside parsed string values, so text needs no escaping. */
export function renderSmsBody(template: string, vars: Record<string, string>): unknown {
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string')
      return value.replace(/\{(phone|text|key|signature)\}/g, (_w, name: string) => vars[name] ?? '');
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return fill(JSON.parse(template));
}

export function smsText(m: PreparedMessage): string {
  return `${m.title}：${m.body}（编号${shortRef(m)}）`;
}

/** An SMS HTTP gateway (configurable URL and JSON body) that deduplicates on `Idempotency-Key`. */
export function smsChannel(opts: SmsGatewayOptions): Channel<Target<'sms'>> {
  const fetchImpl = opts.fetch ?? fetch;
  return {
    kind: 'sms',
    async deliver(target, m, sender) {
      const body = renderSmsBody(opts.bodyTemplate, {
        phone: target.phone,
        text: smsText(m),
        key: m.deliveryKey,
        signature: sender.smsSignature,
      });
      const res = await postJson(fetchImpl, opts.url, body, {
        headers: {
          'Idempotency-Key': m.deliveryKey,
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        },
        timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
      return { remoteId: remoteIdFrom(res.text) };
    },
  };
}

// --- e-mail ---------------------------------------------------------------------------------------

export interface EmailOptions {
  transport: SMTPTransport.Options;
}

/** A deterministic Message-ID: the same (message, target) always gets the same id. */
export function emailMessageId(m: PreparedMessage, sender: SenderIdentity): string {
  const domain = sender.emailFrom.split('@')[1] ?? 'smog-response.local';
  return `<${m.deliveryKey}@${domain}>`;
}

/** SMTP (nodemailer). 5xx answers are permanent; 4xx and connection problems are transient. */
export function emailChannel(opts: EmailOptions): Channel<Target<'email'>> {
  const transporter = nodemailer.createTransport(opts.transport);
  return {
    kind: 'email',
    async deliver(target, m, sender) {
      try {
        const info = await transporter.sendMail({
          from: { name: sender.name, address: sender.emailFrom },
          to: target.to,
          subject: m.title,
          text: m.body,
          messageId: emailMessageId(m, sender),
          headers: { 'Idempotency-Key': m.deliveryKey, ...(m.exercise ? { 'X-Exercise': 'true' } : {}) },
          ...(m.capXml
            ? {
                attachments: [{ filename: 'cap.xml', content: m.capXml, contentType: 'application/cap+xml' }],
              }
            : {}),
        });
        return { remoteId: info.messageId };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        const permanent = typeof code === 'number' && code >= 500;
        throw new DeliveryError(`SMTP: ${errorMessage(err)}`, permanent, code);
      }
    },
  };
}

// --- log ------------------------------------------------------------------------------------------

/** Writes the message to the process log; the PostgreSQL delivery log records it as sent. */
export function logChannel(): Channel<Target<'log'>> {
  return {
    kind: 'log',
    async deliver(_target, m) {
      logger.info(
        {
          idempotencyKey: m.idempotencyKey,
          recipientId: m.recipientId,
          title: m.title,
          exercise: m.exercise,
        },
        'notification (log channel)',
      );
      return {};
    },
  };
}

/** A channel that is not configured: every delivery fails permanently with a clear message. */
function unconfigured<K extends ChannelTarget['channel']>(kind: K, what: string): Channel<Target<K>> {
  return {
    kind,
    async deliver() {
      throw new DeliveryError(`channel ${kind} is not configured (${what})`, true);
    },
  } as Channel<Target<K>>;
}

export interface ChannelConfig {
  fetch?: typeof fetch;
  httpTimeoutMs?: number;
  smtp?: SMTPTransport.Options;
  sms?: { url: string; token?: string; bodyTemplate: string };
  /** Aliyun or Tencent Cloud SMS (template messages); takes precedence over `sms`. */
  smsProvider?: SmsProviderOptions;
}

/** The full channel set from settings; channels without settings fail permanently when used. */
export function createChannels(cfg: ChannelConfig = {}): ChannelSet {
  const http = {
    ...(cfg.fetch ? { fetch: cfg.fetch } : {}),
    timeoutMs: cfg.httpTimeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  return {
    log: logChannel(),
    webhook: webhookChannel(http),
    wecom: wecomChannel(http),
    dingtalk: dingtalkChannel(http),
    email: cfg.smtp ? emailChannel({ transport: cfg.smtp }) : unconfigured('email', 'SMTP_HOST'),
    sms: cfg.smsProvider
      ? smsProviderChannel({ ...http, ...cfg.smsProvider })
      : cfg.sms
        ? smsChannel({ ...http, ...cfg.sms })
        : unconfigured('sms', 'SMS_GATEWAY_URL'),
  };
}
