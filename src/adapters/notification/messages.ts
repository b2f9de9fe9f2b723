/**
 * Message texts from the plan's Chinese templates (renderPlanTemplate), and the variables the
 * episode's notifications fill in. No user-visible text is written here beyond date formatting.
 */
import { episodeVars } from '../../domain/message-vars.js';
import { cstDateTimeWords } from '../../domain/time-words.js';
import { levelName } from '../../domain/wording.js';
import { DomainError, ErrorCode } from '../../domain/errors.js';
import type { ResponsePlan, WarningLevel } from '../../domain/plan-types.js';
import { renderPlanTemplate, type TemplateVars } from '../../domain/templates.js';
import {
  type CapMsgType,
  type CapReference,
  buildCapAlert,
  capIdentifier,
  capTime,
  healthAdvice,
} from './cap.js';
import type { OutgoingMessage, SenderIdentity } from './types.js';

/** '2026年11月29日18时' (minutes when not zero), China Standard Time — the domain's one formatter. */
export const formatCstChinese = cstDateTimeWords;

/** The business key of a message: episode + step + recipient. */
export function messageKey(episodeId: string, step: string, recipientId: string): string {
  return `${episodeId}/${step}/${recipientId}`;
}

export interface ComposeInput {
  plan: ResponsePlan;
  templateKey: string;
  vars: TemplateVars;
  episodeId: string;
  step: string;
  recipientId: string;
  exercise: boolean;
  capXml?: string;
}

/** Renders a plan template into a message for one recipient. */
export function composeMessage(input: ComposeInput): OutgoingMessage {
  const { title, body } = renderPlanTemplate(input.plan, input.templateKey, input.vars);
  return {
    idempotencyKey: messageKey(input.episodeId, input.step, input.recipientId),
    episodeId: input.episodeId,
    step: input.step,
    recipientId: input.recipientId,
    title,
    body,
    exercise: input.exercise,
    ...(input.capXml ? { capXml: input.capXml } : {}),
  };
}

export interface WarningFacts {
  plan: ResponsePlan;
  jurisdictionId: string;
  level: WarningLevel;
  previousLevel?: WarningLevel;
  effectiveMs: number;
  /** Highest forecast daily AQI: selects the health advice. */
  forecastMaxAqi: number;
  /** e.g. '11月29日至12月1日我市将出现重度污染过程，AQI最高约260' */
  forecastSummary: string;
  /** Lift: when the units' summaries are due. */
  summaryDueMs?: number;
}

/** Variables of warningIssued / warningChanged / warningLifted / publicWarning: the episode's, plus health advice. */
export function warningVars(f: WarningFacts): Record<string, string | number> {
  const plan = f.plan;
  if (!plan.warning.levels.some((l) => l.level === f.level))
    throw new DomainError(ErrorCode.NOT_FOUND, `plan ${plan.id} has no level ${f.level}`);
  if (!plan.jurisdictions.some((j) => j.id === f.jurisdictionId))
    throw new DomainError(ErrorCode.NOT_FOUND, `plan ${plan.id} has no jurisdiction ${f.jurisdictionId}`);
  const health = healthAdvice(f.forecastMaxAqi, f.effectiveMs);
  return {
    ...episodeVars({
      plan,
      episodeId: '',
      jurisdiction: f.jurisdictionId,
      level: f.level,
      forecast: [],
      effectiveMs: f.effectiveMs,
      summaryDueMs: f.summaryDueMs ?? null,
    }),
    previousLevelName: f.previousLevel ? levelName(plan, f.previousLevel) : '',
    forecastSummary: f.forecastSummary,
    healthEffects: health.effects,
    healthAdvice: health.advice,
  };
}

export interface PublicWarningInput extends WarningFacts {
  episodeId: string;
  step: string;
  exercise: boolean;
  sender: SenderIdentity;
  sentMs: number;
  msgType: CapMsgType;
  references?: CapReference[];
  expiresMs?: number;
  /** CAP identifier; default `capIdentifier(episodeId, step)`. */
  identifier?: string;
}

/**
 * The public warning: the plan's publicWarning text (warningLifted for a lift) for the 'public'
 * recipient, with its CAP 1.2 document attached.
 */
export function publicWarningMessage(input: PublicWarningInput): {
  message: OutgoingMessage;
  cap: CapReference;
} {
  const templateKey = input.msgType === 'Cancel' ? 'warningLifted' : 'publicWarning';
  const vars = warningVars(input);
  const { title, body } = renderPlanTemplate(input.plan, templateKey, vars);
  const identifier = input.identifier ?? capIdentifier(input.episodeId, input.step);
  const capXml = buildCapAlert({
    plan: input.plan,
    sender: { id: input.sender.id, name: input.sender.name },
    identifier,
    sent: input.sentMs,
    exercise: input.exercise,
    msgType: input.msgType,
    ...(input.references ? { references: input.references } : {}),
    level: input.level,
    jurisdictionId: input.jurisdictionId,
    effective: input.effectiveMs,
    ...(input.expiresMs !== undefined ? { expires: input.expiresMs } : {}),
    forecastMaxAqi: input.forecastMaxAqi,
    headline: title,
    description: body,
  });
  const message = composeMessage({
    plan: input.plan,
    templateKey,
    vars,
    episodeId: input.episodeId,
    step: input.step,
    recipientId: 'public',
    exercise: input.exercise,
    capXml,
  });
  return { message, cap: { sender: input.sender.id, identifier, sent: capTime(input.sentMs) } };
}
