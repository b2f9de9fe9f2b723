/**
 * Late reports filed "on time" (security finding 5), over a real socket: a unit opens its request before
 * the deadline and sends the body after it; the receipt time the workflow judges by is when the body
 * was complete. A body trickled in forever is cut off by the request timeout.
 */
import net from 'node:net';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/api/app.js';
import { type IntegrationContext, integrationContext } from '../../helpers.js';
import { PNG_1x1, type TestPrincipal, bearer, multipart, seedPrincipals, testApp } from './api-helpers.js';

/** Temporal as the API sees it, recording the Update it is sent (the workflow's lateness rule is tested elsewhere). */
function recordingTemporal(sent: unknown[]): Client {
  const handle = {
    executeUpdate: async (_def: unknown, opts: { args: [Record<string, unknown>] }) => {
      sent.push(opts.args[0]);
      const r = opts.args[0];
      return {
        reportId: r.reportId,
        unitId: r.unitId,
        responseDay: r.responseDay,
        late: false,
        replaced: false,
        duplicate: false,
      };
    },
  };
  return {
    withDeadline: (_: number, fn: () => Promise<unknown>) => fn(),
    workflow: { getHandle: () => handle },
  } as unknown as Client;
}

let ctx: IntegrationContext;
let app: App;
let unit: TestPrincipal;
let port: number;
const sent: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  ctx = await integrationContext();
  unit = (await seedPrincipals(ctx)).shuangta;
  app = await testApp(ctx, 'slow-body', {
    temporal: recordingTemporal(sent),
    timeouts: { requestMs: 1_500, connectionMs: 10_000 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

/** Sends the head now and the body after `delayMs` over one socket; resolves with the raw answer. */
function slowRequest(path: string, body: string, delayMs: number, sendBody = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => {
      answer += d;
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${unit.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
    );
    if (sendBody) setTimeout(() => socket.write(body), delayMs);
  });
}

const report = (photoId: string) =>
  JSON.stringify({
    responseDay: 1,
    reportId: 'slow-1',
    fields: {
      onSiteSupervisionCount: 1,
      enterprisesPatrolled: 1,
      onlineMonitoringChecks: 1,
      areaSourceActions: 1,
      vehiclesChecked: 1,
      machineryChecked: 1,
      problemsFound: 0,
      penalties: 0,
      photoIds: [photoId],
    },
  });

describe('receipt time of a report', () => {
  it('is when the body arrived, not when the request was opened', async () => {
    const upload = multipart([{ name: 'p', filename: 'a.png', contentType: 'image/png', data: PNG_1x1 }]);
    const photo = await app.inject({
      method: 'POST',
      url: '/photos',
      headers: { ...bearer(unit), ...upload.headers },
      payload: upload.payload,
    });
    expect(photo.statusCode).toBe(201);
    const photoId = (photo.json() as { photos: Array<{ id: string }> }).photos[0]!.id;
    const opened = Date.now();
    const deadline = opened + 400; // the request is opened before it …
    const answer = await slowRequest(
      `/episodes/${encodeURIComponent('episode:chaoyang:2026-12-02:1')}/reports`,
      report(photoId),
      1_000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 201/);
    expect(sent).toHaveLength(1);
    const receivedAt = Date.parse(String(sent[0]!.receivedAt));
    // … and the body after it: the report is received after the deadline (second precision in CST ISO)
    expect(receivedAt).toBeGreaterThan(deadline);
    expect(receivedAt).toBeGreaterThanOrEqual(Math.floor((opened + 1_000) / 1000) * 1000);
    expect(String(sent[0]!.receivedAt)).toMatch(/\+08:00$/);
  });

  it('a body that never comes is cut off by the request timeout (408), and nothing is sent on', async () => {
    const before = sent.length;
    const answer = await slowRequest(
      `/episodes/${encodeURIComponent('episode:shuangta:2026-12-02:1')}/reports`,
      report('x'),
      0,
      false,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(sent).toHaveLength(before);
  });
});
