/**
 * The counties' own plans (二.2: 各县（市）区预警启动及解除程序依照属地重污染天气应急预案执行), as data derived
 * from the city's plan: each reuses the city's thresholds, early-response and lift rules, duties,
 * deadlines, electricity rules and report form by reference (`basedOn`), and names its own office
 * (the county's branch, 五(一)2), commander, leaders, reporting unit and recipients (the county
 * government and the city command office). Everything a county episode touches stays in the county.
 * The names and ladders below are product defaults for the office to revise per county.
 */
import type {
  Duty,
  EscalationStep,
  Jurisdiction,
  MessageTemplate,
  ResponsePlan,
  Unit,
} from '../plan-types.js';

/** The city command office (市重污染天气专项应急指挥部办公室): the city plan's office, a recipient here. */
const CITY_COMMAND_OFFICE = 'office';

interface CountyIds {
  branch: string;
  director: string;
  commander: string;
  government: string;
}

const idsOf = (county: Jurisdiction, branch: Unit): CountyIds => ({
  branch: branch.id,
  director: `${county.id}.director`,
  commander: `${county.id}.commander`,
  government: `${county.id}.gov`,
});

/** What each of the city plan's unit ids becomes in the county's plan ([] = not part of it). */
function unitMapping(city: ResponsePlan, ids: CountyIds): (unitId: string) => string[] {
  const kept = new Set(['monitoring', 'meteo', 'power-company', 'traffic-police', 'public']);
  const named: Record<string, string[]> = {
    office: [ids.branch],
    'office.director': [ids.director],
    'taskforce.leader': [ids.director],
    'taskforce.deputy': [],
    commander: [ids.commander],
    'city-gov': [ids.government],
    province: [CITY_COMMAND_OFFICE],
  };
  const unit = new Map(city.units.map((u) => [u.id, u]));
  return (unitId) => {
    if (unitId === '$unit' || kept.has(unitId)) return [unitId];
    if (named[unitId]) return named[unitId];
    const u = unit.get(unitId);
    // the branch of this county stays; other counties' branches and the city's own sections do not
    return u?.jurisdiction !== undefined && u.id === ids.branch ? [ids.branch] : [];
  };
}

const mapAll = (map: (id: string) => string[], list: readonly string[]) => [...new Set(list.flatMap(map))];

function countyDuty(duty: Duty, map: (id: string) => string[]): Duty {
  const lead = mapAll(map, duty.lead);
  return {
    ...duty,
    lead,
    responsible: mapAll(map, duty.responsible).filter((u) => !lead.includes(u)),
    support: mapAll(map, duty.support),
    coordinates: mapAll(map, duty.coordinates),
    recipients: mapAll(map, duty.recipients),
  };
}

/** A city ladder with the county's targets, its descriptions naming them. */
function countyLadder(
  steps: readonly EscalationStep[],
  map: (id: string) => string[],
  leaders = '分局主要负责同志',
): EscalationStep[] {
  return steps.map((s) => ({
    ...s,
    targets: mapAll(map, s.targets),
    description: s.description
      .replace('专班办公室主任', '分局主要负责同志')
      .replace('专班组长、副组长', leaders),
  }));
}

function countyUnits(city: ResponsePlan, county: Jurisdiction, branch: Unit, ids: CountyIds): Unit[] {
  const cityUnit = (id: string) => city.units.filter((u) => u.id === id);
  return [
    { ...branch, description: `属地分局：负责${county.name}会商研判、预警信息报送和现场应对` },
    {
      id: ids.director,
      name: `${branch.name}主要负责同志`,
      kind: 'internal',
      filesDailyReport: false,
      parent: ids.branch,
      jurisdiction: county.id,
      description: '接收每日污染过程应对报告和逾期督促',
    },
    {
      id: ids.commander,
      name: `${county.name}重污染天气应急指挥部指挥长`,
      kind: 'external',
      filesDailyReport: false,
      jurisdiction: county.id,
      description: `下达${county.name}预警启动、调整和解除指令`,
    },
    {
      id: ids.government,
      name: `${county.name}人民政府`,
      kind: 'external',
      filesDailyReport: false,
      jurisdiction: county.id,
      description: '接收工作总结',
    },
    {
      id: CITY_COMMAND_OFFICE,
      name: '市重污染天气专项应急指挥部办公室',
      shortName: '市指挥部办公室',
      kind: 'external',
      filesDailyReport: false,
      description: '设在市生态环境局大气环境科；接收属地工作总结和逾期通报',
    },
    ...['monitoring', 'meteo', 'power-company', 'traffic-police', 'public'].flatMap(cityUnit),
  ];
}

/** The county's own wording where the city's names the city's bodies (专班, 市政府, the city plan). */
function countyTemplates(
  city: ResponsePlan,
  county: Jurisdiction,
  branch: Unit,
): Record<string, MessageTemplate> {
  const t = city.templates;
  const own = (key: string, body: string, title?: string): [string, MessageTemplate] => [
    key,
    { title: title ?? t[key]?.title ?? '', body },
  ];
  return {
    ...t,
    ...Object.fromEntries([
      own(
        'capRejected',
        `${branch.name}：{sentAt}应发布的{jurisdictionName}{levelName}公众预警未通过CAP 1.2格式校验，系统未对外发布。错误：{errors}。请联系系统运维处理，必要时通过电话、政务新媒体人工发布。`,
      ),
      own(
        'dailyResponseReport',
        `${branch.name}主要负责同志：第{responseDay}天（{date}）应报送单位{expectedCount}个，已报送{receivedCount}个；迟报或未报单位：{lateUnits}。日报全文见文档{documentId}。`,
      ),
      own(
        'deliveryAlert',
        `${branch.name}：发给{recipientName}的“{messageTitle}”自{firstAttemptAt}起投递失败（已重试{attempts}次，最近错误：{lastError}），系统仍在重试，请核实接收渠道或改用电话通知。`,
      ),
      own(
        'airPlatformDown',
        `${branch.name}：省级空气质量监测平台自{since}起未能获取数据（最近错误：{lastError}），已自动重试{attempts}次。请联系监测中心核实，必要时改用文件导入。`,
      ),
      own(
        'airPlatformRecovered',
        `${branch.name}：省级空气质量监测平台自{since}起的数据获取故障已于{recoveredAt}恢复，已补取{fromText}至{toText}的小时数据。`,
      ),
      own(
        'workSummary',
        `${county.name}人民政府、市重污染天气专项应急指挥部办公室：{jurisdictionName}本次重污染天气过程应对工作已结束，现将工作总结（文档编号：{documentId}）报上，请审阅。（${branch.name}）`,
      ),
      own(
        'workSummaryDraft',
        `${branch.name}：{jurisdictionName}本次重污染天气过程应对工作总结（草稿，文档编号：{documentId}）已生成，请审核、填写存在问题及经验做法后在系统中签发；签发后报送${county.name}人民政府和市重污染天气专项应急指挥部办公室。`,
      ),
      own(
        'warningIssued',
        '各有关单位：经会商研判，根据指挥长指令，{jurisdictionName}自{effectiveAt}起启动重污染天气{levelName}，执行{responseName}，主要大气污染物减排比例不低于{reductionPercent}%。请按照《{planName}》落实相应职责，每日{dailyReportTime}前报送工作开展情况及影像资料。',
      ),
      own(
        'noticeProposed',
        `${branch.name}：{unitName}未按要求于{dueAt}前报送{itemLabel}，经提醒和督促后仍未报送，按方案拟予以通报。请审核后在系统中签发通报或说明不予通报的理由（通报编号：{noticeId}）。`,
      ),
      own(
        'acknowledgementOverdue',
        `${branch.name}：{noticeTitle}已于{sentAt}下发，要求{dueAt}前签收，以下单位尚未签收：{unitNames}。请电话确认其已收到并落实。`,
      ),
      own(
        'observedWorseThanForecast',
        `${branch.name}：{observedText}。请组织加密会商，研判是否需要调整预警级别及应对措施。`,
      ),
      own(
        'earlyResponseProposed',
        `${branch.name}：经{consultationAt}会商研判，{forecastSummary}。{reasonText}。建议开展污染过程提前应对，请在系统中确认启动或说明不启动的理由。`,
      ),
      own(
        'escalationLeaders',
        '{targetName}：{unitName}未按时报送{itemLabel}（截止时间{dueAt}），经提醒和督促后仍未报送，现逾期{overdueHours}小时，拟予以通报。',
      ),
      own(
        'partnerWarning',
        `{unitName}：经会商研判，根据指挥长指令，{jurisdictionName}自{effectiveAt}起{actionWords}重污染天气{levelName}，执行{responseName}。请按照《${county.name}重污染天气应急预案》职责分工，{asks}。`,
      ),
    ]),
  };
}

/**
 * The county's documents: issued by its branch (机关代字 a product default from the branch's name, for
 * the office to revise), to its own units, copied to the city command office.
 */
function countyDocuments(
  city: ResponsePlan,
  branch: Unit,
  map: (id: string) => string[],
): ResponsePlan['documents'] {
  return {
    ...city.documents,
    issuerMark: `${branch.name}文件`,
    issuerName: branch.name,
    agencyCode: `${branch.name.replace(/分局$/, '')}环分`,
    briefingName: `${branch.name}重污染天气应对工作简报`,
    noticeAddressees: mapAll(map, city.documents.noticeAddressees),
    ccUnits: [...new Set([...mapAll(map, city.documents.ccUnits), CITY_COMMAND_OFFICE])],
    printedBy: branch.name,
    signer: `${branch.name}主要负责同志`,
    lessonsPlaceholder: city.documents.lessonsPlaceholder.replace('专班办公室', branch.name),
  };
}

/** The plan of one county, derived from the city's plan. */
export function countyPlan(city: ResponsePlan, county: Jurisdiction): ResponsePlan {
  const branch = city.units.find((u) => u.jurisdiction === county.id && u.filesDailyReport);
  if (!branch) throw new Error(`the city plan names no branch for ${county.id}`);
  const ids = idsOf(county, branch);
  const map = unitMapping(city, ids);
  const cityJurisdiction = city.jurisdictions.find((j) => j.id === city.jurisdiction);
  return {
    id: `${county.id}-${city.issuedOn.slice(0, 4)}`,
    version: 1,
    name: `${county.name}重污染天气应急响应实施方案`,
    documentNumber: `${county.name}属地预案（沿用${city.documentNumber}的预警条件和职责）`,
    issuer: ids.branch,
    issuedOn: city.issuedOn,
    effectiveFrom: city.effectiveFrom,
    jurisdiction: county.id,
    jurisdictions: [...(cityJurisdiction ? [cityJurisdiction] : []), county],
    basedOn: {
      id: city.id,
      version: city.version,
      reuses: '预警分级和启动条件、提前应对条件、解除条件、职责清单、报送时限、耗电量核算规则、日报表单',
    },
    units: countyUnits(city, county, branch, ids),
    roles: {
      office: ids.branch,
      commander: ids.commander,
      leaders: [ids.director],
      summaryRecipients: [ids.government, CITY_COMMAND_OFFICE],
    },
    warning: city.warning,
    earlyResponse: city.earlyResponse,
    lift: city.lift,
    duties: city.duties.map((d) => countyDuty(d, map)),
    deadlines: {
      ...city.deadlines,
      commanderDecision: {
        ...city.deadlines.commanderDecision,
        escalation: countyLadder(city.deadlines.commanderDecision.escalation, map),
      },
    },
    // overdue reports: the branch's head at +1 h; at +3 h its head and the city command office
    escalation: {
      reports: countyLadder(city.escalation.reports, map, '分局主要负责同志和市指挥部办公室').map(
        (s, i, all) =>
          i === all.length - 1 ? { ...s, targets: [...new Set([ids.director, CITY_COMMAND_OFFICE])] } : s,
      ),
    },
    exercise: city.exercise,
    electricity: city.electricity,
    templates: countyTemplates(city, county, branch),
    documents: countyDocuments(city, branch, map),
    reportForm: city.reportForm,
    ...(city.healthAdvice ? { healthAdvice: city.healthAdvice } : {}),
    ...(city.publication ? { publication: city.publication } : {}),
  };
}

/** One plan per county of the city's plan. */
export function countyPlans(city: ResponsePlan): ResponsePlan[] {
  return city.jurisdictions.filter((j) => j.kind === 'county').map((j) => countyPlan(city, j));
}
