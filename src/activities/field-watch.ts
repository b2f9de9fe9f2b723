/**
 * The field watch activity (run by the `field-watch` schedule): escalates overdue cases along the
 * plan's `field.caseEscalation` ladder (owner first, then the office), tells a county's branch of each
 * new fire point, hands each hand-over (移交) to its department (and a serious one to the office for a
 * 通报), and flags daily reports that contradict the day's records or the electricity
 * accounting, telling the office. Every message carries a business key, so a re-run sends nothing twice.
 */
import { loadDayRecords, nonCompliantOn } from '../adapters/field/day-records.js';
import {
  type CaseKind,
  caseEscalationVars,
  contradictionVars,
  cstDate,
  defaultPlan,
  dueCaseSteps,
  firePointVars,
  handoverVars,
  followUpUnit,
  renderPlanTemplate,
  reportContradictions,
  responseDayDate,
  unitOfAnyPlan,
} from '../domain/index.js';
import type { ActivityDeps } from './deps.js';

export interface FieldWatchResult {
  escalations: number;
  firePoints: number;
  flags: number;
}

/** Reports submitted within this many days are checked against their day's records. */
const REPORT_LOOKBACK_DAYS = 3;

export function fieldWatchActivities({ pool, notifier }: Pick<ActivityDeps, 'pool' | 'notifier'>) {
  const plan = defaultPlan;
  const field = plan.field!;

  async function escalateCases(nowMs: number): Promise<number> {
    const { rows } = await pool.query<{
      id: string;
      kind: CaseKind;
      enterprise_id: string;
      name: string | null;
      episode_id: string | null;
      owner_unit: string;
      due_at: Date;
      escalated_steps: number;
      exercise: boolean | null;
    }>(
      `SELECT c.id, c.kind, c.enterprise_id, e.name, c.episode_id, c.owner_unit, c.due_at, c.escalated_steps, ep.exercise
       FROM field_cases c LEFT JOIN enterprises e ON e.id = c.enterprise_id LEFT JOIN episodes ep ON ep.id = c.episode_id
       WHERE c.state = 'open' AND c.due_at <= $1 AND c.escalated_steps < $2 ORDER BY c.due_at LIMIT 500`,
      [new Date(nowMs), field.caseEscalation.length],
    );
    let sent = 0;
    for (const c of rows) {
      const due = dueCaseSteps(field.caseEscalation, c.due_at.getTime(), nowMs, c.escalated_steps);
      for (const { index, step } of due) {
        for (const target of step.targets.map((t) => (t === '$unit' ? c.owner_unit : t))) {
          const msg = renderPlanTemplate(
            plan,
            step.template,
            caseEscalationVars(
              plan,
              {
                id: c.id,
                kind: c.kind,
                enterpriseName: c.name ?? c.enterprise_id,
                ownerUnit: c.owner_unit,
                dueMs: c.due_at.getTime(),
              },
              target,
              nowMs,
            ),
          );
          await notifier.send({
            idempotencyKey: `field-case:${c.id}:${index}:${target}`,
            episodeId: c.episode_id ?? 'field',
            step: `field.case.${index}`,
            recipientId: target,
            ...msg,
            exercise: c.exercise ?? false,
          });
          sent++;
        }
        await pool.query(
          'UPDATE field_cases SET escalated_steps = GREATEST(escalated_steps, $2), updated_at = now() WHERE id = $1',
          [c.id, index + 1],
        );
        await pool.query(
          `INSERT INTO field_case_updates (case_id, actor, action, detail) VALUES ($1, 'system', 'escalated', $2)`,
          [c.id, JSON.stringify({ step: index, description: step.description })],
        );
      }
    }
    return sent;
  }

  async function tellFirePoints(): Promise<number> {
    const { rows } = await pool.query<{
      id: string;
      county: string;
      longitude: number;
      latitude: number;
      observed_at: Date;
      source: string;
      place: string;
    }>(
      `SELECT id, county, longitude, latitude, observed_at, source, place FROM field_fire_points
       WHERE notified_at IS NULL ORDER BY observed_at LIMIT 500`,
    );
    for (const f of rows) {
      const target = followUpUnit(plan, f.county);
      const msg = renderPlanTemplate(
        plan,
        field.firePointTemplate,
        firePointVars(plan, { ...f, observedMs: f.observed_at.getTime() }, target),
      );
      await notifier.send({
        idempotencyKey: `field-fire:${f.id}:${target}`,
        episodeId: 'field',
        step: 'field.fire-point',
        recipientId: target,
        ...msg,
        exercise: false,
      });
      await pool.query('UPDATE field_fire_points SET notified_at = now() WHERE id = $1', [f.id]);
    }
    return rows.length;
  }

  async function tellHandovers(): Promise<number> {
    const { rows } = await pool.query<{
      id: string;
      unit_id: string;
      county: string;
      site_kind: string;
      site_name: string;
      problem: string;
      department: string;
      day: string;
      propose_notice: boolean;
    }>(
      `SELECT id, unit_id, county, site_kind, site_name, problem, department, day::text AS day, propose_notice
       FROM field_handovers WHERE told_at IS NULL ORDER BY created_at LIMIT 500`,
    );
    for (const h of rows) {
      const h2 = { ...h, unitId: h.unit_id, siteKind: h.site_kind, siteName: h.site_name };
      const sends: Array<[string, string]> = [[field.handoverTemplate, h.department]];
      if (h.propose_notice) sends.push([field.handoverNoticeTemplate, plan.roles.office]);
      for (const [template, target] of sends) {
        await notifier.send({
          idempotencyKey: `field-handover:${h.id}:${target}`,
          episodeId: 'field',
          step: template === field.handoverTemplate ? 'field.handover' : 'field.handover-notice',
          recipientId: target,
          ...renderPlanTemplate(plan, template, handoverVars(plan, h2, target)),
          exercise: false,
        });
      }
      await pool.query('UPDATE field_handovers SET told_at = now() WHERE id = $1', [h.id]);
    }
    return rows.length;
  }

  async function flagReports(nowMs: number): Promise<number> {
    const reports = await pool.query<{
      episode_id: string;
      unit_id: string;
      report_id: string;
      response_day: number;
      fields: Record<string, unknown>;
      submitted_at: Date;
      first_day: string | null;
      exercise: boolean | null;
    }>(
      `SELECT r.episode_id, r.unit_id, r.report_id, r.response_day, r.fields, r.submitted_at,
              ep.state->>'firstDay' AS first_day, ep.exercise
       FROM unit_reports r LEFT JOIN episodes ep ON ep.id = r.episode_id
       WHERE r.submitted_at >= $1
         AND NOT EXISTS (SELECT 1 FROM unit_reports n WHERE n.episode_id = r.episode_id AND n.unit_id = r.unit_id
                         AND n.response_day = r.response_day AND n.submitted_at > r.submitted_at)
       ORDER BY r.submitted_at LIMIT 2000`,
      [new Date(nowMs - REPORT_LOOKBACK_DAYS * 86_400_000)],
    );
    for (const r of reports.rows) {
      const day = r.first_day
        ? responseDayDate(r.first_day, r.response_day)
        : cstDate(r.submitted_at.getTime());
      const records = await loadDayRecords(pool, r.unit_id, day);
      const nonCompliant = await nonCompliantOn(
        pool,
        r.unit_id,
        day,
        records.inspections.map((i) => i.enterpriseId),
      );
      if (nonCompliant.length === 0 && records.inspections.length === 0 && records.handovers.length === 0)
        continue;
      const names = await pool.query<{ id: string; name: string }>(
        'SELECT id, name FROM enterprises WHERE id = ANY($1::text[])',
        [[...nonCompliant, ...records.inspections.map((i) => i.enterpriseId)]],
      );
      const byId = new Map(names.rows.map((n) => [n.id, n.name]));
      const found = reportContradictions({
        fields: r.fields,
        records,
        nonCompliant,
        enterpriseName: (id) => byId.get(id) ?? id,
      });
      for (const c of found) {
        await pool.query(
          `INSERT INTO field_report_flags (episode_id, unit_id, county, report_id, day, rule, enterprise_id, message)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (episode_id, unit_id, report_id, rule, enterprise_id) DO NOTHING`,
          [
            r.episode_id,
            r.unit_id,
            unitOfAnyPlan(r.unit_id)?.jurisdiction ?? null,
            r.report_id,
            day,
            c.rule,
            c.enterpriseId,
            c.problem,
          ],
        );
      }
    }
    // tell the office of every flag not yet told (one message per report)
    const pending = await pool.query<{
      episode_id: string;
      unit_id: string;
      report_id: string;
      day: string;
      messages: string[];
      exercise: boolean | null;
    }>(
      `SELECT f.episode_id, f.unit_id, f.report_id, f.day::text AS day, array_agg(f.message ORDER BY f.created_at, f.id) AS messages,
              bool_or(ep.exercise) AS exercise
       FROM field_report_flags f LEFT JOIN episodes ep ON ep.id = f.episode_id
       WHERE f.notified_at IS NULL GROUP BY f.episode_id, f.unit_id, f.report_id, f.day LIMIT 500`,
    );
    for (const f of pending.rows) {
      const msg = renderPlanTemplate(
        plan,
        field.contradictionTemplate,
        contradictionVars(plan, f.unit_id, f.day, f.messages),
      );
      await notifier.send({
        idempotencyKey: `field-flag:${f.episode_id}:${f.unit_id}:${f.report_id}:${f.messages.length}`,
        episodeId: f.episode_id,
        step: 'field.report-contradiction',
        recipientId: plan.roles.office,
        ...msg,
        exercise: f.exercise ?? false,
      });
      await pool.query(
        `UPDATE field_report_flags SET notified_at = now()
         WHERE episode_id = $1 AND unit_id = $2 AND report_id = $3 AND notified_at IS NULL`,
        [f.episode_id, f.unit_id, f.report_id],
      );
    }
    return pending.rows.length;
  }

  return {
    /** One pass of the field watch at `nowMs` (the workflow's time). */
    async fieldWatch(input: { nowMs: number }): Promise<FieldWatchResult> {
      const escalations = await escalateCases(input.nowMs);
      const firePoints = await tellFirePoints();
      await tellHandovers();
      const flags = await flagReports(input.nowMs);
      return { escalations, firePoints, flags };
    },
  };
}
