/**
 * 应急预案: the versions of the response plans (which one is in force), and — for who may revise them
 * (the city's office; a county's branch its own county's plan) — a draft uploaded as JSON or YAML,
 * every problem listed by its place when it is refused, the changes against the version in force,
 * and publication with an effective date.
 */
import { useState } from '../vendor/hooks.module.js';
import { ErrorBox, api, cstNow, html, jurisdictionName, usePolling } from '../lib.js';

const STATE = { draft: '草稿', published: '已发布' };
const KIND = { added: '新增', removed: '删除', changed: '修改' };

const shown = (v) => {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.join('、') || '（空）';
  if (v && typeof v === 'object') return v.title ?? v.name ?? v.description ?? JSON.stringify(v);
  return String(v);
};

function Changes({ changes }) {
  if (changes.length === 0) return html`<p class="muted">与施行中的版本相比没有变化。</p>`;
  return html`<table class="plan-changes">
    <thead><tr><th>变化</th><th>项目</th><th>原内容</th><th>修订后</th></tr></thead>
    <tbody>
      ${changes.map(
        (c) => html`<tr data-path=${c.path}>
          <td>${KIND[c.kind]}</td>
          <td>${c.label}<div class="muted small">${c.path}</div></td>
          <td>${shown(c.old)}</td>
          <td>${shown(c.new)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function DraftForm({ plans, onChanged }) {
  const ids = [...new Set(plans.map((p) => p.planId))];
  const [planId, setPlanId] = useState(ids[0] ?? '');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [draft, setDraft] = useState(null);
  const [effectiveFrom, setEffectiveFrom] = useState(cstNow().slice(0, 10));
  const [published, setPublished] = useState(null);
  const loadCurrent = async () => {
    const current =
      plans.find((p) => p.planId === planId && p.inForce) ?? plans.find((p) => p.planId === planId);
    if (!current) return;
    const { content } = await api(`/plans/${planId}/versions/${current.version}`);
    setText(JSON.stringify(content, null, 2));
  };
  const upload = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDraft(null);
    setPublished(null);
    const json = text.trimStart().startsWith('{');
    try {
      const r = await api(`/plans/${planId}/draft`, {
        method: 'PUT',
        text: { type: json ? 'application/json' : 'application/yaml', value: text },
      });
      setDraft(r);
      onChanged();
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  const publish = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api(`/plans/${planId}/versions/${draft.record.version}/publish`, {
        method: 'POST',
        body: { effectiveFrom },
        idempotent: true,
      });
      setPublished(r.record);
      setDraft(null);
      onChanged();
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  const problems = error?.body?.code === 'plan_invalid' ? (error.body.errors ?? []) : null;
  return html`<section class="card plan-draft">
    <h3>修订预案</h3>
    <form onSubmit=${upload}>
      <label>方案
        <select value=${planId} onChange=${(e) => setPlanId(e.target.value)}>
          ${ids.map((id) => html`<option value=${id}>${plans.find((p) => p.planId === id)?.name}（${id}）</option>`)}
        </select>
      </label>
      <button type="button" onClick=${loadCurrent}>载入施行中的版本</button>
      <label>方案全文（JSON 或 YAML）
        <textarea name="plan" rows="14" spellcheck="false" value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
      </label>
      <button type="submit" class="primary" disabled=${busy || !text.trim()}>上传草稿并查看修订内容</button>
    </form>
    ${
      problems
        ? html`<div class="error" role="alert">
            ${error.body.detail}，草稿未保存：
            <table class="import-errors">
              <thead><tr><th>位置</th><th>问题</th></tr></thead>
              <tbody>${problems.map((p) => html`<tr><td>${p.path || '（全文）'}</td><td>${p.message}</td></tr>`)}</tbody>
            </table>
          </div>`
        : html`<${ErrorBox} error=${error} />`
    }
    ${
      draft &&
      html`<div class="plan-diff">
        <h4>第${draft.record.version}版草稿与施行中版本的差异（${draft.changes.length}处）</h4>
        <${Changes} changes=${draft.changes} />
        <form class="publish" onSubmit=${publish}>
          <label>施行日期
            <input type="date" value=${effectiveFrom} min=${cstNow().slice(0, 10)} onInput=${(e) => setEffectiveFrom(e.target.value)} required />
          </label>
          <button type="submit" class="primary" disabled=${busy}>发布第${draft.record.version}版</button>
          <p class="muted small">发布后不能修改；自施行日期起新启动的应急过程执行该版本，进行中的过程继续执行启动时的版本。</p>
        </form>
      </div>`
    }
    ${published && html`<p class="ok" role="status">已发布第${published.version}版，自${published.effectiveFromWords}起施行。</p>`}
  </section>`;
}

export function PlansPage({ me }) {
  const role = me.principal.role;
  const { data, error, reload } = usePolling(() => api('/plans'), 60_000, []);
  const items = data?.items ?? [];
  const own = role === 'unit' ? me.units.find((u) => u.id === me.principal.unit)?.jurisdiction : null;
  // who revises: the city's office every plan; a branch its county's (the API decides; offered accordingly)
  const revisable =
    role === 'office' ? items : role === 'unit' && own ? items.filter((p) => p.jurisdiction === own) : [];
  return html`<section class="plans">
    <h2>应急预案</h2>
    <${ErrorBox} error=${error} />
    ${revisable.length > 0 && html`<${DraftForm} plans=${revisable} onChanged=${reload} />`}
    <table class="plan-versions">
      <thead><tr><th>方案</th><th>版本</th><th>行政区</th><th>状态</th><th>施行日期</th><th>发布</th></tr></thead>
      <tbody>
        ${items.map(
          (
            p,
          ) => html`<tr data-plan=${p.planId} data-version=${p.version} class=${p.inForce ? 'in-force' : ''}>
            <td>${p.name}<div class="muted small">${p.planId}</div></td>
            <td>第${p.version}版</td>
            <td>${jurisdictionName(me, p.jurisdiction)}</td>
            <td>${STATE[p.state]}${p.inForce ? ' · 施行中' : ''}</td>
            <td>${p.effectiveFromWords ?? '—'}</td>
            <td>${p.source === 'repository' ? '系统自带' : (p.publishedBy ?? '—')}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
