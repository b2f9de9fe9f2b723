/**
 * Conditional GET for immutable binaries (documents, photos): a strong ETag from the content hash, and
 * 304 Not Modified when the caller's If-None-Match already names it (RFC 9110 §13.1.2).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const strongEtag = (hash: string) => `"${hash}"`;

/** Whether If-None-Match matches `etag` (a list, `*`, or weak forms compare weakly as §13.1.2 says). */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

/** Sets the ETag; answers 304 (and true) when the caller has this version already. */
export function answerNotModified(req: FastifyRequest, reply: FastifyReply, hash: string): boolean {
  const etag = strongEtag(hash);
  reply.header('etag', etag);
  if (!ifNoneMatch(req.headers['if-none-match'], etag)) return false;
  reply.code(304).send();
  return true;
}
