/**
 * 应急过程: timeline, the pending proposal and the commander's decision, duties, the units' reports,
 * documents, electricity.
 */
import { useLive } from '../live.js';
import { useEffect, useState } from '../vendor/hooks.module.js';
import {
  AUDIT_ROLES,
  AqiChart,
  DECISION,
  DOC_KIND,
  DUTY_STATUS,
  EVENT,
  ErrorBox,
  LEVEL,
  LevelBadge,
  PROPOSAL_KIND,
  PhaseTag,
  VERDICT,
  api,
  download,
  dutyTitle,
  ep,
  errorText,
  fmtTime,
  html,
  jurisdictionName,
  unitName,
  useSubmitKey,
} from '../lib.js';
import { ASSESSMENT_ROLES } from './air.js';
import { OfficeActions } from './office.js';
import { ProcessDays } from './process-days.js';
import { OfficeDecisions } from './office-decisions.js';
import { UnitReports } from './reports.js';

export function EpisodeHeader({ me, view, id, current }) {
  const role = me.principal.role;
  const link = (page, label) =>
    html`<a class=${current === page ? 'current' : ''} href=${`#/${page}/${encodeURIComponent(id)}`}>${label}</a>`;
  return html`<header class="episode-head">
    <div>
      <h2>
        ${jurisdictionName(me, view.jurisdiction)} · ${id.split(':')[2]} 第${id.split(':')[3]}次
        ${view.exercise && html`<span class="tag exercise">演练</span>`}
      </h2>
      <div class="facts">
        <${LevelBadge} level=${view.level} response=${view.response} />
        <${PhaseTag} phase=${view.phase} />
        <span>响应日：<b class="response-day">${view.responseDay ? `第${view.responseDay}天` : '—'}</b></span>
        <span>逾期报送：<b class=${view.overdueCount ? 'alert' : ''}>${view.overdueCount}</b></span>
        <span class="muted small">事件 ${view.eventCount} 条</span>
      </div>
    </div>
    <nav class="tabs">
      ${link('episode', '总览')}
      ${role === 'unit' && link('unit', '本单位报送')}
      ${ASSESSMENT_ROLES.includes(role) && link('assessment', '成效评估')}
      ${AUDIT_ROLES.includes(role) && link('audit', '审计')}
    </nav>
  </header>`;
}

function Proposal({ me, view, id, onDecided }) {
  const p = view.pendingProposal;
  const isCommander = me.principal.role === 'commander';
  const [comment, setComment] = useState('');
  const [level, setLevel] = useState('orange');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const submitKey = useSubmitKey();
  const decide = async (decision, extra = {}) => {
    setBusy(true);
    setError(null);
    try {
      const next = await api(`${ep(id)}/decisions`, {
        method: 'POST',
        idempotencyKey: submitKey.key,
        body: { decision, ...extra, ...(comment ? { comment } : {}) },
      });
      submitKey.settle();
      setDone(`已${DECISION[decision]}`);
      setComment('');
      onDecided(next);
    } catch (e) {
      submitKey.settle(e);
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const canLift = view.phase === 'active' || view.phase === 'early-response';
  const canOrder = view.phase !== 'closed' && view.phase !== 'lifting';
  return html`<section class="card proposal">
    <h3>报请指挥长</h3>
    ${
      p
        ? html`<div class="pending" data-proposal=${p.proposalId}>
          <p>
            <b>${PROPOSAL_KIND[p.kind] ?? p.kind}</b>：<${LevelBadge} level=${p.level} />
            <span class="muted small"> 编号 ${p.proposalId} · ${fmtTime(p.proposedAt)} 报送
            ${p.escalations ? ` · 已催办${p.escalations}次` : ''}</span>
          </p>
          <ul class="reasons">
            ${p.reasons.map((r) => html`<li>${r.rule}<span class="muted small">（${r.days.join('、')}）</span></li>`)}
          </ul>
        </div>`
        : html`<p class="muted">当前没有待批示的建议。</p>`
    }
    ${
      isCommander &&
      canOrder &&
      html`<div class="decide">
      <input class="comment" placeholder="批示意见（可选）" value=${comment}
        onInput=${(e) => setComment(e.target.value)} />
      <div class="buttons">
        ${
          p &&
          html`<button class="primary" disabled=${busy}
            onClick=${() => decide('approve', { proposalId: p.proposalId })}>批准</button>
          <button class="danger" disabled=${busy}
            onClick=${() => decide('decline', { proposalId: p.proposalId })}>不同意</button>`
        }
        <span class="order">
          <select aria-label="指令级别" value=${level} onChange=${(e) => setLevel(e.target.value)}>
            ${['yellow', 'orange', 'red'].map((l) => html`<option value=${l}>${LEVEL[l]}</option>`)}
          </select>
          <button disabled=${busy} onClick=${() => decide('order-level', { level })}>指令级别</button>
        </span>
        ${canLift && html`<button disabled=${busy} onClick=${() => decide('lift')}>解除</button>`}
      </div>
      ${done && html`<p class="ok" role="status">${done}</p>`}
      <${ErrorBox} error=${error} />
    </div>`
    }
  </section>`;
}

export function DutyStatus({ duty: d }) {
  const text = !d.dueAt && d.status === 'pending' ? '执行中' : (DUTY_STATUS[d.status] ?? d.status);
  return html`<span class=${`status status-${d.status}`}>${text}</span>`;
}

function Duties({ me, view }) {
  // Overdue and late first, then open deadlines, then the rest; units with overdue reports on top.
  const rank = (d) => (d.status === 'overdue' ? 0 : d.status === 'late' ? 1 : d.dueAt ? 2 : 3);
  const sorted = [...view.duties].sort((a, b) => rank(a) - rank(b));
  const byUnit = new Map();
  for (const d of sorted) {
    if (!byUnit.has(d.unitId)) byUnit.set(d.unitId, []);
    byUnit.get(d.unitId).push(d);
  }
  if (byUnit.size === 0) return html`<p class="muted">暂无任务。</p>`;
  return html`<table class="duties">
    <thead><tr><th>责任单位</th><th>任务</th><th>响应日</th><th>截止时间</th><th>状态</th></tr></thead>
    <tbody>
      ${[...byUnit.entries()].map(([unit, duties]) =>
        duties.map(
          (d, i) => html`<tr class=${`duty duty-${d.status}`} data-unit=${unit} data-status=${d.status}>
            ${i === 0 && html`<td rowspan=${duties.length} class="unit">${unitName(me, unit)}</td>`}
            <td>${d.dutyId} ${dutyTitle(me, d.dutyId)}</td>
            <td>${d.responseDay === 'summary' ? '总结' : d.responseDay ? `第${d.responseDay}天` : '常态'}</td>
            <td>${fmtTime(d.dueAt)}</td>
            <td><span class=${`status status-${d.status}`}>${DUTY_STATUS[d.status] ?? d.status}</span></td>
          </tr>`,
        ),
      )}
    </tbody>
  </table>`;
}

/** The office writes 存在问题及经验做法 of the work summary; it is re-rendered with the same number. */
function Lessons({ id, onSaved }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(null);
  const [error, setError] = useState(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await api(`${ep(id)}/work-summary/lessons`, { method: 'PUT', body: { text } });
      setDone('已保存，工作总结已重新生成（发文字号不变）。');
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return html`<details class="lessons">
    <summary>填写工作总结“存在问题及经验做法”</summary>
    <textarea rows="5" maxlength="20000" value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
    <button class="primary" disabled=${busy || text.trim() === ''} onClick=${save}>保存</button>
    ${done && html`<p class="ok" role="status">${done}</p>`}
    <${ErrorBox} error=${error} />
  </details>`;
}

function Documents({ docs, id, canWrite, onSaved }) {
  const [error, setError] = useState(null);
  if (!docs) return html`<p class="loading">正在加载…</p>`;
  if (docs.length === 0) return html`<p class="muted">暂无文件。</p>`;
  const get = (d, format) => download(d.links[format], `${d.title}.${format}`).catch((e) => setError(e));
  return html`<ul class="documents">
      ${docs.map(
        (d) => html`<li>
          <span class="tag">${DOC_KIND[d.kind] ?? d.kind}</span> ${d.number ? `${d.number} ` : ''}${d.title}
          <span class="muted small">${fmtTime(d.updatedAt)}</span>
          <button class="link" onClick=${() => get(d, 'docx')}>下载DOCX</button>
          <button class="link" onClick=${() => get(d, 'html')}>下载HTML</button>
          <button class="link" onClick=${() => get(d, 'pdf')}>下载PDF</button>
        </li>`,
      )}
    </ul>
    ${canWrite && docs.some((d) => d.kind === 'work-summary') && html`<${Lessons} id=${id} onSaved=${onSaved} />`}
    <${ErrorBox} error=${error} />`;
}

function Electricity({ items }) {
  if (!items) return html`<p class="loading">正在加载…</p>`;
  if (items.length === 0) return html`<p class="muted">暂无耗电量核算结果。</p>`;
  return html`${items.map(
    (d) => html`<div class="electricity-day">
      <h4>${d.day} <${LevelBadge} level=${d.level} /></h4>
      <p class="counts">
        ${Object.entries(d.counts).map(([k, n]) => html`<span class="count">${VERDICT[k] ?? k}：${n}</span>`)}
      </p>
      ${
        d.verdicts.length > 0 &&
        html`<table class="verdicts">
        <thead><tr><th>企业</th><th>结论</th><th>原因</th><th>基准</th><th>当日</th><th>削减</th><th>要求</th></tr></thead>
        <tbody>
          ${d.verdicts.map(
            (v) => html`<tr class=${`verdict-${v.verdict}`}>
              <td>${v.enterpriseId}</td><td>${VERDICT[v.verdict] ?? v.verdict}</td><td>${v.reason}</td>
              <td>${v.baseline ?? '—'}</td><td>${v.consumption ?? '—'}</td>
              <td>${v.cut === null ? '—' : `${(v.cut * 100).toFixed(1)}%`}</td>
              <td>${v.required === null ? '—' : `${(v.required * 100).toFixed(0)}%`}</td>
            </tr>`,
          )}
        </tbody>
      </table>`
      }
    </div>`,
  )}`;
}

export function eventText(me, e) {
  const parts = [];
  if (e.unitId) parts.push(unitName(me, e.unitId));
  if (e.level && e.level !== 'none') parts.push(LEVEL[e.level] ?? e.level);
  if (e.decision) parts.push(DECISION[e.decision] ?? e.decision);
  if (e.kind && e.type === 'level.proposed') parts.push(PROPOSAL_KIND[e.kind] ?? e.kind);
  if (e.kind && e.type === 'document.produced') parts.push(DOC_KIND[e.kind] ?? e.kind);
  if (e.dutyId) parts.push(`${e.dutyId} ${dutyTitle(me, e.dutyId)}`);
  if (typeof e.responseDay === 'number') parts.push(`第${e.responseDay}天`);
  if (e.late) parts.push('迟报');
  return parts.join(' · ');
}

function Timeline({ me, events }) {
  const list = [...events].reverse();
  return html`<ol class="timeline">
    ${list.map(
      ({ seq, event: e }) => html`<li data-type=${e.type}>
        <span class="seq">#${seq}</span>
        <span class="time">${fmtTime(e.at)}</span>
        <span class="etype">${EVENT[e.type] ?? e.type}</span>
        <span class="detail">${eventText(me, e)}</span>
      </li>`,
    )}
  </ol>`;
}

export function EpisodePage({ me, id }) {
  const { data: polled, error } = useLive(() => api(ep(id)), `${ep(id)}/stream`, 3000, [id], 'episode');
  const [decided, setDecided] = useState(null);
  const view = decided && (!polled || decided.eventCount >= polled.eventCount) ? decided : polled;
  const [docs, setDocs] = useState(null);
  const [elec, setElec] = useState(null);
  const [docsAgain, setDocsAgain] = useState(0);
  const changeKey = view ? `${view.eventCount}|${view.phase}` : '';
  useEffect(() => {
    if (!view) return;
    api(`${ep(id)}/documents`)
      .then((r) => setDocs(r.items))
      .catch(() => setDocs([]));
    api(`${ep(id)}/electricity`)
      .then((r) => setElec(r.items))
      .catch(() => setElec([]));
  }, [id, changeKey, docsAgain]);
  if (!view) {
    return error
      ? html`<div class="error" role="alert">${errorText(error)}</div>`
      : html`<p class="loading">正在加载…</p>`;
  }
  return html`<section class="episode" data-phase=${view.phase} data-level=${view.level}>
    <${EpisodeHeader} me=${me} view=${view} id=${id} current="episode" />
    <${ErrorBox} error=${error} />
    <div class="grid">
      <${Proposal} me=${me} view=${view} id=${id} onDecided=${setDecided} />
      <section class="card">
        <h3>AQI预报</h3>
        <${AqiChart} forecast=${view.forecast} />
        <h3>预报与实况</h3>
        <${ProcessDays} view=${view} />
      </section>
    </div>
    ${
      me.principal.role === 'office' &&
      html`<${OfficeDecisions} me=${me} view=${view} id=${id} onChanged=${(next) => next && setDecided(next)} />
      <${OfficeActions} view=${view} id=${id} onChanged=${(next) => next && setDecided(next)} />`
    }
    <section class="card">
      <h3>任务与报送</h3>
      <${Duties} me=${me} view=${view} />
    </section>
    ${
      me.principal.role !== 'unit' &&
      view.responseDay !== null &&
      html`<${UnitReports} me=${me} view=${view} id=${id} changeKey=${changeKey} />`
    }
    <div class="grid">
      <section class="card escalations">
        <h3>督促升级（未结）</h3>
        ${
          view.openEscalations.length === 0
            ? html`<p class="muted">无。</p>`
            : html`<ul>
              ${view.openEscalations.map(
                (x) => html`<li class="alert">
                  ${unitName(me, x.unitId)} · ${x.responseDay === 'summary' ? '总结' : `第${x.responseDay}天`}
                  · 第${x.step}级 · ${x.targets.map((t) => unitName(me, t)).join('、')} · ${fmtTime(x.at)}
                </li>`,
              )}
            </ul>`
        }
        ${
          view.noticeCount > 0 &&
          html`<h4>已签发通报（${view.noticeCount}）</h4>
          <ul class="notices">
            ${view.notices.map((n) => html`<li>${unitName(me, n.unitId)} · ${n.reason} · ${fmtTime(n.at)}</li>`)}
          </ul>`
        }
        ${
          (view.declinedNotices ?? []).length > 0 &&
          html`<h4>不予通报（${view.declinedNotices.length}）</h4>
          <ul class="declined-notices">
            ${view.declinedNotices.map((n) => html`<li>${unitName(me, n.unitId)} · ${n.reason} · ${fmtTime(n.at)}</li>`)}
          </ul>`
        }
      </section>
      <section class="card">
        <h3>文件下载</h3>
        <${Documents}
          docs=${docs}
          id=${id}
          canWrite=${me.principal.role === 'office'}
          onSaved=${() => setDocsAgain((n) => n + 1)}
        />
      </section>
    </div>
    <section class="card">
      <h3>重点企业耗电量核算</h3>
      <${Electricity} items=${elec} />
    </section>
    <section class="card">
      <h3>时间线（最近事件）</h3>
      <${Timeline} me=${me} events=${view.recentEvents} />
    </section>
  </section>`;
}
