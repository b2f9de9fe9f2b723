/** Observed air quality through HTTP: station and hourly imports (all or nothing, upsert), daily AQI per jurisdiction. */
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type TestPrincipal, apiSuite, bearer, multipart, uniqueDate } from './api-helpers.js';

const s = apiSuite('air-quality-no-worker');
const tag = () => randomBytes(3).toString('hex').toUpperCase();
const HOURLY_HEADER = '站点编码,站点名称,时间,PM2.5,PM10,SO2,NO2,CO,O3';

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

/** 24 rows of one station for CST `date`, labelled by the END of the hour (01:00 … 24:00). */
function dayRows(code: string, date: string, pm25: (hour: number) => number | '') {
  return Array.from(
    { length: 24 },
    (_, h) => `${code},站${code},${date} ${String(h + 1).padStart(2, '0')}:00,${pm25(h)},40,10,30,0.5,60`,
  );
}

const daily = (jurisdiction: string, from: string, to: string, p: TestPrincipal = s.who.office) =>
  s.app.inject({
    method: 'GET',
    url: `/air-quality/daily?jurisdiction=${jurisdiction}&from=${from}&to=${to}`,
    headers: bearer(p),
  });

async function stations(t: string) {
  const csv = [
    '站点编码,站点名称,所属区县,站点类型',
    `A${t},市监测站${t},双塔区,国控`,
    `B${t},龙城站${t},longcheng,国控`,
    `C${t},北票站${t},北票市,省控`,
  ].join('\n');
  const res = await upload('/air-stations/import', 'stations.csv', Buffer.from(csv));
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({ imported: 3, fileName: 'stations.csv' });
}

describe('observed air quality', () => {
  it('imports stations and a day of hours; the city is the mean of its national stations; a correction replaces', async () => {
    const t = tag();
    await stations(t);
    const day = uniqueDate(); // after 2026-03-01: HJ 633-2026
    const csv = [HOURLY_HEADER, ...dayRows(`A${t}`, day, () => 80), ...dayRows(`B${t}`, day, () => 120)].join(
      '\n',
    );
    const res = await upload('/air-quality/hourly/import', 'hours.csv', Buffer.from(csv));
    expect(res.statusCode).toBe(200);
    expect(res.json().imported).toBe(48);

    const got = await daily('chaoyang', day, day);
    expect(got.statusCode).toBe(200);
    const [item] = got.json().items;
    const a = item.stations.find((x: { code: string }) => x.code === `A${t}`);
    // station A: PM2.5 80 (2026 edition): (150-100)/(115-60)*(80-60)+100 = 118.2 → 119
    expect(a.aqi).toMatchObject({
      aqi: 119,
      category: '轻度污染',
      primary: ['PM2.5'],
      edition: 'HJ633-2026',
      complete: true,
    });
    expect(item.stations.some((x: { code: string }) => x.code === `C${t}`)).toBe(false); // provincial: not the city's
    // the city: PM2.5 (80 + 120) / 2 = 100 → (150-100)/(115-60)*(100-60)+100 = 136.4 → 137
    expect(item.value.concentrations.pm25_24h).toEqual({ value: 100, basis: 2 });
    expect(item.value).toMatchObject({ aqi: 137, category: '轻度污染', primary: ['PM2.5'] });

    // the platform corrects station B (late, corrected values): the same hours, replaced, not added
    const fix = [HOURLY_HEADER, ...dayRows(`B${t}`, day, () => 40)].join('\n');
    expect((await upload('/air-quality/hourly/import', 'fix.csv', Buffer.from(fix))).statusCode).toBe(200);
    const n = await s.ctx.pool.query('SELECT count(*)::int AS n FROM aq_hourly WHERE station_code = $1', [
      `B${t}`,
    ]);
    expect(n.rows[0].n).toBe(24);
    const after = (await daily('chaoyang', day, day)).json().items[0].value;
    // (80 + 40) / 2 = 60 → IAQI 100 良 under the 2026 edition
    expect(after).toMatchObject({ aqi: 100, category: '良', primary: ['PM2.5'] });
  });

  it('a day with too few hours or none says so: null with the reason, never zero', async () => {
    const t = tag();
    await stations(t);
    const day = uniqueDate();
    // station C (北票市): 19 hours with PM2.5, 5 empty cells
    const csv = [HOURLY_HEADER, ...dayRows(`C${t}`, day, (h) => (h < 19 ? 200 : ''))].join('\n');
    expect((await upload('/air-quality/hourly/import', 'c.csv', Buffer.from(csv))).statusCode).toBe(200);
    const res = await daily('beipiao', day, day);
    const st = res.json().items[0].stations.find((x: { code: string }) => x.code === `C${t}`);
    expect(st.aqi.concentrations.pm25_24h).toEqual({
      value: null,
      basis: 19,
      reason: '有效小时数19，不足20小时',
    });
    expect(st.aqi.missing.pm25_24h).toBe('PM2.5日均值缺失：有效小时数19，不足20小时');
    expect(st.aqi.complete).toBe(false);
    // a day with no data at all, for a station that exists (and an HJ 633-2012 day)
    const empty = (await daily('beipiao', '2020-05-05', '2020-05-05')).json().items[0];
    const c = empty.stations.find((x: { code: string }) => x.code === `C${t}`);
    expect(c.aqi).toMatchObject({
      aqi: null,
      category: null,
      reason: '无任何有效污染物日值，无法计算AQI',
      edition: 'HJ633-2012',
    });
  });

  it('refuses a file with bad rows naming line and field, and imports nothing of it', async () => {
    const t = tag();
    await stations(t);
    const day = uniqueDate();
    const csv = [
      HOURLY_HEADER,
      `A${t},站,${day} 01:00,50,40,10,30,0.5,60`, // good, but must not be stored
      `X${t},站,${day} 02:00,50,40,10,30,0.5,60`, // unknown station
      `A${t},站,${day} 02:30,50,40,10,30,0.5,60`, // not a whole hour
      `A${t},站,${day} 03:00,-5,40,10,30,abc,60`, // negative, not a number
      `A${t},站,${day} 01:00,51,40,10,30,0.5,60`, // repeats line 2
    ].join('\n');
    const res = await upload('/air-quality/hourly/import', 'bad.csv', Buffer.from(csv));
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const errors = res.json().errors as Array<{ line: number; field: string; message: string }>;
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [3, '站点编码'],
      [4, '时间'],
      [5, 'PM2.5'],
      [5, 'CO'],
      [6, '时间'],
    ]);
    expect(errors[0]?.message).toBe(`站点X${t}不在站点信息中，请先导入站点信息`);
    expect(errors[4]?.message).toBe(`站点A${t}在该小时的数据与第2行重复`);
    const n = await s.ctx.pool.query('SELECT count(*)::int AS n FROM aq_hourly WHERE station_code = $1', [
      `A${t}`,
    ]);
    expect(n.rows[0].n).toBe(0);

    const badStations = [
      '站点编码,站点名称,所属区县,站点类型',
      `D${t},站,火星,国控`,
      `E${t},站,北票市,市控`,
    ].join('\n');
    const r = await upload('/air-stations/import', 'st.csv', Buffer.from(badStations));
    expect(r.statusCode).toBe(400);
    expect(r.json().errors.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([
      [2, '所属区县'],
      [3, '站点类型'],
    ]);
    const missingColumn = await upload(
      '/air-quality/hourly/import',
      'h.csv',
      Buffer.from('站点编码,时间,PM2.5\n'),
    );
    expect(missingColumn.statusCode).toBe(400);
    expect(missingColumn.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'PM10',
      'SO2',
      'NO2',
      'CO',
      'O3',
    ]);
  });

  it('imports XLSX with date cells; readers of other counties are refused; bad ranges are 400', async () => {
    const t = tag();
    await stations(t);
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('小时数据');
    sheet.addRow(['站点编码', '站点名称', '时间', 'PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3']);
    // 2026-01-20 01:00 … 2026-01-21 00:00 as Excel date cells (wall-clock time)
    for (let h = 1; h <= 24; h++) {
      sheet.addRow([`A${t}`, '站', new Date(Date.UTC(2026, 0, 20, h)), 75, 40, 10, 30, 0.5, 60]);
    }
    const x = await upload(
      '/air-quality/hourly/import',
      'hours.xlsx',
      Buffer.from(await wb.xlsx.writeBuffer()),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(x.statusCode).toBe(200);
    expect(x.json().imported).toBe(24);
    const res = await daily('shuangta', '2026-01-20', '2026-01-21', s.who.shuangta);
    expect(res.statusCode).toBe(200);
    const [d20, d21] = res.json().items;
    const a20 = d20.stations.find((y: { code: string }) => y.code === `A${t}`);
    // 2026-01-20 is an HJ 633-2012 day: PM2.5 75 → 100 良
    expect(a20.aqi).toMatchObject({ aqi: 100, category: '良', edition: 'HJ633-2012', complete: true });
    expect(d21.stations.find((y: { code: string }) => y.code === `A${t}`).aqi.aqi).toBeNull();

    expect((await daily('chaoyang', '2026-01-20', '2026-01-20', s.who.shuangta)).statusCode).toBe(200);
    const other = await daily('beipiao', '2026-01-20', '2026-01-20', s.who.shuangta);
    expect(other.statusCode).toBe(403);
    const back = await daily('shuangta', '2026-01-21', '2026-01-20');
    expect(back.statusCode).toBe(400);
    expect(back.json().detail ?? back.json().title).toBeTruthy();
    expect((await daily('shuangta', '2025-01-01', '2026-12-31')).statusCode).toBe(400);
    expect((await daily('mars', '2026-01-01', '2026-01-01')).statusCode).toBe(400);
    expect(
      (
        await upload(
          '/air-quality/hourly/import',
          'h.csv',
          Buffer.from(HOURLY_HEADER),
          'text/csv',
          s.who.shuangta,
        )
      ).statusCode,
    ).toBe(403);
  });

  it('serves the rolling 24-h AQI across calendar days', async () => {
    const t = tag();
    await stations(t);
    // a county station: clean on 2025-11-10, PM2.5 300 on 2025-11-11 (end-of-hour labels)
    const csv = [
      HOURLY_HEADER,
      ...dayRows(`C${t}`, '2025-11-10', () => 20),
      ...dayRows(`C${t}`, '2025-11-11', () => 300).slice(0, 23), // … up to 23:00 (the 24:00 row would be 11-12 00:00)
    ].join('\n');
    expect((await upload('/air-quality/hourly/import', 'r.csv', Buffer.from(csv))).statusCode).toBe(200);
    const at = encodeURIComponent('2025-11-11T12:00:00+08:00');
    const res = await s.app.inject({
      method: 'GET',
      url: `/air-quality/rolling?jurisdiction=beipiao&at=${at}`,
      headers: bearer(s.who.beipiao),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.hourEnd).toBe('2025-11-11T12:00:00+08:00');
    const c = body.stations.find((x: { code: string }) => x.code === `C${t}`);
    // 12 clean hours of the 10th and 12 of the 11th: PM2.5 (20 + 300) / 2 = 160 → 210 重度污染 (2012)
    expect(c.aqi.concentrations.pm25_24h).toEqual({ value: 160, basis: 24 });
    expect(c.aqi).toMatchObject({
      aqi: 210,
      category: '重度污染',
      primary: ['PM2.5'],
      edition: 'HJ633-2012',
    });
    const half = await s.app.inject({
      method: 'GET',
      url: `/air-quality/rolling?jurisdiction=beipiao&at=${encodeURIComponent('2025-11-11T12:30:00+08:00')}`,
      headers: bearer(s.who.office),
    });
    expect(half.statusCode).toBe(400);
    expect(half.json().errors[0].message).toBe('应为整点时间');
    const other = await s.app.inject({
      method: 'GET',
      url: `/air-quality/rolling?jurisdiction=shuangta&at=${at}`,
      headers: bearer(s.who.beipiao),
    });
    expect(other.statusCode).toBe(403);
  });
});
