/**
 * One way to page every list of the API: `limit` and an opaque `cursor` in the query; the answer
 * carries `nextCursor` (null on the last page) and, while there is a next page, the header
 * `Link: <same URL with cursor=…>; rel="next"` (RFC 8288), added here for every such answer. Lists
 * ordered by a unique key page by keyset (GET /episodes); the others encode their position.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { badRequest } from './errors.js';

export const cursorQuery = z
  .string()
  .min(1)
  .max(500)
  .optional()
  .describe('the `nextCursor` of the previous page (opaque); absent = the first page');

const positionCursor = z.strictObject({ o: z.number().int().min(0).max(10_000_000) });

/** The position a cursor of a positional list stands for (0 without one); 400 naming the parameter. */
export function positionOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    return positionCursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).o;
  } catch {
    throw badRequest('cursor: not a cursor of this listing', {
      issues: [{ path: 'querystring.cursor', message: 'invalid' }],
    });
  }
}

/** The cursor of the page after `position + pageLength` items, or null when `total` says there is none. */
export function nextPositionCursor(position: number, pageLength: number, hasMore: boolean): string | null {
  if (!hasMore) return null;
  return Buffer.from(JSON.stringify({ o: position + pageLength })).toString('base64url');
}

/** The RFC 8288 header of the next page of `url` (path and query of the request). */
export function nextLink(url: string, nextCursor: string): string {
  const [path = '', query = ''] = url.split('?');
  const params = new URLSearchParams(query);
  params.set('cursor', nextCursor);
  return `<${path}?${params.toString()}>; rel="next"`;
}

/** Top-level only: the lists answer nextCursor as their last key. */
const NEXT = /"nextCursor":"([A-Za-z0-9_-]{1,500})"}$/;

/** Adds `Link: rel="next"` to every JSON answer that names a next page. */
export function installNextLinks(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    const match = NEXT.exec(payload);
    if (match?.[1]) reply.header('link', nextLink(req.url, match[1]));
    return payload;
  });
}

/** OpenAPI: the header of a page that has a next one (finishDocument adds it to every paged list). */
export const LINK_HEADER = {
  description: 'RFC 8288: `<…?cursor=…>; rel="next"` while there is a next page',
  schema: { type: 'string' as const },
  example:
    '</episodes?limit=50&cursor=eyJkIjoiMjAyNi0xMi0wMiIsImkiOiJlcGlzb2RlOnNodWFuZ3RhOjIwMjYtMTItMDI6MSJ9>; rel="next"',
};
