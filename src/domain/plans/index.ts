/**
 * The registry of response plans by id and version: the city's plan and one plan per county (二.2).
 * A version, once released, never changes: an episode pins the (id, version) it started with, and the
 * workflow reads the plan from here, so a later edit (a new version) never changes a running episode
 * and replays stay deterministic.
 */
import { DomainError, ErrorCode } from '../errors.js';
import type { ResponsePlan, Unit } from '../plan-types.js';
import { chaoyang2024Plan, deepFreeze } from './chaoyang-2024.js';
import { countyPlans } from './county-plans.js';

const registry: readonly ResponsePlan[] = [
  chaoyang2024Plan,
  ...countyPlans(chaoyang2024Plan).map((p) => deepFreeze(p)),
];

const latest = (candidates: readonly ResponsePlan[]) =>
  candidates.reduce((a, b) => (b.version > a.version ? b : a));

export function getPlan(id: string, version?: number): ResponsePlan {
  const candidates = registry.filter((p) => p.id === id);
  if (candidates.length === 0) throw new DomainError(ErrorCode.NOT_FOUND, `no response plan "${id}"`);
  if (version === undefined) return latest(candidates);
  const plan = candidates.find((p) => p.version === version);
  if (!plan) throw new DomainError(ErrorCode.NOT_FOUND, `response plan "${id}" has no version ${version}`);
  return plan;
}

/** The latest plan that governs `jurisdiction`'s episodes (the city's, or the county's own). */
export function planForJurisdiction(jurisdiction: string): ResponsePlan {
  const candidates = registry.filter((p) => p.jurisdiction === jurisdiction);
  if (candidates.length === 0)
    throw new DomainError(ErrorCode.NOT_FOUND, `no response plan governs jurisdiction "${jurisdiction}"`);
  return latest(candidates);
}

export function listPlans(): Array<{ id: string; version: number; name: string; jurisdiction: string }> {
  return registry.map((p) => ({ id: p.id, version: p.version, name: p.name, jurisdiction: p.jurisdiction }));
}

/**
 * A unit of any plan by id (the city's plan first): principals belong to units of the city's plan or
 * of a county's (a county's commander, its branch's head).
 */
export function unitOfAnyPlan(unitId: string): Unit | undefined {
  for (const plan of registry) {
    const unit = plan.units.find((u) => u.id === unitId);
    if (unit) return unit;
  }
  return undefined;
}

/** The units that command some plan's episodes (who may hold the commander role). */
export function commanderUnits(): string[] {
  return [...new Set(registry.map((p) => p.roles.commander))];
}
