/**
 * Who may do what. Route level: each route declares `config.access` (a list of roles, or 'public');
 * a route without one is refused to everybody. Object level: the helpers below, called by handlers.
 */
import { ROLES, type Role, defaultPlan, unitOfAnyPlan } from '../domain/index.js';
import { forbidden } from './errors.js';
import type { ApiPrincipal } from './principal-store.js';

export type Access = 'public' | readonly Role[];

/** Roles that read episodes (RBAC-filtered by jurisdiction for branches). */
export const EPISODE_READERS: readonly Role[] = ROLES.filter((r) => r !== 'admin');
/** Roles that read the audit trail. */
export const AUDIT_READERS: readonly Role[] = ['auditor', 'office', 'leader'];
export const OFFICE: readonly Role[] = ['office'];
export const COMMANDER: readonly Role[] = ['commander'];
export const UNIT: readonly Role[] = ['unit'];
/** Who may keep an episode (start, consult, end an early response): the city's office and, for their
 * own county's episodes, the branches (object level: `keepsEpisode` of the episode's plan). */
export const KEEPERS: readonly Role[] = ['office', 'unit'];
export const ADMIN: readonly Role[] = ['admin'];
/** The delivery log names recipients' addresses: the episode readers but the units. */
export const LOG_READERS: readonly Role[] = EPISODE_READERS.filter((r) => r !== 'unit');
export const ANY_ROLE: readonly Role[] = ROLES;

/**
 * The county a principal is confined to, or null when it sees every jurisdiction: a branch, and a
 * county's commander or branch head (units of a county's plan bound to the county).
 */
export function confinedJurisdiction(p: ApiPrincipal): string | null {
  if (!p.unit || (p.role !== 'unit' && p.role !== 'commander' && p.role !== 'leader')) return null;
  return unitOfAnyPlan(p.unit)?.jurisdiction ?? null;
}

/** The jurisdictions a principal may see (null = all): its own county and the city-wide episodes. */
export function visibleJurisdictions(p: ApiPrincipal): string[] | null {
  const own = confinedJurisdiction(p);
  return own === null ? null : [own, defaultPlan.jurisdiction];
}

export function jurisdictionOfEpisode(episodeId: string): string {
  return episodeId.split(':')[1] ?? '';
}

export function canSeeJurisdiction(p: ApiPrincipal, jurisdiction: string): boolean {
  const visible = visibleJurisdictions(p);
  return visible === null || visible.includes(jurisdiction);
}

/**
 * Refuses an episode outside the principal's jurisdictions with 403. Decided from the business id
 * alone (it carries the jurisdiction), so the answer is the same whether the episode exists or not.
 */
export function assertEpisodeAccess(p: ApiPrincipal, episodeId: string): void {
  if (!canSeeJurisdiction(p, jurisdictionOfEpisode(episodeId))) throw forbidden();
}

/** A unit principal acts for its own unit only. */
export function assertActsFor(p: ApiPrincipal, unitId: string): void {
  if (p.role === 'unit' && p.unit !== unitId) throw forbidden();
}
