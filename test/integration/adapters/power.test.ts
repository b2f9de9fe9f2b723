import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  assessDay,
  fetchReadings,
  getDayAssessment,
  importEnterprises,
  importReadings,
  POWER_API_REJECTED,
  type PowerStandIn,
  startPowerStandIn,
  withUsccCheck,
} from '../../../src/adapters/power/index.js';
import { migrateUp } from '../../../src/db/migrate.js';
import { createPool } from '../../../src/db/pool.js';
import { nextDate } from '../../../src/domain/calendar.js';
import { assessEnterprise, electricityContext } from '../../../src/domain/electricity.js';
import { defaultPlan } from '../../../src/domain/plans/chaoyang-2024.js';

let pool: pg.Pool;

const uscc = (n: number) => withUsccCheck(`91211300MA${String(n).padStart(7, '0')}`);
const HEADER_ZH =
  '企业编号,企业名称,统一社会信用代码,所在县区,行业,绩效分级,重点企业,豁免类型,电表编号,黄色预警减排措施,黄色预警减排比例,橙色预警减排措施,红色预警减排措施';
const csv = (lines: string[]) => Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');

async function count(table: string): Promise<number> {
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n;
}

beforeAll(async () => {
  pool = createPool(inject('databaseUrl'), 4);
  await pool.query(
    'TRUNCATE electricity_verdicts, electricity_assessments, enterprise_meters, enterprises, meter_readings',
  );
});
afterAll(async () => {
  await pool?.end();
});

describe('emergency reduction list import', () => {
  it('imports a good CSV (Chinese headers, BOM, quoted measures) and upserts on re-import', async () => {
    const file = csv([
      HEADER_ZH,
      `C001,朝阳某水泥有限公司,${uscc(1)},北票市,水泥,B,是,无,M-C001-1;M-C001-2,"停1条熟料线，减排15%",15,停2条熟料线,全厂停产`,
      `C002,朝阳某热电有限公司,${uscc(2)},shuangta,热电,C,否,供暖,M-C002,,,,`,
      `C003,朝阳某焦化有限公司,${uscc(3)},凌源市,焦化,A,是,无,M-C003,"延长结焦时间",,,`,
    ]);
    const r = await importEnterprises(pool, { fileName: 'list.csv', content: file, format: 'csv' });
    expect(r).toEqual({ imported: 3, errors: [] });
    const { rows } = await pool.query(
      `SELECT e.id, e.county, e.grade, e.key_enterprise, e.exemption, e.measures, array_agg(m.meter_id ORDER BY m.meter_id) AS meters
       FROM enterprises e JOIN enterprise_meters m ON m.enterprise_id = e.id WHERE e.id LIKE 'C%' GROUP BY e.id ORDER BY e.id`,
    );
    expect(rows[0]).toMatchObject({
      id: 'C001',
      county: 'beipiao',
      grade: 'B',
      key_enterprise: true,
      exemption: 'none',
      meters: ['M-C001-1', 'M-C001-2'],
      measures: {
        yellow: { summary: '停1条熟料线，减排15%', percent: 15 },
        orange: { summary: '停2条熟料线' },
        red: { summary: '全厂停产' },
      },
    });
    expect(rows[1]).toMatchObject({
      id: 'C002',
      county: 'shuangta',
      exemption: 'heating',
      meters: ['M-C002'],
    });

    const again = csv([HEADER_ZH, `C002,朝阳某热电有限公司,${uscc(2)},双塔区,热电,D,是,无,M-C002-new,,,,`]);
    expect(await importEnterprises(pool, { fileName: 'list2.csv', content: again, format: 'csv' })).toEqual({
      imported: 1,
      errors: [],
    });
    const c2 = await pool.query(
      `SELECT grade, key_enterprise, exemption, source_file FROM enterprises WHERE id = 'C002'`,
    );
    expect(c2.rows[0]).toEqual({
      grade: 'D',
      key_enterprise: true,
      exemption: 'none',
      source_file: 'list2.csv',
    });
    const m2 = await pool.query(`SELECT meter_id FROM enterprise_meters WHERE enterprise_id = 'C002'`);
    expect(m2.rows).toEqual([{ meter_id: 'M-C002-new' }]);
    expect(await count('enterprises')).toBe(3);
  });

  it('imports a good XLSX (English headers, numeric cells)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('清单');
    ws.addRow([
      'enterprise_id',
      'enterprise_name',
      'credit_code',
      'jurisdiction',
      'industry',
      'performance_grade',
      'key_enterprise',
      'exempt',
      'meter_ids',
      'red_percent',
    ]);
    ws.addRow(['X001', '建平某钢铁有限公司', uscc(11), '建平县', '钢铁', 'B-', 'yes', 'none', 'MX1;MX2', 40]);
    ws.addRow([
      'X002',
      '喀左某陶瓷有限公司',
      uscc(12),
      'kazuo',
      '陶瓷',
      '非引领性',
      'no',
      '民生保障',
      12345,
      null,
    ]);
    const content = Buffer.from(await wb.xlsx.writeBuffer());
    expect(await importEnterprises(pool, { fileName: 'list.xlsx', content, format: 'xlsx' })).toEqual({
      imported: 2,
      errors: [],
    });
    const { rows } = await pool.query(
      `SELECT id, grade, grade_label, exemption, measures FROM enterprises WHERE id LIKE 'X%' ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        id: 'X001',
        grade: 'B',
        grade_label: 'B-',
        exemption: 'none',
        measures: { red: { summary: '', percent: 40 } },
      },
      { id: 'X002', grade: 'unrated', grade_label: '非引领性', exemption: 'livelihood', measures: {} },
    ]);
    const m = await pool.query(`SELECT meter_id FROM enterprise_meters WHERE enterprise_id = 'X002'`);
    expect(m.rows).toEqual([{ meter_id: '12345' }]);
  });

  it('a file with bad rows reports each line and reason and imports nothing', async () => {
    const before = await count('enterprises');
    const file = csv([
      HEADER_ZH,
      `B001,好企业,${uscc(21)},北票市,水泥,B,是,无,MB1,,,,`,
      `B002,校验码错,91211300MA00000220,北票市,水泥,B,是,无,MB2,,,,`,
      `B003,地区错,${uscc(23)},沈阳市,水泥,B,是,无,MB3,,,,`,
      `B001,编号重复,${uscc(24)},北票市,水泥,B,是,无,MB4,,,,`,
      `B005,电表已被占用,${uscc(25)},北票市,水泥,B,是,无,MB1,,,,`,
    ]);
    const r = await importEnterprises(pool, { fileName: 'bad.csv', content: file, format: 'csv' });
    expect(r.imported).toBe(0);
    expect(r.errors).toEqual([
      { line: 3, field: '统一社会信用代码', reason: expect.stringMatching(/校验码错误/) },
      { line: 4, field: '所在县区', reason: expect.stringMatching(/“沈阳市”不是方案中的行政区/) },
      { line: 5, field: '企业编号', reason: '企业编号“B001”与第2行重复' },
      { line: 6, field: '电表编号', reason: '电表编号“MB1”与第2行重复' },
    ]);
    expect(await count('enterprises')).toBe(before);
    expect((await pool.query(`SELECT 1 FROM enterprises WHERE id = 'B001'`)).rowCount).toBe(0);

    // Clashes with stored data also block the whole file.
    const clash = csv([
      HEADER_ZH,
      `B010,新企业,${uscc(30)},北票市,水泥,B,是,无,M-C001-1,,,,`,
      `B011,代码已用,${uscc(1)},北票市,水泥,B,是,无,MB11,,,,`,
    ]);
    const r2 = await importEnterprises(pool, { fileName: 'clash.csv', content: clash, format: 'csv' });
    expect(r2.imported).toBe(0);
    expect(r2.errors).toEqual([
      { line: 2, field: '电表编号', reason: '电表编号“M-C001-1”已属于企业C001' },
      { line: 3, field: '统一社会信用代码', reason: `统一社会信用代码“${uscc(1)}”已属于企业C001` },
    ]);
    expect(await count('enterprises')).toBe(before);

    const noColumn = csv(['企业编号,企业名称', 'Z1,缺列']);
    const r3 = await importEnterprises(pool, { fileName: 'x.csv', content: noColumn, format: 'csv' });
    expect(r3.imported).toBe(0);
    expect(r3.errors.map((e) => e.field)).toContain('统一社会信用代码');
    expect(r3.errors.every((e) => e.line === 1 && e.reason === '缺少该列')).toBe(true);
  });
});

describe('daily readings', () => {
  it('imports CSV and XLSX readings, upserting on (meter, day); a bad file imports nothing', async () => {
    const r = await importReadings(pool, {
      format: 'csv',
      content: csv([
        '电表编号,日期,用电量(kWh)',
        'RD-1,2026-11-01,"1,200.5"',
        'RD-1,2026/11/2,1100',
        'RD-2,20261101,0',
      ]),
    });
    expect(r).toEqual({ imported: 3, errors: [] });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('readings');
    ws.addRow(['meter_id', 'day', 'kwh']);
    ws.addRow(['RD-1', new Date(Date.UTC(2026, 10, 2)), 1150]);
    ws.addRow(['RD-2', '2026-11-02', 10]);
    const x = await importReadings(pool, {
      format: 'xlsx',
      content: Buffer.from(await wb.xlsx.writeBuffer()),
    });
    expect(x).toEqual({ imported: 2, errors: [] });
    const { rows } = await pool.query(
      `SELECT meter_id, to_char(day, 'YYYY-MM-DD') AS day, kwh, source FROM meter_readings WHERE meter_id LIKE 'RD-%' ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      { meter_id: 'RD-1', day: '2026-11-01', kwh: 1200.5, source: 'csv' },
      { meter_id: 'RD-1', day: '2026-11-02', kwh: 1150, source: 'xlsx' },
      { meter_id: 'RD-2', day: '2026-11-01', kwh: 0, source: 'csv' },
      { meter_id: 'RD-2', day: '2026-11-02', kwh: 10, source: 'xlsx' },
    ]);

    const bad = await importReadings(pool, {
      format: 'csv',
      content: csv([
        '电表编号,日期,用电量',
        'RD-1,2026-11-03,900',
        'RD-1,2026-02-30,900',
        'RD-2,2026-11-03,-5',
        'RD-1,2026-11-03,901',
      ]),
    });
    expect(bad.imported).toBe(0);
    expect(bad.errors).toEqual([
      { line: 3, field: '日期', reason: '“2026-02-30”不是有效日期（YYYY-MM-DD）' },
      { line: 4, field: '用电量', reason: '“-5”应为不小于0的数' },
      { line: 5, field: '日期', reason: '电表RD-1在2026-11-03的读数与第2行重复' },
    ]);
    expect((await pool.query(`SELECT 1 FROM meter_readings WHERE day = '2026-11-03'`)).rowCount).toBe(0);
  });

  describe('from the power company API (stand-in over its own database)', () => {
    let standInPool: pg.Pool;
    let standIn: PowerStandIn;
    let dbName: string;
    const TOKEN = 'power-token';

    beforeAll(async () => {
      dbName = `power_standin_${randomUUID().slice(0, 8)}`;
      const admin = new pg.Client({ connectionString: inject('databaseUrl') });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      await admin.end();
      const url = new URL(inject('databaseUrl'));
      url.pathname = `/${dbName}`;
      await migrateUp(url.toString());
      standInPool = createPool(url.toString(), 3);
      const lines = ['meter_id,day,kwh'];
      for (let i = 0; i < 25; i++) lines.push(`API-${String(i).padStart(2, '0')},2026-11-20,${1000 + i}`);
      lines.push('API-00,2026-11-21,5');
      expect((await importReadings(standInPool, { format: 'csv', content: csv(lines) })).imported).toBe(26);
      standIn = await startPowerStandIn({ pool: standInPool, port: 0, token: TOKEN });
    });
    afterAll(async () => {
      await standIn?.close();
      await standInPool?.end();
      const admin = new pg.Client({ connectionString: inject('databaseUrl') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    });

    const settings = (over: Partial<Parameters<typeof fetchReadings>[1]> = {}) => ({
      baseUrl: standIn.url,
      token: TOKEN,
      timeoutMs: 2_000,
      maxAttempts: 4,
      pageSize: 10,
      backoffMs: 10,
      ...over,
    });

    it('pages through one day and stores it idempotently', async () => {
      const r = await fetchReadings(pool, settings(), { date: '2026-11-20' });
      expect(r).toEqual({ date: '2026-11-20', fetched: 25, pages: 3 });
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n, sum(kwh) AS total, min(source) AS source FROM meter_readings WHERE day = '2026-11-20' AND meter_id LIKE 'API-%'`,
      );
      expect(rows[0]).toEqual({ n: 25, total: 25 * 1000 + 300, source: 'api' });
      await fetchReadings(pool, settings({ pageSize: 100 }), { date: '2026-11-20' });
      expect(
        (await pool.query(`SELECT 1 FROM meter_readings WHERE day = '2026-11-20' AND meter_id LIKE 'API-%'`))
          .rowCount,
      ).toBe(25);
    });

    it('retries 5xx and 429 with backoff, then succeeds', async () => {
      standIn.failNext(2, 503);
      const before = standIn.requests;
      const r = await fetchReadings(pool, settings(), { date: '2026-11-21' });
      expect(r).toEqual({ date: '2026-11-21', fetched: 1, pages: 1 });
      expect(standIn.requests - before).toBe(3);
      standIn.failNext(1, 429);
      const t0 = Date.now();
      await fetchReadings(pool, settings(), { date: '2026-11-21' });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900); // Retry-After: 1
    });

    it('gives up with a retryable error when the API stays down; a bad token is not retried', async () => {
      standIn.failNext(10, 500);
      await expect(
        fetchReadings(pool, settings({ maxAttempts: 3 }), { date: '2026-11-21' }),
      ).rejects.toMatchObject({
        type: 'POWER_API_UNAVAILABLE',
        nonRetryable: false,
      });
      standIn.failNext(0);
      const before = standIn.requests;
      await expect(
        fetchReadings(pool, settings({ token: 'wrong' }), { date: '2026-11-21' }),
      ).rejects.toMatchObject({
        type: POWER_API_REJECTED,
        nonRetryable: true,
      });
      expect(standIn.requests - before).toBe(1);
    });
  });
});

describe('assessment of a response day', () => {
  const episodeStart = Date.parse('2026-12-10T09:00:00+08:00');
  const day = '2026-12-10';
  const episodeId = `episode:test:${randomUUID()}`;

  beforeAll(async () => {
    await pool.query(
      'TRUNCATE electricity_verdicts, electricity_assessments, enterprise_meters, enterprises, meter_readings',
    );
    const header =
      '企业编号,企业名称,统一社会信用代码,所在县区,行业,绩效分级,重点企业,豁免类型,电表编号,黄色预警减排比例';
    const list = csv([
      header,
      `E1,达标企业,${uscc(101)},北票市,水泥,B,否,无,ME1,`,
      `E2,C级未达标,${uscc(102)},北票市,水泥,C,否,无,ME2,`,
      `E3,重点D级未达标,${uscc(103)},建平县,钢铁,D,是,无,ME3,`,
      `E4,A级豁免,${uscc(104)},凌源市,焦化,A,是,无,ME4,`,
      `E5,供暖豁免,${uscc(105)},双塔区,热电,C,否,供暖,ME5,`,
      `E6,当日无读数,${uscc(106)},龙城区,化工,B,否,无,ME6,`,
      `E7,基准不足,${uscc(107)},朝阳县,化工,B,否,无,ME7,`,
      `E8,双电表缺一,${uscc(108)},喀左县,陶瓷,B,否,无,ME8a;ME8b,`,
      `E9,一厂一策30%,${uscc(109)},北票市,水泥,B,否,无,ME9,30`,
    ]);
    const imported = await importEnterprises(pool, { fileName: 'list.csv', content: list, format: 'csv' });
    expect(imported.errors.map((e) => e.reason)).toEqual([
      '“喀左县”不是方案中的行政区（应为朝阳市、双塔区、龙城区、北票市、凌源市、朝阳县、建平县、喀喇沁左翼蒙古族自治县之一）',
    ]);
    const fixed = list.toString('utf8').replace('喀左县', '喀喇沁左翼蒙古族自治县');
    expect(
      (await importEnterprises(pool, { fileName: 'list.csv', content: Buffer.from(fixed), format: 'csv' }))
        .imported,
    ).toBe(9);

    const lines = ['电表编号,日期,用电量'];
    for (let d = nextDate(day, -20); d < day; d = nextDate(d, 1)) {
      for (const m of ['ME1', 'ME2', 'ME3', 'ME4', 'ME5', 'ME6', 'ME9']) lines.push(`${m},${d},1000`);
      lines.push(`ME8a,${d},600`, `ME8b,${d},400`);
      if (d >= nextDate(day, -3)) lines.push(`ME7,${d},1000`);
    }
    lines.push(`ME1,${day},850`, `ME2,${day},950`, `ME3,${day},1000`, `ME4,${day},1200`, `ME5,${day},1300`);
    lines.push(`ME7,${day},500`, `ME8a,${day},300`, `ME9,${day},750`);
    expect((await importReadings(pool, { format: 'csv', content: csv(lines) })).errors).toEqual([]);
  });

  it('classifies every enterprise with the domain rules and lists the follow-ups', async () => {
    const r = await assessDay(pool, defaultPlan, { episodeId, episodeStart, day, level: 'yellow' });
    expect(r.counts).toEqual({ total: 9, compliant: 1, nonCompliant: 3, insufficientData: 3, exempt: 2 });
    expect(r.nonCompliant.map((e) => [e.enterpriseId, e.county, e.key])).toEqual([
      ['E3', 'jianping', true], // key enterprises first
      ['E2', 'beipiao', false], // shortfall 15 % − 5 % = 10 points
      ['E9', 'beipiao', false], // own measure 30 % − 25 % = 5 points
    ]);
    const e3 = r.nonCompliant[0]!;
    expect(e3.cut).toBeCloseTo(0, 10);
    expect(e3.required).toBeCloseTo(0.2, 10); // yellow 10 % × grade D multiplier 2
    expect(e3.baseline).toBe(1000);
    expect(r.noData.map((e) => [e.enterpriseId, e.reason])).toEqual([
      ['E6', 'no-reading'],
      ['E7', 'no-baseline'],
      ['E8', 'no-reading'], // one of its two meters is missing that day
    ]);
    expect(r.truncated).toBe(false);

    // Same verdicts as the domain function over the same series.
    const ctx = electricityContext(defaultPlan, '2026-12-10');
    const series = Array.from({ length: 20 }, (_, i) => ({ date: nextDate(day, i - 20), kwh: 1000 }));
    const v = assessEnterprise(
      ctx,
      { id: 'E2', grade: 'C', key: false },
      [...series, { date: day, kwh: 950 }],
      day,
      'yellow',
    );
    expect(r.nonCompliant[1]).toMatchObject({ cut: v.cut, required: v.required, baseline: v.baseline });
  });

  it('stores the result per (episode, day) and recomputes idempotently', async () => {
    const first = await assessDay(pool, defaultPlan, { episodeId, episodeStart, day, level: 'yellow' });
    // A late reading arrives for E6: the recomputation replaces the stored verdicts.
    await importReadings(pool, { format: 'csv', content: csv(['电表编号,日期,用电量', `ME6,${day},700`]) });
    const second = await assessDay(pool, defaultPlan, { episodeId, episodeStart, day, level: 'yellow' });
    expect(second.counts).toEqual({ ...first.counts, compliant: 2, insufficientData: 2 });
    const stored = await pool.query(
      `SELECT verdict, count(*)::int AS n FROM electricity_verdicts WHERE episode_id = $1 AND day = $2 GROUP BY verdict ORDER BY verdict`,
      [episodeId, day],
    );
    expect(stored.rows).toEqual([
      { verdict: 'compliant', n: 2 },
      { verdict: 'exempt', n: 2 },
      { verdict: 'insufficient-data', n: 2 },
      { verdict: 'non-compliant', n: 3 },
    ]);
    expect(await getDayAssessment(pool, episodeId, day)).toEqual(second);
    await expect(
      assessDay(pool, defaultPlan, { episodeId, episodeStart, day: '2026-12-09', level: 'yellow' }),
    ).rejects.toThrow(/before the episode start/);
  });

  it('skips excluded dates in the baseline', async () => {
    // Excluding 16 of the 20 baseline days leaves E1 with 4 (< 5 minimum) usable days.
    const excludedDates = Array.from({ length: 16 }, (_, i) => nextDate(day, -1 - i));
    const r = await assessDay(pool, defaultPlan, {
      episodeId: `${episodeId}-x`,
      episodeStart,
      day,
      level: 'yellow',
      excludedDates,
    });
    expect(r.counts.insufficientData).toBe(9 - r.counts.exempt);
  });
});
