import { describe, expect, it } from 'vitest';
import {
  buildCapAlert,
  CAP_LEVEL_MAPPING,
  type CapAlertInput,
  capIdentifier,
  publicWarningMessage,
  validateCapXml,
} from '../../../src/adapters/notification/index.js';
import { aqiCategory } from '../../../src/domain/aqi.js';
import { defaultPlan } from '../../../src/domain/plans/chaoyang-2024.js';

const sender = { id: 'sthjj@chaoyang.example.gov.cn', name: '朝阳市重污染天气专项应急指挥部办公室' };
const sent = Date.parse('2026-11-29T10:15:30.250Z'); // 18:15:30.250 CST

const base: CapAlertInput = {
  plan: defaultPlan,
  sender,
  identifier: capIdentifier('episode:chaoyang:2026-11-29:1', 'warning-1'),
  sent,
  exercise: false,
  msgType: 'Alert',
  level: 'orange',
  jurisdictionId: 'chaoyang',
  effective: sent,
  expires: '2026-12-02T23:59:59+08:00',
  forecastMaxAqi: 260,
  headline: '朝阳市重污染天气橙色预警',
  description: '据预报，11月29日至12月1日我市将出现重度污染过程。',
};

const tag = (xml: string, name: string) =>
  [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);

describe('CAP 1.2 public warning', () => {
  it('builds a valid Alert with CST times, level mapping, health advice and area', async () => {
    const xml = buildCapAlert(base);
    const v = await validateCapXml(xml);
    expect(v.errors).toEqual([]);
    expect(v.valid).toBe(true);
    expect(xml).toContain('xmlns="urn:oasis:names:tc:emergency:cap:1.2"');
    expect(tag(xml, 'sent')).toEqual(['2026-11-29T18:15:30+08:00']);
    expect(xml).not.toMatch(/\d{2}:\d{2}:\d{2}(\.\d+)?Z/);
    expect(tag(xml, 'status')).toEqual(['Actual']);
    expect(tag(xml, 'msgType')).toEqual(['Alert']);
    expect(tag(xml, 'scope')).toEqual(['Public']);
    expect(tag(xml, 'language')).toEqual(['zh-CN']);
    expect(tag(xml, 'category')).toEqual(['Env']);
    expect(tag(xml, 'event')).toEqual(['重污染天气预警']);
    expect([tag(xml, 'urgency')[0], tag(xml, 'severity')[0], tag(xml, 'certainty')[0]]).toEqual([
      'Immediate',
      'Severe',
      'Likely',
    ]);
    expect(tag(xml, 'expires')).toEqual(['2026-12-02T23:59:59+08:00']);
    expect(tag(xml, 'senderName')).toEqual([sender.name]);
    expect(tag(xml, 'areaDesc')).toEqual(['朝阳市']);
    const category = aqiCategory(260);
    expect(tag(xml, 'instruction')[0]).toBe(`${category.healthEffects}。${category.advice}。`);
    expect(category.name).toBe('重度污染');
  });

  it('maps every level as documented and validates each', async () => {
    for (const level of ['yellow', 'orange', 'red'] as const) {
      const xml = buildCapAlert({ ...base, level, jurisdictionId: 'beipiao' });
      expect((await validateCapXml(xml)).valid).toBe(true);
      const m = CAP_LEVEL_MAPPING[level];
      expect([tag(xml, 'urgency')[0], tag(xml, 'severity')[0], tag(xml, 'certainty')[0]]).toEqual([
        m.urgency,
        m.severity,
        m.certainty,
      ]);
      expect(tag(xml, 'areaDesc')).toEqual(['北票市']);
    }
    expect(CAP_LEVEL_MAPPING.yellow).toEqual({
      urgency: 'Expected',
      severity: 'Moderate',
      certainty: 'Likely',
    });
    expect(CAP_LEVEL_MAPPING.red).toEqual({
      urgency: 'Immediate',
      severity: 'Extreme',
      certainty: 'Observed',
    });
  });

  it('Update and Cancel reference the original alert; an exercise is status Exercise', async () => {
    const original = { identifier: base.identifier, sent };
    const update = buildCapAlert({
      ...base,
      identifier: capIdentifier('episode:chaoyang:2026-11-29:1', 'warning-2'),
      sent: sent + 3_600_000,
      msgType: 'Update',
      level: 'red',
      references: [original],
      exercise: true,
    });
    const cancel = buildCapAlert({
      ...base,
      identifier: capIdentifier('episode:chaoyang:2026-11-29:1', 'lift'),
      sent: '2026-12-02T12:00:00+08:00',
      msgType: 'Cancel',
      references: [
        original,
        { identifier: 'episode:chaoyang:2026-11-29:1.warning-2', sent: sent + 3_600_000 },
      ],
    });
    for (const xml of [update, cancel]) expect((await validateCapXml(xml)).errors).toEqual([]);
    expect(tag(update, 'references')).toEqual([`${sender.id},${base.identifier},2026-11-29T18:15:30+08:00`]);
    expect(tag(update, 'status')).toEqual(['Exercise']);
    expect(tag(update, 'note')[0]).toContain('演练');
    expect(tag(cancel, 'msgType')).toEqual(['Cancel']);
    expect(tag(cancel, 'references')[0]?.split(' ')).toHaveLength(2);
    expect(tag(cancel, 'responseType')).toEqual(['AllClear']);
    expect(tag(cancel, 'urgency')).toEqual(['Past']);
  });

  it('refuses an Update without references and a malformed identifier', () => {
    expect(() => buildCapAlert({ ...base, msgType: 'Update' })).toThrow(/reference/);
    expect(() => buildCapAlert({ ...base, identifier: 'a b' })).toThrow(/identifier/);
    expect(capIdentifier('ep 1,x', 's<1&')).toBe('ep-1-x.s-1-');
  });

  it('the validator really checks: a UTC "Z" time and a wrong category are rejected', async () => {
    const xml = buildCapAlert(base);
    const zulu = xml.replace(/<sent>[^<]+<\/sent>/, '<sent>2026-11-29T10:15:30Z</sent>');
    expect((await validateCapXml(zulu)).valid).toBe(false);
    const wrong = xml.replace('<category>Env</category>', '<category>Smog</category>');
    const r = await validateCapXml(wrong);
    expect(r.valid).toBe(false);
    expect(r.errors.join('\n')).toMatch(/category/);
  });

  it('the public warning message carries the plan text and a valid CAP', async () => {
    const { message, cap } = publicWarningMessage({
      plan: defaultPlan,
      jurisdictionId: 'chaoyang',
      level: 'yellow',
      effectiveMs: sent,
      forecastMaxAqi: 215,
      forecastSummary: '11月29日我市将出现重度污染',
      episodeId: 'episode:chaoyang:2026-11-29:1',
      step: 'warning-1',
      exercise: false,
      sender: { ...sender, smsSignature: '朝阳生态环境', emailFrom: 'noreply@chaoyang.example.gov.cn' },
      sentMs: sent,
      msgType: 'Alert',
    });
    expect(message.recipientId).toBe('public');
    expect(message.idempotencyKey).toBe('episode:chaoyang:2026-11-29:1/warning-1/public');
    expect(message.title).toBe('朝阳市重污染天气黄色预警');
    expect(message.body).toContain('健康防护提示：');
    expect(cap).toEqual({
      sender: sender.id,
      identifier: 'episode:chaoyang:2026-11-29:1.warning-1',
      sent: '2026-11-29T18:15:30+08:00',
    });
    expect((await validateCapXml(message.capXml as string)).valid).toBe(true);
    expect(tag(message.capXml as string, 'headline')).toEqual([message.title]);
  });
});
