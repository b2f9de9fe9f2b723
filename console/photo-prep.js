/**
 * A photo from the phone's camera made ready to upload: its EXIF capture time, GPS position and
 * camera read first (exifr, the same options as the API's src/api/photo-checks.ts), then the image
 * compressed in the browser (canvas → JPEG, longest side 2048 px) so a 5 MiB camera photo fits.
 * The canvas drops EXIF: what was read goes with the upload (POST /photos, part `meta`).
 */
import { parse } from './vendor/exifr.js';

/** Longest side of a compressed photo, pixels, and its JPEG quality. */
export const MAX_SIDE = 2048;
export const QUALITY = 0.85;
/** A photo this small, of an accepted type and within MAX_SIDE, is sent as it is (its EXIF intact). */
const KEEP_BYTES = 1_000_000;
const ACCEPTED = ['image/jpeg', 'image/png', 'image/webp'];

const EXIF_OPTIONS = {
  ifd0: { pick: ['Make', 'Model'] },
  exif: { pick: ['DateTimeOriginal', 'OffsetTimeOriginal'] },
  gps: { pick: ['GPSLatitude', 'GPSLatitudeRef', 'GPSLongitude', 'GPSLongitudeRef'] },
  ifd1: false,
  interop: false,
  reviveValues: false,
  mergeOutput: true,
};

/** The EXIF values the API takes as `meta.exif[i]` (raw: the API reads the time as CST). */
export async function readExif(file) {
  let x;
  try {
    x = await parse(file, EXIF_OPTIONS);
  } catch {
    return {}; // no or damaged EXIF: the photo is still evidence, only without time and place
  }
  if (!x) return {};
  const out = {};
  const text = (v, max) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);
  const when = text(x.DateTimeOriginal, 40);
  if (when) out.dateTimeOriginal = when;
  const offset = text(x.OffsetTimeOriginal, 10);
  if (offset) out.offsetTimeOriginal = offset;
  if (Number.isFinite(x.latitude) && Number.isFinite(x.longitude)) {
    out.lat = x.latitude;
    out.lon = x.longitude;
  }
  const make = text(x.Make, 100);
  if (make) out.make = make;
  const model = text(x.Model, 100);
  if (model) out.model = model;
  return out;
}

/** Thrown when the browser cannot decode the picture (e.g. HEIC on a browser without it). */
export class UnreadablePhoto extends Error {}

/**
 * { blob, name, exif, width, height, compressed, originalSize }: the photo as it will be uploaded.
 * createImageBitmap applies the EXIF orientation, so the JPEG is upright without it.
 */
export async function preparePhoto(file) {
  const exif = await readExif(file);
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new UnreadablePhoto(`无法读取照片“${file.name}”：请使用JPEG、PNG或WebP格式`);
  }
  const { width, height } = bitmap;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  if (scale === 1 && file.size <= KEEP_BYTES && ACCEPTED.includes(file.type)) {
    bitmap.close();
    return { blob: file, name: file.name, exif, width, height, compressed: false, originalSize: file.size };
  }
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  canvas.getContext('2d').drawImage(bitmap, 0, 0, w, h);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
  if (!blob) throw new UnreadablePhoto(`无法压缩照片“${file.name}”`);
  const name = `${(file.name || 'photo').replace(/\.[^.]*$/, '')}.jpg`;
  return { blob, name, exif, width: w, height: h, compressed: true, originalSize: file.size };
}

/** A blob as a data: URL (the console's CSP allows data: images, not blob:). */
export function blobDataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
