/**
 * The public warning as an SMS template message: Chinese SMS providers (Aliyun, Tencent Cloud) send
 * only pre-approved templates, so the message carries the plan's template id and the variables it
 * names, filled from the warning's facts.
 */
import type { ResponsePlan, SmsTemplateFact } from '../../domain/plan-types.js';
import type { SmsTemplateMessage } from './types.js';

/** The facts a public-warning SMS template may name (`from` in plan data). */
export type SmsWarningFacts = Record<SmsTemplateFact, string>;

/** The template message of the plan for this message type; none when the plan has no templates. */
export function smsTemplateFor(
  plan: ResponsePlan,
  msgType: 'Alert' | 'Update' | 'Cancel',
  facts: SmsWarningFacts,
): SmsTemplateMessage | undefined {
  const template = plan.publication?.smsTemplates[msgType];
  if (!template) return undefined;
  return {
    templateId: template.templateId,
    params: template.params.map((p) => ({ name: p.name, value: facts[p.from] })),
  };
}
