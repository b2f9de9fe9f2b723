/**
 * The public warnings, no authentication: the Atom feed of CAP 1.2 alerts (in force by default,
 * `?all=true` for the archive), each alert as CAP XML and in the national format, and the page.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { buildCapFeed, feedEtag, loadFeed, notModified } from '../../adapters/notification/cap-feed.js';
import { defaultPlan } from '../../domain/index.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { booleanQuery, errorBody } from '../schemas.js';
import { publicBase, publicSenderDefault } from '../public-links.js';
import { publicWarningPage } from './public-warnings.js';

const capIdentifier = z.object({
  identifier: z.string().regex(/^[A-Za-z0-9:._-]{1,200}$/, 'a CAP identifier'),
});

const notModifiedBody = z.null().describe('Not Modified: the copy the client has is current');

/** Shared caches may keep public answers this long (aggregators poll every few minutes). */
export const PUBLIC_MAX_AGE_SECONDS = 60;
const CACHE_CONTROL = `public, max-age=${PUBLIC_MAX_AGE_SECONDS}`;

export const publicRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const sender = deps.publicSender ?? publicSenderDefault;

  app.get(
    '/public/cap',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: 60_000 } },
      schema: {
        tags: ['public'],
        summary: 'Atom feed of the public warnings in force (CAP 1.2 entries); ?all=true: the archive',
        produces: ['application/atom+xml'],
        querystring: z.strictObject({
          all: booleanQuery.default(false),
          days: z.coerce.number().int().min(1).max(366).default(30),
          includeExercises: booleanQuery.default(false),
        }),
        response: { 200: z.string().describe('Atom 1.0 feed'), 304: notModifiedBody, 400: errorBody },
      },
    },
    async (req, reply) => {
      const snapshot = await loadFeed(deps.pool, req.query);
      const body = buildCapFeed(
        { plan: defaultPlan, baseUrl: publicBase(deps, req), sender, query: req.query },
        snapshot,
      );
      const etag = feedEtag(body);
      reply
        .header('cache-control', CACHE_CONTROL)
        .header('etag', etag)
        .header('last-modified', snapshot.lastModified.toUTCString());
      if (notModified(req.headers, etag, snapshot.lastModified)) return reply.code(304).send(null);
      return reply.header('content-type', 'application/atom+xml; charset=utf-8').send(body);
    },
  );

  app.get(
    '/public/cap/:identifier',
    {
      config: { access: 'public', rateLimit: { max: 240, timeWindow: 60_000 } },
      schema: {
        tags: ['public'],
        summary: 'One public warning as CAP 1.2 XML; ?format=gbt35965 in the national format (GB/T 35965.1)',
        produces: ['application/cap+xml', 'application/xml'],
        params: capIdentifier,
        querystring: z.strictObject({ format: z.enum(['cap', 'gbt35965']).default('cap') }),
        response: {
          200: z.string().describe('CAP 1.2 alert'),
          304: z.null(),
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (req, reply) => {
      const { rows } = await deps.pool.query<{ xml: string; national_xml: string | null }>(
        'SELECT xml, national_xml FROM cap_alerts WHERE identifier = $1',
        [req.params.identifier],
      );
      const national = req.query.format === 'gbt35965';
      const xml = national ? rows[0]?.national_xml : rows[0]?.xml;
      if (!xml) throw notFound(national ? 'alert in the national format' : 'alert');
      // An issued alert never changes: it may be cached for long.
      const etag = feedEtag(xml);
      reply.header('cache-control', 'public, max-age=86400, immutable').header('etag', etag);
      if (notModified({ 'if-none-match': req.headers['if-none-match'] }, etag, new Date(0))) {
        return reply.code(304).send(null);
      }
      return reply
        .header('content-type', `${national ? 'application/xml' : 'application/cap+xml'}; charset=utf-8`)
        .send(xml);
    },
  );

  await app.register(publicWarningPage, { deps, cacheControl: CACHE_CONTROL });
};
