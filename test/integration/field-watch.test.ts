/**
 * The field watch on the time-skipping server: a case opened today is left open; a day and a bit
 * past its due date (time skipped, not waited), one pass of `fieldWatchWorkflow` tells its owner and
 * then the office in Chinese, and a later pass tells nobody again.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../src/adapters/field/cases.js';
import { caseDueAt, defaultPlan } from '../../src/domain/index.js';
import { episodeWorker, skipTo, timeSkippingSuite } from '../episode-harness.js';

const suite = timeSkippingSuite();

describe('the field watch (time-skipping)', () => {
  it('escalates an overdue case along the plan’s ladder, each step once', { timeout: 60_000 }, async () => {
    const { env, pool } = suite;
    const enterpriseId = `fwt-${randomBytes(3).toString('hex')}`;
    await pool.query(
      `INSERT INTO enterprises (id, name, uscc, county, grade, grade_label, key_enterprise)
       VALUES ($1, '凌源市永兴化工有限公司', $1, 'lingyuan', 'C', 'C', true)`,
      [enterpriseId],
    );
    const openedAt = await env.currentTimeMs();
    const { row } = await openCase(pool, {
      kind: 'evidence',
      enterpriseId,
      county: 'lingyuan',
      episodeId: null,
      ownerUnit: 'branch.lingyuan',
      title: '',
      openedAt,
      openedBy: 'test',
    });
    const due = caseDueAt(defaultPlan, defaultPlan.field!, 'evidence', openedAt);
    expect(row.due_at.getTime()).toBe(due);
    const sent = async () =>
      (
        await pool.query<{ recipient_id: string; title: string; body: string }>(
          `SELECT recipient_id, title, body FROM notification_deliveries WHERE idempotency_key LIKE $1 ORDER BY id`,
          [`field-case:${row.id}:%`],
        )
      ).rows;
    const { worker, taskQueue } = await episodeWorker(env, pool);
    // a plain client: the environment's own would skip time while it waits for the result
    const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    const pass = (n: number) =>
      client.workflow.execute('fieldWatchWorkflow', {
        taskQueue,
        workflowId: `fw-${row.id}-${n}`,
        args: [{}],
      });
    await worker.runUntil(async () => {
      await pass(1);
      expect(await sent()).toEqual([]);
      await skipTo(env, due + 25 * 3_600_000);
      await pass(2);
      const told = await sent();
      expect(told.map((m) => m.recipient_id)).toEqual(['branch.lingyuan', 'office']);
      expect(told[0]!.body).toContain('凌源分局：凌源市永兴化工有限公司的调查取证');
      expect(told[0]!.body).toContain('现逾期25小时，请立即办理并在系统中记录结果');
      expect(told[1]!.title).toBe('案件逾期未办结：凌源市永兴化工有限公司（凌源分局）');
      await skipTo(env, due + 48 * 3_600_000);
      await pass(3);
      expect(await sent()).toHaveLength(2);
    });
    const { rows } = await pool.query<{ escalated_steps: number }>(
      'SELECT escalated_steps FROM field_cases WHERE id = $1',
      [row.id],
    );
    expect(rows[0]!.escalated_steps).toBe(2);
  });
});
