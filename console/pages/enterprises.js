/**
 * 减排清单: the emergency reduction list with search and filters, how fresh each enterprise's meter
 * readings are, and — for the office — the imports of the list and of the power company's readings
 * (CSV or XLSX; a file with any bad row imports nothing, and every bad row is shown with its line).
 */
import { useState } from '../vendor/hooks.module.js';
import { ErrorBox, LEVEL, api, html, jurisdictionName, usePolling } from '../lib.js';

const GRADE = { A: 'A级', B: 'B级', C: 'C级', D: 'D级', unrated: '未分级' };
const EXEMPTION = { none: '—', heating: '民生供暖', livelihood: '民生保障' };
const PAGE = 50;

function ImportForm({ title, url, hint, onImported }) {
  const [file, setFile] = useState(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setResult(null);
    setError(null);
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const r = await api(url, { method: 'POST', form, idempotent: true });
      setResult(r);
      e.target.reset();
      setFile(null);
      onImported();
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  const rows = error?.body?.errors?.filter((r) => r.line !== undefined);
  return html`<form class="import-form" onSubmit=${submit} data-import=${url}>
    <h4>${title}</h4>
    <p class="muted small">${hint}</p>
    <label>文件（CSV或XLSX）
      <input type="file" name="file" required accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        onChange=${(e) => setFile(e.target.files[0] ?? null)} />
    </label>
    <button type="submit" class="primary" disabled=${busy || !file}>${busy ? '正在导入…' : '导入'}</button>
    ${result && html`<p class="ok" role="status">已导入 ${result.imported} 条（${result.fileName}）。</p>`}
    ${
      rows
        ? html`<div class="error" role="alert">
            文件有误，未导入任何数据（共${rows.length}处问题）：
            <table class="import-errors">
              <thead><tr><th>行</th><th>字段</th><th>问题</th></tr></thead>
              <tbody>
                ${rows.slice(0, 200).map((r) => html`<tr><td>${r.line}</td><td>${r.field}</td><td>${r.message}</td></tr>`)}
              </tbody>
            </table>
          </div>`
        : html`<${ErrorBox} error=${error} />`
    }
  </form>`;
}

function Measures({ measures }) {
  const levels = ['yellow', 'orange', 'red'].filter((l) => measures[l]);
  if (levels.length === 0) return '—';
  return html`<details>
    <summary>一厂一策</summary>
    <dl class="measures">
      ${levels.map(
        (
          l,
        ) => html`<dt>${LEVEL[l]}${measures[l].percent !== undefined ? `（减排${measures[l].percent}%）` : ''}</dt>
          <dd>${measures[l].summary}</dd>`,
      )}
    </dl>
  </details>`;
}

export function EnterprisesPage({ me }) {
  const role = me.principal.role;
  const own = role === 'unit' ? me.units.find((u) => u.id === me.principal.unit)?.jurisdiction : null;
  const [filters, setFilters] = useState({ q: '', county: '', key: '', missing: '' });
  // the cursors of the pages seen so far (the API pages by cursor; the first page has none)
  const [cursors, setCursors] = useState([null]);
  const pageIndex = cursors.length - 1;
  const cursor = cursors[pageIndex];
  const offset = pageIndex * PAGE;
  const [tick, setTick] = useState(0);
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (cursor) query.set('cursor', cursor);
  if (filters.q.trim()) query.set('q', filters.q.trim());
  if (filters.county) query.set('county', filters.county);
  if (filters.key) query.set('keyEnterprise', filters.key);
  if (filters.missing) query.set('readingsMissingOn', filters.missing);
  const { data, error } = usePolling(() => api(`/enterprises?${query}`), 30_000, [String(query), tick]);
  const set = (k) => (e) => {
    setCursors([null]);
    setFilters({ ...filters, [k]: e.target.value });
  };
  const counties = me.jurisdictions.filter((j) => j.kind === 'county');
  return html`<section class="enterprises">
    <h2>应急减排清单</h2>
    ${
      role === 'office' &&
      html`<div class="grid">
        <section class="card">
          <${ImportForm} title="导入减排清单" url="/enterprises/import"
            hint="列：企业编号、企业名称、统一社会信用代码、所在县区、绩效分级、重点企业、电表编号（多个以;分隔）、豁免类型、各级预警减排措施与比例。同一企业编号再次导入即更新。"
            onImported=${() => setTick(tick + 1)} />
        </section>
        <section class="card">
          <${ImportForm} title="导入电力公司用电量数据" url="/readings/import"
            hint="列：电表编号、日期、用电量（kWh）。同一电表同一天再次导入即覆盖。"
            onImported=${() => setTick(tick + 1)} />
        </section>
      </div>`
    }
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <label>搜索
        <input type="search" name="q" placeholder="企业名称、编号或信用代码" value=${filters.q} onInput=${set('q')} />
      </label>
      ${
        own
          ? html`<span class="muted">仅显示${jurisdictionName(me, own)}的企业</span>`
          : html`<label>县区
            <select name="county" value=${filters.county} onChange=${set('county')}>
              <option value="">全部</option>
              ${counties.map((j) => html`<option value=${j.id}>${j.name}</option>`)}
            </select>
          </label>`
      }
      <label>重点企业
        <select name="key" value=${filters.key} onChange=${set('key')}>
          <option value="">全部</option>
          <option value="true">是</option>
          <option value="false">否</option>
        </select>
      </label>
      <label>缺少用电量数据的日期
        <input type="date" name="missing" value=${filters.missing} onInput=${set('missing')} />
      </label>
    </form>
    <${ErrorBox} error=${error} />
    ${!data && !error && html`<p class="loading">正在加载…</p>`}
    ${data && data.total === 0 && html`<p class="muted">没有符合条件的企业。</p>`}
    ${
      data &&
      data.total > 0 &&
      html`<p class="muted small total">共 ${data.total} 家，第 ${offset + 1}–${offset + data.items.length} 家</p>
      <table class="enterprise-list">
        <thead><tr><th>企业编号</th><th>企业名称</th><th>统一社会信用代码</th><th>县区</th><th>行业</th>
          <th>绩效分级</th><th>重点</th><th>豁免</th><th>电表</th><th>最近用电数据</th><th>减排措施</th></tr></thead>
        <tbody>
          ${data.items.map(
            (e) => html`<tr data-enterprise=${e.id}>
              <td>${e.id}</td><td>${e.name}</td><td class="mono">${e.uscc}</td>
              <td>${jurisdictionName(me, e.county)}</td><td>${e.industry || '—'}</td>
              <td>${e.gradeLabel || GRADE[e.grade]}</td><td>${e.keyEnterprise ? '是' : '否'}</td>
              <td>${EXEMPTION[e.exemption] ?? e.exemption}</td>
              <td class="small">${e.meterIds.join('、')}</td>
              <td class="last-reading">${e.lastReadingDay ?? html`<span class="status status-overdue">无数据</span>`}</td>
              <td><${Measures} measures=${e.measures} /></td>
            </tr>`,
          )}
        </tbody>
      </table>
      <p class="pager">
        <button class="link" disabled=${pageIndex === 0} onClick=${() => setCursors(cursors.slice(0, -1))}>上一页</button>
        <button class="link" disabled=${!data.nextCursor} onClick=${() => setCursors([...cursors, data.nextCursor])}>下一页</button>
        <span class="muted small">每30秒自动刷新。</span>
      </p>`
    }
  </section>`;
}
