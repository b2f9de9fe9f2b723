import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type DocumentFacts,
  PdfUnavailableError,
  getDocument,
  pdfOf,
  produceDocument,
} from '../../../src/adapters/reporting/index.js';
import type { ResponsePlan } from '../../../src/domain/plan-types.js';
import { defaultPlan } from '../../../src/domain/plans/chaoyang-2024.js';
import { createPool } from '../../../src/db/pool.js';
import { sampleFacts } from '../../unit/adapters/document-facts.js';

const run = promisify(execFile);
let pool: pg.Pool;
let tmp: string;

beforeAll(async () => {
  pool = createPool(inject('databaseUrl'), 3);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'smog-docs-'));
});
afterAll(async () => {
  await pool?.end();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const factsFor = (episodeId: string, extra: Partial<DocumentFacts> = {}): DocumentFacts => ({
  ...sampleFacts,
  episodeId,
  ...extra,
});

describe('documents', () => {
  it('produces DOCX and HTML, stores them with a hash, and is idempotent on (episode, kind, key)', async () => {
    const episodeId = `episode:test:${randomUUID()}`;
    const facts = factsFor(episodeId);
    const a = await produceDocument(pool, { episodeId, kind: 'daily-report', key: 'day-2', facts });
    expect(a.kinds).toEqual(['docx', 'html']);
    expect(a.contentHash).toMatch(/^[0-9a-f]{64}$/);
    // Same facts (keys in another order): the same stored document, not re-rendered.
    const reordered = Object.fromEntries(Object.entries(facts).reverse()) as DocumentFacts;
    const b = await produceDocument(pool, {
      episodeId,
      kind: 'daily-report',
      key: 'day-2',
      facts: reordered,
    });
    expect(b).toEqual(a);
    const { rows } = await pool.query(
      'SELECT count(*)::int AS n, min(updated_at) = max(created_at) AS untouched FROM documents WHERE episode_id = $1',
      [episodeId],
    );
    expect(rows[0]).toEqual({ n: 1, untouched: true });

    // Changed facts re-render in place: same id, new hash.
    const c = await produceDocument(pool, {
      episodeId,
      kind: 'daily-report',
      key: 'day-2',
      facts: { ...facts, lateUnits: [] },
    });
    expect(c.documentId).toBe(a.documentId);
    expect(c.contentHash).not.toBe(a.contentHash);

    const html = await getDocument(pool, a.documentId, 'html');
    expect(html).toMatchObject({
      episodeId,
      kind: 'daily-report',
      key: 'day-2',
      contentHash: c.contentHash,
      contentType: 'text/html; charset=utf-8',
    });
    const text = html!.content.toString('utf8');
    expect(text).toContain('朝阳市重污染天气专项应急指挥部办公室');
    expect(text).toContain('各单位均按时报送。');
    const docx = await getDocument(pool, a.documentId, 'docx');
    expect(docx?.content.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(docx?.fileName).toBe('daily-report-day-2.docx');
    expect(await getDocument(pool, randomUUID(), 'docx')).toBeNull();
    expect(await getDocument(pool, 'not-a-uuid', 'docx')).toBeNull();
  });

  it('rejects facts that do not validate, with the path', async () => {
    const episodeId = `episode:test:${randomUUID()}`;
    await expect(
      produceDocument(pool, {
        episodeId,
        kind: 'work-summary',
        key: 'final',
        facts: factsFor(episodeId, { issuedAt: 'yesterday' }),
      }),
    ).rejects.toThrow(/issuedAt/);
  });

  it('numbers count up per issuer and year, a re-rendered document keeps its number, exercises count apart', async () => {
    const code = `测${randomUUID().slice(0, 6)}`;
    const plan: ResponsePlan = { ...defaultPlan, documents: { ...defaultPlan.documents, agencyCode: code } };
    const episodeId = `episode:test:${randomUUID()}`;
    const produce = (key: string, issuedAt: string, extra: Partial<DocumentFacts> = {}) =>
      produceDocument(pool, {
        episodeId,
        kind: 'work-summary',
        key,
        facts: factsFor(episodeId, { issuedAt, ...extra }),
        plan,
      });
    const numberOf = async (id: string) =>
      (await pool.query('SELECT printed_number FROM documents WHERE id = $1', [id])).rows[0].printed_number;
    const a = await produce('a', '2026-11-30T20:00:00+08:00');
    const b = await produce('b', '2026-12-31T23:30:00+08:00');
    // 2027年1月1日 in CST although still 2026 in UTC
    const c = await produce('c', '2026-12-31T16:30:00Z');
    const d = await produce('d', '2027-01-02T09:00:00+08:00');
    const x = await produce('x', '2026-12-01T09:00:00+08:00', { exercise: true });
    expect(await Promise.all([a, b, c, d, x].map((p) => numberOf(p.documentId)))).toEqual([
      `${code}〔2026〕1号`,
      `${code}〔2026〕2号`,
      `${code}〔2027〕1号`,
      `${code}〔2027〕2号`,
      `${code}〔2026〕1号`,
    ]);
    // changed facts re-render in place with the same number; the HTML prints it
    const again = await produce('a', '2026-11-30T20:00:00+08:00', { lessons: '会商研判及时。' });
    expect(again.documentId).toBe(a.documentId);
    expect(again.contentHash).not.toBe(a.contentHash);
    expect(await numberOf(a.documentId)).toBe(`${code}〔2026〕1号`);
    const html = (await getDocument(pool, a.documentId, 'html'))!.content.toString('utf8');
    expect(html).toContain(`${code}〔2026〕1号`);
    expect(html).toContain('会商研判及时。');
    // concurrent producers of new documents never share a number
    const many = await Promise.all(['p', 'q', 'r', 's'].map((k) => produce(k, '2026-12-05T09:00:00+08:00')));
    const numbers = await Promise.all(many.map((p) => numberOf(p.documentId)));
    expect(new Set(numbers).size).toBe(4);
    expect([...numbers].sort()).toEqual([3, 4, 5, 6].map((n) => `${code}〔2026〕${n}号`).sort());
  });

  it('PDF: rendered once by LibreOffice and cached; without LibreOffice a clear PdfUnavailableError', async () => {
    const episodeId = `episode:test:${randomUUID()}`;
    const doc = await produceDocument(pool, {
      episodeId,
      kind: 'daily-report',
      key: 'day-2',
      facts: factsFor(episodeId),
    });
    const docx = (await getDocument(pool, doc.documentId, 'docx'))!;
    await expect(pdfOf(pool, docx, '/nonexistent/soffice')).rejects.toBeInstanceOf(PdfUnavailableError);
    const pdf = await pdfOf(pool, docx);
    expect(pdf.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf).toMatchObject({ contentType: 'application/pdf', fileName: 'daily-report-day-2.pdf' });
    // the second answer comes from the cache (no LibreOffice needed)
    const cached = await pdfOf(pool, docx, '/nonexistent/soffice');
    expect(cached.content.equals(pdf.content)).toBe(true);
  }, 120_000);

  it('a generated work summary converts to PDF with LibreOffice and its Chinese text is there', async () => {
    const episodeId = `episode:test:${randomUUID()}`;
    const doc = await produceDocument(pool, {
      episodeId,
      kind: 'work-summary',
      key: 'final',
      facts: factsFor(episodeId, { exercise: true }),
    });
    const docx = await getDocument(pool, doc.documentId, 'docx');
    const file = path.join(tmp, 'work-summary.docx');
    await writeFile(file, docx!.content);
    await run(
      'soffice',
      [
        `-env:UserInstallation=file://${path.join(tmp, 'lo-profile')}`,
        '--headless',
        '--convert-to',
        'pdf',
        '--outdir',
        tmp,
        file,
      ],
      { timeout: 90_000 },
    );
    const pdf = path.join(tmp, 'work-summary.pdf');
    expect((await readFile(pdf)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { stdout } = await run('pdftotext', ['-layout', pdf, '-']);
    const text = stdout.replace(/\s+/g, '');
    expect(text).toContain('朝阳市重污染天气专项应急指挥部办公室');
    expect(text).toContain('关于朝阳市2026年11月29日起重污染天气应对工作情况的报告');
    expect(text).toContain('朝阳市人民政府、辽宁省重污染天气专项应急指挥部办公室：');
    expect(text).toContain('【演练】');
    expect(text).toContain('核算企业46家，达标40家，未达标2家');
  }, 120_000);
});
