import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DocumentFacts, getDocument, produceDocument } from '../../../src/adapters/reporting/index.js';
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
    expect(text).toContain('关于朝阳市11月29日12:00至今重污染天气应对工作情况的总结');
    expect(text).toContain('市政府、省重污染天气专项应急指挥部办公室：');
    expect(text).toContain('【演练】');
    expect(text).toContain('核算企业46家，达到减排要求40家，未达到2家');
  }, 120_000);
});
