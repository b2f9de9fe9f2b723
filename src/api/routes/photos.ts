/**
 * Report photos: upload (with what the console's browser read of their EXIF before compressing
 * them), read, the evidence facts of one (capture time and place, marked against a report's day and
 * an enterprise's location), and delete one no report names.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PHOTO_NEAR_METRES, photoMarks, toCstIso } from '../../domain/index.js';
import { EPISODE_READERS, UNIT } from '../access.js';
import type { AppDeps } from '../deps.js';
import { ApiError, badRequest, forbidden, notFound } from '../errors.js';
import { storePhotos } from '../photos.js';
import { DEFAULT_PHOTO_LIMITS, quotaExceeded, unitPhotoBytes } from '../photo-checks.js';
import { errorBody, isoDate, uuidParams } from '../schemas.js';
import { answerNotModified } from '../etag.js';
import { principalOf } from '../security.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };

/** What the console read of one photo's EXIF in the browser (exifr, raw values) before compressing it. */
const declaredExif = z.strictObject({
  dateTimeOriginal: z
    .string()
    .max(40)
    .optional()
    .describe("EXIF DateTimeOriginal as written: '2026:12:02 10:15:30'"),
  offsetTimeOriginal: z.string().max(10).optional().describe("EXIF OffsetTimeOriginal: '+08:00'"),
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
  make: z.string().max(100).optional(),
  model: z.string().max(100).optional(),
});

/** Refuses an upload before its body is read when the unit's photo storage is full already. */
export async function assertQuotaLeft(deps: AppDeps, unitId: string): Promise<void> {
  const quota = (deps.photos ?? DEFAULT_PHOTO_LIMITS).unitQuotaBytes;
  const used = await unitPhotoBytes(deps.pool, unitId);
  if (used >= quota) throw quotaExceeded(used, 0, quota);
}

export const photoRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.post(
    '/photos',
    {
      config: {
        access: UNIT,
        multipart: {
          jsonField: 'meta',
          maxFiles: deps.limits.photoFiles,
          maxFileBytes: deps.limits.photoBytes,
        },
        beforeBody: (req) => assertQuotaLeft(deps, principalOf(req).unit!),
      },
      schema: {
        tags: ['photos'],
        summary: 'Upload report photos (multipart/form-data, jpeg/png/webp) for the caller’s unit',
        description:
          `Up to ${deps.limits.photoFiles} files of at most ${deps.limits.photoBytes} bytes each; answers their ids. ` +
          'An optional text part `meta` holds JSON `{"exif": [...]}`: per file, in order, what the browser read of ' +
          'its EXIF before compressing it (a canvas drops EXIF); used only when the stored bytes carry no EXIF of their own.',
        consumes: ['multipart/form-data'],
        security,
        body: z
          .object({ exif: z.array(declaredExif.nullable()).max(deps.limits.photoFiles).optional() })
          .describe('image file parts (any field name), and the optional `meta` part'),
        response: {
          201: z.object({
            photos: z.array(
              z.object({ id: z.string(), contentType: z.string(), size: z.number(), sha256: z.string() }),
            ),
          }),
          ...errors,
          413: errorBody,
          415: errorBody,
          422: errorBody,
        },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      if (!req.isMultipart()) throw new ApiError(415, 'unsupported_media_type', 'send multipart/form-data');
      const files = req.uploads ?? [];
      if (files.length === 0) throw badRequest('no file: send at least one image part');
      const declared = (req.body.exif ?? []).map((x) => x ?? undefined);
      if (declared.length > files.length) {
        throw badRequest('exif: one entry per photo file at most', {
          issues: [{ path: 'body.exif', message: `${declared.length} entries for ${files.length} files` }],
        });
      }
      const ids = await storePhotos(deps.pool, p.unit!, p.id, files, deps.photos, declared);
      const { rows } = await deps.pool.query<{
        id: string;
        content_type: string;
        size: number;
        sha256: string;
      }>('SELECT id, content_type, size, sha256 FROM photos WHERE id = ANY($1::uuid[])', [ids]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return reply.code(201).send({
        photos: ids.map((id) => {
          const r = byId.get(id)!;
          return { id, contentType: r.content_type, size: r.size, sha256: r.sha256 };
        }),
      });
    },
  );

  app.get(
    '/photos/:id',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['photos'],
        summary: 'A report photo (a unit sees its own unit’s photos only)',
        produces: ['image/jpeg', 'image/png', 'image/webp'],
        security,
        params: uuidParams,
        response: {
          200: z.string().describe('image bytes (ETag: the SHA-256 of the bytes)').meta({ format: 'binary' }),
          304: z.null().describe('Not modified: If-None-Match names the ETag'),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const { rows } = await deps.pool.query<{
        unit_id: string;
        content_type: string;
        data: Buffer;
        sha256: string;
      }>('SELECT unit_id, content_type, data, sha256 FROM photos WHERE id = $1', [req.params.id]);
      const photo = rows[0];
      if (!photo) throw notFound('photo');
      if (p.role === 'unit' && p.unit !== photo.unit_id) throw forbidden();
      if (answerNotModified(req, reply, photo.sha256)) return reply;
      return (
        reply
          .header('content-type', photo.content_type)
          // evidence of a unit's work: never kept by a browser or proxy cache
          .header('cache-control', 'private, no-store')
          .header('content-disposition', 'inline')
          .send(photo.data as unknown as string)
      );
    },
  );

  app.get(
    '/photos/:id/facts',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['photos'],
        summary:
          'What a photo says as evidence: when and where it was taken, marked against a day and a place',
        description:
          'With `reportDate` (the CST date of the report day) a photo taken on another day is marked `other-day` ' +
          '(`no-time` without a capture time); with `lat`/`lon` (the enterprise) one farther than `radiusMetres` ' +
          `(default ${PHOTO_NEAR_METRES}) is marked \`far\` (\`no-location\` without a position). A unit reads its own photos only.`,
        security,
        params: uuidParams,
        querystring: z
          .strictObject({
            reportDate: isoDate.optional(),
            lat: z.coerce.number().min(-90).max(90).optional(),
            lon: z.coerce.number().min(-180).max(180).optional(),
            radiusMetres: z.coerce.number().int().min(1).max(1_000_000).optional(),
          })
          .refine((q) => (q.lat === undefined) === (q.lon === undefined), {
            path: ['lon'],
            message: 'lat and lon go together',
          }),
        response: {
          200: z.object({
            id: z.string(),
            contentType: z.string(),
            size: z.number(),
            width: z.number().nullable(),
            height: z.number().nullable(),
            takenAt: z.string().nullable().describe('capture time (+08:00); null when the photo says none'),
            gps: z.object({ lat: z.number(), lon: z.number() }).nullable(),
            camera: z.string().nullable(),
            exifSource: z
              .enum(['file', 'browser'])
              .nullable()
              .describe("'file': the photo's own EXIF; 'browser': read by the console before compressing it"),
            marks: z.array(z.enum(['no-time', 'other-day', 'no-location', 'far'])),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const { rows } = await deps.pool.query<{
        unit_id: string;
        content_type: string;
        size: number;
        width: number | null;
        height: number | null;
        taken_at: Date | null;
        gps_lat: number | null;
        gps_lon: number | null;
        camera: string | null;
        exif_source: 'file' | 'browser' | null;
      }>(
        `SELECT unit_id, content_type, size, width, height, taken_at, gps_lat, gps_lon, camera, exif_source
         FROM photos WHERE id = $1`,
        [req.params.id],
      );
      const photo = rows[0];
      if (!photo) throw notFound('photo');
      if (p.role === 'unit' && p.unit !== photo.unit_id) throw forbidden();
      const q = req.query;
      const gps =
        photo.gps_lat !== null && photo.gps_lon !== null ? { lat: photo.gps_lat, lon: photo.gps_lon } : null;
      const takenAt = photo.taken_at ? photo.taken_at.getTime() : null;
      return {
        id: req.params.id,
        contentType: photo.content_type,
        size: photo.size,
        width: photo.width,
        height: photo.height,
        takenAt: takenAt === null ? null : toCstIso(takenAt),
        gps,
        camera: photo.camera,
        exifSource: photo.exif_source,
        marks: photoMarks(
          { takenAt, gps },
          {
            reportDate: q.reportDate ?? null,
            place: q.lat !== undefined && q.lon !== undefined ? { lat: q.lat, lon: q.lon } : null,
            ...(q.radiusMetres ? { radiusMetres: q.radiusMetres } : {}),
          },
        ),
      };
    },
  );

  app.delete(
    '/photos/:id',
    {
      config: { access: UNIT },
      schema: {
        tags: ['photos'],
        summary: 'Delete a photo of the caller’s unit that no report names (uploaded by mistake)',
        security,
        params: uuidParams,
        response: { 204: z.null(), ...errors, 409: errorBody },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const { rows } = await deps.pool.query<{ unit_id: string; used: boolean }>(
        `SELECT unit_id, EXISTS (SELECT 1 FROM unit_reports r WHERE r.unit_id = photos.unit_id
                                  AND r.fields->'photoIds' ? photos.id::text) AS used
         FROM photos WHERE id = $1`,
        [req.params.id],
      );
      const photo = rows[0];
      if (!photo) throw notFound('photo');
      if (photo.unit_id !== p.unit) throw forbidden();
      if (photo.used)
        throw new ApiError(409, 'conflict', 'a report names this photo: it is kept as evidence');
      await deps.pool.query('DELETE FROM photos WHERE id = $1', [req.params.id]);
      return reply.code(204).send(null);
    },
  );
};
