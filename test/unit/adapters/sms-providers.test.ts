import { describe, expect, it } from 'vitest';
import {
  aliyunSignature,
  e164,
  smsCodeIsPermanent,
  smsTemplateFor,
  tencentAuthorization,
} from '../../../src/adapters/notification/index.js';
import { defaultPlan } from '../../../src/domain/plans/chaoyang-2024.js';

describe('SMS providers', () => {
  it("signs Aliyun requests as Aliyun's own worked example (SendSms, signature v1)", () => {
    const params = {
      AccessKeyId: 'testId',
      Action: 'SendSms',
      Format: 'XML',
      OutId: '123',
      PhoneNumbers: '15300000001',
      RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007',
      TemplateParam: '{"customer":"test"}',
      Timestamp: '2017-07-12T02:42:19Z',
      Version: '2017-05-25',
    };
    expect(aliyunSignature('GET', params, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it("signs Tencent Cloud requests as Tencent's TC3-HMAC-SHA256 worked example", () => {
    const authorization = tencentAuthorization({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
      host: 'cvm.tencentcloudapi.com',
      service: 'cvm',
      timestampSec: 1551113065,
      payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
    });
    expect(authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });

  it('maps error codes: flow control and system errors retry, wrong templates, numbers and balance give up', () => {
    expect(smsCodeIsPermanent('aliyun', 'isv.BUSINESS_LIMIT_CONTROL')).toBe(false);
    expect(smsCodeIsPermanent('aliyun', 'isp.SYSTEM_ERROR')).toBe(false);
    expect(smsCodeIsPermanent('aliyun', 'isv.SMS_TEMPLATE_ILLEGAL')).toBe(true);
    expect(smsCodeIsPermanent('aliyun', 'isv.MOBILE_NUMBER_ILLEGAL')).toBe(true);
    expect(smsCodeIsPermanent('aliyun', 'isv.AMOUNT_NOT_ENOUGH')).toBe(true);
    expect(smsCodeIsPermanent('tencent', 'LimitExceeded.PhoneNumberThirtySecondLimit')).toBe(false);
    expect(smsCodeIsPermanent('tencent', 'InternalError.Timeout')).toBe(false);
    expect(smsCodeIsPermanent('tencent', 'LimitExceeded.PhoneNumberDailyLimit')).toBe(true);
    expect(smsCodeIsPermanent('tencent', 'FailedOperation.TemplateIncorrectOrUnapproved')).toBe(true);
    expect(smsCodeIsPermanent('tencent', 'FailedOperation.InsufficientBalanceInSmsPackage')).toBe(true);
  });

  it('writes mainland numbers in E.164', () => {
    expect(e164('138 0000-0000')).toBe('+8613800000000');
    expect(e164('+85291234567')).toBe('+85291234567');
  });

  it("fills the plan's approved template with the warning's facts, in the template's order", () => {
    const facts = {
      jurisdictionName: '北票市',
      levelName: '橙色预警',
      responseName: 'Ⅱ级应急响应',
      effectiveAt: '2026年12月3日16时30分',
    };
    expect(smsTemplateFor(defaultPlan, 'Update', facts)).toEqual({
      templateId: 'SMS_000000002',
      params: [
        { name: 'area', value: '北票市' },
        { name: 'level', value: '橙色预警' },
        { name: 'time', value: '2026年12月3日16时30分' },
        { name: 'response', value: 'Ⅱ级应急响应' },
      ],
    });
    const { publication: _, ...plain } = defaultPlan;
    expect(smsTemplateFor(plain, 'Alert', facts)).toBeUndefined();
  });
});
