/** 看板: active and recent episodes with level colour, phase, response day and overdue reports. */
import { useLive } from '../live.js';
import { useState } from '../vendor/hooks.module.js';
import {
  AUDIT_ROLES,
  ErrorBox,
  LEVEL,
  LevelBadge,
  PHASE,
  PhaseTag,
  api,
  ep,
  fmtTime,
  html,
  jurisdictionName,
} from '../lib.js';
import { StartEpisode } from './office.js';

const EMPTY = { phase: '', level: '', exercise: '', active: 'active' };

async function loadBoard(filters) {
  const q = new URLSearchParams({ limit: '40' });
  if (filters.phase) q.set('phase', filters.phase);
  if (filters.level) q.set('level', filters.level);
  if (filters.exercise) q.set('exercise', filters.exercise);
  const { items } = await api(`/episodes?${q}`);
  const shown = filters.active === 'active' ? items.filter((e) => e.phase !== 'closed') : items;
  // The list is the read model; overdue counts and the response day come from each episode's state.
  const views = await Promise.all(shown.map((e) => api(ep(e.id)).catch(() => null)));
  return shown.map((e, i) => ({ ...e, view: views[i] }));
}

export function BoardPage({ me }) {
  const [filters, setFilters] = useState(EMPTY);
  const { data, error } = useLive(() => loadBoard(filters), '/board/stream', 3000, [JSON.stringify(filters)]);
  const set = (k) => (e) => setFilters({ ...filters, [k]: e.target.value });
  const role = me.principal.role;
  return html`<section class="board">
    <h2>应急过程看板</h2>
    ${role === 'office' && html`<${StartEpisode} me=${me} />`}
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <label>范围
        <select name="active" value=${filters.active} onChange=${set('active')}>
          <option value="active">进行中</option>
          <option value="all">全部（含已结束）</option>
        </select>
      </label>
      <label>阶段
        <select name="phase" value=${filters.phase} onChange=${set('phase')}>
          <option value="">全部</option>
          ${Object.entries(PHASE).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
        </select>
      </label>
      <label>预警级别
        <select name="level" value=${filters.level} onChange=${set('level')}>
          <option value="">全部</option>
          ${Object.entries(LEVEL).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
        </select>
      </label>
      <label>类型
        <select name="exercise" value=${filters.exercise} onChange=${set('exercise')}>
          <option value="">全部</option>
          <option value="false">实战</option>
          <option value="true">演练</option>
        </select>
      </label>
    </form>
    <${ErrorBox} error=${error} />
    ${!data && !error && html`<p class="loading">正在加载…</p>`}
    ${data && data.length === 0 && html`<p class="muted">没有符合条件的应急过程。</p>`}
    ${
      data &&
      data.length > 0 &&
      html`<table class="episodes">
      <thead>
        <tr><th>应急过程</th><th>区域</th><th>级别</th><th>阶段</th><th>响应日</th><th>逾期报送</th><th>更新时间</th><th></th></tr>
      </thead>
      <tbody>
        ${data.map(
          (e) => html`<tr class=${`episode-row level-row-${e.level}`} data-episode=${e.id}>
            <td>
              <a href=${`#/episode/${encodeURIComponent(e.id)}`}>${e.date} 第${e.id.split(':')[3]}次</a>
              ${e.exercise && html` <span class="tag exercise">演练</span>`}
            </td>
            <td>${jurisdictionName(me, e.jurisdiction)}</td>
            <td><${LevelBadge} level=${e.level} response=${e.response} /></td>
            <td><${PhaseTag} phase=${e.phase} /></td>
            <td>${e.view?.responseDay ? `第${e.view.responseDay}天` : '—'}</td>
            <td class=${e.view?.overdueCount ? 'overdue-count alert' : 'overdue-count'}>
              ${e.view ? e.view.overdueCount : '—'}
            </td>
            <td>${fmtTime(e.updatedAt)}</td>
            <td class="actions">
              ${role === 'unit' && html`<a href=${`#/unit/${encodeURIComponent(e.id)}`}>本单位报送</a>`}
              ${AUDIT_ROLES.includes(role) && html`<a href=${`#/audit/${encodeURIComponent(e.id)}`}>审计</a>`}
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`
    }
    <p class="muted small">每3秒自动刷新。</p>
  </section>`;
}
