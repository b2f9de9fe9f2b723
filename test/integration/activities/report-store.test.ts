import { afterAll, describe, expect, inject, it } from 'vitest';
import { logOnlyActivityDeps } from '../../../src/activities/deps.js';
import { createActivities } from '../../../src/activities/index.js';
import { createPool } from '../../../src/db/pool.js';

const pool = createPool(inject('databaseUrl'), 3);
afterAll(() => pool.end());

describe('storeReport', () => {
  it('keys reports per episode: the same report id in two episodes stores both; a retry stores nothing twice', async () => {
    const activities = createActivities(logOnlyActivityDeps(pool));
    const stamp = Date.now();
    const episodes = [`episode:beipiao:store-${stamp}:1`, `episode:jianping:store-${stamp}:1`];
    for (const episodeId of episodes) {
      for (let attempt = 0; attempt < 2; attempt++) {
        await activities.storeReport({
          episodeId,
          unitId: 'enforcement',
          responseDay: 1,
          reportId: 'enforcement-d1',
          fields: { notes: episodeId },
          submittedBy: 'officer',
          late: false,
          at: '2026-11-29T16:00:00+08:00',
        });
      }
    }
    const { rows } = await pool.query(
      "SELECT episode_id, fields->>'notes' AS notes FROM unit_reports WHERE report_id = 'enforcement-d1' AND episode_id = ANY($1) ORDER BY episode_id",
      [episodes],
    );
    expect(rows).toEqual(episodes.sort().map((e) => ({ episode_id: e, notes: e })));
  });

  it('keys reports by unit: two units under one id keep both; the same key with other content fails loudly', async () => {
    const activities = createActivities(logOnlyActivityDeps(pool));
    const episodeId = `episode:chaoyang:store-${Date.now()}:1`;
    const base = {
      episodeId,
      responseDay: 1,
      reportId: 'R1',
      submittedBy: 'x',
      late: false,
      at: '2026-11-29T16:00:00+08:00',
    };
    await activities.storeReport({ ...base, unitId: 'enforcement', fields: { notes: '执法' } });
    await activities.storeReport({ ...base, unitId: 'branch.shuangta', fields: { notes: '双塔' } });
    await activities.storeReport({ ...base, unitId: 'branch.shuangta', fields: { notes: '双塔' } }); // a retry
    await expect(
      activities.storeReport({ ...base, unitId: 'branch.shuangta', fields: { notes: '别的内容' } }),
    ).rejects.toMatchObject({ type: 'report_conflict', nonRetryable: true });
    const { rows } = await pool.query(
      "SELECT unit_id, fields->>'notes' AS notes FROM unit_reports WHERE episode_id = $1 ORDER BY unit_id",
      [episodeId],
    );
    expect(rows).toEqual([
      { unit_id: 'branch.shuangta', notes: '双塔' },
      { unit_id: 'enforcement', notes: '执法' },
    ]);
  });
});
