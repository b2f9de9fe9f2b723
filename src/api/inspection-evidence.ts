/**
 * The photos of an inspection as evidence (#15.7): each one's capture time and place (EXIF) marked
 * against the inspection's day and the enterprise's coordinates from the reduction list — taken on
 * another day, far from the enterprise, or saying neither (photoMarks, src/domain/photo-evidence.ts).
 */
import type pg from 'pg';
import { type PhotoMark, photoMarks, toCstIso } from '../domain/index.js';

export interface PhotoEvidence {
  photoId: string;
  takenAt: string | null;
  marks: PhotoMark[];
}

export async function inspectionPhotoEvidence(
  pool: pg.Pool,
  inspection: { enterprise_id: string; day: string; photo_ids: string[] },
): Promise<PhotoEvidence[]> {
  if (inspection.photo_ids.length === 0) return [];
  const place = (
    await pool.query<{ latitude: number | null; longitude: number | null }>(
      'SELECT latitude, longitude FROM enterprises WHERE id = $1',
      [inspection.enterprise_id],
    )
  ).rows[0];
  const at =
    place && place.latitude !== null && place.longitude !== null
      ? { lat: place.latitude, lon: place.longitude }
      : null;
  const { rows } = await pool.query<{
    id: string;
    taken_at: Date | null;
    gps_lat: number | null;
    gps_lon: number | null;
  }>('SELECT id::text AS id, taken_at, gps_lat, gps_lon FROM photos WHERE id = ANY($1::uuid[])', [
    inspection.photo_ids,
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return inspection.photo_ids.map((photoId) => {
    const r = byId.get(photoId);
    const takenAt = r?.taken_at ? r.taken_at.getTime() : null;
    const gps = r && r.gps_lat !== null && r.gps_lon !== null ? { lat: r.gps_lat, lon: r.gps_lon } : null;
    return {
      photoId,
      takenAt: takenAt === null ? null : toCstIso(takenAt),
      marks: photoMarks({ takenAt, gps }, { reportDate: inspection.day, place: at }),
    };
  });
}
