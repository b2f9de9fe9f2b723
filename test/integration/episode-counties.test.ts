/**
 * A county episode under its own plan beside a city one (二.2), on the time-skipping server, started
 * at 16:59: the county's commander decides it and nobody else, its branch consults it, and its
 * duties, reports, reminders, documents and recipients stay in the county while the city's episode
 * runs as before. Asserts what each message says and to whom it goes.
 */
import { describe, expect, it } from 'vitest';
import { atCst, cstDate, nextDate, planForJurisdiction } from '../../src/domain/index.js';
import {
  type Principal,
  consultUpdate,
  decideUpdate,
  submitReportUpdate,
  submitSummaryUpdate,
} from '../../src/workflows/definitions.js';
import {
  CITY_REPORTING_UNITS,
  commander,
  episodeInput,
  goodReport,
  nextCst,
  office,
  runScenario,
  signOff,
  saveGoldenHistory,
  skipTo,
  startEpisode,
  timeSkippingSuite,
  unitPrincipal,
  viewOf,
} from '../episode-harness.js';
import { deliveredAtLeast, deliveries, loggedEvents, rejected } from '../episode-records.js';

const s = timeSkippingSuite();

const beipiaoPlan = planForJurisdiction('beipiao');
const beipiaoCommander: Principal = { id: 'beipiao-commander', role: 'commander', unit: 'beipiao.commander' };
const beipiaoBranch = unitPrincipal('branch.beipiao');
const recipients = (rows: Array<{ recipient_id: string }>) =>
  [...new Set(rows.map((r) => r.recipient_id))].sort();
const dayWords = (day: string) =>
  `${Number(day.slice(0, 4))}年${Number(day.slice(5, 7))}月${Number(day.slice(8))}日`;

describe('a county episode beside a city one', () => {
  it('runs under the county’s plan: its commander, its branch, its units and recipients only', async () => {
    await runScenario(s.env, s.pool, async (taskQueue) => {
      await skipTo(s.env, await nextCst(s.env, '16:59'));
      const day1 = cstDate(await s.env.currentTimeMs());
      const forecast = [0, 1].map((i) => ({ date: nextDate(day1, i), aqi: 230 }));
      const city = await startEpisode(s.env, taskQueue, episodeInput({ forecast }));
      const county = await startEpisode(
        s.env,
        taskQueue,
        episodeInput({
          episodeId: `episode:beipiao:${day1}:${Date.now().toString(36)}`,
          jurisdiction: 'beipiao',
          planId: beipiaoPlan.id,
          planVersion: beipiaoPlan.version,
          initiator: beipiaoBranch,
          forecast,
        }),
      );
      const countyId = county.workflowId;

      // the county's proposal goes to the county's commander, in words
      const proposal = await deliveredAtLeast(s.pool, countyId, 'proposal:P1');
      expect(recipients(proposal)).toEqual(['beipiao.commander']);
      expect(proposal[0]!.body).toMatch(/^指挥长：经\d{4}年\d{1,2}月\d{1,2}日16时59分会商研判/);
      const pending = (await viewOf(county)).pendingProposal!;
      expect(pending.kind).toBe('start');

      // only the county's commander decides the county's episode, and not the city's
      const approve = (who: Principal, proposalId: string) => ({
        actor: who,
        decision: 'approve' as const,
        proposalId,
      });
      const byCity = await rejected(
        county.executeUpdate(decideUpdate, { args: [approve(commander, pending.proposalId)] }),
      );
      expect(byCity).toMatchObject({ type: 'FORBIDDEN' });
      expect(byCity.message).toContain('北票市重污染天气应急指挥部指挥长');
      const cityPending = (await viewOf(city)).pendingProposal!;
      expect(
        await rejected(
          city.executeUpdate(decideUpdate, { args: [approve(beipiaoCommander, cityPending.proposalId)] }),
        ),
      ).toMatchObject({ type: 'FORBIDDEN' });
      await county.executeUpdate(decideUpdate, { args: [approve(beipiaoCommander, pending.proposalId)] });
      await city.executeUpdate(decideUpdate, { args: [approve(commander, cityPending.proposalId)] });

      // the county's branch consults its county, not the city nor another county's branch
      const consultation = (actor: Principal) => ({ actor, forecast });
      expect(
        await rejected(city.executeUpdate(consultUpdate, { args: [consultation(beipiaoBranch)] })),
      ).toMatchObject({ type: 'FORBIDDEN' });
      expect(
        await rejected(
          county.executeUpdate(consultUpdate, { args: [consultation(unitPrincipal('branch.jianping'))] }),
        ),
      ).toMatchObject({ type: 'FORBIDDEN' });
      await county.executeUpdate(consultUpdate, { args: [consultation(beipiaoBranch)] });
      await county.executeUpdate(consultUpdate, { args: [consultation(office)] }); // the city's office may too

      // the warning: the county's own units are told, in the county's name; partners of the county's plan
      const issued = await deliveredAtLeast(s.pool, countyId, 'warning-issued:%', 2);
      expect(recipients(issued)).toEqual(['beipiao.director', 'branch.beipiao']);
      expect(issued[0]!.body).toContain(`北票市自${dayWords(day1)}16时59分起启动重污染天气`);
      expect(issued[0]!.body).toContain('《北票市重污染天气应急响应实施方案》');
      const partners = await deliveredAtLeast(s.pool, countyId, 'partners:%', 2);
      expect(recipients(partners)).toEqual(['power-company', 'traffic-police']);
      expect(partners.find((p) => p.recipient_id === 'traffic-police')!.body).toContain(
        '《北票市重污染天气应急预案》',
      );
      // the city's warning goes to every branch (its rows arrive one by one: wait for the one looked for)
      await expect
        .poll(async () => recipients(await deliveries(s.pool, city.workflowId, 'warning-issued:%')), {
          timeout: 15_000,
        })
        .toContain('branch.jianping');
      const cityIssued = await deliveredAtLeast(s.pool, city.workflowId, 'warning-issued:%', 10);
      expect(recipients(cityIssued)).not.toContain('beipiao.director');

      // duties of the county: its branch only (no other branch, no city enforcement team)
      const countyView = await viewOf(county);
      const dutyUnits = new Set(countyView.duties.map((x) => x.unitId));
      expect([...dutyUnits].sort()).toEqual(['branch.beipiao']);

      // day 2, 17:00: the county chases its branch only; the city chases its eight units
      const day2 = nextDate(day1, 1);
      await skipTo(s.env, atCst(day2, '17:01'));
      const countyOverdue = await loggedEvents(s.env.client, s.pool, countyId, 'report.overdue');
      expect(countyOverdue.map((e) => e.payload.unitId)).toEqual(['branch.beipiao']);
      const cityOverdue = await loggedEvents(s.env.client, s.pool, city.workflowId, 'report.overdue');
      expect(cityOverdue.map((e) => e.payload.unitId).sort()).toEqual([...CITY_REPORTING_UNITS].sort());

      // +1 h: the branch's head, named so; then the branch reports late
      await skipTo(s.env, atCst(day2, '18:01'));
      const director = await deliveredAtLeast(s.pool, countyId, 'escalation:2:branch.beipiao:2');
      expect(recipients(director)).toEqual(['beipiao.director']);
      expect(director[0]!.body).toMatch(/^北票分局主要负责同志：北票分局未按时报送/);
      await county.executeUpdate(submitReportUpdate, {
        args: [
          {
            actor: beipiaoBranch,
            unitId: 'branch.beipiao',
            responseDay: 2,
            reportId: 'bp-d2',
            fields: goodReport(),
          },
        ],
      });

      // the daily response report of the county goes to the branch's head, addressed so
      await skipTo(s.env, atCst(day2, '20:01'));
      const daily = await deliveredAtLeast(s.pool, countyId, 'daily-report:2');
      expect(recipients(daily)).toEqual(['beipiao.director']);
      expect(daily[0]!.body).toMatch(/^北票分局主要负责同志：第2天（.+）应报送单位1个，已报送1个/);
      expect(await deliveries(s.pool, countyId, 'notice:%')).toEqual([]);

      // the county's commander lifts; the branch's summary; the work summary to the county government
      // and the city command office, in the branch's name
      await skipTo(s.env, atCst(nextDate(day1, 2), '09:00'));
      await county.executeUpdate(decideUpdate, { args: [{ actor: beipiaoCommander, decision: 'lift' }] });
      await county.executeUpdate(submitSummaryUpdate, {
        args: [
          { actor: beipiaoBranch, unitId: 'branch.beipiao', summaryId: 'bp-s', text: '北票分局工作总结。' },
        ],
      });
      const day3 = nextDate(day1, 2);
      const lifted = await deliveredAtLeast(s.pool, countyId, 'warning-lifted', 2);
      expect(lifted[0]!.body).toContain(
        `北票市自${dayWords(day3)}9时起解除重污染天气橙色预警，终止Ⅱ级应急响应。请各报送单位于${dayWords(nextDate(day3, 1)).slice(5)}10时前报送`,
      );
      const publicLift = (await deliveredAtLeast(s.pool, countyId, 'public:%', 2)).at(-1)!;
      expect(publicLift.title).toBe('北票市重污染天气橙色预警解除');
      expect(publicLift.body).toContain(`自${dayWords(day3)}9时起解除重污染天气橙色预警，终止Ⅱ级应急响应`);
      expect(publicLift.body).not.toContain('启动');
      // the county's work summary waits for its branch's 签发, not the city office's commander
      const final = await signOff(s.env, county, beipiaoBranch, '李明');
      expect(final.closeReason).toBe('lifted');
      const summary = await deliveredAtLeast(s.pool, countyId, 'work-summary', 2);
      expect(recipients(summary)).toEqual(['beipiao.gov', 'office']);
      expect(summary[0]!.body).toMatch(
        /^北票市人民政府、市重污染天气专项应急指挥部办公室：北票市本次重污染天气过程/,
      );
      expect(summary[0]!.body).toContain('（北票分局）');
      // nothing of the county reached a unit outside it
      const all = await deliveries(s.pool, countyId, '%');
      const countyUnits = new Set(beipiaoPlan.units.map((u) => u.id));
      expect(all.filter((x) => !countyUnits.has(x.recipient_id))).toEqual([]);
      expect(
        all.some((x) => /branch\.(?!beipiao)/.test(x.recipient_id) || x.recipient_id === 'enforcement'),
      ).toBe(false);
      await saveGoldenHistory(county, 'county-beside-city');
    });
  });
});
