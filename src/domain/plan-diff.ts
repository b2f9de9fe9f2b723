/**
 * The readable difference between two versions of a response plan (五(一)1: the office sees what a
 * revision changes before publishing it): one entry per changed field, with its path, a Chinese
 * label, the old and the new value. Lists of objects are matched by their key (`id`, a level's
 * `level`, a report field's `name`), so inserting a duty does not show every later duty as changed;
 * lists of plain values (unit ids, dates) compare as a whole. Not exported from the domain's index
 * (the workflow bundle never needs it).
 */
import diff from 'microdiff';
import type { ResponsePlan } from './plan-types.js';

export interface PlanChange {
  kind: 'added' | 'removed' | 'changed';
  /** e.g. `warning.levels[yellow].conditions[yellow-1].clauses[0].aqiAbove` */
  path: string;
  /** e.g. `预警分级 › 黄色预警 › 启动条件「…」 › 第1项 › AQI高于` */
  label: string;
  old?: unknown;
  new?: unknown;
  /** One line for people: label：old → new. */
  text: string;
}

/** Chinese names of the plan's fields (the schema's keys), where one reads better than the key. */
const LABELS: Record<string, string> = {
  id: '编号',
  version: '版本',
  name: '名称',
  shortName: '简称',
  documentNumber: '文号',
  issuer: '印发单位',
  issuedOn: '印发日期',
  effectiveFrom: '施行日期',
  jurisdiction: '行政区',
  jurisdictions: '行政区划',
  kind: '类型',
  parent: '上级',
  areaCode: '区划代码',
  polygon: '范围',
  basedOn: '依据方案',
  reuses: '沿用内容',
  units: '单位',
  filesDailyReport: '报送日报',
  asks: '请求事项',
  roles: '职责分工',
  office: '专班办公室',
  commander: '指挥长',
  leaders: '专班领导',
  summaryRecipients: '工作总结报送对象',
  warning: '预警分级',
  levels: '级别',
  level: '级别',
  response: '响应级别',
  responseName: '响应名称',
  reductionPercent: '减排比例（%）',
  conditions: '条件',
  clauses: '条款',
  aqiAbove: 'AQI高于',
  minConsecutiveDays: '持续天数不少于',
  primaryPollutants: '首要污染物',
  earlyResponse: '提前应对',
  lift: '预警解除',
  minHoursBelow: '低于启动条件持续小时数',
  description: '说明',
  duties: '职责',
  title: '标题',
  lead: '牵头单位',
  responsible: '责任单位',
  support: '配合单位',
  coordinates: '协调单位',
  recipients: '接收单位',
  fromLevel: '起始级别',
  cadence: '频次',
  summaryAfterLift: '解除后报送总结',
  intensity: '工作强度',
  metric: '指标',
  label: '名称',
  unit: '单位',
  byLevel: '各级别',
  early: '提前应对',
  yellow: '黄色预警',
  orange: '橙色预警',
  red: '红色预警',
  pollutants: '污染物',
  only: '仅限',
  except: '除外',
  deadlines: '报送时限',
  dailyReport: '单位日报',
  time: '时间',
  unitSummary: '单位总结',
  dayOffset: '解除后第几天',
  officeDailyReport: '每日应对报告',
  minWorkingHours: '最短工作时间（小时）',
  commanderDecision: '指挥长决定',
  timeoutMinutes: '等待时限（分钟）',
  escalation: '逐级督促',
  reports: '逾期报送',
  offsetMinutes: '逾期分钟数',
  targets: '督促对象',
  template: '消息模板',
  circulateNotice: '拟予通报',
  deliveryAlertMinutes: '投递失败提醒（分钟）',
  exercise: '演练',
  dayMs: '演练日时长（毫秒）',
  electricity: '用电量核算',
  baselineDays: '基准天数',
  minBaselineDays: '最少基准天数',
  lookbackDays: '回溯天数',
  excludedDates: '排除日期',
  exemptGrades: '豁免绩效等级',
  exemptFlags: '豁免标记',
  gradeMultipliers: '绩效等级系数',
  tolerancePercent: '容差（%）',
  templates: '消息模板',
  body: '正文',
  reportForm: '日报表单',
  fields: '字段',
  type: '类型',
  required: '必填',
  min: '最小值',
  max: '最大值',
  maxLength: '最大长度',
  minItems: '最少项数',
  maxItems: '最多项数',
  healthAdvice: '健康防护提示',
  publication: '对外发布',
  documents: '公文设置',
};

const ATOM = '\u0000atom:';
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The key that identifies each element of a list of objects, when every element has a distinct one. */
function keyOf(list: Json[]): string | null {
  if (list.length === 0 || !list.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e)))
    return null;
  for (const k of ['id', 'level', 'name']) {
    const values = list.map((e) => (e as Record<string, Json>)[k]);
    if (values.every((v) => typeof v === 'string') && new Set(values).size === values.length) return k;
  }
  return null;
}

/** Keyed lists become objects by key; lists of plain values become one comparable atom. */
function normalize(value: Json): Json {
  if (Array.isArray(value)) {
    const key = keyOf(value);
    if (key) {
      return Object.fromEntries(
        value.map((e) => [`${ATOM}key:${String((e as Record<string, Json>)[key])}`, normalize(e)]),
      );
    }
    if (value.every((e) => e === null || typeof e !== 'object')) return `${ATOM}${JSON.stringify(value)}`;
    return value.map(normalize);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

/** Undoes `normalize` for display. */
function denormalize(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith(ATOM)) return JSON.parse(value.slice(ATOM.length));
  if (Array.isArray(value)) return value.map(denormalize);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length > 0 && entries.every(([k]) => k.startsWith(`${ATOM}key:`))) {
      return entries.map(([, v]) => denormalize(v));
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, denormalize(v)]));
  }
  return value;
}

/** The element a path step names (for its Chinese name), walking the original plan. */
function step(node: unknown, seg: string | number): unknown {
  if (node === null || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) {
    if (typeof seg === 'number') return node[seg];
    const key = keyOf(node as Json[]);
    const wanted = seg.slice(`${ATOM}key:`.length);
    return key ? node.find((e) => String((e as Record<string, unknown>)[key]) === wanted) : undefined;
  }
  return (node as Record<string, unknown>)[seg];
}

function display(value: unknown): string {
  if (value === undefined) return '（无）';
  if (typeof value === 'string') return value.length > 80 ? `${value.slice(0, 80)}…` : value;
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    return value.length === 0 ? '（空）' : value.join('、');
  }
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const name = o.title ?? o.name ?? o.label ?? o.description;
    if (typeof name === 'string') return `「${name}」`;
  }
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 80)}…` : json;
}

/** The path and label of a difference's path (of the normalised trees). */
function describe(
  path: Array<string | number>,
  before: unknown,
  after: unknown,
): { path: string; label: string } {
  let dotted = '';
  const labels: string[] = [];
  let a = before;
  let b = after;
  for (const seg of path) {
    a = step(a, seg);
    b = step(b, seg);
    if (typeof seg === 'number') {
      dotted += `[${seg}]`;
      labels.push(`第${seg + 1}项`);
    } else if (seg.startsWith(`${ATOM}key:`)) {
      const key = seg.slice(`${ATOM}key:`.length);
      dotted += `[${key}]`;
      const element = (b ?? a) as Record<string, unknown> | undefined;
      const name = element?.title ?? element?.name ?? element?.label ?? element?.description;
      labels.push(typeof name === 'string' ? `「${name}」` : `「${LABELS[key] ?? key}」`);
    } else {
      dotted += dotted ? `.${seg}` : seg;
      labels.push(LABELS[seg] ?? seg);
    }
  }
  return { path: dotted, label: labels.join(' › ') };
}

/**
 * The changes from `before` to `after` (the version and number of a plan aside: they always
 * differ), in the plan's order.
 */
export function diffPlans(before: ResponsePlan, after: ResponsePlan): PlanChange[] {
  const strip = (p: ResponsePlan) => {
    const { version: _v, ...rest } = p;
    return normalize(rest as unknown as Json) as Record<string, Json>;
  };
  return diff(strip(before), strip(after)).map((d) => {
    const { path, label } = describe(d.path, before, after);
    const old = d.type === 'CREATE' ? undefined : denormalize(d.oldValue);
    const now = d.type === 'REMOVE' ? undefined : denormalize(d.value);
    const kind = d.type === 'CREATE' ? 'added' : d.type === 'REMOVE' ? 'removed' : 'changed';
    const text =
      kind === 'added'
        ? `${label}：新增 ${display(now)}`
        : kind === 'removed'
          ? `${label}：删除（原为 ${display(old)}）`
          : `${label}：${display(old)} → ${display(now)}`;
    return {
      kind,
      path,
      label,
      ...(old !== undefined ? { old } : {}),
      ...(now !== undefined ? { new: now } : {}),
      text,
    };
  });
}
