/**
 * Unbounded photos (security finding 6): a tiny file claiming 60,000 × 60,000 pixels, a unit's quota,
 * uploads refused before their body is read (real socket), no-store, delete, and the orphan clean-up
 * (activity and its schedule).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePhotoCleanupSchedule, photoCleanupActivities } from '../../../src/activities/photo-cleanup.js';
import type { App } from '../../../src/api/app.js';
import { unitPhotoBytes } from '../../../src/api/photo-checks.js';
import { type IntegrationContext, integrationContext } from '../../helpers.js';
import {
  PNG_1x1,
  type PrincipalKey,
  type TestPrincipal,
  bearer,
  multipart,
  seedPrincipals,
  testApp,
} from './api-helpers.js';

let ctx: IntegrationContext;
let who: Record<PrincipalKey, TestPrincipal>;
let app: App;
let port: number;
beforeAll(async () => {
  ctx = await integrationContext();
  who = await seedPrincipals(ctx);
  // the default quota: other test files of the run store this file's units' photos too (the quota
  // test below sets its own, above what is stored)
  app = await testApp(ctx, 'no-worker', {
    photos: { maxSide: 12_000, maxPixels: 50_000_000, unitQuotaBytes: 2 * 1024 ** 3 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

/** A PNG header claiming width × height (the pixels are never there). */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 6, 0, 0, 0], 16);
  return Buffer.concat([PNG_1x1.subarray(0, 8), ihdr, Buffer.alloc(16)]);
}
const upload = (p: TestPrincipal, data: Buffer, url = '/photos') => {
  const body = multipart([{ name: 'p', filename: 'x.png', contentType: 'image/png', data }]);
  return app.inject({
    method: 'POST',
    url,
    headers: { ...bearer(p), ...body.headers },
    payload: body.payload,
  });
};
/** Sends only the head of a 10 MB multipart upload; resolves with the first answer line. */
function headOnly(p: TestPrincipal, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d;
      if (answer.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(answer.split('\r\n')[0]!);
      }
    });
    socket.on('error', reject);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${p.token}\r\n` +
        'Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 10000000\r\n\r\n',
    );
  });
}

describe('photos', () => {
  it('a 57-byte file claiming 60,000 × 60,000 pixels is refused (422), nothing stored', async () => {
    const before = (await ctx.pool.query('SELECT count(*)::int AS n FROM photos')).rows[0].n;
    const res = await upload(who.enforcement, pngClaiming(60_000, 60_000));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'image_too_large' });
    expect(res.json().detail).toContain('60000×60000');
    expect((await ctx.pool.query('SELECT count(*)::int AS n FROM photos')).rows[0].n).toBe(before);
  });

  it('a unit’s quota: past it an upload is refused, and once full before its body is read', async () => {
    const p = who.shuangta;
    // other test files of the run keep photos of this unit: the quota is 200 bytes above them
    const used = await unitPhotoBytes(ctx.pool, p.unit!);
    const quota = used + 200;
    await app.close();
    app = await testApp(ctx, 'no-worker', {
      photos: { maxSide: 12_000, maxPixels: 50_000_000, unitQuotaBytes: quota },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as net.AddressInfo).port;
    const first = await upload(p, PNG_1x1);
    expect(first.statusCode).toBe(201);
    const id = first.json().photos[0].id as string;
    const row = await ctx.pool.query('SELECT width, height FROM photos WHERE id = $1', [id]);
    expect(row.rows[0]).toEqual({ width: 1, height: 1 });
    const got = await app.inject({ method: 'GET', url: `/photos/${id}`, headers: bearer(p) });
    expect(got.headers['cache-control']).toBe('private, no-store');
    expect((await upload(p, PNG_1x1)).statusCode).toBe(201); // 2 × 70 bytes of 200
    const over = await upload(p, PNG_1x1);
    expect(over.statusCode).toBe(413);
    expect(over.json().code).toBe('quota_exceeded');
    // fill it exactly, then a 10 MB upload is answered from its head alone
    const now = await unitPhotoBytes(ctx.pool, p.unit!);
    await ctx.pool.query('UPDATE photos SET size = size + $2 WHERE id = $1', [id, quota - now]);
    expect(await headOnly(p, '/photos')).toMatch(/^HTTP\/1\.1 413/);
    // the quota is the unit's: back to the default limits, other units upload as before
    await app.close();
    app = await testApp(ctx, 'no-worker');
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as net.AddressInfo).port;
    expect((await upload(who.enforcement, PNG_1x1)).statusCode).toBe(201);
  });

  it('a report upload to an episode the unit may not see is refused before its body is read', async () => {
    const other = encodeURIComponent('episode:shuangta:2026-12-02:1');
    expect(await headOnly(who.beipiao, `/episodes/${other}/reports`)).toMatch(/^HTTP\/1\.1 403/);
  });

  it('a unit deletes its own unused photo; not another unit’s', async () => {
    const id = (await upload(who.enforcement, PNG_1x1)).json().photos[0].id as string;
    const del = (p: TestPrincipal) =>
      app.inject({ method: 'DELETE', url: `/photos/${id}`, headers: bearer(p) });
    expect((await del(who.beipiao)).statusCode).toBe(403);
    expect((await del(who.enforcement)).statusCode).toBe(204);
    expect((await del(who.enforcement)).statusCode).toBe(404);
  });

  it('orphans older than the grace period are deleted; photos a report names are kept', async () => {
    const unit = 'branch.jianping';
    const ins = (age: string) =>
      ctx.pool.query<{ id: string }>(
        `INSERT INTO photos (unit_id, uploaded_by, content_type, size, sha256, data, created_at)
         VALUES ($1, 'x', 'image/png', 1, 'h', '\\x00', now() - $2::interval) RETURNING id`,
        [unit, age],
      );
    const oldOrphan = (await ins('100 hours')).rows[0]!.id;
    const young = (await ins('1 hour')).rows[0]!.id;
    const named = (await ins('100 hours')).rows[0]!.id;
    await ctx.pool.query(
      `INSERT INTO unit_reports (report_id, episode_id, unit_id, response_day, fields, submitted_by, late, submitted_at)
       VALUES ('orph', $1, $2, 1, $3, 'x', false, now())`,
      [`episode:jianping:orphans-${Date.now()}:1`, unit, JSON.stringify({ photoIds: [named] })],
    );
    const { deleted } = await photoCleanupActivities(ctx.pool).deleteOrphanPhotos({ olderThanHours: 72 });
    expect(deleted).toBeGreaterThanOrEqual(1);
    const left = (
      await ctx.pool.query('SELECT id FROM photos WHERE id = ANY($1)', [[oldOrphan, young, named]])
    ).rows.map((r) => r.id);
    expect(left.sort()).toEqual([young, named].sort());
  });

  it('the clean-up schedule is created once, whatever the number of worker starts', async () => {
    const opts = { taskQueue: 'smog-response-test', olderThanHours: 72 };
    // other files' workers may have created it on the run's shared server: start from none
    await ctx.client.schedule
      .getHandle('photo-cleanup')
      .delete()
      .catch(() => undefined);
    expect(await ensurePhotoCleanupSchedule(ctx.client, opts)).toBe('created');
    expect(await ensurePhotoCleanupSchedule(ctx.client, opts)).toBe('exists');
    const handle = ctx.client.schedule.getHandle('photo-cleanup');
    const d = await handle.describe();
    expect(d.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'photoCleanupWorkflow',
      taskQueue: 'smog-response-test',
    });
    await handle.delete();
  });
});
