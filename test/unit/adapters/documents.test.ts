import { describe, expect, it } from 'vitest';
import { buildModel, documentFactsSchema, renderHtml } from '../../../src/adapters/reporting/index.js';
import { defaultPlan } from '../../../src/domain/plans/chaoyang-2024.js';
import { sampleFacts } from './document-facts.js';

describe('document model', () => {
  const facts = documentFactsSchema.parse(sampleFacts);

  it('daily report: red head, number, addressees to the task-force leaders, sections in order', () => {
    const m = buildModel('daily-report', facts, defaultPlan);
    expect(m.redHead).toBe('朝阳市重污染天气专项应急指挥部办公室');
    expect(m.documentNumber).toBe('第2期');
    expect(m.addressees).toBe('专班组长、副组长：');
    expect(m.date).toBe('2026年11月30日');
    expect(m.sections.map((s) => s.heading)).toEqual([
      '一、预警及响应情况',
      '二、空气质量预报与实况',
      '三、职责落实情况',
      '四、信息报送情况',
      '五、通报情况',
      '六、重点企业耗电量核算情况',
      '七、大事记',
    ]);
    expect(m.sections[0]?.paragraphs[1]).toBe('11月30日08:00起，朝阳市执行橙色预警（Ⅱ级应急响应）。');
    expect(m.sections[1]?.table?.rows).toEqual([
      ['2026年11月29日', '210', '198', '-12'],
      ['2026年11月30日', '240', '—', '—'],
    ]);
    expect(m.sections[2]?.paragraphs[0]).toContain('完成率100.0%');
    expect(m.sections[5]?.table?.rows[0]).toEqual([
      '2026年11月30日',
      '朝阳某水泥有限公司',
      '北票市',
      '4.0%',
      '15.0%',
    ]);
  });

  it('work summary goes to the city government and the provincial command office', () => {
    const m = buildModel('work-summary', facts, defaultPlan);
    expect(m.addressees).toBe('市政府、省重污染天气专项应急指挥部办公室：');
    expect(m.title).toBe('关于朝阳市11月29日12:00至今重污染天气应对工作情况的总结');
  });

  it('unit summary is headed by the unit and addressed to the office', () => {
    const m = buildModel(
      'unit-summary',
      documentFactsSchema.parse({
        ...sampleFacts,
        unit: { id: 'branch.beipiao', name: '北票分局' },
        overview: ['本次过程共驻场督导企业12家。'],
      }),
      defaultPlan,
    );
    expect(m.redHead).toBe('北票分局');
    expect(m.addressees).toBe('专班办公室：');
    expect(m.sections[0]).toEqual({ heading: '一、总体情况', paragraphs: ['本次过程共驻场督导企业12家。'] });
  });

  it('HTML escapes text and marks exercises', () => {
    const m = buildModel(
      'daily-report',
      documentFactsSchema.parse({ ...sampleFacts, exercise: true, overview: ['<script>alert(1)</script>'] }),
      defaultPlan,
    );
    const html = renderHtml(m);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('【演练】');
    expect(html).toContain('<h1 class="red-head">朝阳市重污染天气专项应急指挥部办公室</h1>');
  });

  it('rejects facts with times lacking an offset', () => {
    expect(documentFactsSchema.safeParse({ ...sampleFacts, issuedAt: '2026-11-30T20:00:00' }).success).toBe(
      false,
    );
  });
});
