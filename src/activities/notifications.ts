/**
 * The notification activities: a plan template sent to each recipient, and the public warning as
 * text and CAP 1.2. One idempotency key per (episode, step, recipient); a message still undelivered
 * after the plan's alert delay raises one alert to the office while the retries go on.
 */
import { activityInfo } from '@temporalio/activity';
import { publishCapAlert, publicWarningExpiry } from '../adapters/notification/cap-publish.js';
import { smsTemplateFor } from '../adapters/notification/sms-template.js';
import type { SmsTemplateMessage } from '../adapters/notification/types.js';
import type { NotifyInput, PublishWarningInput } from '../contracts/index.js';
import {
  aqiCategory,
  cstDateTimeWords,
  forecastSummary,
  healthAdviceFor,
  parseIso,
  renderPlanTemplate,
  unitName,
} from '../domain/index.js';
import { pinnedPlan } from '../db/plan-versions.js';
import type { ActivityDeps } from './deps.js';
import { heartbeating, nonRetryable } from './support.js';

export function notificationActivities(
  deps: Pick<ActivityDeps, 'pool' | 'notifier' | 'sender' | 'capSigner'>,
) {
  const { pool, notifier } = deps;

  async function send(
    input: NotifyInput,
    recipientId: string,
    title: string,
    body: string,
    capXml?: string,
    smsTemplate?: SmsTemplateMessage,
  ) {
    try {
      await notifier.send({
        idempotencyKey: `${input.episodeId}|${input.step}|${recipientId}`,
        episodeId: input.episodeId,
        step: input.step,
        recipientId,
        title,
        body,
        exercise: input.exercise,
        ...(capXml ? { capXml } : {}),
        ...(smsTemplate ? { smsTemplate } : {}),
      });
    } catch (err) {
      await alertIfLongUndelivered(input, recipientId, title, err);
      throw err;
    }
  }

  /**
   * A message still undelivered `deadlines.deliveryAlertMinutes` after the activity was first
   * scheduled raises one alert to the office (its own idempotency key), while the retries go on.
   */
  async function alertIfLongUndelivered(
    input: NotifyInput,
    recipientId: string,
    title: string,
    err: unknown,
  ) {
    const plan = await pinnedPlan(pool, input.planId, input.planVersion);
    const office = plan.roles.office;
    if (recipientId === office) return;
    let info: ReturnType<typeof activityInfo>;
    try {
      info = activityInfo();
    } catch {
      return; // called outside an activity (tests of the adapters)
    }
    if (Date.now() - info.scheduledTimestampMs < plan.deadlines.deliveryAlertMinutes * 60_000) return;
    const text = renderPlanTemplate(plan, 'deliveryAlert', {
      recipientName: unitName(plan, recipientId),
      messageTitle: title,
      firstAttemptAt: cstDateTimeWords(info.scheduledTimestampMs),
      attempts: info.attempt,
      lastError: (err instanceof Error ? err.message : String(err)).slice(0, 200),
    });
    await notifier
      .send({
        idempotencyKey: `${input.episodeId}|${input.step}|${recipientId}|delivery-alert`,
        episodeId: input.episodeId,
        step: `${input.step}:delivery-alert`,
        recipientId: office,
        title: text.title,
        body: text.body,
        exercise: input.exercise,
      })
      .catch(() => {}); // the office's own channel may be down too: the delivery log still has it
  }

  return {
    /** Renders a plan template and sends it to each recipient (one idempotency key per recipient). */
    async notify(input: NotifyInput): Promise<{ recipients: number }> {
      const plan = await pinnedPlan(pool, input.planId, input.planVersion);
      let message: { title: string; body: string };
      try {
        message = renderPlanTemplate(plan, input.template, input.vars);
      } catch (err) {
        nonRetryable(err);
      }
      const { title, body } = message;
      await heartbeating(async () => {
        for (const recipientId of input.recipients) await send(input, recipientId, title, body);
      });
      return { recipients: input.recipients.length };
    },

    /** The public warning with health advice, as text and as CAP 1.2; kept for the public feed. */
    async publishWarning(input: PublishWarningInput): Promise<{ identifier: string }> {
      return heartbeating(async () => {
        const plan = await pinnedPlan(pool, input.planId, input.planVersion);
        const rule = plan.warning.levels.find((l) => l.level === input.level)!;
        const category = aqiCategory(input.maxAqi);
        const jurisdictionName =
          plan.jurisdictions.find((j) => j.id === input.jurisdiction)?.name ?? input.jurisdiction;
        const action = input.msgType === 'Cancel' ? '解除' : input.msgType === 'Update' ? '调整为' : '发布';
        // a lift says what ends (publicLifted); plans without that template keep the older wording
        const lifted = input.msgType === 'Cancel' && plan.templates.publicLifted !== undefined;
        const text = renderPlanTemplate(plan, lifted ? 'publicLifted' : 'publicWarning', {
          jurisdictionName,
          levelName: input.msgType === 'Cancel' && !lifted ? `${rule.name}（已解除）` : rule.name,
          forecastSummary: forecastSummary(input.forecast),
          effectiveAt: cstDateTimeWords(parseIso(input.effective ?? input.sent)),
          responseName: rule.responseName,
          healthEffects: category.healthEffects,
          healthAdvice: healthAdviceFor(plan, input.forecast, category.advice),
        });
        const lastDay = input.forecast[input.forecast.length - 1]?.date;
        const { xml } = await publishCapAlert(
          { pool, notifier, ...(deps.capSigner ? { signer: deps.capSigner } : {}) },
          {
            episodeId: input.episodeId,
            alert: {
              plan,
              sender: deps.sender,
              identifier: input.identifier,
              sent: input.sent,
              exercise: input.exercise,
              msgType: input.msgType,
              ...(input.references ? { references: [input.references] } : {}),
              level: input.level,
              jurisdictionId: input.jurisdiction,
              effective: input.effective ?? input.sent,
              ...publicWarningExpiry(input.msgType, input.sent, lastDay),
              forecastMaxAqi: input.maxAqi,
              headline: `${action}${jurisdictionName}重污染天气${rule.name}`,
              description: text.body,
            },
          },
        );
        await send(
          {
            ...input,
            step: `public:${input.identifier}`,
            template: 'publicWarning',
            recipients: ['public'],
            vars: {},
          },
          'public',
          lifted ? text.title : `${action}${text.title}`,
          text.body,
          xml,
          smsTemplateFor(plan, input.msgType, {
            jurisdictionName,
            levelName: rule.name,
            responseName: rule.responseName,
            effectiveAt: cstDateTimeWords(parseIso(input.effective ?? input.sent)),
          }),
        );
        return { identifier: input.identifier };
      });
    },
  };
}
