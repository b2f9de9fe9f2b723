/**
 * Who may act for an episode under its plan (二.2, 五(一)2): the one home of the rules that bind the
 * office's and the commander's acts to a jurisdiction. Pure; the workflow's validators and the API
 * both ask here.
 */
import type { ActorRole } from './roles.js';
import type { ResponsePlan } from './plan-types.js';

interface Acting {
  role: ActorRole;
  unit?: string;
}

/**
 * Keeps an episode (starts it, consults, records a directive, ends an early response): the city's
 * office for every jurisdiction (大气环境科 leads 五(一)2), and the plan's own office — a county's
 * branch for its county's episodes.
 */
export function keepsEpisode(plan: ResponsePlan, actor: Acting): boolean {
  if (actor.role === 'office') return true;
  return actor.role === 'unit' && actor.unit !== undefined && actor.unit === plan.roles.office;
}

/**
 * Revises a plan (五(一)1: uploads a draft, publishes it) — by the same rule as keeping its episodes:
 * the city's office every plan, a county's branch its county's own (二.2: the county runs its
 * warnings under its own plan; the branch is that plan's office). `plan` is the version that
 * governs (the latest published); undefined for a jurisdiction no plan governs yet: the city's
 * office alone.
 */
export function revisesPlan(plan: ResponsePlan | undefined, actor: Acting): boolean {
  if (!plan) return actor.role === 'office';
  return keepsEpisode(plan, actor);
}

/** Orders the warning: only the commander the plan names (a county's commander decides only there). */
export function commandsEpisode(plan: ResponsePlan, actor: Acting): boolean {
  return actor.role === 'commander' && actor.unit === plan.roles.commander;
}
