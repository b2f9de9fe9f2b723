/**
 * Unit daily reports as stored (content in `unit_reports`, order in the episode's event log): the
 * listing behind GET /episodes/:id/reports and its spreadsheet export.
 */
import ExcelJS from 'exceljs';
import type pg from 'pg';
import { type ResponsePlan, defaultPlan, toCstIso } from '../domain/index.js';
import { safeCsvRow } from './csv-safe.js';

export interface ReportQuery {
  episodeId: string;
  /** Only this unit's reports (null: every unit). */
  unitId: string | null;
  responseDay: number | null;
  /** Also the versions a correction replaced. */
  includeReplaced: boolean;
  limit: number;
  offset: number;
}

export interface ListedReport {
  reportId: string;
  unitId: string;
  unitName: string;
  responseDay: number;
  /** The plan's report form: an integer, a text or a list of ids per field. */
  fields: Record<string, number | string | string[]>;
  photoIds: string[];
  late: boolean;
  receivedAt: string;
  submittedBy: string;
  current: boolean;
  version: number;
}

const unitNames = new Map(defaultPlan.units.map((u) => [u.id, u.name]));
export const unitName = (id: string) => unitNames.get(id) ?? id;

// The version order is the workflow's (its event seq); a row whose event is not projected yet is the
// newest. Filters on unit and day apply before the numbering, includeReplaced after it.
const CHOSEN = `WITH numbered AS (
     SELECT r.report_id, r.unit_id, r.response_day, r.fields, r.late, r.submitted_at, r.submitted_by,
            row_number() OVER w AS version,
            count(*) OVER (PARTITION BY r.unit_id, r.response_day) AS versions
     FROM unit_reports r
     LEFT JOIN LATERAL (
       SELECT min(e.seq) AS seq FROM episode_events e
       WHERE e.episode_id = r.episode_id AND e.type = 'report.submitted' AND e.payload->>'reportId' = r.report_id
         AND e.payload->>'unitId' = r.unit_id
     ) e ON true
     WHERE r.episode_id = $1 AND ($2::text IS NULL OR r.unit_id = $2) AND ($3::int IS NULL OR r.response_day = $3)
     WINDOW w AS (PARTITION BY r.unit_id, r.response_day ORDER BY e.seq NULLS LAST, r.submitted_at, r.report_id)
   ), chosen AS (
     SELECT *, version = versions AS current FROM numbered WHERE $4 OR version = versions
   )`;

export async function listReports(
  pool: pg.Pool,
  q: ReportQuery,
): Promise<{ total: number; items: ListedReport[] }> {
  const args = [q.episodeId, q.unitId, q.responseDay, q.includeReplaced];
  const [count, { rows }] = await Promise.all([
    pool.query<{ n: number }>(`${CHOSEN} SELECT count(*)::int AS n FROM chosen`, args),
    pool.query<{
      report_id: string;
      unit_id: string;
      response_day: number;
      // stored as the API validated them (reportBody)
      fields: Record<string, number | string | string[]>;
      late: boolean;
      submitted_at: Date;
      submitted_by: string;
      current: boolean;
      version: string;
    }>(`${CHOSEN} SELECT * FROM chosen ORDER BY response_day, unit_id, version LIMIT $5 OFFSET $6`, [
      ...args,
      q.limit,
      q.offset,
    ]),
  ]);
  return {
    total: count.rows[0]?.n ?? 0,
    items: rows.map((r) => {
      const { photoIds, ...fields } = r.fields;
      return {
        reportId: r.report_id,
        unitId: r.unit_id,
        unitName: unitName(r.unit_id),
        responseDay: r.response_day,
        fields,
        photoIds: Array.isArray(photoIds) ? photoIds.map(String) : [],
        late: r.late,
        receivedAt: toCstIso(r.submitted_at.getTime()),
        submittedBy: r.submitted_by,
        current: r.current,
        version: Number(r.version),
      };
    }),
  };
}

/**
 * The reports as a spreadsheet for the office (汇总表): one row per report, the plan's form labels as
 * column headers, numbers as numbers. CSV carries a UTF-8 byte-order mark so that spreadsheet
 * programs read the Chinese text.
 */
export async function reportsWorkbook(
  plan: ResponsePlan,
  episodeId: string,
  reports: ListedReport[],
  format: 'xlsx' | 'csv',
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'smog-response';
  const sheet = wb.addWorksheet('单位日报');
  const formFields = plan.reportForm.fields.filter((f) => f.type !== 'idList');
  sheet.columns = [
    { header: '响应日', key: 'day', width: 8 },
    { header: '单位', key: 'unit', width: 28 },
    { header: '单位编号', key: 'unitId', width: 20 },
    { header: '报送时间', key: 'at', width: 30 },
    { header: '迟报', key: 'late', width: 6 },
    { header: '版本', key: 'version', width: 6 },
    { header: '是否有效', key: 'current', width: 8 },
    { header: '报送人', key: 'by', width: 20 },
    ...formFields.map((f) => ({ header: f.label, key: `f:${f.name}`, width: f.type === 'text' ? 50 : 14 })),
    { header: '照片数', key: 'photos', width: 8 },
  ];
  for (const r of reports) {
    const row = {
      day: r.responseDay,
      unit: r.unitName,
      unitId: r.unitId,
      at: r.receivedAt,
      late: r.late ? '是' : '否',
      version: r.version,
      current: r.current ? '是' : '否（已更正）',
      by: r.submittedBy,
      ...Object.fromEntries(formFields.map((f) => [`f:${f.name}`, r.fields[f.name] ?? null])),
      photos: r.photoIds.length,
    };
    sheet.addRow(format === 'csv' ? safeCsvRow(row) : row);
  }
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  wb.title = `${episodeId} 单位日报`;
  if (format === 'xlsx') return Buffer.from(await wb.xlsx.writeBuffer());
  const csv = Buffer.from(await wb.csv.writeBuffer());
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), csv]);
}
