/**
 * The public warning in the national format, GB/T 35965.1-2018 (应急信息交互协议 第1部分：预警信息),
 * the form the national emergency warning release system (国家突发事件预警信息发布系统) takes. The
 * mapping, field by field, is in docs/gbt-35965-mapping.md; this module is its only implementation.
 */
import { create } from 'xmlbuilder2';
import { DomainError, ErrorCode } from '../../domain/errors.js';
import type { PublicationSettings, ResponsePlan, WarningLevel } from '../../domain/plan-types.js';
import {
  CAP_EVENT,
  CAP_LEVEL_MAPPING,
  CAP_NAMESPACE,
  type CapAlertInput,
  capTime,
  healthAdvice,
  type Instant,
  instantMs,
} from './cap.js';

/** The national severity is the warning's colour (GB/T 35965.1 严重程度: Red/Orange/Yellow/Blue). */
export const NATIONAL_SEVERITY: Readonly<Record<WarningLevel, string>> = {
  red: 'Red',
  orange: 'Orange',
  yellow: 'Yellow',
};

/** The issuing unit's code: the 6-digit GB/T 2260 area code and the agency's 8-digit code. */
export function nationalSenderCode(areaCode: string, agencyCode: string): string {
  return `${areaCode}${agencyCode}`;
}

/** Identifier: sender code + '_' + the sending time in Beijing time, YYYYMMDDHHmmss. */
export function nationalIdentifier(areaCode: string, agencyCode: string, sent: Instant): string {
  const stamp = capTime(sent).slice(0, 19).replace(/\D/g, '');
  return `${nationalSenderCode(areaCode, agencyCode)}_${stamp}`;
}

function settings(
  plan: ResponsePlan,
  jurisdictionId: string,
): { pub: PublicationSettings; areaCode: string } {
  const pub = plan.publication;
  if (!pub) throw new DomainError(ErrorCode.VALIDATION, `plan ${plan.id} has no publication settings`);
  const area = plan.jurisdictions.find((j) => j.id === jurisdictionId);
  if (!area?.areaCode) {
    throw new DomainError(ErrorCode.VALIDATION, `jurisdiction ${jurisdictionId} has no GB/T 2260 area code`);
  }
  return { pub, areaCode: area.areaCode };
}

export interface NationalAlert {
  identifier: string;
  xml: string;
}

/** Renders the alert per GB/T 35965.1; the plan must carry `publication` and the area's code. */
export function buildNationalAlert(input: CapAlertInput): NationalAlert {
  const { plan } = input;
  const { pub, areaCode } = settings(plan, input.jurisdictionId);
  const rule = plan.warning.levels.find((l) => l.level === input.level);
  if (!rule) throw new DomainError(ErrorCode.NOT_FOUND, `plan ${plan.id} has no level ${input.level}`);
  const area = plan.jurisdictions.find((j) => j.id === input.jurisdictionId)!;
  const cancel = input.msgType === 'Cancel';
  const mapping = CAP_LEVEL_MAPPING[cancel ? 'lifted' : input.level];
  const identifier = nationalIdentifier(areaCode, pub.agencyCode, input.sent);
  const senderCode = nationalSenderCode(areaCode, pub.agencyCode);

  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const alert = doc.ele(CAP_NAMESPACE, 'alert');
  alert.ele('identifier').txt(identifier);
  alert.ele('sender').txt(input.sender.name);
  alert.ele('senderCode').txt(senderCode);
  alert.ele('sent').txt(capTime(input.sent));
  alert.ele('status').txt(input.exercise ? 'Exercise' : 'Actual');
  alert.ele('msgType').txt(input.msgType);
  alert.ele('scope').txt('Public');
  if (input.exercise) alert.ele('note').txt('演练信息，非真实预警');
  if (input.references?.length) {
    alert
      .ele('references')
      .txt(
        input.references
          .map(
            (r) => `${senderCode},${nationalIdentifier(areaCode, pub.agencyCode, r.sent)},${capTime(r.sent)}`,
          )
          .join(' '),
      );
  }
  const info = alert.ele('info');
  info.ele('language').txt('zh-CN');
  info.ele('event').txt(CAP_EVENT);
  info.ele('eventType').txt(pub.eventType);
  info.ele('urgency').txt(mapping.urgency);
  info.ele('severity').txt(NATIONAL_SEVERITY[input.level]);
  info.ele('certainty').txt(mapping.certainty);
  info.ele('effective').txt(capTime(input.effective));
  if (input.expires !== undefined) info.ele('expires').txt(capTime(input.expires));
  info.ele('senderName').txt(input.sender.name);
  info.ele('headline').txt(input.headline);
  info.ele('description').txt(input.description);
  const health = healthAdvice(input.forecastMaxAqi, instantMs(input.sent));
  info.ele('instruction').txt(`${health.effects}。${health.advice}。`);
  if (input.web) info.ele('web').txt(input.web);
  if (input.contact) info.ele('contact').txt(input.contact);
  const param = (name: string, value: string) => {
    const p = info.ele('parameter');
    p.ele('valueName').txt(name);
    p.ele('value').txt(value);
  };
  param('预警级别', cancel ? `${rule.name}（已解除）` : rule.name);
  param('响应级别', rule.responseName);
  const areaEl = info.ele('area');
  areaEl.ele('areaDesc').txt(area.name);
  if (area.polygon) areaEl.ele('polygon').txt(area.polygon);
  const geocode = areaEl.ele('geocode');
  geocode.ele('valueName').txt('CPEAS Geographic Code');
  geocode.ele('value').txt(`${areaCode}000000`);
  return { identifier, xml: doc.end({ prettyPrint: true }) };
}
