/**
 * The registry of response plans by id and version. A version, once released, never changes: an
 * episode pins the (id, version) it started with, and the workflow reads the plan from here, so a
 * later edit (a new version) never changes a running episode and replays stay deterministic.
 */
import { DomainError, ErrorCode } from '../errors.js';
import type { ResponsePlan } from '../plan-types.js';
import { chaoyang2024Plan } from './chaoyang-2024.js';

const registry: readonly ResponsePlan[] = [chaoyang2024Plan];

export function getPlan(id: string, version?: number): ResponsePlan {
  const candidates = registry.filter((p) => p.id === id);
  if (candidates.length === 0) throw new DomainError(ErrorCode.NOT_FOUND, `no response plan "${id}"`);
  if (version === undefined) return candidates.reduce((a, b) => (b.version > a.version ? b : a));
  const plan = candidates.find((p) => p.version === version);
  if (!plan) throw new DomainError(ErrorCode.NOT_FOUND, `response plan "${id}" has no version ${version}`);
  return plan;
}

export function listPlans(): Array<{ id: string; version: number; name: string }> {
  return registry.map((p) => ({ id: p.id, version: p.version, name: p.name }));
}
