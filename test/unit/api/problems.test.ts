/** The console's one dictionary of Chinese error messages covers exactly the API's error codes. */
import { describe, expect, it } from 'vitest';
import { PROBLEM_CODES } from '../../../src/api/problems.js';

const dictionaryUrl = new URL('../../../console/error-messages.js', import.meta.url).href;

describe('error codes', () => {
  it('every code of the API has a Chinese message in the console, and nothing else does', async () => {
    const { ERROR_MESSAGES } = (await import(dictionaryUrl)) as { ERROR_MESSAGES: Record<string, string> };
    expect(Object.keys(ERROR_MESSAGES).sort()).toEqual(Object.keys(PROBLEM_CODES).sort());
    for (const [code, text] of Object.entries(ERROR_MESSAGES)) {
      expect(text, code).toMatch(/^[\u4e00-\u9fff]/);
    }
  });

  it('each code has a 4xx/5xx status and an English title', () => {
    for (const [code, { status, title }] of Object.entries(PROBLEM_CODES)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(title.length, code).toBeGreaterThan(3);
    }
  });
});
