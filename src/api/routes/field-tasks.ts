/**
 * Today's tasks (五(二)6): the enterprises a branch (or the enforcement team) supervises on site and
 * patrols on a day, chosen from the reduction list by the level's intensity (field-tasks.ts); an
 * officer is assigned, and checks in and out on site.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type TodaysTasks,
  cstDate,
  defaultPlan,
  fieldIntensity,
  parseIso,
  selectTodaysTasks,
  toCstIso,
} from '../../domain/index.js';
import { EPISODE_READERS, assertActsFor } from '../access.js';
import type { AppDeps } from '../deps.js';
import { conflict } from '../errors.js';
import { FIELD_WRITERS, assertFieldCounty, countyOfUnit, fieldError, levelInForce } from '../field-scope.js';
import type { ApiPrincipal } from '../principal-store.js';
import { errorBody, isoDate, isoInstant } from '../schemas.js';
import { principalOf } from '../security.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/** Units with field tasks: the branches and the enforcement team. */
const TASK_UNITS = [...defaultPlan.units.filter((u) => u.jurisdiction).map((u) => u.id), 'enforcement'];
const taskUnit = z
  .string()
  .refine((u) => TASK_UNITS.includes(u), { message: `one of ${TASK_UNITS.join(', ')}` });
const task = z.enum(['supervise', 'patrol']);

/** The unit whose tasks are meant: a unit's own (another is 403), else the one named (required). */
function unitOf(p: ApiPrincipal, asked: string | undefined, field: string): string {
  if (p.role === 'unit') {
    if (asked !== undefined) assertActsFor(p, asked);
    if (!TASK_UNITS.includes(p.unit ?? '')) throw fieldError(field, '本单位没有现场督导和巡查任务');
    return p.unit!;
  }
  if (asked === undefined) throw fieldError(field, '请指明单位');
  const county = countyOfUnit(asked);
  if (county) assertFieldCounty(p, county);
  return asked;
}

interface Visit {
  enterprise_id: string;
  task: string;
  officer: string | null;
  checked_in_at: Date | null;
  checked_out_at: Date | null;
}

async function tasksOf(deps: AppDeps, unitId: string, date: string, episodeId?: string) {
  const county = countyOfUnit(unitId);
  const inForce = await levelInForce(deps.pool, county, date, episodeId);
  const intensity = fieldIntensity(inForce.plan.field, inForce.level);
  const { rows } = await deps.pool.query<{
    id: string;
    name: string;
    county: string;
    key_enterprise: boolean;
    measures: Record<string, { summary?: string }>;
  }>(
    `SELECT id, name, county, key_enterprise, measures FROM enterprises
     WHERE ($1::text IS NULL OR county = $1) ORDER BY id`,
    [county],
  );
  const tasks: TodaysTasks = intensity
    ? selectTodaysTasks(
        intensity,
        rows.map((r) => ({ id: r.id, county: r.county, keyEnterprise: r.key_enterprise })),
        county,
        date,
      )
    : { supervise: [], patrol: [] };
  return { county, inForce, intensity, enterprises: new Map(rows.map((r) => [r.id, r])), tasks };
}

const taskItem = z.object({
  enterpriseId: z.string(),
  enterpriseName: z.string(),
  county: z.string(),
  task,
  measures: z.string().describe("the enterprise's 一厂一策 measures for the level in force"),
  officer: z.string().nullable(),
  checkedInAt: z.string().nullable(),
  checkedOutAt: z.string().nullable(),
});

const visitBody = z.strictObject({
  date: isoDate,
  enterpriseId: z.string().min(1).max(100),
  task,
  unitId: taskUnit.optional(),
  episodeId: z.string().min(1).max(200).optional(),
});

export const fieldTaskRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const now = () => deps.now?.() ?? Date.now();

  async function todaysList(unitId: string, date: string, episodeId?: string) {
    const t = await tasksOf(deps, unitId, date, episodeId);
    const { rows } = await deps.pool.query<Visit>(
      'SELECT enterprise_id, task, officer, checked_in_at, checked_out_at FROM field_task_visits WHERE day = $1 AND unit_id = $2',
      [date, unitId],
    );
    const visits = new Map(rows.map((v) => [`${v.task}|${v.enterprise_id}`, v]));
    const level = t.inForce.level;
    const items = (['supervise', 'patrol'] as const).flatMap((kind) =>
      t.tasks[kind].map((id) => {
        const e = t.enterprises.get(id)!;
        const v = visits.get(`${kind}|${id}`);
        const iso = (d: Date | null | undefined) => (d ? toCstIso(d.getTime()) : null);
        return {
          enterpriseId: id,
          enterpriseName: e.name,
          county: e.county,
          task: kind,
          measures: level && level !== 'early' ? (e.measures[level]?.summary ?? '') : '',
          officer: v?.officer ?? null,
          checkedInAt: iso(v?.checked_in_at),
          checkedOutAt: iso(v?.checked_out_at),
        };
      }),
    );
    return { t, items };
  }

  /** The visit's unit, after checking the enterprise is among its tasks of the day. */
  async function taskOfDay(p: ApiPrincipal, b: z.infer<typeof visitBody>) {
    const unitId = unitOf(p, b.unitId, 'body.unitId');
    const { t } = await todaysList(unitId, b.date, b.episodeId);
    if (!t.tasks[b.task].includes(b.enterpriseId))
      throw fieldError(
        'body.enterpriseId',
        `该企业不在${b.date}的${b.task === 'supervise' ? '驻场督导' : '执法巡查'}任务中`,
      );
    return { unitId, county: t.enterprises.get(b.enterpriseId)!.county };
  }

  app.get(
    '/field/tasks',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['field'],
        summary:
          "A unit's tasks of a day: enterprises to supervise on site and to patrol, with officer and check-ins",
        description:
          'Chosen from the reduction list by the intensity of the level in force (plan `field.intensity`): a share ' +
          'of the county’s key enterprises under on-site supervision and a number of patrols, rotating by day so ' +
          'every enterprise comes up. A unit reads its own; others name `unitId`.',
        security,
        querystring: z.strictObject({
          date: isoDate.optional(),
          unitId: taskUnit.optional(),
          episodeId: z.string().min(1).max(200).optional(),
        }),
        response: {
          200: z.object({
            date: z.string(),
            unitId: z.string(),
            county: z.string().nullable(),
            level: z.string().nullable(),
            episodeId: z.string().nullable(),
            intensity: z
              .object({
                onSiteSharePercent: z.number(),
                patrolsPerBranch: z.number(),
                patrolsEnforcement: z.number(),
              })
              .nullable(),
            items: z.array(taskItem),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const unitId = unitOf(p, req.query.unitId, 'query.unitId');
      const date = req.query.date ?? cstDate(now());
      const { t, items } = await todaysList(unitId, date, req.query.episodeId);
      return {
        date,
        unitId,
        county: t.county,
        level: t.inForce.level,
        episodeId: t.inForce.episodeId,
        intensity: t.intensity,
        items,
      };
    },
  );

  app.post(
    '/field/tasks/assign',
    {
      config: { access: FIELD_WRITERS },
      schema: {
        tags: ['field'],
        summary: 'Assign an officer to one of the day’s tasks',
        security,
        body: visitBody.extend({ officer: z.string().trim().min(1).max(100) }),
        response: { 200: z.object({ ok: z.literal(true) }), ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const { unitId, county } = await taskOfDay(p, req.body);
      await deps.pool.query(
        `INSERT INTO field_task_visits (day, enterprise_id, task, unit_id, county, officer)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (day, enterprise_id, task, unit_id) DO UPDATE SET officer = EXCLUDED.officer, updated_at = now()`,
        [req.body.date, req.body.enterpriseId, req.body.task, unitId, county, req.body.officer],
      );
      return { ok: true as const };
    },
  );

  for (const move of ['check-in', 'check-out'] as const) {
    app.post(
      `/field/tasks/${move}`,
      {
        config: { access: FIELD_WRITERS },
        schema: {
          tags: ['field'],
          summary: move === 'check-in' ? 'Check in on site for a task' : 'Check out of the site of a task',
          description:
            'A repeated check-in/out keeps the first time. Checking out before checking in is 409.',
          security,
          body: visitBody.extend({
            at: isoInstant.optional(),
            officer: z.string().trim().min(1).max(100).optional(),
          }),
          response: {
            200: z.object({ checkedInAt: z.string().nullable(), checkedOutAt: z.string().nullable() }),
            ...errors,
          },
        },
      },
      async (req) => {
        const p = principalOf(req);
        const b = req.body;
        const { unitId, county } = await taskOfDay(p, b);
        const at = b.at ? parseIso(b.at) : now();
        if (at > now() + 10 * 60_000) throw fieldError('body.at', '时间不能晚于当前时间');
        const { rows } =
          move === 'check-in'
            ? await deps.pool.query<Visit>(
                `INSERT INTO field_task_visits (day, enterprise_id, task, unit_id, county, officer, checked_in_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (day, enterprise_id, task, unit_id) DO UPDATE
                   SET checked_in_at = COALESCE(field_task_visits.checked_in_at, EXCLUDED.checked_in_at),
                       officer = COALESCE(field_task_visits.officer, EXCLUDED.officer), updated_at = now()
                 RETURNING checked_in_at, checked_out_at`,
                [b.date, b.enterpriseId, b.task, unitId, county, b.officer ?? null, new Date(at)],
              )
            : await deps.pool.query<Visit>(
                `UPDATE field_task_visits SET checked_out_at = COALESCE(checked_out_at, $4), updated_at = now()
                 WHERE day = $1 AND enterprise_id = $2 AND task = $3 AND unit_id = $5 AND checked_in_at IS NOT NULL
                 RETURNING checked_in_at, checked_out_at`,
                [b.date, b.enterpriseId, b.task, new Date(at), unitId],
              );
        const r = rows[0];
        if (!r) throw conflict('尚未签到，不能签退');
        const iso = (d: Date | null) => (d ? toCstIso(d.getTime()) : null);
        return { checkedInAt: iso(r.checked_in_at), checkedOutAt: iso(r.checked_out_at) };
      },
    );
  }
};
