/**
 * 签收 of a warning notice by a unit or department (#15.6): the unit is the caller's own; the workflow
 * checks that the notice asks it of that unit. A repeated 签收 answers the same view and records nothing.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acknowledgeNoticeUpdate } from '../../workflows/definitions.js';
import { UNIT, assertEpisodeAccess } from '../access.js';
import type { AppDeps } from '../deps.js';
import { executeEpisodeUpdate, updateIdFor } from '../episode-access.js';
import { episodeId, episodeView, errorBody } from '../schemas.js';
import { principalOf } from '../security.js';

const security = [{ bearerAuth: [] }];
const errors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  503: errorBody,
};

export const acknowledgementRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.post(
    '/episodes/:id/acknowledgements',
    {
      config: { access: UNIT },
      schema: {
        tags: ['commands'],
        summary: 'A unit acknowledges (签收) a warning notice (its key in the view’s `acknowledgements`)',
        security,
        params: z.object({ id: episodeId }),
        body: z.strictObject({
          noticeKey: z
            .string()
            .min(1)
            .max(100)
            .describe('e.g. warning-issued:1, from `acknowledgements[].noticeKey`'),
        }),
        response: { 200: episodeView, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      const input = {
        actor: { id: p.id, role: p.role, ...(p.unit ? { unit: p.unit } : {}) },
        noticeKey: req.body.noticeKey,
      };
      const key = updateIdFor(p.id, req.idempotency?.key, `ack:${req.body.noticeKey}:${p.unit ?? ''}`);
      return (await executeEpisodeUpdate(deps, req.params.id, acknowledgeNoticeUpdate, input, key)) as never;
    },
  );
};
