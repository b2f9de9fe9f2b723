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
  duties: [
    { dutyId: '2.6', title: '严格落实应急减排措施', unitName: '北票分局', status: 'done' },
    { dutyId: '3.1', title: '严格执行信息报送机制', unitName: '建平分局', status: 'late', note: '18:20报送' },
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
      nonCompliant: [{ name: '朝阳某水泥有限公司', county: 'beipiao', cut: 0.04, required: 0.15 }],
    },
  ],
  aqi: [
    { date: '2026-11-29', forecast: 210, observed: 198 },
    { date: '2026-11-30', forecast: 240 },
  ],
  timeline: [{ at: '2026-11-29T11:30:00+08:00', text: '指挥长批准启动黄色预警' }],
};
