/** Photos (and documents, the same helper) carry a strong ETag; If-None-Match answers 304 with no body. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ifNoneMatch } from '../../../src/api/etag.js';
import { PNG_1x1, apiSuite, bearer, multipart } from './api-helpers.js';

const s = apiSuite('no-worker-needed');

describe('ETags', () => {
  it('a photo answers its SHA-256 as ETag, and 304 when the caller has it', async () => {
    const upload = multipart([{ name: 'p', filename: 'a.png', contentType: 'image/png', data: PNG_1x1 }]);
    const posted = await s.app.inject({
      method: 'POST',
      url: '/photos',
      headers: { ...bearer(s.who.shuangta), ...upload.headers },
      payload: upload.payload,
    });
    const id = posted.json().photos[0].id as string;
    const first = await s.app.inject({
      method: 'GET',
      url: `/photos/${id}`,
      headers: bearer(s.who.shuangta),
    });
    expect(first.statusCode).toBe(200);
    const etag = `"${createHash('sha256').update(PNG_1x1).digest('hex')}"`;
    expect(first.headers.etag).toBe(etag);
    expect(first.rawPayload.equals(PNG_1x1)).toBe(true);
    const again = await s.app.inject({
      method: 'GET',
      url: `/photos/${id}`,
      headers: { ...bearer(s.who.shuangta), 'if-none-match': `"other", W/${etag}` },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    const changed = await s.app.inject({
      method: 'GET',
      url: `/photos/${id}`,
      headers: { ...bearer(s.who.shuangta), 'if-none-match': '"something-else"' },
    });
    expect(changed.statusCode).toBe(200);
    // a refusal stays a refusal whatever the caller claims to hold
    const foreign = await s.app.inject({
      method: 'GET',
      url: `/photos/${id}`,
      headers: { ...bearer(s.who.enforcement), 'if-none-match': etag },
    });
    expect(foreign.statusCode).toBe(403);
  });

  it('If-None-Match: lists, weak forms and * (RFC 9110 §13.1.2)', () => {
    expect(ifNoneMatch('"a", "b"', '"b"')).toBe(true);
    expect(ifNoneMatch('W/"b"', '"b"')).toBe(true);
    expect(ifNoneMatch('*', '"b"')).toBe(true);
    expect(ifNoneMatch('"ab"', '"b"')).toBe(false);
    expect(ifNoneMatch(undefined, '"b"')).toBe(false);
  });
});
