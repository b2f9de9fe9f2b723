/**
 * 清单版本与报备: the reduction list's versions by year (for the office: import a year's draft, carry
 * the version in force over, publish a draft), what a version adds, drops and changes, and the year's
 * 一厂一策 filings with their state (a branch: its county, and it approves or returns filed sheets).
 */
import { useState } from '../vendor/hooks.module.js';
import { ErrorBox, api, cstNow, html, jurisdictionName, usePolling } from '../lib.js';

const STATE = { draft: '草稿', published: '已发布' };
const isBranch = (me) => me.principal.role === 'unit' && me.principal.unit?.startsWith('branch.');

function fmtValue(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (Array.isArray(v)) return v.join('、');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function Diff({ me, id }) {
  const { data, error } = usePolling(() => api(`/reduction-lists/${id}/diff`), 0, [id]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<p class="loading">正在比较…</p>`;
  const name = (e) => `${e.name}（${e.enterpriseId}，${jurisdictionName(me, e.county)}）`;
  return html`<div class="list-diff" data-list=${id}>
    <p class="muted">与${data.against ? `第${data.against.id}号版本（${data.against.year}年度）` : '空清单'}相比：
      新增${data.added.length}家，移出${data.dropped.length}家，变更${data.changed.length}家，未变${data.unchanged}家。</p>
    ${data.added.length > 0 && html`<h4>新增</h4><ul class="added">${data.added.map((e) => html`<li>${name(e)}</li>`)}</ul>`}
    ${data.dropped.length > 0 && html`<h4>移出</h4><ul class="dropped">${data.dropped.map((e) => html`<li>${name(e)}</li>`)}</ul>`}
    ${
      data.changed.length > 0 &&
      html`<h4>变更</h4><ul class="changed">${data.changed.map(
        (c) =>
          html`<li>${c.name}（${c.enterpriseId}）：${c.changes
            .map((x) => `${x.label}由“${fmtValue(x.from)}”改为“${fmtValue(x.to)}”`)
            .join('；')}</li>`,
      )}</ul>`
    }
  </div>`;
}

function DraftImport({ year, onDone }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const file = e.target.file.files[0];
    if (!file) return;
    const form = new FormData();
    form.append('year', String(year));
    form.append('file', file, file.name);
    setBusy(true);
    setError(null);
    try {
      setDone(await api('/reduction-lists/import', { method: 'POST', form, idempotent: true }));
      onDone();
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  const rows = error?.body?.errors?.filter((r) => r.line !== undefined);
  return html`<form class="inline list-import" onSubmit=${submit}>
    <label>导入${year}年度清单（CSV或XLSX，可含经度、纬度）<input type="file" name="file" required accept=".csv,.xlsx" /></label>
    <button type="submit" class="primary" disabled=${busy}>导入为草稿</button>
    ${done && html`<p class="ok" role="status">已导入 ${done.imported} 家企业，草稿第${done.listId}号。</p>`}
    ${
      rows
        ? html`<div class="error" role="alert">文件有误，未导入任何数据：${rows
            .slice(0, 20)
            .map((r) => `第${r.line}行${r.field}：${r.message}`)
            .join('；')}</div>`
        : html`<${ErrorBox} error=${error} />`
    }
  </form>`;
}

function Filings({ me, year }) {
  const { data, error, reload } = usePolling(() => api(`/filings?year=${year}`), 0, [year]);
  const [reasons, setReasons] = useState({});
  const [actionError, setActionError] = useState(null);
  const decide = async (row, decision) => {
    setActionError(null);
    const body = { decision, ...(reasons[row.enterpriseId] ? { reason: reasons[row.enterpriseId] } : {}) };
    try {
      await api(`/filings/${year}/${encodeURIComponent(row.enterpriseId)}/review`, {
        method: 'POST',
        body,
        idempotent: true,
      });
      reload();
    } catch (x) {
      setActionError(x);
    }
  };
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<p class="loading">正在加载…</p>`;
  if (data.listId === null) return html`<p class="muted">${year}年度尚无减排清单。</p>`;
  const c = data.counts;
  return html`<div class="filings">
    <p class="muted">未报备${c.unfiled}家，已报备${c.filed}家，退回修改${c.returned}家，已审核${c.approved}家。</p>
    <${ErrorBox} error=${actionError} />
    <table class="filings-table">
      <thead><tr><th>企业</th><th>县区</th><th>状态</th><th>报备次数</th><th>退回原因</th>${isBranch(me) && html`<th>审核</th>`}</tr></thead>
      <tbody>${data.items.map(
        (r) => html`<tr data-enterprise=${r.enterpriseId}>
          <td>${r.name}</td><td>${jurisdictionName(me, r.county)}</td><td class="state">${r.stateWords}</td>
          <td>${r.revision}</td><td>${r.state === 'returned' ? r.reason : ''}</td>
          ${
            isBranch(me) &&
            html`<td>${
              r.state === 'filed' &&
              html`<input name="reason" placeholder="退回原因" value=${reasons[r.enterpriseId] ?? ''}
                  onInput=${(e) => setReasons({ ...reasons, [r.enterpriseId]: e.target.value })} />
                <button onClick=${() => decide(r, 'approve')}>审核通过</button>
                <button onClick=${() => decide(r, 'return')}>退回修改</button>`
            }</td>`
          }
        </tr>`,
      )}</tbody>
    </table>
  </div>`;
}

export function ListsPage({ me }) {
  const [year, setYear] = useState(Number(cstNow().slice(0, 4)));
  const [open, setOpen] = useState(null);
  const [actionError, setActionError] = useState(null);
  const { data, error, reload } = usePolling(() => api('/reduction-lists'), 0, []);
  const office = me.principal.role === 'office';
  const act = async (fn) => {
    setActionError(null);
    try {
      await fn();
      reload();
    } catch (x) {
      setActionError(x);
    }
  };
  const [effective, setEffective] = useState({});
  // 生效时间 as typed (CST, datetime-local), or now when left empty
  const publish = (v) =>
    act(() =>
      api(`/reduction-lists/${v.id}/publish`, {
        method: 'POST',
        body: effective[v.id] ? { effectiveFrom: `${effective[v.id]}:00+08:00` } : {},
        idempotent: true,
      }),
    );
  const carryOver = () =>
    act(() => api('/reduction-lists/carry-over', { method: 'POST', body: { year }, idempotent: true }));
  return html`<section class="lists">
    <h1>清单版本与报备</h1>
    <label>年度 <input type="number" name="year" min="2000" max="9999" value=${year}
      onChange=${(e) => Number(e.target.value) && setYear(Number(e.target.value))} /></label>
    ${
      office &&
      html`<div class="office-actions">
        <${DraftImport} year=${year} onDone=${reload} />
        <button onClick=${carryOver}>沿用现行清单为${year}年度草稿</button>
      </div>`
    }
    <${ErrorBox} error=${error ?? actionError} />
    <h2>清单版本</h2>
    <table class="versions">
      <thead><tr><th>编号</th><th>年度</th><th>状态</th><th>生效时间</th><th>企业数</th><th></th></tr></thead>
      <tbody>${(data?.items ?? []).map(
        (v) => html`<tr data-version=${v.id}>
          <td>${v.id}</td><td>${v.year}</td><td>${STATE[v.state]}</td><td>${v.effectiveFromWords ?? '—'}</td><td>${v.entries}</td>
          <td>
            <button onClick=${() => setOpen(open === v.id ? null : v.id)}>${open === v.id ? '收起' : '查看变化'}</button>
            ${
              office &&
              v.state === 'draft' &&
              html`<label>生效时间 <input type="datetime-local" name="effectiveFrom" value=${effective[v.id] ?? ''}
                  onInput=${(e) => setEffective({ ...effective, [v.id]: e.target.value })} /></label>
                <button class="primary" onClick=${() => publish(v)}>发布</button>`
            }
          </td>
        </tr>`,
      )}</tbody>
    </table>
    ${open && html`<${Diff} me=${me} id=${open} />`}
    <h2>${year}年度一厂一策报备</h2>
    <${Filings} me=${me} year=${year} />
  </section>`;
}
