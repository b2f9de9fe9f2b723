/** Tiny pure template rendering: `{name}` placeholders, no logic, no escaping rules to learn. */
import { DomainError, ErrorCode } from './errors.js';
import type { MessageTemplate, ResponsePlan } from './plan-types.js';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

export type TemplateVars = Readonly<Record<string, string | number>>;

/** The placeholder names used in a template string, in order of first appearance. */
export function templateVariables(template: string): string[] {
  const names: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1] as string;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Replaces every `{name}`; throws VALIDATION naming the first variable that is missing. */
export function renderTemplate(template: string, vars: TemplateVars): string {
  return template.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value === undefined) {
      throw new DomainError(ErrorCode.VALIDATION, `template variable "${name}" is missing`, {
        variable: name,
      });
    }
    return String(value);
  });
}

export interface RenderedMessage {
  title: string;
  body: string;
}

/** Renders a plan template (title and body) by key; throws NOT_FOUND for an unknown key. */
export function renderPlanTemplate(plan: ResponsePlan, key: string, vars: TemplateVars): RenderedMessage {
  const template: MessageTemplate | undefined = Object.hasOwn(plan.templates, key)
    ? plan.templates[key]
    : undefined;
  if (!template) throw new DomainError(ErrorCode.NOT_FOUND, `plan ${plan.id} has no template "${key}"`);
  return { title: renderTemplate(template.title, vars), body: renderTemplate(template.body, vars) };
}
