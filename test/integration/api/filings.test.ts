/**
 * 一厂一策 filing through HTTP: the office or the county's branch files the sheet (measures per level,
 * the signed document); only the branch of the enterprise's county reviews it (approve, or return
 * saying why); states read 未报备 / 已报备 / 退回修改 / 已审核; a branch manages its own county only.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sheetInForce } from '../../../src/adapters/filings/index.js';
import { importListDraft, publishList, withUsccCheck } from '../../../src/adapters/power/index.js';
import { type TestPrincipal, apiSuite, bearer, multipart } from './api-helpers.js';

const s = apiSuite('filings-no-worker');

const t = randomBytes(3).toString('hex').toUpperCase();
const uscc = () => withUsccCheck(`91211300${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`);
/** A list year of this file alone (9000–9449; the reminders test takes 9450–9899, the console 9900–). */
const year = 9000 + Math.floor(Math.random() * 450);
const [st, bp] = [`F${t}1`, `F${t}2`];

const sheet = {
  yellow: {
    measures: ['停止烧结机1台', '物料运输车辆禁止上路'],
    expectedCutPercent: 15,
    linesToStop: ['1号烧结机'],
  },
  orange: { measures: ['停止烧结机2台'], expectedCutPercent: 25, linesToStop: ['1号烧结机', '2号烧结机'] },
};

const file = (p: TestPrincipal, id: string, body: unknown) =>
  s.app.inject({
    method: 'POST',
    url: `/filings/${year}/${id}`,
    headers: bearer(p),
    payload: body as object,
  });
const review = (p: TestPrincipal, id: string, body: unknown) =>
  s.app.inject({
    method: 'POST',
    url: `/filings/${year}/${id}/review`,
    headers: bearer(p),
    payload: body as object,
  });
const detail = (p: TestPrincipal, id: string) =>
  s.app.inject({ url: `/filings/${year}/${id}`, headers: bearer(p) });

describe('一厂一策 filing', () => {
  it('sets up the year’s list', async () => {
    const csv = [
      '企业编号,企业名称,统一社会信用代码,所在县区,绩效分级,重点企业,电表编号',
      `${st},双塔钢铁${t},${uscc()},双塔区,B-,是,FM${t}1`,
      `${bp},北票水泥${t},${uscc()},北票市,C,否,FM${t}2`,
    ].join('\n');
    const r = await importListDraft(s.ctx.pool, {
      year,
      fileName: 'list.csv',
      content: Buffer.from(csv),
      format: 'csv',
      actor: 'test',
      nowMs: Date.now(),
    });
    expect(r.errors).toEqual([]);
    await publishList(s.ctx.pool, {
      listId: r.listId,
      effectiveFromMs: Date.parse(`${year}-01-01T00:00:00+08:00`),
      actor: 'test',
      nowMs: Date.now(),
    });
    const list = await s.app.inject({ url: `/filings?year=${year}`, headers: bearer(s.who.office) });
    expect(list.json().counts).toEqual({ unfiled: 2, filed: 0, returned: 0, approved: 0 });
    expect(list.json().items.map((i: { stateWords: string }) => i.stateWords)).toEqual(['未报备', '未报备']);
  });

  it('the branch files its county’s sheet; the same sheet again changes nothing', async () => {
    const first = await file(s.who.shuangta, st, { levels: sheet });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ changed: true, state: 'filed', stateWords: '已报备', revision: 1 });
    const again = await file(s.who.shuangta, st, { levels: sheet });
    expect(again.json()).toEqual({ changed: false, state: 'filed', stateWords: '已报备', revision: 1 });
    const d = (await detail(s.who.shuangta, st)).json();
    expect(d.levels.yellow).toEqual(sheet.yellow);
    expect(d.history).toEqual([
      expect.objectContaining({ fromWords: '未报备', toWords: '已报备', actor: s.who.shuangta.id }),
    ]);
  });

  it('a branch manages filings only in its county', async () => {
    expect((await file(s.who.shuangta, bp, { levels: sheet })).statusCode).toBe(403);
    expect((await detail(s.who.shuangta, bp)).statusCode).toBe(403);
    const mine = await s.app.inject({ url: `/filings?year=${year}`, headers: bearer(s.who.shuangta) });
    expect(mine.json().items.map((i: { enterpriseId: string }) => i.enterpriseId)).toEqual([st]);
    expect(
      (await s.app.inject({ url: `/filings?year=${year}&county=beipiao`, headers: bearer(s.who.shuangta) }))
        .statusCode,
    ).toBe(403);
    // the enforcement team is no county's branch
    expect((await file(s.who.enforcement, st, { levels: sheet })).statusCode).toBe(403);
  });

  it('the office files with the signed document; only the county’s branch reviews; a return says why', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% 一厂一策\n%%EOF\n');
    const form = multipart([
      {
        name: 'filing',
        value: JSON.stringify({ levels: { red: { measures: ['全厂停产'], expectedCutPercent: 100 } } }),
      },
      { name: 'document', filename: '一厂一策.pdf', contentType: 'application/pdf', data: pdf },
    ]);
    const res = await s.app.inject({
      method: 'POST',
      url: `/filings/${year}/${bp}`,
      headers: { ...bearer(s.who.office), ...form.headers },
      payload: form.payload,
    });
    expect(res.statusCode).toBe(200);
    const doc = await s.app.inject({
      url: `/filings/${year}/${bp}/document`,
      headers: bearer(s.who.beipiao),
    });
    expect(doc.statusCode).toBe(200);
    expect(doc.headers['content-type']).toBe('application/pdf');
    expect(doc.rawPayload.equals(pdf)).toBe(true);
    expect(
      (await s.app.inject({ url: `/filings/${year}/${bp}/document`, headers: bearer(s.who.shuangta) }))
        .statusCode,
    ).toBe(403);

    expect((await review(s.who.shuangta, bp, { decision: 'approve' })).statusCode).toBe(403);
    expect((await review(s.who.office, bp, { decision: 'approve' })).statusCode).toBe(403);
    const noReason = await review(s.who.beipiao, bp, { decision: 'return' });
    expect(noReason.statusCode).toBe(400);
    expect(JSON.stringify(noReason.json())).toContain('reason');
    const back = await review(s.who.beipiao, bp, {
      decision: 'return',
      reason: '红色预警措施未列明停产工序',
    });
    expect(back.json()).toEqual({ changed: true, state: 'returned', stateWords: '退回修改' });
    const d = (await detail(s.who.beipiao, bp)).json();
    expect(d.reason).toBe('红色预警措施未列明停产工序');
    expect(d.document).toMatchObject({ fileName: '一厂一策.pdf', contentType: 'application/pdf' });
    expect(d.history.map((h: { toWords: string }) => h.toWords)).toEqual(['已报备', '退回修改']);
    // a returned sheet cannot be approved; it is filed again first
    expect((await review(s.who.beipiao, bp, { decision: 'approve' })).statusCode).toBe(409);
  });

  it('an approved sheet stays as it is', async () => {
    const ok = await review(s.who.shuangta, st, { decision: 'approve' });
    expect(ok.json()).toEqual({ changed: true, state: 'approved', stateWords: '已审核' });
    expect((await review(s.who.shuangta, st, { decision: 'approve' })).json().changed).toBe(false);
    expect((await file(s.who.shuangta, st, { levels: sheet })).statusCode).toBe(409);
    // what an inspection during the year's list checks against: the approved sheet; before the list, none
    expect(await sheetInForce(s.ctx.pool, st, Date.parse(`${year}-12-01T10:00:00+08:00`))).toEqual({
      year,
      state: 'approved',
      levels: sheet,
    });
    expect(await sheetInForce(s.ctx.pool, st, Date.now())).toBeNull();
    const list = await s.app.inject({
      url: `/filings?year=${year}&state=approved`,
      headers: bearer(s.who.leader),
    });
    expect(list.json().items.map((i: { enterpriseId: string }) => i.enterpriseId)).toEqual([st]);
  });

  it('bad input answers 400 naming the field, a document of another kind 415, an enterprise off the list 404', async () => {
    const bad = await file(s.who.office, bp, {
      levels: { yellow: { measures: ['x'], expectedCutPercent: 120 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('levels.yellow.expectedCutPercent');
    const empty = await file(s.who.office, bp, { levels: {} });
    expect(empty.statusCode).toBe(400);
    const form = multipart([
      { name: 'filing', value: JSON.stringify({ levels: sheet }) },
      { name: 'document', filename: 'a.txt', contentType: 'text/plain', data: Buffer.from('hello') },
    ]);
    const txt = await s.app.inject({
      method: 'POST',
      url: `/filings/${year}/${bp}`,
      headers: { ...bearer(s.who.office), ...form.headers },
      payload: form.payload,
    });
    expect(txt.statusCode).toBe(415);
    expect((await file(s.who.office, 'NOT-ON-LIST', { levels: sheet })).statusCode).toBe(404);
  });
});
