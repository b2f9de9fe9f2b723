/**
 * The office console (浏览器控制台): static ES modules under /console/ (Preact + htm, no build step),
 * plus one read-only, presentational route the pages need (who am I, the plan's report form and
 * labels). Every data call of the console goes to the ordinary API, with the session cookie of an
 * OpenID Connect sign-in (routes/sign-in.ts) or, without an identity provider, a bearer token.
 *
 * The page works under helmet's default CSP (script-src 'self'): no inline script, no import map —
 * the vendored preact/hooks module is served with its bare `preact` import rewritten to a relative one.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EPISODE_EVENT_TYPES, type Unit, defaultPlan, getPlan, listPlans } from '../../domain/index.js';

/** Units of the counties' plans that the city's plan does not name. */
function countyUnits(): Unit[] {
  const known = new Set(defaultPlan.units.map((u) => u.id));
  const out: Unit[] = [];
  for (const p of listPlans()) {
    for (const u of getPlan(p.id, p.version).units) {
      if (known.has(u.id)) continue;
      known.add(u.id);
      out.push(u);
    }
  }
  return out;
}
import { ANY_ROLE } from '../access.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { errorBody } from '../schemas.js';
import { getPrincipal } from '../principal-store.js';
import { principalOf } from '../security.js';
import { DEFAULT_SESSION_SETTINGS } from '../sessions.js';

const here = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_ROOT = join(here, '..', '..', '..', 'console');
const require = createRequire(import.meta.url);

/** Vendored ES modules: name → [package entry resolved by node, the ESM file beside it]. */
const VENDOR: Record<string, [string, string]> = {
  'preact.module.js': ['preact', 'preact.module.js'],
  'hooks.module.js': ['preact/hooks', 'hooks.module.js'],
  'htm.module.js': ['htm', 'htm.module.js'],
  // reads a photo's EXIF in the browser before the canvas compresses it away (console/photo-prep.js)
  'exifr.js': ['exifr', 'lite.esm.mjs'],
};
const vendorCache = new Map<string, string>();
async function vendorModule(name: string): Promise<string | null> {
  const spec = VENDOR[name];
  if (!spec) return null;
  let text = vendorCache.get(name);
  if (text === undefined) {
    const file = join(dirname(require.resolve(spec[0])), spec[1]);
    text = (await readFile(file, 'utf8'))
      .replace(/from\s*"preact"/g, 'from"./preact.module.js"')
      .replace(/\/\/# sourceMappingURL=.*$/gm, '');
    vendorCache.set(name, text);
  }
  return text;
}

const hide = { hide: true } as const;

export const consoleRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  await app.register(fastifyStatic, { root: CONSOLE_ROOT, serve: false });

  app.get('/console', { config: { access: 'public' }, schema: hide }, async (_req, reply) =>
    reply.redirect('/console/'),
  );

  app.get<{ Params: { '*': string } }>(
    '/console/*',
    { config: { access: 'public' }, schema: hide },
    async (req, reply) => {
      const path = req.params['*'] || 'index.html';
      if (path.startsWith('vendor/')) {
        const text = await vendorModule(path.slice('vendor/'.length));
        if (text === null) throw notFound('file');
        return reply
          .header('content-type', 'text/javascript; charset=utf-8')
          .header('cache-control', 'public, max-age=3600')
          .send(text);
      }
      if (!/^[a-z0-9][a-z0-9._/-]*\.(html|js|css|svg)$/i.test(path) || path.includes('..')) {
        throw notFound('file');
      }
      return reply.header('cache-control', 'no-cache').sendFile(path);
    },
  );

  app.get(
    '/console/api/session',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: ['console'],
        summary: 'Who am I, and the plan data the console renders (units, duties, report form)',
        security: [{ bearerAuth: [] }],
        response: {
          200: z.object({
            principal: z.object({
              id: z.string(),
              name: z.string().describe("the person's name ('' when none was given)"),
              role: z.string(),
              unit: z.string().nullable(),
            }),
            session: z
              .object({
                csrfToken: z.string().describe('send it as X-CSRF-Token with every state-changing request'),
                idleSeconds: z.number().describe('the session ends after this long without activity'),
                expiresAt: z.string().describe('the session ends at this instant in any case'),
              })
              .nullable()
              .describe('the cookie session of an OpenID Connect sign-in (null with a bearer token)'),
            plan: z.object({ id: z.string(), version: z.number(), name: z.string() }),
            units: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                jurisdiction: z.string().nullable(),
                filesDailyReport: z.boolean(),
              }),
            ),
            jurisdictions: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string() })),
            duties: z.array(z.object({ id: z.string(), title: z.string() })),
            reportForm: z.object({
              title: z.string(),
              fields: z.array(z.looseObject({ name: z.string(), label: z.string(), type: z.string() })),
            }),
            eventTypes: z.array(z.string()),
          }),
          401: errorBody,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const session = req.consoleSession;
      const name = session?.displayName || ((await getPrincipal(deps.pool, p.id))?.name ?? '');
      return {
        principal: { id: p.id, name, role: p.role, unit: p.unit ?? null },
        session: session
          ? {
              csrfToken: session.csrfToken,
              idleSeconds: Math.round((deps.signIn?.session ?? DEFAULT_SESSION_SETTINGS).idleMs / 1000),
              expiresAt: session.expiresAt,
            }
          : null,
        plan: { id: defaultPlan.id, version: defaultPlan.version, name: defaultPlan.name },
        // the city's units, then the counties' own (their commanders, branch heads, governments)
        units: [...defaultPlan.units, ...countyUnits()].map((u) => ({
          id: u.id,
          name: u.name,
          jurisdiction: u.jurisdiction ?? null,
          filesDailyReport: u.filesDailyReport,
        })),
        jurisdictions: defaultPlan.jurisdictions.map((j) => ({ id: j.id, name: j.name, kind: j.kind })),
        duties: defaultPlan.duties.map((d) => ({ id: d.id, title: d.title })),
        reportForm: {
          title: defaultPlan.reportForm.title,
          fields: defaultPlan.reportForm.fields.map((f) => ({ ...f })),
        },
        eventTypes: [...EPISODE_EVENT_TYPES],
      };
    },
  );
};
