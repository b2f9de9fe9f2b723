/** Facts of a two-day episode, shared by the document tests. */
import type { DocumentFacts } from '../../../src/adapters/reporting/index.js';

export const sampleFacts: DocumentFacts = {
  episodeId: 'episode:chaoyang:2026-11-29:1',
  jurisdiction: { id: 'chaoyang', name: '朝阳市' },
  exercise: false,
  issuedAt: '2026-11-30T20:00:00+08:00',
  responseDay: 2,
  reportDate: '2026-11-30',
  levels: [
    { level: 'yellow', from: '2026-11-29T12:00:00+08:00', to: '2026-11-30T08:00:00+08:00' },
    { level: 'orange', from: '2026-11-30T08:00:00+08:00' },
  ],
  lateUnits: [
    {
      unitName: '建平分局',
      item: '11月30日工作日报',
      dueAt: '2026-11-30T17:00:00+08:00',
      submittedAt: '2026-11-30T18:20:00+08:00',
    },
  ],
  notices: [
    { title: '关于建平分局未按时报送工作日报的通报', at: '2026-11-30T20:00:00+08:00', unitName: '建平分局' },
  ],
  electricity: [
    {
      day: '2026-11-30',
      level: 'yellow',
      counts: { compliant: 40, nonCompliant: 2, insufficientData: 1, exempt: 3 },
      nonCompliant: [{ name: '朝阳某水泥有限公司', county: '北票市', cut: 0.04, required: 0.15 }],
    },
  ],
  aqi: [
    { date: '2026-11-29', forecast: 210, observed: 198 },
    { date: '2026-11-30', forecast: 240 },
  ],
  unitReports: {
    fields: [
      { name: 'onSiteSupervisionCount', label: '驻场督导企业数（家）' },
      { name: 'problemsFound', label: '发现问题数（个）' },
      { name: 'penalties', label: '立案处罚数（件）' },
    ],
    rows: [
      { unitName: '北票分局', values: [4, 2, 1], photos: 3 },
      { unitName: '建平分局', values: [5, 1, 0], photos: 2 },
      { unitName: '执法队', values: [0, 0, 0], photos: 0, reported: false },
    ],
    previousTotals: [8, 1, 1],
  },
  followups: { opened: 2, closed: 0 },
  summaries: [{ unitName: '北票分局', text: '本次过程共驻场督导企业12家。', late: false }],
  timeline: [{ at: '2026-11-29T11:30:00+08:00', text: '指挥长批准启动黄色预警' }],
};
