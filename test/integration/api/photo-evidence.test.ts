/**
 * Photos as evidence through the HTTP API: the capture time and GPS of a photo's own EXIF, or what
 * the console's browser read before compressing it (`meta` part), stored with their source; a photo
 * taken on another day than the report day or far from a place is marked; retried uploads with one
 * Idempotency-Key store one photo; bad metadata is a 400 naming the field, storing nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JPEG_16x12, withExif } from '../../photo-exif.js';
import { apiSuite, bearer, multipart } from './api-helpers.js';

const s = apiSuite('photo-evidence-no-worker');

/** 朝阳市 city centre. */
const CITY = { lat: 41.5718, lon: 120.4508 };

function upload(data: Buffer, meta?: unknown, key?: string) {
  const body = multipart([
    ...(meta === undefined ? [] : [{ name: 'meta', value: JSON.stringify(meta) }]),
    { name: 'photo', filename: 'site.jpg', contentType: 'image/jpeg', data },
  ]);
  return s.app.inject({
    method: 'POST',
    url: '/photos',
    headers: { ...bearer(s.who.shuangta), ...body.headers, ...(key ? { 'idempotency-key': key } : {}) },
    payload: body.payload,
  });
}
const facts = (id: string, query = '', who = s.who.shuangta) =>
  s.app.inject({ method: 'GET', url: `/photos/${id}/facts${query}`, headers: bearer(who) });
const photoCount = async () =>
  (await s.ctx.pool.query('SELECT count(*)::int AS n FROM photos')).rows[0].n as number;

describe('a photo as evidence', () => {
  it("keeps the photo's own EXIF time (as CST) and GPS, and marks it against a day and a place", async () => {
    const jpeg = withExif(JPEG_16x12, {
      dateTimeOriginal: '2026:12:01 22:30:00',
      lat: 41.58,
      lon: 120.46,
      make: 'HUAWEI',
      model: 'Mate 60',
    });
    // what the browser says is ignored when the bytes speak for themselves
    const res = await upload(jpeg, {
      exif: [{ dateTimeOriginal: '2020:01:01 08:00:00', lat: 30, lon: 110 }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().photos[0].id;
    const f = await facts(id);
    expect(f.statusCode).toBe(200);
    expect(f.json()).toMatchObject({
      takenAt: '2026-12-01T22:30:00+08:00',
      camera: 'HUAWEI Mate 60',
      exifSource: 'file',
      width: 16,
      height: 12,
      marks: [],
    });
    // EXIF holds degrees, minutes and seconds as rationals: the position comes back to ~1e-9°
    expect(f.json().gps.lat).toBeCloseTo(41.58, 9);
    expect(f.json().gps.lon).toBeCloseTo(120.46, 9);
    // 22:30 CST on the 1st is the 1st, though UTC says 14:30: no mark for the report of the 1st
    expect((await facts(id, '?reportDate=2026-12-01')).json().marks).toEqual([]);
    expect((await facts(id, '?reportDate=2026-12-02')).json().marks).toEqual(['other-day']);
    // about 1.3 km from the city centre: near with a 2 km radius, far with the default 1 km
    const place = `lat=${CITY.lat}&lon=${CITY.lon}`;
    expect((await facts(id, `?${place}`)).json().marks).toEqual(['far']);
    expect((await facts(id, `?${place}&radiusMetres=2000`)).json().marks).toEqual([]);
    // the office reads it too; another unit may not
    expect((await facts(id, '', s.who.office)).statusCode).toBe(200);
    expect((await facts(id, '', s.who.enforcement)).statusCode).toBe(403);
  });

  it('a photo the browser compressed (no EXIF left) keeps what the browser read, marked as its source', async () => {
    const res = await upload(JPEG_16x12, {
      exif: [
        {
          dateTimeOriginal: '2026:12:02 09:05:00',
          offsetTimeOriginal: '+08:00',
          lat: 41.5718,
          lon: 120.4508,
          make: 'Xiaomi',
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const f = (
      await facts(res.json().photos[0].id, `?reportDate=2026-12-02&lat=${CITY.lat}&lon=${CITY.lon}`)
    ).json();
    expect(f).toMatchObject({
      takenAt: '2026-12-02T09:05:00+08:00',
      gps: CITY,
      camera: 'Xiaomi',
      exifSource: 'browser',
      marks: [],
    });
  });

  it('a photo that says nothing is marked as such when checked', async () => {
    const res = await upload(JPEG_16x12);
    const f = (
      await facts(res.json().photos[0].id, `?reportDate=2026-12-02&lat=${CITY.lat}&lon=${CITY.lon}`)
    ).json();
    expect(f).toMatchObject({
      takenAt: null,
      gps: null,
      exifSource: null,
      marks: ['no-time', 'no-location'],
    });
  });

  it('an upload retried with its Idempotency-Key (the connection dropped) stores one photo', async () => {
    const before = await photoCount();
    const key = `photo-${Date.now()}`;
    const meta = { exif: [{ dateTimeOriginal: '2026:12:02 09:05:00' }] };
    const first = await upload(JPEG_16x12, meta, key);
    const again = await upload(JPEG_16x12, meta, key);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().photos[0].id).toBe(first.json().photos[0].id);
    expect(await photoCount()).toBe(before + 1);
  });

  it('bad metadata or query is a 400 naming the field; nothing is stored', async () => {
    const before = await photoCount();
    const cases: Array<[unknown, string]> = [
      [{ exif: [{ lat: 91, lon: 120 }] }, 'lat'],
      [{ exif: [{ dateTimeOriginal: 'x'.repeat(41) }] }, 'dateTimeOriginal'],
      [{ exif: [{ colour: 'red' }] }, 'exif'],
      [{ exif: [{}, {}] }, 'exif'],
    ];
    for (const [meta, field] of cases) {
      const res = await upload(JPEG_16x12, meta);
      expect(res.statusCode, JSON.stringify(meta)).toBe(400);
      expect(res.body).toContain(field);
    }
    const id = (await upload(JPEG_16x12)).json().photos[0].id;
    for (const [q, field] of [
      ['?reportDate=2026-13-01', 'reportDate'],
      ['?lat=41.5', 'lon'],
      ['?lat=41.5&lon=200', 'lon'],
      ['?radiusMetres=0', 'radiusMetres'],
    ]) {
      const res = await facts(id, q);
      expect(res.statusCode, q).toBe(400);
      expect(res.body).toContain(field);
    }
    expect(await photoCount()).toBe(before + 1);
  });

  it('any metadata part never answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.jsonValue(), fc.record({ exif: fc.array(fc.jsonValue(), { maxLength: 3 }) })),
        async (meta) => {
          const res = await upload(JPEG_16x12, meta);
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
  });
});
