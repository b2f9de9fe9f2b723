/**
 * The OpenAPI document as a generator reads it: valid 3.1 with zero lint warnings (Redocly's
 * recommended rules), an operationId per operation, problem+json errors, Idempotency-Key and
 * Location declared; a client generated from it (openapi-typescript) type-checks a call.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';
import type { OpenAPIV3_1 as O } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../../src/api/app.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
let app: App;
let doc: O.Document;
beforeAll(async () => {
  // the document needs no servers: routes are only registered, never called
  app = await buildApp({ temporal: {} as never, pool: {} as never, taskQueue: 'openapi', logger: false });
  await app.ready();
  doc = structuredClone(app.swagger()) as O.Document;
});
afterAll(() => app?.close());

const operations = () =>
  Object.entries(doc.paths ?? {}).flatMap(([p, item]) =>
    (['get', 'post', 'put', 'delete', 'patch'] as const)
      .filter((m) => item?.[m])
      .map((m) => ({ method: m, path: p, op: item![m]! })),
  );

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1, valid, with zero warnings of the recommended lint rules', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await SwaggerParser.validate(structuredClone(doc) as never);
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(doc),
      config,
      absoluteRef: 'openapi.json',
    });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} ${p.location[0]?.pointer}`)).toEqual(
      [],
    );
  });

  it('pages every list one way: limit + cursor in, nextCursor and a Link rel="next" header out', () => {
    const lists = operations().filter(({ op }) =>
      JSON.stringify((op.responses?.['200'] as O.ResponseObject)?.content ?? {}).includes('"nextCursor"'),
    );
    expect(lists.map((l) => `${l.method.toUpperCase()} ${l.path}`).sort()).toEqual([
      'GET /admin-log',
      'GET /enterprises',
      'GET /episodes',
      'GET /episodes/{id}/notifications',
      'GET /episodes/{id}/reports',
    ]);
    for (const { path: p, op } of lists) {
      const params = (op.parameters ?? []) as O.ParameterObject[];
      expect(
        params.filter((x) => x.in === 'query').map((x) => x.name),
        p,
      ).toEqual(expect.arrayContaining(['limit', 'cursor']));
      expect(
        params.some((x) => x.name === 'offset'),
        p,
      ).toBe(false);
      expect((op.responses!['200'] as O.ResponseObject).headers?.Link, p).toBeDefined();
    }
  });

  it('documents the episode view field by field, with an example', () => {
    const view = doc.components?.schemas?.EpisodeView as O.SchemaObject;
    expect(view).toBeDefined();
    expect(view.additionalProperties).toBe(false);
    expect(Object.keys(view.properties ?? {})).toEqual(
      expect.arrayContaining(['phase', 'level', 'pendingProposal', 'duties', 'decisions', 'recentEvents']),
    );
    expect((view.properties!.phase as O.SchemaObject).enum).toEqual([
      'consultation',
      'proposed',
      'early-response',
      'active',
      'lifting',
      'closed',
    ]);
    expect((view as { examples?: unknown[] }).examples?.length).toBe(1);
    const get = doc.paths!['/episodes/{id}']!.get!.responses!['200'] as O.ResponseObject;
    expect(JSON.stringify(get.content)).toContain('#/components/schemas/EpisodeView');
  });

  it('names every operation, and declares Idempotency-Key, Location and problem+json errors', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(30);
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { method, path: p, op } of ops) {
      const where = `${method.toUpperCase()} ${p}`;
      if (method === 'post') {
        const params = (op.parameters ?? []) as O.ParameterObject[];
        expect(
          params.some((x) => x.in === 'header' && x.name === 'Idempotency-Key'),
          where,
        ).toBe(true);
      }
      for (const [status, r] of Object.entries(op.responses ?? {}) as Array<[string, O.ResponseObject]>) {
        if (Number(status) >= 400) {
          expect(Object.keys(r.content ?? {}), `${where} ${status}`).toEqual(['application/problem+json']);
        }
        if (status === '202') expect(r.headers?.Location, where).toBeDefined();
      }
    }
    // a binary route's errors are not typed as its own media type
    const photo = doc.paths?.['/photos/{id}']?.get?.responses as Record<string, O.ResponseObject>;
    expect(Object.keys(photo['200']?.content ?? {})).toContain('image/jpeg');
    expect(Object.keys(photo['404']?.content ?? {})).toEqual(['application/problem+json']);
    expect(doc.components?.schemas?.Problem).toMatchObject({
      required: expect.arrayContaining(['type', 'code']),
    });
  });

  it('generates a TypeScript client whose calls type-check (and a wrong call does not)', async () => {
    const types = astToString(await openapiTS(structuredClone(doc) as never));
    const dir = await mkdtemp(path.join(ROOT, 'test', '.openapi-client-'));
    try {
      await writeFile(path.join(dir, 'api.ts'), types);
      await writeFile(
        path.join(dir, 'call.ts'),
        `import type { components, paths } from './api.js';
type Start = paths['/episodes']['post'];
type StartBody = NonNullable<Start['requestBody']>['content']['application/json'];
type Accepted = Start['responses'][202]['content']['application/json'];
type Problem = components['schemas']['Problem'];
export async function startEpisode(body: StartBody, key: string): Promise<Accepted | Problem> {
  const header: NonNullable<Start['parameters']['header']> = { 'Idempotency-Key': key };
  const res = await fetch('/episodes', {
    method: 'POST',
    headers: { ...header, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Accepted | Problem;
}
export const ok = startEpisode({ jurisdiction: 'chaoyang', forecast: [{ date: '2026-12-02', aqi: 230 }] }, 'k1');
export const problemCode = (p: Problem): string => p.code + p.status.toFixed(0);
// @ts-expect-error an AQI is a number
export const wrong: StartBody = { jurisdiction: 'chaoyang', forecast: [{ date: '2026-12-02', aqi: 'high' }] };
`,
      );
      const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const args = [
        '--noEmit',
        '--strict',
        '--target',
        'ES2022',
        '--module',
        'NodeNext',
        '--moduleResolution',
        'NodeNext',
        '--lib',
        'ES2023,DOM',
        '--skipLibCheck',
        '--types',
        'node',
        path.join(dir, 'call.ts'),
      ];
      const result = await new Promise<{ code: number; out: string }>((resolve) =>
        execFile(process.execPath, [tsc, ...args], { cwd: ROOT }, (err, stdout, stderr) =>
          resolve({ code: err ? 1 : 0, out: stdout + stderr }),
        ),
      );
      expect(result.out).toBe('');
      expect(result.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
