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
import { DOCUMENT_KINDS, type DocumentFacts, type DocumentKind, documentFactsSchema } from './facts.js';
import { buildModel } from './model.js';
import { renderDocx, renderHtml } from './render.js';

export * from './facts.js';
export { buildModel, chineseDate, type DocModel, officeName } from './model.js';
export { renderDocx, renderHtml } from './render.js';

/** Bump when the layout changes: stored documents are then re-rendered on the next produce. */
export const RENDER_VERSION = 1;

export type DocumentFormat = 'docx' | 'html';

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

/** Renders both formats (pure apart from the DOCX timestamps). */
export async function renderDocument(
  kind: DocumentKind,
  facts: DocumentFacts,
  plan: ResponsePlan = defaultPlan,
): Promise<{ title: string; docx: Buffer; html: string }> {
  const parsed = documentFactsSchema.safeParse(facts);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
    throw new DomainError(
      ErrorCode.VALIDATION,
      `invalid document facts: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  const model = buildModel(kind, parsed.data, plan);
  return { title: model.title, docx: await renderDocx(model), html: renderHtml(model) };
}

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
  const plan = input.plan ?? defaultPlan;
  const factsHash = sha256(
    canonicalJson({
      v: RENDER_VERSION,
      plan: `${plan.id}@${plan.version}`,
      kind: input.kind,
      facts: input.facts,
    }),
  );
  const existing = await pool.query<{ id: string; content_hash: string; facts_hash: string }>(
    'SELECT id, content_hash, facts_hash FROM documents WHERE episode_id = $1 AND kind = $2 AND doc_key = $3',
    [input.episodeId, input.kind, input.key],
  );
  const row = existing.rows[0];
  if (row && row.facts_hash === factsHash) {
    return { documentId: row.id, contentHash: row.content_hash, kinds: ['docx', 'html'] };
  }
  const { title, docx, html } = await renderDocument(input.kind, input.facts, plan);
  const htmlBytes = Buffer.from(html, 'utf8');
  const contentHash = sha256(docx, htmlBytes);
  const { rows } = await pool.query<{ id: string; content_hash: string }>(
    `INSERT INTO documents (episode_id, kind, doc_key, title, facts, facts_hash, content_hash, docx, html)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT ON CONSTRAINT documents_business_key DO UPDATE SET title = EXCLUDED.title, facts = EXCLUDED.facts,
       facts_hash = EXCLUDED.facts_hash, content_hash = EXCLUDED.content_hash, docx = EXCLUDED.docx,
       html = EXCLUDED.html, updated_at = now()
       WHERE documents.facts_hash <> EXCLUDED.facts_hash
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
    ],
  );
  if (rows[0]) return { documentId: rows[0].id, contentHash: rows[0].content_hash, kinds: ['docx', 'html'] };
  // A concurrent producer stored the same facts first.
  const again = await pool.query<{ id: string; content_hash: string }>(
    'SELECT id, content_hash FROM documents WHERE episode_id = $1 AND kind = $2 AND doc_key = $3',
    [input.episodeId, input.kind, input.key],
  );
  const r = again.rows[0] as { id: string; content_hash: string };
  return { documentId: r.id, contentHash: r.content_hash, kinds: ['docx', 'html'] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stored document in one format, or null when there is none with that id. */
export async function getDocument(
  pool: pg.Pool,
  id: string,
  format: DocumentFormat,
): Promise<StoredDocument | null> {
  if (!UUID.test(id) || (format !== 'docx' && format !== 'html')) return null;
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
