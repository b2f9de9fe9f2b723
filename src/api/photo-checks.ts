/**
 * What a photo must be before it is stored (security finding 6): a jpeg/png/webp whose header-declared
 * dimensions are within limits (a 1 kB file can claim 60,000 × 60,000 pixels and exhaust whoever
 * decodes it), inside its unit's storage quota; its EXIF (exifr) read for when and where it was taken.
 */
import exifr from 'exifr';
import { imageSize } from 'image-size';
import type pg from 'pg';
import { exifTakenAt, isGeoPoint } from '../domain/photo-evidence.js';
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
  /** Whether the time and position are the file's own EXIF or what the browser read before compressing. */
  exifSource: 'file' | 'browser' | null;
}

/**
 * The image's type, dimensions and EXIF facts (the file's own, else `declared`); 415 when it is no accepted
 * image, 422 when too large.
 */
export async function inspectImage(
  data: Buffer,
  name: string,
  limits: PhotoLimits,
  declared?: DeclaredExif,
): Promise<ImageFacts> {
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
    exif = (await exifr.parse(data, EXIF_OPTIONS)) as Record<string, unknown> | undefined;
  } catch {
    exif = undefined; // damaged or absent EXIF is no reason to refuse a photo
  }
  const read = exifFacts({
    dateTimeOriginal: exif?.DateTimeOriginal,
    offsetTimeOriginal: exif?.OffsetTimeOriginal,
    lat: exif?.latitude,
    lon: exif?.longitude,
    make: exif?.Make,
    model: exif?.Model,
  });
  const fromFile = read.takenAt !== null || read.gps !== null;
  const facts = fromFile || !declared ? read : exifFacts(declared);
  const source = fromFile ? 'file' : facts.takenAt !== null || facts.gps !== null ? 'browser' : null;
  return { type, width, height, ...facts, exifSource: source };
}

/**
 * What exifr reads of a photo (the same options in the console's browser, console/photo-prep.js):
 * the camera, the capture time as written (no revival: a date without zone is read as CST by
 * exifTakenAt, not as the server's local time), and the GPS position.
 */
export const EXIF_OPTIONS: NonNullable<Parameters<typeof exifr.parse>[1]> = {
  ifd0: { pick: ['Make', 'Model'] },
  exif: { pick: ['DateTimeOriginal', 'OffsetTimeOriginal'] },
  gps: { pick: ['GPSLatitude', 'GPSLatitudeRef', 'GPSLongitude', 'GPSLongitudeRef'] },
  ifd1: false,
  interop: false,
  reviveValues: false,
  mergeOutput: true,
};

/**
 * The EXIF values of one photo as the console read them in the browser before compressing it (a
 * canvas drops EXIF): used only when the stored bytes say nothing themselves.
 */
export interface DeclaredExif {
  dateTimeOriginal?: unknown;
  offsetTimeOriginal?: unknown;
  lat?: unknown;
  lon?: unknown;
  make?: unknown;
  model?: unknown;
}

/** The capture time, position and camera of raw EXIF values (invalid ones read as absent). */
function exifFacts(x: DeclaredExif): Pick<ImageFacts, 'takenAt' | 'gps' | 'camera'> {
  const takenAt = exifTakenAt(
    typeof x.dateTimeOriginal === 'string' ? x.dateTimeOriginal : null,
    typeof x.offsetTimeOriginal === 'string' ? x.offsetTimeOriginal : null,
  );
  const gps = { lat: Number(x.lat), lon: Number(x.lon) };
  const camera = [x.make, x.model]
    .filter((v) => typeof v === 'string' && v.trim())
    .join(' ')
    .slice(0, 200);
  return {
    takenAt: takenAt === null ? null : new Date(takenAt),
    gps: x.lat != null && x.lon != null && isGeoPoint(gps) ? gps : null,
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
