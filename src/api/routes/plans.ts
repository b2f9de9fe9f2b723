/**
 * The response plans as published data (五(一)1): the versions of each plan, a draft uploaded as JSON
 * or YAML and validated with the plan schema (every problem by path, nothing stored), its difference
 * from the version in force, and publication with an effective date. Who revises a plan:
 * `revisesPlan` (authority.ts) — the city's office every plan, a county's branch its county's own.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import YAML from 'yaml';
import { z } from 'zod';
import {
  type PlanVersionRecord,
  latestPublished,
  latestVersion,
  listPlanVersions,
  planInForce,
  planVersion,
  publishDraft,
  saveDraft,
} from '../../db/plan-versions.js';
import { type ResponsePlan, cstDate, cstFullDateWords, revisesPlan } from '../../domain/index.js';
import { diffPlans } from '../../domain/plan-diff.js';
import { validatePlan } from '../../domain/plan-schema.js';
import {
  EPISODE_READERS,
  KEEPERS,
  canSeeJurisdiction,
  confinedJurisdiction,
  visibleJurisdictions,
} from '../access.js';
import type { AppDeps } from '../deps.js';
import { ApiError, badRequest, conflict, forbidden, notFound } from '../errors.js';
import type { ApiPrincipal } from '../principal-store.js';
import { errorBody, isoDate } from '../schemas.js';
import { principalOf } from '../security.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

const planIdParam = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'plan ids are lowercase kebab-case');
const planParams = z.strictObject({ planId: planIdParam });
const versionParams = z.strictObject({
  planId: planIdParam,
  version: z.coerce.number().int().min(1).max(100_000),
});

const versionRecord = z
  .object({
    planId: z.string(),
    version: z.number(),
    jurisdiction: z.string(),
    name: z.string(),
    state: z.enum(['draft', 'published']),
    effectiveFrom: z.string().nullable(),
    /** The effective date as people write it (2026年12月2日). */
    effectiveFromWords: z.string().nullable(),
    source: z.enum(['repository', 'upload']),
    draftedBy: z.string(),
    draftedAt: z.string(),
    publishedBy: z.string().nullable(),
    publishedAt: z.string().nullable(),
    /** Governs its jurisdiction's new episodes today. */
    inForce: z.boolean(),
  })
  .meta({ id: 'PlanVersion' });

const planChange = z
  .object({
    kind: z.enum(['added', 'removed', 'changed']),
    path: z.string(),
    label: z.string(),
    old: z.unknown().optional(),
    new: z.unknown().optional(),
    text: z.string(),
  })
  .meta({ id: 'PlanChange' });

const diffOut = z.object({
  planId: z.string(),
  version: z.number(),
  /** The version compared against (the one in force unless `against`), null when there is none. */
  base: z.object({ planId: z.string(), version: z.number() }).nullable(),
  changes: z.array(planChange),
});

/** A plan document: the shape of `schemas/`'s response plan, checked in full by the route. */
const planDocument = z
  .record(z.string(), z.unknown())
  .meta({ description: 'A response plan (JSON, or YAML with Content-Type application/yaml)' });

const recordOut = (r: PlanVersionRecord, inForce: boolean) => ({
  ...r,
  effectiveFromWords: r.effectiveFrom ? cstFullDateWords(r.effectiveFrom) : null,
  inForce,
});

export const planRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const now = deps.now ?? Date.now;
  const { pool } = deps;

  // YAML uploads (this plugin's routes only). Duplicate keys and alias bombs are refused by the parser.
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, YAML.parse(body as string, { maxAliasCount: 50, uniqueKeys: true }));
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : 'not YAML';
      done(new ApiError(400, 'malformed_body', `YAML 格式错误：${reason}`), undefined);
    }
  });

  /** The version in force today for each jurisdiction, as `planId@version`. */
  async function inForceKeys(jurisdictions: Iterable<string>): Promise<Set<string>> {
    const keys = new Set<string>();
    for (const j of new Set(jurisdictions)) {
      const f = await planInForce(pool, j, now());
      if (f) keys.add(`${f.record.planId}@${f.record.version}`);
    }
    return keys;
  }

  /**
   * The plan whose offices decide on revisions of `planId`: its latest published version, else (a
   * plan id new to the system) the plan in force in the jurisdiction; undefined for a new jurisdiction.
   */
  async function governing(planId: string, jurisdiction: string): Promise<ResponsePlan | undefined> {
    return (await latestPublished(pool, planId)) ?? (await planInForce(pool, jurisdiction, now()))?.plan;
  }

  /** Drafts are seen by who may revise them; published versions by who sees the jurisdiction. */
  function maySee(p: ApiPrincipal, r: PlanVersionRecord): boolean {
    if (!canSeeJurisdiction(p, r.jurisdiction)) return false;
    if (r.state === 'published') return true;
    return p.role === 'office' || (p.role === 'unit' && confinedJurisdiction(p) === r.jurisdiction);
  }

  async function visibleVersion(p: ApiPrincipal, planId: string, version: number) {
    const found = await planVersion(pool, planId, version);
    if (!found || !maySee(p, found.record)) throw notFound('plan version');
    return found;
  }

  app.get(
    '/plans',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['plans'],
        summary: 'Every version of the response plans, and which governs new episodes today',
        description:
          'Published versions of the jurisdictions the principal sees (a branch: its county and the city); ' +
          'drafts only to who may revise them.',
        security,
        response: { 200: z.object({ items: z.array(versionRecord) }), ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const records = (await listPlanVersions(pool, visibleJurisdictions(p))).filter((r) => maySee(p, r));
      const inForce = await inForceKeys(records.map((r) => r.jurisdiction));
      return { items: records.map((r) => recordOut(r, inForce.has(`${r.planId}@${r.version}`))) };
    },
  );

  app.get(
    '/plans/:planId/versions/:version',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['plans'],
        summary: 'One version of a plan with its content',
        security,
        params: versionParams,
        response: { 200: z.object({ record: versionRecord, content: planDocument }), ...errors },
      },
    },
    async (req) => {
      const found = await visibleVersion(principalOf(req), req.params.planId, req.params.version);
      const inForce = await inForceKeys([found.record.jurisdiction]);
      return {
        record: recordOut(found.record, inForce.has(`${found.record.planId}@${found.record.version}`)),
        content: found.plan as unknown as Record<string, unknown>,
      };
    },
  );

  app.put(
    '/plans/:planId/draft',
    {
      config: { access: KEEPERS },
      schema: {
        tags: ['plans'],
        summary: 'Upload the draft of a new version (JSON or YAML); every problem is listed by path',
        description:
          'The body is a whole response plan. It is validated with the plan schema; when invalid, the answer ' +
          'is 400 `plan_invalid` whose `errors[]` names every problem by its path (e.g. ' +
          '`warning.levels[0].conditions[0].clauses[0].aqiAbove`) and nothing is stored. A valid upload ' +
          'replaces the open draft of the plan, or opens one with the next version number (the stored ' +
          'document carries that number, whatever the upload said). A revision keeps the plan’s ' +
          'jurisdiction. The city’s office revises every plan, a county’s branch its county’s own ' +
          '(the branch is that plan’s office); a new plan id: who revises the plan in force in its ' +
          'jurisdiction (the city’s office alone for a jurisdiction no plan governs yet).',
        consumes: ['application/json', ...YAML_TYPES],
        security,
        params: planParams,
        body: planDocument,
        response: {
          200: z.object({ record: versionRecord, changes: z.array(planChange) }),
          201: z.object({ record: versionRecord, changes: z.array(planChange) }),
          ...errors,
          415: errorBody,
        },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const { planId } = req.params;
      const body = req.body as Record<string, unknown>;
      // the stored number is assigned here: an upload may leave it out
      const result = validatePlan({ ...body, version: body.version ?? 1 });
      const issues = result.ok ? [] : [...result.issues];
      if (body.id !== undefined && body.id !== planId) {
        issues.push({ path: 'id', message: `the document is plan "${String(body.id)}", not "${planId}"` });
      }
      const last = await latestVersion(pool, planId);
      if (last && typeof body.jurisdiction === 'string' && body.jurisdiction !== last.jurisdiction) {
        issues.push({
          path: 'jurisdiction',
          message: `a revision keeps the plan's jurisdiction "${last.jurisdiction}"`,
        });
      }
      if (!result.ok || issues.length > 0) {
        throw new ApiError(400, 'plan_invalid', `预案未通过校验，共${issues.length}处问题`, { issues });
      }
      const draft = result.plan;
      const rules = await governing(planId, draft.jurisdiction);
      if (!revisesPlan(rules, p) || !revisesPlan(draft, p)) throw forbidden();
      const saved = await saveDraft(pool, draft, p.id);
      const base = await planInForce(pool, draft.jurisdiction, now());
      return reply.code(saved.created ? 201 : 200).send({
        record: recordOut(saved.record, false),
        changes: base ? diffPlans(base.plan, saved.plan) : [],
      });
    },
  );

  app.get(
    '/plans/:planId/versions/:version/diff',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['plans'],
        summary: 'What a version changes: field by field (path, Chinese label, old → new)',
        description:
          'Against the version in force for the plan’s jurisdiction today, or the version `against` of the ' +
          'same plan. Lists of objects are matched by id (a duty, a level, a report field).',
        security,
        params: versionParams,
        querystring: z.strictObject({ against: z.coerce.number().int().min(1).max(100_000).optional() }),
        response: { 200: diffOut, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const { planId, version } = req.params;
      const found = await visibleVersion(p, planId, version);
      const base =
        req.query.against !== undefined
          ? await visibleVersion(p, planId, req.query.against)
          : await planInForce(pool, found.record.jurisdiction, now());
      return {
        planId,
        version,
        base: base ? { planId: base.record.planId, version: base.record.version } : null,
        changes: base ? diffPlans(base.plan, found.plan) : [],
      };
    },
  );

  app.post(
    '/plans/:planId/versions/:version/publish',
    {
      config: { access: KEEPERS },
      schema: {
        tags: ['plans'],
        summary: 'Publish a draft, in force for new episodes from its effective date (never changes after)',
        description:
          'From `effectiveFrom` (a CST date, today or later) the version governs the episodes that start in ' +
          'its jurisdiction; running episodes keep the version they pinned. Publishing the same version ' +
          'again with the same date answers the same record; a published version cannot change.',
        security,
        params: versionParams,
        body: z.strictObject({ effectiveFrom: isoDate }),
        response: { 200: z.object({ record: versionRecord }), ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const { planId, version } = req.params;
      const found = await planVersion(pool, planId, version);
      if (!found || !maySee(p, found.record)) throw notFound('plan version');
      if (!revisesPlan(await governing(planId, found.record.jurisdiction), p)) throw forbidden();
      const { effectiveFrom } = req.body;
      if (found.record.state === 'published') {
        if (found.record.effectiveFrom === effectiveFrom) {
          const inForce = await inForceKeys([found.record.jurisdiction]);
          return { record: recordOut(found.record, inForce.has(`${planId}@${version}`)) };
        }
        throw conflict(
          `该版本已于${cstFullDateWords(found.record.effectiveFrom ?? '')}起施行，已发布的版本不能修改`,
        );
      }
      const today = cstDate(now());
      if (effectiveFrom < today) {
        const message = `施行日期不能早于今天（${cstFullDateWords(today)}）`;
        throw badRequest(`effectiveFrom: ${message}`, { issues: [{ path: 'body.effectiveFrom', message }] });
      }
      // the schema may have grown since the upload: the version published is valid today
      const check = validatePlan({ ...found.plan, effectiveFrom });
      if (!check.ok) {
        throw new ApiError(400, 'plan_invalid', `预案未通过校验，共${check.issues.length}处问题`, {
          issues: check.issues,
        });
      }
      const record = await publishDraft(pool, planId, version, effectiveFrom, p.id);
      if (!record) throw conflict('该草稿已被他人发布或替换，请刷新后重试');
      const inForce = await inForceKeys([record.jurisdiction]);
      return { record: recordOut(record, inForce.has(`${planId}@${version}`)) };
    },
  );
};
