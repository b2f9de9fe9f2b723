/**
 * The document activity: turns what the workflow knows about an episode (a compact, JSON-only
 * `DocumentRequest`) into the facts of an official document — names from the plan, electricity
 * details from the stored day assessments, levels and their periods from the warning records — and
 * renders and stores it (DOCX + HTML).
 */
import type pg from 'pg';
import { assessStored, episodeDuties } from '../adapters/assessment/index.js';
import { getDayAssessment } from '../adapters/power/index.js';
import { assessmentFactsOf, withObserved } from '../adapters/reporting/assessment-section.js';
import { type DocumentFacts, produceDocument } from '../adapters/reporting/index.js';
import {
  type LoggedEvent,
  episodeEvents,
  officeLessons,
  reportsInForce,
  unitSummaries,
} from '../adapters/reporting/records.js';
import type { DocumentRequest } from '../contracts/index.js';
import {
  type ForecastDay,
  type ObservedDay,
  type ResponsePlan,
  cstDate,
  nextDate,
  parseIso,
  toCstIso,
} from '../domain/index.js';
import { pinnedPlan } from '../db/plan-versions.js';
import type { ActivityDeps } from './deps.js';
import { heartbeating, nonRetryable } from './support.js';

export type { DocumentRequest } from '../contracts/index.js';

export function documentActivities({ pool }: Pick<ActivityDeps, 'pool'>) {
  return {
    /** Renders and stores a document (DOCX + HTML); the same (episode, kind, key) and facts give the same document. */
    async produceDocument(input: DocumentRequest): Promise<{ documentId: string }> {
      const plan = await pinnedPlan(pool, input.planId, input.planVersion);
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

async function documentFacts(
  pool: pg.Pool,
  plan: ResponsePlan,
  input: DocumentRequest,
): Promise<DocumentFacts> {
  const summary = input.kind === 'work-summary';
  // The work summary lists every circulated notice of the episode: they are in the event log.
  const req = summary ? { ...input, notices: await allNotices(pool, input.episodeId) } : input;
  const unitName = (id: string) => plan.units.find((u) => u.id === id)?.name ?? id;
  const levelName = (l: string) => plan.warning.levels.find((x) => x.level === l)?.name ?? l;

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

  const events = await episodeEvents(pool, req.episodeId, [
    'consultation.recorded',
    'commander.decided',
    'warning.issued',
    'warning.changed',
    'warning.lifted',
    'early-response.started',
    'early-response.ended',
    'notice.circulated',
    'enforcement.followup',
    'observation.recorded',
  ]);
  const observed = observedByDate(events);
  const issuedDate = cstDate(parseIso(req.issuedAt));
  const followupEvents = events.filter(
    (e) => e.type === 'enforcement.followup' && (summary || cstDate(parseIso(e.at)) === issuedDate),
  );
  // follow-ups are closed as cases (#15, field_cases); closing events are counted as before
  const closedCases = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM field_cases
     WHERE episode_id = $1 AND source_key LIKE 'electricity:%' AND state = 'closed'
       AND ($2::date IS NULL OR (closed_at AT TIME ZONE 'Asia/Shanghai')::date = $2::date)`,
    [req.episodeId, summary ? null : issuedDate],
  );
  const followups = {
    opened: followupEvents.filter((e) => e.payload.action !== 'closed').length,
    closed:
      followupEvents.filter((e) => e.payload.action === 'closed').length + (closedCases.rows[0]?.n ?? 0),
  };

  const unitReports = await reportTable(pool, plan, req, summary);
  const common = {
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
    levels,
    lateUnits: req.lateUnits.map((l) => ({
      unitName: unitName(l.unitId),
      item: l.item,
      dueAt: l.dueAt,
      ...(l.submittedAt ? { submittedAt: l.submittedAt } : {}),
    })),
    notices: req.notices.map((n) => ({
      title: n.reason,
      at: n.at,
      unitName: unitName(n.unitId),
    })),
    electricity,
    followups,
    unitReports,
  };
  if (!summary)
    return {
      ...common,
      aqi: req.forecast.map((d) => ({
        date: d.date,
        forecast: d.aqi,
        ...(observed[d.date] !== undefined ? { observed: observed[d.date] } : {}),
      })),
    };

  const lessons = await officeLessons(pool, req.episodeId);
  // 成效评估 (#14.4): the effect assessment from what is stored; its observed days fill the AQI table too
  const assessed = await assessStored(
    pool,
    plan,
    {
      episodeId: req.episodeId,
      jurisdiction: req.jurisdiction,
      firstDay: null,
      warnings: req.warnings,
      liftedAt: req.liftedAt,
      closedAt: null,
      duties: await episodeDuties(pool, req.episodeId, req.duties),
    },
    parseIso(req.issuedAt),
  );
  return {
    ...common,
    timeline: timelineOf(plan, events, levelName, unitName),
    aqi: withObserved(processAqi(events, req.issuedAt), assessed),
    summaries: (await unitSummaries(pool, req.episodeId)).map((s) => ({
      unitName: unitName(s.unitId),
      text: s.text,
      late: s.late,
    })),
    ...(lessons ? { lessons } : {}),
    assessment: assessmentFactsOf(assessed),
  };
}

/**
 * Each day's observed AQI as the episode last received it (#14.3), for the daily report: complete
 * days only (every item valid, the day over), never a partial day nor a missing value read as zero.
 * (The work summary takes its observed days from the effect assessment.)
 */
function observedByDate(events: LoggedEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) {
    if (e.type !== 'observation.recorded') continue;
    for (const d of (e.payload.days ?? []) as ObservedDay[]) {
      if (d.complete && d.aqi !== null) out[d.date] = d.aqi;
      else delete out[d.date];
    }
  }
  return out;
}

/** What happened, from the event log: the commander's orders (with the comment), warnings, notices. */
function timelineOf(
  plan: ResponsePlan,
  events: LoggedEvent[],
  levelName: (l: string) => string,
  unitName: (id: string) => string,
): Array<{ at: string; text: string }> {
  const responseName = (l: string) => plan.warning.levels.find((x) => x.level === l)?.responseName ?? '';
  return events.flatMap((e) => {
    const p = e.payload as Record<string, string | undefined>;
    switch (e.type) {
      case 'commander.decided': {
        const level = p.level && p.level !== 'none' ? levelName(p.level) : null;
        const what =
          p.decision === 'approve'
            ? level
              ? `批准执行${level}`
              : '批准解除预警'
            : p.decision === 'order-level'
              ? `指令执行${level ?? '预警'}`
              : p.decision === 'lift'
                ? '指令解除预警'
                : '不同意所提建议';
        const comment = p.comment ? `（${p.comment}）` : '';
        return [{ at: e.at, text: `指挥长${what}${comment}` }];
      }
      case 'warning.issued':
        return [{ at: e.at, text: `发布${levelName(p.level!)}，启动${responseName(p.level!)}` }];
      case 'warning.changed':
        return [
          {
            at: e.at,
            text: `预警由${levelName(p.previousLevel!)}调整为${levelName(p.level!)}，执行${responseName(p.level!)}`,
          },
        ];
      case 'warning.lifted':
        return [{ at: e.at, text: `解除${levelName(p.level!)}，终止${responseName(p.level!)}` }];
      case 'early-response.started':
        return [{ at: e.at, text: '启动污染过程提前应对' }];
      case 'early-response.ended':
        return [{ at: e.at, text: '结束污染过程提前应对' }];
      case 'notice.circulated':
        return [{ at: e.at, text: `通报${unitName(p.unitId!)}${p.reason ?? ''}` }];
      default:
        return [];
    }
  });
}

/**
 * Every day of the process (from the first response day to the day of the lift), each with the AQI
 * forecast at the time: the latest consultation recorded by that day that forecast it (else the
 * earliest one that did). Observed values are not recorded by the product yet.
 */
export function processAqi(
  events: LoggedEvent[],
  issuedAt: string,
): Array<{ date: string; forecast?: number }> {
  const starts = events
    .filter((e) => e.type === 'warning.issued' || e.type === 'early-response.started')
    .map((e) => String(e.payload.firstDay ?? cstDate(parseIso(e.at))));
  if (starts.length === 0) return [];
  const first = starts.sort()[0]!;
  // the process ends with its last lift (an early response that turned into a warning ended before it)
  const end = events.filter((e) => e.type === 'warning.lifted' || e.type === 'early-response.ended').at(-1);
  const lastDate = cstDate(parseIso(end?.at ?? issuedAt));
  const consultations = events
    .filter((e) => e.type === 'consultation.recorded')
    .map((e) => ({ date: cstDate(parseIso(e.at)), days: (e.payload.days ?? []) as ForecastDay[] }));
  const rows: Array<{ date: string; forecast?: number }> = [];
  for (let d = first; d <= lastDate && rows.length < 400; d = nextDate(d)) {
    const forecasting = consultations.filter((c) => c.days.some((x) => x.date === d));
    const byThen = forecasting.filter((c) => c.date <= d);
    const chosen = byThen.at(-1) ?? forecasting[0];
    const aqi = chosen?.days.find((x) => x.date === d)?.aqi;
    rows.push({ date: d, ...(aqi !== undefined ? { forecast: aqi } : {}) });
  }
  return rows;
}

/** The units' reports as a table: per unit the plan's integer fields, photos; the day before's totals. */
async function reportTable(
  pool: pg.Pool,
  plan: ResponsePlan,
  req: DocumentRequest,
  summary: boolean,
): Promise<NonNullable<DocumentFacts['unitReports']>> {
  const fields = plan.reportForm.fields.filter((f) => f.type === 'integer');
  const photoField = plan.reportForm.fields.find((f) => f.type === 'idList');
  const day = summary ? null : (req.responseDay ?? null);
  const reports = await reportsInForce(pool, req.episodeId, day);
  const obliged = new Set(
    req.duties
      .filter((d) => (summary ? typeof d.responseDay === 'number' : d.responseDay === day))
      .map((d) => d.unitId),
  );
  for (const r of reports) obliged.add(r.unitId);
  const units = plan.units.filter((u) => obliged.has(u.id));
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const rows = units.map((u) => {
    const mine = reports.filter((r) => r.unitId === u.id);
    return {
      unitName: u.shortName ?? u.name,
      values: fields.map((f) => mine.reduce((s, r) => s + num(r.fields[f.name]), 0)),
      photos: mine.reduce(
        (s, r) =>
          s +
          (photoField && Array.isArray(r.fields[photoField.name])
            ? (r.fields[photoField.name] as unknown[]).length
            : 0),
        0,
      ),
      reported: mine.length > 0,
    };
  });
  let previousTotals: number[] | undefined;
  if (!summary && day !== null && day > 1) {
    const before = await reportsInForce(pool, req.episodeId, day - 1);
    previousTotals = fields.map((f) => before.reduce((s, r) => s + num(r.fields[f.name]), 0));
  }
  return {
    fields: fields.map((f) => ({ name: f.name, label: f.shortLabel ?? f.label })),
    rows,
    ...(previousTotals ? { previousTotals } : {}),
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
