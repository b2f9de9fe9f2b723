/**
 * Public warnings as CAP 1.2 (OASIS Common Alerting Protocol, urn:oasis:names:tc:emergency:cap:1.2).
 *
 * Level → urgency / severity / certainty (product mapping; CAP leaves it to the issuer):
 *   yellow (Ⅲ级)  Expected  / Moderate / Likely    — a forecast day of heavy pollution is expected
 *   orange (Ⅱ级)  Immediate / Severe   / Likely    — several days of heavy pollution, act now
 *   red    (Ⅰ级)  Immediate / Extreme  / Observed  — severe pollution lasting days, already under way
 *   lift (Cancel) Past      / Minor    / Observed  — responseType AllClear
 * An exercise episode sends status Exercise (and a <note>); a level change is msgType Update and a
 * lift msgType Cancel, both with <references> to the alert(s) they follow (sender,identifier,sent).
 * All times are CST with '+08:00' and whole seconds: the schema's pattern rejects 'Z' and fractions.
 * The area carries the jurisdiction's GB/T 2260 code twice: valueName 'GB/T 2260' (6 digits) and
 * 'CPEAS Geographic Code' (12 digits, as the national release system's own CAP feed writes it), and
 * its boundary polygon when the plan has one.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { create } from 'xmlbuilder2';
import { validateXML } from 'xmllint-wasm';
import { projectRoot } from '../../config.js';
import { aqiCategory, aqiEditionForDate } from '../../domain/aqi.js';
import { cstDate, parseIso, toCstIso } from '../../domain/calendar.js';
import { DomainError, ErrorCode } from '../../domain/errors.js';
import type { ResponsePlan, WarningLevel } from '../../domain/plan-types.js';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
export const CAP_EVENT = '重污染天气预警';

/** CAP geocode value names of the jurisdiction's administrative division code. */
export const GEOCODE_GBT2260 = 'GB/T 2260';
export const GEOCODE_CPEAS = 'CPEAS Geographic Code';

export type CapMsgType = 'Alert' | 'Update' | 'Cancel';

/** An instant: epoch ms, or an ISO 8601 date-time with an explicit offset. */
export type Instant = number | string;

export interface CapReference {
  /** Defaults to the referencing alert's sender. */
  sender?: string;
  identifier: string;
  /** The referenced alert's <sent>. */
  sent: Instant;
}

export interface CapAlertInput {
  plan: ResponsePlan;
  sender: { id: string; name: string };
  identifier: string;
  sent: Instant;
  exercise: boolean;
  msgType: CapMsgType;
  /** Required for Update and Cancel: the alert(s) this one updates or cancels. */
  references?: CapReference[];
  level: WarningLevel;
  jurisdictionId: string;
  effective: Instant;
  expires?: Instant;
  /** Highest forecast daily AQI of the episode: selects the health advice. */
  forecastMaxAqi: number;
  headline: string;
  description: string;
  web?: string;
  contact?: string;
}

export interface CapSeverity {
  urgency: 'Immediate' | 'Expected' | 'Future' | 'Past' | 'Unknown';
  severity: 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown';
  certainty: 'Observed' | 'Likely' | 'Possible' | 'Unlikely' | 'Unknown';
}

export const CAP_LEVEL_MAPPING: Readonly<Record<WarningLevel | 'lifted', CapSeverity>> = {
  yellow: { urgency: 'Expected', severity: 'Moderate', certainty: 'Likely' },
  orange: { urgency: 'Immediate', severity: 'Severe', certainty: 'Likely' },
  red: { urgency: 'Immediate', severity: 'Extreme', certainty: 'Observed' },
  lifted: { urgency: 'Past', severity: 'Minor', certainty: 'Observed' },
};

export function instantMs(value: Instant): number {
  return typeof value === 'number' ? value : parseIso(value);
}

/** CAP time: CST, '+08:00', whole seconds. */
export function capTime(value: Instant): string {
  return toCstIso(Math.floor(instantMs(value) / 1000) * 1000);
}

/** An identifier CAP accepts (no spaces, commas, '<' or '&'), unique per sender: the episode and step. */
export function capIdentifier(episodeId: string, step: string): string {
  return `${episodeId}.${step}`.replace(/[\s,<&]+/g, '-');
}

/** The health advice of the forecast's worst day (HJ 633 category), the CAP <instruction>. */
export function healthAdvice(forecastMaxAqi: number, dateMs: number): { effects: string; advice: string } {
  const c = aqiCategory(forecastMaxAqi, aqiEditionForDate(cstDate(dateMs)));
  return { effects: c.healthEffects, advice: c.advice };
}

export function buildCapAlert(input: CapAlertInput): string {
  const { plan } = input;
  if (/[\s,<&]/.test(input.identifier) || input.identifier === '') {
    throw new DomainError(ErrorCode.VALIDATION, `invalid CAP identifier "${input.identifier}"`);
  }
  if (input.msgType !== 'Alert' && !input.references?.length) {
    throw new DomainError(ErrorCode.VALIDATION, `a CAP ${input.msgType} must reference the original alert`);
  }
  const rule = plan.warning.levels.find((l) => l.level === input.level);
  if (!rule) throw new DomainError(ErrorCode.NOT_FOUND, `plan ${plan.id} has no level ${input.level}`);
  const area = plan.jurisdictions.find((j) => j.id === input.jurisdictionId);
  if (!area)
    throw new DomainError(ErrorCode.NOT_FOUND, `plan ${plan.id} has no jurisdiction ${input.jurisdictionId}`);
  const mapping = CAP_LEVEL_MAPPING[input.msgType === 'Cancel' ? 'lifted' : input.level];
  const health = healthAdvice(input.forecastMaxAqi, instantMs(input.sent));

  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const alert = doc.ele(CAP_NAMESPACE, 'alert');
  alert.ele('identifier').txt(input.identifier);
  alert.ele('sender').txt(input.sender.id);
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
          .map((r) => `${r.sender ?? input.sender.id},${r.identifier},${capTime(r.sent)}`)
          .join(' '),
      );
  }
  const info = alert.ele('info');
  info.ele('language').txt('zh-CN');
  info.ele('category').txt('Env');
  info.ele('event').txt(CAP_EVENT);
  info.ele('responseType').txt(input.msgType === 'Cancel' ? 'AllClear' : 'Prepare');
  info.ele('urgency').txt(mapping.urgency);
  info.ele('severity').txt(mapping.severity);
  info.ele('certainty').txt(mapping.certainty);
  info.ele('effective').txt(capTime(input.effective));
  if (input.expires !== undefined) info.ele('expires').txt(capTime(input.expires));
  info.ele('senderName').txt(input.sender.name);
  info.ele('headline').txt(input.headline);
  info.ele('description').txt(input.description);
  info.ele('instruction').txt(`${health.effects}。${health.advice}。`);
  if (input.web) info.ele('web').txt(input.web);
  if (input.contact) info.ele('contact').txt(input.contact);
  const param = (name: string, value: string) => {
    const p = info.ele('parameter');
    p.ele('valueName').txt(name);
    p.ele('value').txt(value);
  };
  param('预警级别', rule.name);
  param('响应级别', rule.responseName);
  param('减排比例', `${rule.reductionPercent}%`);
  const areaEl = info.ele('area');
  areaEl.ele('areaDesc').txt(area.name);
  if (area.polygon) areaEl.ele('polygon').txt(area.polygon);
  if (area.areaCode) {
    for (const [name, value] of [
      [GEOCODE_GBT2260, area.areaCode],
      [GEOCODE_CPEAS, `${area.areaCode}000000`],
    ] as const) {
      const g = areaEl.ele('geocode');
      g.ele('valueName').txt(name);
      g.ele('value').txt(value);
    }
  }
  return doc.end({ prettyPrint: true });
}

/** The OASIS CAP 1.2 schema, shipped with the project (and the image): <projectRoot>/schemas/cap12.xsd. */
export const CAP_SCHEMA_PATH = path.join(projectRoot, 'schemas', 'cap12.xsd');

let schemaText: Promise<string> | undefined;

export interface XmlValidation {
  valid: boolean;
  errors: string[];
}

/** Validates a CAP document against the OASIS XSD (libxml2's xmllint compiled to WebAssembly). */
export async function validateCapXml(xml: string, schemaPath = CAP_SCHEMA_PATH): Promise<XmlValidation> {
  if (schemaPath !== CAP_SCHEMA_PATH) return validate(xml, await readFile(schemaPath, 'utf8'));
  schemaText ??= readFile(schemaPath, 'utf8');
  return validate(xml, await schemaText);
}

async function validate(xml: string, schema: string): Promise<XmlValidation> {
  const result = await validateXML({
    xml: { fileName: 'alert.xml', contents: xml },
    schema: { fileName: 'cap12.xsd', contents: schema },
  });
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) };
}
