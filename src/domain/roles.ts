/**
 * The roles a principal holds, defined once: the API's access lists, the principals' store and CLI,
 * and the workflow's checks of who sent a message all use these.
 */

/** Every role a principal (an API token's holder) can have. */
export const ROLES = ['office', 'commander', 'leader', 'unit', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who may be named as the actor of an episode message: a principal's role, or the province sending a
 * warning directive (no API principal holds that role; the office records a directive for it).
 */
export type ActorRole = Role | 'province';
