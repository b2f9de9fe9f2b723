/**
 * The one check of a unit's daily-report form against the plan's `reportForm`: used by the API
 * before anything is stored and by the workflow's update validator. Zod-free, so workflows may call
 * it. Each problem names the field (`photoIds[2]`) and says in Chinese what is wrong.
 */
import type { FieldIssue } from './errors.js';
import type { ReportField, ResponsePlan } from './plan-types.js';

export type ReportValues = Record<string, unknown>;

const MAX_ID_LENGTH = 200;

function fieldIssues(field: ReportField, value: unknown): FieldIssue[] {
  const { name, label } = field;
  const one = (message: string): FieldIssue[] => [{ path: name, message: `${label}：${message}` }];
  switch (field.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return one('应为整数');
      if (field.min !== undefined && value < field.min) return one(`不能小于${field.min}`);
      if (field.max !== undefined && value > field.max) return one(`不能大于${field.max}`);
      return [];
    case 'text':
      if (typeof value !== 'string') return one('应为文本');
      if (field.maxLength !== undefined && value.length > field.maxLength)
        return one(`不超过${field.maxLength}字`);
      return [];
    case 'idList': {
      if (!Array.isArray(value)) return one('应为编号列表');
      const bad = value.flatMap((v, i): FieldIssue[] =>
        typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH
          ? []
          : [{ path: `${name}[${i}]`, message: `${label}：编号应为1至${MAX_ID_LENGTH}个字符` }],
      );
      if (bad.length > 0) return bad;
      if (field.minItems !== undefined && value.length < field.minItems)
        return one(`至少${field.minItems}项`);
      if (field.maxItems !== undefined && value.length > field.maxItems)
        return one(`最多${field.maxItems}项`);
      return [];
    }
  }
}

/** Every problem of `values` against the plan's form: missing, malformed and unknown fields. */
export function checkReportFields(plan: ResponsePlan, values: ReportValues): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const field of plan.reportForm.fields) {
    const value = values[field.name];
    if (value === undefined) {
      if (field.required) issues.push({ path: field.name, message: `${field.label}：必填` });
      continue;
    }
    issues.push(...fieldIssues(field, value));
  }
  for (const name of Object.keys(values)) {
    if (!plan.reportForm.fields.some((f) => f.name === name))
      issues.push({ path: name, message: `表单中没有“${name}”这一项` });
  }
  return issues;
}
