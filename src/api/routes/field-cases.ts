/**
 * Cases (案件) of field work: a follow-up of the electricity accounting, supervisory monitoring
 * (监督性监测) with its result, evidence (取证), a penalty (立案) with its decision number; opened,
 * updated and closed with a reason. Scoped by county like reports.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CASE_KINDS, defaultPlan, parseIso, toCstIso } from '../../domain/index.js';
import { type CaseRow, caseView, getCase, openCase } from '../../adapters/field/cases.js';
import { EPISODE_READERS } from '../access.js';
import type { AppDeps } from '../deps.js';
import { conflict, notFound } from '../errors.js';
import {
  FIELD_WRITERS,
  assertFieldCounty,
  enterpriseFor,
  enterpriseNames,
  fieldCounty,
  fieldError,
  ownerOfCounty,
  writerUnit,
} from '../field-scope.js';
import { errorBody, isoDate, isoInstant, uuidParams } from '../schemas.js';
import { principalOf } from '../security.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

const caseKind = z.enum(CASE_KINDS as unknown as ['followup', 'monitoring', 'evidence', 'penalty']);
const ownerUnits = [...defaultPlan.units.filter((u) => u.jurisdiction).map((u) => u.id), 'enforcement'];

export const caseSchema = z.object({
  id: z.string(),
  kind: caseKind,
  enterpriseId: z.string(),
  enterpriseName: z.string().nullable(),
  county: z.string(),
  episodeId: z.string().nullable(),
  ownerUnit: z.string(),
  title: z.string(),
  openedAt: z.string(),
  openedBy: z.string(),
  dueAt: z.string(),
  state: z.enum(['open', 'closed']),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  closeReason: z.string().nullable(),
  monitoringResult: z.string().nullable(),
  decisionNumber: z.string().nullable(),
  notes: z.string(),
  inspectionId: z.string().nullable(),
  fromElectricity: z.boolean(),
  escalatedSteps: z.number(),
});

export const openCaseBody = z.strictObject({
  kind: caseKind,
  enterpriseId: z.string().min(1).max(100),
  episodeId: z.string().min(1).max(200).optional(),
  ownerUnit: z
    .string()
    .refine((u) => ownerUnits.includes(u), { message: `one of ${ownerUnits.join(', ')}` })
    .optional(),
  title: z.string().trim().max(200).optional(),
  notes: z.string().max(4000).optional(),
  dueAt: isoInstant.optional(),
  monitoringResult: z.string().trim().min(1).max(2000).optional(),
  decisionNumber: z.string().trim().min(1).max(100).optional(),
});

async function withNames(deps: AppDeps, rows: CaseRow[]) {
  const names = await enterpriseNames(
    deps.pool,
    rows.map((r) => r.enterprise_id),
  );
  return rows.map((r) => caseView(r, names.get(r.enterprise_id)));
}

export const fieldCaseRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const now = () => deps.now?.() ?? Date.now();

  app.get(
    '/field/cases',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['field'],
        summary: 'Cases (a branch sees its county’s; the enforcement team and the office all)',
        security,
        querystring: z.strictObject({
          state: z.enum(['open', 'closed', 'overdue']).optional(),
          county: z.string().min(1).max(64).optional(),
          enterpriseId: z.string().min(1).max(100).optional(),
          episodeId: z.string().min(1).max(200).optional(),
          openedOn: isoDate.optional(),
        }),
        response: { 200: z.object({ items: z.array(caseSchema) }), ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const own = fieldCounty(p);
      if (own !== null && req.query.county !== undefined && req.query.county !== own) return { items: [] };
      const county = own ?? req.query.county ?? null;
      const { rows } = await deps.pool.query<CaseRow>(
        `SELECT * FROM field_cases
         WHERE ($1::text IS NULL OR county = $1)
           AND ($2::text IS NULL OR ($2 = 'overdue' AND state = 'open' AND due_at < $6) OR state = $2)
           AND ($3::text IS NULL OR enterprise_id = $3) AND ($4::text IS NULL OR episode_id = $4)
           AND ($5::date IS NULL OR (opened_at AT TIME ZONE 'Asia/Shanghai')::date = $5::date)
         ORDER BY opened_at DESC, id LIMIT 1000`,
        [
          county,
          req.query.state ?? null,
          req.query.enterpriseId ?? null,
          req.query.episodeId ?? null,
          req.query.openedOn ?? null,
          new Date(now()),
        ],
      );
      return { items: await withNames(deps, rows) };
    },
  );

  app.get(
    '/field/cases/:id',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['field'],
        summary: 'One case with its journal (opened, updated, escalated, closed)',
        security,
        params: uuidParams,
        response: {
          200: caseSchema.extend({
            journal: z.array(
              z.object({ at: z.string(), actor: z.string(), action: z.string(), detail: z.unknown() }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const row = await getCase(deps.pool, req.params.id);
      if (!row) throw notFound('case');
      assertFieldCounty(principalOf(req), row.county);
      const journal = await deps.pool.query<{ at: Date; actor: string; action: string; detail: unknown }>(
        'SELECT at, actor, action, detail FROM field_case_updates WHERE case_id = $1 ORDER BY id',
        [row.id],
      );
      const [view] = await withNames(deps, [row]);
      return {
        ...view!,
        journal: journal.rows.map((j) => ({ ...j, at: toCstIso(j.at.getTime()) })),
      };
    },
  );

  app.post(
    '/field/cases',
    {
      config: { access: FIELD_WRITERS },
      schema: {
        tags: ['field'],
        summary:
          'Open a case on an enterprise of the caller’s county (Idempotency-Key makes a retry a no-op)',
        description:
          'The owner is the county’s branch unless `ownerUnit` names the enforcement team; the due date is the ' +
          "plan's `field.caseDueDays` for the kind unless `dueAt` is given. A penalty case may carry its decision " +
          'number from the start.',
        security,
        body: openCaseBody,
        response: { 201: caseSchema, ...errors },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const b = req.body;
      const ent = await enterpriseFor(deps.pool, p, b.enterpriseId);
      const at = now();
      if (b.dueAt && parseIso(b.dueAt) <= at) throw fieldError('body.dueAt', '办结期限应晚于当前时间');
      const { row } = await openCase(deps.pool, {
        kind: b.kind,
        enterpriseId: ent.id,
        county: ent.county,
        episodeId: b.episodeId ?? null,
        ownerUnit: b.ownerUnit ?? (p.unit === 'enforcement' ? 'enforcement' : ownerOfCounty(ent.county)),
        title: b.title ?? '',
        openedAt: at,
        openedBy: p.id,
        ...(b.dueAt ? { dueAt: parseIso(b.dueAt) } : {}),
        notes: b.notes ?? '',
        monitoringResult: b.monitoringResult ?? null,
        decisionNumber: b.decisionNumber ?? null,
      });
      return reply.code(201).send(caseView(row, ent.name));
    },
  );

  app.post(
    '/field/cases/:id/updates',
    {
      config: { access: FIELD_WRITERS },
      schema: {
        tags: ['field'],
        summary:
          'Update an open case: its kind (e.g. a follow-up becomes 立案), notes, result, decision number, due date',
        security,
        params: uuidParams,
        body: z
          .strictObject({
            kind: caseKind.optional(),
            notes: z.string().max(4000).optional(),
            monitoringResult: z.string().trim().min(1).max(2000).optional(),
            decisionNumber: z.string().trim().min(1).max(100).optional(),
            dueAt: isoInstant.optional(),
          })
          .refine((b) => Object.keys(b).length > 0, { message: 'nothing to update' }),
        response: { 200: caseSchema, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const row = await getCase(deps.pool, req.params.id);
      if (!row) throw notFound('case');
      assertFieldCounty(p, row.county);
      if (row.state === 'closed') throw conflict('案件已办结，不能再修改');
      const b = req.body;
      if (b.dueAt && parseIso(b.dueAt) <= now()) throw fieldError('body.dueAt', '办结期限应晚于当前时间');
      const { rows } = await deps.pool.query<CaseRow>(
        `UPDATE field_cases SET kind = COALESCE($2, kind), notes = COALESCE($3, notes),
           monitoring_result = COALESCE($4, monitoring_result), decision_number = COALESCE($5, decision_number),
           due_at = COALESCE($6, due_at), escalated_steps = CASE WHEN $6::timestamptz IS NULL THEN escalated_steps ELSE 0 END,
           updated_at = now()
         WHERE id = $1 AND state = 'open' RETURNING *`,
        [
          row.id,
          b.kind ?? null,
          b.notes ?? null,
          b.monitoringResult ?? null,
          b.decisionNumber ?? null,
          b.dueAt ? new Date(parseIso(b.dueAt)) : null,
        ],
      );
      if (!rows[0]) throw conflict('案件已办结，不能再修改');
      await deps.pool.query(
        `INSERT INTO field_case_updates (case_id, actor, action, detail) VALUES ($1, $2, 'updated', $3)`,
        [row.id, p.id, JSON.stringify(b)],
      );
      const [view] = await withNames(deps, rows);
      return view!;
    },
  );

  app.post(
    '/field/cases/:id/close',
    {
      config: { access: FIELD_WRITERS },
      schema: {
        tags: ['field'],
        summary: 'Close a case with a reason (a penalty needs its decision number, monitoring its result)',
        description:
          'Closing a closed case again with the same reason answers the closed case (a retry); another reason is 409.',
        security,
        params: uuidParams,
        body: z.strictObject({
          reason: z.string().trim().min(1).max(2000),
          monitoringResult: z.string().trim().min(1).max(2000).optional(),
          decisionNumber: z.string().trim().min(1).max(100).optional(),
        }),
        response: { 200: caseSchema, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const row = await getCase(deps.pool, req.params.id);
      if (!row) throw notFound('case');
      assertFieldCounty(p, row.county);
      const b = req.body;
      if (row.state === 'closed') {
        if (row.close_reason === b.reason) return (await withNames(deps, [row]))[0]!;
        throw conflict('案件已办结', { closeReason: row.close_reason });
      }
      if (row.kind === 'penalty' && !(b.decisionNumber ?? row.decision_number))
        throw fieldError('body.decisionNumber', '立案处罚案件办结须填写处罚决定书文号');
      if (row.kind === 'monitoring' && !(b.monitoringResult ?? row.monitoring_result))
        throw fieldError('body.monitoringResult', '监督性监测案件办结须填写监测结果');
      const { rows } = await deps.pool.query<CaseRow>(
        `UPDATE field_cases SET state = 'closed', closed_at = $2, closed_by = $3, close_reason = $4,
           monitoring_result = COALESCE($5, monitoring_result), decision_number = COALESCE($6, decision_number),
           updated_at = now()
         WHERE id = $1 AND state = 'open' RETURNING *`,
        [row.id, new Date(now()), p.id, b.reason, b.monitoringResult ?? null, b.decisionNumber ?? null],
      );
      if (!rows[0]) throw conflict('案件已办结');
      await deps.pool.query(
        `INSERT INTO field_case_updates (case_id, actor, action, detail) VALUES ($1, $2, 'closed', $3)`,
        [row.id, p.id, JSON.stringify({ reason: b.reason, unit: writerUnit(p) })],
      );
      const [view] = await withNames(deps, rows);
      return view!;
    },
  );
};
