/**
 * The provincial platform's pages as the client reads them: a valid page parses; bad JSON, a wrong
 * shape, a negative value or a time that is not a whole hour each fail without retry, in Chinese
 * words naming the page and the field.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AIR_API_REJECTED, parseHourlyPage } from '../../../src/adapters/air-quality/provincial.js';
import { platformAlertDue, pullWindow } from '../../../src/domain/air-platform.js';
import { defaultPlan } from '../../../src/domain/index.js';

const item = {
  stationCode: '2101A',
  time: '2026-12-01T01:00:00+08:00',
  pm25: 80,
  pm10: 120,
  so2: 10,
  no2: 40,
  co: 1.2,
  o3: null,
};
const page = (items: unknown[], extra = {}) =>
  JSON.stringify({ page: 2, pageSize: 100, total: 150, items, ...extra });

function rejection(text: string): ApplicationFailure {
  try {
    parseHourlyPage(text, 2);
  } catch (err) {
    return err as ApplicationFailure;
  }
  throw new Error('accepted');
}

describe('a page of the provincial platform', () => {
  it('parses a valid page; null is a missing value', () => {
    const p = parseHourlyPage(page([item]), 2);
    expect(p.items[0]).toEqual(item);
  });

  it.each([
    ['<html>502 Bad Gateway</html>', '省级空气质量监测平台第2页应答不是有效的JSON（开头：'],
    [
      page([{ ...item, pm25: -3 }]),
      '省级空气质量监测平台第2页数据格式错误：items[0].pm25：应为不小于0的数或null',
    ],
    [page([{ ...item, time: '2026-12-01 01:30' }]), 'items[0].time：应为整点时间'],
    [page([{ ...item, stationCode: undefined }]), 'items[0].stationCode：'],
    [JSON.stringify({ data: [] }), '省级空气质量监测平台第2页数据格式错误：page：'],
    [page([item], { page: 1 }), '应答的页码为1，请求的是第2页'],
  ])('rejects garbage without retry: %s', (text, words) => {
    const err = rejection(text);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err.nonRetryable).toBe(true);
    expect(err.type).toBe(AIR_API_REJECTED);
    expect(err.message).toContain(words);
  });
});

describe('the pull rules', () => {
  it('pulls the 6 whole hours ending at the last whole hour', () => {
    const w = pullWindow(Date.parse('2026-12-01T10:15:00+08:00'));
    expect(new Date(w.fromMs).toISOString()).toBe('2026-11-30T20:00:00.000Z');
    expect(new Date(w.toMs).toISOString()).toBe('2026-12-01T02:00:00.000Z');
  });

  it('alerts the office once the plan’s delay has passed, once per outage', () => {
    const minutes = defaultPlan.deadlines.airPlatformAlertMinutes as number;
    expect(minutes).toBe(120);
    const state = { failingSince: 0, attempts: 4, lastError: 'x', alertedAt: null };
    expect(platformAlertDue(defaultPlan, state, minutes * 60_000 - 1)).toBe(false);
    expect(platformAlertDue(defaultPlan, state, minutes * 60_000)).toBe(true);
    expect(platformAlertDue(defaultPlan, { ...state, alertedAt: 1 }, minutes * 60_000)).toBe(false);
  });
});
