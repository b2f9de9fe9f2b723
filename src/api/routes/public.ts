/** The public feed of warnings: Atom entries linking to each CAP 1.2 message. No authentication. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { defaultPlan, toCstIso } from '../../domain/index.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { booleanQuery, errorBody } from '../schemas.js';

const xmlEscape = (s: string) =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );

const capIdentifier = z.object({
  identifier: z.string().regex(/^[A-Za-z0-9:._-]{1,200}$/, 'a CAP identifier'),
});

interface CapRow {
  identifier: string;
  episode_id: string;
  msg_type: string;
  level: string;
  jurisdiction: string;
  exercise: boolean;
  sent: Date;
}

export const publicRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const base = (deps.publicUrl ?? '').replace(/\/$/, '');

  app.get(
    '/public/cap',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: 60_000 } },
      schema: {
        tags: ['public'],
        summary: 'Atom feed of current and recent public warnings (CAP 1.2 entries)',
        produces: ['application/atom+xml'],
        querystring: z.strictObject({
          days: z.coerce.number().int().min(1).max(366).default(30),
          includeExercises: booleanQuery.default(false),
        }),
        response: { 200: z.string().describe('Atom 1.0 feed'), 400: errorBody },
      },
    },
    async (req, reply) => {
      const { rows } = await deps.pool.query<CapRow>(
        `SELECT identifier, episode_id, msg_type, level, jurisdiction, exercise, sent FROM cap_alerts
         WHERE sent > now() - make_interval(days => $1::int) AND ($2::boolean OR NOT exercise)
         ORDER BY sent DESC, identifier DESC LIMIT 200`,
        [req.query.days, req.query.includeExercises],
      );
      const levelName = (l: string) => defaultPlan.warning.levels.find((x) => x.level === l)?.name ?? l;
      const placeName = (j: string) => defaultPlan.jurisdictions.find((x) => x.id === j)?.name ?? j;
      const updated = rows[0] ? toCstIso(rows[0].sent.getTime()) : toCstIso(Date.now());
      const entries = rows.map((r) => {
        const href = `${base}/public/cap/${encodeURIComponent(r.identifier)}`;
        const title = `${placeName(r.jurisdiction)} ${levelName(r.level)} (${r.msg_type}${r.exercise ? ', Exercise' : ''})`;
        const sent = toCstIso(r.sent.getTime());
        return [
          '  <entry>',
          `    <id>urn:smog-response:cap:${xmlEscape(r.identifier)}</id>`,
          `    <title>${xmlEscape(title)}</title>`,
          `    <updated>${sent}</updated>`,
          `    <link rel="alternate" type="application/cap+xml" href="${xmlEscape(href)}"/>`,
          `    <category term="${xmlEscape(r.level)}"/>`,
          `    <summary>${xmlEscape(`${r.msg_type} ${r.level} ${r.jurisdiction} ${sent}`)}</summary>`,
          '  </entry>',
        ].join('\n');
      });
      const xml = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        `  <id>urn:smog-response:cap-feed:${xmlEscape(defaultPlan.jurisdiction)}</id>`,
        `  <title>${xmlEscape(defaultPlan.name)} — CAP</title>`,
        `  <updated>${updated}</updated>`,
        `  <link rel="self" type="application/atom+xml" href="${xmlEscape(`${base}/public/cap`)}"/>`,
        ...entries,
        '</feed>',
        '',
      ].join('\n');
      return reply.header('content-type', 'application/atom+xml; charset=utf-8').send(xml);
    },
  );

  app.get(
    '/public/cap/:identifier',
    {
      config: { access: 'public', rateLimit: { max: 240, timeWindow: 60_000 } },
      schema: {
        tags: ['public'],
        summary: 'One public warning as CAP 1.2 XML',
        produces: ['application/cap+xml'],
        params: capIdentifier,
        response: { 200: z.string().describe('CAP 1.2 alert'), 400: errorBody, 404: errorBody },
      },
    },
    async (req, reply) => {
      const { rows } = await deps.pool.query<{ xml: string }>(
        'SELECT xml FROM cap_alerts WHERE identifier = $1',
        [req.params.identifier],
      );
      if (!rows[0]) throw notFound('alert');
      return reply.header('content-type', 'application/cap+xml; charset=utf-8').send(rows[0].xml);
    },
  );
};
