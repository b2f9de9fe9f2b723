/**
 * An inspection's photos as evidence (#15.7 with #18.2's coordinates), through HTTP: a photo taken at
 * the enterprise on the day is clean; one taken 3 km away is marked far, one taken the day before
 * other-day, one without EXIF says neither time nor place — against the enterprise's coordinates in
 * the reduction list and the inspection's day.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { cstDate, nextDate } from '../../../src/domain/index.js';
import { JPEG_16x12, withExif } from '../../photo-exif.js';
import { bearer, contextSuite, multipart, testApp } from './api-helpers.js';

const s = contextSuite();
const ENTERPRISE = `ev-${randomBytes(3).toString('hex')}`;
const AT = { lat: 41.5734, lon: 120.4502 };

beforeAll(async () => {
  await s.ctx.pool.query(
    `INSERT INTO enterprises (id, name, uscc, county, grade, grade_label, key_enterprise, measures, latitude, longitude)
     VALUES ($1, '双塔区佳和建材有限公司', $1, 'shuangta', 'C', 'C', true, '{}', $2, $3)`,
    [ENTERPRISE, AT.lat, AT.lon],
  );
});

/** EXIF 'YYYY:MM:DD HH:MM:SS' of a CST date at 10:15. */
const exifTime = (date: string) => `${date.replace(/-/g, ':')} 10:15:30`;

describe('photos of an inspection as evidence', () => {
  it('marks a photo taken far from the enterprise, one of another day, and one that says neither', async () => {
    const app = await testApp(s.ctx, 'inspection-evidence-no-worker');
    const today = cstDate(Date.now());
    const photo = async (name: string, data: Buffer) => {
      const form = multipart([{ name: 'photo', filename: name, contentType: 'image/jpeg', data }]);
      const res = await app.inject({
        method: 'POST',
        url: '/photos',
        headers: { ...bearer(s.who.shuangta), ...form.headers },
        payload: form.payload,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().photos[0].id as string;
    };
    const near = await photo('near.jpg', withExif(JPEG_16x12, { dateTimeOriginal: exifTime(today), ...AT }));
    // about 3 km north
    const far = await photo(
      'far.jpg',
      withExif(JPEG_16x12, { dateTimeOriginal: exifTime(today), lat: AT.lat + 0.027, lon: AT.lon }),
    );
    const yesterday = await photo(
      'old.jpg',
      withExif(JPEG_16x12, { dateTimeOriginal: exifTime(nextDate(today, -1)), ...AT }),
    );
    const bare = await photo('bare.jpg', JPEG_16x12);
    const recorded = await app.inject({
      method: 'POST',
      url: '/field/inspections',
      headers: { ...bearer(s.who.shuangta), 'idempotency-key': randomBytes(8).toString('hex') },
      payload: {
        enterpriseId: ENTERPRISE,
        officer: '李明',
        inspectedAt: new Date().toISOString(),
        findings: '物料堆场苫盖到位',
        measuresInPlace: true,
        photoIds: [near, far, yesterday, bare],
      },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const got = await app.inject({
      method: 'GET',
      url: `/field/inspections/${recorded.json().id}`,
      headers: bearer(s.who.office),
    });
    expect(got.statusCode).toBe(200);
    const evidence = got.json().photoEvidence as Array<{
      photoId: string;
      marks: string[];
      takenAt: string | null;
    }>;
    expect(evidence.map((e) => [e.photoId, e.marks])).toEqual([
      [near, []],
      [far, ['far']],
      [yesterday, ['other-day']],
      [bare, ['no-time', 'no-location']],
    ]);
    expect(evidence[0]!.takenAt).toBe(`${today}T10:15:30+08:00`);
  });
});
