/**
 * The document model: the layout of a Chinese official document (GB/T 9704-2012) reduced to what the
 * renderers need — 份号/紧急程度, 发文机关标志, 发文字号 and 签发人, title, 主送, numbered sections,
 * 署名 and date, 版记 (抄送, 印发机关, 印发日期); or the 简报 form of the daily report. Built once from
 * the facts and the plan's `documents` section; rendered to DOCX and HTML.
 */
import { cstDate, parseIso } from '../../domain/calendar.js';
import type { ResponsePlan } from '../../domain/plan-types.js';
import { cstDateTimeWords, cstDeadlineWords } from '../../domain/time-words.js';
import { assessmentSections } from './assessment-section.js';
import type { DocumentKind, NormalizedFacts } from './facts.js';

export interface DocTable {
  columns: string[];
  rows: string[][];
  /** Rows printed in bold (totals). */
  strongRows?: number[];
}

export interface DocSection {
  heading: string;
  paragraphs: string[];
  table?: DocTable;
  /** Paragraphs after the table. */
  after?: string[];
}

export interface DocModel {
  kind: DocumentKind;
  /** 'red-head': 发文机关标志 + 发文字号 + red rule; 'briefing': the 简报 head (name, 期号, issuer line). */
  form: 'red-head' | 'briefing';
  /** 发文机关标志 (red-head) or the 简报 name (briefing), on one line. */
  head: string;
  /** 发文字号 (机关代字〔2026〕N号) or 期号 (第N期). */
  documentNumber: string;
  /** 签发人 of an up-going document. */
  signer?: string;
  /** 紧急程度 (特急/加急). */
  urgency?: string;
  exercise: boolean;
  title: string;
  /** 主送 (ends with '：'). */
  addressees: string;
  sections: DocSection[];
  /** 发文机关署名 */
  issuer: string;
  /** 成文日期 '2026年11月30日' */
  date: string;
  /** 版记: 抄送 (names), 印发机关, 印发日期; a briefing has 报/送 instead. */
  cc: string[];
  printedBy: string;
  printedOn: string;
}

const SECTION_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];

/** The CST date of an ISO date-time, or a 'YYYY-MM-DD' date as it is. */
const dateOf = (isoOrDate: string) => (isoOrDate.length > 10 ? cstDate(parseIso(isoOrDate)) : isoOrDate);

/** '2026年11月30日' */
export function chineseDate(isoOrDate: string): string {
  const [y, m, d] = dateOf(isoOrDate).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** '11月30日' */
const monthDay = (isoOrDate: string) => {
  const [, m, d] = dateOf(isoOrDate).split('-').map(Number);
  return `${m}月${d}日`;
};

/** '2026年11月29日至12月2日' (the year once when both dates share it). */
function dateSpan(from: string, to: string): string {
  const [a, b] = [dateOf(from), dateOf(to)];
  if (a === b) return chineseDate(a);
  if (a.slice(0, 4) !== b.slice(0, 4)) return `${chineseDate(a)}至${chineseDate(b)}`;
  const [, m, d] = b.split('-').map(Number);
  return `${chineseDate(a)}至${m}月${d}日`;
}

const at = (iso: string) => parseIso(iso);
/** '11月30日17时' in CST */
const shortTime = (iso: string) => cstDeadlineWords(at(iso));
const fullTime = (iso: string) => cstDateTimeWords(at(iso));
const percent = (f: number) => `${(f * 100).toFixed(1)}%`;
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** '1小时25分钟' */
function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h >= 24) return `${Math.floor(h / 24)}天${h % 24 > 0 ? `${h % 24}小时` : ''}`;
  return h > 0 ? `${h}小时${m > 0 ? `${m}分钟` : ''}` : `${m}分钟`;
}

/** The name an issuer uses for a unit in 主送/抄送 (the plan's full name). */
const names = (plan: ResponsePlan, ids: readonly string[]) =>
  ids.map((id) => plan.units.find((u) => u.id === id)?.name ?? id);

export function buildModel(kind: DocumentKind, f: NormalizedFacts, plan: ResponsePlan): DocModel {
  const docs = plan.documents;
  const levelName = (l: string) =>
    l === 'early' ? '污染过程提前应对' : (plan.warning.levels.find((r) => r.level === l)?.name ?? l);
  const responseName = (l: string) => plan.warning.levels.find((r) => r.level === l)?.responseName ?? '';
  const levelWithResponse = (l: string) => {
    const r = responseName(l);
    return `${levelName(l)}${r ? `（${r}）` : ''}`;
  };
  const place = f.jurisdiction.name;
  const date = chineseDate(f.issuedAt);

  const sections: DocSection[] = [];
  const add = (heading: string, paragraphs: string[], table?: DocTable, after?: string[]) =>
    sections.push({
      heading: `${SECTION_NUMBERS[sections.length] ?? sections.length + 1}、${heading}`,
      paragraphs,
      ...(table ? { table } : {}),
      ...(after && after.length > 0 ? { after } : {}),
    });

  const levelLines = () =>
    f.levels.length === 0
      ? ['本次污染过程未启动预警。']
      : f.levels.map((l) => {
          const span = `${fullTime(l.from)}${l.to ? `至${fullTime(l.to)}` : '起'}`;
          return `${span}，${place}执行${levelWithResponse(l.level)}${l.reason ? `（${l.reason}）` : ''}。`;
        });

  const aqiSection = (heading: string) => {
    if (f.aqi.length === 0) return;
    const observed = f.aqi.filter((a) => a.observed !== undefined).length;
    add(
      heading,
      [
        observed > 0
          ? `共${f.aqi.length}天，其中${observed}天已有实况（全天有效的日AQI，HJ 633）。`
          : `共${f.aqi.length}天，表中为当时会商的预报AQI，尚无全天有效的实况数据。`,
      ],
      {
        columns: ['日期', '预报AQI', '实况AQI'],
        rows: f.aqi.map((a) => [
          chineseDate(a.date),
          a.forecast === undefined ? '—' : String(a.forecast),
          a.observed === undefined ? '—' : String(a.observed),
        ]),
      },
    );
  };

  const reportsSection = (heading: string, daily: boolean) => {
    const r = f.unitReports;
    if (!r) return;
    const totals = r.fields.map((_, i) => r.rows.reduce((s, row) => s + (row.values[i] ?? 0), 0));
    const photos = r.rows.reduce((s, row) => s + row.photos, 0);
    const reported = r.rows.filter((row) => row.reported).length;
    const rows = r.rows.map((row) => [
      row.unitName,
      ...(row.reported ? row.values.map(String) : r.fields.map(() => '未报')),
      row.reported ? String(row.photos) : '—',
    ]);
    rows.push(['合计', ...totals.map(String), String(photos)]);
    if (daily && r.previousTotals) {
      rows.push(['较前一日', ...totals.map((t, i) => signed(t - (r.previousTotals?.[i] ?? 0))), '—']);
    }
    const pick = (name: string) => {
      const i = r.fields.findIndex((x) => x.name === name);
      return i < 0 ? 0 : (totals[i] ?? 0);
    };
    add(
      heading,
      [
        `${daily ? '当日' : '过程期间'}${reported}个单位报送工作日报，合计驻场督导企业${pick('onSiteSupervisionCount')}家次，执法巡查企业${pick('enterprisesPatrolled')}家次，线上监管核查${pick('onlineMonitoringChecks')}次，面源管控巡查处置${pick('areaSourceActions')}处，抽测机动车${pick('vehiclesChecked')}辆、非道路移动机械${pick('machineryChecked')}台，发现问题${pick('problemsFound')}个，立案处罚${pick('penalties')}件，上传影像资料${photos}张。`,
      ],
      {
        columns: ['单位', ...r.fields.map((x) => x.label), '影像资料（张）'],
        rows,
        strongRows: daily && r.previousTotals ? [rows.length - 2, rows.length - 1] : [rows.length - 1],
      },
    );
  };

  const lateSection = (heading: string) =>
    add(
      heading,
      f.lateUnits.length === 0 ? ['各单位均按时报送。'] : [`以下${f.lateUnits.length}项未按时报送：`],
      f.lateUnits.length === 0
        ? undefined
        : {
            columns: ['单位', '报送事项', '截止时间', '实际报送', '迟报时长'],
            rows: f.lateUnits.map((l) => [
              l.unitName,
              l.item,
              shortTime(l.dueAt),
              l.submittedAt ? shortTime(l.submittedAt) : '未报送',
              l.submittedAt
                ? duration(at(l.submittedAt) - at(l.dueAt))
                : `已超${duration(at(f.issuedAt) - at(l.dueAt))}`,
            ]),
          },
    );

  const electricitySection = (heading: string) => {
    if (f.electricity.length === 0) {
      add(heading, ['暂无耗电量核算结果（无数据）。']);
      return;
    }
    const rows = f.electricity.flatMap((e) =>
      e.nonCompliant.map((n) => [chineseDate(e.day), n.name, n.county, percent(n.cut), percent(n.required)]),
    );
    add(
      heading,
      f.electricity.map((e) => {
        const total =
          e.counts.total ??
          e.counts.compliant + e.counts.nonCompliant + e.counts.insufficientData + e.counts.exempt;
        return `${chineseDate(e.day)}（${levelName(e.level)}）：核算企业${total}家，达标${e.counts.compliant}家，未达标${e.counts.nonCompliant}家，无数据（数据不足）${e.counts.insufficientData}家，豁免${e.counts.exempt}家。`;
      }),
      rows.length ? { columns: ['日期', '未达标企业', '所在地区', '实际降幅', '要求降幅'], rows } : undefined,
    );
  };

  const noticesSection = (heading: string) =>
    add(
      heading,
      f.notices.length === 0
        ? ['未发出通报。']
        : f.notices.map(
            (n, i) => `${i + 1}. ${shortTime(n.at)}${n.unitName ? `，${n.unitName}` : ''}：${n.title}。`,
          ),
    );

  /** The sum over the units' reports of one field of the form. */
  const reportTotal = (name: string) => {
    const r = f.unitReports;
    const i = r ? r.fields.findIndex((x) => x.name === name) : -1;
    return r && i >= 0 ? r.rows.reduce((s, row) => s + (row.values[i] ?? 0), 0) : 0;
  };

  const followupLine = () =>
    f.followups
      ? `对耗电量核算未达标企业新开执法跟进${f.followups.opened}件，办结${f.followups.closed}件。`
      : '无执法跟进事项。';

  const redHead = {
    form: 'red-head' as const,
    head: docs.issuerMark,
    issuer: docs.issuerName,
    cc: names(plan, docs.ccUnits),
    printedBy: docs.printedBy,
    printedOn: date,
  };
  const number = f.documentNumber ?? '';

  if (kind === 'daily-report') {
    const inForce = f.levels.at(-1);
    add('预警及响应情况', [
      inForce
        ? `${chineseDate(f.reportDate ?? f.issuedAt)}，${place}执行${levelWithResponse(inForce.level)}（自${fullTime(inForce.from)}起）。`
        : `${chineseDate(f.reportDate ?? f.issuedAt)}，${place}未执行预警。`,
      ...f.overview,
    ]);
    aqiSection('空气质量预报与实况');
    reportsSection('各单位工作开展情况', true);
    lateSection('信息报送情况');
    electricitySection('重点企业耗电量核算情况');
    add('执法跟进情况', [followupLine()]);
    noticesSection('通报情况');
    return {
      kind,
      form: 'briefing',
      head: docs.briefingName,
      documentNumber: number,
      exercise: f.exercise,
      title: f.title ?? `${place}${monthDay(f.reportDate ?? f.issuedAt)}重污染天气应对情况`,
      addressees: '',
      sections,
      issuer: docs.issuerName,
      date,
      cc: names(plan, plan.roles.leaders),
      printedBy: docs.printedBy,
      printedOn: date,
    };
  }

  if (kind === 'work-summary') {
    const first = f.levels[0];
    const last = f.levels.at(-1);
    const period = first ? (last?.to ? dateSpan(first.from, last.to) : `${chineseDate(first.from)}起`) : '';
    add('过程基本情况', [
      first
        ? `本次重污染天气过程自${fullTime(first.from)}${last?.to ? `至${fullTime(last.to)}` : '起'}。`
        : '本次污染过程未启动预警。',
      ...f.overview,
    ]);
    add('预警发布、调整及解除情况', [
      ...levelLines(),
      ...f.timeline.map((t) => `${fullTime(t.at)}，${t.text}。`),
    ]);
    aqiSection('过程空气质量情况');
    reportsSection('各单位应急响应措施落实情况', false);
    electricitySection('重点企业耗电量核算情况');
    add('执法检查情况', [
      ...(f.unitReports
        ? [
            `过程期间各单位执法巡查企业${reportTotal('enterprisesPatrolled')}家次，发现问题${reportTotal('problemsFound')}个，立案处罚${reportTotal('penalties')}件。`,
          ]
        : []),
      followupLine(),
    ]);
    noticesSection('通报情况');
    lateSection('信息报送情况');
    add(
      '各单位工作总结',
      f.summaries.length === 0
        ? ['暂无单位报送工作总结。']
        : f.summaries.map((s) => `${s.unitName}${s.late ? '（逾期报送）' : ''}：${s.text}`),
    );
    for (const x of assessmentSections(f, levelName)) add(x.heading, x.paragraphs, x.table, x.after);
    add('存在问题及经验做法', [f.lessons ?? docs.lessonsPlaceholder]);
    return {
      kind,
      ...redHead,
      documentNumber: number,
      signer: docs.signer,
      exercise: f.exercise,
      title: f.title ?? `关于${place}${period}重污染天气应对工作情况的报告`,
      addressees: `${names(plan, plan.roles.summaryRecipients).join('、')}：`,
      sections,
      date,
    };
  }

  if (kind === 'warning-notice') {
    const n = f.notice;
    if (!n) throw new Error('a warning notice needs facts.notice');
    const verb = { start: '启动', change: '调整', lift: '解除' }[n.action];
    const subject =
      n.action === 'change'
        ? `将${place}重污染天气预警级别调整为${levelWithResponse(n.level)}`
        : `${verb}${place}重污染天气${levelWithResponse(n.level)}`;
    const body =
      n.action === 'start'
        ? `${n.order ? `${n.order}，` : ''}${place}于${fullTime(n.at)}启动重污染天气${levelName(n.level)}，执行${responseName(n.level)}。请各单位、各部门按照《${plan.name}》（${plan.documentNumber}）要求，立即落实${levelName(n.level)}对应的各项应急减排措施和工作职责，按时报送工作日报。`
        : n.action === 'change'
          ? `${n.order ? `${n.order}，` : ''}${place}自${fullTime(n.at)}起由${n.previousLevel ? levelName(n.previousLevel) : '原预警'}调整为${levelName(n.level)}，执行${responseName(n.level)}。请各单位、各部门按照调整后的级别落实各项应急减排措施和工作职责。`
          : `${n.order ? `${n.order}，` : ''}${place}于${fullTime(n.at)}解除重污染天气${levelName(n.level)}，终止${responseName(n.level)}。请各单位、各部门做好应对工作总结，于规定时限内报送专班办公室。`;
    add(`${verb}情况`, [body, ...f.overview]);
    return {
      kind,
      ...redHead,
      documentNumber: number,
      urgency: docs.noticeUrgency,
      exercise: f.exercise,
      title: f.title ?? `关于${subject}的通知`,
      addressees: `${names(plan, docs.noticeAddressees).join('、')}：`,
      sections: sections.map((s) => ({ ...s, heading: '' })),
      date,
    };
  }

  if (kind === 'circulated-notice') {
    const c = f.circulated;
    if (!c) throw new Error('a circulated notice needs facts.circulated');
    add('基本情况', [
      // the office's own wording when it edited the 通报 before issuing it (#13.5)
      c.text ??
        `${c.unitName}未按时报送${c.item}，${c.reason}。截至${fullTime(c.at)}，依据《${plan.name}》（${plan.documentNumber}）信息报送要求，现予以通报。`,
      ...f.overview,
    ]);
    add('工作要求', [
      `请${c.unitName}立即整改，严格落实信息报送和应急响应各项要求；各单位引以为戒，确保按时、准确报送。`,
    ]);
    return {
      kind,
      ...redHead,
      documentNumber: number,
      exercise: f.exercise,
      title: f.title ?? `关于${c.unitName}未按时报送${c.item}的通报`,
      addressees: `${names(plan, docs.noticeAddressees).join('、')}：`,
      sections,
      date,
    };
  }

  // unit-summary: the unit's own summary, headed by the unit
  if (f.overview.length > 0) add('总体情况', f.overview);
  add('预警及响应情况', levelLines());
  return {
    kind,
    form: 'red-head',
    head: f.unit?.name ?? docs.issuerName,
    documentNumber: number,
    exercise: f.exercise,
    title: f.title ?? `${f.unit?.name ?? ''}重污染天气应对工作总结`,
    addressees: `${docs.issuerName}：`,
    sections,
    issuer: f.unit?.name ?? docs.issuerName,
    date,
    cc: [],
    printedBy: f.unit?.name ?? docs.printedBy,
    printedOn: date,
  };
}
