/**
 * Reporting adapter: the office's daily response report, unit episode summaries and the episode
 * work summary — rendered as DOCX and HTML, stored in PostgreSQL (documents) with a SHA-256 content
 * hash. Producing is idempotent on (episode, kind, key): the same facts return the stored document
 * unchanged; changed facts re-render it in place (same id, new hash).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { DomainError, ErrorCode, formatPath } from '../../domain/errors.js';
import type { ResponsePlan } from '../../domain/plan-types.js';
import { defaultPlan } from '../../domain/plans/chaoyang-2024.js';
import { cstDate, parseIso } from '../../domain/calendar.js';
import {
  DOCUMENT_KINDS,
  type DocumentFacts,
  type DocumentKind,
  type NormalizedFacts,
  RED_HEAD_KINDS,
  documentFactsSchema,
} from './facts.js';
import { docxToPdf } from './pdf.js';
import { buildModel } from './model.js';
import { renderDocx, renderHtml } from './render.js';

export * from './facts.js';
export { buildModel, chineseDate, type DocModel } from './model.js';
export { PdfUnavailableError, docxToPdf } from './pdf.js';
export { LINE_PITCH, renderDocx, renderHtml } from './render.js';

/** Bump when the layout changes: stored documents are then re-rendered on the next produce. */
export const RENDER_VERSION = 2;

export type DocumentFormat = 'docx' | 'html' | 'pdf';

export interface ProducedDocument {
  documentId: string;
  contentHash: string;
  kinds: DocumentFormat[];
}

export interface StoredDocument {
  id: string;
  episodeId: string;
  kind: DocumentKind;
  key: string;
  title: string;
  contentHash: string;
  format: DocumentFormat;
  contentType: string;
  fileName: string;
  content: Buffer;
}

const CONTENT_TYPES: Record<DocumentFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

/** JSON with sorted keys: equal facts hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (...parts: Array<string | Buffer>) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** The facts, validated; a DomainError(VALIDATION) naming each bad field otherwise. */
function validFacts(facts: DocumentFacts): NormalizedFacts {
  const parsed = documentFactsSchema.safeParse(facts);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  throw new DomainError(
    ErrorCode.VALIDATION,
    `invalid document facts: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { issues },
  );
}

/** Renders both formats (pure apart from the DOCX timestamps). */
export async function renderDocument(
  kind: DocumentKind,
  facts: DocumentFacts,
  plan: ResponsePlan = defaultPlan,
): Promise<{ title: string; docx: Buffer; html: string }> {
  const model = buildModel(kind, validFacts(facts), plan);
  return { title: model.title, docx: await renderDocx(model), html: renderHtml(model) };
}

/**
 * The number series a document is counted in: the issuer's 发文字号 (机关代字) for red-head documents,
 * its 简报 for the daily report; exercises count apart so they never use up a real number. Null: the
 * document carries no number of the office (a unit's own summary).
 */
export function numberSeries(kind: DocumentKind, plan: ResponsePlan, exercise: boolean): string | null {
  const base = RED_HEAD_KINDS.includes(kind)
    ? plan.documents.agencyCode
    : kind === 'daily-report'
      ? `${plan.documents.agencyCode}:简报`
      : null;
  return base === null ? null : exercise ? `${base}:演练` : base;
}

/** '朝重污指办〔2026〕3号' or '第3期'. */
export function printedNumber(kind: DocumentKind, plan: ResponsePlan, year: number, n: number): string {
  return kind === 'daily-report' ? `第${n}期` : `${plan.documents.agencyCode}〔${year}〕${n}号`;
}

/**
 * Renders and stores a document. Idempotent on (episode, kind, key): the same facts return the
 * stored document; changed facts re-render it in place (same id, same number, new hash). A numbered
 * kind takes the next number of its series and year (CST year of `issuedAt`) when first stored.
 */
export async function produceDocument(
  pool: pg.Pool,
  input: { episodeId: string; kind: DocumentKind; key: string; facts: DocumentFacts; plan?: ResponsePlan },
): Promise<ProducedDocument> {
  if (!DOCUMENT_KINDS.includes(input.kind)) {
    throw new DomainError(ErrorCode.VALIDATION, `unknown document kind ${input.kind}`);
  }
  if (input.facts.episodeId !== input.episodeId) {
    throw new DomainError(ErrorCode.VALIDATION, 'facts.episodeId differs from episodeId');
  }
  validFacts(input.facts);
  const plan = input.plan ?? defaultPlan;
  const factsHash = sha256(
    canonicalJson({
      v: RENDER_VERSION,
      plan: `${plan.id}@${plan.version}`,
      kind: input.kind,
      facts: input.facts,
    }),
  );
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // one producer of a document at a time: its number is taken once
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `document:${input.episodeId}:${input.kind}:${input.key}`,
    ]);
    const existing = await client.query<{
      id: string;
      content_hash: string;
      facts_hash: string;
      series: string | null;
      year: number | null;
      number: number | null;
    }>(
      `SELECT id, content_hash, facts_hash, series, year, number FROM documents
       WHERE episode_id = $1 AND kind = $2 AND doc_key = $3`,
      [input.episodeId, input.kind, input.key],
    );
    const row = existing.rows[0];
    if (row && row.facts_hash === factsHash) {
      await client.query('COMMIT');
      return { documentId: row.id, contentHash: row.content_hash, kinds: ['docx', 'html'] };
    }
    const series = numberSeries(input.kind, plan, input.facts.exercise ?? false);
    const year = Number(cstDate(parseIso(input.facts.issuedAt)).slice(0, 4));
    let number: number | null = row?.series === series && row?.year === year ? row.number : null;
    if (series !== null && number === null && input.facts.documentNumber === undefined) {
      const next = await client.query<{ last_number: number }>(
        `INSERT INTO document_numbers (series, year, last_number) VALUES ($1, $2, 1)
         ON CONFLICT (series, year) DO UPDATE SET last_number = document_numbers.last_number + 1
         RETURNING last_number`,
        [series, year],
      );
      number = next.rows[0]!.last_number;
    }
    const facts: DocumentFacts =
      number !== null && input.facts.documentNumber === undefined
        ? { ...input.facts, documentNumber: printedNumber(input.kind, plan, year, number) }
        : input.facts;
    const { title, docx, html } = await renderDocument(input.kind, facts, plan);
    const htmlBytes = Buffer.from(html, 'utf8');
    const contentHash = sha256(docx, htmlBytes);
    const { rows } = await client.query<{ id: string; content_hash: string }>(
      `INSERT INTO documents (episode_id, kind, doc_key, title, facts, facts_hash, content_hash, docx, html, series, year, number, printed_number)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT ON CONSTRAINT documents_business_key DO UPDATE SET title = EXCLUDED.title, facts = EXCLUDED.facts,
         facts_hash = EXCLUDED.facts_hash, content_hash = EXCLUDED.content_hash, docx = EXCLUDED.docx,
         html = EXCLUDED.html, series = EXCLUDED.series, year = EXCLUDED.year, number = EXCLUDED.number,
         printed_number = EXCLUDED.printed_number,
         pdf = NULL, pdf_hash = NULL, updated_at = now()
       RETURNING id, content_hash`,
      [
        input.episodeId,
        input.kind,
        input.key,
        title,
        JSON.stringify(input.facts),
        factsHash,
        contentHash,
        docx,
        htmlBytes,
        number === null ? null : series,
        number === null ? null : year,
        number,
        facts.documentNumber ?? null,
      ],
    );
    await client.query('COMMIT');
    const r = rows[0]!;
    return { documentId: r.id, contentHash: r.content_hash, kinds: ['docx', 'html'] };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** The facts a stored document was rendered from (to re-render it with a change), or null. */
export async function storedFacts(
  pool: pg.Pool,
  episodeId: string,
  kind: DocumentKind,
  key: string,
): Promise<DocumentFacts | null> {
  const { rows } = await pool.query<{ facts: DocumentFacts }>(
    'SELECT facts FROM documents WHERE episode_id = $1 AND kind = $2 AND doc_key = $3',
    [episodeId, kind, key],
  );
  return rows[0]?.facts ?? null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stored document in one format, or null when there is none with that id. */
export async function getDocument(
  pool: pg.Pool,
  id: string,
  format: Exclude<DocumentFormat, 'pdf'>,
): Promise<StoredDocument | null> {
  if (!UUID.test(id) || (format !== 'docx' && format !== 'html')) return null;
  // (a PDF is made from the stored DOCX: pdfOf)
  const { rows } = await pool.query<{
    id: string;
    episode_id: string;
    kind: DocumentKind;
    doc_key: string;
    title: string;
    content_hash: string;
    content: Buffer;
  }>(
    `SELECT id, episode_id, kind, doc_key, title, content_hash, ${format === 'docx' ? 'docx' : 'html'} AS content
     FROM documents WHERE id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    episodeId: r.episode_id,
    kind: r.kind,
    key: r.doc_key,
    title: r.title,
    contentHash: r.content_hash,
    format,
    contentType: CONTENT_TYPES[format],
    fileName: `${r.kind}-${r.doc_key}.${format}`.replace(/[^\w.-]+/g, '_'),
    content: r.content,
  };
}

/**
 * The PDF of a stored document (its DOCX rendered by LibreOffice), cached beside it until the
 * document is re-rendered. Throws PdfUnavailableError without LibreOffice.
 */
export async function pdfOf(
  pool: pg.Pool,
  docx: StoredDocument,
  soffice = 'soffice',
): Promise<StoredDocument> {
  const pdfDoc = (content: Buffer): StoredDocument => ({
    ...docx,
    format: 'pdf',
    contentType: CONTENT_TYPES.pdf,
    fileName: docx.fileName.replace(/\.docx$/, '.pdf'),
    content,
  });
  const cached = await pool.query<{ pdf: Buffer | null }>(
    'SELECT pdf FROM documents WHERE id = $1 AND pdf_hash = $2',
    [docx.id, docx.contentHash],
  );
  if (cached.rows[0]?.pdf) return pdfDoc(cached.rows[0].pdf);
  const pdf = await docxToPdf(docx.content, soffice);
  // kept only if the document was not re-rendered meanwhile
  await pool.query(
    'UPDATE documents SET pdf = $2, pdf_hash = content_hash WHERE id = $1 AND content_hash = $3',
    [docx.id, pdf, docx.contentHash],
  );
  return pdfDoc(pdf);
}
