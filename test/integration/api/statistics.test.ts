/**
 * The office's statistics across episodes and years, from a stored record of four episodes in two
 * years: episodes by highest level and jurisdiction, lateness and follow-up closure by unit,
 * compliance by grade as written (B- is not B), and the same in an XLSX workbook whose cells are
 * typed (a unit id that looks like a formula stays text).
 */
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPrincipal, issueToken } from '../../../src/api/principal-store.js';
import { apiSuite, bearer } from './api-helpers.js';

const s = apiSuite('statistics-no-worker');
/** Years of this file alone: episodes of the other tests start in real time or in 2100–2899. */
const Y = 2950 + Math.floor(Math.random() * 20) * 2;
const t = randomBytes(3).toString('hex');
const FORMULA_UNIT = '=HYPERLINK("http://evil.example","点我")';

async function episode(id: string, jurisdiction: string, startedAt: string, exercise = false) {
  await s.ctx.pool.query(
    `INSERT INTO episodes (id, jurisdiction, phase, level, exercise, plan_id, plan_version, started_at, state)
     VALUES ($1, $2, 'closed', 'none', $3, 'chaoyang-2024', 1, $4, '{}')`,
    [id, jurisdiction, exercise, startedAt],
  );
}
let seq = 0;
async function event(episodeId: string, type: string, payload: object) {
  seq++;
  await s.ctx.pool.query(
    `INSERT INTO episode_events (episode_id, seq, type, at, actor, payload) VALUES ($1, $2, $3, now(), '"system"', $4)`,
    [episodeId, seq, type, JSON.stringify({ type, ...payload })],
  );
}
async function verdicts(episodeId: string, day: string, rows: Array<[string, string, string]>) {
  await s.ctx.pool.query(
    `INSERT INTO electricity_assessments (episode_id, day, level, counts, summary) VALUES ($1, $2, 'orange', '{}', '{}')`,
    [episodeId, day],
  );
  for (const [enterprise, grade, verdict] of rows) {
    await s.ctx.pool.query(
      `INSERT INTO electricity_verdicts (episode_id, day, enterprise_id, verdict, reason, days_used, grade_label)
       VALUES ($1, $2, $3, $4, '', 10, $5)`,
      [episodeId, day, enterprise, verdict, grade],
    );
  }
}

const e1 = `episode:chaoyang:${Y}-12-01:${t}`;
const e2 = `episode:beipiao:${Y}-12-05:${t}`;
const e3 = `episode:beipiao:${Y + 1}-01-10:${t}`;
const e4 = `exercise:chaoyang:${Y}-12-10:${t}`;

beforeAll(async () => {
  await episode(e1, 'chaoyang', `${Y}-12-01T10:00:00+08:00`);
  await episode(e2, 'beipiao', `${Y}-12-05T10:00:00+08:00`);
  await episode(e3, 'beipiao', `${Y + 1}-01-10T10:00:00+08:00`);
  await episode(e4, 'chaoyang', `${Y}-12-10T10:00:00+08:00`, true);
  await event(e1, 'warning.issued', { level: 'yellow' });
  await event(e1, 'warning.changed', { level: 'orange', previousLevel: 'yellow' });
  await event(e2, 'early-response.started', {});
  await event(e3, 'warning.issued', { level: 'red' });
  await event(e4, 'warning.issued', { level: 'red' });
  for (const [ep, day, late] of [
    [e1, 1, false],
    [e1, 2, true],
    [e3, 1, false],
    [e3, 2, false],
  ] as const)
    await event(ep, 'report.submitted', {
      unitId: 'branch.beipiao',
      responseDay: day,
      late,
      replaced: false,
    });
  await event(e1, 'report.submitted', {
    unitId: 'branch.beipiao',
    responseDay: 2,
    late: false,
    replaced: true,
  });
  await event(e1, 'report.overdue', { unitId: 'branch.beipiao', responseDay: 2 });
  await event(e1, 'report.submitted', { unitId: FORMULA_UNIT, responseDay: 1, late: true, replaced: false });
  await event(e1, 'enforcement.followup', {
    enterpriseId: 'S1',
    unitId: 'branch.shuangta',
    action: 'inspection',
  });
  await event(e1, 'enforcement.followup', {
    enterpriseId: 'S1',
    unitId: 'branch.shuangta',
    action: 'closed',
  });
  await event(e3, 'enforcement.followup', {
    enterpriseId: 'S2',
    unitId: 'branch.shuangta',
    action: 'inspection',
  });
  await verdicts(e1, `${Y}-12-02`, [
    ['S1', 'B', 'non-compliant'],
    ['S2', 'B-', 'compliant'],
    ['S3', 'B-', 'non-compliant'],
  ]);
  await verdicts(e3, `${Y + 1}-01-11`, [
    ['S2', 'B-', 'compliant'],
    ['S4', 'A', 'exempt'],
  ]);
});

const range = `from=${Y}-01-01&to=${Y + 1}-12-31`;

describe('statistics across episodes and years', () => {
  it('counts episodes by year, jurisdiction and highest level; exercises only when asked', async () => {
    const res = await s.app.inject({ url: `/statistics?${range}`, headers: bearer(s.who.office) });
    expect(res.statusCode).toBe(200);
    const st = res.json();
    expect(st.episodes).toEqual([
      {
        year: Y,
        jurisdiction: 'beipiao',
        jurisdictionName: '北票市',
        level: 'early-response',
        levelName: '提前应对',
        count: 1,
      },
      {
        year: Y,
        jurisdiction: 'chaoyang',
        jurisdictionName: '朝阳市',
        level: 'orange',
        levelName: '橙色预警',
        count: 1,
      },
      {
        year: Y + 1,
        jurisdiction: 'beipiao',
        jurisdictionName: '北票市',
        level: 'red',
        levelName: '红色预警',
        count: 1,
      },
    ]);
    const withExercises = await s.app.inject({
      url: `/statistics?${range}&includeExercises=true&jurisdiction=chaoyang`,
      headers: bearer(s.who.leader),
    });
    expect(withExercises.json().episodes.map((e: { level: string }) => e.level)).toEqual(['orange', 'red']);
  });

  it('lateness and follow-up closure by unit, compliance by grade as written', async () => {
    const st = (await s.app.inject({ url: `/statistics?${range}`, headers: bearer(s.who.auditor) })).json();
    expect(st.reports.find((r: { unitId: string }) => r.unitId === 'branch.beipiao')).toEqual({
      unitId: 'branch.beipiao',
      unitName: '北票分局',
      submitted: 4,
      late: 1,
      overdue: 1,
      lateRate: 0.25,
    });
    expect(st.followUps).toEqual([
      { unitId: 'branch.shuangta', unitName: '双塔分局', opened: 2, closed: 1, closureRate: 0.5 },
    ]);
    expect(st.compliance).toEqual([
      {
        year: Y,
        gradeLabel: 'B',
        assessed: 1,
        compliant: 0,
        nonCompliant: 1,
        insufficientData: 0,
        exempt: 0,
        complianceRate: 0,
      },
      {
        year: Y,
        gradeLabel: 'B-',
        assessed: 2,
        compliant: 1,
        nonCompliant: 1,
        insufficientData: 0,
        exempt: 0,
        complianceRate: 0.5,
      },
      {
        year: Y + 1,
        gradeLabel: 'A',
        assessed: 1,
        compliant: 0,
        nonCompliant: 0,
        insufficientData: 0,
        exempt: 1,
        complianceRate: null,
      },
      {
        year: Y + 1,
        gradeLabel: 'B-',
        assessed: 1,
        compliant: 1,
        nonCompliant: 0,
        insufficientData: 0,
        exempt: 0,
        complianceRate: 1,
      },
    ]);
  });

  it('exports the same as XLSX: one sheet per table, a formula-looking text stays text', async () => {
    const res = await s.app.inject({ url: `/statistics/export?${range}`, headers: bearer(s.who.office) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '应急过程',
      '日报迟报',
      '督办闭环',
      '企业达标（按绩效分级）',
    ]);
    const episodes = wb.getWorksheet('应急过程')!;
    expect(episodes.getRow(1).values).toEqual([undefined, '年度', '行政区', '最高级别', '过程数']);
    expect(episodes.getRow(3).values).toEqual([undefined, Y, '朝阳市', '橙色预警', 1]);
    const grades = wb.getWorksheet('企业达标（按绩效分级）')!;
    expect(grades.getRow(3).values).toEqual([undefined, Y, 'B-', 2, 1, 1, 0, 0, 0.5]);
    const reports = wb.getWorksheet('日报迟报')!;
    const cells: ExcelJS.Cell[] = [];
    reports.eachRow((row) => row.eachCell((c) => cells.push(c)));
    const evil = cells.find((c) => c.value === FORMULA_UNIT)!;
    expect(evil.type).toBe(ExcelJS.ValueType.String);
    expect(cells.some((c) => c.type === ExcelJS.ValueType.Formula)).toBe(false);
  });

  it('refuses a period that ends before it starts, naming the field; branches and units may not read it', async () => {
    const bad = await s.app.inject({
      url: `/statistics?from=${Y}-02-01&to=${Y}-01-01`,
      headers: bearer(s.who.office),
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('querystring.to');
    expect((await s.app.inject({ url: '/statistics', headers: bearer(s.who.shuangta) })).statusCode).toBe(
      403,
    );
  });

  it('a county’s leader (the branch head) reads its own county only', async () => {
    const id = `t-stat-${t}-bp-director`;
    await createPrincipal(s.ctx.pool, { id, role: 'leader', unit: 'beipiao.director' });
    const token = (await issueToken(s.ctx.pool, id)).token;
    const own = await s.app.inject({ url: `/statistics?${range}`, headers: bearer({ token }) });
    expect(own.statusCode).toBe(200);
    expect(new Set(own.json().episodes.map((e: { jurisdiction: string }) => e.jurisdiction))).toEqual(
      new Set(['beipiao']),
    );
    const other = await s.app.inject({
      url: `/statistics?${range}&jurisdiction=chaoyang`,
      headers: bearer({ token }),
    });
    expect(other.statusCode).toBe(403);
  });
});
