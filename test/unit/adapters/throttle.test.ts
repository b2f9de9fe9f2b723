import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CHANNEL_LIMITS,
  createThrottle,
  parseChannelLimits,
} from '../../../src/adapters/notification/throttle.js';

describe('per-target send limits', () => {
  it('lets 20 messages a minute through to one robot, then reserves the next slots in order', () => {
    let t = 1_000_000;
    const throttle = createThrottle(DEFAULT_CHANNEL_LIMITS, { maxWaitMs: 40_000, now: () => t });
    for (let i = 0; i < 20; i++) {
      expect(throttle.reserve('wecom', 'robot-a')).toBe(0);
      t += 1_000; // 20 sends in 20 s
    }
    // the 21st: the window's first send leaves it at 1_000_000 + 60 s, 40 s from now → reserved
    expect(throttle.reserve('wecom', 'robot-a')).toBe(40_000);
    // the 22nd would wait 41 s: longer than allowed, so it is told when to come back
    expect(throttle.reserve('wecom', 'robot-a')).toEqual({ retryAfterMs: 41_000 });
    // another robot and another channel kind are not held up
    expect(throttle.reserve('wecom', 'robot-b')).toBe(0);
    expect(throttle.reserve('email', 'office@example.gov.cn')).toBe(0);
    // once the window has moved on there is room again
    t += 100_000;
    expect(throttle.reserve('wecom', 'robot-a')).toBe(0);
  });

  it('reads the limits from configuration, per channel kind; a wrong one names the field', () => {
    expect(parseChannelLimits(undefined)).toEqual(DEFAULT_CHANNEL_LIMITS);
    expect(parseChannelLimits('{"sms":{"messages":5,"perSeconds":1}}')).toEqual({
      sms: { messages: 5, perMs: 1_000 },
    });
    expect(parseChannelLimits('{}')).toEqual({});
    expect(() => parseChannelLimits('{"fax":{"messages":1,"perSeconds":1}}')).toThrow(/fax/);
    expect(() => parseChannelLimits('{"wecom":{"messages":0,"perSeconds":60}}')).toThrow(/messages/);
  });
});
