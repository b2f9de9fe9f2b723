/**
 * Statistics across episodes and years for the office (#18.6), from the read model and the event log:
 * episodes by year, jurisdiction and highest level; daily reports and their lateness by unit;
 * follow-ups opened and closed by unit; enterprises' electricity compliance by grade as written. And
 * the same as an XLSX workbook (typed cells: strings are never formulas).
 */
import ExcelJS from 'exceljs';
import type pg from 'pg';
import { defaultPlan, jurisdictionName, levelName, unitOfAnyPlan } from '../domain/index.js';

export interface StatisticsQuery {
  /** CST dates 'YYYY-MM-DD', inclusive; episodes by their start, verdicts by their day. */
  from: string;
  to: string;
  includeExercises: boolean;
  /** Only this jurisdiction's episodes (a county), or all. */
  jurisdiction: string | null;
}

const ratio = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;
const unitLabel = (id: string) => unitOfAnyPlan(id)?.name ?? id;

export async function officeStatistics(pool: pg.Pool, q: StatisticsQuery) {
  const args = [q.from, q.to, q.includeExercises, q.jurisdiction];
  // episodes of the period: started within it (CST), exercises only when asked for
  const scope = `SELECT id, jurisdiction, exercise, started_at FROM episodes
    WHERE (started_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $1::date AND $2::date
      AND ($3::boolean OR NOT exercise) AND ($4::text IS NULL OR jurisdiction = $4)`;
  const [episodes, reports, followUps, compliance] = await Promise.all([
    pool.query<{ year: number; jurisdiction: string; level: string; count: number }>(
      `WITH s AS (${scope}),
       top AS (
         SELECT s.id, s.jurisdiction, extract(year FROM s.started_at AT TIME ZONE 'Asia/Shanghai')::int AS year,
                COALESCE(max(CASE e.payload->>'level' WHEN 'red' THEN 3 WHEN 'orange' THEN 2 WHEN 'yellow' THEN 1 END), 0) AS rank,
                bool_or(e.type = 'early-response.started') AS early
         FROM s LEFT JOIN episode_events e ON e.episode_id = s.id
           AND e.type IN ('warning.issued', 'warning.changed', 'early-response.started')
         GROUP BY s.id, s.jurisdiction, s.started_at)
       SELECT year, jurisdiction,
              CASE rank WHEN 3 THEN 'red' WHEN 2 THEN 'orange' WHEN 1 THEN 'yellow'
                        ELSE CASE WHEN early THEN 'early-response' ELSE 'none' END END AS level,
              count(*)::int AS count
       FROM top GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      args,
    ),
    pool.query<{ unit_id: string; submitted: number; late: number; overdue: number }>(
      `WITH s AS (${scope}),
       sub AS (
         SELECT e.payload->>'unitId' AS unit_id, count(*)::int AS submitted,
                count(*) FILTER (WHERE (e.payload->>'late')::boolean)::int AS late
         FROM episode_events e JOIN s ON s.id = e.episode_id
         WHERE e.type IN ('report.submitted', 'summary.submitted') AND NOT COALESCE((e.payload->>'replaced')::boolean, false)
         GROUP BY 1),
       due AS (
         SELECT e.payload->>'unitId' AS unit_id, count(DISTINCT (e.episode_id, e.payload->>'responseDay'))::int AS overdue
         FROM episode_events e JOIN s ON s.id = e.episode_id WHERE e.type = 'report.overdue' GROUP BY 1)
       SELECT COALESCE(sub.unit_id, due.unit_id) AS unit_id, COALESCE(submitted, 0) AS submitted,
              COALESCE(late, 0) AS late, COALESCE(overdue, 0) AS overdue
       FROM sub FULL JOIN due ON due.unit_id = sub.unit_id ORDER BY 1`,
      args,
    ),
    pool.query<{ unit_id: string; opened: number; closed: number }>(
      `WITH s AS (${scope}),
       f AS (
         SELECT e.episode_id, e.payload->>'enterpriseId' AS enterprise_id, e.payload->>'unitId' AS unit_id,
                bool_or(e.payload->>'action' = 'closed') AS closed,
                bool_or(e.payload->>'action' <> 'closed') AS opened
         FROM episode_events e JOIN s ON s.id = e.episode_id WHERE e.type = 'enforcement.followup'
         GROUP BY 1, 2, 3)
       SELECT unit_id, count(*) FILTER (WHERE opened)::int AS opened,
              count(*) FILTER (WHERE opened AND closed)::int AS closed
       FROM f GROUP BY 1 ORDER BY 1`,
      args,
    ),
    pool.query<{ year: number; grade_label: string; verdict: string; count: number; enterprises: number }>(
      `WITH s AS (${scope})
       SELECT extract(year FROM v.day)::int AS year, COALESCE(v.grade_label, '未记录') AS grade_label, v.verdict,
              count(*)::int AS count, count(DISTINCT v.enterprise_id)::int AS enterprises
       FROM electricity_verdicts v JOIN s ON s.id = v.episode_id
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      args,
    ),
  ]);

  const byGrade = new Map<
    string,
    {
      year: number;
      gradeLabel: string;
      assessed: number;
      compliant: number;
      nonCompliant: number;
      insufficientData: number;
      exempt: number;
    }
  >();
  for (const r of compliance.rows) {
    const key = `${r.year}|${r.grade_label}`;
    const g = byGrade.get(key) ?? {
      year: r.year,
      gradeLabel: r.grade_label,
      assessed: 0,
      compliant: 0,
      nonCompliant: 0,
      insufficientData: 0,
      exempt: 0,
    };
    g.assessed += r.count;
    if (r.verdict === 'compliant') g.compliant += r.count;
    else if (r.verdict === 'non-compliant') g.nonCompliant += r.count;
    else if (r.verdict === 'insufficient-data') g.insufficientData += r.count;
    else if (r.verdict === 'exempt') g.exempt += r.count;
    byGrade.set(key, g);
  }

  return {
    from: q.from,
    to: q.to,
    includeExercises: q.includeExercises,
    episodes: episodes.rows.map((r) => ({
      year: r.year,
      jurisdiction: r.jurisdiction,
      jurisdictionName: jurisdictionName(defaultPlan, r.jurisdiction),
      level: r.level,
      levelName: r.level === 'early-response' ? '提前应对' : levelName(defaultPlan, r.level as 'none'),
      count: r.count,
    })),
    reports: reports.rows.map((r) => ({
      unitId: r.unit_id,
      unitName: unitLabel(r.unit_id),
      submitted: r.submitted,
      late: r.late,
      overdue: r.overdue,
      lateRate: ratio(r.late, r.submitted),
    })),
    followUps: followUps.rows.map((r) => ({
      unitId: r.unit_id,
      unitName: unitLabel(r.unit_id),
      opened: r.opened,
      closed: r.closed,
      closureRate: ratio(r.closed, r.opened),
    })),
    compliance: [...byGrade.values()].map((g) => ({
      ...g,
      // of the enterprise-days judged on data (not exempt, not lacking data)
      complianceRate: ratio(g.compliant, g.compliant + g.nonCompliant),
    })),
  };
}

export type OfficeStatistics = Awaited<ReturnType<typeof officeStatistics>>;

const percent = (r: number | null) => (r === null ? null : r);

/** The statistics as a workbook: one sheet per table, Chinese headers, numbers as numbers. */
export async function statisticsWorkbook(s: OfficeStatistics): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'smog-response';
  wb.title = `重污染天气应急统计（${s.from}至${s.to}）`;
  const sheet = (
    name: string,
    columns: Array<{ header: string; key: string; width: number; pct?: boolean }>,
    rows: object[],
  ) => {
    const ws = wb.addWorksheet(name);
    ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width }));
    for (const r of rows) ws.addRow(r);
    columns.forEach((c, i) => {
      if (c.pct) ws.getColumn(i + 1).numFmt = '0.0%';
    });
    ws.getRow(1).font = { bold: true };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  };
  sheet(
    '应急过程',
    [
      { header: '年度', key: 'year', width: 8 },
      { header: '行政区', key: 'jurisdictionName', width: 12 },
      { header: '最高级别', key: 'levelName', width: 12 },
      { header: '过程数', key: 'count', width: 8 },
    ],
    s.episodes,
  );
  sheet(
    '日报迟报',
    [
      { header: '单位', key: 'unitName', width: 28 },
      { header: '单位编号', key: 'unitId', width: 22 },
      { header: '已报送', key: 'submitted', width: 8 },
      { header: '迟报', key: 'late', width: 8 },
      { header: '逾期未报（次）', key: 'overdue', width: 14 },
      { header: '迟报率', key: 'lateRate', width: 10, pct: true },
    ],
    s.reports.map((r) => ({ ...r, lateRate: percent(r.lateRate) })),
  );
  sheet(
    '督办闭环',
    [
      { header: '单位', key: 'unitName', width: 28 },
      { header: '单位编号', key: 'unitId', width: 22 },
      { header: '督办企业（次）', key: 'opened', width: 14 },
      { header: '已闭环', key: 'closed', width: 8 },
      { header: '闭环率', key: 'closureRate', width: 10, pct: true },
    ],
    s.followUps,
  );
  sheet(
    '企业达标（按绩效分级）',
    [
      { header: '年度', key: 'year', width: 8 },
      { header: '绩效分级', key: 'gradeLabel', width: 10 },
      { header: '核算（企业·日）', key: 'assessed', width: 14 },
      { header: '达标', key: 'compliant', width: 8 },
      { header: '未达标', key: 'nonCompliant', width: 8 },
      { header: '数据不足', key: 'insufficientData', width: 10 },
      { header: '豁免', key: 'exempt', width: 8 },
      { header: '达标率', key: 'complianceRate', width: 10, pct: true },
    ],
    s.compliance,
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
