/** The administration trace: confirming token requests, and the append-only admin log for auditors. */
import { cursorQuery, nextPositionCursor, positionOf } from '../pagination.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { toCstIso } from '../../domain/index.js';
import { confirmTokenRequest, readAdminLog } from '../admin-log.js';
import { ANY_ROLE } from '../access.js';
import type { AppDeps } from '../deps.js';
import { errorBody, uuidParams } from '../schemas.js';
import { principalOf } from '../security.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

export const adminRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.post(
    '/token-requests/:id/confirm',
    {
      // a second administrator, or the principal the token is for (checked on the request)
      config: { access: ANY_ROLE, redactIdempotent: (body) => ({ ...(body as object), token: null }) },
      schema: {
        tags: ['admin'],
        summary: 'Confirm a token request: the token is issued and shown to the confirmer, once',
        security,
        params: uuidParams,
        response: {
          201: z.object({
            tokenId: z.string(),
            principalId: z.string(),
            token: z.string().nullable(),
            label: z.string(),
            expiresAt: z.string().nullable(),
          }),
          ...errors,
          410: errorBody,
        },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await confirmTokenRequest(deps.pool, principalOf(req), req.params.id)),
  );

  app.get(
    '/admin-log',
    {
      config: { access: ['auditor', 'admin'] },
      schema: {
        tags: ['audit'],
        summary: 'Every administrative act (principals, tokens), oldest first; append-only',
        security,
        querystring: z.strictObject({
          targetId: z.string().min(1).max(64).optional(),
          afterSeq: z.coerce.number().int().min(0).default(0).describe('only the acts after this seq'),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          cursor: cursorQuery,
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                seq: z.number(),
                at: z.string(),
                actorId: z.string(),
                action: z.string(),
                targetId: z.string().nullable(),
                details: z.record(z.string(), z.unknown()),
              }),
            ),
            nextCursor: z.string().nullable().describe('the cursor of the next page; null on the last page'),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      // keyset: the cursor is the seq of the page's last act
      const afterSeq = Math.max(req.query.afterSeq, positionOf(req.query.cursor));
      const { limit } = req.query;
      const rows = await readAdminLog(deps.pool, { ...req.query, afterSeq, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((e) => ({ ...e, at: toCstIso(e.at.getTime()) })),
        nextCursor: last ? nextPositionCursor(last.seq, 0, rows.length > limit) : null,
      };
    },
  );
};
