import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EPISODE_READERS, UNIT } from '../access.js';
import type { AppDeps } from '../deps.js';
import { ApiError, badRequest, forbidden, notFound } from '../errors.js';
import { storePhotos } from '../photos.js';
import { DEFAULT_PHOTO_LIMITS, quotaExceeded, unitPhotoBytes } from '../photo-checks.js';
import { errorBody, uuidParams } from '../schemas.js';
import { answerNotModified } from '../etag.js';
import { principalOf } from '../security.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };

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
        multipart: { maxFiles: deps.limits.photoFiles, maxFileBytes: deps.limits.photoBytes },
        beforeBody: (req) => assertQuotaLeft(deps, principalOf(req).unit!),
      },
      schema: {
        tags: ['photos'],
        summary: 'Upload report photos (multipart/form-data, jpeg/png/webp) for the caller’s unit',
        description: `Up to ${deps.limits.photoFiles} files of at most ${deps.limits.photoBytes} bytes each; answers their ids.`,
        consumes: ['multipart/form-data'],
        security,
        body: z.object({}).describe('image file parts (any field name)'),
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
      const ids = await storePhotos(deps.pool, p.unit!, p.id, files, deps.photos);
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
