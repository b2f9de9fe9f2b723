/**
 * 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters over the alphabet
 * 0-9 and A-Y without I, O, Z, S, V (31 characters). Position 1: registering authority, 2: entity
 * type, 3–8: administrative division code (digits), 9–17: organisation code, 18: check character:
 * C18 = 31 − (Σ Ci·Wi mod 31) with Wi = 3^(i−1) mod 31, and 31 written as 0.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters, or null when a character is outside the alphabet. */
export function usccCheckCharacter(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i] ?? '');
    if (v < 0) return null;
    sum += v * (WEIGHTS[i] as number);
  }
  const check = 31 - (sum % 31);
  return ALPHABET[check === 31 ? 0 : check] as string;
}

/** null when valid; otherwise the reason (Chinese, shown to the user). */
export function usccProblem(code: string): string | null {
  if (code.length !== 18) return `统一社会信用代码应为18位，实际${code.length}位`;
  for (const ch of code) if (!ALPHABET.includes(ch)) return `统一社会信用代码含非法字符“${ch}”`;
  if (!/^\d{6}$/.test(code.slice(2, 8))) return '统一社会信用代码第3-8位（登记管理机关行政区划码）应为数字';
  const expected = usccCheckCharacter(code.slice(0, 17));
  if (expected !== code[17]) return `统一社会信用代码校验码错误（应为${expected}）`;
  return null;
}

export function isValidUscc(code: string): boolean {
  return usccProblem(code) === null;
}

/** Completes 17 characters with their check character (test data, demos). */
export function withUsccCheck(first17: string): string {
  const c = usccCheckCharacter(first17);
  if (c === null || first17.length !== 17) throw new Error(`cannot complete USCC "${first17}"`);
  return first17 + c;
}
