/**
 * Every message template of the default plan rendered with the variables production builds (the pure
 * functions of src/domain/message-vars.ts), for a warning ordered at 21:00: kept as a reviewed
 * snapshot, and checked for what people must never read — ISO times, raw dates, unfilled placeholders.
 */
import { describe, expect, it } from 'vitest';
import { airPlatformDownVars, airPlatformRecoveredVars } from '../../../src/domain/air-platform.js';
import {
  aqiCategory,
  caseEscalationVars,
  contradictionVars,
  firePointVars,
  handoverVars,
  cstDateTimeWords,
  dailyReportVars,
  filingReminderVars,
  defaultPlan,
  earlyResponseProposalVars,
  noticeVars,
  acknowledgedNoticeTitle,
  acknowledgementOverdueVars,
  observedLift,
  worseThanForecast,
  planForJurisdiction,
  episodeVars,
  escalationVars,
  forecastSummary,
  parseIso,
  partnerVars,
  proposalAction,
  proposalReminderVars,
  renderPlanTemplate,
  stepTargets,
} from '../../../src/domain/index.js';

const plan = defaultPlan;
const ordered = parseIso('2026-12-01T21:00:00+08:00');
const forecast = [
  { date: '2026-12-01', aqi: 168, primaryPollutants: ['PM2.5'] },
  { date: '2026-12-02', aqi: 235, primaryPollutants: ['PM2.5'] },
  { date: '2026-12-03', aqi: 142 },
];
const base = {
  plan,
  episodeId: 'episode:chaoyang:2026-12-01:1',
  jurisdiction: 'chaoyang',
  level: 'yellow' as const,
  forecast,
  effectiveMs: ordered,
  summaryDueMs: null,
};
const due = parseIso('2026-12-02T17:00:00+08:00');
const [remind, director, leaders] = plan.escalation.reports;
const [decisionReminder, decisionEscalation] = plan.deadlines.commanderDecision.escalation;
const category = aqiCategory(235);
const handover = {
  unitId: 'branch.shuangta',
  county: 'shuangta',
  siteKind: 'construction-site',
  siteName: '龙山花园三期工地',
  problem: '黄色预警期间仍在进行土石方作业，裸土未苫盖。',
  department: 'dept.housing',
  day: '2026-12-02',
};
const fieldCase = {
  id: '5f1c2a9e-0000-4000-8000-000000000001',
  kind: 'followup' as const,
  enterpriseName: '建平县鑫达钢铁有限公司',
  ownerUnit: 'branch.jianping',
  dueMs: due,
};

// observed air below the yellow condition on 12月3日 and the last forecast from that day on below it
const liftForecast = [
  { date: '2026-12-03', aqi: 96 },
  { date: '2026-12-04', aqi: 72 },
];
const lift = observedLift(plan, {
  level: 'yellow',
  latest: { hourEnd: '2026-12-03T14:00:00+08:00', aqi: 118 },
  lastDay: null,
  forecast: liftForecast,
  today: '2026-12-03',
});
if (!lift.propose) throw new Error('the lift case must propose a lift');
const [worse] = worseThanForecast(plan, {
  level: 'yellow',
  days: [{ date: '2026-12-01', aqi: 215, primaryPollutants: ['PM2.5'], complete: true }],
  forecastAt: Object.fromEntries(forecast.map((d) => [d.date, d])),
  observed: {},
  firstDay: '2026-12-01',
  forecast,
  prompted: [],
});
if (!worse) throw new Error('the worse case must prompt');

/** template key → the variables production fills in for it. */
const cases: Record<string, Record<string, string | number>> = {
  warningIssued: episodeVars(base),
  warningChanged: { ...episodeVars({ ...base, level: 'orange' }), previousLevelName: '黄色预警' },
  // as the lift sends it: the level is already 'none' in the state, the lifted one is named explicitly
  warningLifted: {
    ...episodeVars({
      ...base,
      level: 'none',
      effectiveMs: parseIso('2026-12-04T09:30:00+08:00'),
      summaryDueMs: parseIso('2026-12-05T10:00:00+08:00'),
    }),
    levelName: '黄色预警',
    responseName: 'Ⅲ级应急响应',
  },
  publicWarning: {
    ...episodeVars(base),
    healthEffects: category.healthEffects,
    healthAdvice: category.advice,
  },
  earlyResponseStarted: episodeVars({ ...base, level: 'none' }),
  proposalToCommander: {
    ...episodeVars(base),
    proposalAction: proposalAction(plan, 'start', 'yellow', 'none'),
    proposalId: 'P1',
    consultationAt: cstDateTimeWords(ordered - 3_600_000),
    reasonText: '黄色预警：日AQI>200（yellow.1）',
  },
  partnerWarning: { ...episodeVars(base), ...partnerVars(plan, 'dept.housing', 'issued', 'yellow', ordered) },
  partnerLifted: {
    ...episodeVars(base),
    ...partnerVars(plan, 'power-company', 'lifted', 'yellow', parseIso('2026-12-04T09:30:00+08:00')),
  },
  proposalWithdrawn: {
    ...episodeVars(base),
    proposalAction: proposalAction(plan, 'start', 'orange', 'none'),
    proposalId: 'P1',
    withdrawReason: '最新会商研判建议启动黄色预警，原“启动橙色预警”的建议（编号：P1）撤回',
  },
  decisionReminder: proposalReminderVars(
    plan,
    { proposalId: 'P1', kind: 'start', level: 'yellow', proposedAt: ordered - 1_800_000 },
    decisionReminder!,
  ),
  decisionEscalation: proposalReminderVars(
    plan,
    { proposalId: 'P1', kind: 'start', level: 'yellow', proposedAt: ordered - 3_600_000 },
    decisionEscalation!,
  ),
  reportReminder: escalationVars(
    plan,
    'branch.jianping',
    1,
    due,
    remind!,
    stepTargets(remind!, 'branch.jianping'),
  ),
  escalationDirector: escalationVars(plan, 'branch.jianping', 1, due, director!, stepTargets(director!, 'x')),
  escalationLeaders: escalationVars(plan, 'branch.jianping', 1, due, leaders!, stepTargets(leaders!, 'x')),
  noticeCirculated: noticeVars(
    plan,
    {
      noticeId: 'episode:chaoyang:2026-12-01:1:N1',
      unitId: 'branch.jianping',
      responseDay: 'summary',
      dueAt: '',
    },
    due,
  ),
  noticeCirculatedAsWritten: {
    ...noticeVars(
      plan,
      { noticeId: 'episode:chaoyang:2026-12-01:1:N1', unitId: 'branch.jianping', responseDay: 2, dueAt: '' },
      due,
    ),
    noticeText:
      '建平分局未按要求于12月2日17时前报送第2天工作日报，经电话督促于次日8时补报。现予以通报，请建平分局作出书面说明。',
  },
  noticeProposed: noticeVars(
    plan,
    { noticeId: 'episode:chaoyang:2026-12-01:1:N1', unitId: 'branch.jianping', responseDay: 2, dueAt: '' },
    due,
  ),
  publicLifted: {
    ...episodeVars({ ...base, effectiveMs: parseIso('2026-12-04T09:30:00+08:00') }),
  },
  earlyResponseProposed: {
    ...episodeVars({
      ...base,
      level: 'none',
      forecast: [
        { date: '2026-12-01', aqi: 128 },
        { date: '2026-12-02', aqi: 146, primaryPollutants: ['O3'] },
      ],
    }),
    ...earlyResponseProposalVars(
      [{ rule: '预报日AQI>100（轻度及以上污染，含臭氧污染），未达到预警启动条件（early.1）' }],
      ordered,
    ),
  },
  earlyResponseEnded: {
    ...episodeVars({ ...base, level: 'none', effectiveMs: parseIso('2026-12-04T09:30:00+08:00') }),
    endReason: '最新会商研判预报不再出现污染过程，提前应对结束',
    summaryDueAt: '12月5日10时',
  },
  dailyResponseReport: {
    ...episodeVars(base),
    ...dailyReportVars(plan, 2, '2026-12-02', 8, 7, ['branch.kazuo'], 'doc-123'),
  },
  workSummary: { ...episodeVars(base), documentId: 'doc-456' },
  workSummaryDraft: { ...episodeVars(base), documentId: 'doc-456' },
  proposalOnObservation: {
    ...episodeVars({ ...base, forecast: liftForecast }),
    proposalAction: proposalAction(plan, 'lift', 'none', 'yellow'),
    proposalId: 'P3',
    consultationAt: cstDateTimeWords(parseIso('2026-12-02T15:00:00+08:00')),
    reasonText: lift.liftRule,
    observedText: lift.observedText,
  },
  acknowledgementOverdue: {
    ...episodeVars(base),
    ...acknowledgementOverdueVars(
      plan,
      {
        title: acknowledgedNoticeTitle(plan, 'issued', '黄色预警'),
        sentAt: '2026-12-01T21:00:05+08:00',
        dueAt: '2026-12-01T21:30:05+08:00',
      },
      ['branch.kazuo', 'dept.housing'],
    ),
  },
  observedWorseThanForecast: { ...episodeVars(base), observedText: worse.text },
  deliveryAlert: {
    recipientName: '建平分局',
    messageTitle: '关于启动重污染天气黄色预警的通知',
    firstAttemptAt: cstDateTimeWords(ordered),
    attempts: 7,
    lastError: 'HTTP 502',
  },
  airPlatformDown: airPlatformDownVars({
    failingSince: Date.parse('2026-12-01T18:15:00+08:00'),
    attempts: 8,
    lastError: '省级空气质量监测平台不可用（已尝试4次）：HTTP 503',
    alertedAt: null,
  }),
  airPlatformRecovered: airPlatformRecoveredVars({
    failingSince: Date.parse('2026-12-01T18:15:00+08:00'),
    recoveredAt: Date.parse('2026-12-01T22:15:00+08:00'),
    window: {
      fromMs: Date.parse('2026-12-01T16:00:00+08:00'),
      toMs: Date.parse('2026-12-01T22:00:00+08:00'),
    },
  }),
  filingReminder: filingReminderVars({
    branchName: '北票分局',
    countyName: '北票市',
    year: 2026,
    seasonStartsAt: Date.parse('2026-11-01T00:00:00+08:00'),
    names: ['北票水泥有限公司', '北票焦化有限公司'],
    count: 2,
  }),
  capRejected: {
    jurisdictionName: '北票市',
    levelName: '橙色预警',
    sentAt: cstDateTimeWords(ordered),
    errors: 'alert.xml:20: parser error : PCDATA invalid Char value 11',
  },
  // #15 field work
  caseOverdueOwner: caseEscalationVars(plan, fieldCase, 'branch.jianping', due + 26 * 3_600_000),
  caseOverdueOffice: caseEscalationVars(plan, fieldCase, 'office', due + 26 * 3_600_000),
  firePointNotice: firePointVars(
    plan,
    {
      county: 'jianping',
      longitude: 119.6431,
      latitude: 41.4035,
      observedMs: parseIso('2026-12-02T13:40:00+08:00'),
      source: 'satellite-csv',
      place: '朱碌科镇',
    },
    'branch.jianping',
  ),
  handoverToDepartment: handoverVars(plan, handover, 'dept.housing'),
  handoverNoticeProposed: handoverVars(plan, handover, 'office'),
  reportContradiction: contradictionVars(plan, 'branch.jianping', '2026-12-02', [
    '日报称未发现问题（措施落实到位），但耗电量核算认定建平县鑫达钢铁有限公司当日未落实减排要求',
  ]),
};

describe('the texts people read', () => {
  it('covers every template of the plan', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(plan.templates).sort());
  });

  it('renders every template without ISO times, raw dates or unfilled placeholders (reviewed snapshot)', async () => {
    const texts = Object.entries(cases)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, vars]) => {
        const { title, body } = renderPlanTemplate(plan, key, vars);
        return `## ${key}\n${title}\n${body}\n`;
      })
      .join('\n');
    expect(texts).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(texts).not.toMatch(/T\d{2}:\d{2}/);
    expect(texts).not.toMatch(/\{[A-Za-z]+\}/);
    await expect(texts).toMatchFileSnapshot('__snapshots__/message-texts.txt');
  });

  it('says the facts it was given: the time of the order, the forecast, the deadline', () => {
    const issued = renderPlanTemplate(plan, 'warningIssued', cases.warningIssued!).body;
    expect(issued).toContain('朝阳市自2026年12月1日21时起启动重污染天气黄色预警');
    expect(issued).toContain('每日17时前报送');
    const proposal = renderPlanTemplate(plan, 'proposalToCommander', cases.proposalToCommander!).body;
    expect(proposal).toContain(forecastSummary(forecast));
    expect(forecastSummary(forecast)).toBe(
      '12月1日AQI约168（中度污染，首要污染物PM2.5），12月2日AQI约235（重度污染，首要污染物PM2.5），12月3日AQI约142（轻度污染）',
    );
    const reminder = renderPlanTemplate(plan, 'reportReminder', cases.reportReminder!).body;
    expect(reminder).toBe('建平分局：第1天工作日报应于12月2日17时前报送，目前尚未收到，请立即报送。');
    const lifted = renderPlanTemplate(plan, 'warningLifted', cases.warningLifted!).body;
    expect(lifted).toContain('自2026年12月4日9时30分起解除');
    expect(lifted).toContain('于12月5日10时前报送');
  });
});

/** The variables production fills in for the county's own units. */
function countyVars(county: typeof plan): Record<string, Record<string, string | number>> {
  const [, , last] = county.escalation.reports;
  const notice = {
    noticeId: 'episode:beipiao:2026-12-01:1:N1',
    unitId: 'branch.beipiao',
    responseDay: 2,
    dueAt: '',
  };
  return {
    escalationLeaders: escalationVars(
      county,
      'branch.beipiao',
      2,
      due,
      last!,
      stepTargets(last!, 'branch.beipiao'),
    ),
    partnerWarning: partnerVars(county, 'traffic-police', 'issued', 'yellow', ordered),
    noticeProposed: noticeVars(county, notice, due),
    dailyResponseReport: dailyReportVars(county, 2, '2026-12-02', 1, 0, ['branch.beipiao'], 'doc-123'),
    deliveryAlert: { recipientName: '北票分局主要负责同志' },
  };
}

describe('the county’s own texts (二.2)', () => {
  it('render in the county’s names, as reviewed (snapshot of every template its plan words differently)', async () => {
    const county = planForJurisdiction('beipiao');
    const own = Object.keys(county.templates).filter(
      (k) => JSON.stringify(county.templates[k]) !== JSON.stringify(plan.templates[k]),
    );
    expect(own.length).toBeGreaterThan(5);
    const texts = own
      .sort()
      .map((key) => {
        const vars = {
          ...cases[key],
          ...countyVars(county)[key],
          jurisdictionName: '北票市',
          planName: county.name,
        };
        const { title, body } = renderPlanTemplate(county, key, vars);
        expect(`${title}${body}`).not.toMatch(/\{\w+\}|专班|市政府、省/);
        return `[${key}]\n${title}\n${body}\n`;
      })
      .join('\n');
    await expect(texts).toMatchFileSnapshot('__snapshots__/message-texts.beipiao.txt');
  });
});
