/**
 * What a photo's EXIF says as evidence: when it was taken (EXIF's local time read as China Standard
 * Time unless the camera wrote its offset), how far it was taken from a place, and the marks a photo
 * earns against a report's day and an enterprise's location (taken on another day, taken far away).
 */
import { type IsoDate, cstDate } from './calendar.js';

/** A point on the earth, WGS 84 degrees (what a phone's GPS writes into EXIF). */
export interface GeoPoint {
  lat: number;
  lon: number;
}

/** A photo farther than this from the enterprise it documents was not taken there (metres). */
export const PHOTO_NEAR_METRES = 1000;

const EXIF_DATE = /^(\d{4}):(\d\d):(\d\d)[ T](\d\d):(\d\d):(\d\d)/;
const OFFSET = /^([+-])(\d\d):(\d\d)$/;

/**
 * The instant of an EXIF date ('2026:12:02 10:15:30', the camera's local time, no zone) with the
 * camera's OffsetTimeOriginal ('+08:00') when it wrote one, else as China Standard Time. Null when
 * the text is no valid EXIF date (cameras write '0000:00:00 00:00:00' when their clock was unset).
 */
export function exifTakenAt(raw: string | null | undefined, offset?: string | null): number | null {
  const m = typeof raw === 'string' ? EXIF_DATE.exec(raw.trim()) : null;
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (y < 1990 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const o = typeof offset === 'string' ? OFFSET.exec(offset.trim()) : null;
  const offsetMinutes = o ? (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) : 8 * 60;
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 31 February over to March: refuse a date that does not exist
  if (new Date(local).getUTCDate() !== d) return null;
  return local - offsetMinutes * 60_000;
}

/** Whether a point is a valid WGS 84 position (and not the 0,0 a GPS without a fix writes). */
export function isGeoPoint(p: Partial<GeoPoint> | null | undefined): p is GeoPoint {
  if (!p) return false;
  const { lat, lon } = p;
  return (
    typeof lat === 'number' &&
    typeof lon === 'number' &&
    Number.isFinite(lat) &&
    Number.isFinite(lon) &&
    Math.abs(lat) <= 90 &&
    Math.abs(lon) <= 180 &&
    !(lat === 0 && lon === 0)
  );
}

const EARTH_RADIUS_METRES = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** The great-circle distance between two points, metres (haversine on the mean earth radius). */
export function distanceMetres(a: GeoPoint, b: GeoPoint): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Whether a photo taken at `at` lies farther than `radiusMetres` from `place`. */
export function farFrom(at: GeoPoint, place: GeoPoint, radiusMetres = PHOTO_NEAR_METRES): boolean {
  return distanceMetres(at, place) > radiusMetres;
}

/** Whether a photo taken at `takenAtMs` was taken on another CST day than `reportDate`. */
export function takenOnOtherDay(takenAtMs: number, reportDate: IsoDate): boolean {
  return cstDate(takenAtMs) !== reportDate;
}

export type PhotoMark = 'no-time' | 'other-day' | 'no-location' | 'far';

/**
 * The marks of a photo as evidence: against the report's day (when given) 'other-day', or 'no-time'
 * when the photo says no time; against the enterprise's place (when known) 'far', or 'no-location'.
 */
export function photoMarks(
  photo: { takenAt: number | null; gps: GeoPoint | null },
  against: { reportDate?: IsoDate | null; place?: GeoPoint | null; radiusMetres?: number },
): PhotoMark[] {
  const marks: PhotoMark[] = [];
  if (against.reportDate) {
    if (photo.takenAt === null) marks.push('no-time');
    else if (takenOnOtherDay(photo.takenAt, against.reportDate)) marks.push('other-day');
  }
  if (against.place) {
    if (!photo.gps) marks.push('no-location');
    else if (farFrom(photo.gps, against.place, against.radiusMetres)) marks.push('far');
  }
  return marks;
}
