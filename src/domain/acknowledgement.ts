/**
 * 签收 of a warning notice (#15.6): who acknowledges it — the units that report in the episode and the
 * departments and partners the plan asks something of — and when an acknowledgement is overdue.
 */
import { obligedUnits } from './duties.js';
import type { AcknowledgedNews } from './events.js';
import type { ResponsePlan } from './plan-types.js';
import { renderTemplate } from './templates.js';
import { parseIso } from './calendar.js';
import { cstDateTimeWords } from './time-words.js';
import { unitNames } from './wording.js';

/** The units that acknowledge a warning notice of an episode in `jurisdiction`. */
export function acknowledgingUnits(plan: ResponsePlan, jurisdiction: string): string[] {
  const partners = plan.units.filter((u) => u.asks).map((u) => u.id);
  return [...new Set([...obligedUnits(plan, jurisdiction), ...partners])];
}

/** The plan's delay for 签收 in real milliseconds, or null when the plan asks for none. */
export function acknowledgementDelayMs(plan: ResponsePlan): number | null {
  const m = plan.deadlines.acknowledgementMinutes;
  return m ? m * 60_000 : null;
}

const TEMPLATE_OF: Record<AcknowledgedNews, string> = {
  issued: 'warningIssued',
  changed: 'warningChanged',
  lifted: 'warningLifted',
};

/** The notice's title as the units received it (the plan's template title), e.g. 关于启动重污染天气黄色预警的通知. */
export function acknowledgedNoticeTitle(
  plan: ResponsePlan,
  news: AcknowledgedNews,
  levelName: string,
): string {
  const template = plan.templates[TEMPLATE_OF[news]];
  return renderTemplate(template?.title ?? '', { levelName });
}

/** The variables of the office's message about units that have not acknowledged a notice. */
export function acknowledgementOverdueVars(
  plan: ResponsePlan,
  record: { title: string; sentAt: string; dueAt: string },
  units: readonly string[],
): Record<string, string> {
  return {
    noticeTitle: record.title,
    sentAt: cstDateTimeWords(parseIso(record.sentAt)),
    dueAt: cstDateTimeWords(parseIso(record.dueAt)),
    unitNames: unitNames(plan, units),
  };
}
