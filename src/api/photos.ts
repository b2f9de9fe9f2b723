/** Photos of unit reports, stored in PostgreSQL (bytea); the type is sniffed from the bytes. */
import type pg from 'pg';
import {
  DEFAULT_PHOTO_LIMITS,
  type DeclaredExif,
  type ImageFacts,
  type PhotoLimits,
  inspectImage,
  quotaExceeded,
  unitPhotoBytes,
} from './photo-checks.js';
import type { UploadedFile } from './security.js';

export { type ImageType, sniffImage } from './photo-checks.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks every file is an accepted image within the dimension limits and the unit's quota (photo-checks.ts);
 * stores them, with their dimensions and EXIF facts, in one transaction; returns their ids in order.
 * `declared[i]` is what the browser read of file i's EXIF before compressing it (used when the stored
 * bytes carry no EXIF of their own).
 */
export async function storePhotos(
  pool: pg.Pool,
  unitId: string,
  uploadedBy: string,
  files: UploadedFile[],
  limits: PhotoLimits = DEFAULT_PHOTO_LIMITS,
  declared: ReadonlyArray<DeclaredExif | undefined> = [],
): Promise<string[]> {
  if (files.length === 0) return [];
  const facts: ImageFacts[] = [];
  for (const [i, f] of files.entries()) {
    facts.push(await inspectImage(f.data, f.fileName || f.fieldName, limits, declared[i]));
  }
  const adding = files.reduce((n, f) => n + f.data.length, 0);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // one upload at a time per unit, so two parallel ones cannot both pass the quota
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`photos:${unitId}`]);
    const used = await unitPhotoBytes(client, unitId);
    if (used + adding > limits.unitQuotaBytes) throw quotaExceeded(used, adding, limits.unitQuotaBytes);
    const ids: string[] = [];
    for (const [i, f] of files.entries()) {
      const x = facts[i]!;
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO photos (unit_id, uploaded_by, content_type, file_name, size, sha256, data,
                             width, height, taken_at, gps_lat, gps_lon, camera, exif_source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
        [
          unitId,
          uploadedBy,
          x.type,
          f.fileName,
          f.data.length,
          f.sha256,
          f.data,
          x.width,
          x.height,
          x.takenAt,
          x.gps?.lat ?? null,
          x.gps?.lon ?? null,
          x.camera,
          x.exifSource,
        ],
      );
      ids.push(rows[0]!.id);
    }
    await client.query('COMMIT');
    return ids;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export async function deletePhotos(pool: pg.Pool, ids: string[]): Promise<void> {
  if (ids.length > 0) await pool.query('DELETE FROM photos WHERE id = ANY($1::uuid[])', [ids]);
}

/** Every id names a photo uploaded by `unitId`. */
export async function unitOwnsPhotos(pool: pg.Pool, unitId: string, ids: string[]): Promise<boolean> {
  if (ids.length === 0) return true;
  if (!ids.every((id) => UUID.test(id))) return false;
  const unique = [...new Set(ids)];
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM photos WHERE id = ANY($1::uuid[]) AND unit_id = $2',
    [unique, unitId],
  );
  return rows[0]?.n === unique.length;
}
