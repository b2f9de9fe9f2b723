/** Reference-data imports through HTTP: CSV and XLSX uploads, row errors with line numbers, all or nothing. */
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../../src/adapters/power/index.js';
import { type TestPrincipal, bearer, multipart, tableCounts, apiSuite } from './api-helpers.js';

const s = apiSuite('imports-no-worker');

const tag = () => randomBytes(3).toString('hex').toUpperCase();
const uscc = () => withUsccCheck(`91211300${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`);

function upload(
  url: string,
  fileName: string,
  data: Buffer,
  contentType = 'text/csv',
  p: TestPrincipal = s.who.office,
) {
  const form = multipart([{ name: 'file', filename: fileName, contentType, data }]);
  return s.app.inject({
    method: 'POST',
    url,
    headers: { ...bearer(p), ...form.headers },
    payload: form.payload,
  });
}

describe('POST /enterprises/import and /readings/import', () => {
  it('imports a valid CSV list and its readings, then an XLSX file', async () => {
    const t = tag();
    const csv = [
      '企业编号,企业名称,统一社会信用代码,所在县区,绩效分级,重点企业,电表编号,豁免类型',
      `E${t}1,朝阳钢铁${t},${uscc()},双塔区,B,是,M${t}1;M${t}2,无`,
      `E${t}2,北票水泥${t},${uscc()},北票市,C,否,M${t}3,无`,
    ].join('\n');
    const res = await upload('/enterprises/import', 'list.csv', Buffer.from(csv, 'utf8'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ imported: 2, fileName: 'list.csv' });
    const stored = await s.ctx.pool.query('SELECT id, county FROM enterprises WHERE id LIKE $1 ORDER BY id', [
      `E${t}%`,
    ]);
    expect(stored.rows).toEqual([
      { id: `E${t}1`, county: 'shuangta' },
      { id: `E${t}2`, county: 'beipiao' },
    ]);

    const readings = ['电表编号,日期,用电量', `M${t}1,2026-11-20,1200.5`, `M${t}1,2026-11-21,1100`].join(
      '\n',
    );
    const r = await upload('/readings/import', 'readings.csv', Buffer.from(readings));
    expect(r.statusCode).toBe(200);
    expect(r.json().imported).toBe(2);

    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('readings');
    sheet.addRow(['电表编号', '日期', '用电量']);
    sheet.addRow([`M${t}3`, '2026-11-20', 300]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const x = await upload(
      '/readings/import',
      'readings.xlsx',
      xlsx,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(x.statusCode).toBe(200);
    expect(x.json().imported).toBe(1);
    const count = await s.ctx.pool.query(
      'SELECT count(*)::int AS n FROM meter_readings WHERE meter_id LIKE $1',
      [`M${t}%`],
    );
    expect(count.rows[0].n).toBe(3);

    // the list as imported, searchable; readings show how fresh each enterprise's data is
    const get = async (query: string, p: TestPrincipal = s.who.office) =>
      s.app.inject({ method: 'GET', url: `/enterprises?${query}`, headers: bearer(p) });
    const found = await get(`q=${encodeURIComponent(`钢铁${t}`)}`);
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({
      total: 1,
      items: [
        {
          id: `E${t}1`,
          name: `朝阳钢铁${t}`,
          county: 'shuangta',
          grade: 'B',
          keyEnterprise: true,
          meterIds: [`M${t}1`, `M${t}2`],
          lastReadingDay: '2026-11-21',
          sourceFile: 'list.csv',
        },
      ],
    });
    const byId = (await get(`q=E${t}`)).json();
    expect(byId.items.map((e: { id: string }) => e.id)).toEqual([`E${t}2`, `E${t}1`]); // by county, then id
    expect((await get(`q=E${t}&keyEnterprise=false`)).json().items.map((e: { id: string }) => e.id)).toEqual([
      `E${t}2`,
    ]);
    // E…1 has a meter (M…2) without a reading on the 20th; E…2's only meter has one
    expect(
      (await get(`q=E${t}&readingsMissingOn=2026-11-20`)).json().items.map((e: { id: string }) => e.id),
    ).toEqual([`E${t}1`]);
    // one page at a time: the answer's nextCursor and its Link header lead to the next one
    const first = await get(`q=E${t}&limit=1`);
    expect(first.json()).toMatchObject({ total: 2, items: [{ id: `E${t}2` }] });
    const next = first.json().nextCursor as string;
    expect(first.headers.link).toBe(`</enterprises?q=E${t}&limit=1&cursor=${next}>; rel="next"`);
    const page = await get(`q=E${t}&limit=1&cursor=${next}`);
    expect(page.json()).toMatchObject({ total: 2, items: [{ id: `E${t}1` }], nextCursor: null });
    expect(page.headers.link).toBeUndefined();
    const badCursor = await get(`q=E${t}&cursor=not-a-cursor`);
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().errors).toEqual([{ path: 'querystring.cursor', message: 'invalid' }]);
    // LIKE wildcards in q are taken literally
    // (unescaped, `E…%` and `E…_` would match both of this test's enterprises)
    expect((await get(`q=E${t}%25`)).json().total).toBe(0);
    expect((await get(`q=E${t}_`)).json().total).toBe(0);
    // a branch sees its own county only
    expect((await get(`q=E${t}`, s.who.shuangta)).json().items.map((e: { id: string }) => e.id)).toEqual([
      `E${t}1`,
    ]);
    expect((await get('county=beipiao', s.who.shuangta)).statusCode).toBe(403);
    const bad = await get('grade=Z');
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('grade');
    expect((await get('readingsMissingOn=2026-13-01')).statusCode).toBe(400);
  });

  it('refuses a file with bad rows with 400 naming line and reason, and imports nothing', async () => {
    const t = tag();
    const before = await tableCounts(s.ctx);
    const csv = [
      '企业编号,企业名称,统一社会信用代码,所在县区,绩效分级,重点企业,电表编号,豁免类型',
      `E${t}1,好企业${t},${uscc()},双塔区,B,是,M${t}1,无`,
      `E${t}2,坏企业${t},123,火星,Z,也许,,无`,
    ].join('\n');
    const res = await upload('/enterprises/import', 'bad.csv', Buffer.from(csv));
    expect(res.statusCode).toBe(400);
    const errors = res.json().errors as Array<{ path: string; line: number; field: string; message: string }>;
    expect(errors.every((e) => e.line === 3)).toBe(true);
    expect(errors.map((e) => e.field)).toEqual(expect.arrayContaining(['统一社会信用代码', '所在县区']));
    const readings = ['电表编号,日期,用电量', `M${t}1,2026-11-20,-5`, `M${t}1,not-a-date,10`].join('\n');
    const r = await upload('/readings/import', 'r.csv', Buffer.from(readings));
    expect(r.statusCode).toBe(400);
    expect(r.json().errors.map((e: { line: number }) => e.line)).toEqual([2, 3]);
    const after = await tableCounts(s.ctx);
    expect(after.enterprises).toBe(before.enterprises);
    expect(after.meter_readings).toBe(before.meter_readings);
  });

  it('refuses missing files, other formats and non-office callers', async () => {
    const none = await s.app.inject({
      method: 'POST',
      url: '/enterprises/import',
      headers: bearer(s.who.office),
      payload: {},
    });
    expect(none.statusCode).toBe(400);
    const pdf = await upload('/enterprises/import', 'list.pdf', Buffer.from('%PDF-1.4'), 'application/pdf');
    expect(pdf.statusCode).toBe(415);
    const fakeXlsx = await upload(
      '/readings/import',
      'r.xlsx',
      Buffer.from('not a zip'),
      'application/octet-stream',
    );
    expect(fakeXlsx.statusCode).toBe(400);
    const unit = await upload(
      '/readings/import',
      'r.csv',
      Buffer.from('电表编号,日期,用电量\n'),
      'text/csv',
      s.who.enforcement,
    );
    expect(unit.statusCode).toBe(403);
  });
});
