import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidUscc, usccProblem, withUsccCheck } from '../../../src/adapters/power/uscc.js';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const char = fc.constantFrom(...ALPHABET.split(''));
const first17 = fc
  .tuple(
    fc.array(char, { minLength: 2, maxLength: 2 }),
    fc.array(fc.constantFrom(...'0123456789'.split('')), { minLength: 6, maxLength: 6 }),
    fc.array(char, { minLength: 9, maxLength: 9 }),
  )
  .map(([a, b, c]) => [...a, ...b, ...c].join(''));

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts published codes and rejects a wrong check character', () => {
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91110108551385082Q')).toBe(true);
    expect(usccProblem('91350100M000100Y44')).toMatch(/校验码错误（应为3）/);
  });

  it('names the problem: length, characters, division code', () => {
    expect(usccProblem('9135010')).toMatch(/18位/);
    expect(usccProblem('91350100M000100YI3')).toMatch(/非法字符“I”/);
    expect(usccProblem('91ABCDEFM000100Y43')).toMatch(/第3-8位/);
  });

  it('every completed code validates, and any single substitution is detected', () => {
    fc.assert(
      fc.property(first17, fc.nat(17), char, (prefix, pos, replacement) => {
        const code = withUsccCheck(prefix);
        expect(isValidUscc(code)).toBe(true);
        const changed = code.slice(0, pos) + replacement + code.slice(pos + 1);
        if (changed !== code && /^\d{6}$/.test(changed.slice(2, 8))) expect(isValidUscc(changed)).toBe(false);
      }),
    );
  });
});
