/**
 * 一厂一策 filing (五(一)3): per enterprise of a year's reduction list, the filed sheet (a document and
 * the measures per level), its state 未报备 / 已报备 / 退回修改 / 已审核 and its history. The office
 * or the branch of the enterprise's county files; only that branch reviews; a branch sees its county.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  FilingError,
  fileSheet,
  filingDetail,
  filingRows,
  reviewFiling,
  sniffFilingDocument,
  yearListId,
} from '../../adapters/filings/index.js';
import { FILING_STATE_WORDS, type FilingState, toCstIso } from '../../domain/index.js';
import { EPISODE_READERS, KEEPERS, UNIT, confinedJurisdiction } from '../access.js';
import type { AppDeps } from '../deps.js';
import { ApiError, badRequest, conflict, forbidden, notFound } from '../errors.js';
import { errorBody, jurisdictionId } from '../schemas.js';
import { principalOf } from '../security.js';
import type { ApiPrincipal } from '../principal-store.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

const year = z.coerce.number().int().min(2000).max(9999);
const filingParams = z.object({ year, enterpriseId: z.string().min(1).max(64) });
const STATES = ['unfiled', 'filed', 'returned', 'approved'] as const;

const levelSheet = z.strictObject({
  measures: z.array(z.string().trim().min(1).max(500)).min(1).max(50),
  expectedCutPercent: z.number().min(0).max(100),
  linesToStop: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
});
const levels = z
  .strictObject({ yellow: levelSheet.optional(), orange: levelSheet.optional(), red: levelSheet.optional() })
  .refine((l) => Object.keys(l).length > 0, { message: 'at least one level (yellow, orange, red)' });

const rowOut = z.object({
  enterpriseId: z.string(),
  name: z.string(),
  county: z.string(),
  keyEnterprise: z.boolean(),
  state: z.enum(STATES),
  stateWords: z.string().describe('未报备 / 已报备 / 退回修改 / 已审核'),
  revision: z.number(),
  filedBy: z.string().nullable(),
  filedAt: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reason: z.string().nullable(),
});
const levelOut = z.object({
  measures: z.array(z.string()),
  expectedCutPercent: z.number(),
  linesToStop: z.array(z.string()),
});
const detailOut = rowOut.extend({
  levels: z.record(z.string(), levelOut),
  document: z
    .object({
      id: z.string(),
      fileName: z.string(),
      contentType: z.string(),
      size: z.number(),
      sha256: z.string(),
    })
    .nullable(),
  history: z.array(
    z.object({
      from: z.enum(STATES),
      to: z.enum(STATES),
      fromWords: z.string(),
      toWords: z.string(),
      actor: z.string(),
      reason: z.string().nullable(),
      at: z.string(),
    }),
  ),
});

const iso = (ms: number | null) => (ms === null ? null : toCstIso(ms));
function rowView<T extends Awaited<ReturnType<typeof filingRows>>[number]>(r: T) {
  return {
    enterpriseId: r.enterpriseId,
    name: r.name,
    county: r.county,
    keyEnterprise: r.keyEnterprise,
    state: r.state,
    stateWords: FILING_STATE_WORDS[r.state],
    revision: r.revision,
    filedBy: r.filedBy,
    filedAt: iso(r.filedAt),
    reviewedBy: r.reviewedBy,
    reviewedAt: iso(r.reviewedAt),
    reason: r.reason,
  };
}

function mapFilingError(err: unknown): unknown {
  if (!(err instanceof FilingError)) return err;
  if (err.kind === 'not-found') return notFound(err.message);
  if (err.kind === 'forbidden') return forbidden();
  if (err.kind === 'conflict') return conflict(err.message);
  return badRequest(err.message, { issues: [{ path: `body.${err.field ?? ''}`, message: err.message }] });
}

/**
 * The county a principal manages filings in: a branch its own (null → every county for the office);
 * a unit that is no county's branch (the enforcement team) manages none.
 */
function managedCounty(p: ApiPrincipal): string | null {
  if (p.role === 'office') return null;
  const own = confinedJurisdiction(p);
  if (p.role !== 'unit' || own === null) throw forbidden();
  return own;
}

export const filingRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  /** Before the body is read: the caller manages the enterprise's county (answer the same for any id). */
  async function assertManages(req: FastifyRequest, reviewing: boolean): Promise<void> {
    const p = principalOf(req);
    if (reviewing && p.role !== 'unit') throw forbidden();
    const own = managedCounty(p);
    if (own === null) return;
    const parsed = filingParams.safeParse(req.params);
    if (!parsed.success) return; // the schema answers 400
    const [row] = await filingRows(deps.pool, {
      year: parsed.data.year,
      enterpriseId: parsed.data.enterpriseId,
    });
    if (row && row.county !== own) throw forbidden();
  }

  app.get(
    '/filings',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['filings'],
        summary:
          "The enterprises of a year's reduction list with their 一厂一策 filing state (a branch: its county)",
        security,
        querystring: z.strictObject({
          year,
          county: jurisdictionId.optional(),
          state: z.enum(STATES).optional(),
        }),
        response: {
          200: z.object({
            year: z.number(),
            listId: z.number().nullable(),
            counts: z.record(z.enum(STATES), z.number()),
            items: z.array(rowOut),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const own = confinedJurisdiction(principalOf(req));
      if (own !== null && req.query.county !== undefined && req.query.county !== own) throw forbidden();
      const county = own ?? req.query.county ?? null;
      const all = await filingRows(deps.pool, { year: req.query.year, county });
      const counts = { unfiled: 0, filed: 0, returned: 0, approved: 0 } as Record<FilingState, number>;
      for (const r of all) counts[r.state]++;
      const items = req.query.state ? all.filter((r) => r.state === req.query.state) : all;
      return {
        year: req.query.year,
        listId: await yearListId(deps.pool, req.query.year),
        counts,
        items: items.map(rowView),
      };
    },
  );

  app.get(
    '/filings/:year/:enterpriseId',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['filings'],
        summary:
          "An enterprise's filing for a year: the sheet per level, its document, its state and history",
        security,
        params: filingParams,
        response: { 200: detailOut, ...errors },
      },
    },
    async (req) => {
      const d = await filingDetail(deps.pool, req.params.year, req.params.enterpriseId);
      if (!d) throw notFound('enterprise on the year’s reduction list');
      const own = confinedJurisdiction(principalOf(req));
      if (own !== null && d.county !== own) throw forbidden();
      return {
        ...rowView(d),
        levels: d.levels as Record<string, z.infer<typeof levelOut>>,
        document: d.document,
        history: d.history.map((h) => ({
          from: h.from,
          to: h.to,
          fromWords: FILING_STATE_WORDS[h.from],
          toWords: FILING_STATE_WORDS[h.to],
          actor: h.actor,
          reason: h.reason,
          at: toCstIso(h.at),
        })),
      };
    },
  );

  app.post(
    '/filings/:year/:enterpriseId',
    {
      config: {
        access: KEEPERS,
        multipart: { jsonField: 'filing', maxFiles: 1, maxFileBytes: deps.limits.importBytes },
        beforeBody: (req) => assertManages(req, false),
      },
      schema: {
        tags: ['filings'],
        summary: "File (报备) an enterprise's 一厂一策 sheet: measures per level and the signed document",
        description:
          'JSON, or multipart/form-data with the JSON in a `filing` part and the document (PDF, DOCX, JPEG or ' +
          'PNG) as a file part. The office, or the branch of the enterprise’s county. The same sheet again ' +
          'answers 200 and changes nothing; an approved (已审核) sheet cannot be filed again (409).',
        consumes: ['application/json', 'multipart/form-data'],
        security,
        params: filingParams,
        body: z.strictObject({ levels }),
        response: {
          200: detailOut
            .pick({ state: true, stateWords: true, revision: true })
            .extend({ changed: z.boolean() }),
          ...errors,
          413: errorBody,
          415: errorBody,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const own = managedCounty(p);
      const files = req.uploads ?? [];
      if (files.length > 1) throw badRequest('one document per filing');
      const file = files[0];
      let document = null;
      if (file) {
        const contentType = sniffFilingDocument(file.data, file.fileName);
        if (!contentType)
          throw new ApiError(
            415,
            'unsupported_media_type',
            'the document is to be a PDF, DOCX, JPEG or PNG file',
            {
              issues: [{ path: 'body.document', message: 'not a PDF, DOCX, JPEG or PNG file' }],
            },
          );
        document = { fileName: file.fileName, contentType, data: file.data, sha256: file.sha256 };
      }
      try {
        const r = await fileSheet(deps.pool, {
          year: req.params.year,
          enterpriseId: req.params.enterpriseId,
          levels: req.body.levels as Parameters<typeof fileSheet>[1]['levels'],
          document,
          actor: p.id,
          confinedTo: own,
        });
        const [row] = await filingRows(deps.pool, {
          year: req.params.year,
          enterpriseId: req.params.enterpriseId,
        });
        return {
          changed: r.changed,
          state: row!.state,
          stateWords: FILING_STATE_WORDS[row!.state],
          revision: row!.revision,
        };
      } catch (err) {
        throw mapFilingError(err);
      }
    },
  );

  app.post(
    '/filings/:year/:enterpriseId/review',
    {
      config: { access: UNIT, beforeBody: (req) => assertManages(req, true) },
      schema: {
        tags: ['filings'],
        summary:
          "The branch's review of a filed sheet: approve (已审核) or return it (退回修改, with a reason)",
        description:
          'Only the branch of the enterprise’s county. The same decision again answers 200 and changes nothing.',
        security,
        params: filingParams,
        body: z.strictObject({
          decision: z.enum(['approve', 'return']),
          reason: z.string().trim().min(1).max(2000).optional(),
        }),
        response: {
          200: z.object({ changed: z.boolean(), state: z.enum(STATES), stateWords: z.string() }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const own = managedCounty(p) as string;
      try {
        const r = await reviewFiling(deps.pool, {
          year: req.params.year,
          enterpriseId: req.params.enterpriseId,
          decision: req.body.decision,
          reason: req.body.reason ?? null,
          actor: p.id,
          reviewerCounty: own,
        });
        return { changed: r.changed, state: r.state, stateWords: FILING_STATE_WORDS[r.state] };
      } catch (err) {
        throw mapFilingError(err);
      }
    },
  );

  app.get(
    '/filings/:year/:enterpriseId/document',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['filings'],
        summary: 'The filed sheet’s document (a branch: its county’s)',
        produces: ['application/pdf', 'image/jpeg', 'image/png'],
        security,
        params: filingParams,
        response: { 200: z.string().meta({ format: 'binary' }), ...errors },
      },
    },
    async (req, reply) => {
      const { rows } = await deps.pool.query<{
        county: string;
        content_type: string;
        file_name: string;
        data: Buffer;
      }>(
        `SELECT f.county, d.content_type, d.file_name, d.data FROM filings f
         JOIN filing_documents d ON d.id = f.document_id WHERE f.enterprise_id = $1 AND f.year = $2`,
        [req.params.enterpriseId, req.params.year],
      );
      const own = confinedJurisdiction(principalOf(req));
      const doc = rows[0];
      if (doc && own !== null && doc.county !== own) throw forbidden();
      if (!doc) throw notFound('filed document');
      return reply
        .header('content-type', doc.content_type)
        .header('cache-control', 'private, no-store')
        .header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(doc.file_name || 'filing')}`,
        )
        .send(doc.data as unknown as string);
    },
  );
};
