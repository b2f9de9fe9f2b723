/**
 * A message that a receiver has refused for longer than the plan's `deliveryAlertMinutes` raises
 * one alert to the office, while the send keeps failing (and so keeps being retried by Temporal).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../../src/activities/index.js';
import { createNotifier } from '../../../src/adapters/notification/notifier.js';
import { createPool } from '../../../src/db/pool.js';
import { defaultPlan } from '../../../src/domain/index.js';

const pool = createPool(inject('databaseUrl'), 3);
let receiver: http.Server;
let url: string;
let hits = 0;
beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    hits += 1;
    req.resume();
    res.writeHead(503).end('down for maintenance');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await pool.end();
});

const sender = {
  id: 'test@example.gov.cn',
  name: '测试',
  smsSignature: '测试',
  emailFrom: 'test@example.gov.cn',
};

function activitiesWithDownReceiver() {
  const routes = {
    default: [{ channel: 'log' as const }],
    recipients: { 'branch.beipiao': [{ channel: 'webhook' as const, url }] },
  };
  return createActivities({ pool, sender, notifier: createNotifier({ pool, routes, sender }) });
}

async function officeAlerts(episodeId: string) {
  const { rows } = await pool.query(
    "SELECT title, body FROM notification_deliveries WHERE episode_id = $1 AND recipient_id = 'office' AND step LIKE '%delivery-alert'",
    [episodeId],
  );
  return rows as Array<{ title: string; body: string }>;
}

describe('an undeliverable message', () => {
  const notifyInput = (episodeId: string) => ({
    episodeId,
    step: 'escalation:1:branch.beipiao:1',
    planId: defaultPlan.id,
    planVersion: defaultPlan.version,
    template: 'reportReminder',
    recipients: ['branch.beipiao'],
    vars: { unitName: '北票分局', itemLabel: '第1天工作日报', dueAt: '2026-11-29T17:00:00+08:00' },
    exercise: false,
  });

  it('keeps failing (retryable) without an alert before the plan-set time', async () => {
    const episodeId = `episode:beipiao:alert-${Date.now()}:1`;
    const env = new MockActivityEnvironment({ scheduledTimestampMs: Date.now() - 5 * 60_000, attempt: 3 });
    await expect(env.run(activitiesWithDownReceiver().notify, notifyInput(episodeId))).rejects.toThrow();
    expect(hits).toBeGreaterThan(0);
    expect(await officeAlerts(episodeId)).toEqual([]);
  });

  it('alerts the office once when it is still undelivered past deliveryAlertMinutes', async () => {
    const episodeId = `episode:beipiao:alert-${Date.now()}:2`;
    const firstScheduled = Date.now() - (defaultPlan.deadlines.deliveryAlertMinutes + 5) * 60_000;
    for (const attempt of [12, 13]) {
      const env = new MockActivityEnvironment({ scheduledTimestampMs: firstScheduled, attempt });
      await expect(env.run(activitiesWithDownReceiver().notify, notifyInput(episodeId))).rejects.toThrow();
    }
    const alerts = await officeAlerts(episodeId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.title).toContain('北票分局');
    expect(alerts[0]!.body).toContain('投递失败');
  });
});
