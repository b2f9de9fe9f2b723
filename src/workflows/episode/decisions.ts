/**
 * The commander's decisions (approve, order a level, decline, lift) and the office's closing of an
 * episode (end of an early response, or cancel), carried out on the validated input.
 */
import { earlyResponse, parseIso } from '../../domain/index.js';
import type { CloseInput, DecisionInput, EpisodeView } from '../definitions.js';
import { officeConfirmsEarlyResponse } from './consultation.js';
import { beginSummaries } from './duties.js';
import { proposeEarlyResponse } from './office.js';
import { liftWarning, orderLevel, startEarlyResponse } from './response.js';
import { type EpisodeRun, emit, now, nowIso } from './run.js';
import { actorOf } from './validators.js';
import { view } from './view.js';

export function decide(run: EpisodeRun, d: DecisionInput): EpisodeView {
  const actor = actorOf(d.actor);
  const pending = run.state.pendingProposal;
  const at = nowIso(run);
  const effectMs = d.effectiveAt !== undefined ? parseIso(d.effectiveAt) : now();
  switch (d.decision) {
    case 'approve': {
      const p = pending!;
      emit(run, {
        type: 'commander.decided',
        at,
        actor,
        proposalId: p.proposalId,
        decision: 'approve',
        level: p.level,
      });
      if (p.kind === 'lift' || p.level === 'none') liftWarning(run, actor, effectMs);
      else orderLevel(run, p.level, actor, effectMs);
      break;
    }
    case 'order-level': {
      const level = d.level!;
      emit(run, {
        type: 'commander.decided',
        at,
        actor,
        decision: 'order-level',
        level,
        ...(pending ? { proposalId: pending.proposalId } : {}),
      });
      orderLevel(run, level, actor, effectMs);
      break;
    }
    case 'decline': {
      emit(run, {
        type: 'commander.decided',
        at,
        actor,
        proposalId: pending!.proposalId,
        decision: 'decline',
        ...(d.comment ? { comment: d.comment } : {}),
      });
      const { state, plan, forecast } = run;
      if (state.level === 'none' && !state.earlyResponseActive && earlyResponse(plan, forecast).early) {
        const reasons = earlyResponse(plan, forecast).reasons;
        if (officeConfirmsEarlyResponse()) proposeEarlyResponse(run, reasons);
        else startEarlyResponse(run, reasons);
      }
      break;
    }
    case 'lift':
      emit(run, {
        type: 'commander.decided',
        at,
        actor,
        decision: 'lift',
        ...(pending?.kind === 'lift' ? { proposalId: pending.proposalId } : {}),
      });
      liftWarning(run, actor, effectMs);
      break;
  }
  return view(run);
}

export function closeEpisode(run: EpisodeRun, c: CloseInput): EpisodeView {
  const actor = actorOf(c.actor);
  if (c.reason === 'end-early-response') {
    emit(run, { type: 'early-response.ended', at: nowIso(run), actor, reason: c.comment ?? '污染过程结束' });
    beginSummaries(run);
  } else {
    emit(run, { type: 'episode.closed', at: nowIso(run), actor, reason: 'cancelled' });
  }
  return view(run);
}
