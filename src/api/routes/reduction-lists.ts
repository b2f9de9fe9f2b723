/**
 * The reduction list by year (五(一)3): versions, a year's draft (import or carry-over, per-enterprise
 * edits), publication with an effective time, the differences between versions, the version in force.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type ListVersion,
  ListError,
  carryOver,
  dropEntry,
  getVersion,
  importListDraft,
  listEntries,
  listVersions,
  publishList,
  putEntry,
  usccProblem,
  versionDiff,
  versionInForceAt,
} from '../../adapters/power/index.js';
import { cstDateTimeWords, defaultPlan, parseIso, toCstIso } from '../../domain/index.js';
import { normaliseGradeLabel } from '../../domain/reduction-list.js';
import { EPISODE_READERS, OFFICE, confinedJurisdiction } from '../access.js';
import type { AppDeps } from '../deps.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { importBody, importFailed, tabularFile } from '../file-imports.js';
import { errorBody, isoInstant } from '../schemas.js';
import { principalOf } from '../security.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

const listIdParams = z.object({
  id: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 53),
});
const entryParams = listIdParams.extend({ enterpriseId: z.string().min(1).max(64) });
const year = z.coerce.number().int().min(2000).max(9999);

const versionOut = z.object({
  id: z.number(),
  year: z.number(),
  state: z.enum(['draft', 'published']),
  effectiveFrom: z.string().nullable(),
  effectiveFromWords: z.string().nullable().describe('生效时间, as people write it'),
  basedOn: z.number().nullable(),
  sourceFile: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  publishedBy: z.string().nullable(),
  publishedAt: z.string().nullable(),
  entries: z.number(),
});
const measure = z.strictObject({
  summary: z.string().max(2000),
  percent: z.number().min(0).max(100).optional(),
});
const measures = z.strictObject({
  yellow: measure.optional(),
  orange: measure.optional(),
  red: measure.optional(),
});
const entryOut = z.object({
  enterpriseId: z.string(),
  name: z.string(),
  uscc: z.string(),
  county: z.string(),
  industry: z.string(),
  gradeLabel: z.string(),
  keyEnterprise: z.boolean(),
  exemption: z.string(),
  meterIds: z.array(z.string()),
  measures: z.record(z.string(), z.object({ summary: z.string(), percent: z.number().optional() })),
  longitude: z.number().nullable(),
  latitude: z.number().nullable(),
});
const counties = defaultPlan.jurisdictions.map((j) => j.id) as [string, ...string[]];
const entryBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  uscc: z
    .string()
    .trim()
    .max(18)
    .refine((c) => usccProblem(c) === null, { message: 'not a valid unified social credit code (GB 32100)' }),
  county: z.enum(counties),
  industry: z.string().max(100).default(''),
  gradeLabel: z
    .string()
    .max(20)
    .refine((g) => normaliseGradeLabel(g) !== null, {
      message: 'not a performance grade (A, B, B-, C, D …)',
    }),
  keyEnterprise: z.boolean(),
  exemption: z.enum(['none', 'heating', 'livelihood']).default('none'),
  meterIds: z.array(z.string().trim().min(1).max(64)).min(1).max(100),
  measures: measures.default({}),
  longitude: z.number().min(-180).max(180).nullable().default(null),
  latitude: z.number().min(-90).max(90).nullable().default(null),
});

const iso = (ms: number | null) => (ms === null ? null : toCstIso(ms));
export const versionView = (v: ListVersion) => ({
  id: v.id,
  year: v.year,
  state: v.state,
  effectiveFrom: iso(v.effectiveFrom),
  effectiveFromWords: v.effectiveFrom === null ? null : cstDateTimeWords(v.effectiveFrom),
  basedOn: v.basedOn,
  sourceFile: v.sourceFile,
  createdBy: v.createdBy,
  createdAt: toCstIso(v.createdAt),
  publishedBy: v.publishedBy,
  publishedAt: iso(v.publishedAt),
  entries: v.entries,
});

/** A list error as the API's answer: 404, 409, or 400 naming the field. */
function mapListError(err: unknown): unknown {
  if (!(err instanceof ListError)) return err;
  if (err.kind === 'not-found') return notFound(err.message);
  if (err.kind === 'conflict') return conflict(err.message);
  return badRequest(err.message, {
    issues: [{ path: `body.${err.field ?? ''}`.replace(/\.$/, ''), message: err.message }],
  });
}

export const reductionListRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get(
    '/reduction-lists',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['reduction-lists'],
        summary: 'The versions of the emergency reduction list, newest first (optionally of one year)',
        security,
        querystring: z.strictObject({ year: year.optional() }),
        response: { 200: z.object({ items: z.array(versionOut) }), ...errors },
      },
    },
    async (req) => ({ items: (await listVersions(deps.pool, req.query.year)).map(versionView) }),
  );

  app.get(
    '/reduction-lists/in-force',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['reduction-lists'],
        summary: 'The version in force at a moment (default now): what an episode started then assesses',
        security,
        querystring: z.strictObject({ at: isoInstant.optional() }),
        response: { 200: z.object({ version: versionOut.nullable() }), ...errors },
      },
    },
    async (req) => {
      const at = req.query.at ? parseIso(req.query.at) : Date.now();
      const id = await versionInForceAt(deps.pool, at);
      const v = id === null ? null : await getVersion(deps.pool, id);
      return { version: v ? versionView(v) : null };
    },
  );

  app.post(
    '/reduction-lists/import',
    {
      config: { access: OFFICE, multipart: { maxFiles: 1, maxFileBytes: deps.limits.importBytes } },
      schema: {
        tags: ['reduction-lists'],
        summary: "Import a year's list (CSV or XLSX) as that year's draft; any bad row imports nothing",
        description:
          'Columns as POST /enterprises/import, plus optional 经度/纬度 (WGS-84 degrees). The draft replaces ' +
          "the year's draft entries whole; publish it with POST /reduction-lists/{id}/publish. Row errors " +
          'answer 400 with `details.errors`: [{ line, field, reason }].',
        consumes: ['multipart/form-data'],
        security,
        body: importBody.extend({
          year: year.describe('the list year, e.g. 2026 (the 2026–2027 heating season)'),
        }),
        response: {
          200: z.object({ listId: z.number(), imported: z.number(), fileName: z.string() }),
          ...errors,
          413: errorBody,
          415: errorBody,
        },
      },
    },
    async (req) => {
      const { file, format } = tabularFile(req.uploads, req.body.format);
      try {
        const r = await importListDraft(deps.pool, {
          year: req.body.year,
          fileName: file.fileName,
          content: file.data,
          format,
          actor: principalOf(req).id,
          nowMs: Date.now(),
        });
        if (r.errors.length > 0) throw importFailed(r.errors);
        return { listId: r.listId, imported: r.imported, fileName: file.fileName };
      } catch (err) {
        throw mapListError(err);
      }
    },
  );

  app.post(
    '/reduction-lists/carry-over',
    {
      config: { access: OFFICE },
      schema: {
        tags: ['reduction-lists'],
        summary: "Carry a published version over as a year's draft (default: the version in force now)",
        description: 'Again with the same source answers the same draft (200).',
        security,
        body: z.strictObject({ year, fromListId: z.number().int().min(1).optional() }),
        response: { 201: versionOut, 200: versionOut, ...errors },
      },
    },
    async (req, reply) => {
      try {
        const r = await carryOver(deps.pool, {
          year: req.body.year,
          ...(req.body.fromListId ? { fromListId: req.body.fromListId } : {}),
          actor: principalOf(req).id,
          nowMs: Date.now(),
        });
        const v = (await getVersion(deps.pool, r.listId)) as ListVersion;
        return reply
          .code(r.created ? 201 : 200)
          .header('location', `/reduction-lists/${r.listId}`)
          .send(versionView(v));
      } catch (err) {
        throw mapListError(err);
      }
    },
  );

  app.get(
    '/reduction-lists/:id',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['reduction-lists'],
        summary: 'A version and its enterprises (a branch sees its own county’s)',
        security,
        params: listIdParams,
        response: { 200: versionOut.extend({ items: z.array(entryOut) }), ...errors },
      },
    },
    async (req) => {
      const v = await getVersion(deps.pool, req.params.id);
      if (!v) throw notFound('reduction list');
      const own = confinedJurisdiction(principalOf(req));
      const items = await listEntries(deps.pool, v.id, own === null ? null : [own]);
      return { ...versionView(v), items };
    },
  );

  app.put(
    '/reduction-lists/:id/entries/:enterpriseId',
    {
      config: { access: OFFICE },
      schema: {
        tags: ['reduction-lists'],
        summary: 'Add or replace one enterprise of a draft (published versions never change: 409)',
        security,
        params: entryParams,
        body: entryBody,
        response: { 200: entryOut, ...errors },
      },
    },
    async (req) => {
      const entry = {
        enterpriseId: req.params.enterpriseId,
        ...req.body,
        gradeLabel: normaliseGradeLabel(req.body.gradeLabel) as string,
        meterIds: [...new Set(req.body.meterIds)],
      };
      if ((entry.longitude === null) !== (entry.latitude === null))
        throw badRequest('longitude and latitude go together', {
          issues: [
            { path: `body.${entry.longitude === null ? 'longitude' : 'latitude'}`, message: 'missing' },
          ],
        });
      try {
        await putEntry(deps.pool, req.params.id, entry);
      } catch (err) {
        throw mapListError(err);
      }
      return entry;
    },
  );

  app.delete(
    '/reduction-lists/:id/entries/:enterpriseId',
    {
      config: { access: OFFICE },
      schema: {
        tags: ['reduction-lists'],
        summary: 'Drop one enterprise from a draft (again: 204 as well)',
        security,
        params: entryParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      try {
        await dropEntry(deps.pool, req.params.id, req.params.enterpriseId);
      } catch (err) {
        throw mapListError(err);
      }
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/reduction-lists/:id/publish',
    {
      config: { access: OFFICE },
      schema: {
        tags: ['reduction-lists'],
        summary:
          'Publish a draft from an effective time (not in the past); a published version never changes',
        description:
          'Episodes that start from `effectiveFrom` on assess this version; running episodes keep the one ' +
          'they started under. Again with the same time answers the same version.',
        security,
        params: listIdParams,
        body: z.strictObject({ effectiveFrom: isoInstant.optional().describe('default: now') }),
        response: { 200: versionOut, ...errors },
      },
    },
    async (req) => {
      const now = Date.now();
      try {
        const v = await publishList(deps.pool, {
          listId: req.params.id,
          effectiveFromMs: req.body.effectiveFrom ? parseIso(req.body.effectiveFrom) : now,
          actor: principalOf(req).id,
          nowMs: now,
        });
        return versionView(v);
      } catch (err) {
        throw mapListError(err);
      }
    },
  );

  app.get(
    '/reduction-lists/:id/diff',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['reduction-lists'],
        summary: 'What a version adds, drops and changes (field by field) against another',
        description:
          'Default `against`: the version it was based on, else the version in force before it took effect.',
        security,
        params: listIdParams,
        querystring: z.strictObject({
          against: z.coerce
            .number()
            .int()
            .min(1)
            .max(2 ** 53)
            .optional(),
        }),
        response: {
          200: z.object({
            version: versionOut,
            against: versionOut.nullable(),
            added: z.array(entryOut),
            dropped: z.array(entryOut),
            changed: z.array(
              z.object({
                enterpriseId: z.string(),
                name: z.string(),
                county: z.string(),
                changes: z.array(
                  z.object({ field: z.string(), label: z.string(), from: z.unknown(), to: z.unknown() }),
                ),
              }),
            ),
            unchanged: z.number(),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      let out: Awaited<ReturnType<typeof versionDiff>>;
      try {
        out = await versionDiff(deps.pool, req.params.id, req.query.against);
      } catch (err) {
        throw mapListError(err);
      }
      const own = confinedJurisdiction(principalOf(req));
      const mine = <T extends { county: string }>(e: T) => own === null || e.county === own;
      // a change is the branch's when the enterprise is in its county in either version
      const changed = out.diff.changed.filter(
        (c) =>
          own === null || c.county === own || c.changes.some((x) => x.field === 'county' && x.from === own),
      );
      return {
        version: versionView(out.version),
        against: out.against ? versionView(out.against) : null,
        added: out.diff.added.filter(mine),
        dropped: out.diff.dropped.filter(mine),
        changed,
        unchanged: out.diff.unchanged,
      };
    },
  );
};
