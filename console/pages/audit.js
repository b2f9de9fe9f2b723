/** 审计: the full timeline with filters, the state at a chosen moment, the replay check. */
import { useState } from '../vendor/hooks.module.js';
import {
  AUDIT_ROLES,
  DECISION,
  DUTY_STATUS,
  EVENT,
  ErrorBox,
  LevelBadge,
  PhaseTag,
  ROLE,
  api,
  cstNow,
  ep,
  errorText,
  fmtTime,
  html,
  unitName,
  usePolling,
} from '../lib.js';
import { EpisodeHeader, eventText } from './episode.js';

const actorText = (a) => {
  if (!a) return '系统';
  if (typeof a === 'string') return a;
  return `${a.id ?? ''}${a.role ? `（${ROLE[a.role] ?? a.role}）` : ''}`;
};

function StateAt({ id, at, setAt }) {
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const query = async (e) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const iso = `${at.length === 16 ? `${at}:00` : at}+08:00`;
      setResult(await api(`${ep(id)}/audit/state?at=${encodeURIComponent(iso)}`));
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  const s = result?.state;
  const counts = {};
  for (const d of s?.duties ?? []) counts[d.status] = (counts[d.status] ?? 0) + 1;
  return html`<section class="card state-at">
    <h3>某一时刻的状态</h3>
    <form class="inline" onSubmit=${query}>
      <label>时刻（北京时间）
        <input type="datetime-local" step="0.001" name="at" value=${at} onInput=${(e) => setAt(e.target.value)} required />
      </label>
      <button type="submit" disabled=${busy}>查询</button>
    </form>
    <${ErrorBox} error=${error} />
    ${
      result &&
      html`<dl class="state" data-phase=${s.phase} data-level=${s.level}>
      <dt>时刻</dt><dd class="state-time">${fmtTime(result.at)}</dd>
      <dt>已应用事件</dt><dd class="events-applied">${result.eventsApplied}（至 #${result.lastSeq ?? '—'}）</dd>
      <dt>阶段</dt><dd><${PhaseTag} phase=${s.phase} /></dd>
      <dt>预警级别</dt><dd><${LevelBadge} level=${s.level} response=${s.response} /></dd>
      <dt>待批建议</dt><dd>${s.pendingProposal ? s.pendingProposal.proposalId : '无'}</dd>
      <dt>任务</dt>
      <dd>${Object.entries(counts).map(([k, n]) => html`<span class="count">${DUTY_STATUS[k] ?? k} ${n}</span>`)}
        ${Object.keys(counts).length === 0 && '无'}</dd>
      <dt>指令</dt>
      <dd>${(s.decisions ?? []).length === 0 ? '无' : s.decisions.map((d) => html`<div>${fmtTime(d.at)} ${DECISION[d.decision] ?? d.decision} ${d.by}</div>`)}</dd>
      <dt>通报</dt><dd>${(s.notices ?? []).length}</dd>
    </dl>`
    }
  </section>`;
}

function Replay({ id }) {
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api(`${ep(id)}/audit/replay`, { method: 'POST' }));
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="card replay">
    <h3>重放校验</h3>
    <p class="muted small">用当前工作流代码重放Temporal记录的全部历史，检验记录与代码一致。</p>
    <button onClick=${run} disabled=${busy}>${busy ? '正在重放…' : '执行重放校验'}</button>
    <${ErrorBox} error=${error} />
    ${
      result &&
      html`<div class=${`replay-result replay-${result.result}`} role="status">
      <b>${result.result === 'pass' ? '通过' : '不一致'}</b>
      <ul>${result.runs.map((r) => html`<li>运行 ${r.runId.slice(0, 8)}… · ${r.events} 个历史事件 · ${r.result}</li>`)}</ul>
      ${result.divergence && html`<pre>${result.divergence.message}</pre>`}
    </div>`
    }
  </section>`;
}

export function AuditPage({ me, id }) {
  const { data: view } = usePolling(() => api(ep(id)), 5000, [id]);
  const { data, error } = usePolling(() => api(`${ep(id)}/audit/timeline`), 5000, [id]);
  const [type, setType] = useState('');
  const [unit, setUnit] = useState('');
  const [at, setAt] = useState(cstNow());
  if (!AUDIT_ROLES.includes(me.principal.role)) {
    return html`<div class="error" role="alert">此页面仅供审计、专班办公室和专班领导使用。</div>`;
  }
  if (!data) {
    return error
      ? html`<div class="error" role="alert">${errorText(error)}</div>`
      : html`<p class="loading">正在加载…</p>`;
  }
  const units = [...new Set(data.events.map((e) => e.payload.unitId).filter(Boolean))];
  const types = [...new Set(data.events.map((e) => e.type))];
  const shown = data.events.filter((e) => (!type || e.type === type) && (!unit || e.payload.unitId === unit));
  return html`<section class="audit">
    ${view && html`<${EpisodeHeader} me=${me} view=${view} id=${id} current="audit" />`}
    <div class="grid">
      <${StateAt} id=${id} at=${at} setAt=${setAt} />
      <${Replay} id=${id} />
    </div>
    <section class="card">
      <h3>事件时间线（共${data.events.length}条）</h3>
      <form class="filters" onSubmit=${(e) => e.preventDefault()}>
        <label>事件类型
          <select name="type" value=${type} onChange=${(e) => setType(e.target.value)}>
            <option value="">全部</option>
            ${types.map((t) => html`<option value=${t}>${EVENT[t] ?? t}（${t}）</option>`)}
          </select>
        </label>
        <label>单位
          <select name="unit" value=${unit} onChange=${(e) => setUnit(e.target.value)}>
            <option value="">全部</option>
            ${units.map((u) => html`<option value=${u}>${unitName(me, u)}</option>`)}
          </select>
        </label>
        <span class="muted small">显示 ${shown.length} 条</span>
      </form>
      <table class="events">
        <thead><tr><th>序号</th><th>时间</th><th>事件</th><th>内容</th><th>操作人</th><th></th></tr></thead>
        <tbody>
          ${shown.map(
            (e) => html`<tr class="event" data-type=${e.type} data-seq=${e.seq}>
              <td>#${e.seq}</td>
              <td>${fmtTime(e.at)}</td>
              <td>${EVENT[e.type] ?? e.type}</td>
              <td>${eventText(me, { ...e.payload, type: e.type })}</td>
              <td>${actorText(e.actor)}</td>
              <td><button class="link" onClick=${() => setAt(e.at.slice(0, 23))}>定位此刻</button></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </section>
  </section>`;
}
