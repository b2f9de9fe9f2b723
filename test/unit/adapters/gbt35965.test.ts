import { describe, expect, it } from 'vitest';
import {
  buildCapAlert,
  buildNationalAlert,
  type CapAlertInput,
  nationalIdentifier,
  publicWarningExpiry,
  validateCapXml,
} from '../../../src/adapters/notification/index.js';
import { defaultPlan } from '../../../src/domain/plans/chaoyang-2024.js';

const sender = { id: 'smog-response@chaoyang.example.gov.cn', name: '朝阳市重污染天气专项应急指挥部办公室' };

/**
 * A golden-like scenario (as test/histories/yellow-to-orange.json): 北票市 yellow at 2026-12-02 17:00
 * CST, raised to orange the next day, lifted on 12-05; the three alerts as the activity builds them.
 */
function scenario(): CapAlertInput[] {
  const base = {
    plan: defaultPlan,
    sender,
    exercise: false,
    jurisdictionId: 'beipiao',
    forecastMaxAqi: 260,
  };
  const yellowSent = '2026-12-02T17:00:05+08:00';
  const orangeSent = '2026-12-03T16:30:00+08:00';
  const liftSent = '2026-12-05T10:00:00+08:00';
  return [
    {
      ...base,
      identifier: 'episode:beipiao:2026-12-02:1:cap:1',
      sent: yellowSent,
      msgType: 'Alert',
      level: 'yellow',
      effective: yellowSent,
      ...publicWarningExpiry('Alert', yellowSent, '2026-12-04'),
      headline: '发布北票市重污染天气黄色预警',
      description:
        '据预报，12月2日至12月4日北票市将出现重度污染过程。北票市自2026年12月2日17时起启动重污染天气黄色预警，执行Ⅲ级应急响应。',
    },
    {
      ...base,
      identifier: 'episode:beipiao:2026-12-02:1:cap:2',
      sent: orangeSent,
      msgType: 'Update',
      references: [{ identifier: 'episode:beipiao:2026-12-02:1:cap:1', sent: yellowSent }],
      level: 'orange',
      effective: orangeSent,
      ...publicWarningExpiry('Update', orangeSent, '2026-12-05'),
      headline: '调整为北票市重污染天气橙色预警',
      description:
        '据预报，污染过程将持续至12月5日。北票市自2026年12月3日16时30分起将预警级别调整为橙色，执行Ⅱ级应急响应。',
    },
    {
      ...base,
      identifier: 'episode:beipiao:2026-12-02:1:cap:3',
      sent: liftSent,
      msgType: 'Cancel',
      references: [{ identifier: 'episode:beipiao:2026-12-02:1:cap:2', sent: orangeSent }],
      level: 'orange',
      effective: liftSent,
      ...publicWarningExpiry('Cancel', liftSent, '2026-12-05'),
      forecastMaxAqi: 120,
      headline: '解除北票市重污染天气橙色预警',
      description: '空气质量已改善。北票市于2026年12月5日10时解除重污染天气橙色预警。',
    },
  ];
}

describe('GB/T 35965.1 rendering', () => {
  it('builds the identifier from area code, agency code and Beijing time', () => {
    expect(nationalIdentifier('211381', '00000000', '2026-12-02T09:00:05Z')).toBe(
      '21138100000000_20261202170005',
    );
  });

  it('renders the scenario as reviewed (snapshot), each alert a well-formed CAP-based document', async () => {
    const alerts = scenario();
    const rendered = alerts.map((a) => buildNationalAlert(a));
    expect(rendered.map((r) => r.identifier)).toEqual([
      '21138100000000_20261202170005',
      '21138100000000_20261203163000',
      '21138100000000_20261205100000',
    ]);
    // The update and the lift refer to the alerts before them by their national identifiers.
    expect(rendered[1]!.xml).toContain(
      '<references>21138100000000,21138100000000_20261202170005,2026-12-02T17:00:05+08:00</references>',
    );
    expect(rendered[2]!.xml).toContain('<severity>Orange</severity>');
    expect(rendered[0]!.xml).toContain('<value>211381000000</value>');
    const names = ['1-yellow-alert', '2-orange-update', '3-lift-cancel'];
    for (const [i, r] of rendered.entries()) {
      await expect(r.xml).toMatchFileSnapshot(`__snapshots__/gbt35965-beipiao-${names[i]}.xml`);
    }
    // The same alerts as CAP 1.2 pass the OASIS schema and carry the GB/T 2260 geocode.
    for (const a of alerts) {
      const xml = buildCapAlert(a);
      expect((await validateCapXml(xml)).errors).toEqual([]);
      expect(xml).toMatch(/<valueName>GB\/T 2260<\/valueName>\s*<value>211381<\/value>/);
    }
  });

  it('refuses a jurisdiction without an area code', () => {
    const plan = {
      ...defaultPlan,
      jurisdictions: defaultPlan.jurisdictions.map(({ areaCode: _, ...j }) => j),
    };
    expect(() => buildNationalAlert({ ...scenario()[0]!, plan })).toThrow(/no GB\/T 2260 area code/);
  });
});
