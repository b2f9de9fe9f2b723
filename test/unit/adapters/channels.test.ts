import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  deliveryKey,
  dingtalkSignedUrl,
  LOG_ONLY_ROUTES,
  parseRecipientRoutes,
  renderSmsBody,
  routesFor,
  targetLabel,
} from '../../../src/adapters/notification/index.js';

describe('channel helpers', () => {
  it('signs DingTalk URLs: HMAC-SHA256(secret, timestamp\\nsecret), base64, URL-encoded', () => {
    const url = dingtalkSignedUrl(
      'https://oapi.dingtalk.com/robot/send?access_token=abc',
      'SECxyz',
      1700000000000,
    );
    const u = new URL(url);
    expect(u.searchParams.get('access_token')).toBe('abc');
    expect(u.searchParams.get('timestamp')).toBe('1700000000000');
    const expected = createHmac('sha256', 'SECxyz').update('1700000000000\nSECxyz').digest('base64');
    expect(u.searchParams.get('sign')).toBe(expected);
    // base64 '+', '/' and '=' must not travel raw in the query string.
    const raw = url.split('sign=')[1] as string;
    expect(raw).not.toMatch(/[+/=]/);
  });

  it('fills the SMS body template without breaking JSON on quotes', () => {
    const body = renderSmsBody('{"to":"{phone}","msg":{"text":"{text}"},"ref":"{key}","n":1}', {
      phone: '13800000000',
      text: '含"引号"与\\反斜杠',
      key: 'k1',
      signature: 's',
    });
    expect(body).toEqual({ to: '13800000000', msg: { text: '含"引号"与\\反斜杠' }, ref: 'k1', n: 1 });
  });

  it('keeps secrets out of target labels and keys deliveries per target', () => {
    const a = targetLabel({
      channel: 'wecom',
      url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET1',
    });
    const b = targetLabel({
      channel: 'wecom',
      url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET2',
    });
    expect(a).not.toContain('SECRET');
    expect(a).not.toBe(b);
    expect(targetLabel({ channel: 'email', to: ' Office@Example.CN ' })).toBe('office@example.cn');
    expect(deliveryKey('k', 'sms', '138')).toBe(deliveryKey('k', 'sms', '138'));
    expect(deliveryKey('k', 'sms', '138')).not.toBe(deliveryKey('k', 'sms', '139'));
    expect(deliveryKey('k', 'sms', '138')).toMatch(/^[0-9a-f]{40}$/);
  });

  it('routes recipients by plan unit id, with a default and a log-only fallback', () => {
    const routes = parseRecipientRoutes({
      default: [{ channel: 'log' }],
      recipients: {
        'branch.beipiao': [
          { channel: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'SEC1' },
          { channel: 'sms', phone: '13800000000' },
        ],
      },
    });
    expect(routesFor(routes, 'branch.beipiao').map((t) => t.channel)).toEqual(['dingtalk', 'sms']);
    expect(routesFor(routes, 'public')).toEqual([{ channel: 'log' }]);
    expect(routesFor(LOG_ONLY_ROUTES, 'anyone')).toEqual([{ channel: 'log' }]);
    expect(() =>
      parseRecipientRoutes({ recipients: { x: [{ channel: 'email', to: 'not-an-address' }] } }),
    ).toThrow(/recipients\.x\[0\]\.to/);
    expect(() => parseRecipientRoutes({ recipients: { x: [{ channel: 'fax', number: '1' }] } })).toThrow(
      /invalid/,
    );
  });
});
