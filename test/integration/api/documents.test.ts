/**
 * The documents API: the list (with the warning notices produced from the event log, and their
 * numbers), DOCX/HTML/PDF downloads (503 pdf_unavailable in Chinese without LibreOffice) and the
 * office's 存在问题及经验做法 of the work summary.
 */
import { describe, expect, it } from 'vitest';
import { playBackScenario } from '../../documents-playback.js';
import { apiSuite, bearer, testApp } from './api-helpers.js';

const s = apiSuite('no-worker-needed');

interface Listed {
  id: string;
  kind: string;
  key: string;
  number: string | null;
  links: { docx: string; html: string; pdf: string };
}

async function listed(episodeId: string): Promise<Listed[]> {
  const res = await s.app.inject({
    method: 'GET',
    url: `/episodes/${encodeURIComponent(episodeId)}/documents`,
    headers: bearer(s.who.office),
  });
  expect(res.statusCode).toBe(200);
  return res.json().items;
}

describe('documents API', () => {
  it('lists every document with its number, the warning notices included; PDF beside DOCX and HTML', async () => {
    const id = await playBackScenario(s.ctx.pool, 'yellow-3-days-on-time.working-time');
    const items = await listed(id);
    expect(items.map((d) => d.kind).sort()).toEqual([
      'daily-report',
      'daily-report',
      'daily-report',
      'daily-report',
      'warning-notice',
      'warning-notice',
      'work-summary',
    ]);
    for (const d of items) {
      expect(d.number).toMatch(d.kind === 'daily-report' ? /^第\d+期$/ : /^朝重污指办〔2026〕\d+号$/);
      expect(d.links.pdf).toBe(`/documents/${d.id}?format=pdf`);
    }
    // listing again produces nothing new
    expect((await listed(id)).map((d) => d.id)).toEqual(items.map((d) => d.id));

    const summary = items.find((d) => d.kind === 'work-summary')!;
    const pdf = await s.app.inject({ method: 'GET', url: summary.links.pdf, headers: bearer(s.who.leader) });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const admin = await s.app.inject({
      method: 'GET',
      url: summary.links.pdf,
      headers: bearer(s.who.admin),
    });
    expect(admin.statusCode).toBe(403);

    // a server without LibreOffice: DOCX still works, PDF answers 503 with a Chinese detail
    const bare = await testApp(s.ctx, 'no-worker-needed', { soffice: '/nonexistent/soffice' });
    try {
      const notice = items.find((d) => d.kind === 'warning-notice')!;
      const res = await bare.inject({ method: 'GET', url: notice.links.pdf, headers: bearer(s.who.office) });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({
        code: 'pdf_unavailable',
        detail: '暂无法生成PDF：服务器未安装LibreOffice，请下载DOCX或HTML版本',
      });
      const docx = await bare.inject({
        method: 'GET',
        url: notice.links.docx,
        headers: bearer(s.who.office),
      });
      expect(docx.statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  }, 180_000);

  it('the office writes 存在问题及经验做法: the work summary is re-rendered with it and keeps its number', async () => {
    const id = await playBackScenario(s.ctx.pool, 'yellow-3-days-on-time.working-time');
    const before = (await listed(id)).find((d) => d.kind === 'work-summary')!;
    const url = `/episodes/${encodeURIComponent(id)}/work-summary/lessons`;
    const text = '会商研判及时，个别单位日报迟报，需加强值守。';
    const denied = await s.app.inject({
      method: 'PUT',
      url,
      headers: bearer(s.who.beipiao),
      payload: { text },
    });
    expect(denied.statusCode).toBe(403);
    const empty = await s.app.inject({
      method: 'PUT',
      url,
      headers: bearer(s.who.office),
      payload: { text: ' ' },
    });
    expect(empty.statusCode).toBe(400);
    expect(JSON.stringify(empty.json())).toContain('text');
    const ok = await s.app.inject({ method: 'PUT', url, headers: bearer(s.who.office), payload: { text } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ documentId: before.id });
    const after = (await listed(id)).find((d) => d.kind === 'work-summary')!;
    expect(after.number).toBe(before.number);
    const html = await s.app.inject({ method: 'GET', url: after.links.html, headers: bearer(s.who.office) });
    expect(html.body).toContain(text);
    expect(html.body).toContain(after.number!);
    expect(html.body).not.toContain('（本部分由专班办公室填写');
  });
});
