/**
 * The electricity accounting's follow-ups as cases: each `enforcement.followup` event the projection
 * records opens a case (kind 'followup') once, keyed by the event (episode + sequence number), so the
 * follow-up can be worked, escalated when overdue and closed with a reason. No workflow change.
 */
import type pg from 'pg';
import { openCase } from '../adapters/field/cases.js';
import type { SequencedEvent } from '../contracts/index.js';
import { CASE_KIND_NAMES, parseIso, unitOfAnyPlan } from '../domain/index.js';

export async function openFollowUpCases(
  client: pg.PoolClient,
  episodeId: string,
  events: ReadonlyArray<SequencedEvent>,
): Promise<void> {
  for (const { seq, event } of events) {
    if (event.type !== 'enforcement.followup' || event.action === 'closed') continue;
    const { rows } = await client.query<{ county: string }>('SELECT county FROM enterprises WHERE id = $1', [
      event.enterpriseId,
    ]);
    await openCase(client, {
      kind: 'followup',
      enterpriseId: event.enterpriseId,
      county: rows[0]?.county ?? unitOfAnyPlan(event.unitId)?.jurisdiction ?? '',
      episodeId,
      ownerUnit: event.unitId,
      title: CASE_KIND_NAMES.followup,
      openedAt: parseIso(event.at),
      openedBy: 'system',
      sourceKey: `electricity:${episodeId}:${seq}`,
    });
  }
}
