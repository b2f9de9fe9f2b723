/**
 * The hourly import tells the open episodes what was observed (#14.3), through HTTP with a real
 * worker on the dev server: a county episode of today sees its own stations' rolling 24-h AQI in its
 * view, equal to what /air-quality/rolling computes from the stored hours.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cstDate, nextDate, startOfCstDay } from '../../../src/domain/index.js';
import { withWorker } from '../../helpers.js';
import { bearer, contextSuite, multipart, testApp } from './api-helpers.js';

const s = contextSuite();

const HOUR = 3_600_000;
const hh = (n: number) => String(n).padStart(2, '0');

describe('the observation feed', () => {
  it('an hourly import reaches the open county episode of today, with the value the standard computes', async () => {
    await withWorker(s.ctx, async (taskQueue) => {
      const app = await testApp(s.ctx, taskQueue);
      const upload = (url: string, name: string, csv: string) => {
        const form = multipart([
          { name: 'file', filename: name, contentType: 'text/csv', data: Buffer.from(csv) },
        ]);
        return app.inject({
          method: 'POST',
          url,
          headers: { ...bearer(s.who.office), ...form.headers },
          payload: form.payload,
        });
      };
      const today = cstDate(Date.now());
      const started = await app.inject({
        method: 'POST',
        url: '/episodes',
        headers: bearer(s.who.office),
        payload: {
          jurisdiction: 'kazuo',
          date: today,
          forecast: [
            { date: today, aqi: 120 },
            { date: nextDate(today), aqi: 90 },
          ],
        },
      });
      expect(started.statusCode).toBe(202);
      const episode = started.headers.location as string;
      const view = async () =>
        (await app.inject({ method: 'GET', url: episode, headers: bearer(s.who.office) })).json();
      await expect.poll(async () => (await view()).phase, { timeout: 15_000 }).toBeDefined();

      const t = randomBytes(3).toString('hex').toUpperCase();
      const code = `K${t}`;
      const stations = ['站点编码,站点名称,所属区县,站点类型', `${code},喀左站${t},kazuo,省控`].join('\n');
      expect((await upload('/air-stations/import', 'stations.csv', stations)).statusCode).toBe(200);

      // the 24 hours ending at the last whole hour, as the centre exports them (labelled by the hour's end)
      const lastEnd = Math.floor(Date.now() / HOUR) * HOUR;
      const rows: string[] = [];
      for (let end = lastEnd - 23 * HOUR; end <= lastEnd; end += HOUR) {
        const hour = (end - startOfCstDay(end)) / HOUR;
        const label = hour === 0 ? `${cstDate(end - HOUR)} 24:00` : `${cstDate(end)} ${hh(hour)}:00`;
        rows.push(`${code},喀左站${t},${label},70,90,10,30,0.6,40`);
      }
      const hourly = await upload(
        '/air-quality/hourly/import',
        'hours.csv',
        ['站点编码,站点名称,时间,PM2.5,PM10,SO2,NO2,CO,O3', ...rows].join('\n'),
      );
      expect(hourly.statusCode, hourly.body).toBe(200);

      const at = new Date(lastEnd).toISOString();
      const rolling = await app.inject({
        method: 'GET',
        url: `/air-quality/rolling?jurisdiction=kazuo&at=${encodeURIComponent(at)}`,
        headers: bearer(s.who.office),
      });
      const expected = rolling.json().value.aqi;
      expect(expected).toBeGreaterThan(0);
      await expect
        .poll(async () => (await view()).latestObservation, { timeout: 20_000 })
        .toEqual({ hourEnd: rolling.json().hourEnd, aqi: expected });
    });
  });
});
