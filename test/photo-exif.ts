/**
 * Photos with EXIF for the tests: a small real JPEG (16×12) and its copy with a capture time, a GPS
 * position and a camera written in (piexifjs), as a phone's camera writes them.
 */
import piexif from 'piexifjs';

// OffsetTimeOriginal (0x9011) is EXIF 2.31, newer than piexifjs's tag table
piexif.TAGS.Exif[0x9011] ??= { name: 'OffsetTimeOriginal', type: 'Ascii' };

/** A real 16×12 baseline JPEG (chromium's canvas), no EXIF. */
export const JPEG_16x12 = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAMABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABAAG/8QAIhAAAAUDBAMAAAAAAAAAAAAAAQMEBREAAhIGExQxI0GR/8QAFQEBAQAAAAAAAAAAAAAAAAAABAb/xAAYEQADAQEAAAAAAAAAAAAAAAAAAQIhUf/aAAwDAQACEQMRAD8A02lmRE88rnPKZs2scN7HyTMxNwdQH2gPqEhudT0qVYWuJLxxUFxjfNoCMQI9CMd+qBVRiNdS4Uqd6f/Z',
  'base64',
);

export interface ExifFacts {
  /** EXIF DateTimeOriginal as cameras write it: '2026:12:02 10:15:30' (the camera's local time). */
  dateTimeOriginal?: string;
  offsetTimeOriginal?: string;
  lat?: number;
  lon?: number;
  make?: string;
  model?: string;
}

/** The JPEG with an APP1 EXIF segment saying `facts`. */
export function withExif(jpeg: Buffer, facts: ExifFacts): Buffer {
  const zeroth: Record<number, unknown> = {};
  const exif: Record<number, unknown> = {};
  const gps: Record<number, unknown> = {};
  if (facts.make) zeroth[piexif.ImageIFD.Make] = facts.make;
  if (facts.model) zeroth[piexif.ImageIFD.Model] = facts.model;
  if (facts.dateTimeOriginal) exif[piexif.ExifIFD.DateTimeOriginal] = facts.dateTimeOriginal;
  if (facts.offsetTimeOriginal) exif[0x9011] = facts.offsetTimeOriginal;
  if (facts.lat !== undefined && facts.lon !== undefined) {
    gps[piexif.GPSIFD.GPSLatitudeRef] = facts.lat < 0 ? 'S' : 'N';
    gps[piexif.GPSIFD.GPSLatitude] = piexif.GPSHelper.degToDmsRational(Math.abs(facts.lat));
    gps[piexif.GPSIFD.GPSLongitudeRef] = facts.lon < 0 ? 'W' : 'E';
    gps[piexif.GPSIFD.GPSLongitude] = piexif.GPSHelper.degToDmsRational(Math.abs(facts.lon));
  }
  const bytes = piexif.dump({ '0th': zeroth, Exif: exif, GPS: gps });
  return Buffer.from(piexif.insert(bytes, jpeg.toString('binary')), 'binary');
}
