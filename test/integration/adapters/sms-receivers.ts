/**
 * Local stand-ins of the Aliyun and Tencent Cloud SendSms APIs for the tests: they check the request
 * signature with the test credentials (the signing functions themselves are checked against the
 * providers' worked examples in the unit tests), record what was sent, and answer as the providers do,
 * or with an injected error code.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { aliyunSignature, tencentAuthorization } from '../../../src/adapters/notification/index.js';

export const SMS_KEY_ID = 'LTAI-test-key';
export const SMS_KEY_SECRET = 'test-secret';

export interface SentSms {
  provider: 'aliyun' | 'tencent';
  phone: string;
  signName: string;
  templateId: string;
  /** Aliyun: by name; Tencent: in order (names unknown to the provider). */
  params: Record<string, string> | string[];
  key: string;
}

export interface SmsProviderReceiver {
  url: string;
  sent: SentSms[];
  /** The next n requests to this provider answer with this error code. */
  failNext(provider: 'aliyun' | 'tencent', count: number, code: string): void;
  close(): Promise<void>;
}

export async function startSmsProviders(): Promise<SmsProviderReceiver> {
  const sent: SentSms[] = [];
  const failures = new Map<string, { count: number; code: string }>();
  let serial = 0;
  const fail = (p: string) => {
    const f = failures.get(p);
    if (f && f.count > 0) {
      f.count--;
      return f.code;
    }
    return undefined;
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.url === '/aliyun') {
        const params = Object.fromEntries(new URLSearchParams(body));
        const { Signature, ...rest } = params;
        if (rest.AccessKeyId !== SMS_KEY_ID || Signature !== aliyunSignature('POST', rest, SMS_KEY_SECRET)) {
          return reply(400, { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched' });
        }
        const code = fail('aliyun');
        if (code) return reply(200, { Code: code, Message: 'injected', RequestId: 'r' });
        sent.push({
          provider: 'aliyun',
          phone: rest.PhoneNumbers ?? '',
          signName: rest.SignName ?? '',
          templateId: rest.TemplateCode ?? '',
          params: JSON.parse(rest.TemplateParam ?? '{}'),
          key: rest.OutId ?? '',
        });
        return reply(200, { Code: 'OK', Message: 'OK', BizId: `biz-${++serial}`, RequestId: 'r' });
      }
      if (req.url === '/tencent') {
        const expected = tencentAuthorization({
          secretId: SMS_KEY_ID,
          secretKey: SMS_KEY_SECRET,
          host: String(req.headers.host),
          service: 'sms',
          payload: body,
          timestampSec: Number(req.headers['x-tc-timestamp']),
        });
        if (req.headers.authorization !== expected || req.headers['x-tc-action'] !== 'SendSms') {
          return reply(200, {
            Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'bad' } },
          });
        }
        const p = JSON.parse(body);
        const code = fail('tencent');
        if (code) {
          return reply(200, {
            Response: {
              SendStatusSet: [{ Code: code, Message: 'injected', PhoneNumber: p.PhoneNumberSet[0] }],
            },
          });
        }
        sent.push({
          provider: 'tencent',
          phone: p.PhoneNumberSet[0],
          signName: p.SignName,
          templateId: p.TemplateId,
          params: p.TemplateParamSet,
          key: p.SessionContext,
        });
        return reply(200, {
          Response: {
            SendStatusSet: [{ Code: 'Ok', SerialNo: `serial-${++serial}`, PhoneNumber: p.PhoneNumberSet[0] }],
          },
        });
      }
      reply(404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    failNext(provider, count, code) {
      failures.set(provider, { count, code });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
