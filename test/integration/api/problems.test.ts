/** Every error answers RFC 9457 problem details; validation messages in Chinese for zh-CN callers. */
import { describe, expect, it } from 'vitest';
import { apiSuite, bearer } from './api-helpers.js';

const s = apiSuite('no-worker-needed');

describe('problem+json', () => {
  it('a validation error names each field and the reason, with the request id and path', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/episodes?x=1',
      headers: bearer(s.who.office),
      payload: { jurisdiction: 'chaoyang', forecast: [{ date: '2026-13-01', aqi: 5000 }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const body = res.json();
    expect(body).toMatchObject({
      type: '/problems/validation',
      title: 'The request is not valid',
      status: 400,
      code: 'validation',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(body.instance).toBe(`urn:uuid:${body.requestId}`);
    const paths = body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.forecast.0.date', 'body.forecast.0.aqi']));
    const aqi = body.errors.find((e: { path: string }) => e.path === 'body.forecast.0.aqi');
    expect(aqi.message).toMatch(/2000/);
    expect(body.detail).toContain('body.forecast.0.aqi: ');
  });

  it("a zh-CN caller reads zod's own messages in Chinese, the schema's own words as written", async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/episodes',
      headers: { ...bearer(s.who.office), 'accept-language': 'zh-CN,zh;q=0.9' },
      payload: { jurisdiction: 'chaoyang', forecast: [{ date: '2026-13-01', aqi: 5000 }], seq: 'x' },
    });
    const errors = res.json().errors as Array<{ path: string; message: string }>;
    const by = (p: string) => errors.find((e) => e.path === p)?.message;
    expect(by('body.forecast.0.aqi')).toBe('数值过大：期望 number <=2000');
    expect(by('body.seq')).toBe('无效输入：期望 数字，实际接收 string');
    expect(by('body.forecast.0.date')).toBe('not a calendar date');
  });

  it('401, 403, 404 and unknown routes are problems too, each with its type', async () => {
    const none = await s.app.inject({ method: 'GET', url: '/episodes' });
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(none.json()).toMatchObject({
      status: 401,
      code: 'unauthenticated',
      type: '/problems/unauthenticated',
    });
    const forbidden = await s.app.inject({
      method: 'POST',
      url: '/episodes',
      headers: bearer(s.who.auditor),
      payload: {},
    });
    expect(forbidden.json()).toMatchObject({
      status: 403,
      code: 'forbidden',
      detail: 'not allowed for this principal',
    });
    const route = await s.app.inject({ method: 'GET', url: '/no/such/route' });
    expect(route.json()).toMatchObject({
      status: 404,
      code: 'not_found',
      detail: 'no route GET /no/such/route',
    });
    const malformed = await s.app.inject({
      method: 'POST',
      url: '/episodes',
      headers: { ...bearer(s.who.office), 'content-type': 'application/json' },
      payload: '{"jurisdiction":',
    });
    expect(malformed.json()).toMatchObject({ status: 400, code: 'malformed_body' });
    // the type URI dereferences to what the code means
    const doc = await s.app.inject({ method: 'GET', url: forbidden.json().type });
    expect(doc.json()).toEqual({ code: 'forbidden', status: 403, title: 'Not allowed' });
  });
});
