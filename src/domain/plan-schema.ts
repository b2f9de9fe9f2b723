/**
 * Response plan schema (zod). The ONLY domain module that imports zod: workflows must not import
 * this file (use plan-types.ts for types). The API and activities validate plans and reports here.
 */
import { z } from 'zod';
import { DomainError, ErrorCode, type FieldIssue, formatPath } from './errors.js';
import { checkReportFields } from './report-form.js';
import {
  LATE_UNIT_TARGET,
  REQUIRED_TEMPLATE_KEYS,
  type ResponsePlan,
  SMS_TEMPLATE_FACTS,
  WARNING_LEVELS,
} from './plan-types.js';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const dim = [
      31,
      y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
      31,
      30,
      31,
      30,
      31,
      31,
      30,
      31,
      30,
      31,
    ];
    return m >= 1 && m <= 12 && d >= 1 && d <= (dim[m - 1] ?? 0);
  }, 'not a calendar date');
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm');
const id = z.string().min(1).max(100);
const text = z.string().min(1);
const aqiThreshold = z.number().int().min(0).max(500);
const dayCount = z.number().int().min(1).max(30);
const warningLevel = z.enum(['yellow', 'orange', 'red']);
const grade = z.enum(['A', 'B', 'C', 'D', 'unrated']);

const jurisdictionSchema = z.strictObject({
  id,
  name: text,
  kind: z.enum(['city', 'county']),
  parent: id.optional(),
  areaCode: z
    .string()
    .regex(/^[1-8]\d{5}$/, 'a GB/T 2260 code: 6 digits')
    .optional(),
  polygon: z
    .string()
    .regex(
      /^-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?( -?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?){3,}$/,
      'a CAP polygon: at least 4 "lat,lon" pairs separated by spaces',
    )
    .refine((p) => p.split(' ')[0] === p.split(' ').at(-1), 'a CAP polygon ends at its first point')
    .optional(),
});

const smsTemplateSchema = z.strictObject({
  templateId: z.string().regex(/^[A-Za-z0-9_]{1,40}$/, 'a provider template id'),
  params: z
    .array(z.strictObject({ name: z.string().regex(/^\w{1,30}$/), from: z.enum(SMS_TEMPLATE_FACTS) }))
    .max(10),
});

const unitList = z.array(id);
const documentSettingsSchema = z.strictObject({
  issuerMark: text,
  issuerName: text,
  agencyCode: text,
  briefingName: text,
  noticeAddressees: unitList.min(1),
  ccUnits: unitList,
  printedBy: text,
  signer: text,
  noticeUrgency: z.enum(['特急', '加急']),
  lessonsPlaceholder: text,
});

const publicationSchema = z.strictObject({
  agencyCode: z.string().regex(/^\d{8}$/, 'the agency code: 8 digits'),
  eventType: z.string().regex(/^\w{1,10}$/, 'an event type code'),
  smsTemplates: z.strictObject({
    Alert: smsTemplateSchema,
    Update: smsTemplateSchema,
    Cancel: smsTemplateSchema,
  }),
});

const unitSchema = z.strictObject({
  id,
  name: text,
  shortName: text.optional(),
  kind: z.enum(['internal', 'external']),
  jurisdiction: id.optional(),
  filesDailyReport: z.boolean(),
  parent: id.optional(),
  description: z.string().optional(),
  asks: text.optional(),
});

const clauseSchema = z.strictObject({ aqiAbove: aqiThreshold, minConsecutiveDays: dayCount });

const conditionSchema = z.strictObject({
  id,
  description: text,
  clauses: z.array(clauseSchema).min(1).max(5),
});

const levelRuleSchema = z.strictObject({
  level: warningLevel,
  name: text,
  response: z.enum(['III', 'II', 'I']),
  responseName: text,
  reductionPercent: z.number().min(0).max(100),
  conditions: z.array(conditionSchema).min(1),
});

const earlyConditionSchema = z.strictObject({
  id,
  description: text,
  aqiAbove: aqiThreshold,
  minConsecutiveDays: dayCount,
  primaryPollutants: z.array(z.string().min(1)).min(1).optional(),
});

const intensitySchema = z.strictObject({
  metric: id,
  label: text,
  unit: z.string(),
  byLevel: z.strictObject({
    early: z.number().min(0).optional(),
    yellow: z.number().min(0),
    orange: z.number().min(0),
    red: z.number().min(0),
  }),
});

const dutySchema = z.strictObject({
  id,
  title: text,
  description: z.string(),
  lead: z.array(id),
  responsible: z.array(id),
  support: z.array(id),
  coordinates: z.array(id),
  recipients: z.array(id),
  fromLevel: z.enum(['early', 'yellow', 'orange', 'red']),
  cadence: z.enum(['daily', 'once', 'on-decision']),
  summaryAfterLift: z.boolean(),
  intensity: intensitySchema.optional(),
  pollutants: z
    .strictObject({
      only: z.array(z.string().min(1).max(20)).min(1).optional(),
      except: z.array(z.string().min(1).max(20)).min(1).optional(),
    })
    .optional(),
});

const escalationStepSchema = z.strictObject({
  offsetMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60),
  targets: z.array(id).min(1),
  template: id,
  circulateNotice: z.boolean(),
  description: z.string(),
});

const ladderSchema = z
  .array(escalationStepSchema)
  .min(1)
  .superRefine((steps, ctx) => {
    for (let i = 1; i < steps.length; i++) {
      const prev = steps[i - 1];
      const cur = steps[i];
      if (prev && cur && cur.offsetMinutes <= prev.offsetMinutes) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'offsetMinutes'],
          message: 'escalation offsets must increase',
        });
      }
    }
  });

const templateSchema = z.strictObject({ title: text, body: text });

const reportFieldSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'field names are identifiers'),
  label: text,
  shortLabel: text.optional(),
  type: z.enum(['integer', 'text', 'idList']),
  required: z.boolean(),
  min: z.number().optional(),
  max: z.number().optional(),
  maxLength: z.number().int().min(1).optional(),
  minItems: z.number().int().min(0).optional(),
  maxItems: z.number().int().min(1).optional(),
});

const fieldIntensitySchema = z.strictObject({
  onSiteSharePercent: z.number().min(0).max(100),
  patrolsPerBranch: z.number().int().min(0).max(1000),
  patrolsEnforcement: z.number().int().min(0).max(1000),
});
const caseDays = z.number().int().min(1).max(366);
/** Field work (field-plan.ts). */
const fieldSchema = z.strictObject({
  intensity: z.strictObject({
    early: fieldIntensitySchema.optional(),
    yellow: fieldIntensitySchema,
    orange: fieldIntensitySchema,
    red: fieldIntensitySchema,
  }),
  departments: z.array(z.strictObject({ siteKind: id, label: text, unitId: id })).min(1),
  caseDueDays: z.strictObject({
    followup: caseDays,
    monitoring: caseDays,
    evidence: caseDays,
    penalty: caseDays,
  }),
  caseEscalation: ladderSchema,
  firePointTemplate: id,
  contradictionTemplate: id,
  handoverTemplate: id,
  handoverNoticeTemplate: id,
});

const planObjectSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'plan ids are lowercase kebab-case'),
  version: z.number().int().min(1),
  name: text,
  documentNumber: text,
  issuer: id,
  issuedOn: isoDate,
  effectiveFrom: isoDate,
  jurisdiction: id,
  jurisdictions: z.array(jurisdictionSchema).min(1),
  basedOn: z.strictObject({ id, version: z.number().int().min(1), reuses: text }).optional(),
  units: z.array(unitSchema).min(1),
  roles: z.strictObject({
    office: id,
    commander: id,
    leaders: z.array(id).min(1),
    summaryRecipients: z.array(id).min(1),
  }),
  warning: z.strictObject({ levels: z.array(levelRuleSchema).length(3) }),
  earlyResponse: z.strictObject({ description: text, conditions: z.array(earlyConditionSchema) }),
  lift: z.strictObject({
    minHoursBelow: z
      .number()
      .int()
      .min(1)
      .max(24 * 10),
    description: text,
  }),
  duties: z.array(dutySchema).min(1),
  deadlines: z.strictObject({
    dailyReport: z.strictObject({ time: timeOfDay }),
    unitSummary: z.strictObject({ time: timeOfDay, dayOffset: z.number().int().min(0).max(7) }),
    officeDailyReport: z.strictObject({ time: timeOfDay }),
    minWorkingHours: z.number().min(0).max(24).optional(),
    commanderDecision: z.strictObject({
      timeoutMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60),
      escalation: ladderSchema,
    }),
    deliveryAlertMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60),
    airPlatformAlertMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .optional(),
    acknowledgementMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
  }),
  escalation: z.strictObject({ reports: ladderSchema }),
  exercise: z.strictObject({
    dayMs: z.number().int().min(1000).max(86_400_000),
  }),
  electricity: z.strictObject({
    baselineDays: z.number().int().min(1).max(90),
    minBaselineDays: z.number().int().min(1).max(90),
    lookbackDays: z.number().int().min(1).max(366),
    excludedDates: z.array(isoDate),
    exemptGrades: z.array(grade),
    exemptFlags: z.array(z.string().min(1)),
    gradeMultipliers: z.strictObject({
      B: z.number().min(0).max(10),
      C: z.number().min(0).max(10),
      D: z.number().min(0).max(10),
      unrated: z.number().min(0).max(10),
    }),
    tolerancePercent: z.number().min(0).max(100),
  }),
  templates: z.record(z.string().min(1), templateSchema),
  reportForm: z.strictObject({ id, title: text, fields: z.array(reportFieldSchema).min(1) }),
  healthAdvice: z.record(z.string().min(1).max(20), text).optional(),
  publication: publicationSchema.optional(),
  documents: documentSettingsSchema,
  field: fieldSchema.optional(),
});

type PlanObject = z.infer<typeof planObjectSchema>;

/** Cross-reference and consistency checks the shape alone cannot express. */
function checkReferences(plan: PlanObject, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });

  const jurisdictionIds = new Set<string>();
  plan.jurisdictions.forEach((j, i) => {
    if (jurisdictionIds.has(j.id)) issue(['jurisdictions', i, 'id'], `duplicate jurisdiction id "${j.id}"`);
    jurisdictionIds.add(j.id);
  });
  plan.jurisdictions.forEach((j, i) => {
    if (j.parent !== undefined && !jurisdictionIds.has(j.parent)) {
      issue(['jurisdictions', i, 'parent'], `jurisdiction ${j.id} names unknown parent "${j.parent}"`);
    }
  });
  if (!jurisdictionIds.has(plan.jurisdiction)) {
    issue(['jurisdiction'], `unknown jurisdiction "${plan.jurisdiction}"`);
  }

  const unitIds = new Set<string>();
  plan.units.forEach((u, i) => {
    if (unitIds.has(u.id)) issue(['units', i, 'id'], `duplicate unit id "${u.id}"`);
    unitIds.add(u.id);
  });
  plan.units.forEach((u, i) => {
    if (u.jurisdiction !== undefined && !jurisdictionIds.has(u.jurisdiction)) {
      issue(['units', i, 'jurisdiction'], `unit ${u.id} names unknown jurisdiction "${u.jurisdiction}"`);
    }
    if (u.parent !== undefined && !unitIds.has(u.parent)) {
      issue(['units', i, 'parent'], `unit ${u.id} names unknown parent unit "${u.parent}"`);
    }
    if (u.filesDailyReport && u.kind === 'external') {
      issue(['units', i, 'filesDailyReport'], `external unit ${u.id} cannot file daily reports`);
    }
  });
  if (!unitIds.has(plan.issuer)) issue(['issuer'], `unknown issuing unit "${plan.issuer}"`);
  const roleUnits: Array<[string[], string]> = [
    [[plan.roles.office], 'office'],
    [[plan.roles.commander], 'commander'],
    [plan.roles.leaders, 'leaders'],
    [plan.roles.summaryRecipients, 'summaryRecipients'],
  ];
  for (const [ids, role] of roleUnits) {
    ids.forEach((unitId, k) => {
      const path = role === 'office' || role === 'commander' ? ['roles', role] : ['roles', role, k];
      if (!unitIds.has(unitId)) issue(path, `roles.${role} names unknown unit "${unitId}"`);
    });
  }
  const office = plan.units.find((u) => u.id === plan.roles.office);
  if (office && office.kind !== 'internal') issue(['roles', 'office'], 'the office must be an internal unit');
  for (const list of ['noticeAddressees', 'ccUnits'] as const) {
    (plan.documents?.[list] ?? []).forEach((u, i) => {
      if (!unitIds.has(u)) issue(['documents', list, i], `unknown unit "${u}"`);
    });
  }

  // warning levels: yellow, orange, red in order, distinct responses, coherent conditions
  const seenResponses = new Set<string>();
  const conditionIds = new Set<string>();
  plan.warning.levels.forEach((rule, i) => {
    const expected = WARNING_LEVELS[i];
    if (rule.level !== expected)
      issue(['warning', 'levels', i, 'level'], `expected level "${expected}" at position ${i}`);
    if (seenResponses.has(rule.response)) {
      issue(['warning', 'levels', i, 'response'], `response ${rule.response} is used by two levels`);
    }
    seenResponses.add(rule.response);
    const previous = i > 0 ? plan.warning.levels[i - 1] : undefined;
    if (previous && rule.reductionPercent < previous.reductionPercent) {
      issue(
        ['warning', 'levels', i, 'reductionPercent'],
        `level ${rule.level} requires less reduction than ${previous.level}`,
      );
    }
    rule.conditions.forEach((cond, c) => {
      if (conditionIds.has(cond.id))
        issue(['warning', 'levels', i, 'conditions', c, 'id'], `duplicate rule id "${cond.id}"`);
      conditionIds.add(cond.id);
      const anchor = cond.clauses[0];
      cond.clauses.forEach((clause, k) => {
        if (k > 0 && anchor && clause.aqiAbove < anchor.aqiAbove) {
          issue(
            ['warning', 'levels', i, 'conditions', c, 'clauses', k, 'aqiAbove'],
            `rule ${cond.id}: a clause after the first must not have a lower threshold than the first (${anchor.aqiAbove})`,
          );
        }
        if (k > 0 && anchor && clause.minConsecutiveDays > anchor.minConsecutiveDays) {
          issue(
            ['warning', 'levels', i, 'conditions', c, 'clauses', k, 'minConsecutiveDays'],
            `rule ${cond.id}: a clause cannot need more days than the run it must lie in (${anchor.minConsecutiveDays})`,
          );
        }
      });
    });
  });
  plan.earlyResponse.conditions.forEach((cond, i) => {
    if (conditionIds.has(cond.id))
      issue(['earlyResponse', 'conditions', i, 'id'], `duplicate rule id "${cond.id}"`);
    conditionIds.add(cond.id);
  });

  // duties
  const dutyIds = new Set<string>();
  plan.duties.forEach((duty, i) => {
    if (dutyIds.has(duty.id)) issue(['duties', i, 'id'], `duplicate duty id "${duty.id}"`);
    dutyIds.add(duty.id);
    if (duty.lead.length + duty.responsible.length === 0) {
      issue(['duties', i, 'responsible'], `duty ${duty.id} has neither a lead nor a responsible unit`);
    }
    for (const field of ['lead', 'responsible', 'support', 'coordinates', 'recipients'] as const) {
      duty[field].forEach((unitId, k) => {
        if (!unitIds.has(unitId)) {
          issue(['duties', i, field, k], `duty ${duty.id} (${field}) references unknown unit "${unitId}"`);
        }
      });
    }
  });

  // escalation ladders
  const templateKeys = new Set(Object.keys(plan.templates));
  const checkLadder = (
    steps: PlanObject['escalation']['reports'],
    base: (string | number)[],
    allowLateUnit: boolean,
  ) => {
    steps.forEach((step, i) => {
      step.targets.forEach((target, k) => {
        const ok = unitIds.has(target) || (allowLateUnit && target === LATE_UNIT_TARGET);
        if (!ok) issue([...base, i, 'targets', k], `escalation step ${i} targets unknown unit "${target}"`);
      });
      if (!templateKeys.has(step.template)) {
        issue([...base, i, 'template'], `escalation step ${i} uses missing template "${step.template}"`);
      }
    });
  };
  checkLadder(plan.escalation.reports, ['escalation', 'reports'], true);
  checkLadder(
    plan.deadlines.commanderDecision.escalation,
    ['deadlines', 'commanderDecision', 'escalation'],
    false,
  );

  if (plan.field) {
    checkLadder(plan.field.caseEscalation, ['field', 'caseEscalation'], true);
    plan.field.departments.forEach((d, i) => {
      if (!unitIds.has(d.unitId)) issue(['field', 'departments', i, 'unitId'], `unknown unit "${d.unitId}"`);
    });
    for (const key of [
      'firePointTemplate',
      'contradictionTemplate',
      'handoverTemplate',
      'handoverNoticeTemplate',
    ] as const) {
      if (!templateKeys.has(plan.field[key])) issue(['field', key], `missing template "${plan.field[key]}"`);
    }
  }

  for (const key of REQUIRED_TEMPLATE_KEYS) {
    if (!templateKeys.has(key)) issue(['templates', key], `missing template "${key}"`);
  }

  // electricity
  const e = plan.electricity;
  if (e.minBaselineDays > e.baselineDays) {
    issue(['electricity', 'minBaselineDays'], 'minBaselineDays cannot exceed baselineDays');
  }
  if (e.baselineDays > e.lookbackDays)
    issue(['electricity', 'baselineDays'], 'baselineDays cannot exceed lookbackDays');

  // report form
  const fieldNames = new Set<string>();
  plan.reportForm.fields.forEach((f, i) => {
    if (fieldNames.has(f.name))
      issue(['reportForm', 'fields', i, 'name'], `duplicate report field "${f.name}"`);
    fieldNames.add(f.name);
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) {
      issue(['reportForm', 'fields', i, 'min'], `field ${f.name}: min exceeds max`);
    }
  });
}

export const planSchema = planObjectSchema.superRefine(checkReferences);

// Compile-time guarantee that the zod schema and the zod-free types describe the same object.
type Equals<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemaMatchesTypes: Equals<PlanObject, ResponsePlan> = true;
void _schemaMatchesTypes;

function toIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

export type PlanValidation = { ok: true; plan: ResponsePlan } | { ok: false; issues: FieldIssue[] };

/** Validates a plan; never throws. Issues carry paths like `duties[3].responsible[1]`. */
export function validatePlan(input: unknown): PlanValidation {
  const result = planSchema.safeParse(input);
  return result.success ? { ok: true, plan: result.data } : { ok: false, issues: toIssues(result.error) };
}

/** Parses a plan or throws DomainError(PLAN_INVALID) whose message starts with the first issue's path. */
export function parsePlan(input: unknown): ResponsePlan {
  const result = validatePlan(input);
  if (result.ok) return result.plan;
  const first = result.issues[0];
  const summary = first ? `${first.path || '(root)'}: ${first.message}` : 'invalid plan';
  throw new DomainError(ErrorCode.PLAN_INVALID, `invalid response plan — ${summary}`, {
    issues: result.issues,
  });
}

// --- unit daily report ------------------------------------------------------------------------------

export type UnitReportValues = Record<string, number | string | string[]>;
export type ReportValidation = { ok: true; value: UnitReportValues } | { ok: false; errors: FieldIssue[] };

/**
 * Builds the validator of the plan's unit daily-report form. Unknown fields are rejected; errors
 * carry the field path (e.g. `photoIds[2]`) and a Chinese message naming the field's label.
 */
export function buildReportValidator(plan: ResponsePlan): (input: unknown) => ReportValidation {
  return (input) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return { ok: false, errors: [{ path: '', message: '日报内容应为对象' }] };
    const errors = checkReportFields(plan, input as Record<string, unknown>);
    return errors.length === 0 ? { ok: true, value: input as UnitReportValues } : { ok: false, errors };
  };
}
