/**
 * The documents of the golden scenarios (test/histories): each scenario's activity calls are played
 * back in their recorded order against the real activities and PostgreSQL — its events, reports,
 * summaries, accounting and documents — then the warning notices and 通报 are produced from the
 * event log. The Chinese text of every document is kept as a reviewed snapshot
 * (__snapshots__/<scenario>/), and the facts in it are checked against what is stored.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync, strFromU8 } from 'fflate';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getDocument, pdfOf } from '../../../src/adapters/reporting/index.js';
import { listReports } from '../../../src/api/reports.js';
import { createPool } from '../../../src/db/pool.js';
import { defaultPlan } from '../../../src/domain/plans/chaoyang-2024.js';
import { playBackScenario } from '../../documents-playback.js';

const run = promisify(execFile);
let pool: pg.Pool;
let tmp: string;
const playBack = (scenario: string) => playBackScenario(pool, scenario);

beforeAll(async () => {
  pool = createPool(inject('databaseUrl'), 3);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'smog-golden-docs-'));
});
afterAll(async () => {
  await pool?.end();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The text a reader sees in the HTML rendering, one block a line; numbers of the shared counter as N. */
function readerText(html: string): string {
  return html
    .replace(/^[\s\S]*<body>/, '')
    .replace(/\n/g, '')
    .replace(/<\/(p|h1|h2|h3|tr|li)>/g, '\n')
    .replace(/<\/t[dh]>/g, ' | ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join('\n')
    .replace(/朝重污指办〔(\d{4})〕\d+号/g, '朝重污指办〔$1〕N号')
    .replace(/第\d+期/g, '第N期')
    .concat('\n');
}

interface Row {
  id: string;
  kind: string;
  doc_key: string;
  number: number | null;
  printed_number: string | null;
  year: number | null;
}
const documentsOf = async (episodeId: string) =>
  (
    await pool.query<Row>(
      'SELECT id, kind, doc_key, number, printed_number, year FROM documents WHERE episode_id = $1 ORDER BY kind, doc_key',
      [episodeId],
    )
  ).rows;

async function snapshotAll(scenario: string, episodeId: string): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const d of await documentsOf(episodeId)) {
    const html = await getDocument(pool, d.id, 'html');
    const text = readerText(html!.content.toString('utf8'));
    texts.set(`${d.kind}/${d.doc_key}`, text);
    await expect(text).toMatchFileSnapshot(`__snapshots__/${scenario}/${d.kind}-${d.doc_key}.txt`);
  }
  return texts;
}

const INTEGER_FIELDS = defaultPlan.reportForm.fields.filter((f) => f.type === 'integer');

/** The 合计 row of a document's report table, as numbers. */
function totalsRow(text: string): number[] {
  const line = text.split('\n').find((l) => l.startsWith('合计 |'));
  if (!line) throw new Error(`no totals row in\n${text}`);
  return line
    .split('|')
    .slice(1)
    .map((c) => c.trim())
    .filter((c) => c !== '')
    .map(Number);
}

describe('documents of the golden scenarios', () => {
  it('yellow-3-days-on-time: daily reports, the work summary and the start and lift notices say what is stored', async () => {
    const scenario = 'yellow-3-days-on-time.working-time';
    const id = await playBack(scenario);
    const texts = await snapshotAll(scenario, id);
    expect([...texts.keys()].sort()).toEqual([
      'daily-report/day-1',
      'daily-report/day-2',
      'daily-report/day-3',
      'daily-report/day-4',
      'warning-notice/event-129',
      'warning-notice/event-5',
      'work-summary/final',
    ]);

    // daily report k: its totals are the sums of the reports in force of day k, photos included
    for (const day of [1, 2, 3, 4]) {
      const { items } = await listReports(pool, {
        episodeId: id,
        unitId: null,
        responseDay: day,
        includeReplaced: false,
        limit: 1000,
        offset: 0,
      });
      const sums = INTEGER_FIELDS.map((f) => items.reduce((s, r) => s + Number(r.fields[f.name] ?? 0), 0));
      const photos = items.reduce((s, r) => s + r.photoIds.length, 0);
      expect(totalsRow(texts.get(`daily-report/day-${day}`)!)).toEqual([...sums, photos]);
    }
    const day2 = texts.get('daily-report/day-2')!;
    expect(day2).toContain('较前一日 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | — |');
    expect(day2).toContain('第N期');

    // the work summary: totals over the episode, every day of the process in the AQI table, the summaries
    const summary = texts.get('work-summary/final')!;
    const { items: all } = await listReports(pool, {
      episodeId: id,
      unitId: null,
      responseDay: null,
      includeReplaced: false,
      limit: 1000,
      offset: 0,
    });
    expect(totalsRow(summary)).toEqual([
      ...INTEGER_FIELDS.map((f) => all.reduce((s, r) => s + Number(r.fields[f.name] ?? 0), 0)),
      all.reduce((s, r) => s + r.photoIds.length, 0),
    ]);
    const aqiDates =
      summary
        .split('四、')[0]!
        .match(/^2026年\d+月\d+日 \| /gm)
        ?.map((l) => l.slice(0, -3)) ?? [];
    expect(aqiDates).toEqual(['2026年12月2日', '2026年12月3日', '2026年12月4日', '2026年12月5日']);
    // 成效评估: the duties it counts are the projection's (every one with a deadline), no observed day stored
    const folded = await pool.query<{ duties: Array<{ dueAt: string | null; status: string }> }>(
      "SELECT state->'duties' AS duties FROM episode_projection WHERE episode_id = $1",
      [id],
    );
    const timed = folded.rows[0]!.duties.filter((d) => d.dueAt !== null);
    expect(summary).toContain(
      `有时限的职责${timed.length}项，按时完成${timed.filter((d) => d.status === 'submitted').length}项`,
    );
    expect(timed.length).toBe(40); // 8 units × 4 daily reports + 8 summaries
    expect(summary).toContain('缺少实况数据，无法比较预报与实况。');
    const summaries = await pool.query<{ text: string }>(
      'SELECT text FROM unit_summaries WHERE episode_id = $1',
      [id],
    );
    expect(summaries.rows).toHaveLength(8);
    for (const s of summaries.rows) expect(summary).toContain(s.text);
    expect(summary).toContain('朝阳市人民政府、辽宁省重污染天气专项应急指挥部办公室：');
    expect(summary).toContain('签发人：专班办公室主任');
    expect(summary).toContain(defaultPlan.documents.lessonsPlaceholder);
    expect(summary).not.toMatch(/完成率|应落实职责/);

    // red-head documents are numbered in the issuer's series of the year, counting up in the order issued
    const numbered = (await documentsOf(id)).filter((d) => d.kind !== 'daily-report' && d.number !== null);
    expect(
      numbered.every((d) => d.year === 2026 && d.printed_number === `朝重污指办〔2026〕${d.number}号`),
    ).toBe(true);
    const start = numbered.find((d) => d.doc_key === 'event-5')!;
    const lift = numbered.find((d) => d.doc_key === 'event-129')!;
    expect(lift.number).toBeGreaterThan(start.number!);
  });

  it('yellow-to-orange: the change notice names both levels; overdue-escalation: the 通报 and the late unit', async () => {
    const change = await playBack('yellow-to-orange.working-time');
    const changeTexts = await snapshotAll('yellow-to-orange.working-time', change);
    const notice = [...changeTexts.entries()].find(
      ([k, t]) => k.startsWith('warning-notice') && t.includes('调整'),
    );
    expect(notice?.[1]).toContain('关于将朝阳市重污染天气预警级别调整为橙色预警（Ⅱ级应急响应）的通知');
    expect(notice?.[1]).toMatch(/由黄色预警调整为橙色预警，执行Ⅱ级应急响应/);
    expect(notice?.[1].split('\n')[0]).toBe('特急');

    const overdue = await playBack('overdue-escalation.working-time');
    const texts = await snapshotAll('overdue-escalation.working-time', overdue);
    const circulated = [...texts.entries()].find(([k]) => k.startsWith('circulated-notice'));
    expect(circulated?.[1]).toMatch(/关于.+的通报/);
    const daily = [...texts.entries()].find(([k]) => k.startsWith('daily-report'))![1];
    expect(daily).toMatch(/未按时报送/);
    expect(daily).toMatch(/\d+小时|\d+分钟|已超/);
  });

  it('every kind converts to PDF (LibreOffice) and PNG (poppler) with the layout rules in the DOCX XML and the PDF text', async () => {
    const id = await playBack('overdue-escalation.working-time');
    const docs = await documentsOf(id);
    const yellow = await playBack('yellow-3-days-on-time.working-time');
    docs.push(...(await documentsOf(yellow)).filter((d) => d.kind === 'work-summary'));
    const kinds = new Set<string>();
    for (const d of docs) {
      if (kinds.has(d.kind)) continue;
      kinds.add(d.kind);
      const docx = (await getDocument(pool, d.id, 'docx'))!;
      const files = unzipSync(new Uint8Array(docx.content));
      const xml = strFromU8(files['word/document.xml']!);
      const footers = Object.keys(files)
        .filter((n) => /^word\/footer\d+\.xml$/.test(n))
        .map((n) => strFromU8(files[n]!));
      expect(xml).toContain('w:lineRule="exact"');
      expect(xml).toContain('w:eastAsia="zh-CN"');
      expect(footers.join('')).toContain('PAGE');
      expect(xml).toContain('印发');

      const pdf = await pdfOf(pool, docx);
      expect(pdf.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const file = path.join(tmp, `${d.kind}.pdf`);
      await writeFile(file, pdf.content);
      const { stdout } = await run('pdftotext', ['-layout', file, '-']);
      const lines = stdout.split('\n').map((l) => l.trim());
      const head =
        d.kind === 'daily-report' ? defaultPlan.documents.briefingName : defaultPlan.documents.issuerMark;
      expect(lines, `${d.kind}: the head on one line`).toContain(head);
      if (d.kind === 'daily-report') expect(stdout).toMatch(/第\d+期/);
      else expect(stdout).toMatch(/朝重污指办〔\s*\d{4}\s*〕\s*\d+\s*号/);
      expect(stdout).toMatch(/—\s*1\s*—/);
      expect(stdout.replace(/\s+/g, '')).toMatch(/\d{4}年\d+月\d+日印发/);
      if (d.kind === 'work-summary') expect(stdout).toContain('签发人：');
      if (d.kind === 'warning-notice') expect(lines[0]).toBe('特急');

      await run('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', file, path.join(tmp, d.kind)]);
      // UPDATE_DOC_PICTURES=1 keeps every page as a picture in docs/documents/ (see docs/documents/README.md)
      if (process.env.UPDATE_DOC_PICTURES === '1') {
        await run('pdftoppm', ['-png', '-r', '60', file, path.join('docs/documents', d.kind)]);
      }
      const png = await readFile(path.join(tmp, `${d.kind}-1.png`)).catch(() =>
        readFile(path.join(tmp, `${d.kind}-01.png`)),
      );
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    expect([...kinds].sort()).toEqual([
      'circulated-notice',
      'daily-report',
      'warning-notice',
      'work-summary',
    ]);
  }, 300_000);

  it('observed-air-lifts: the daily report prints each complete observed day beside its forecast, as the episode received it', async () => {
    const scenario = 'observed-air-lifts';
    const id = await playBack(scenario);
    const texts = await snapshotAll(scenario, id);
    const daily = [...texts.entries()].filter(([k]) => k.startsWith('daily-report/'));
    expect(daily.length).toBeGreaterThan(0);
    // what the episode received: the complete days of its observation events
    const [, text] = daily.at(-1)!;
    // the report is made at the plan's hour on its day: what the episode had received by then
    const [, rm, rd] = /第\d+天（(\d+)月(\d+)日）/.exec(text)!.map(Number);
    const madeAt = `2026-${String(rm).padStart(2, '0')}-${String(rd).padStart(2, '0')}T${defaultPlan.deadlines.officeDailyReport!.time}:00+08:00`;
    const { rows } = await pool.query<{
      payload: { days: Array<{ date: string; aqi: number | null; complete: boolean }> };
    }>(
      "SELECT payload FROM episode_events WHERE episode_id = $1 AND type = 'observation.recorded' AND at < $2 ORDER BY seq",
      [id, madeAt],
    );
    const observed = new Map<string, number>();
    for (const r of rows)
      for (const d of r.payload.days) if (d.complete && d.aqi !== null) observed.set(d.date, d.aqi);
    expect(observed.size).toBeGreaterThan(0);
    expect(text).toMatch(/其中\d+天已有实况（全天有效的日AQI，HJ 633）/);
    for (const [date, aqi] of observed) {
      const [y, m, d] = date.split('-').map(Number);
      const row = text.split('\n').find((l) => l.startsWith(`${y}年${m}月${d}日 |`));
      expect(row, `the AQI row of ${date}`).toMatch(
        new RegExp(`^${y}年${m}月${d}日 \\| \\d+ \\| ${aqi} \\|$`),
      );
    }
  });
});
