/**
 * Screenshots of the public warnings page (desktop 1280 px and phone 390 px) into docs/screenshots/,
 * rendered from sample alerts (no servers needed): `node --import tsx scripts/public-page-screenshots.ts`.
 */
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { FeedAlertRow } from '../src/adapters/notification/cap-feed.js';
import { healthAdvice } from '../src/adapters/notification/cap.js';
import { renderWarningsPage } from '../src/api/routes/public-warnings.js';
import { projectRoot } from '../src/config.js';
import { defaultPlan } from '../src/domain/plans/chaoyang-2024.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/browser/harness.js';

const at = (s: string) => new Date(s);
const advice = (aqi: number) => {
  const h = healthAdvice(aqi, Date.parse('2026-12-02T17:00:00+08:00'));
  return `${h.effects}。${h.advice}。`;
};
const rows: FeedAlertRow[] = [
  {
    identifier: 'a:2',
    msg_type: 'Update',
    level: 'orange',
    jurisdiction: 'beipiao',
    exercise: false,
    sent: at('2026-12-03T16:30:00+08:00'),
    effective: at('2026-12-03T16:30:00+08:00'),
    expires: at('2026-12-05T23:59:59+08:00'),
    headline: '调整为北票市重污染天气橙色预警',
    description:
      '据预报，12月3日至12月5日北票市将出现重度污染过程。北票市自2026年12月3日16时30分起启动重污染天气橙色预警，执行Ⅱ级应急响应。',
    instruction: advice(260),
    area_code: '211381',
  },
  {
    identifier: 'c:2',
    msg_type: 'Cancel',
    level: 'yellow',
    jurisdiction: 'kazuo',
    exercise: false,
    sent: at('2026-12-03T10:00:00+08:00'),
    effective: at('2026-12-03T10:00:00+08:00'),
    expires: at('2026-12-04T10:00:00+08:00'),
    headline: '解除喀喇沁左翼蒙古族自治县重污染天气黄色预警',
    description: '空气质量已明显改善，喀喇沁左翼蒙古族自治县于2026年12月3日10时解除重污染天气黄色预警。',
    instruction: advice(120),
    area_code: '211324',
  },
];
const html = renderWarningsPage(
  {
    plan: defaultPlan,
    issuer: '朝阳市重污染天气专项应急指挥部办公室',
    feedHref: 'https://warn.chaoyang.example.gov.cn/public/cap',
    nowMs: Date.parse('2026-12-03T17:00:00+08:00'),
  },
  rows,
);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  for (const [name, width, height] of [
    ['desktop', 1280, 900],
    ['phone', 390, 844],
  ] as const) {
    const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
    await page.setContent(html);
    await page.screenshot({
      path: path.join(projectRoot, 'docs', 'screenshots', `public-warnings-${name}.png`),
      fullPage: true,
    });
    await page.close();
  }
} finally {
  await browser.close();
}
