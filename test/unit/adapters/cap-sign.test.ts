import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildCapAlert,
  createCapSigner,
  formatCstPeriod,
  validateCapXml,
  verifyCapSignature,
} from '../../../src/adapters/notification/index.js';
import { defaultPlan } from '../../../src/domain/plans/chaoyang-2024.js';

function keyPair(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cap-sign-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=chaoyang-test',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
  };
}

const sent = '2026-12-02T17:00:00+08:00';
const alert = buildCapAlert({
  plan: defaultPlan,
  sender: { id: 'smog-response@chaoyang.example.gov.cn', name: '朝阳市重污染天气专项应急指挥部办公室' },
  identifier: 'episode:chaoyang:2026-12-02:1:cap:1',
  sent,
  exercise: false,
  msgType: 'Alert',
  level: 'orange',
  jurisdictionId: 'chaoyang',
  effective: sent,
  expires: '2026-12-04T23:59:59+08:00',
  forecastMaxAqi: 260,
  headline: '发布朝阳市重污染天气橙色预警',
  description: '据预报，12月2日至12月4日我市将出现重度污染过程。',
});

describe('XML signature of public warnings', () => {
  it('signs an alert so that it stays valid CAP 1.2 and verifies with the certificate', async () => {
    const { key, cert } = keyPair();
    const signed = createCapSigner(key, cert).sign(alert);
    expect(signed).toMatch(
      /<Signature xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">[\s\S]*<\/Signature><\/alert>$/,
    );
    expect((await validateCapXml(signed)).errors).toEqual([]);
    expect(verifyCapSignature(signed, cert)).toBe(true);
  });

  it('a changed alert no longer verifies, nor one checked against another certificate', () => {
    const { key, cert } = keyPair();
    const signed = createCapSigner(key, cert).sign(alert);
    expect(verifyCapSignature(signed.replace('橙色预警', '红色预警'), cert)).toBe(false);
    expect(verifyCapSignature(signed, keyPair().cert)).toBe(false);
  });
});

describe('periods as people write them', () => {
  it('writes the end of a day as 24时 and leaves out a repeated year', () => {
    expect(
      formatCstPeriod(Date.parse('2026-12-02T17:00:00+08:00'), Date.parse('2026-12-04T23:59:59+08:00')),
    ).toBe('2026年12月2日17时至12月4日24时');
    expect(
      formatCstPeriod(Date.parse('2026-12-31T09:30:00+08:00'), Date.parse('2027-01-01T12:00:00+08:00')),
    ).toBe('2026年12月31日9时30分至2027年1月1日12时');
  });
});
