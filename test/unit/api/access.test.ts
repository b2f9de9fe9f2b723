import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  assertActsFor,
  assertEpisodeAccess,
  canSeeJurisdiction,
  visibleJurisdictions,
} from '../../../src/api/access.js';
import { ApiError, fromErrorCode } from '../../../src/api/errors.js';
import { sniffImage } from '../../../src/api/photos.js';
import { checkPrincipal } from '../../../src/api/principal-store.js';
import { canonicalJson } from '../../../src/api/security.js';
import { mapTemporalError } from '../../../src/api/temporal-errors.js';
import { ERROR_HTTP_STATUS, ErrorCode } from '../../../src/domain/errors.js';

const branch = { id: 'b', role: 'unit' as const, unit: 'branch.shuangta' };
const enforcement = { id: 'e', role: 'unit' as const, unit: 'enforcement' };
const office = { id: 'o', role: 'office' as const, unit: 'office' };

describe('jurisdiction rules', () => {
  it('confines a branch to its county and the city-wide episodes; others see all', () => {
    expect(visibleJurisdictions(branch)).toEqual(['shuangta', 'chaoyang']);
    expect(visibleJurisdictions(enforcement)).toBeNull();
    expect(visibleJurisdictions(office)).toBeNull();
    expect(canSeeJurisdiction(branch, 'beipiao')).toBe(false);
    expect(canSeeJurisdiction(enforcement, 'beipiao')).toBe(true);
  });

  it('refuses another county’s episode from the id alone, with the same error whether it exists or not', () => {
    expect(() => assertEpisodeAccess(branch, 'episode:shuangta:2026-11-29:1')).not.toThrow();
    expect(() => assertEpisodeAccess(branch, 'exercise:chaoyang:2026-11-29:1')).not.toThrow();
    const refusal = (() => {
      try {
        assertEpisodeAccess(branch, 'episode:beipiao:2026-11-29:1');
      } catch (err) {
        return err as ApiError;
      }
    })();
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal?.statusCode).toBe(403);
    expect(refusal?.message).not.toContain('beipiao');
    expect(() => assertActsFor(branch, 'enforcement')).toThrow(ApiError);
    expect(() => assertActsFor(office, 'enforcement')).not.toThrow();
  });

  it('checks principals against the plan', () => {
    expect(checkPrincipal({ id: 'x', role: 'unit', unit: 'branch.beipiao' })).toBeNull();
    expect(checkPrincipal({ id: 'x', role: 'unit' })).toMatch(/unit/);
    expect(checkPrincipal({ id: 'x', role: 'unit', unit: 'commander' })).toMatch(/unit/);
    expect(checkPrincipal({ id: 'Bad Id', role: 'office' })).toMatch(/id/);
  });
});

describe('error mapping (one place)', () => {
  it('maps every ErrorCode to its HTTP status; 403 always with the one refusal body; 5xx without detail', () => {
    for (const code of Object.values(ErrorCode)) {
      const err = fromErrorCode(code, 'msg', { issues: [] });
      expect(err.statusCode).toBe(ERROR_HTTP_STATUS[code]);
      if (err.statusCode === 403) expect(err.message).toBe('not allowed for this principal');
      if (err.statusCode === 500) expect(err.details).toBeUndefined();
    }
    expect(fromErrorCode('SOMETHING_ELSE', 'x').statusCode).toBe(500);
  });

  it('maps a rejected Update to the code and field issues of its ApplicationFailure', () => {
    const failure = ApplicationFailure.create({
      type: ErrorCode.VALIDATION,
      message: 'responseDay: not open',
      details: [{ issues: [{ path: 'responseDay', message: 'no such response day yet' }] }],
    });
    const mapped = mapTemporalError(new WorkflowUpdateFailedError('update failed', failure)) as ApiError;
    expect(mapped.statusCode).toBe(400);
    expect(mapped.code).toBe('validation');
    expect(mapped.details).toEqual({
      issues: [{ path: 'responseDay', message: 'no such response day yet' }],
    });
    const stale = mapTemporalError(
      new WorkflowUpdateFailedError(
        'x',
        ApplicationFailure.create({ type: ErrorCode.STALE_PROPOSAL, message: 'stale' }),
      ),
    ) as ApiError;
    expect(stale.statusCode).toBe(409);
    const gone = mapTemporalError(new WorkflowNotFoundError('gone', 'w', undefined)) as ApiError;
    expect(gone.statusCode).toBe(404);
    const closed = mapTemporalError(new WorkflowNotFoundError('gone', 'w', undefined), {
      closed: true,
    }) as ApiError;
    expect(closed.statusCode).toBe(409);
  });
});

describe('helpers', () => {
  it('hashes requests independently of key order', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });

  it('sniffs jpeg, png and webp from the bytes, nothing else', () => {
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('89504e470d0a1a0a0000', 'hex'))).toBe('image/png');
    expect(sniffImage(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]))).toBe(
      'image/webp',
    );
    expect(sniffImage(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
  });
});
