/**
 * The default response plan: 朝环发〔2024〕43号, 朝阳市生态环境系统重污染天气应急响应专项实施方案
 * (Chaoyang City Ecology and Environment Bureau, 2024-11-27), as data. See shared/DOMAIN.md and the
 * Chinese original in shared/seed/. Where the plan is silent, values are product defaults and are
 * marked "product default" below.
 */
import type { Duty, ResponsePlan, Unit } from '../plan-types.js';

// areaCode: GB/T 2260 administrative division codes (民政部 行政区划代码), not in the plan's text.
const COUNTIES = [
  { id: 'shuangta', name: '双塔区', branch: '双塔分局', areaCode: '211302' },
  { id: 'longcheng', name: '龙城区', branch: '龙城分局', areaCode: '211303' },
  { id: 'beipiao', name: '北票市', branch: '北票分局', areaCode: '211381' },
  { id: 'lingyuan', name: '凌源市', branch: '凌源分局', areaCode: '211382' },
  { id: 'chaoyang-county', name: '朝阳县', branch: '朝阳县分局', areaCode: '211321' },
  { id: 'jianping', name: '建平县', branch: '建平分局', areaCode: '211322' },
  { id: 'kazuo', name: '喀喇沁左翼蒙古族自治县', branch: '喀左分局', areaCode: '211324' },
] as const;

const BRANCHES = COUNTIES.map((c) => `branch.${c.id}`);

const internal = (id: string, name: string, extra: Partial<Unit> = {}): Unit => ({
  id,
  name,
  kind: 'internal',
  filesDailyReport: false,
  ...extra,
});
const external = (id: string, name: string, description?: string, asks?: string): Unit => ({
  id,
  name,
  kind: 'external',
  filesDailyReport: false,
  ...(description ? { description } : {}),
  ...(asks ? { asks } : {}),
});

const units: Unit[] = [
  internal('bureau', '朝阳市生态环境局', { description: '方案制定单位' }),
  internal('taskforce.leader', '专班组长', { description: '局主要负责同志；接收每日污染过程应对报告' }),
  internal('taskforce.deputy', '专班副组长', {
    description: '局分管重污染天气应对工作的负责同志、市生态环境保护综合行政执法队主要负责同志',
  }),
  internal('office', '专班办公室（大气环境科）', { shortName: '大气环境科' }),
  internal('office.director', '专班办公室主任', {
    parent: 'office',
    description: '由大气环境科主要负责同志兼任',
  }),
  ...COUNTIES.map((c) =>
    internal(`branch.${c.id}`, c.branch, { jurisdiction: c.id, filesDailyReport: true, shortName: c.branch }),
  ),
  internal('enforcement', '市生态环境保护综合行政执法队', { shortName: '执法队', filesDailyReport: true }),
  internal('party-office', '机关党委办公室'),
  internal('finance', '规划财务科'),
  internal('general', '综合科'),
  internal('svc.air', '市生态环境事务服务中心大气环境保障部', { shortName: '大气环境保障部' }),
  internal('svc.publicity', '市生态环境事务服务中心宣传与信息保障部', { shortName: '宣传与信息保障部' }),
  external('commander', '市重污染天气专项应急指挥部指挥长', '下达预警启动、调整和解除指令'),
  external('monitoring', '辽宁省朝阳生态环境监测中心', '联合会商研判'),
  external('meteo', '朝阳市气象台', '联合会商研判'),
  external(
    'power-company',
    '市供电公司',
    '提供重点企业耗电量核算结果',
    '对重点应急减排企业开展耗电量核算，每日向专班办公室提供核算结果',
  ),
  external(
    'traffic-police',
    '公安交警部门',
    '联合开展机动车监督抽测',
    '每日会同生态环境部门开展机动车监督抽测，严厉查处排放超标车辆上路行驶',
  ),
  // 二.4 相关部门 — the departments of the city's emergency plan (朝阳市重污染天气应急预案); what each is
  // asked is a product default written from their duties there, for the office to revise.
  external('dept.miit', '市工业和信息化局', '相关部门', '督促工业企业按一厂一策落实相应级别应急减排措施'),
  external(
    'dept.housing',
    '市住房和城乡建设局',
    '相关部门',
    '督促各类施工工地落实停止土石方作业等扬尘管控措施',
  ),
  external('dept.transport', '市交通运输局', '相关部门', '落实重型柴油货车和渣土运输车辆管控措施'),
  external(
    'dept.urban',
    '市城市管理综合行政执法局',
    '相关部门',
    '加强道路清扫保洁，查处露天焚烧和渣土车辆遗撒',
  ),
  external('dept.agriculture', '市农业农村局', '相关部门', '加强秸秆禁烧巡查管控'),
  external('city-gov', '朝阳市人民政府', '接收工作总结'),
  external('province', '辽宁省重污染天气专项应急指挥部办公室', '接收工作总结；可下达预警启动文件'),
  external('public', '社会公众', '接收预警信息和健康防护提示'),
];

// Every duty gets its own arrays (no shared references between duties, so a copy of the plan can
// be edited one duty at a time).
const duty = (d: Omit<Duty, 'coordinates' | 'recipients' | 'summaryAfterLift'> & Partial<Duty>): Duty => ({
  summaryAfterLift: false,
  ...d,
  lead: [...d.lead],
  responsible: [...d.responsible],
  support: [...d.support],
  coordinates: [...(d.coordinates ?? [])],
  recipients: [...(d.recipients ?? [])],
});

const duties: Duty[] = [
  duty({
    id: '2.1',
    title: '提前应对污染过程',
    description:
      '针对未达到预警启动条件的污染过程（含臭氧污染），利用大气网格化监管平台、在线监控数据、国省控空气质量监测站点和组分分析站，组织开展污染源排放管控。',
    lead: ['office'],
    responsible: [...BRANCHES, 'enforcement'],
    support: ['svc.air'],
    fromLevel: 'early',
    cadence: 'daily',
  }),
  duty({
    id: '2.2',
    title: '预警启动和解除建议报送',
    description:
      '接到省级预警启动文件或会商研判结果达到预警启动（解除）条件时，立即向指挥长报告，根据指挥长指令及时发布预警启动或解除信息。',
    lead: ['office'],
    responsible: BRANCHES,
    support: [],
    recipients: ['commander'],
    fromLevel: 'early',
    cadence: 'on-decision',
  }),
  duty({
    id: '2.3',
    title: '发布预警响应信息',
    description: '预警信息发布后，协调相关部门向社会发布预警信息和健康防护提示，强化宣传，积极应对舆情。',
    lead: ['office'],
    responsible: BRANCHES,
    support: ['party-office', 'svc.publicity'],
    recipients: ['public'],
    fromLevel: 'yellow',
    cadence: 'on-decision',
  }),
  duty({
    id: '2.4',
    title: '推动相关部门落实应急减排措施',
    description: '督促相关部门按照市及属地预案职责分工，严格落实相应级别应急减排措施。',
    lead: ['office'],
    responsible: BRANCHES,
    support: ['svc.air'],
    fromLevel: 'yellow',
    cadence: 'on-decision',
  }),
  duty({
    id: '2.5',
    title: '开展重点企业耗电量核算',
    description: '预警信息发布后，协调市供电公司对重点应急减排企业开展耗电量核算，提供耗电量核算结果。',
    lead: [],
    responsible: ['office'],
    support: [],
    coordinates: ['power-company'],
    fromLevel: 'yellow',
    cadence: 'daily',
  }),
  duty({
    id: '2.6',
    title: '严格落实应急减排措施',
    description:
      '对重点减排企业开展驻场督导，对非驻场应急减排企业和燃煤供暖等民生保障企业开展执法巡查；通过在线监控和耗电量核算确认减排成效；对疑似超标排放单位开展监督性监测；对违法行为取证、严格处罚。',
    lead: [],
    responsible: [...BRANCHES, 'enforcement'],
    support: ['general', 'svc.publicity'],
    fromLevel: 'yellow',
    cadence: 'daily',
    // product default: the plan says supervision follows the response level but gives no numbers.
    intensity: {
      metric: 'onSiteSupervisionShare',
      label: '重点减排企业驻场督导覆盖比例',
      unit: '%',
      byLevel: { yellow: 30, orange: 60, red: 100 },
    },
  }),
  duty({
    id: '2.7',
    title: '强化面源污染管控巡查',
    description:
      '强化秸秆焚烧管控巡查；对原料场、堆场及施工工地开展巡查，属于生态环境部门职责的直接处理，不属于的立即移交相关职能部门，情形严重的报专班办公室以市指挥部办公室名义通报。',
    lead: [],
    responsible: [...BRANCHES, 'enforcement'],
    support: [],
    fromLevel: 'yellow',
    cadence: 'daily',
    // straw burning, stockyards and construction dust are particle measures: not for an ozone process
    pollutants: { except: ['O3'] },
  }),
  duty({
    id: '2.8',
    title: '强化移动源污染管控',
    description:
      '污染过程应对及应急响应期间，协调公安交警部门每日开展机动车监督抽测；开展非道路移动机械监督抽测，查处超标排放和违规使用高排放机械行为。',
    lead: [],
    responsible: [...BRANCHES, 'enforcement'],
    support: [],
    coordinates: ['traffic-police'],
    // the Chinese text says "污染过程应对及重污染天气应急响应期间", i.e. also during early response.
    fromLevel: 'early',
    cadence: 'daily',
    // product default: vehicles spot-checked per reporting unit per day.
    intensity: {
      metric: 'vehicleChecksPerUnitPerDay',
      label: '每单位每日机动车监督抽测辆次（不少于）',
      unit: '辆次',
      byLevel: { early: 10, yellow: 20, orange: 30, red: 50 },
    },
  }),
  duty({
    id: '2.9',
    title: '组织开展应急减排督导检查',
    description: '组织有关单位成立督导组，对各县（市）区和部分重点企业应急减排措施落实情况开展督导检查。',
    lead: [],
    responsible: ['office'],
    support: ['enforcement', 'svc.air'],
    fromLevel: 'yellow',
    cadence: 'once',
    // product default: number of inspection groups per episode.
    intensity: {
      metric: 'inspectionGroups',
      label: '督导组数量',
      unit: '个',
      byLevel: { yellow: 1, orange: 2, red: 3 },
    },
  }),
  // product default (6号: 臭氧污染过程应对): an ozone process is fought at its precursors, VOCs and NOx.
  duty({
    id: '2.10',
    title: '强化臭氧前体物（VOCs、NOx）排放管控',
    description:
      '臭氧污染过程期间，对涉VOCs排放企业、加油站和汽修喷涂等开展监管巡查，督促涉VOCs工序错峰生产、减少无组织排放；加强NOx重点排放源在线监控核查。',
    lead: [],
    responsible: [...BRANCHES, 'enforcement'],
    support: ['svc.air'],
    fromLevel: 'early',
    cadence: 'daily',
    pollutants: { only: ['O3'] },
  }),
  duty({
    id: '3.1',
    title: '严格执行信息报送机制',
    description:
      '污染过程应对和应急响应期间，每日17时前报送工作开展情况（含驻场督导、现场巡查、线上监管、面源管控等），同步报送影像资料；结束或解除翌日10时前报送工作总结。',
    lead: [],
    responsible: [...BRANCHES, 'enforcement'],
    support: [],
    recipients: ['office'],
    fromLevel: 'early',
    cadence: 'daily',
    summaryAfterLift: true,
  }),
  duty({
    id: '3.2',
    title: '强化应对成效总结评估',
    description:
      '每日形成污染过程应对报告，报送专班组长、副组长；结束或解除后形成工作总结，以市重污染天气专项应急指挥部办公室名义报送市政府和省重污染天气专项应急指挥部办公室。',
    lead: [],
    responsible: ['office'],
    support: ['svc.air'],
    recipients: ['taskforce.leader', 'taskforce.deputy', 'city-gov', 'province'],
    fromLevel: 'early',
    cadence: 'daily',
    summaryAfterLift: true,
  }),
];

export const chaoyang2024Plan: ResponsePlan = {
  id: 'chaoyang-2024',
  version: 1,
  name: '朝阳市生态环境系统重污染天气应急响应专项实施方案',
  documentNumber: '朝环发〔2024〕43号',
  issuer: 'bureau',
  issuedOn: '2024-11-27',
  effectiveFrom: '2024-11-27',
  jurisdiction: 'chaoyang',
  jurisdictions: [
    { id: 'chaoyang', name: '朝阳市', kind: 'city', areaCode: '211300' },
    ...COUNTIES.map((c) => ({
      id: c.id,
      name: c.name,
      kind: 'county' as const,
      parent: 'chaoyang',
      areaCode: c.areaCode,
    })),
  ],
  units,
  roles: {
    office: 'office',
    commander: 'commander',
    leaders: ['taskforce.leader', 'taskforce.deputy'],
    summaryRecipients: ['city-gov', 'province'],
  },
  warning: {
    // 三、(一) 预警级别 — the national unified thresholds (环办大气函〔2019〕648号).
    levels: [
      {
        level: 'yellow',
        name: '黄色预警',
        response: 'III',
        responseName: 'Ⅲ级应急响应',
        reductionPercent: 10,
        conditions: [
          {
            id: 'yellow.1',
            description: '预报日AQI>200',
            clauses: [{ aqiAbove: 200, minConsecutiveDays: 1 }],
          },
          {
            id: 'yellow.2',
            description: '日AQI>150持续48小时及以上',
            clauses: [{ aqiAbove: 150, minConsecutiveDays: 2 }],
          },
        ],
      },
      {
        level: 'orange',
        name: '橙色预警',
        response: 'II',
        responseName: 'Ⅱ级应急响应',
        reductionPercent: 20,
        conditions: [
          {
            id: 'orange.1',
            description: '预报AQI>200持续48小时及以上',
            clauses: [{ aqiAbove: 200, minConsecutiveDays: 2 }],
          },
          {
            id: 'orange.2',
            description: '日AQI>150持续72小时及以上',
            clauses: [{ aqiAbove: 150, minConsecutiveDays: 3 }],
          },
        ],
      },
      {
        level: 'red',
        name: '红色预警',
        response: 'I',
        responseName: 'Ⅰ级应急响应',
        reductionPercent: 30,
        conditions: [
          {
            id: 'red.1',
            description: '预报AQI>200持续72小时及以上，且其中日AQI>300持续24小时及以上',
            clauses: [
              { aqiAbove: 200, minConsecutiveDays: 3 },
              { aqiAbove: 300, minConsecutiveDays: 1 },
            ],
          },
        ],
      },
    ],
  },
  earlyResponse: {
    // The plan (五.(二)1) names no number. Product default: any forecast day of light pollution or
    // worse (AQI>100, 轻度污染及以上), whatever the primary pollutant — ozone included.
    description: '会商研判预报出现污染过程（含臭氧污染），未达到预警启动条件时提前应对',
    conditions: [
      {
        id: 'early.1',
        description: '预报日AQI>100（轻度及以上污染，含臭氧污染），未达到预警启动条件',
        aqiAbove: 100,
        minConsecutiveDays: 1,
      },
    ],
  },
  lift: {
    minHoursBelow: 36,
    description: '预报空气质量将低于黄色预警启动条件，且将持续36小时及以上',
  },
  duties,
  deadlines: {
    dailyReport: { time: '17:00' },
    unitSummary: { time: '10:00', dayOffset: 1 },
    // product default: the office's daily report to the leaders (三.2) — the plan sets no hour.
    officeDailyReport: { time: '20:00' },
    // product default: the plan is silent; an undeliverable message is the office's problem within the hour.
    deliveryAlertMinutes: 60,
    // product default: the plan is silent; two hours without station data from the provincial platform
    // (two scheduled pulls and their retries) is an outage the office must know of (#14.1b).
    airPlatformAlertMinutes: 120,
    // product default: the plan names no delay for 签收 of a warning notice (#15.6)
    acknowledgementMinutes: 30,
    // product default: the plan says "每日17时前" but not for a warning issued in the evening. A warning
    // that takes effect less than 4 hours before 17:00 (or after it) owes its first report the next day.
    minWorkingHours: 4,
    // product default: the plan says "立即向指挥长报告" but sets no decision timeout.
    commanderDecision: {
      timeoutMinutes: 30,
      escalation: [
        {
          offsetMinutes: 0,
          targets: ['commander'],
          template: 'decisionReminder',
          circulateNotice: false,
          description: '超时未获指令，提醒指挥长',
        },
        {
          offsetMinutes: 30,
          targets: ['taskforce.leader', 'taskforce.deputy'],
          template: 'decisionEscalation',
          circulateNotice: false,
          description: '提醒后30分钟仍未获指令，报专班组长、副组长协调',
        },
      ],
    },
  },
  escalation: {
    // product default (DOMAIN.md §5): the plan fixes the deadlines and says failures are circulated.
    reports: [
      {
        offsetMinutes: 0,
        targets: ['$unit'],
        template: 'reportReminder',
        circulateNotice: false,
        description: '截止时提醒报送单位',
      },
      {
        offsetMinutes: 60,
        targets: ['office.director'],
        template: 'escalationDirector',
        circulateNotice: false,
        description: '逾期1小时报专班办公室主任',
      },
      {
        offsetMinutes: 180,
        targets: ['taskforce.leader', 'taskforce.deputy'],
        template: 'escalationLeaders',
        circulateNotice: true,
        description: '逾期3小时报专班组长、副组长并予以通报',
      },
    ],
  },
  exercise: { dayMs: 5 * 60_000 },
  electricity: {
    // product defaults: the plan only says the power company provides the accounting results.
    baselineDays: 10,
    minBaselineDays: 5,
    lookbackDays: 30,
    excludedDates: [],
    exemptGrades: ['A'],
    exemptFlags: ['livelihood', 'heating'],
    gradeMultipliers: { B: 1, C: 1.5, D: 2, unrated: 1.5 },
    tolerancePercent: 0,
  },
  // product default: the advice for an ozone process (its peak is in the afternoon), for the office to revise
  healthAdvice: {
    O3: '臭氧浓度午后至傍晚最高，儿童、老年人和心脏病、呼吸系统疾病患者应避免在该时段户外活动，一般人群减少午后户外运动',
  },
  // product data (not in the plan's text): how public warnings are handed on. agencyCode is the
  // placeholder until the national emergency warning release system assigns the bureau its code;
  // eventType is the code the provincial release centre lists for 重污染天气 (to be confirmed with it).
  // SMS templates: ids as approved by the SMS provider; `from` names a warning fact (warningVars).
  publication: {
    agencyCode: '00000000',
    eventType: '11B99',
    smsTemplates: {
      Alert: {
        templateId: 'SMS_000000001',
        params: [
          { name: 'area', from: 'jurisdictionName' },
          { name: 'level', from: 'levelName' },
          { name: 'time', from: 'effectiveAt' },
          { name: 'response', from: 'responseName' },
        ],
      },
      Update: {
        templateId: 'SMS_000000002',
        params: [
          { name: 'area', from: 'jurisdictionName' },
          { name: 'level', from: 'levelName' },
          { name: 'time', from: 'effectiveAt' },
          { name: 'response', from: 'responseName' },
        ],
      },
      Cancel: {
        templateId: 'SMS_000000003',
        params: [
          { name: 'area', from: 'jurisdictionName' },
          { name: 'level', from: 'levelName' },
          { name: 'time', from: 'effectiveAt' },
        ],
      },
    },
  },
  templates: {
    capRejected: {
      title: '公众预警未发布：CAP校验未通过',
      body: '专班办公室：{sentAt}应发布的{jurisdictionName}{levelName}公众预警未通过CAP 1.2格式校验，系统未对外发布。错误：{errors}。请联系系统运维处理，必要时通过电话、政务新媒体人工发布。',
    },
    // product additions (三.2): the office's daily report to the leaders and the work summary.
    dailyResponseReport: {
      title: '{jurisdictionName}污染过程应对日报（第{responseDay}天，{date}）',
      body:
        '专班组长、副组长：第{responseDay}天（{date}）应报送单位{expectedCount}个，已报送{receivedCount}个；' +
        '迟报或未报单位：{lateUnits}。日报全文见文档{documentId}。',
    },
    deliveryAlert: {
      title: '消息投递失败告警：{recipientName}',
      body: '专班办公室：发给{recipientName}的“{messageTitle}”自{firstAttemptAt}起投递失败（已重试{attempts}次，最近错误：{lastError}），系统仍在重试，请核实接收渠道或改用电话通知。',
    },
    // #14.1b: the provincial air-quality platform has answered no data for longer than the plan's delay
    airPlatformDown: {
      title: '省级空气质量监测平台数据获取失败',
      body: '专班办公室：省级空气质量监测平台自{since}起未能获取数据（最近错误：{lastError}），已自动重试{attempts}次。请联系监测中心核实，必要时改用文件导入。',
    },
    airPlatformRecovered: {
      title: '省级空气质量监测平台数据已恢复',
      body: '专班办公室：省级空气质量监测平台自{since}起的数据获取故障已于{recoveredAt}恢复，已补取{fromText}至{toText}的小时数据。',
    },
    // #18.3: the branches urge the enterprises of their county to file their 一厂一策 before the heating season
    filingReminder: {
      title: '一厂一策报备提醒：{countyName}尚有{count}家企业未报备',
      body: '{branchName}：{year}年度应急减排清单中，{countyName}尚有{count}家企业未报备一厂一策（{enterpriseNames}）。请督促企业于{dueDate}前（供暖季开始前）完成报备，并在系统中审核。',
    },
    // #13.5: the work summary is a draft until the office signs it off
    workSummaryDraft: {
      title: '工作总结待签发',
      body: '专班办公室：{jurisdictionName}本次重污染天气过程应对工作总结（草稿，文档编号：{documentId}）已生成，请审核、填写存在问题及经验做法后在系统中签发；签发后报送市政府和省重污染天气专项应急指挥部办公室。',
    },
    workSummary: {
      title: '关于{jurisdictionName}重污染天气应对工作总结的报告',
      body:
        '市政府、省重污染天气专项应急指挥部办公室：{jurisdictionName}本次重污染天气过程应对工作已结束，' +
        '现将工作总结（文档编号：{documentId}）报上，请审阅。（市重污染天气专项应急指挥部办公室）',
    },
    warningIssued: {
      title: '关于启动重污染天气{levelName}的通知',
      body:
        '各有关单位：经会商研判，根据指挥长指令，{jurisdictionName}自{effectiveAt}起启动重污染天气{levelName}，' +
        '执行{responseName}，主要大气污染物减排比例不低于{reductionPercent}%。请按照《{planName}》（{documentNumber}）' +
        '落实相应职责，每日{dailyReportTime}前报送工作开展情况及影像资料。',
    },
    warningChanged: {
      title: '关于调整重污染天气预警级别的通知',
      body:
        '各有关单位：经会商研判，根据指挥长指令，{jurisdictionName}自{effectiveAt}起将重污染天气预警由{previousLevelName}' +
        '调整为{levelName}，执行{responseName}，主要大气污染物减排比例不低于{reductionPercent}%。请立即按新级别落实相应措施。',
    },
    warningLifted: {
      title: '关于解除重污染天气{levelName}的通知',
      body:
        '各有关单位：经会商研判，根据指挥长指令，{jurisdictionName}自{effectiveAt}起解除重污染天气{levelName}，' +
        '终止{responseName}。请各报送单位于{summaryDueAt}前报送污染过程应对工作总结。',
    },
    publicWarning: {
      title: '{jurisdictionName}重污染天气{levelName}',
      body:
        '据预报，{forecastSummary}。{jurisdictionName}自{effectiveAt}起启动重污染天气{levelName}，执行{responseName}。' +
        '健康防护提示：{healthEffects}；{healthAdvice}。',
    },
    // the public's lift notice: no forecast of the process that has passed, what ends and what to watch
    publicLifted: {
      title: '{jurisdictionName}重污染天气{levelName}解除',
      body:
        '经会商研判，{jurisdictionName}空气质量将持续改善，自{effectiveAt}起解除重污染天气{levelName}，终止{responseName}。' +
        '请继续关注空气质量信息，儿童、老年人和心脏病、肺病患者等敏感人群仍应注意健康防护。',
    },
    earlyResponseStarted: {
      title: '关于开展污染过程提前应对的通知',
      body:
        '各有关单位：经会商研判，{forecastSummary}，尚未达到预警启动条件。请自{effectiveAt}起提前开展污染源排放管控，' +
        '每日{dailyReportTime}前报送工作开展情况及影像资料。',
    },
    reportReminder: {
      title: '报送提醒：{itemLabel}',
      body: '{unitName}：{itemLabel}应于{dueAt}前报送，目前尚未收到，请立即报送。',
    },
    escalationDirector: {
      title: '逾期未报：{unitName}',
      body: '{targetName}：{unitName}未按时报送{itemLabel}（截止时间{dueAt}），已提醒仍未报送，现逾期{overdueHours}小时，请督促。',
    },
    escalationLeaders: {
      title: '逾期未报：{unitName}（拟通报）',
      body:
        '{targetName}：{unitName}未按时报送{itemLabel}（截止时间{dueAt}），经提醒和专班办公室督促后仍未报送，' +
        '现逾期{overdueHours}小时，拟予以通报。',
    },
    // 五(四)2: the 通报 is the office's decision; the ladder's last step asks for it
    noticeProposed: {
      title: '拟通报：{unitName}未按时报送{itemLabel}',
      body:
        '专班办公室：{unitName}未按要求于{dueAt}前报送{itemLabel}，经提醒和督促后仍未报送，按方案拟予以通报。' +
        '请审核后在系统中签发通报或说明不予通报的理由（通报编号：{noticeId}）。',
    },
    // 五(二)1: an early response is proposed to the office and started on its confirmation
    earlyResponseProposed: {
      title: '拟开展污染过程提前应对',
      body:
        '专班办公室：经{consultationAt}会商研判，{forecastSummary}。{reasonText}。' +
        '建议开展污染过程提前应对，请在系统中确认启动或说明不启动的理由。',
    },
    earlyResponseEnded: {
      title: '污染过程提前应对结束',
      body: '各有关单位：{endReason}。自{effectiveAt}起结束提前应对，请各报送单位于{summaryDueAt}前报送污染过程应对工作总结。',
    },
    noticeCirculatedAsWritten: {
      title: '关于{unitName}未按时报送{itemLabel}的通报',
      body: '{noticeText}（通报编号：{noticeId}）',
    },
    noticeCirculated: {
      title: '关于{unitName}未按时报送{itemLabel}的通报',
      body:
        '{unitName}未按要求于{dueAt}前报送{itemLabel}，经提醒和督促后仍未报送。现予以通报，请立即整改并报送。' +
        '此情况将列入本次污染过程应对工作总结。',
    },
    proposalToCommander: {
      title: '关于{proposalAction}的请示',
      body: '指挥长：经{consultationAt}会商研判，{forecastSummary}。{reasonText}。建议{proposalAction}。妥否，请指示。（建议编号：{proposalId}）',
    },
    partnerWarning: {
      title: '{jurisdictionName}重污染天气{levelName}：请落实相应措施',
      body:
        '{unitName}：经会商研判，根据指挥长指令，{jurisdictionName}自{effectiveAt}起{actionWords}重污染天气{levelName}，' +
        '执行{responseName}。请按照《朝阳市重污染天气应急预案》职责分工，{asks}。',
    },
    partnerLifted: {
      title: '{jurisdictionName}重污染天气{levelName}解除',
      body: '{unitName}：根据指挥长指令，{jurisdictionName}自{effectiveAt}起解除重污染天气{levelName}，相应应急措施可同步终止。感谢配合。',
    },
    proposalOnObservation: {
      title: '关于{proposalAction}的请示',
      body:
        '指挥长：据空气质量实况监测，{observedText}；{consultationAt}会商预报{forecastSummary}。{reasonText}。' +
        '建议{proposalAction}。妥否，请指示。（建议编号：{proposalId}）',
    },
    observedWorseThanForecast: {
      title: '空气质量实况较预报偏重，请加密会商',
      body: '专班办公室：{observedText}。请组织加密会商，研判是否需要调整预警级别及应对措施。',
    },
    acknowledgementOverdue: {
      title: '通知未签收：{noticeTitle}',
      body:
        '专班办公室：{noticeTitle}已于{sentAt}下发，要求{dueAt}前签收，以下单位尚未签收：{unitNames}。' +
        '请电话确认其已收到并落实。',
    },
    proposalWithdrawn: {
      title: '请示撤回：{proposalAction}',
      body: '指挥长：{withdrawReason}。如已阅批，请以最新请示为准。',
    },
    decisionReminder: {
      title: '请示待批：{proposalAction}',
      body: '指挥长：关于{proposalAction}的请示（编号：{proposalId}）已于{proposedAt}报送，尚未收到指令，请尽快批示。',
    },
    // #15 field work: an overdue case, a fire point, a report contradicting the records (product defaults)
    caseOverdueOwner: {
      title: '案件逾期未办结：{enterpriseName}',
      body: '{targetName}：{enterpriseName}的{caseKindName}（案件编号：{caseRef}）应于{dueAt}前办结，目前仍未办结，现逾期{overdueHours}小时，请立即办理并在系统中记录结果。',
    },
    caseOverdueOffice: {
      title: '案件逾期未办结：{enterpriseName}（{ownerName}）',
      body: '{targetName}：{ownerName}负责的{enterpriseName}{caseKindName}（案件编号：{caseRef}）应于{dueAt}前办结，经提醒仍未办结，现逾期{overdueHours}小时，请督办。',
    },
    firePointNotice: {
      title: '火点通报：{countyName}{observedAt}',
      body: '{targetName}：{observedAt}在{countyName}（经度{longitude}，纬度{latitude}{placeText}）发现秸秆焚烧等火点（来源：{sourceName}），请立即核查处置，落实属地责任，并将处置结果记入系统。',
    },
    handoverToDepartment: {
      title: '问题移交：{siteName}',
      body: '{targetName}：{unitName}于{dayWords}在{countyName}{siteKindName}“{siteName}”发现以下问题：{problem}。根据职责分工，现移交贵单位依法依规处理，请将处理结果反馈{unitName}。',
    },
    handoverNoticeProposed: {
      title: '拟通报：{siteName}（{countyName}）',
      body: '{targetName}：{unitName}于{dayWords}在{countyName}{siteKindName}“{siteName}”发现以下问题：{problem}，已移交{departmentName}。问题较为严重，建议以市重污染天气专项应急指挥部办公室名义予以通报，请审核。',
    },
    reportContradiction: {
      title: '日报与记录不符：{unitName}{dayWords}',
      body: '{targetName}：{unitName}{dayWords}报送的工作日报与当日记录不符：{problem}。请核实是否存在谎报、瞒报（方案五(四)2）。',
    },
    decisionEscalation: {
      title: '请示久未批复：{proposalAction}',
      body: '{targetName}：关于{proposalAction}的请示（编号：{proposalId}）已于{proposedAt}报送指挥长，{waitedMinutes}分钟仍未获指令，请协调。',
    },
  },
  // The office's documents (GB/T 9704-2012): the issuing office, its 机关代字 and the addressees.
  documents: {
    issuerMark: '朝阳市重污染天气专项应急指挥部办公室文件',
    issuerName: '朝阳市重污染天气专项应急指挥部办公室',
    agencyCode: '朝重污指办',
    briefingName: '重污染天气应急专班工作简报',
    noticeAddressees: [
      ...BRANCHES,
      'enforcement',
      'dept.miit',
      'dept.housing',
      'dept.transport',
      'dept.urban',
      'dept.agriculture',
      'power-company',
      'traffic-police',
    ],
    ccUnits: ['bureau', 'monitoring', 'meteo'],
    printedBy: '朝阳市重污染天气专项应急指挥部办公室',
    signer: '专班办公室主任',
    noticeUrgency: '特急',
    lessonsPlaceholder: '（本部分由专班办公室填写：本次过程应对中发现的问题和经验做法。）',
  },
  reportForm: {
    id: 'unit-daily-report',
    title: '重污染天气应对工作日报',
    fields: [
      {
        name: 'onSiteSupervisionCount',
        label: '驻场督导企业数（家）',
        shortLabel: '驻场督导（家）',
        type: 'integer',
        required: true,
        min: 0,
      },
      {
        name: 'enterprisesPatrolled',
        label: '执法巡查企业数（家）',
        shortLabel: '执法巡查（家）',
        type: 'integer',
        required: true,
        min: 0,
      },
      {
        name: 'onlineMonitoringChecks',
        label: '线上监管（在线监控）核查次数',
        shortLabel: '在线核查（次）',
        type: 'integer',
        required: true,
        min: 0,
      },
      {
        name: 'areaSourceActions',
        label: '面源管控巡查处置数（处）',
        shortLabel: '面源处置（处）',
        type: 'integer',
        required: true,
        min: 0,
      },
      {
        name: 'vehiclesChecked',
        label: '机动车监督抽测数（辆）',
        shortLabel: '机动车抽测（辆）',
        type: 'integer',
        required: true,
        min: 0,
      },
      {
        name: 'machineryChecked',
        label: '非道路移动机械抽测数（台）',
        shortLabel: '机械抽测（台）',
        type: 'integer',
        required: true,
        min: 0,
      },
      {
        name: 'problemsFound',
        label: '发现问题数（个）',
        shortLabel: '发现问题（个）',
        type: 'integer',
        required: true,
        min: 0,
      },
      {
        name: 'penalties',
        label: '立案处罚数（件）',
        shortLabel: '立案处罚（件）',
        type: 'integer',
        required: true,
        min: 0,
      },
      { name: 'notes', label: '工作开展情况说明', type: 'text', required: false, maxLength: 4000 },
      { name: 'photoIds', label: '影像资料', type: 'idList', required: true, minItems: 1, maxItems: 50 },
    ],
  },
  // #15 field work (五(二)6–9). The plan asks for on-site supervision and patrols "加大频次" without
  // numbers: the intensities, case durations and the overdue ladder are product defaults for the office.
  field: {
    intensity: {
      early: { onSiteSharePercent: 0, patrolsPerBranch: 3, patrolsEnforcement: 5 },
      yellow: { onSiteSharePercent: 30, patrolsPerBranch: 5, patrolsEnforcement: 10 },
      orange: { onSiteSharePercent: 50, patrolsPerBranch: 8, patrolsEnforcement: 15 },
      red: { onSiteSharePercent: 100, patrolsPerBranch: 10, patrolsEnforcement: 20 },
    },
    departments: [
      { siteKind: 'construction-site', label: '施工工地', unitId: 'dept.housing' },
      { siteKind: 'stockyard', label: '物料堆场', unitId: 'dept.miit' },
      { siteKind: 'muck-truck', label: '渣土运输', unitId: 'dept.urban' },
      { siteKind: 'straw-burning', label: '秸秆焚烧', unitId: 'dept.agriculture' },
    ],
    caseDueDays: { followup: 1, monitoring: 3, evidence: 3, penalty: 30 },
    caseEscalation: [
      {
        offsetMinutes: 0,
        targets: ['$unit'],
        template: 'caseOverdueOwner',
        circulateNotice: false,
        description: '逾期时提醒承办单位',
      },
      {
        offsetMinutes: 24 * 60,
        targets: ['office'],
        template: 'caseOverdueOffice',
        circulateNotice: false,
        description: '逾期1天报专班办公室督办',
      },
    ],
    firePointTemplate: 'firePointNotice',
    contradictionTemplate: 'reportContradiction',
    handoverTemplate: 'handoverToDepartment',
    handoverNoticeTemplate: 'handoverNoticeProposed',
  },
};

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** The default plan, deeply frozen so no caller can change it under a running episode. */
export const defaultPlan: ResponsePlan = deepFreeze(chaoyang2024Plan);
