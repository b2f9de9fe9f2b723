/**
 * The effect assessment over HTTP with the embedded PostgreSQL: an episode's events recorded by the real
 * projection activity, stations and hours imported through the API, electricity verdicts stored; the
 * assessment's figures are checked against what is stored (GET /air-quality/daily, the verdict rows),
 * the expert opinion is attached, and the work summary prints the 成效评估 from the same data.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logOnlyActivityDeps } from '../../../src/activities/deps.js';
import { createActivities } from '../../../src/activities/index.js';
import { getDocument } from '../../../src/adapters/reporting/index.js';
import type { DocumentRequest } from '../../../src/contracts/index.js';
import { defaultPlan } from '../../../src/domain/index.js';
import { type SeededEpisode, seedAssessedEpisode } from '../../assessment-seed.js';
import { opinionText } from '../../../src/adapters/reporting/assessment-section.js';
import { type TestPrincipal, apiSuite, bearer, multipart } from './api-helpers.js';

const s = apiSuite('assessment-no-worker');
let seeded: SeededEpisode;
let D: string;
let D1: string;
let D2: string;
let episodeId: string;
let E: string;
let at: SeededEpisode['at'];

beforeAll(async () => {
  seeded = await seedAssessedEpisode({ pool: s.ctx.pool, app: s.app, office: s.who.office });
  ({ D, D1, D2, episodeId, at } = seeded);
  E = encodeURIComponent(episodeId);
});
afterAll(async () => {
  await seeded?.cleanup();
});

const get = (url: string, p: TestPrincipal = s.who.office) =>
  s.app.inject({ method: 'GET', url, headers: bearer(p) });

describe('episode assessment', () => {
  it('compares each day with the forecast as made and with the observed AQI stored, verifies the cut, counts duties and follow-ups', async () => {
    const res = await get(`/episodes/${E}/assessment`, s.who.leader);
    expect(res.statusCode).toBe(200);
    const a = res.json();
    expect(a).toMatchObject({ episodeId, finished: true, from: D, to: D2, thresholds: [150, 200, 300] });

    // observed: what GET /air-quality/daily computes from the same stored hours, day by day
    const daily = (await get(`/air-quality/daily?jurisdiction=chaoyang&from=${D}&to=${D2}`)).json();
    const stored = daily.items.map((x: { value: { aqi: number | null } }) => x.value.aqi);
    expect(stored[0]).toBeGreaterThan(200);
    expect(stored[2]).toBeNull();
    expect(a.days.map((d: { observed: number | null }) => d.observed)).toEqual(stored);
    expect(a.days.map((d: { forecast: number }) => d.forecast)).toEqual([220, 190, 140]); // the 2nd consultation from D+1
    expect(a.days.map((d: { level: string }) => d.level)).toEqual(['yellow', 'yellow', 'yellow']);
    expect(a.days[2].observedReason).toMatch(/无法计算AQI；PM2\.5日均值缺失：\d+个站点均无有效值/);
    expect(a.days[0].error).toBe(220 - stored[0]);
    expect(a.comparedDays).toBe(2);
    expect(a.meanAbsoluteError).toBe(
      Math.round(((Math.abs(220 - stored[0]) + Math.abs(190 - stored[1])) / 2) * 10) / 10,
    );

    // the cut: the verdict rows as stored
    const o = a.emission.overall;
    expect(o).toMatchObject({
      enterprises: 3,
      withData: 2,
      noData: 1,
      exempt: 0,
      compliantDays: 2,
      nonCompliantDays: 1,
    });
    expect(o.meanCut).toBeCloseTo((0.25 + 0.15 + 0.05) / 3, 9);
    expect(o.meanRequired).toBeCloseTo((0.1 + 0.1 + 0.15) / 3, 9);
    expect(a.emission.byLevel).toMatchObject([
      { key: 'yellow', label: '黄色预警', planPercent: 10, enterprises: 3 },
    ]);
    expect(a.emission.byCounty.map((g: { label: string; noData: number }) => [g.label, g.noData])).toEqual([
      ['双塔区', 0],
      ['北票市', 1],
    ]);
    expect(a.emission.byGrade.map((g: { label: string }) => g.label)).toEqual(['B级', 'C级']);
    expect(a.emission.byIndustry.map((g: { label: string }) => g.label).sort()).toEqual(
      ['水泥', '焦化', '钢铁'].sort(),
    );
    expect(a.duties).toEqual({ total: 2, onTime: 1, late: 0, overdue: 1, pending: 0 });
    expect(a.followups).toEqual({ enterprises: 1, opened: 1, closed: 0, open: 1 });

    const text = a.statement.join('');
    expect(text).toContain('参与核算企业3家，其中有用电数据2家、无数据1家、豁免0家');
    expect(text).toContain('有数据的企业用电量较基准平均下降15.0%，达到按方案要求折算的平均11.7%');
    expect(text).toContain('有时限的职责2项，按时完成1项，迟报0项，逾期未报1项');
    expect(text).toContain('不能据此认定减排措施使AQI降低了多少');
    expect(a.opinion).toBeNull();
  });

  it('GET /air-quality/hourly: each hour the rolling 24-h AQI (at the end of a day, that day’s AQI) and the mean PM2.5', async () => {
    const res = await get(`/air-quality/hourly?jurisdiction=chaoyang&from=${D}&to=${D1}`, s.who.shuangta);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{
      hourEnd: string;
      aqi: number | null;
      pm25: number | null;
      stations: number;
    }>;
    expect(items).toHaveLength(48);
    expect(items[0]).toMatchObject({ hourEnd: at(D, '01'), pm25: 180, stations: 2 });
    expect(items[0]!.aqi).toBeNull(); // 1 hour of the 24 before it: not valid
    const daily = (await get(`/air-quality/daily?jurisdiction=chaoyang&from=${D}&to=${D1}`)).json();
    expect(items[23]!.aqi).toBe(daily.items[0].value.aqi);
    expect(items[23]!).toMatchObject({ complete: true });
    expect(items[47]!.aqi).toBe(daily.items[1].value.aqi);
    expect(items[30]!.pm25).toBe(110);
    expect((await get(`/air-quality/hourly?jurisdiction=chaoyang&from=${D1}&to=${D}`)).statusCode).toBe(400);
  });

  it('is read by the office, leaders and commanders, scoped like the episode; 404 for an unknown one', async () => {
    expect((await get(`/episodes/${E}/assessment`, s.who.commander)).statusCode).toBe(200);
    expect((await get(`/episodes/${E}/assessment`, s.who.shuangta)).statusCode).toBe(403);
    expect((await get(`/episodes/${E}/assessment`, s.who.auditor)).statusCode).toBe(403);
    const beipiao = encodeURIComponent(`episode:beipiao:${D}:1`);
    expect((await get(`/episodes/${beipiao}/assessment`, s.who.shuangtaCommander)).statusCode).toBe(403);
    const none = encodeURIComponent(`episode:chaoyang:${D}:99`);
    expect((await get(`/episodes/${none}/assessment`)).statusCode).toBe(404);
  });

  it('the office attaches the expert committee’s opinion (text, then a PDF); readers download it; bad input is refused', async () => {
    const put = (payload: Buffer | object, headers: Record<string, string> = {}, p = s.who.office) =>
      s.app.inject({
        method: 'PUT',
        url: `/episodes/${E}/assessment/opinion`,
        headers: { ...bearer(p), ...headers },
        payload: payload as Buffer,
      });
    expect((await put({ text: '  ' })).statusCode).toBe(400);
    expect((await put({ text: '意见' }, {}, s.who.commander)).statusCode).toBe(403);
    const first = await put({ text: '专家委员会认为：减排措施落实基本到位，预报偏高。' });
    expect(first.statusCode).toBe(200);
    expect(first.json().opinion).toMatchObject({
      text: '专家委员会认为：减排措施落实基本到位，预报偏高。',
      document: null,
    });

    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(64)]);
    const form = multipart([
      { name: 'text', value: '专家委员会意见（签字版附后）。' },
      { name: 'document', filename: '专家意见.pdf', contentType: 'application/pdf', data: pdf },
    ]);
    const second = await put(form.payload, form.headers);
    expect(second.statusCode).toBe(200);
    expect(second.json().opinion.document).toEqual({
      fileName: '专家意见.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
    });

    const txt = multipart([
      { name: 'text', value: '意见' },
      { name: 'document', filename: 'a.txt', contentType: 'text/plain', data: Buffer.from('plain') },
    ]);
    expect((await put(txt.payload, txt.headers)).statusCode).toBe(415);

    const doc = await get(`/episodes/${E}/assessment/opinion/document`, s.who.leader);
    expect(doc.statusCode).toBe(200);
    expect(doc.headers['content-type']).toBe('application/pdf');
    expect(doc.rawPayload.equals(pdf)).toBe(true);

    // a text-only update keeps the document; the assessment shows both
    expect((await put({ text: '修订后的专家意见。' })).statusCode).toBe(200);
    const a = (await get(`/episodes/${E}/assessment`)).json();
    expect(a.opinion).toMatchObject({ text: '修订后的专家意见。', document: { fileName: '专家意见.pdf' } });
    expect((await put({ text: '不附文件。', dropDocument: true })).json().opinion.document).toBeNull();
    expect((await get(`/episodes/${E}/assessment/opinion/document`)).statusCode).toBe(404);
  });

  it('the expert committee: the office keeps its members; an opinion names who gave it, only active members', async () => {
    const call = (
      method: 'GET' | 'POST' | 'PUT',
      url: string,
      payload?: object,
      p: TestPrincipal = s.who.office,
    ) => s.app.inject({ method, url, headers: bearer(p), ...(payload ? { payload } : {}) });
    const wang = await call('POST', '/experts', {
      name: '王立新',
      organisation: '辽宁大学环境学院',
      specialty: '大气环境',
    });
    expect(wang.statusCode).toBe(201);
    const li = await call('POST', '/experts', {
      name: '李芳',
      organisation: '朝阳市气象台',
      specialty: '气象预报',
    });
    const zhao = await call('POST', '/experts', {
      name: '赵强',
      organisation: '朝阳市环境监测中心',
      specialty: '监测',
    });
    // a branch may not keep the committee; a name too long is refused naming the field
    expect(
      (await call('POST', '/experts', { name: '某', organisation: 'x', specialty: 'y' }, s.who.shuangta))
        .statusCode,
    ).toBe(403);
    const bad = await call('POST', '/experts', { name: '张'.repeat(51), organisation: 'x', specialty: 'y' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('body.name');
    // 赵强 retires
    const retired = await call('PUT', `/experts/${zhao.json().id}`, {
      ...zhao.json(),
      id: undefined,
      updatedAt: undefined,
      active: false,
    });
    expect(retired.statusCode, retired.body).toBe(200);
    const listed = (await call('GET', '/experts', undefined, s.who.leader)).json().items as Array<{
      name: string;
      active: boolean;
    }>;
    expect(
      listed.filter((m) => ['王立新', '李芳', '赵强'].includes(m.name)).map((m) => [m.name, m.active]),
    ).toEqual(
      expect.arrayContaining([
        ['王立新', true],
        ['李芳', true],
        ['赵强', false],
      ]),
    );
    const url = `/episodes/${E}/assessment/opinion`;
    const refused = await call('PUT', url, {
      text: '专家意见。',
      memberIds: [wang.json().id, zhao.json().id],
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0].path).toBe('body.memberIds');
    const before = (await call('GET', `/episodes/${E}/assessment`)).json().opinion;
    expect(before?.text).not.toBe('专家意见。'); // nothing stored by the refusal
    const signed = await call('PUT', url, {
      text: '专家委员会一致认为措施落实到位。',
      memberIds: [li.json().id, wang.json().id],
    });
    expect(signed.statusCode, signed.body).toBe(200);
    const a = (await call('GET', `/episodes/${E}/assessment`)).json();
    expect(a.opinion.members.map((m: { name: string }) => m.name)).toEqual(['李芳', '王立新']);
    expect(opinionText(a.opinion)).toBe(
      '专家委员会一致认为措施落实到位。（专家：李芳（朝阳市气象台）、王立新（辽宁大学环境学院））',
    );
    // the work summary test below reads the opinion as the test before left it
    expect((await call('PUT', url, { text: '不附文件。' })).json().opinion.members).toEqual([]);
  });

  it('the work summary prints the 成效评估 from the same figures', async () => {
    const activities = createActivities(logOnlyActivityDeps(s.ctx.pool));
    const request: DocumentRequest = {
      episodeId,
      kind: 'work-summary',
      key: 'final',
      planId: defaultPlan.id,
      planVersion: defaultPlan.version,
      jurisdiction: 'chaoyang',
      exercise: false,
      issuedAt: at(D2, '12'),
      overview: [],
      earlyResponseFrom: null,
      warnings: [
        { kind: 'issued', level: 'yellow', at: at(D, '08') },
        { kind: 'lifted', level: 'yellow', at: at(D2, '12') },
      ],
      decisions: [],
      duties: [],
      lateUnits: [],
      notices: [],
      electricityDays: [],
      forecast: [],
      liftedAt: at(D2, '12'),
    };
    const { documentId } = await activities.produceDocument(request);
    const html = (await getDocument(s.ctx.pool, documentId, 'html'))!.content.toString('utf8');
    const a = (await get(`/episodes/${E}/assessment`)).json();
    const plain = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    const [y, m, d] = D.split('-').map(Number);
    expect(plain).toContain('应对成效评估');
    // the process's AQI table shows the same observed days (and no longer says there are none)
    expect(plain).toContain(`共3天，其中2天已有实况（全天有效的日AQI，HJ 633）。`);
    expect(plain).toContain(`${y}年${m}月${d}日 220 ${a.days[0].observed}`);
    expect(plain).toContain(a.statement[0]);
    const err = 220 - a.days[0].observed;
    expect(plain).toContain(
      `${y}年${m}月${d}日 黄色预警 220 ${a.days[0].observed} ${err > 0 ? `+${err}` : err}`,
    );
    expect(plain).toMatch(/黄色预警 140 — —/);
    expect(plain).toContain('减排措施落实核实（耗电量）');
    expect(plain).toContain('合计 3 2 1 15.0% 11.7% 66.7%');
    expect(plain).toContain('北票市 2 1 1 5.0% 15.0% 0.0%');
    expect(plain).toContain('专家委员会意见：不附文件。');

    // a new opinion re-renders the drafted work summary in place
    const again = await s.app.inject({
      method: 'PUT',
      url: `/episodes/${E}/assessment/opinion`,
      headers: bearer(s.who.office),
      payload: { text: '复核后的专家意见。' },
    });
    expect(again.statusCode).toBe(200);
    const html2 = (await getDocument(s.ctx.pool, documentId, 'html'))!.content.toString('utf8');
    expect(html2).toContain('专家委员会意见：复核后的专家意见。');
  });
});
