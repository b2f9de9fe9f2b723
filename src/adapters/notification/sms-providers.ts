/**
 * SMS as Chinese providers take it: a pre-approved template id plus variables, sent to Aliyun
 * (dysmsapi SendSms, RPC signature v1, HMAC-SHA1) or Tencent Cloud (sms SendSms 2021-01-11,
 * TC3-HMAC-SHA256), and each provider's error codes mapped to retry (transient) or give up.
 * Neither provider deduplicates: the delivery key goes along as OutId / SessionContext for receipts.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { displayUrl, errorMessage } from './http.js';
import {
  type Channel,
  type ChannelTarget,
  DeliveryError,
  type PreparedMessage,
  type SenderIdentity,
} from './types.js';

type SmsTarget = Extract<ChannelTarget, { channel: 'sms' }>;

export const SMS_PROVIDERS = ['aliyun', 'tencent'] as const;
export type SmsProvider = (typeof SMS_PROVIDERS)[number];

export interface SmsProviderOptions {
  provider: SmsProvider;
  /** The provider's API endpoint (Aliyun https://dysmsapi.aliyuncs.com/, Tencent https://sms.tencentcloudapi.com/). */
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** Tencent: the SmsSdkAppId of the application the templates belong to. */
  sdkAppId?: string;
  /** Tencent X-TC-Region (default ap-guangzhou); Aliyun RegionId (default cn-hangzhou). */
  region?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
  nonce?: () => string;
}

/** Aliyun codes worth retrying: system errors and flow control; every other code needs a person. */
const ALIYUN_TRANSIENT = new Set([
  'isp.SYSTEM_ERROR',
  'isp.GATEWAY_ERROR',
  'isv.BUSINESS_LIMIT_CONTROL',
  'Throttling',
  'Throttling.User',
  'Throttling.Api',
  'ServiceUnavailable',
  'InternalError',
]);

/** Tencent codes worth retrying: internal errors, request rate and short per-number limits. */
const TENCENT_TRANSIENT = new Set([
  'InternalError.Timeout',
  'InternalError.SendAndRecvFail',
  'InternalError.OtherError',
  'InternalError',
  'RequestLimitExceeded',
  'LimitExceeded.PhoneNumberThirtySecondLimit',
  'LimitExceeded.PhoneNumberOneHourLimit',
  'ResourceUnavailable',
]);

/** Retry (false) or give up (true) for a provider's error code. */
export function smsCodeIsPermanent(provider: SmsProvider, code: string): boolean {
  return !(provider === 'aliyun' ? ALIYUN_TRANSIENT : TENCENT_TRANSIENT).has(code);
}

/** Mainland numbers in E.164 (+86…), as Tencent requires; Aliyun takes them without the prefix. */
export function e164(phone: string): string {
  const p = phone.replace(/[\s-]/g, '');
  if (p.startsWith('+')) return p;
  return /^1\d{10}$/.test(p) ? `+86${p}` : `+${p}`;
}

/** RFC 3986 percent-encoding as Aliyun's signature v1 wants it ('~' kept, space %20, '*' %2A). */
export function aliyunPercent(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Aliyun RPC signature v1: base64(HMAC-SHA1(secret + '&', METHOD&%2F&encode(sorted query))). */
export function aliyunSignature(method: string, params: Record<string, string>, secret: string): string {
  const query = Object.keys(params)
    .sort()
    .map((k) => `${aliyunPercent(k)}=${aliyunPercent(params[k] as string)}`)
    .join('&');
  const toSign = `${method}&${aliyunPercent('/')}&${aliyunPercent(query)}`;
  return createHmac('sha1', `${secret}&`).update(toSign).digest('base64');
}

const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();

/** Tencent Cloud TC3-HMAC-SHA256 Authorization header of a JSON POST to `/`. */
export function tencentAuthorization(a: {
  secretId: string;
  secretKey: string;
  host: string;
  service: string;
  payload: string;
  timestampSec: number;
}): string {
  const date = new Date(a.timestampSec * 1000).toISOString().slice(0, 10);
  const signedHeaders = 'content-type;host';
  const canonical = [
    'POST',
    '/',
    '',
    `content-type:application/json; charset=utf-8\nhost:${a.host}\n`,
    signedHeaders,
    sha256hex(a.payload),
  ].join('\n');
  const scope = `${date}/${a.service}/tc3_request`;
  const toSign = ['TC3-HMAC-SHA256', String(a.timestampSec), scope, sha256hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(`TC3${a.secretKey}`, date), a.service), 'tc3_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return `TC3-HMAC-SHA256 Credential=${a.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

async function post(opts: SmsProviderOptions, init: RequestInit): Promise<{ status: number; json: unknown }> {
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(opts.url, {
      ...init,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw new DeliveryError(`SMS ${opts.provider} ${displayUrl(opts.url)}: ${errorMessage(err)}`, false);
  }
  const text = await res.text().catch(() => '');
  try {
    return { status: res.status, json: JSON.parse(text) };
  } catch {
    // no JSON: a proxy or outage page; 5xx and 429 are worth retrying, other answers are not
    const permanent = res.status < 500 && res.status !== 429;
    throw new DeliveryError(
      `SMS ${opts.provider} answered ${res.status}: ${text.slice(0, 200)}`,
      permanent,
      res.status,
    );
  }
}

function template(m: PreparedMessage): NonNullable<PreparedMessage['smsTemplate']> {
  if (!m.smsTemplate) {
    throw new DeliveryError(
      'SMS providers send approved templates only: this message has no SMS template',
      true,
    );
  }
  return m.smsTemplate;
}

async function sendAliyun(
  opts: SmsProviderOptions,
  target: SmsTarget,
  m: PreparedMessage,
  sender: SenderIdentity,
) {
  const t = template(m);
  const params: Record<string, string> = {
    AccessKeyId: opts.accessKeyId,
    Action: 'SendSms',
    Format: 'JSON',
    OutId: m.deliveryKey,
    PhoneNumbers: e164(target.phone).replace(/^\+86/, ''),
    RegionId: opts.region ?? 'cn-hangzhou',
    SignName: sender.smsSignature,
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: (opts.nonce ?? randomUUID)(),
    SignatureVersion: '1.0',
    TemplateCode: t.templateId,
    TemplateParam: JSON.stringify(Object.fromEntries(t.params.map((p) => [p.name, p.value]))),
    Timestamp: new Date((opts.now ?? Date.now)()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Version: '2017-05-25',
  };
  params.Signature = aliyunSignature('POST', params, opts.accessKeySecret);
  const { status, json } = await post(opts, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  const a = json as { Code?: string; Message?: string; BizId?: string };
  if (a.Code === 'OK') return { remoteId: a.BizId ?? '' };
  const code = a.Code ?? `HTTP ${status}`;
  throw new DeliveryError(
    `Aliyun SMS ${code}: ${a.Message ?? ''}`,
    smsCodeIsPermanent('aliyun', code),
    status,
  );
}

async function sendTencent(
  opts: SmsProviderOptions,
  target: SmsTarget,
  m: PreparedMessage,
  sender: SenderIdentity,
) {
  const t = template(m);
  if (!opts.sdkAppId) throw new DeliveryError('Tencent SMS needs SMS_SDK_APP_ID', true);
  const payload = JSON.stringify({
    PhoneNumberSet: [e164(target.phone)],
    SmsSdkAppId: opts.sdkAppId,
    SignName: sender.smsSignature,
    TemplateId: t.templateId,
    TemplateParamSet: t.params.map((p) => p.value),
    SessionContext: m.deliveryKey,
  });
  const timestampSec = Math.floor((opts.now ?? Date.now)() / 1000);
  const host = new URL(opts.url).host;
  const authorization = tencentAuthorization({
    secretId: opts.accessKeyId,
    secretKey: opts.accessKeySecret,
    host,
    service: 'sms',
    payload,
    timestampSec,
  });
  const { status, json } = await post(opts, {
    method: 'POST',
    headers: {
      authorization,
      'content-type': 'application/json; charset=utf-8',
      'x-tc-action': 'SendSms',
      'x-tc-version': '2021-01-11',
      'x-tc-timestamp': String(timestampSec),
      'x-tc-region': opts.region ?? 'ap-guangzhou',
    },
    body: payload,
  });
  const r = (json as { Response?: { Error?: { Code: string; Message?: string }; SendStatusSet?: unknown[] } })
    .Response;
  const error = r?.Error;
  const one = r?.SendStatusSet?.[0] as { Code?: string; Message?: string; SerialNo?: string } | undefined;
  const code = error?.Code ?? (one?.Code === 'Ok' ? undefined : (one?.Code ?? `HTTP ${status}`));
  if (code === undefined) return { remoteId: one?.SerialNo ?? '' };
  const text = error?.Message ?? one?.Message ?? '';
  throw new DeliveryError(`Tencent SMS ${code}: ${text}`, smsCodeIsPermanent('tencent', code), status);
}

/** The SMS channel of a provider: the message's template and variables, signed per the provider. */
export function smsProviderChannel(opts: SmsProviderOptions): Channel<SmsTarget> {
  return {
    kind: 'sms',
    deliver: (target, m, sender) =>
      opts.provider === 'aliyun' ? sendAliyun(opts, target, m, sender) : sendTencent(opts, target, m, sender),
  };
}
