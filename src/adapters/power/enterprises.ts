/**
 * Import of the emergency reduction list (应急减排清单) from CSV or XLSX. Every row is validated;
 * a file with any error imports nothing (one transaction); a re-import upserts by enterprise id and
 * replaces that enterprise's meters.
 */
import type pg from 'pg';
import type { PerformanceGrade, ResponsePlan, WarningLevel } from '../../domain/plan-types.js';
import { defaultPlan } from '../../domain/plans/chaoyang-2024.js';
import { GRADE_LABELS_HINT, normaliseGradeLabel, ruleGrade } from '../../domain/reduction-list.js';
import { withTransaction } from '../../db/pool.js';
import {
  type CellValue,
  cellNumber,
  cellText,
  type ImportError,
  readTabular,
  type TabularFormat,
  TabularError,
} from './tabular.js';
import { usccProblem } from './uscc.js';

export type Exemption = 'none' | 'heating' | 'livelihood';

export interface LevelMeasure {
  /** 一厂一策 summary of the measures at this level. */
  summary: string;
  /** The enterprise's own reduction percentage at this level, when the list gives one. */
  percent?: number;
}

export interface EnterpriseRecord {
  id: string;
  name: string;
  uscc: string;
  county: string;
  industry: string;
  grade: PerformanceGrade;
  gradeLabel: string;
  key: boolean;
  exemption: Exemption;
  meterIds: string[];
  measures: Partial<Record<WarningLevel, LevelMeasure>>;
  /** WGS-84 degrees (经度/纬度), when the list gives them. */
  longitude: number | null;
  latitude: number | null;
}

export interface ImportResult {
  imported: number;
  errors: ImportError[];
}

/** Column names: canonical → header texts accepted (the first is the one shown in errors). */
export const ENTERPRISE_COLUMNS = {
  id: ['企业编号', 'enterprise_id'],
  name: ['企业名称', 'enterprise_name'],
  uscc: ['统一社会信用代码', 'unified_social_credit_code', 'credit_code'],
  county: ['所在县区', '县（市）区', '所属区县', 'jurisdiction'],
  industry: ['行业', '行业类别'],
  grade: ['绩效分级', '绩效等级', 'performance_grade'],
  key: ['重点企业', '是否重点企业', 'key_enterprise'],
  exemption: ['豁免类型', '保障类型', 'exempt'],
  meters: ['电表编号', '电表号', 'meter_ids'],
  yellowMeasures: ['黄色预警减排措施', '黄色预警措施', 'yellow_measures'],
  orangeMeasures: ['橙色预警减排措施', '橙色预警措施', 'orange_measures'],
  redMeasures: ['红色预警减排措施', '红色预警措施', 'red_measures'],
  yellowPercent: ['黄色预警减排比例', 'yellow_percent'],
  orangePercent: ['橙色预警减排比例', 'orange_percent'],
  redPercent: ['红色预警减排比例', 'red_percent'],
  longitude: ['经度', 'longitude'],
  latitude: ['纬度', 'latitude'],
} as const satisfies Record<string, readonly string[]>;

const REQUIRED = ['id', 'name', 'uscc', 'county', 'grade', 'key', 'meters'] as const;

const YES = new Set(['是', 'y', 'yes', 'true', '1', '重点']);
const NO = new Set(['否', 'n', 'no', 'false', '0', '']);

const EXEMPTIONS: Record<string, Exemption> = {
  '': 'none',
  无: 'none',
  none: 'none',
  供暖: 'heating',
  民生供暖: 'heating',
  heating: 'heating',
  民生保障: 'livelihood',
  保障类: 'livelihood',
  livelihood: 'livelihood',
};

const LEVEL_COLUMNS: Array<[WarningLevel, 'yellowMeasures' | 'orangeMeasures' | 'redMeasures', string]> = [
  ['yellow', 'yellowMeasures', 'yellowPercent'],
  ['orange', 'orangeMeasures', 'orangePercent'],
  ['red', 'redMeasures', 'redPercent'],
];

/** Validates one row; pushes its problems to `errors` and returns the record when it has none. */
export function validateEnterpriseRow(
  plan: ResponsePlan,
  line: number,
  v: Record<string, CellValue>,
  label: (column: string) => string,
  errors: ImportError[],
): EnterpriseRecord | null {
  const before = errors.length;
  const fail = (column: string, reason: string) => errors.push({ line, field: label(column), reason });

  const id = cellText(v.id);
  if (!id) fail('id', '不能为空');
  else if (id.length > 64) fail('id', '长度不能超过64个字符');
  const name = cellText(v.name);
  if (!name) fail('name', '不能为空');
  const uscc = cellText(v.uscc).toUpperCase();
  const usccIssue = usccProblem(uscc);
  if (usccIssue) fail('uscc', usccIssue);

  const countyText = cellText(v.county);
  const county = plan.jurisdictions.find((j) => j.id === countyText || j.name === countyText);
  if (!county)
    fail(
      'county',
      `“${countyText}”不是方案中的行政区（应为${plan.jurisdictions.map((j) => j.name).join('、')}之一）`,
    );

  const gradeLabel = normaliseGradeLabel(cellText(v.grade));
  if (gradeLabel === null) fail('grade', `“${cellText(v.grade)}”不是有效的绩效分级（${GRADE_LABELS_HINT}）`);

  const coordinate = (column: 'longitude' | 'latitude', bound: number): number | null => {
    const raw = v[column];
    if (cellText(raw) === '') return null;
    const n = cellNumber(raw);
    if (n === null || Math.abs(n) > bound) {
      fail(column, `“${cellText(raw)}”应为-${bound}到${bound}之间的度数`);
      return null;
    }
    return n;
  };
  const longitude = coordinate('longitude', 180);
  const latitude = coordinate('latitude', 90);
  if ((longitude === null) !== (latitude === null) && errors.length === before)
    fail(longitude === null ? 'longitude' : 'latitude', '经度和纬度应同时填写');

  const keyText = cellText(v.key).toLowerCase();
  const key = YES.has(keyText) ? true : NO.has(keyText) ? false : null;
  if (key === null) fail('key', `“${cellText(v.key)}”应为“是”或“否”`);

  const exemption = EXEMPTIONS[cellText(v.exemption).toLowerCase()] ?? EXEMPTIONS[cellText(v.exemption)];
  if (!exemption) fail('exemption', `“${cellText(v.exemption)}”应为“无”“供暖”或“民生保障”`);

  const meterIds = cellText(v.meters)
    .split(/[;；,，\s]+/)
    .map((m) => m.trim())
    .filter((m) => m !== '');
  if (meterIds.length === 0) fail('meters', '至少应有一个电表编号');
  if (new Set(meterIds).size !== meterIds.length) fail('meters', '电表编号重复');

  const measures: Partial<Record<WarningLevel, LevelMeasure>> = {};
  for (const [level, textColumn, percentColumn] of LEVEL_COLUMNS) {
    const summary = cellText(v[textColumn]);
    const percentRaw = v[percentColumn];
    let percent: number | undefined;
    if (cellText(percentRaw) !== '') {
      const n = cellNumber(percentRaw);
      if (n === null || n < 0 || n > 100) fail(percentColumn, `“${cellText(percentRaw)}”应为0到100之间的数`);
      else percent = n;
    }
    if (summary || percent !== undefined)
      measures[level] = { summary, ...(percent !== undefined ? { percent } : {}) };
  }

  if (errors.length > before) return null;
  return {
    id,
    name,
    uscc,
    county: (county as { id: string }).id,
    industry: cellText(v.industry),
    grade: ruleGrade(gradeLabel as string),
    gradeLabel: gradeLabel as string,
    key: key as boolean,
    exemption: exemption as Exemption,
    meterIds,
    measures,
    longitude,
    latitude,
  };
}

const CHUNK = 2_000;

/**
 * Reads and validates a list file: every record, or every problem (line, column, reason) — rows that
 * are bad, or ids, codes or meters repeated within the file.
 */
export async function parseEnterpriseFile(input: {
  content: Buffer;
  format: TabularFormat;
  plan?: ResponsePlan;
}): Promise<{
  records: EnterpriseRecord[];
  lines: number[];
  errors: ImportError[];
  label: (c: string) => string;
}> {
  const plan = input.plan ?? defaultPlan;
  let file: Awaited<ReturnType<typeof readTabular>>;
  try {
    file = await readTabular(input.content, input.format, ENTERPRISE_COLUMNS, REQUIRED);
  } catch (err) {
    if (err instanceof TabularError) return { records: [], lines: [], errors: err.errors, label: (c) => c };
    throw err;
  }
  const label = (c: string) =>
    file.headers[c] ?? ENTERPRISE_COLUMNS[c as keyof typeof ENTERPRISE_COLUMNS]?.[0] ?? c;
  const errors: ImportError[] = [];
  const records: EnterpriseRecord[] = [];
  const lines: number[] = [];
  const seenIds = new Map<string, number>();
  const seenUscc = new Map<string, number>();
  const seenMeters = new Map<string, number>();
  for (const row of file.rows) {
    const rec = validateEnterpriseRow(plan, row.line, row.values, label, errors);
    if (!rec) continue;
    const dup = (map: Map<string, number>, value: string, column: string, what: string) => {
      const first = map.get(value);
      if (first !== undefined) {
        errors.push({ line: row.line, field: label(column), reason: `${what}“${value}”与第${first}行重复` });
        return true;
      }
      map.set(value, row.line);
      return false;
    };
    let bad = dup(seenIds, rec.id, 'id', '企业编号');
    bad = dup(seenUscc, rec.uscc, 'uscc', '统一社会信用代码') || bad;
    for (const m of rec.meterIds) bad = dup(seenMeters, m, 'meters', '电表编号') || bad;
    if (!bad) {
      records.push(rec);
      lines.push(row.line);
    }
  }
  if (file.rows.length === 0) errors.push({ line: 2, field: '文件', reason: '没有数据行' });
  return { records, lines, errors: errors.sort((a, b) => a.line - b.line), label };
}

/**
 * Imports the list into the register of enterprises (the list as it was before versions by year;
 * meters and coordinates). Returns `imported: 0` with every problem (line, column, reason) when any
 * row is bad, or when ids, codes or meters clash within the file or with enterprises already stored.
 */
export async function importEnterprises(
  pool: pg.Pool,
  input: { fileName: string; content: Buffer; format: TabularFormat; plan?: ResponsePlan },
): Promise<ImportResult> {
  const { records, lines, errors, label } = await parseEnterpriseFile(input);
  if (errors.length > 0) return { imported: 0, errors };

  return withTransaction(pool, async (client) => {
    const ids = records.map((r) => r.id);
    const lineOf = new Map(records.map((r, i) => [r.id, lines[i] as number]));
    // Clashes with what is stored: a code or a meter belonging to another enterprise.
    const clashes: ImportError[] = [];
    const usccClash = await client.query<{ id: string; uscc: string; owner: string }>(
      `SELECT f.id, f.uscc, e.id AS owner FROM unnest($1::text[], $2::text[]) AS f(id, uscc)
       JOIN enterprises e ON e.uscc = f.uscc AND e.id <> f.id`,
      [ids, records.map((r) => r.uscc)],
    );
    for (const c of usccClash.rows) {
      clashes.push({
        line: lineOf.get(c.id) ?? 0,
        field: label('uscc'),
        reason: `统一社会信用代码“${c.uscc}”已属于企业${c.owner}`,
      });
    }
    const meterOwners = records.flatMap((r) => r.meterIds.map((m) => [m, r.id] as const));
    const meterClash = await client.query<{ meter_id: string; id: string; owner: string }>(
      `SELECT f.meter_id, f.id, m.enterprise_id AS owner FROM unnest($1::text[], $2::text[]) AS f(meter_id, id)
       JOIN enterprise_meters m ON m.meter_id = f.meter_id AND m.enterprise_id <> f.id
       WHERE NOT (m.enterprise_id = ANY($2::text[]))`,
      [meterOwners.map((p) => p[0]), meterOwners.map((p) => p[1])],
    );
    for (const c of meterClash.rows) {
      clashes.push({
        line: lineOf.get(c.id) ?? 0,
        field: label('meters'),
        reason: `电表编号“${c.meter_id}”已属于企业${c.owner}`,
      });
    }
    if (clashes.length > 0) return { imported: 0, errors: clashes.sort((a, b) => a.line - b.line) };

    for (let i = 0; i < records.length; i += CHUNK) {
      const chunk = records.slice(i, i + CHUNK);
      await client.query(
        `INSERT INTO enterprises (id, name, uscc, county, industry, grade, grade_label, key_enterprise, exemption, measures, longitude, latitude, source_file, imported_at)
         SELECT id, name, uscc, county, industry, grade, grade_label, key_enterprise, exemption, measures::jsonb, longitude, latitude, $11, now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::text[], $10::text[], $12::float8[], $13::float8[])
           AS t(id, name, uscc, county, industry, grade, grade_label, key_enterprise, exemption, measures, longitude, latitude)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, uscc = EXCLUDED.uscc, county = EXCLUDED.county,
           industry = EXCLUDED.industry, grade = EXCLUDED.grade, grade_label = EXCLUDED.grade_label,
           key_enterprise = EXCLUDED.key_enterprise, exemption = EXCLUDED.exemption, measures = EXCLUDED.measures,
           longitude = EXCLUDED.longitude, latitude = EXCLUDED.latitude, source_file = EXCLUDED.source_file, imported_at = now()`,
        [
          chunk.map((r) => r.id),
          chunk.map((r) => r.name),
          chunk.map((r) => r.uscc),
          chunk.map((r) => r.county),
          chunk.map((r) => r.industry),
          chunk.map((r) => r.grade),
          chunk.map((r) => r.gradeLabel),
          chunk.map((r) => r.key),
          chunk.map((r) => r.exemption),
          chunk.map((r) => JSON.stringify(r.measures)),
          input.fileName,
          chunk.map((r) => r.longitude),
          chunk.map((r) => r.latitude),
        ],
      );
    }
    await client.query('DELETE FROM enterprise_meters WHERE enterprise_id = ANY($1::text[])', [ids]);
    for (let i = 0; i < meterOwners.length; i += CHUNK * 5) {
      const chunk = meterOwners.slice(i, i + CHUNK * 5);
      await client.query(
        `INSERT INTO enterprise_meters (meter_id, enterprise_id) SELECT * FROM unnest($1::text[], $2::text[])`,
        [chunk.map((p) => p[0]), chunk.map((p) => p[1])],
      );
    }
    return { imported: records.length, errors: [] };
  });
}
