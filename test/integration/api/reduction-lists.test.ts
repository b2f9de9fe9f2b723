/**
 * The reduction list by year through HTTP: a year's list imported and published, next year's list
 * dropping an enterprise and changing a grade (B → B-), the differences, and the list an episode
 * assesses — the one in force when it started (a running episode keeps last year's).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assessDay, withUsccCheck } from '../../../src/adapters/power/index.js';
import { defaultPlan } from '../../../src/domain/index.js';
import { type TestPrincipal, apiSuite, bearer, multipart } from './api-helpers.js';

const s = apiSuite('reduction-lists-no-worker');

const tag = () => randomBytes(3).toString('hex').toUpperCase();
const uscc = () => withUsccCheck(`91211300${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`);
/** Years no other test uses (episodes of the other tests are dated 2100–2899). */
const base = 3000 + Math.floor(Math.random() * 300) * 3;

function importList(year: number, csv: string, p: TestPrincipal = s.who.office) {
  const form = multipart([
    { name: 'year', value: String(year) },
    { name: 'file', filename: `list-${year}.csv`, contentType: 'text/csv', data: Buffer.from(csv, 'utf8') },
  ]);
  return s.app.inject({
    method: 'POST',
    url: '/reduction-lists/import',
    headers: { ...bearer(p), ...form.headers },
    payload: form.payload,
  });
}

const publish = (id: number, effectiveFrom: string) =>
  s.app.inject({
    method: 'POST',
    url: `/reduction-lists/${id}/publish`,
    headers: bearer(s.who.office),
    payload: { effectiveFrom },
  });

/** The enterprises an assessment judged (ids), with the grade each verdict kept. */
let assessments = 0;
async function assessed(episodeStart: string, day: string, ids: string[]) {
  const episodeId = `episode:chaoyang:${day}:${++assessments}`;
  await assessDay(s.ctx.pool, defaultPlan, {
    episodeId,
    episodeStart: Date.parse(episodeStart),
    day,
    level: 'orange',
  });
  const { rows } = await s.ctx.pool.query<{ enterprise_id: string; grade_label: string }>(
    `SELECT enterprise_id, grade_label FROM electricity_verdicts WHERE episode_id = $1 AND enterprise_id = ANY($2)
     ORDER BY enterprise_id`,
    [episodeId, ids],
  );
  return rows.map((r) => `${r.enterprise_id}:${r.grade_label}`);
}

describe('the reduction list by year', () => {
  const t = tag();
  const [e1, e2, e3] = [`L${t}1`, `L${t}2`, `L${t}3`];
  const codes = [uscc(), uscc(), uscc()];
  const header = '企业编号,企业名称,统一社会信用代码,所在县区,绩效分级,重点企业,电表编号,豁免类型,经度,纬度';
  const thisYear = [
    header,
    `${e1},朝阳钢铁${t},${codes[0]},双塔区,B,是,M${t}1,无,120.45,41.57`,
    `${e2},北票水泥${t},${codes[1]},北票市,C,否,M${t}2,无,,`,
  ].join('\n');
  const nextYear = [
    header,
    `${e1},朝阳钢铁${t},${codes[0]},双塔区,B-,是,M${t}1,无,120.45,41.57`,
    `${e3},凌源焦化${t},${codes[2]},凌源市,D,是,M${t}3,无,119.40,41.24`,
  ].join('\n');
  let first = 0;
  let second = 0;

  it("imports and publishes this year's list, with the enterprises' coordinates", async () => {
    const res = await importList(base, thisYear);
    expect(res.statusCode).toBe(200);
    first = res.json().listId;
    expect(res.json()).toMatchObject({ imported: 2, fileName: `list-${base}.csv` });
    const pub = await publish(first, `${base}-01-01T00:00:00+08:00`);
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({
      state: 'published',
      effectiveFromWords: `${base}年1月1日0时`,
      entries: 2,
    });
    // again with the same time: the same version
    expect((await publish(first, `${base}-01-01T00:00:00+08:00`)).statusCode).toBe(200);

    const got = await s.app.inject({ url: `/reduction-lists/${first}`, headers: bearer(s.who.office) });
    expect(got.json().items.find((e: { enterpriseId: string }) => e.enterpriseId === e1)).toMatchObject({
      gradeLabel: 'B',
      longitude: 120.45,
      latitude: 41.57,
    });
    // the register the field work reads takes the coordinates too
    const reg = await s.ctx.pool.query('SELECT longitude, latitude FROM enterprises WHERE id = $1', [e1]);
    expect(reg.rows[0]).toEqual({ longitude: 120.45, latitude: 41.57 });
  });

  it("next year's list: the diff names what was added, dropped and changed", async () => {
    const res = await importList(base + 1, nextYear);
    expect(res.statusCode).toBe(200);
    second = res.json().listId;
    const pub = await publish(second, `${base + 1}-01-01T00:00:00+08:00`);
    expect(pub.statusCode).toBe(200);

    const diff = await s.app.inject({
      url: `/reduction-lists/${second}/diff?against=${first}`,
      headers: bearer(s.who.office),
    });
    expect(diff.statusCode).toBe(200);
    const d = diff.json();
    expect(d.added.map((e: { enterpriseId: string }) => e.enterpriseId)).toEqual([e3]);
    expect(d.dropped.map((e: { enterpriseId: string }) => e.enterpriseId)).toEqual([e2]);
    expect(d.changed).toEqual([
      {
        enterpriseId: e1,
        name: `朝阳钢铁${t}`,
        county: 'shuangta',
        changes: [{ field: 'gradeLabel', label: '绩效分级', from: 'B', to: 'B-' }],
      },
    ]);
    // the default comparison is the version in force before it took effect: the same answer
    const byDefault = await s.app.inject({
      url: `/reduction-lists/${second}/diff`,
      headers: bearer(s.who.office),
    });
    expect(byDefault.json().against.id).toBe(first);

    // a branch sees its own county's part of the difference only
    const branch = await s.app.inject({
      url: `/reduction-lists/${second}/diff?against=${first}`,
      headers: bearer(s.who.beipiao),
    });
    expect(branch.json()).toMatchObject({ added: [], changed: [] });
    expect(branch.json().dropped.map((e: { enterpriseId: string }) => e.enterpriseId)).toEqual([e2]);
  });

  it('an episode assesses the list in force when it started: a running one keeps last year’s', async () => {
    const day = `${base + 1}-01-05`;
    // started in December under this year's list, still running in January
    expect(await assessed(`${base}-12-28T09:00:00+08:00`, day, [e1, e2, e3])).toEqual([`${e1}:B`, `${e2}:C`]);
    // started after next year's list took effect: the dropped enterprise is not assessed, B- is kept
    expect(await assessed(`${base + 1}-01-03T09:00:00+08:00`, day, [e1, e2, e3])).toEqual([
      `${e1}:B-`,
      `${e3}:D`,
    ]);
    // the episode's accounting says which version it assessed, and the grade as written
    const shown = await s.app.inject({
      url: `/episodes/${encodeURIComponent(`episode:chaoyang:${day}:2`)}/electricity`,
      headers: bearer(s.who.office),
    });
    expect(shown.json().items[0].listId).toBe(second);
    expect(
      shown.json().items[0].verdicts.find((v: { enterpriseId: string }) => v.enterpriseId === e1).gradeLabel,
    ).toBe('B-');
    const inForce = await s.app.inject({
      url: `/reduction-lists/in-force?at=${encodeURIComponent(`${base}-12-28T09:00:00+08:00`)}`,
      headers: bearer(s.who.leader),
    });
    expect(inForce.json().version.id).toBe(first);
  });

  it('a published version never changes; the effective time is not in the past', async () => {
    const put = await s.app.inject({
      method: 'PUT',
      url: `/reduction-lists/${first}/entries/${e1}`,
      headers: bearer(s.who.office),
      payload: {
        name: 'x',
        uscc: codes[0],
        county: 'shuangta',
        gradeLabel: 'A',
        keyEnterprise: true,
        meterIds: ['m'],
      },
    });
    expect(put.statusCode).toBe(409);
    await expect(
      s.ctx.pool.query('UPDATE reduction_list_entries SET grade_label = $2 WHERE list_id = $1', [first, 'A']),
    ).rejects.toThrow(/published/);
    await expect(
      s.ctx.pool.query('UPDATE reduction_lists SET effective_from = now() WHERE id = $1', [first]),
    ).rejects.toThrow(/published/);

    const draft = await importList(base + 2, thisYear);
    const past = await publish(draft.json().listId, '2020-01-01T00:00:00+08:00');
    expect(past.statusCode).toBe(400);
    expect(JSON.stringify(past.json())).toContain('effectiveFrom');
  });

  it('carries a version over, edits the draft per enterprise, and shows the edits as its diff', async () => {
    const year = base + 2;
    // the year has an imported draft already: carrying over into it is a conflict
    const clash = await s.app.inject({
      method: 'POST',
      url: '/reduction-lists/carry-over',
      headers: bearer(s.who.office),
      payload: { year, fromListId: second },
    });
    expect(clash.statusCode).toBe(409);

    const fresh = base + 3;
    const carry = () =>
      s.app.inject({
        method: 'POST',
        url: '/reduction-lists/carry-over',
        headers: bearer(s.who.office),
        payload: { year: fresh, fromListId: second },
      });
    const made = await carry();
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ state: 'draft', basedOn: second, entries: 2 });
    const again = await carry();
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(made.json().id);
    const id = made.json().id as number;

    const edit = await s.app.inject({
      method: 'PUT',
      url: `/reduction-lists/${id}/entries/${e1}`,
      headers: bearer(s.who.office),
      payload: {
        name: `朝阳钢铁${t}`,
        uscc: codes[0],
        county: 'shuangta',
        gradeLabel: 'A',
        keyEnterprise: true,
        meterIds: [`M${t}1`],
        longitude: 120.45,
        latitude: 41.57,
      },
    });
    expect(edit.statusCode).toBe(200);
    const bad = await s.app.inject({
      method: 'PUT',
      url: `/reduction-lists/${id}/entries/${e1}`,
      headers: bearer(s.who.office),
      payload: {
        name: 'x',
        uscc: codes[0],
        county: 'shuangta',
        gradeLabel: 'E+',
        keyEnterprise: true,
        meterIds: ['m'],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('gradeLabel');
    const drop = () =>
      s.app.inject({
        method: 'DELETE',
        url: `/reduction-lists/${id}/entries/${e3}`,
        headers: bearer(s.who.office),
      });
    expect((await drop()).statusCode).toBe(204);
    expect((await drop()).statusCode).toBe(204);

    const d = (
      await s.app.inject({ url: `/reduction-lists/${id}/diff`, headers: bearer(s.who.office) })
    ).json();
    expect(d.against.id).toBe(second);
    expect(d.dropped.map((e: { enterpriseId: string }) => e.enterpriseId)).toEqual([e3]);
    expect(d.changed[0].changes).toEqual([{ field: 'gradeLabel', label: '绩效分级', from: 'B-', to: 'A' }]);
  });

  it('the first version of a deployment carries the register over (the list as imported before versions)', async () => {
    const id = `G${t}`;
    await s.ctx.pool.query(
      `INSERT INTO enterprises (id, name, uscc, county, grade, grade_label, longitude, latitude) VALUES ($1, $2, $3, 'jianping', 'B', 'B-', 119.6, 41.4)`,
      [id, `建平化工${t}`, uscc()],
    );
    await s.ctx.pool.query('INSERT INTO enterprise_meters (meter_id, enterprise_id) VALUES ($1, $2)', [
      `GM${t}`,
      id,
    ]);
    // no version is in force now (this file's take effect in the far future)
    const made = await s.app.inject({
      method: 'POST',
      url: '/reduction-lists/carry-over',
      headers: bearer(s.who.office),
      payload: { year: base + 4 },
    });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ state: 'draft', basedOn: null, sourceFile: 'register' });
    const got = await s.app.inject({
      url: `/reduction-lists/${made.json().id}`,
      headers: bearer(s.who.office),
    });
    expect(got.json().items.find((e: { enterpriseId: string }) => e.enterpriseId === id)).toMatchObject({
      gradeLabel: 'B-',
      county: 'jianping',
      meterIds: [`GM${t}`],
      longitude: 119.6,
      latitude: 41.4,
    });
  });

  it('a bad file imports nothing and names the line and column; a branch cannot import', async () => {
    const bad = await importList(
      base + 2,
      [header, `X${t},名,${uscc()},双塔区,B,是,M${t}9,无,200,41`].join('\n'),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([
      expect.objectContaining({ line: 2, field: '经度', message: '“200”应为-180到180之间的度数' }),
    ]);
    const form = multipart([
      { name: 'file', filename: 'a.csv', contentType: 'text/csv', data: Buffer.from(thisYear) },
    ]);
    const missingYear = await s.app.inject({
      method: 'POST',
      url: '/reduction-lists/import',
      headers: { ...bearer(s.who.office), ...form.headers },
      payload: form.payload,
    });
    expect(missingYear.statusCode).toBe(400);
    expect(JSON.stringify(missingYear.json())).toContain('year');
    expect((await importList(base + 2, thisYear, s.who.shuangta)).statusCode).toBe(403);
  });
});
