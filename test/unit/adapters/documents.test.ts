import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  LINE_PITCH,
  buildModel,
  documentFactsSchema,
  renderDocx,
  renderHtml,
} from '../../../src/adapters/reporting/index.js';
import { columnWidths, headSizeHalfPoints, textWidth } from '../../../src/adapters/reporting/render.js';
import type { ResponsePlan } from '../../../src/domain/plan-types.js';
import { defaultPlan } from '../../../src/domain/plans/chaoyang-2024.js';
import { planForJurisdiction } from '../../../src/domain/plans/index.js';
import { sampleFacts } from './document-facts.js';

const facts = documentFactsSchema.parse(sampleFacts);
const docxXml = async (kind: Parameters<typeof buildModel>[0], extra = {}) => {
  const m = buildModel(kind, documentFactsSchema.parse({ ...sampleFacts, ...extra }), defaultPlan);
  const files = unzipSync(new Uint8Array(await renderDocx(m)));
  const text = (name: string) => (files[name] ? strFromU8(files[name]!) : '');
  const footers = Object.keys(files).filter((n) => /^word\/footer\d+\.xml$/.test(n));
  return {
    m,
    document: text('word/document.xml'),
    settings: text('word/settings.xml'),
    styles: text('word/styles.xml'),
    footers: footers.map(text),
  };
};

describe('document model', () => {
  it('daily report is a 简报: its name, 第N期, the issuer line, sections in order, 报 the task-force leaders', () => {
    const m = buildModel(
      'daily-report',
      documentFactsSchema.parse({ ...sampleFacts, documentNumber: '第2期' }),
      defaultPlan,
    );
    expect(m).toMatchObject({
      form: 'briefing',
      head: '重污染天气应急专班工作简报',
      documentNumber: '第2期',
      title: '朝阳市11月30日重污染天气应对情况',
      issuer: '朝阳市重污染天气专项应急指挥部办公室',
      date: '2026年11月30日',
      cc: ['专班组长', '专班副组长'],
    });
    expect(m.sections.map((s) => s.heading)).toEqual([
      '一、预警及响应情况',
      '二、空气质量预报与实况',
      '三、各单位工作开展情况',
      '四、信息报送情况',
      '五、重点企业耗电量核算情况',
      '六、执法跟进情况',
      '七、通报情况',
    ]);
    expect(m.sections[0]?.paragraphs[0]).toBe(
      '2026年11月30日，朝阳市执行橙色预警（Ⅱ级应急响应）（自2026年11月30日8时起）。',
    );
    expect(m.sections[1]?.table?.rows).toEqual([
      ['2026年11月29日', '210', '198'],
      ['2026年11月30日', '240', '—'],
    ]);
  });

  it('daily report: per unit what it reported, the totals and the change from the day before; who was late by how much', () => {
    const m = buildModel('daily-report', facts, defaultPlan);
    const t = m.sections[2]!.table!;
    expect(t.columns).toEqual([
      '单位',
      '驻场督导企业数（家）',
      '发现问题数（个）',
      '立案处罚数（件）',
      '影像资料（张）',
    ]);
    expect(t.rows).toEqual([
      ['北票分局', '4', '2', '1', '3'],
      ['建平分局', '5', '1', '0', '2'],
      ['执法队', '未报', '未报', '未报', '—'],
      ['合计', '9', '3', '1', '5'],
      ['较前一日', '+1', '+2', '0', '—'],
    ]);
    expect(m.sections[3]!.table!.rows).toEqual([
      ['建平分局', '11月30日工作日报', '11月30日17时', '11月30日18时20分', '1小时20分钟'],
    ]);
    expect(m.sections[4]!.paragraphs[0]).toBe(
      '2026年11月30日（黄色预警）：核算企业46家，达标40家，未达标2家，无数据（数据不足）1家，豁免3家。',
    );
    expect(m.sections[4]!.table!.rows[0]).toEqual([
      '2026年11月30日',
      '朝阳某水泥有限公司',
      '北票市',
      '4.0%',
      '15.0%',
    ]);
    expect(m.sections[5]!.paragraphs[0]).toBe('对耗电量核算未达标企业新开执法跟进2件，办结0件。');
  });

  it('work summary is a 报告 to the plan’s recipients, with 签发人, the summaries and the lessons placeholder, and no completion rate', () => {
    const m = buildModel('work-summary', facts, defaultPlan);
    expect(m.addressees).toBe('朝阳市人民政府、辽宁省重污染天气专项应急指挥部办公室：');
    expect(m.signer).toBe('专班办公室主任');
    expect(m.head).toBe('朝阳市重污染天气专项应急指挥部办公室文件');
    expect(m.title).toBe('关于朝阳市2026年11月29日起重污染天气应对工作情况的报告');
    const all = m.sections.flatMap((s) => s.paragraphs).join('\n');
    expect(all).toContain('北票分局：本次过程共驻场督导企业12家。');
    expect(all).toContain(defaultPlan.documents.lessonsPlaceholder);
    expect(all).not.toMatch(/完成率|应落实职责/);
    const lifted = buildModel(
      'work-summary',
      documentFactsSchema.parse({
        ...sampleFacts,
        levels: [{ level: 'yellow', from: '2026-11-29T12:00:00+08:00', to: '2026-12-02T09:00:00+08:00' }],
        lessons: '会商研判及时。',
      }),
      defaultPlan,
    );
    expect(lifted.title).toBe('关于朝阳市2026年11月29日至12月2日重污染天气应对工作情况的报告');
    expect(lifted.sections.at(-1)).toEqual({
      heading: '十、存在问题及经验做法',
      paragraphs: ['会商研判及时。'],
    });
  });

  it('work summary: 成效评估 prints the statement, each day forecast beside observed with the level and error, the verified cut and the experts’ opinion', () => {
    const m = buildModel(
      'work-summary',
      documentFactsSchema.parse({
        ...sampleFacts,
        assessment: {
          statement: ['朝阳市本次过程11月29日至11月30日共2天，其中1天有实况日AQI，2天有会商预报。'],
          days: [
            { date: '2026-11-29', level: 'yellow', forecast: 210, observed: 180 },
            { date: '2026-11-30', level: 'orange', forecast: 160 },
          ],
          cut: [
            {
              group: '合计',
              enterprises: 3,
              withData: 2,
              noData: 1,
              meanCut: 0.215,
              meanRequired: 0.2,
              complianceRate: 0.5,
            },
          ],
          opinion: '专家委员会认为本次应对措施落实到位。',
        },
      }),
      defaultPlan,
    );
    const effect = m.sections.find((s) => s.heading.endsWith('应对成效评估'))!;
    expect(effect.paragraphs).toEqual([
      '朝阳市本次过程11月29日至11月30日共2天，其中1天有实况日AQI，2天有会商预报。',
    ]);
    expect(effect.table).toEqual({
      columns: ['日期', '响应级别', '预报AQI', '实况AQI', '预报误差'],
      rows: [
        ['2026年11月29日', '黄色预警', '210', '180', '+30'],
        ['2026年11月30日', '橙色预警', '160', '—', '—'],
      ],
    });
    expect(effect.after).toEqual(['专家委员会意见：专家委员会认为本次应对措施落实到位。']);
    const cut = m.sections.find((s) => s.heading.endsWith('减排措施落实核实（耗电量）'))!;
    expect(cut.table?.rows).toEqual([['合计', '3', '2', '1', '21.5%', '20.0%', '50.0%']]);
    // the lessons stay last
    expect(m.sections.at(-1)?.heading).toMatch(/存在问题及经验做法$/);
    // without an assessment, no such section
    expect(
      buildModel('work-summary', facts, defaultPlan).sections.some((s) => s.heading.includes('成效')),
    ).toBe(false);
  });

  it('every jurisdiction-dependent word comes from plan.documents (a county plan heads its own documents)', () => {
    const county: ResponsePlan = planForJurisdiction('beipiao');
    const m = buildModel(
      'work-summary',
      documentFactsSchema.parse({ ...sampleFacts, jurisdiction: { id: 'beipiao', name: '北票市' } }),
      county,
    );
    const text = JSON.stringify(m);
    expect(m.addressees).toBe('北票市人民政府、市重污染天气专项应急指挥部办公室：');
    expect(m.head).toBe('北票分局文件');
    expect(text).not.toContain('朝阳市人民政府');
    expect(text).not.toContain('朝阳市重污染天气专项应急指挥部办公室');
  });

  it('warning notices: 通知 of the start, change and lift with 紧急程度, to the units and departments', () => {
    const notice = (
      action: 'start' | 'change' | 'lift',
      level: 'yellow' | 'orange',
      previousLevel?: 'yellow',
    ) =>
      buildModel(
        'warning-notice',
        documentFactsSchema.parse({
          ...sampleFacts,
          notice: {
            action,
            level,
            ...(previousLevel ? { previousLevel } : {}),
            at: '2026-11-30T08:00:00+08:00',
            order: '经会商研判，市重污染天气专项应急指挥部指挥长批准',
          },
        }),
        defaultPlan,
      );
    expect(notice('start', 'yellow').title).toBe('关于启动朝阳市重污染天气黄色预警（Ⅲ级应急响应）的通知');
    expect(notice('change', 'orange', 'yellow').title).toBe(
      '关于将朝阳市重污染天气预警级别调整为橙色预警（Ⅱ级应急响应）的通知',
    );
    const lift = notice('lift', 'orange');
    expect(lift.title).toBe('关于解除朝阳市重污染天气橙色预警（Ⅱ级应急响应）的通知');
    expect(lift.urgency).toBe('特急');
    expect(lift.addressees).toMatch(/^双塔分局、.*市生态环境保护综合行政执法队、市工业和信息化局.*：$/);
    expect(lift.sections[0]?.paragraphs[0]).toBe(
      '经会商研判，市重污染天气专项应急指挥部指挥长批准，朝阳市于2026年11月30日8时解除重污染天气橙色预警，终止Ⅱ级应急响应。请各单位、各部门做好应对工作总结，于规定时限内报送专班办公室。',
    );
    expect(lift.cc).toEqual(['朝阳市生态环境局', '辽宁省朝阳生态环境监测中心', '朝阳市气象台']);
  });

  it('HTML escapes text, marks exercises and has a print stylesheet (A4, the margins)', () => {
    const m = buildModel(
      'daily-report',
      documentFactsSchema.parse({ ...sampleFacts, exercise: true, overview: ['<script>alert(1)</script>'] }),
      defaultPlan,
    );
    const html = renderHtml(m);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('【演练】');
    expect(html).toContain('<h1 class="red-head">重污染天气应急专班工作简报</h1>');
    expect(html).toContain('@page { size: A4; margin: 37mm 26mm 35mm 28mm; }');
  });

  it('rejects facts with times lacking an offset', () => {
    expect(documentFactsSchema.safeParse({ ...sampleFacts, issuedAt: '2026-11-30T20:00:00' }).success).toBe(
      false,
    );
  });
});

describe('DOCX layout (GB/T 9704-2012)', () => {
  it('exact line pitch of 22 lines, zh-CN tags, odd/even page numbers "— N —", the head on one line, 版记', async () => {
    const { document, settings, styles, footers } = await docxXml('work-summary', {
      documentNumber: '朝重污指办〔2026〕3号',
    });
    expect(LINE_PITCH * 22).toBeLessThanOrEqual(Math.round(225 * 56.7));
    expect(document).toContain(`<w:spacing w:line="${LINE_PITCH}" w:lineRule="exact"/>`);
    expect(styles).toContain(`<w:spacing w:line="${LINE_PITCH}" w:lineRule="exact"/>`);
    expect(document).toContain('w:eastAsia="zh-CN"');
    expect(styles).toContain('w:eastAsia="zh-CN"');
    expect(settings).toContain('<w:evenAndOddHeaders/>');
    expect(footers).toHaveLength(2);
    for (const f of footers) {
      expect(f).toContain('PAGE');
      expect(f).toContain('— ');
    }
    expect(footers.map((f) => /w:jc w:val="(right|left)"/.exec(f)?.[1]).sort()).toEqual(['left', 'right']);
    // the head fits the 版心 on one line: 20 characters at most 156 mm
    const size = headSizeHalfPoints('朝阳市重污染天气专项应急指挥部办公室文件');
    expect((size / 2) * textWidth('朝阳市重污染天气专项应急指挥部办公室文件') * 0.3528).toBeLessThanOrEqual(
      156,
    );
    expect(document).toContain('朝重污指办〔2026〕3号');
    expect(document).toContain('签发人：');
    expect(document).toContain('抄送：朝阳市生态环境局，辽宁省朝阳生态环境监测中心，朝阳市气象台。');
    expect(document).toContain('2026年11月30日印发');
    expect(document).toContain('<w:keepNext/>');
  });

  it('sizes table columns so that dates do not wrap', () => {
    const { widths, size } = columnWidths({
      columns: ['日期', '未达标企业', '所在地区', '实际降幅', '要求降幅'],
      rows: [['2026年11月30日', '朝阳某水泥有限公司', '北票市', '4.0%', '15.0%']],
    });
    expect(widths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(Math.round(156 * 56.7));
    expect(widths[0]).toBeGreaterThanOrEqual(Math.ceil(textWidth('2026年11月30日') * (size / 2) * 20));
  });
});
