/**
 * The work summary's 成效评估 sections (五(三)2): the statement of what the figures support, each day's
 * forecast beside the observed AQI with the level in force, the verified cut by level and county, and
 * the expert committee's opinion. Built from `facts.assessment`; nothing when it is absent.
 */
import type { CutFigures, EpisodeAssessment } from '../../domain/assessment.js';
import type { NormalizedFacts } from './facts.js';

/** The shape of model.ts's DocTable (not imported: model.ts imports this file). */
interface DocTable {
  columns: string[];
  rows: string[][];
}

interface Section {
  heading: string;
  paragraphs: string[];
  table?: DocTable;
  after?: string[];
}

const pct = (f: number | undefined) => (f === undefined ? '—' : `${(f * 100).toFixed(1)}%`);
const num = (n: number | undefined) => (n === undefined ? '—' : String(n));
const dateWords = (d: string) => {
  const [y, m, day] = d.split('-').map(Number);
  return `${y}年${m}月${day}日`;
};

export function assessmentSections(f: NormalizedFacts, levelName: (l: string) => string): Section[] {
  const a = f.assessment;
  if (!a) return [];
  const out: Section[] = [
    {
      heading: '应对成效评估',
      paragraphs: a.statement,
      ...(a.days.length > 0
        ? {
            table: {
              columns: ['日期', '响应级别', '预报AQI', '实况AQI', '预报误差'],
              rows: a.days.map((d) => [
                dateWords(d.date),
                d.level === 'none' ? '—' : d.level === 'early' ? '提前应对' : levelName(d.level),
                num(d.forecast),
                num(d.observed),
                d.forecast !== undefined && d.observed !== undefined
                  ? d.forecast - d.observed > 0
                    ? `+${d.forecast - d.observed}`
                    : String(d.forecast - d.observed)
                  : '—',
              ]),
            },
          }
        : {}),
      after: [`专家委员会意见：${a.opinion ?? '暂未提交。'}`],
    },
  ];
  if (a.cut.length > 0) {
    out.push({
      heading: '减排措施落实核实（耗电量）',
      paragraphs: ['按预警级别和区县统计；降幅为有用电数据的企业日平均，要求为按绩效分级折算的平均要求。'],
      table: {
        columns: [
          '类别',
          '核算企业（家）',
          '有数据（家）',
          '无数据（家）',
          '平均降幅',
          '平均要求',
          '达标企业日占比',
        ],
        rows: a.cut.map((c) => [
          c.group,
          String(c.enterprises),
          String(c.withData),
          String(c.noData),
          pct(c.meanCut),
          pct(c.meanRequired),
          pct(c.complianceRate),
        ]),
      },
    });
  }
  return out;
}

/** The facts the work summary prints of an assessment: the statement, the days, the cut by level and county. */
export function assessmentFactsOf(a: EpisodeAssessment): NonNullable<NormalizedFacts['assessment']> {
  const opt = <K extends string>(k: K, v: number | null) => (v === null ? {} : { [k]: v });
  const cutRow = (group: string, c: CutFigures) => ({
    group,
    enterprises: c.enterprises,
    withData: c.withData,
    noData: c.noData,
    ...opt('meanCut', c.meanCut === null ? null : Math.round(c.meanCut * 10_000) / 10_000),
    ...opt('meanRequired', c.meanRequired === null ? null : Math.round(c.meanRequired * 10_000) / 10_000),
    ...opt(
      'complianceRate',
      c.complianceRate === null ? null : Math.round(c.complianceRate * 10_000) / 10_000,
    ),
  });
  const e = a.emission;
  return {
    statement: a.statement,
    days: a.days.map((d) => ({
      date: d.date,
      level: d.level,
      ...opt('forecast', d.forecast),
      ...opt('observed', d.observed),
    })),
    cut:
      e.overall.enterprises === 0
        ? []
        : [
            cutRow('合计', e.overall),
            ...e.byLevel.map((g) => cutRow(`${g.label}（方案要求${g.planPercent}%）`, g)),
            ...e.byCounty.map((g) => cutRow(g.label, g)),
          ],
    ...(a.opinion ? { opinion: opinionText(a.opinion) } : {}),
  };
}

/** The opinion as the work summary prints it: its text, then the members who gave it. */
export function opinionText(o: {
  text: string;
  members?: ReadonlyArray<{ name: string; organisation: string }>;
}): string {
  const members = o.members ?? [];
  return members.length === 0
    ? o.text
    : `${o.text}（专家：${members.map((m) => `${m.name}（${m.organisation}）`).join('、')}）`;
}

/** The process's AQI rows with the assessment's observed value where a row has none. */
export function withObserved<T extends { date: string; observed?: number }>(
  rows: T[],
  a: EpisodeAssessment,
): T[] {
  const observed = new Map(
    a.days.filter((d) => d.observed !== null).map((d) => [d.date, d.observed as number]),
  );
  return rows.map((r) =>
    r.observed === undefined && observed.has(r.date) ? { ...r, observed: observed.get(r.date) } : r,
  );
}
