/**
 * What a photo must be before it is stored (security finding 6): a jpeg/png/webp whose header-declared
 * dimensions are within limits (a 1 kB file can claim 60,000 × 60,000 pixels and exhaust whoever
 * decodes it), inside its unit's storage quota; its EXIF (exifr) read for when and where it was taken.
 */
import exifr from 'exifr';
import { imageSize } from 'image-size';
import type pg from 'pg';
import { ApiError } from './errors.js';

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

/** The image type from the file's magic bytes (a client's Content-Type is not trusted). */
export function sniffImage(data: Buffer): ImageType | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (
    data.length >= 8 &&
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return 'image/png';
  }
  if (
    data.length >= 12 &&
    data.toString('latin1', 0, 4) === 'RIFF' &&
    data.toString('latin1', 8, 12) === 'WEBP'
  ) {
    return 'image/webp';
  }
  return null;
}

export interface PhotoLimits {
  /** Longest side, pixels. */
  maxSide: number;
  /** Most pixels (width × height). */
  maxPixels: number;
  /** Bytes of photos a unit may keep. */
  unitQuotaBytes: number;
}

export const DEFAULT_PHOTO_LIMITS: PhotoLimits = {
  maxSide: 12_000,
  maxPixels: 50_000_000,
  unitQuotaBytes: 2 * 1024 * 1024 * 1024,
};

export interface ImageFacts {
  type: ImageType;
  width: number;
  height: number;
  takenAt: Date | null;
  gps: { lat: number; lon: number } | null;
  camera: string | null;
}

/** The image's type, dimensions and EXIF facts; 415 when it is no accepted image, 422 when too large. */
export async function inspectImage(data: Buffer, name: string, limits: PhotoLimits): Promise<ImageFacts> {
  const type = sniffImage(data);
  if (!type)
    throw new ApiError(415, 'unsupported_media_type', `only jpeg, png and webp photos are accepted: ${name}`);
  let size: { width?: number; height?: number };
  try {
    size = imageSize(data);
  } catch {
    throw new ApiError(415, 'unsupported_media_type', `${name}: not a readable ${type} image`);
  }
  const width = size.width ?? 0;
  const height = size.height ?? 0;
  if (width < 1 || height < 1)
    throw new ApiError(415, 'unsupported_media_type', `${name}: no image dimensions`);
  if (Math.max(width, height) > limits.maxSide || width * height > limits.maxPixels) {
    throw new ApiError(
      422,
      'image_too_large',
      `${name}: ${width}×${height} pixels; at most ${limits.maxSide} pixels a side and ${limits.maxPixels / 1_000_000} megapixels`,
    );
  }
  let exif: Record<string, unknown> | undefined;
  try {
    exif = (await exifr.parse(data, {
      pick: ['DateTimeOriginal', 'Make', 'Model', 'latitude', 'longitude'],
      gps: true,
    })) as Record<string, unknown> | undefined;
  } catch {
    exif = undefined; // damaged or absent EXIF is no reason to refuse a photo
  }
  const takenAt =
    exif?.DateTimeOriginal instanceof Date && !Number.isNaN(exif.DateTimeOriginal.getTime())
      ? exif.DateTimeOriginal
      : null;
  const lat = Number(exif?.latitude);
  const lon = Number(exif?.longitude);
  const camera = [exif?.Make, exif?.Model]
    .filter((v) => typeof v === 'string' && v.trim())
    .join(' ')
    .slice(0, 200);
  return {
    type,
    width,
    height,
    takenAt,
    gps:
      Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180
        ? { lat, lon }
        : null,
    camera: camera || null,
  };
}

/** Bytes of photos the unit keeps now. */
export async function unitPhotoBytes(db: pg.Pool | pg.PoolClient, unitId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT coalesce(sum(size), 0)::bigint AS n FROM photos WHERE unit_id = $1',
    [unitId],
  );
  return Number(rows[0]?.n ?? 0);
}

export function quotaExceeded(used: number, adding: number, quota: number): ApiError {
  return new ApiError(
    413,
    'quota_exceeded',
    `photo storage of the unit is full: ${Math.round(used / 1048576)} MiB used of ${Math.round(quota / 1048576)} MiB` +
      (adding > 0 ? `, ${Math.round(adding / 1048576)} MiB more refused` : ''),
  );
}
