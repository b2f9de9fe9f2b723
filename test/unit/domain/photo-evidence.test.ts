/** A photo's EXIF as evidence: its time read as CST, the distance to a place, and the marks it earns. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PHOTO_NEAR_METRES,
  distanceMetres,
  exifTakenAt,
  farFrom,
  isGeoPoint,
  photoMarks,
  takenOnOtherDay,
  toCstIso,
} from '../../../src/domain/index.js';

/** 朝阳市 city centre and a point about 300 m east of it (one degree of longitude there ≈ 83.3 km). */
const CITY = { lat: 41.5718, lon: 120.4508 };
const NEARBY = { lat: 41.5718, lon: 120.4544 };

describe('the time an EXIF date names', () => {
  it('reads the camera clock as China Standard Time unless the camera wrote its offset', () => {
    expect(toCstIso(exifTakenAt('2026:12:02 10:15:30')!)).toBe('2026-12-02T10:15:30+08:00');
    expect(toCstIso(exifTakenAt('2026:12:02 10:15:30', '+09:00')!)).toBe('2026-12-02T09:15:30+08:00');
    expect(toCstIso(exifTakenAt('2026:12:02 01:00:00', '-05:00')!)).toBe('2026-12-02T14:00:00+08:00');
  });

  it('refuses what is no date: an unset camera clock, 31 February, garbage', () => {
    for (const raw of [
      '0000:00:00 00:00:00',
      '2026:02:31 10:00:00',
      '2026:13:01 10:00:00',
      'yesterday',
      '',
    ]) {
      expect(exifTakenAt(raw), raw).toBeNull();
    }
    expect(exifTakenAt(null)).toBeNull();
    expect(exifTakenAt(undefined)).toBeNull();
  });
});

describe('the distance between two points', () => {
  it('is one degree of latitude = 111.19 km, and Beijing–Shanghai about 1068 km', () => {
    expect(distanceMetres({ lat: 41, lon: 120 }, { lat: 42, lon: 120 })).toBeCloseTo(111_195, -1);
    const bs = distanceMetres({ lat: 39.9042, lon: 116.4074 }, { lat: 31.2304, lon: 121.4737 });
    expect(bs / 1000).toBeGreaterThan(1060);
    expect(bs / 1000).toBeLessThan(1075);
    expect(distanceMetres(CITY, NEARBY)).toBeGreaterThan(250);
    expect(distanceMetres(CITY, NEARBY)).toBeLessThan(350);
  });

  it('is symmetric, zero to itself, and obeys the triangle inequality', () => {
    const point = fc.record({
      lat: fc.double({ min: -89, max: 89, noNaN: true }),
      lon: fc.double({ min: -179, max: 179, noNaN: true }),
    });
    fc.assert(
      fc.property(point, point, point, (a, b, c) => {
        const ab = distanceMetres(a, b);
        expect(ab).toBeCloseTo(distanceMetres(b, a), 3);
        expect(distanceMetres(a, a)).toBe(0);
        expect(ab).toBeLessThanOrEqual(distanceMetres(a, c) + distanceMetres(c, b) + 1e-3);
        expect(ab).toBeLessThanOrEqual(Math.PI * 6_371_008.8 + 1);
      }),
    );
  });

  it('a photo 300 m away is near, 5 km away is far (default radius 1 km)', () => {
    expect(PHOTO_NEAR_METRES).toBe(1000);
    expect(farFrom(NEARBY, CITY)).toBe(false);
    expect(farFrom({ lat: 41.5718, lon: 120.5108 }, CITY)).toBe(true);
    expect(farFrom(NEARBY, CITY, 200)).toBe(true);
  });

  it('knows a GPS position from none (out of range, NaN, the 0,0 of no fix)', () => {
    expect(isGeoPoint(CITY)).toBe(true);
    expect(isGeoPoint({ lat: 0, lon: 0 })).toBe(false);
    expect(isGeoPoint({ lat: 91, lon: 120 })).toBe(false);
    expect(isGeoPoint({ lat: Number.NaN, lon: 120 })).toBe(false);
    expect(isGeoPoint(null)).toBe(false);
  });
});

describe('the marks of a photo', () => {
  const at = (iso: string) => Date.parse(iso);

  it('a photo taken late on the report day is no other day in CST, even when UTC says so', () => {
    // 23:30 CST on 2 December is 15:30 UTC the same day; 00:30 CST on 3 December is 16:30 UTC on the 2nd
    expect(takenOnOtherDay(at('2026-12-02T23:30:00+08:00'), '2026-12-02')).toBe(false);
    expect(takenOnOtherDay(at('2026-12-03T00:30:00+08:00'), '2026-12-02')).toBe(true);
    expect(takenOnOtherDay(at('2026-12-01T18:00:00+08:00'), '2026-12-02')).toBe(true);
  });

  it('marks another day, no time, a far place, no location; nothing when checked against nothing', () => {
    const photo = { takenAt: at('2026-12-01T09:00:00+08:00'), gps: { lat: 41.7, lon: 120.45 } };
    expect(photoMarks(photo, { reportDate: '2026-12-01', place: CITY })).toEqual(['far']);
    expect(photoMarks(photo, { reportDate: '2026-12-02' })).toEqual(['other-day']);
    expect(photoMarks({ ...photo, gps: NEARBY }, { reportDate: '2026-12-01', place: CITY })).toEqual([]);
    expect(photoMarks({ takenAt: null, gps: null }, { reportDate: '2026-12-01', place: CITY })).toEqual([
      'no-time',
      'no-location',
    ]);
    expect(photoMarks({ takenAt: null, gps: null }, {})).toEqual([]);
  });
});
