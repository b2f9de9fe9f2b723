/**
 * The expert committee (五(一)4): its members, kept by the office (name, organisation, specialty,
 * active), read by the office, the leaders, the commander and the auditors. An episode's opinion names
 * the members who gave it (PUT /episodes/:id/assessment/opinion `memberIds`).
 */
import type pg from 'pg';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { toCstIso } from '../../domain/index.js';
import { OFFICE } from '../access.js';
import type { AppDeps } from '../deps.js';
import { badRequest, notFound } from '../errors.js';
import { errorBody } from '../schemas.js';
import { principalOf } from '../security.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };
const READERS = ['office', 'leader', 'commander', 'auditor'] as const;

const member = z.object({
  id: z.string(),
  name: z.string(),
  organisation: z.string(),
  specialty: z.string(),
  active: z.boolean(),
  updatedAt: z.string(),
});
const memberBody = z.strictObject({
  name: z.string().trim().min(1).max(50),
  organisation: z.string().trim().min(1).max(100),
  specialty: z.string().trim().min(1).max(100),
  active: z.boolean().default(true),
});

interface MemberRow {
  id: string;
  name: string;
  organisation: string;
  specialty: string;
  active: boolean;
  updated_at: Date;
}
const view = (r: MemberRow) => ({
  id: r.id,
  name: r.name,
  organisation: r.organisation,
  specialty: r.specialty,
  active: r.active,
  updatedAt: toCstIso(r.updated_at.getTime()),
});
const COLUMNS = 'id::text AS id, name, organisation, specialty, active, updated_at';

/** The members named by `ids`, in that order; a 400 naming `field` when one is unknown or not active. */
export async function activeMembers(pool: pg.Pool, ids: readonly string[], field: string) {
  if (ids.length === 0) return [];
  const { rows } = await pool.query<MemberRow>(
    `SELECT ${COLUMNS} FROM expert_members WHERE id::text = ANY($1::text[]) AND active`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0)
    throw badRequest(`${field}: 专家委员会中没有在任的成员${missing.join('、')}`, {
      issues: [{ path: field, message: '应为专家委员会在任成员的编号' }],
    });
  return ids.map((id) => view(byId.get(id)!));
}

export const expertRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get(
    '/experts',
    {
      config: { access: READERS },
      schema: {
        tags: ['reference'],
        summary: 'The expert committee’s members (专家委员会), active first',
        security,
        response: { 200: z.object({ items: z.array(member) }), ...errors },
      },
    },
    async () => {
      const { rows } = await deps.pool.query<MemberRow>(
        `SELECT ${COLUMNS} FROM expert_members ORDER BY active DESC, name, id`,
      );
      return { items: rows.map(view) };
    },
  );

  app.post(
    '/experts',
    {
      config: { access: OFFICE },
      schema: {
        tags: ['reference'],
        summary: 'The office adds a member to the expert committee',
        security,
        body: memberBody,
        response: { 201: member, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const { rows } = await deps.pool.query<MemberRow>(
        `INSERT INTO expert_members (name, organisation, specialty, active, created_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [b.name, b.organisation, b.specialty, b.active, principalOf(req).id],
      );
      return reply.code(201).send(view(rows[0]!));
    },
  );

  app.put(
    '/experts/:id',
    {
      config: { access: OFFICE },
      schema: {
        tags: ['reference'],
        summary: 'The office updates a member (or retires one: `active: false`)',
        security,
        params: z.object({ id: z.uuid() }),
        body: memberBody,
        response: { 200: member, ...errors },
      },
    },
    async (req) => {
      const b = req.body;
      const { rows } = await deps.pool.query<MemberRow>(
        `UPDATE expert_members SET name = $2, organisation = $3, specialty = $4, active = $5, updated_at = now()
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [req.params.id, b.name, b.organisation, b.specialty, b.active],
      );
      if (!rows[0]) throw notFound('expert');
      return view(rows[0]);
    },
  );
};
