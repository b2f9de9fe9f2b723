/**
 * The office's decisions in an episode: issuing or declining a 通报 the ladder proposed (五(四)2),
 * starting or declining an early response a consultation proposed (五(二)1), and the 签发 of the
 * drafted work summary, without which it reaches nobody (#13.5). The workflow checks that the caller
 * keeps the episode (the city's office, or the county's branch for its county).
 */
import type { UpdateDefinition } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EpisodeView, Principal } from '../../contracts/index.js';
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
const episodeParams = z.object({ id: episodeId });
const noticeParams = z.object({ id: episodeId, noticeId: z.string().min(1).max(200) });

type View = z.infer<typeof episodeView>;

export const officeDecisionRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  /** One office command: the caller may see the episode; the workflow's validator decides the rest. */
  function command<I, P extends z.ZodType, B extends z.ZodType>(o: {
    path: string;
    summary: string;
    params: P;
    body: B;
    update: UpdateDefinition<EpisodeView, [I]>;
    input: (actor: Principal, params: z.infer<P>, body: z.infer<B>) => I;
    key: (params: z.infer<P>) => string;
  }): void {
    app.post(
      o.path,
      {
        config: { access: KEEPERS },
        schema: {
          tags: ['commands'],
          summary: o.summary,
          security,
          params: o.params,
          body: o.body,
          response: { 200: episodeView, ...errors },
        },
      },
      async (req) => {
        const p = principalOf(req);
        const params = req.params as z.infer<P> & { id: string };
        assertEpisodeAccess(p, params.id);
        const input = o.input(p, params, req.body as z.infer<B>);
        const key = updateIdFor(p.id, req.idempotency?.key, o.key(params));
        return (await executeEpisodeUpdate(deps, params.id, o.update, input, key)) as unknown as View;
      },
    );
  }

  command({
    path: '/episodes/:id/notices/:noticeId/decision',
    summary:
      'Issue or decline a 通报 the escalation ladder proposed (the office decides; only issued ones are sent)',
    params: noticeParams,
    body: noticeDecisionBody,
    update: decideNoticeUpdate,
    input: (actor, p, b) => ({
      actor,
      noticeId: p.noticeId,
      decision: b.decision,
      ...(b.reason ? { reason: b.reason } : {}),
      ...(b.text ? { text: b.text } : {}),
    }),
    key: (p) => `notice:${p.id}:${p.noticeId}`,
  });

  command({
    path: '/episodes/:id/early-response/decision',
    summary: 'Start or decline the early response a consultation proposed (the office confirms it)',
    params: episodeParams,
    body: earlyResponseDecisionBody,
    update: decideEarlyResponseUpdate,
    input: (actor, _p, b) => ({ actor, decision: b.decision, ...(b.reason ? { reason: b.reason } : {}) }),
    key: (p) => `early:${p.id}`,
  });

  command({
    path: '/episodes/:id/work-summary/sign',
    summary:
      'Sign off (签发) the drafted work summary: only then is it sent to its recipients and the episode closed',
    params: episodeParams,
    body: signWorkSummaryBody,
    update: signWorkSummaryUpdate,
    input: (actor, _p, b) => ({ actor, signer: b.signer }),
    key: (p) => `sign:${p.id}`,
  });
};
