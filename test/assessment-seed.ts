/**
 * A finished 3-day yellow episode of the city with everything its assessment reads, stored through the
 * real projection activity and the HTTP imports: two consultations, duties (one report, one overdue),
 * a follow-up, two national stations with two whole days and a short one, and three enterprises'
 * verdicts on two days. Unique dates and ids (so other tests' data never mixes in); `cleanup` removes
 * the enterprises and verdicts (the reduction list is shared by the run).
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { expect } from 'vitest';
import { logOnlyActivityDeps } from '../src/activities/deps.js';
import { createActivities } from '../src/activities/index.js';
import type { App } from '../src/api/app.js';
import type { EpisodeView } from '../src/contracts/index.js';
import { type EpisodeEvent, defaultPlan, nextDate } from '../src/domain/index.js';
import { bearer, multipart, uniqueDate } from './integration/api/api-helpers.js';

export interface SeededEpisode {
  t: string;
  D: string;
  D1: string;
  D2: string;
  episodeId: string;
  enterpriseIds: string[];
  at(date: string, hh: string): string;
  cleanup(): Promise<void>;
}

/** `hours` rows of a station for CST `date` (labelled by the end of the hour), PM2.5 as given. */
function rows(code: string, date: string, pm25: number, hours = 24) {
  return Array.from(
    { length: hours },
    (_, h) => `${code},站,${date} ${String(h + 1).padStart(2, '0')}:00,${pm25},40,10,30,0.5,60`,
  );
}

export async function seedAssessedEpisode(ctx: {
  pool: pg.Pool;
  app: App;
  office: { token: string };
}): Promise<SeededEpisode> {
  const s = { ctx: { pool: ctx.pool } };
  const t = randomBytes(3).toString('hex').toUpperCase();
  const D = uniqueDate();
  const D1 = nextDate(D);
  const D2 = nextDate(D, 2);
  const episodeId = `episode:chaoyang:${D}:${Math.floor(Math.random() * 90) + 10}`;
  const enterpriseIds = [`ev-${t}-1`, `ev-${t}-2`, `ev-${t}-3`];
  const upload = (url: string, fileName: string, data: Buffer) => {
    const form = multipart([{ name: 'file', filename: fileName, contentType: 'text/csv', data }]);
    return ctx.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(ctx.office), ...form.headers },
      payload: form.payload,
    });
  };
  const at = (date: string, hh: string) => `${date}T${hh}:00:00+08:00`;
  const events: EpisodeEvent[] = [
    {
      type: 'episode.started',
      at: at(nextDate(D, -1), '15'),
      actor: 'system',
      episodeId,
      jurisdiction: 'chaoyang',
      planId: defaultPlan.id,
      planVersion: defaultPlan.version,
      exercise: false,
      initiator: 'office',
      origin: 'consultation',
    },
    {
      type: 'consultation.recorded',
      at: at(nextDate(D, -1), '16'),
      actor: 'system',
      consultationId: 'c1',
      days: [
        { date: D, aqi: 220 },
        { date: D1, aqi: 180 },
        { date: D2, aqi: 160 },
      ],
      classification: { level: 'yellow', response: 'III', reasons: [] },
    },
    {
      type: 'warning.issued',
      at: at(D, '08'),
      actor: 'system',
      warningId: 'w1',
      level: 'yellow',
      response: 'III',
      firstDay: D,
    },
    {
      type: 'duty.assigned',
      at: at(D, '08'),
      actor: 'system',
      dutyId: '3.1',
      unitId: 'branch.shuangta',
      responseDay: 1,
      dueAt: at(D, '17'),
    },
    {
      type: 'duty.assigned',
      at: at(D, '08'),
      actor: 'system',
      dutyId: '3.1',
      unitId: 'branch.beipiao',
      responseDay: 1,
      dueAt: at(D, '17'),
    },
    {
      type: 'report.submitted',
      at: at(D, '16'),
      actor: 'system',
      unitId: 'branch.shuangta',
      responseDay: 1,
      reportId: 'r1',
      late: false,
      replaced: false,
    },
    {
      type: 'report.overdue',
      at: at(D, '17'),
      actor: 'system',
      unitId: 'branch.beipiao',
      responseDay: 1,
      dueAt: at(D, '17'),
    },
    {
      type: 'consultation.recorded',
      at: at(D1, '09'),
      actor: 'system',
      consultationId: 'c2',
      days: [
        { date: D1, aqi: 190 },
        { date: D2, aqi: 140 },
      ],
      classification: { level: 'none', response: null, reasons: [] },
    },
    {
      type: 'enforcement.followup',
      at: at(D1, '18'),
      actor: 'system',
      enterpriseId: enterpriseIds[1]!,
      unitId: 'branch.beipiao',
      action: 'inspection',
    },
    { type: 'warning.lifted', at: at(D2, '12'), actor: 'system', level: 'yellow', response: 'III' },
  ];

  const activities = createActivities(logOnlyActivityDeps(s.ctx.pool));
  const view = {
    episodeId,
    jurisdiction: 'chaoyang',
    phase: 'lifting',
    level: 'none',
    response: null,
    exercise: false,
    planId: defaultPlan.id,
    planVersion: defaultPlan.version,
    startedAt: events[0]!.at,
    closedAt: null,
  } as unknown as EpisodeView;
  await activities.recordEvents({
    episodeId,
    events: events.map((event, i) => ({ seq: i + 1, event })),
    view,
    summary: { phase: 'lifting', level: 'none', response: null, closedAt: null },
  });

  // two national stations in 双塔区: D and D+1 whole days; D+2 only 10 hours (not a valid day)
  const st = [
    '站点编码,站点名称,所属区县,站点类型',
    `P${t},评估站甲${t},双塔区,国控`,
    `Q${t},评估站乙${t},双塔区,国控`,
  ];
  expect((await upload('/air-stations/import', 's.csv', Buffer.from(st.join('\n')))).statusCode).toBe(200);
  const csv = [
    '站点编码,站点名称,时间,PM2.5,PM10,SO2,NO2,CO,O3',
    ...rows(`P${t}`, D, 200),
    ...rows(`Q${t}`, D, 160),
    ...rows(`P${t}`, D1, 120),
    ...rows(`Q${t}`, D1, 100),
    ...rows(`P${t}`, D2, 50, 10),
  ];
  const imp = await upload('/air-quality/hourly/import', 'h.csv', Buffer.from(csv.join('\n')));
  expect(imp.statusCode).toBe(200);

  // the reduction list and two assessed days: e1 cut 25 % and 15 % (required 10 %), e2 5 % (required 15 %), e3 no data
  await s.ctx.pool.query(
    `INSERT INTO enterprises (id, name, uscc, county, industry, grade, grade_label)
     VALUES ($1, '甲水泥', $4, 'shuangta', '水泥', 'B', 'B'), ($2, '乙钢铁', $5, 'beipiao', '钢铁', 'C', 'C'),
            ($3, '丙焦化', $6, 'beipiao', '焦化', 'B', 'B')`,
    [...enterpriseIds, `U${t}1`, `U${t}2`, `U${t}3`],
  );
  for (const day of [D, D1]) {
    await s.ctx.pool.query(
      `INSERT INTO electricity_assessments (episode_id, day, level, counts, summary) VALUES ($1, $2, 'yellow', '{}', '{}')`,
      [episodeId, day],
    );
  }
  const v = (day: string, id: string, verdict: string, cut: number | null, required: number) =>
    s.ctx.pool.query(
      `INSERT INTO electricity_verdicts (episode_id, day, enterprise_id, verdict, reason, baseline, consumption, cut, required, days_used)
       VALUES ($1, $2, $3, $4, 'x', 100, 80, $5, $6, 30)`,
      [episodeId, day, id, verdict, cut, required],
    );
  await v(D, enterpriseIds[0]!, 'compliant', 0.25, 0.1);
  await v(D1, enterpriseIds[0]!, 'compliant', 0.15, 0.1);
  await v(D, enterpriseIds[1]!, 'non-compliant', 0.05, 0.15);
  await v(D1, enterpriseIds[1]!, 'insufficient-data', null, 0.15);
  await v(D, enterpriseIds[2]!, 'insufficient-data', null, 0.1);
  await v(D1, enterpriseIds[2]!, 'insufficient-data', null, 0.1);

  return {
    t,
    D,
    D1,
    D2,
    episodeId,
    enterpriseIds,
    at,
    async cleanup() {
      await ctx.pool.query('DELETE FROM electricity_assessments WHERE episode_id = $1', [episodeId]);
      await ctx.pool.query('DELETE FROM enterprises WHERE id = ANY($1)', [enterpriseIds]);
    },
  };
}
