/**
 * The formal documents of what the event log records — the 通知 of each warning's start, change and
 * lift (with its 紧急程度) and the 通报 of each circulated notice — produced on demand, idempotently
 * (one document per event, keyed by its sequence number), so no workflow command is needed.
 */
import type pg from 'pg';
import type { ReportSlot } from '../../domain/events.js';
import { pinnedPlan } from '../../db/plan-versions.js';
import { reportItemLabel } from '../../domain/wording.js';
import type { ResponsePlan } from '../../domain/plan-types.js';
import type { DocumentFacts } from './facts.js';
import { type ProducedDocument, produceDocument } from './index.js';
import { type LoggedEvent, episodeEvents } from './records.js';

const ORDERS: Record<string, string> = {
  approve: '批准',
  'order-level': '指令',
  lift: '指令解除',
};

/** The facts of the notice of one warning event (the commander's order is the decision before it). */
export function warningNoticeFacts(
  plan: ResponsePlan,
  started: { episodeId: string; jurisdiction: string; exercise: boolean },
  event: LoggedEvent,
  decision: LoggedEvent | undefined,
): DocumentFacts {
  const p = event.payload as Record<string, string>;
  const action =
    event.type === 'warning.issued' ? 'start' : event.type === 'warning.changed' ? 'change' : 'lift';
  const commander = plan.units.find((u) => u.id === plan.roles.commander)?.name ?? '指挥长';
  const d = decision?.payload as Record<string, string> | undefined;
  const order = d
    ? `经会商研判，${commander}${ORDERS[d.decision ?? ''] ?? '同意'}${d.comment ? `（${d.comment}）` : ''}`
    : undefined;
  return {
    episodeId: started.episodeId,
    jurisdiction: {
      id: started.jurisdiction,
      name: plan.jurisdictions.find((j) => j.id === started.jurisdiction)?.name ?? started.jurisdiction,
    },
    exercise: started.exercise,
    issuedAt: event.at,
    notice: {
      action,
      level: p.level as 'yellow' | 'orange' | 'red',
      ...(p.previousLevel ? { previousLevel: p.previousLevel as 'yellow' | 'orange' | 'red' } : {}),
      at: event.at,
      ...(order ? { order } : {}),
    },
  };
}

/**
 * Produces (or finds) the warning notices and 通报 of an episode from its event log. Returns what
 * exists afterwards; an episode not in the log yet has none.
 */
export async function produceEventDocuments(pool: pg.Pool, episodeId: string): Promise<ProducedDocument[]> {
  const events = await episodeEvents(pool, episodeId, [
    'episode.started',
    'commander.decided',
    'warning.issued',
    'warning.changed',
    'warning.lifted',
    'notice.circulated',
  ]);
  const start = events.find((e) => e.type === 'episode.started');
  if (!start) return [];
  const s = start.payload as { jurisdiction: string; planId: string; planVersion: number; exercise: boolean };
  const plan = await pinnedPlan(pool, s.planId, s.planVersion);
  const started = { episodeId, jurisdiction: s.jurisdiction, exercise: s.exercise };
  const out: ProducedDocument[] = [];
  for (const e of events) {
    if (e.type.startsWith('warning.')) {
      const decision = events.filter((x) => x.type === 'commander.decided' && x.seq < e.seq).at(-1);
      out.push(
        await produceDocument(pool, {
          episodeId,
          kind: 'warning-notice',
          key: `event-${e.seq}`,
          facts: warningNoticeFacts(plan, started, e, decision),
          plan,
        }),
      );
    } else if (e.type === 'notice.circulated') {
      const p = e.payload as { unitId: string; reason: string; responseDay: ReportSlot; text?: string };
      const facts: DocumentFacts = {
        episodeId,
        jurisdiction: {
          id: s.jurisdiction,
          name: plan.jurisdictions.find((j) => j.id === s.jurisdiction)?.name ?? s.jurisdiction,
        },
        exercise: s.exercise,
        issuedAt: e.at,
        circulated: {
          unitName: plan.units.find((u) => u.id === p.unitId)?.name ?? p.unitId,
          item: reportItemLabel(p.responseDay),
          reason: p.reason,
          at: e.at,
          ...(p.text ? { text: p.text } : {}),
        },
      };
      out.push(
        await produceDocument(pool, {
          episodeId,
          kind: 'circulated-notice',
          key: `event-${e.seq}`,
          facts,
          plan,
        }),
      );
    }
  }
  return out;
}
