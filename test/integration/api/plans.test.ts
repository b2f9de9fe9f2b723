/**
 * The plan routes without a worker: the repository's plans seeded (idempotently) and in force; an
 * invalid upload refused with every problem by path and nothing stored; a published version that
 * the database refuses to change; the readable difference against the version in force; who may
 * revise which plan (the city's office every plan, a county's branch its own county's).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config.js';
import { seedRepositoryPlans } from '../../../src/db/plan-versions.js';
import { type ResponsePlan, cstDate, defaultPlan, getPlan } from '../../../src/domain/index.js';
import { type TestPrincipal, apiSuite, bearer } from './api-helpers.js';

const s = apiSuite('plans-no-worker');

const count = async () =>
  (await s.ctx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM plan_versions')).rows[0]!.n;

const put = (
  planId: string,
  payload: string | object,
  p: TestPrincipal = s.who.office,
  type = 'application/json',
) =>
  s.app.inject({
    method: 'PUT',
    url: `/plans/${planId}/draft`,
    headers: { ...bearer(p), 'content-type': type },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

/** The fixture city under ids of its own (a plan no other test touches). */
async function freshCity(): Promise<ResponsePlan> {
  const tag = randomBytes(3).toString('hex');
  const text = await readFile(path.join(projectRoot, 'test', 'plans', 'songling-2017.yaml'), 'utf8');
  const plan = YAML.parse(text) as ResponsePlan;
  plan.id = `songling-api-${tag}`;
  plan.jurisdiction = `songling-api-${tag}`;
  plan.jurisdictions = plan.jurisdictions.map((j) =>
    j.kind === 'city' ? { ...j, id: plan.jurisdiction } : { ...j, parent: plan.jurisdiction },
  );
  return plan;
}

describe('the repository’s plans', () => {
  it('are seeded once as published versions, each in force for its jurisdiction', async () => {
    expect(await seedRepositoryPlans(s.ctx.pool)).toEqual({ inserted: [], differing: [] });
    const res = await s.app.inject({ method: 'GET', url: '/plans', headers: bearer(s.who.auditor) });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<Record<string, unknown>>;
    const city = items.find((i) => i.planId === defaultPlan.id && i.version === 1);
    expect(city).toMatchObject({
      jurisdiction: 'chaoyang',
      state: 'published',
      source: 'repository',
      inForce: true,
      effectiveFrom: defaultPlan.effectiveFrom,
    });
    expect(city?.effectiveFromWords).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    for (const county of defaultPlan.jurisdictions.filter((j) => j.kind === 'county')) {
      expect(items.some((i) => i.jurisdiction === county.id && i.inForce === true)).toBe(true);
    }
    const one = await s.app.inject({
      method: 'GET',
      url: '/plans/beipiao-2024/versions/1',
      headers: bearer(s.who.beipiao),
    });
    expect(one.json().content).toEqual(JSON.parse(JSON.stringify(getPlan('beipiao-2024', 1))));
  });

  it('a published version cannot be changed or deleted, not even in SQL', async () => {
    await expect(
      s.ctx.pool.query(
        `UPDATE plan_versions SET content = jsonb_set(content, '{name}', '"改"') WHERE plan_id = $1 AND version = 1`,
        [defaultPlan.id],
      ),
    ).rejects.toThrow(/published and cannot change/);
    await expect(
      s.ctx.pool.query('DELETE FROM plan_versions WHERE plan_id = $1 AND version = 1', [defaultPlan.id]),
    ).rejects.toThrow(/published and cannot change/);
  });
});

describe('uploading a draft', () => {
  it('refuses an invalid plan with every problem listed by path, and stores nothing', async () => {
    const plan = structuredClone(getPlan('shuangta-2024', 1)) as unknown as Record<string, unknown> &
      ResponsePlan;
    plan.warning.levels[0]!.conditions[0]!.clauses[0]!.aqiAbove = 900;
    plan.duties[2]!.lead = ['no-such-unit'];
    plan.deadlines.dailyReport.time = '25:00';
    plan.extra = true;
    const before = await count();
    const res = await put('shuangta-2024', plan);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const body = res.json();
    expect(body.code).toBe('plan_invalid');
    const paths = (body.errors as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'warning.levels[0].conditions[0].clauses[0].aqiAbove',
        'deadlines.dailyReport.time',
        '',
      ]),
    );
    expect(body.detail).toMatch(/预案未通过校验，共\d+处问题/);
    expect(await count()).toBe(before);

    // cross-references are checked too once the shape is right (every one of them)
    const shaped = structuredClone(getPlan('shuangta-2024', 1));
    shaped.duties[2]!.lead = ['no-such-unit'];
    shaped.roles.commander = 'nobody';
    const refs = await put('shuangta-2024', shaped);
    expect(refs.statusCode).toBe(400);
    expect((refs.json().errors as Array<{ path: string }>).map((e) => e.path)).toEqual(
      expect.arrayContaining(['duties[2].lead[0]', 'roles.commander']),
    );
    expect(await count()).toBe(before);
  });

  it('refuses malformed YAML, a document of another plan id, and a revision that moves the plan elsewhere', async () => {
    const before = await count();
    const bad = await put('shuangta-2024', 'id: [unclosed', s.who.office, 'application/yaml');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('malformed_body');
    expect(bad.json().detail).toMatch(/^YAML 格式错误/);
    const other = await put('shuangta-2024', getPlan('beipiao-2024', 1));
    expect(other.statusCode).toBe(400);
    expect((other.json().errors as Array<{ path: string }>).map((e) => e.path)).toEqual(
      expect.arrayContaining(['id', 'jurisdiction']),
    );
    expect(await count()).toBe(before);
  });

  it('shows a revision’s changes field by field against the version in force, in Chinese', async () => {
    const draft = structuredClone(getPlan('shuangta-2024', 1));
    const yellow2 = draft.warning.levels[0]!.conditions[1]!;
    yellow2.clauses[0]!.aqiAbove = 160;
    draft.deadlines.dailyReport.time = '16:00';
    draft.duties.splice(1, 0, { ...structuredClone(draft.duties[0]!), id: 'new-duty', title: '新增职责' });
    const res = await put('shuangta-2024', YAML.stringify(draft), s.who.shuangta, 'application/yaml');
    expect([200, 201]).toContain(res.statusCode);
    const { record, changes } = res.json();
    expect(record).toMatchObject({ planId: 'shuangta-2024', state: 'draft', inForce: false });
    expect(record.version).toBeGreaterThan(1);
    const texts = (changes as Array<{ text: string }>).map((c) => c.text);
    expect(texts).toContain(
      `预警分级 › 级别 › 「黄色预警」 › 条件 › 「${yellow2.description}」 › 条款 › 第1项 › AQI高于：150 → 160`,
    );
    expect(texts).toContain('报送时限 › 单位日报 › 时间：17:00 → 16:00');
    // an inserted duty is one addition, not every later duty changed
    expect(
      changes
        .filter((c: { path: string }) => c.path.startsWith('duties'))
        .map((c: { path: string }) => c.path),
    ).toEqual(['duties[new-duty]']);
    expect(texts).toContain('职责 › 「新增职责」：新增 「新增职责」');

    const diff = await s.app.inject({
      method: 'GET',
      url: `/plans/shuangta-2024/versions/${record.version}/diff`,
      headers: bearer(s.who.office),
    });
    expect(diff.json()).toMatchObject({ base: { planId: 'shuangta-2024', version: 1 } });
    expect(diff.json().changes).toEqual(changes);
    // another county's branch neither sees nor revises it
    const seen = await s.app.inject({
      method: 'GET',
      url: `/plans/shuangta-2024/versions/${record.version}`,
      headers: bearer(s.who.beipiao),
    });
    expect(seen.statusCode).toBe(404);
    expect((await put('shuangta-2024', draft, s.who.beipiao)).statusCode).toBe(403);
  });

  it('lets the city’s office revise every plan, a branch only its county’s own', async () => {
    const before = await count();
    const city = structuredClone(defaultPlan);
    expect((await put(defaultPlan.id, city, s.who.shuangta)).statusCode).toBe(403);
    expect((await put(defaultPlan.id, city, s.who.enforcement)).statusCode).toBe(403);
    expect((await put('beipiao-2024', getPlan('beipiao-2024', 1), s.who.shuangta)).statusCode).toBe(403);
    const fresh = await freshCity();
    expect((await put(fresh.id, fresh, s.who.shuangta)).statusCode).toBe(403);
    expect(await count()).toBe(before);
  });
});

describe('publishing', () => {
  it('takes an effective date from today on, answers a retry the same, and never changes a published version', async () => {
    const plan = await freshCity();
    const up = await put(plan.id, plan);
    expect(up.statusCode).toBe(201);
    const url = `/plans/${plan.id}/versions/1/publish`;
    const publish = (effectiveFrom: string) =>
      s.app.inject({ method: 'POST', url, headers: bearer(s.who.office), payload: { effectiveFrom } });
    const past = await publish('2020-01-01');
    expect(past.statusCode).toBe(400);
    expect(past.json().errors).toEqual([
      {
        path: 'body.effectiveFrom',
        message: expect.stringMatching(/^施行日期不能早于今天（\d{4}年\d+月\d+日）$/),
      },
    ]);
    const later = '2999-01-01';
    const ok = await publish(later);
    expect(ok.statusCode).toBe(200);
    // not in force before its date: no episode of the city can start yet
    expect(ok.json().record).toMatchObject({ state: 'published', effectiveFrom: later, inForce: false });
    const stored = await s.app.inject({
      method: 'GET',
      url: `/plans/${plan.id}/versions/1`,
      headers: bearer(s.who.office),
    });
    expect(stored.json().content.effectiveFrom).toBe(later);
    expect((await publish(later)).statusCode).toBe(200);
    const again = await publish(cstDate(Date.now()));
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/已发布的版本不能修改/);
    const start = await s.app.inject({
      method: 'POST',
      url: '/episodes',
      headers: bearer(s.who.office),
      payload: {
        jurisdiction: plan.jurisdiction,
        date: '2400-02-02',
        forecast: [{ date: '2400-02-02', aqi: 250 }],
      },
    });
    expect(start.statusCode).toBe(400);
    expect(start.json().errors[0].path).toBe('body.jurisdiction');
    // the next upload is version 2, a draft; the published one is untouched
    const next = await put(plan.id, { ...plan, name: `${plan.name}（修订稿）` });
    expect(next.json().record).toMatchObject({ version: 2, state: 'draft' });
    expect(
      (
        await s.app.inject({
          method: 'GET',
          url: `/plans/${plan.id}/versions/1`,
          headers: bearer(s.who.office),
        })
      ).json().content.name,
    ).toBe(plan.name);
  });
});
