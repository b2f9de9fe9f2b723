/**
 * The OpenAPI 3.1 document of the API, made usable by generators: after the zod schemas become JSON
 * Schema, every operation gets an `operationId`, POSTs declare `Idempotency-Key`, 202s their
 * `Location`, and every error response is `application/problem+json` (never the route's own media
 * type). Named schemas (`.meta({ id })`) become components.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { OpenAPIV3_1 as O } from 'openapi-types';
import { LINK_HEADER } from './pagination.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** `GET /episodes/{id}/reports/export` → `getEpisodesByIdReportsExport`. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((seg) => (seg.startsWith('{') ? `by-${seg.slice(1, -1)}` : seg))
    .flatMap((seg) => seg.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };
const STATUS_TEXT: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted: the command runs; follow Location',
  '204': 'No content',
  '304': 'Not modified (the ETag matches)',
  '400': 'The request is not valid (problem+json, `errors[]` names each field)',
  '401': 'No valid credentials',
  '403': 'Not allowed for this principal',
  '404': 'Not found',
  '409': 'Conflict with the current state',
  '412': 'Precondition failed',
  '413': 'Too large',
  '415': 'Unsupported media type',
  '422': 'Unprocessable',
  '429': 'Too many requests',
  '503': 'A dependency is unavailable; retry',
};

const IDEMPOTENCY_KEY: O.ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'A retry with the same key answers the first answer and does nothing twice (kept ≥ 24 h); the same ' +
    'key with another request answers 422.',
  schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' },
  example: '3f1c1c2e-1d7a-4f7e-9a55-0e9c3a1b2c4d',
};

/** Rewrites one operation in place. */
function finishOperation(method: string, path: string, op: O.OperationObject): void {
  op.operationId ??= operationIdOf(method, path);
  if (method === 'post') {
    op.parameters ??= [];
    const params = op.parameters as O.ParameterObject[];
    if (!params.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key')) {
      params.push(IDEMPOTENCY_KEY);
    }
  }
  // A public route says so (an empty requirement); the others declare theirs on the route. Whatever a
  // bearer token may call, the console's session cookie may call too (with X-CSRF-Token when it changes state).
  op.security ??= [];
  if (op.security.some((r) => 'bearerAuth' in r) && !op.security.some((r) => 'sessionCookie' in r)) {
    op.security.push({ sessionCookie: [] });
  }
  // the rate limit covers every route
  op.responses = { ...op.responses, '429': op.responses?.['429'] ?? { description: '' } };
  for (const [status, response] of Object.entries(op.responses ?? {}) as Array<[string, O.ResponseObject]>) {
    if (response.description === 'Default Response' || !response.description) {
      response.description = STATUS_TEXT[status] ?? `HTTP ${status}`;
    }
    if (Number(status) >= 400) {
      response.content = { 'application/problem+json': { schema: PROBLEM_REF as O.SchemaObject } };
    }
    // a paged list (its answer names nextCursor) declares the Link header of its next page
    if (status === '200' && JSON.stringify(response.content ?? {}).includes('"nextCursor"')) {
      response.headers = { ...response.headers, Link: LINK_HEADER };
    }
    if (status === '202') {
      response.headers = {
        ...response.headers,
        Location: { description: 'Where to read the outcome', schema: { type: 'string' } },
      };
    }
  }
}

export function finishDocument(doc: O.Document): O.Document {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (op) finishOperation(method, path, op);
    }
  }
  // zod registers an input and an output copy of each named schema: keep those the paths use, and
  // the ones those use in turn
  const schemas = doc.components?.schemas ?? {};
  const keep = new Set<string>();
  let frontier = JSON.stringify(doc.paths);
  while (frontier) {
    const found = [...frontier.matchAll(/"#\/components\/schemas\/([^"]+)"/g)]
      .map((m) => m[1]!)
      .filter((name) => !keep.has(name) && schemas[name]);
    for (const name of found) keep.add(name);
    frontier = found.map((name) => JSON.stringify(schemas[name])).join('');
  }
  for (const name of Object.keys(schemas)) if (!keep.has(name)) delete schemas[name];
  return doc;
}

/** The @fastify/swagger options of the app. */
export function swaggerOptions(info: O.InfoObject, extra: Partial<O.Document>): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info,
      servers: [{ url: '/', description: 'this server' }],
      ...extra,
    } as never,
    transform: jsonSchemaTransform,
    transformObject: (input) => finishDocument(jsonSchemaTransformObject(input) as O.Document) as never,
  };
}
