/**
 * Observed air quality drives the episode (#14.3), on the time-skipping server with real PostgreSQL:
 * hourly station data stored, the observation feed workflow run as the hourly import runs it, and
 * what the commander and the office are told checked word for word against the values computed
 * from the stored hours. Starts at awkward moments: a warning ordered at 21:00, data across midnight.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type HourlyRow, jurisdictionDailyAqi, upsertHourly } from '../../src/adapters/air-quality/index.js';
import { atCst, cstDate, defaultPlan, nextDate, planForJurisdiction } from '../../src/domain/index.js';
import { decideUpdate, observedSignal } from '../../src/workflows/definitions.js';
import { observationFeedWorkflow } from '../../src/workflows/observation-feed.js';
import {
  approvePending,
  commander,
  consult,
  episodeInput,
  forecast,
  nextCst,
  runScenario,
  saveGoldenHistory,
  skipTo,
  startEpisode,
  timeSkippingSuite,
  viewOf,
} from '../episode-harness.js';
import { deliveredAtLeast, deliveries } from '../episode-records.js';

const s = timeSkippingSuite();
const HOUR = 3_600_000;
// A year ahead of today: the national stations' hours this file stores are then on dates no other
// test file reads (the golden documents play back a city episode of 2026-12-02…05).
beforeAll(async () => {
  await s.env.sleep(400 * 24 * HOUR);
});

async function station(jurisdiction: string, kind: 'national' | 'provincial'): Promise<string> {
  const code = `OBS${randomBytes(3).toString('hex').toUpperCase()}`;
  await s.pool.query('INSERT INTO aq_stations (code, name, jurisdiction, kind) VALUES ($1, $2, $3, $4)', [
    code,
    `测试站${code}`,
    jurisdiction,
    kind,
  ]);
  return code;
}

/** Hours [fromMs, toMs) of one station with PM2.5 `pm25` (the other pollutants low), stored as an import stores them. */
async function hours(code: string, fromMs: number, toMs: number, pm25: number): Promise<void> {
  const rows: HourlyRow[] = [];
  for (let t = fromMs; t < toMs; t += HOUR)
    rows.push({ code, hourStart: t, values: { pm25, pm10: pm25 * 1.2, so2: 10, no2: 30, co: 0.6, o3: 40 } });
  await upsertHourly(s.pool, rows, 'csv:test');
}

/**
 * Runs the feed over [fromMs, toMs) as the hourly import does, and waits for it to complete — by
 * polling, not by `result()`, which on this server lets the clock run while it waits.
 */
async function feed(taskQueue: string, fromMs: number, toMs: number): Promise<void> {
  const handle = await s.env.client.workflow.start(observationFeedWorkflow, {
    taskQueue,
    workflowId: `air-feed:test:${randomBytes(4).toString('hex')}`,
    args: [{ fromMs, toMs }],
  });
  await expect
    .poll(async () => (await handle.describe()).status.name, { timeout: 15_000, interval: 50 })
    .toBe('COMPLETED');
}

const hourStart = (ms: number) => Math.floor(ms / HOUR) * HOUR;

describe('observed air quality in an episode', () => {
  it('a warning ordered at 21:00: no lift while the air is still bad, a lift proposed once it is below and the forecast stays so, then lifted', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const code = await station('shuangta', 'national'); // a national station: the city's value
      await skipTo(s.env, await nextCst(s.env, '21:00'));
      const day1 = cstDate(await s.env.currentTimeMs());
      const handle = await startEpisode(
        s.env,
        taskQueue,
        episodeInput({ forecast: forecast(day1, [210, 180, 95, 80]) }),
      );
      await approvePending(handle); // yellow, ordered at 21:00
      expect((await viewOf(handle)).level).toBe('yellow');

      // day 2, 12:00: the morning's hours are bad (PM2.5 180) — below-threshold forecast ahead, but the air is not
      const day2 = nextDate(day1);
      await skipTo(s.env, atCst(day2, '12:00'));
      await hours(code, atCst(day1, '00:00'), atCst(day2, '12:00'), 180);
      await feed(taskQueue, atCst(day1, '00:00'), atCst(day2, '12:00'));
      let view = await viewOf(handle);
      expect(view.latestObservation?.aqi).toBeGreaterThan(150);
      expect(view.pendingProposal).toBeNull();
      expect(view.processDays?.find((d) => d.date === day1)).toMatchObject({
        forecast: 210,
        observedComplete: true,
      });

      // day 3, 08:00: the air has cleared since day 2 noon (PM2.5 30); the forecast from day 3 is 95, 80
      const day3 = nextDate(day2);
      await skipTo(s.env, atCst(day3, '08:00'));
      await hours(code, atCst(day2, '12:00'), atCst(day3, '08:00'), 30);
      await feed(taskQueue, atCst(day2, '12:00'), atCst(day3, '08:00'));
      view = await viewOf(handle);
      expect(view.pendingProposal).toMatchObject({ kind: 'lift', level: 'none' });
      const rolling = view.latestObservation!;
      expect(rolling.hourEnd).toBe(`${day3}T08:00:00+08:00`);
      expect(rolling.aqi).toBeLessThanOrEqual(150);
      // the day already lived shows its observed value beside its forecast, as stored
      const [stored] = await jurisdictionDailyAqi(s.pool, defaultPlan, 'chaoyang', day2, day2);
      expect(view.processDays?.find((d) => d.date === day2)).toEqual({
        date: day2,
        forecast: 180,
        observed: stored!.value.aqi,
        observedComplete: true,
      });

      const [asked] = await deliveredAtLeast(
        s.pool,
        handle.workflowId,
        `proposal:${view.pendingProposal!.proposalId}`,
      );
      expect(asked).toMatchObject({ recipient_id: 'commander', title: '关于解除黄色预警的请示' });
      const [y, m, d] = day3.split('-').map(Number);
      expect(asked!.body).toContain(
        `指挥长：据空气质量实况监测，${y}年${m}月${d}日8时前24小时滑动平均AQI为${rolling.aqi}，已低于黄色预警启动条件（AQI>150）`,
      );
      expect(asked!.body).toContain(`${m}月${d}日AQI约95（良）`);
      expect(asked!.body).toContain('解除黄色预警：预报空气质量将低于黄色预警启动条件，且将持续36小时及以上');
      expect(asked!.body).not.toContain('会商研判，'); // not worded as if a consultation had found it

      // the same hours again: nothing new, no second proposal
      await feed(taskQueue, atCst(day2, '12:00'), atCst(day3, '08:00'));
      expect((await viewOf(handle)).pendingProposal?.proposalId).toBe(view.pendingProposal!.proposalId);

      // the commander lifts: the warning ends by his order, never by itself
      const lifted = await handle.executeUpdate(decideUpdate, {
        args: [{ actor: commander, decision: 'approve', proposalId: view.pendingProposal!.proposalId }],
      });
      expect(lifted.level).toBe('none');
      expect(lifted.liftedAt).not.toBeNull();
      await saveGoldenHistory(handle, 'observed-air-lifts');
    });
  });

  it('across midnight: a day observed worse than forecast prompts the office to consult; the county beside it is not prompted', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      const city = await station('longcheng', 'national');
      const county = await station('beipiao', 'provincial');
      await skipTo(s.env, await nextCst(s.env, '16:59'));
      const day1 = cstDate(await s.env.currentTimeMs());
      // the forecast: light pollution (early response proposed, no warning)
      const cityEp = await startEpisode(
        s.env,
        taskQueue,
        episodeInput({ forecast: forecast(day1, [130, 160, 140]) }),
      );
      const countyEp = await startEpisode(
        s.env,
        taskQueue,
        episodeInput({
          episodeId: `episode:beipiao:test-${randomBytes(3).toString('hex')}`,
          jurisdiction: 'beipiao',
          planId: planForJurisdiction('beipiao').id,
          planVersion: planForJurisdiction('beipiao').version,
          forecast: forecast(day1, [130, 160, 140]),
        }),
      );
      // day 1 observed: the city heavily polluted (PM2.5 190), the county as forecast (PM2.5 95)
      await skipTo(s.env, atCst(nextDate(day1), '00:30'));
      const from = atCst(day1, '00:00');
      const to = hourStart(atCst(nextDate(day1), '00:00'));
      await hours(city, from, to, 190);
      await hours(county, from, to, 95);
      await feed(taskQueue, from, to);

      const [stored] = await jurisdictionDailyAqi(s.pool, defaultPlan, 'chaoyang', day1, day1);
      const observed = stored!.value;
      expect(observed.complete).toBe(true);
      expect(observed.aqi).toBeGreaterThan(200);
      const [told] = await deliveredAtLeast(s.pool, cityEp.workflowId, `observation:${day1}:worse`);
      const [, m, d] = day1.split('-').map(Number);
      expect(told).toMatchObject({ recipient_id: 'office', title: '空气质量实况较预报偏重，请加密会商' });
      expect(told!.body).toBe(
        `专班办公室：${m}月${d}日实况日AQI为${observed.aqi}（${observed.category}），会商预报为130（轻度污染），` +
          '按实况与预报研判已达到黄色预警启动条件。请组织加密会商，研判是否需要调整预警级别及应对措施。',
      );
      const view = await viewOf(cityEp);
      expect(view.worseThanForecast).toHaveLength(1);
      expect(view.worseThanForecast![0]).toMatchObject({
        date: day1,
        observed: observed.aqi,
        reaches: 'yellow',
      });

      // the county: observed as forecast, nobody prompted
      const countyView = await viewOf(countyEp);
      expect(countyView.processDays?.find((x) => x.date === day1)?.observedComplete).toBe(true);
      expect(countyView.worseThanForecast, JSON.stringify(countyView.worseThanForecast)).toEqual([]);
      expect(await deliveries(s.pool, countyEp.workflowId, 'observation:%')).toEqual([]);

      // told once: the same day again prompts nobody a second time
      await feed(taskQueue, from, to);
      expect(await deliveries(s.pool, cityEp.workflowId, 'observation:%')).toHaveLength(1);

      // the office consults again: the new forecast, judged with the day lived, proposes the warning
      const again = await consult(cityEp, forecast(nextDate(day1), [190, 170]));
      expect(again.proposal).toMatchObject({ kind: 'start', level: 'yellow' });
      await saveGoldenHistory(cityEp, 'observed-worse-than-forecast');
    });
  });

  it('a signal with malformed days changes nothing and the episode keeps running', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      await skipTo(s.env, await nextCst(s.env, '23:59'));
      const day1 = cstDate(await s.env.currentTimeMs());
      const handle = await startEpisode(
        s.env,
        taskQueue,
        episodeInput({ forecast: forecast(day1, [210, 180]) }),
      );
      const before = (await viewOf(handle)).eventCount;
      await handle.signal(observedSignal, {
        days: [
          // biome-ignore lint/suspicious/noExplicitAny: the attack: what no typed client would send
          { date: 'yesterday', aqi: -5, primaryPollutants: 'PM2.5', complete: 'yes' } as any,
        ],
        latest: { hourEnd: 'not a time', aqi: 90 },
      });
      await s.env.sleep(1000);
      const after = await viewOf(handle);
      expect(after.eventCount).toBe(before);
      expect(after.latestObservation).toBeNull();
      expect(after.pendingProposal).toMatchObject({ kind: 'start', level: 'yellow' });
    });
  });
});
