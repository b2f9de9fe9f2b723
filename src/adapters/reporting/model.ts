/**
 * The document model: the layout of a Chinese official document (GB/T 9704) reduced to what the
 * renderers need — red head, document number, red rule, title, addressees, numbered sections,
 * issuer and date. Built once from the facts; rendered to DOCX and HTML.
 */
import { parseIso, toCstIso } from '../../domain/calendar.js';
import type { ResponsePlan } from '../../domain/plan-types.js';
import type { DocumentKind, NormalizedFacts } from './facts.js';

export interface DocTable {
  columns: string[];
  rows: string[][];
}

export interface DocSection {
  heading: string;
  paragraphs: string[];
  table?: DocTable;
}

export interface DocModel {
  redHead: string;
  documentNumber: string;
  exercise: boolean;
  title: string;
  addressees: string;
  sections: DocSection[];
  issuer: string;
  date: string;
}

const SECTION_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const STATUS_TEXT = {
  done: '已完成',
  'in-progress': '进行中',
  'not-done': '未完成',
  late: '逾期完成',
} as const;

/** '2026年11月30日' */
export function chineseDate(isoOrDate: string): string {
  const [y, m, d] = isoOrDate.slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** '11月30日17:00' in CST. */
function shortTime(iso: string): string {
  const cst = toCstIso(parseIso(iso));
  const [, m, d] = cst.slice(0, 10).split('-').map(Number);
  return `${m}月${d}日${cst.slice(11, 16)}`;
}

const percent = (f: number) => `${(f * 100).toFixed(1)}%`;

export function officeName(jurisdictionName: string): string {
  return `${jurisdictionName}重污染天气专项应急指挥部办公室`;
}

export function buildModel(kind: DocumentKind, f: NormalizedFacts, plan: ResponsePlan): DocModel {
  const levelName = (l: string) =>
    l === 'early' ? '污染过程提前应对' : (plan.warning.levels.find((r) => r.level === l)?.name ?? l);
  const responseName = (l: string) => plan.warning.levels.find((r) => r.level === l)?.responseName ?? '';
  const countyName = (c: string) => plan.jurisdictions.find((j) => j.id === c)?.name ?? c;
  const office = officeName(f.jurisdiction.name);
  const year = f.issuedAt.slice(0, 4);
  const period =
    f.levels.length > 0
      ? `${shortTime(f.levels[0]!.from)}至${f.levels.at(-1)?.to ? shortTime(f.levels.at(-1)!.to!) : '今'}`
      : '';

  const sections: DocSection[] = [];
  const add = (heading: string, paragraphs: string[], table?: DocTable) =>
    sections.push({
      heading: `${SECTION_NUMBERS[sections.length] ?? sections.length + 1}、${heading}`,
      paragraphs,
      ...(table ? { table } : {}),
    });

  if (f.overview.length > 0) add('总体情况', f.overview);

  add(
    '预警及响应情况',
    f.levels.length === 0
      ? ['本次污染过程未启动预警。']
      : f.levels.map((l) => {
          const span = `${shortTime(l.from)}${l.to ? `至${shortTime(l.to)}` : '起'}`;
          const resp = responseName(l.level);
          return `${span}，${f.jurisdiction.name}执行${levelName(l.level)}${resp ? `（${resp}）` : ''}${l.reason ? `，依据：${l.reason}` : ''}。`;
        }),
  );

  if (f.aqi.length > 0) {
    const withObserved = f.aqi.filter((a) => a.observed !== undefined);
    const maxDiff = withObserved.reduce(
      (m, a) => Math.max(m, Math.abs((a.observed as number) - a.forecast)),
      0,
    );
    add(
      '空气质量预报与实况',
      [
        withObserved.length > 0
          ? `共${f.aqi.length}天，其中${withObserved.length}天已有实况，预报与实况AQI最大偏差${maxDiff}。`
          : `共${f.aqi.length}天预报，暂无实况数据。`,
      ],
      {
        columns: ['日期', '预报AQI', '实况AQI', '偏差'],
        rows: f.aqi.map((a) => [
          chineseDate(a.date),
          String(a.forecast),
          a.observed === undefined ? '—' : String(a.observed),
          a.observed === undefined ? '—' : String(a.observed - a.forecast),
        ]),
      },
    );
  }

  if (f.duties.length > 0) {
    const done = f.duties.filter((d) => d.status === 'done' || d.status === 'late').length;
    add(
      '职责落实情况',
      [`应落实职责${f.duties.length}项次，已完成${done}项次，完成率${percent(done / f.duties.length)}。`],
      {
        columns: ['职责', '单位', '完成情况', '备注'],
        rows: f.duties.map((d) => [
          `${d.dutyId} ${d.title}`,
          d.unitName,
          STATUS_TEXT[d.status],
          d.note ?? '',
        ]),
      },
    );
  }

  add(
    '信息报送情况',
    f.lateUnits.length === 0 ? ['各单位均按时报送。'] : [`以下${f.lateUnits.length}项未按时报送：`],
    f.lateUnits.length === 0
      ? undefined
      : {
          columns: ['单位', '报送事项', '截止时间', '实际报送'],
          rows: f.lateUnits.map((l) => [
            l.unitName,
            l.item,
            shortTime(l.dueAt),
            l.submittedAt ? shortTime(l.submittedAt) : '未报送',
          ]),
        },
  );

  if (f.notices.length > 0) {
    add(
      '通报情况',
      f.notices.map(
        (n, i) => `${i + 1}. ${shortTime(n.at)}${n.unitName ? `，${n.unitName}` : ''}：${n.title}。`,
      ),
    );
  }

  if (f.electricity.length > 0) {
    const paragraphs = f.electricity.map((e) => {
      const total =
        e.counts.total ??
        e.counts.compliant + e.counts.nonCompliant + e.counts.insufficientData + e.counts.exempt;
      return `${chineseDate(e.day)}（${levelName(e.level)}）：核算企业${total}家，达到减排要求${e.counts.compliant}家，未达到${e.counts.nonCompliant}家，数据不足${e.counts.insufficientData}家，豁免${e.counts.exempt}家。`;
    });
    const rows = f.electricity.flatMap((e) =>
      e.nonCompliant.map((n) => [
        chineseDate(e.day),
        n.name,
        countyName(n.county),
        percent(n.cut),
        percent(n.required),
      ]),
    );
    add(
      '重点企业耗电量核算情况',
      paragraphs,
      rows.length ? { columns: ['日期', '未达标企业', '所在地区', '实际降幅', '要求降幅'], rows } : undefined,
    );
  }

  if (f.timeline.length > 0)
    add(
      '大事记',
      f.timeline.map((t) => `${shortTime(t.at)}　${t.text}`),
    );

  const byKind = {
    'daily-report': {
      redHead: office,
      documentNumber: f.documentNumber ?? `第${f.responseDay ?? 1}期`,
      title:
        f.title ??
        `${f.jurisdiction.name}重污染天气污染过程应对日报（${chineseDate(f.reportDate ?? f.issuedAt)}）`,
      addressees: '专班组长、副组长：',
      issuer: office,
    },
    'unit-summary': {
      redHead: f.unit?.name ?? office,
      documentNumber: f.documentNumber ?? `（${year}）${f.episodeId}`,
      title: f.title ?? `${f.unit?.name ?? ''}重污染天气应对工作总结`,
      addressees: '专班办公室：',
      issuer: f.unit?.name ?? office,
    },
    'work-summary': {
      redHead: office,
      documentNumber: f.documentNumber ?? `（${year}）${f.episodeId}`,
      title: f.title ?? `关于${f.jurisdiction.name}${period ? `${period}` : ''}重污染天气应对工作情况的总结`,
      addressees: '市政府、省重污染天气专项应急指挥部办公室：',
      issuer: office,
    },
  }[kind];

  return { ...byKind, exercise: f.exercise, sections, date: chineseDate(toCstIso(parseIso(f.issuedAt))) };
}
