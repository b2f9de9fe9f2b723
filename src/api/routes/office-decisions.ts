/**
 * The office's decisions in an episode: issuing or declining a 通报 the ladder proposed (五(四)2),
 * starting or declining an early response a consultation proposed (五(二)1), and the 签发 of the
 * drafted work summary, without which it reaches nobody (#13.5). The workflow checks
 * that the caller keeps the episode (the city's office, or the county's branch for its county).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  decideEarlyResponseUpdate,
  decideNoticeUpdate,
  signWorkSummaryUpdate,
} from '../../workflows/definitions.js';
import { KEEPERS, assertEpisodeAccess } from '../access.js';
import type { AppDeps } from '../deps.js';
import { executeEpisodeUpdate, updateIdFor } from '../episode-access.js';
import {
  earlyResponseDecisionBody,
  episodeId,
  episodeView,
  errorBody,
  noticeDecisionBody,
  signWorkSummaryBody,
} from '../schemas.js';
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

export const officeDecisionRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.post(
    '/episodes/:id/notices/:noticeId/decision',
    {
      config: { access: KEEPERS },
      schema: {
        tags: ['commands'],
        summary:
          'Issue or decline a 通报 the escalation ladder proposed (the office decides; only issued ones are sent)',
        security,
        params: z.object({ id: episodeId, noticeId: z.string().min(1).max(200) }),
        body: noticeDecisionBody,
        response: { 200: episodeView, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      const b = req.body;
      return (await executeEpisodeUpdate(
        deps,
        req.params.id,
        decideNoticeUpdate,
        {
          actor: p,
          noticeId: req.params.noticeId,
          decision: b.decision,
          ...(b.reason ? { reason: b.reason } : {}),
        },
        updateIdFor(p.id, req.idempotency?.key, `notice:${req.params.id}:${req.params.noticeId}`),
      )) as unknown as z.infer<typeof episodeView>;
    },
  );

  app.post(
    '/episodes/:id/early-response/decision',
    {
      config: { access: KEEPERS },
      schema: {
        tags: ['commands'],
        summary: 'Start or decline the early response a consultation proposed (the office confirms it)',
        security,
        params: z.object({ id: episodeId }),
        body: earlyResponseDecisionBody,
        response: { 200: episodeView, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      const b = req.body;
      return (await executeEpisodeUpdate(
        deps,
        req.params.id,
        decideEarlyResponseUpdate,
        { actor: p, decision: b.decision, ...(b.reason ? { reason: b.reason } : {}) },
        updateIdFor(p.id, req.idempotency?.key, `early:${req.params.id}`),
      )) as unknown as z.infer<typeof episodeView>;
    },
  );

  app.post(
    '/episodes/:id/work-summary/sign',
    {
      config: { access: KEEPERS },
      schema: {
        tags: ['commands'],
        summary:
          'Sign off (签发) the drafted work summary: only then is it sent to its recipients and the episode closed',
        security,
        params: z.object({ id: episodeId }),
        body: signWorkSummaryBody,
        response: { 200: episodeView, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      assertEpisodeAccess(p, req.params.id);
      return (await executeEpisodeUpdate(
        deps,
        req.params.id,
        signWorkSummaryUpdate,
        { actor: p, signer: req.body.signer },
        updateIdFor(p.id, req.idempotency?.key, `sign:${req.params.id}`),
      )) as unknown as z.infer<typeof episodeView>;
    },
  );
};
