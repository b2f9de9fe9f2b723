/**
 * Live routes: server-sent event streams of an episode and of the board (fed by the projection's
 * LISTEN/NOTIFY feed, so no worker is involved), and the auditors' live-vs-projected check, the one
 * read that still asks the workflow (its Query).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AUDIT_READERS, EPISODE_READERS, assertEpisodeAccess, visibleJurisdictions } from '../access.js';
import type { AppDeps } from '../deps.js';
import { episodeState, liveEpisodeState } from '../episode-access.js';
import { LiveHub, sseFrame } from '../live-hub.js';
import { episodeIdParams, errorBody } from '../schemas.js';
import { principalOf } from '../security.js';
import { DEFAULT_SESSION_SETTINGS, endWithSession } from '../sessions.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 503: errorBody };
const sse = z.string().meta({ description: 'text/event-stream' });

const hubs = new WeakMap<object, LiveHub>();
/** Open SSE streams of an app (for the metrics). */
export const liveStreams = (app: object): number => hubs.get(app)?.streamCount ?? 0;

export const liveRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const hub = new LiveHub(deps.pool, deps.feed!);
  const sessionSettings = deps.signIn?.session ?? DEFAULT_SESSION_SETTINGS;
  hubs.set(deps, hub);
  app.addHook('preClose', async () => hub.close());

  app.get(
    '/episodes/:id/stream',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['episodes'],
        summary: 'Server-sent events: the projected episode now, then on every change (event `episode`)',
        description:
          'Frames: `episode` (the whole view, `id:` its eventCount), `resync` (reload: notices may have been ' +
          'missed while the feed reconnected), comments as keep-alives. Works while every worker is down.',
        security,
        params: episodeIdParams,
        response: { 200: sse, ...errors },
      },
    },
    async (req, reply) => {
      assertEpisodeAccess(principalOf(req), req.params.id);
      await deps.feed!.start().catch(() => {});
      const view = await episodeState(deps, req.params.id);
      reply.hijack();
      hub.open(reply.raw, sseFrame('episode', view, view.eventCount));
      hub.addEpisode(req.params.id, reply.raw);
      endWithSession(deps.pool, req, reply.raw, sessionSettings);
    },
  );

  app.get(
    '/board/stream',
    {
      config: { access: EPISODE_READERS },
      schema: {
        tags: ['episodes'],
        summary:
          'Server-sent events of the board: an episode’s list row each time it changes (event `board`)',
        description: 'Branches receive their own county and the city-wide episodes only.',
        security,
        querystring: z.strictObject({}),
        response: { 200: sse, ...errors },
      },
    },
    async (req, reply) => {
      await deps.feed!.start().catch(() => {});
      reply.hijack();
      hub.open(reply.raw, sseFrame('ready', { at: Date.now() }));
      hub.addBoard(reply.raw, visibleJurisdictions(principalOf(req)));
      endWithSession(deps.pool, req, reply.raw, sessionSettings);
    },
  );

  app.get(
    '/episodes/:id/live',
    {
      config: { access: AUDIT_READERS },
      schema: {
        tags: ['audit'],
        summary: 'Live (the workflow’s Query) against projected (PostgreSQL): do they agree?',
        description:
          'Needs a worker (503 while none polls). `behind`: events the projection has not yet applied.',
        security,
        params: episodeIdParams,
        response: {
          200: z.object({
            live: z.looseObject({ eventCount: z.number(), phase: z.string(), level: z.string() }),
            projected: z.looseObject({ eventCount: z.number(), phase: z.string(), level: z.string() }),
            behind: z.number(),
            agree: z.boolean(),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      assertEpisodeAccess(principalOf(req), req.params.id);
      const live = await liveEpisodeState(deps, req.params.id);
      const projected = await episodeState(deps, req.params.id, live.eventCount);
      const behind = live.eventCount - projected.eventCount;
      const same = (k: 'phase' | 'level' | 'response' | 'closedAt') => live[k] === projected[k];
      type Loose = { [k: string]: unknown; eventCount: number; phase: string; level: string };
      return {
        live: live as unknown as Loose,
        projected: projected as unknown as Loose,
        behind,
        agree: behind === 0 && same('phase') && same('level') && same('response') && same('closedAt'),
      };
    },
  );
};
