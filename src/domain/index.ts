/**
 * Public API of the pure domain layer. Zod-free at runtime, so workflows may import it.
 * Plan validation (zod) lives in `./plan-schema.js`: import `parsePlan`, `validatePlan`,
 * `buildReportValidator` and `planSchema` from there (API, activities, tests) — never from a
 * workflow. Its types are re-exported here as type-only exports.
 */
export * from './aqi.js';
export * from './authority.js';
export * from './calendar.js';
export * from './classify.js';
export * from './duties.js';
export * from './electricity.js';
export * from './episode-state.js';
export * from './errors.js';
export * from './events.js';
export * from './plan-types.js';
export * from './roles.js';
export { chaoyang2024Plan, defaultPlan } from './plans/chaoyang-2024.js';
export * from './templates.js';
export * from './wording.js';
export * from './proposals.js';
export * from './report-form.js';
export * from './ladder.js';
export * from './time-words.js';
export * from './message-vars.js';
export type { PlanValidation, ReportValidation, UnitReportValues } from './plan-schema.js';
export { commanderUnits, getPlan, listPlans, planForJurisdiction, unitOfAnyPlan } from './plans/index.js';
export * from './view-window.js';
export * from './observation.js';
export * from './acknowledgement.js';
export * from './photo-evidence.js';
export * from './filings.js';
export * from './field-plan.js';
export * from './field-tasks.js';
export * from './field-cases.js';
export * from './field-report.js';
export * from './field-messages.js';
