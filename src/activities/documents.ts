/**
 * The document activity: turns what the workflow knows about an episode (a compact, JSON-only
 * `DocumentRequest`) into the facts of an official document — names from the plan, electricity
 * details from the stored day assessments, levels and their periods from the warning records — and
 * renders and stores it (DOCX + HTML).
 */
import type pg from 'pg';
import { getDayAssessment } from '../adapters/power/index.js';
import { type DocumentFacts, produceDocument } from '../adapters/reporting/index.js';
import type { DocumentRequest } from '../contracts/index.js';
import { type ResponsePlan, getPlan, toCstIso } from '../domain/index.js';
import type { ActivityDeps } from './deps.js';
import { heartbeating, nonRetryable } from './support.js';

export type { DocumentRequest } from '../contracts/index.js';

export function documentActivities({ pool }: Pick<ActivityDeps, 'pool'>) {
  return {
    /** Renders and stores a document (DOCX + HTML); the same (episode, kind, key) and facts give the same document. */
    async produceDocument(input: DocumentRequest): Promise<{ documentId: string }> {
      const plan = getPlan(input.planId, input.planVersion);
      return heartbeating(async () => {
        try {
          const facts = await documentFacts(pool, plan, input);
          const doc = await produceDocument(pool, {
            episodeId: input.episodeId,
            kind: input.kind,
            key: input.key,
            facts,
            plan,
          });
          return { documentId: String(doc.documentId) };
        } catch (err) {
          nonRetryable(err);
        }
      });
    },
  };
}

const DECISIONS: Record<string, string> = {
  approve: '批准',
  'order-level': '指令',
  decline: '不同意',
  lift: '指令解除',
};

async function documentFacts(
  pool: pg.Pool,
  plan: ResponsePlan,
  input: DocumentRequest,
): Promise<DocumentFacts> {
  // The work summary lists every circulated notice of the episode: they are in the event log.
  const req =
    input.kind === 'work-summary' ? { ...input, notices: await allNotices(pool, input.episodeId) } : input;
  const unitName = (id: string) => plan.units.find((u) => u.id === id)?.name ?? id;
  const levelName = (l: string) => plan.warning.levels.find((x) => x.level === l)?.name ?? l;
  const dutyTitle = (id: string) => {
    const [base, day] = id.split(':');
    const title = plan.duties.find((d) => d.id === base)?.title ?? base!;
    return day ? `${title}（${day}耗电量核算未达标企业跟进）` : title;
  };

  const levels: NonNullable<DocumentFacts['levels']> = [];
  if (req.earlyResponseFrom)
    levels.push({ level: 'early', from: req.earlyResponseFrom, reason: '污染过程提前应对' });
  for (const w of req.warnings) {
    const open = levels[levels.length - 1];
    if (open && open.to === undefined) open.to = w.at;
    if (w.kind !== 'lifted')
      levels.push({ level: w.level, from: w.at, reason: w.kind === 'issued' ? '启动预警' : '调整预警级别' });
  }
  const last = levels[levels.length - 1];
  if (last && last.to === undefined && req.liftedAt) last.to = req.liftedAt;

  const timeline = [
    ...req.decisions.map((d) => ({
      at: d.at,
      text: `指挥长${DECISIONS[d.decision] ?? d.decision}${d.level && d.level !== 'none' ? `（${levelName(d.level)}）` : ''}`,
    })),
    ...req.warnings.map((w) => ({
      at: w.at,
      text:
        w.kind === 'issued'
          ? `发布${levelName(w.level)}`
          : w.kind === 'changed'
            ? `预警调整为${levelName(w.level)}`
            : `解除${levelName(w.level)}`,
    })),
    ...req.notices.map((n) => ({ at: n.at, text: `通报${unitName(n.unitId)}：${n.reason}` })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const electricity: NonNullable<DocumentFacts['electricity']> = [];
  for (const day of req.electricityDays) {
    const a = await getDayAssessment(pool, req.episodeId, day);
    if (!a) continue;
    electricity.push({
      day: a.day,
      level: a.level,
      counts: a.counts,
      nonCompliant: a.nonCompliant.slice(0, 20).map((e) => ({
        name: e.name,
        county: plan.jurisdictions.find((j) => j.id === e.county)?.name ?? e.county,
        cut: e.cut,
        required: e.required,
      })),
    });
  }

  const status = (s: string): 'done' | 'in-progress' | 'not-done' | 'late' =>
    s === 'submitted' ? 'done' : s === 'late' ? 'late' : s === 'overdue' ? 'not-done' : 'in-progress';

  return {
    episodeId: req.episodeId,
    jurisdiction: {
      id: req.jurisdiction,
      name: plan.jurisdictions.find((j) => j.id === req.jurisdiction)?.name ?? req.jurisdiction,
    },
    exercise: req.exercise,
    issuedAt: req.issuedAt,
    ...(req.responseDay !== undefined ? { responseDay: req.responseDay } : {}),
    ...(req.reportDate ? { reportDate: req.reportDate } : {}),
    ...(req.unitId ? { unit: { id: req.unitId, name: unitName(req.unitId) } } : {}),
    overview: req.overview,
    timeline,
    levels,
    duties: req.duties.map((d) => ({
      dutyId: d.dutyId,
      title: dutyTitle(d.dutyId),
      unitName: unitName(d.unitId),
      status: status(d.status),
      ...(d.dueAt ? { note: `截止${d.dueAt.slice(0, 16).replace('T', ' ')}` } : {}),
    })),
    lateUnits: req.lateUnits.map((l) => ({
      unitName: unitName(l.unitId),
      item: l.item,
      dueAt: l.dueAt,
      ...(l.submittedAt ? { submittedAt: l.submittedAt } : {}),
    })),
    notices: req.notices.map((n) => ({
      title: `关于${unitName(n.unitId)}${n.reason}的通报`,
      at: n.at,
      unitName: unitName(n.unitId),
    })),
    electricity,
    aqi: req.forecast.map((d) => ({ date: d.date, forecast: d.aqi })),
  };
}

async function allNotices(pool: pg.Pool, episodeId: string): Promise<DocumentRequest['notices']> {
  const { rows } = await pool.query<{ unit_id: string; at: Date; reason: string }>(
    `SELECT payload->>'unitId' AS unit_id, at, payload->>'reason' AS reason FROM episode_events
     WHERE episode_id = $1 AND type = 'notice.circulated' ORDER BY seq`,
    [episodeId],
  );
  return rows.map((r) => ({ unitId: r.unit_id, at: toCstIso(r.at.getTime()), reason: r.reason }));
}
