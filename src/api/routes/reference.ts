/** Reference data: the reduction list and meter readings (imports), the plan's units, principals. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { importEnterprises, importReadings } from '../../adapters/power/index.js';
import { ROLES, defaultPlan, toCstIso } from '../../domain/index.js';
import { ADMIN, ANY_ROLE, EPISODE_READERS, confinedJurisdiction } from '../access.js';
import { recordAdminAct, requestToken } from '../admin-log.js';
import type { AppDeps } from '../deps.js';
import { badRequest, conflict, forbidden, notFound } from '../errors.js';
import {
  type PrincipalRecord,
  PrincipalError,
  createPrincipal,
  DEFAULT_TOKEN_TTL_DAYS,
  getPrincipal,
  listPrincipals,
  revokeTokens,
  setDisabled,
} from '../principal-store.js';
import { booleanQuery, errorBody, isoDate, jurisdictionId } from '../schemas.js';
import { principalOf } from '../security.js';
import { cursorQuery, nextPositionCursor, positionOf } from '../pagination.js';
import { fileImportRoute } from '../file-imports.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

const principalBody = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  role: z.enum(ROLES),
  unit: z.string().min(1).max(100).optional(),
  name: z.string().max(200).optional(),
});
const principalOut = z.object({
  id: z.string(),
  role: z.enum(ROLES),
  unit: z.string().optional(),
  name: z.string(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
const principalListed = principalOut.extend({ activeTokens: z.number() });
const principalIdParams = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/) });

const measureOut = z.object({ summary: z.string(), percent: z.number().optional() });
const enterpriseOut = z.object({
  id: z.string(),
  name: z.string(),
  uscc: z.string(),
  county: z.string(),
  industry: z.string(),
  grade: z.string(),
  gradeLabel: z.string(),
  keyEnterprise: z.boolean(),
  exemption: z.string(),
  meterIds: z.array(z.string()),
  measures: z.record(z.string(), measureOut),
  lastReadingDay: z.string().nullable(),
  longitude: z.number().nullable().describe('经度 (WGS-84), when the list gives it'),
  latitude: z.number().nullable().describe('纬度 (WGS-84)'),
  sourceFile: z.string().nullable(),
  importedAt: z.string(),
});

function mapPrincipalError(err: unknown): unknown {
  if (err instanceof PrincipalError) {
    if (err.code === 'validation') return badRequest(err.message);
    if (err.code === 'conflict') return conflict(err.message);
    return notFound('principal');
  }
  return err;
}

export const referenceRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  fileImportRoute(app, deps, {
    path: '/enterprises/import',
    summary: 'Import the emergency reduction list (CSV or XLSX); any bad row imports nothing',
    run: (input) => importEnterprises(deps.pool, input),
  });

  fileImportRoute(app, deps, {
    path: '/readings/import',
    summary: 'Import daily meter readings (CSV or XLSX); any bad row imports nothing',
    run: (input) => importReadings(deps.pool, input),
  });

  app.get(
    '/units',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: ['reference'],
        summary: 'Units of the response plan',
        security,
        response: {
          200: z.object({
            planId: z.string(),
            planVersion: z.number(),
            items: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                kind: z.string(),
                jurisdiction: z.string().nullable(),
                filesDailyReport: z.boolean(),
              }),
            ),
          }),
          401: errorBody,
        },
      },
    },
    async () => ({
      planId: defaultPlan.id,
      planVersion: defaultPlan.version,
      items: defaultPlan.units.map((u) => ({
        id: u.id,
        name: u.name,
        kind: u.kind,
        jurisdiction: u.jurisdiction ?? null,
        filesDailyReport: u.filesDailyReport,
      })),
    }),
  );

  app.get(
    '/principals',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Principals (tokens are never shown)',
        security,
        response: { 200: z.object({ items: z.array(principalListed) }), 401: errorBody, 403: errorBody },
      },
    },
    async () => ({ items: await listPrincipals(deps.pool) }),
  );

  app.post(
    '/principals',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Create a principal (the same id, role and unit again is the same principal)',
        security,
        body: principalBody,
        response: { 201: principalOut, 200: principalOut, ...errors },
      },
    },
    async (req, reply) => {
      let out: { principal: PrincipalRecord; created: boolean };
      try {
        out = await createPrincipal(deps.pool, {
          id: req.body.id,
          role: req.body.role,
          ...(req.body.unit ? { unit: req.body.unit } : {}),
          ...(req.body.name ? { name: req.body.name } : {}),
        });
      } catch (err) {
        throw mapPrincipalError(err);
      }
      if (out.created) {
        await recordAdminAct(deps.pool, {
          actor: principalOf(req).id,
          action: 'principal.created',
          target: out.principal.id,
          details: { role: out.principal.role, unit: out.principal.unit ?? null, name: out.principal.name },
        });
      }
      return reply
        .code(out.created ? 201 : 200)
        .header('location', `/principals/${out.principal.id}`)
        .send(out.principal);
    },
  );

  app.post(
    '/principals/:id/tokens',
    {
      config: {
        access: ADMIN,
        // The token is shown once: a replay with the same Idempotency-Key answers the token id only.
        redactIdempotent: (body) => ({ ...(body as object), token: null }),
      },
      schema: {
        tags: ['admin'],
        summary:
          'Issue a bearer token (shown once; stored as a SHA-256 hash), or request one for another principal',
        description:
          'Its own token is issued at once (201). A token for another principal is a request (202) that ' +
          'a second administrator, or the principal itself (ADMIN_TOKEN_CONFIRMATION), confirms with ' +
          'POST /token-requests/:id/confirm; the token is shown to the confirmer. Tokens expire ' +
          `(default ${deps.admin?.tokenTtlDays ?? DEFAULT_TOKEN_TTL_DAYS} days). Every act is in GET /admin-log.`,
        security,
        params: principalIdParams,
        body: z.strictObject({
          label: z.string().max(200).optional(),
          expiresInDays: z.number().int().min(1).max(3650).optional(),
        }),
        response: {
          201: z.object({
            tokenId: z.string(),
            principalId: z.string(),
            token: z.string().nullable(),
            label: z.string(),
            expiresAt: z.string().nullable(),
          }),
          202: z.object({
            status: z.literal('pending'),
            requestId: z.string(),
            principalId: z.string(),
            confirmBy: z.enum(['second-admin', 'principal']),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const answer = await requestToken(deps.pool, principalOf(req), req.params.id, {
        label: req.body.label ?? '',
        expiresInDays: req.body.expiresInDays ?? deps.admin?.tokenTtlDays ?? DEFAULT_TOKEN_TTL_DAYS,
        confirmBy: deps.admin?.tokenConfirmation ?? 'second-admin',
      });
      if (answer.status === 'issued') return reply.code(201).send(answer.issued);
      return reply.code(202).send({
        status: 'pending' as const,
        requestId: answer.requestId,
        principalId: req.params.id,
        confirmBy: answer.confirmBy,
      });
    },
  );

  app.post(
    '/principals/:id/revoke',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Revoke every token of a principal (effective on the next request; again revokes none)',
        security,
        params: principalIdParams,
        response: { 200: z.object({ principalId: z.string(), revoked: z.number() }), ...errors },
      },
    },
    async (req) => {
      if (!(await getPrincipal(deps.pool, req.params.id))) throw notFound('principal');
      const revoked = await revokeTokens(deps.pool, req.params.id);
      await recordAdminAct(deps.pool, {
        actor: principalOf(req).id,
        action: 'tokens.revoked',
        target: req.params.id,
        details: { revoked },
      });
      return { principalId: req.params.id, revoked };
    },
  );

  app.post(
    '/principals/:id/status',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Disable a principal (its tokens stop working at once) or enable it again',
        security,
        params: principalIdParams,
        body: z.strictObject({ disabled: z.boolean() }),
        response: { 200: principalOut, ...errors },
      },
    },
    async (req) => {
      if (req.params.id === principalOf(req).id && req.body.disabled) {
        throw conflict('an administrator cannot disable itself');
      }
      const updated = await setDisabled(deps.pool, req.params.id, req.body.disabled);
      if (!updated) throw notFound('principal');
      await recordAdminAct(deps.pool, {
        actor: principalOf(req).id,
        action: req.body.disabled ? 'principal.disabled' : 'principal.enabled',
        target: req.params.id,
      });
      return updated;
    },
  );

  app.get(
    '/enterprises',
    {
      config: { access: EPISODE_READERS }, // everybody but the admin; a branch its own county only
      schema: {
        tags: ['reference'],
        summary: 'The emergency reduction list (a branch sees its own county only)',
        description:
          '`q` matches the id, the name or the unified social credit code; `lastReadingDay` is the latest day ' +
          'with a meter reading of the enterprise (any of its meters).',
        security,
        querystring: z.strictObject({
          county: jurisdictionId.optional(),
          keyEnterprise: booleanQuery.optional(),
          grade: z.enum(['A', 'B', 'C', 'D', 'unrated']).optional(),
          q: z.string().trim().min(1).max(100).optional(),
          readingsMissingOn: isoDate
            .optional()
            .describe('only enterprises with a meter lacking a reading that day'),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: cursorQuery,
        }),
        response: {
          200: z.object({
            total: z.number(),
            items: z.array(enterpriseOut),
            nextCursor: z.string().nullable().describe('the cursor of the next page; null on the last page'),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const own = confinedJurisdiction(principalOf(req));
      const { county, keyEnterprise, grade, q, readingsMissingOn, limit } = req.query;
      const offset = positionOf(req.query.cursor);
      if (own !== null && county !== undefined && county !== own) {
        throw forbidden();
      }
      const where = `($1::text IS NULL OR e.county = $1) AND ($2::boolean IS NULL OR e.key_enterprise = $2)
        AND ($3::text IS NULL OR e.grade = $3)
        AND ($4::text IS NULL OR e.id ILIKE $4 OR e.name ILIKE $4 OR e.uscc ILIKE $4)
        AND ($5::date IS NULL OR EXISTS (
          SELECT 1 FROM enterprise_meters m WHERE m.enterprise_id = e.id
            AND NOT EXISTS (SELECT 1 FROM meter_readings r WHERE r.meter_id = m.meter_id AND r.day = $5::date)))`;
      const like = q === undefined ? null : `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const args = [
        own ?? county ?? null,
        keyEnterprise ?? null,
        grade ?? null,
        like,
        readingsMissingOn ?? null,
      ];
      const [count, list] = await Promise.all([
        deps.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM enterprises e WHERE ${where}`, args),
        deps.pool.query<{
          id: string;
          name: string;
          uscc: string;
          county: string;
          industry: string;
          grade: string;
          grade_label: string;
          key_enterprise: boolean;
          exemption: string;
          measures: Record<string, { summary: string; percent?: number }>;
          source_file: string | null;
          imported_at: Date;
          meter_ids: string[];
          last_reading_day: string | null;
          longitude: number | null;
          latitude: number | null;
        }>(
          `SELECT e.*,
             COALESCE((SELECT array_agg(m.meter_id ORDER BY m.meter_id) FROM enterprise_meters m
                       WHERE m.enterprise_id = e.id), '{}') AS meter_ids,
             (SELECT max(r.day)::text FROM enterprise_meters m JOIN meter_readings r ON r.meter_id = m.meter_id
              WHERE m.enterprise_id = e.id) AS last_reading_day
           FROM enterprises e WHERE ${where} ORDER BY e.county, e.id LIMIT $6 OFFSET $7`,
          [...args, limit, offset],
        ),
      ]);
      const total = count.rows[0]?.n ?? 0;
      return {
        total,
        nextCursor: nextPositionCursor(offset, list.rows.length, offset + list.rows.length < total),
        items: list.rows.map((r) => ({
          id: r.id,
          name: r.name,
          uscc: r.uscc,
          county: r.county,
          industry: r.industry,
          grade: r.grade,
          gradeLabel: r.grade_label,
          keyEnterprise: r.key_enterprise,
          exemption: r.exemption,
          meterIds: r.meter_ids,
          measures: r.measures,
          lastReadingDay: r.last_reading_day,
          longitude: r.longitude,
          latitude: r.latitude,
          sourceFile: r.source_file,
          importedAt: toCstIso(r.imported_at.getTime()),
        })),
      };
    },
  );
};
