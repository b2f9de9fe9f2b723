/**
 * Publishing a public warning: build the CAP 1.2 alert, sign it when a key is configured, check it
 * against the OASIS schema (in production, every time), render the national format, and keep it for
 * the feed. An alert that fails the schema is not kept, not sent anywhere, and the office is alerted.
 */
import { ApplicationFailure } from '@temporalio/common';
import type pg from 'pg';
import { cstDateTimeWords } from '../../domain/index.js';
import { renderPlanTemplate } from '../../domain/templates.js';
import { buildCapAlert, type CapAlertInput, healthAdvice, instantMs, validateCapXml } from './cap.js';
import type { CapSigner } from './cap-sign.js';
import { buildNationalAlert, type NationalAlert } from './gbt35965.js';
import type { Notifier } from './notifier.js';

export const CAP_INVALID = 'CAP_INVALID';

/** How long an all-clear (Cancel) stays in force, so that feed readers polling now and then see it. */
export const ALL_CLEAR_HOURS = 24;

/**
 * The alert's `expires`: the end (24时) of the forecast's last day for an Alert or Update; for the
 * all-clear, ALL_CLEAR_HOURS after it was sent.
 */
export function publicWarningExpiry(
  msgType: CapAlertInput['msgType'],
  sent: string,
  lastForecastDay: string | undefined,
): { expires?: number | string } {
  if (msgType === 'Cancel') return { expires: instantMs(sent) + ALL_CLEAR_HOURS * 3_600_000 };
  return lastForecastDay ? { expires: `${lastForecastDay}T23:59:59+08:00` } : {};
}

export interface CapPublishDeps {
  pool: pg.Pool;
  notifier: Notifier;
  signer?: CapSigner;
}

export interface PublishCapInput {
  episodeId: string;
  alert: CapAlertInput;
}

export interface PublishedCap {
  xml: string;
  national?: NationalAlert;
}

/** Builds, signs, validates and stores the alert (idempotent on its identifier). Throws CAP_INVALID. */
export async function publishCapAlert(deps: CapPublishDeps, input: PublishCapInput): Promise<PublishedCap> {
  const { alert } = input;
  let xml = buildCapAlert(alert);
  if (deps.signer) xml = deps.signer.sign(xml);
  const check = await validateCapXml(xml);
  if (!check.valid) {
    await alertOffice(deps, input, check.errors);
    throw ApplicationFailure.nonRetryable(
      `CAP alert ${alert.identifier} failed the CAP 1.2 schema and was not published: ${check.errors.join('; ')}`,
      CAP_INVALID,
    );
  }
  const area = alert.plan.jurisdictions.find((j) => j.id === alert.jurisdictionId);
  const national = alert.plan.publication && area?.areaCode ? buildNationalAlert(alert) : undefined;
  const health = healthAdvice(alert.forecastMaxAqi, instantMs(alert.sent));
  await deps.pool.query(
    `INSERT INTO cap_alerts (identifier, episode_id, msg_type, level, jurisdiction, exercise, sent, xml,
       effective, expires, headline, description, instruction, area_code, national_identifier, national_xml)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     ON CONFLICT (identifier) DO NOTHING`,
    [
      alert.identifier,
      input.episodeId,
      alert.msgType,
      alert.level,
      alert.jurisdictionId,
      alert.exercise,
      new Date(instantMs(alert.sent)),
      xml,
      new Date(instantMs(alert.effective)),
      alert.expires === undefined ? null : new Date(instantMs(alert.expires)),
      alert.headline,
      alert.description,
      `${health.effects}。${health.advice}。`,
      area?.areaCode ?? null,
      national?.identifier ?? null,
      national?.xml ?? null,
    ],
  );
  return national ? { xml, national } : { xml };
}

/** One alert to the office per refused alert (its own idempotency key), even if sending it fails. */
async function alertOffice(deps: CapPublishDeps, input: PublishCapInput, errors: string[]): Promise<void> {
  const { alert } = input;
  const plan = alert.plan;
  const vars = {
    jurisdictionName:
      plan.jurisdictions.find((j) => j.id === alert.jurisdictionId)?.name ?? alert.jurisdictionId,
    levelName: plan.warning.levels.find((l) => l.level === alert.level)?.name ?? alert.level,
    sentAt: cstDateTimeWords(instantMs(alert.sent)),
    errors: errors.join('；').slice(0, 500),
  };
  const text = plan.templates.capRejected
    ? renderPlanTemplate(plan, 'capRejected', vars)
    : {
        title: '公众预警未发布：CAP校验未通过',
        body: `${vars.sentAt}应发布的${vars.jurisdictionName}${vars.levelName}公众预警未通过CAP 1.2格式校验，未对外发布。错误：${vars.errors}`,
      };
  const step = `cap-rejected:${alert.identifier}`;
  await deps.notifier
    .send({
      idempotencyKey: `${input.episodeId}|${step}|${plan.roles.office}`,
      episodeId: input.episodeId,
      step,
      recipientId: plan.roles.office,
      title: text.title,
      body: text.body,
      exercise: alert.exercise,
    })
    .catch(() => {}); // the office's own channel may be down: the delivery log still has the alert
}
