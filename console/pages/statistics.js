/**
 * 统计分析 (office, leaders, auditors): across episodes and years, episodes by level and jurisdiction,
 * report lateness and follow-up closure by unit, enterprises' compliance by grade; 导出（Excel）.
 */
import { useState } from '../vendor/hooks.module.js';
import { AUDIT_ROLES, ErrorBox, api, cstNow, download, html, usePolling } from '../lib.js';

const pct = (r) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);

export function StatisticsPage({ me }) {
  const thisYear = Number(cstNow().slice(0, 4));
  const [period, setPeriod] = useState({ from: `${thisYear - 4}-01-01`, to: cstNow().slice(0, 10) });
  const [exercises, setExercises] = useState(false);
  const [exportError, setExportError] = useState(null);
  const query = `from=${period.from}&to=${period.to}${exercises ? '&includeExercises=true' : ''}`;
  const { data, error } = usePolling(() => api(`/statistics?${query}`), 0, [query]);
  if (!AUDIT_ROLES.includes(me.principal.role)) {
    return html`<div class="error" role="alert">此页面供专班办公室、领导和审计人员使用。</div>`;
  }
  const set = (k) => (e) => e.target.value && setPeriod({ ...period, [k]: e.target.value });
  const exportXlsx = () =>
    download(`/statistics/export?${query}`, `重污染天气应急统计_${period.from}_${period.to}.xlsx`).catch(
      setExportError,
    );
  return html`<section class="statistics">
    <h1>统计分析</h1>
    <form class="inline" onSubmit=${(e) => e.preventDefault()}>
      <label>起始日期 <input type="date" name="from" value=${period.from} onChange=${set('from')} /></label>
      <label>截止日期 <input type="date" name="to" value=${period.to} onChange=${set('to')} /></label>
      <label><input type="checkbox" checked=${exercises} onChange=${(e) => setExercises(e.target.checked)} /> 含演练</label>
      <button type="button" onClick=${exportXlsx}>导出（Excel）</button>
    </form>
    <${ErrorBox} error=${error ?? exportError} />
    ${
      data &&
      html`
      <h2>应急过程（按年度、行政区和最高级别）</h2>
      <table class="episodes-by-level">
        <thead><tr><th>年度</th><th>行政区</th><th>最高级别</th><th>过程数</th></tr></thead>
        <tbody>${data.episodes.map(
          (r) =>
            html`<tr><td>${r.year}</td><td>${r.jurisdictionName}</td><td>${r.levelName}</td><td>${r.count}</td></tr>`,
        )}</tbody>
      </table>
      ${data.episodes.length === 0 && html`<p class="muted">该期间没有应急过程。</p>`}
      <h2>日报报送（按单位）</h2>
      <table class="lateness">
        <thead><tr><th>单位</th><th>已报送</th><th>迟报</th><th>逾期未报（次）</th><th>迟报率</th></tr></thead>
        <tbody>${data.reports.map(
          (r) =>
            html`<tr><td>${r.unitName}</td><td>${r.submitted}</td><td>${r.late}</td><td>${r.overdue}</td><td>${pct(r.lateRate)}</td></tr>`,
        )}</tbody>
      </table>
      <h2>督办闭环（按单位）</h2>
      <table class="follow-ups">
        <thead><tr><th>单位</th><th>督办企业（次）</th><th>已闭环</th><th>闭环率</th></tr></thead>
        <tbody>${data.followUps.map(
          (r) =>
            html`<tr><td>${r.unitName}</td><td>${r.opened}</td><td>${r.closed}</td><td>${pct(r.closureRate)}</td></tr>`,
        )}</tbody>
      </table>
      <h2>企业用电核算达标情况（按绩效分级）</h2>
      <table class="compliance">
        <thead><tr><th>年度</th><th>绩效分级</th><th>核算（企业·日）</th><th>达标</th><th>未达标</th><th>数据不足</th><th>豁免</th><th>达标率</th></tr></thead>
        <tbody>${data.compliance.map(
          (r) =>
            html`<tr><td>${r.year}</td><td>${r.gradeLabel}</td><td>${r.assessed}</td><td>${r.compliant}</td><td>${r.nonCompliant}</td><td>${r.insufficientData}</td><td>${r.exempt}</td><td>${pct(r.complianceRate)}</td></tr>`,
        )}</tbody>
      </table>`
    }
  </section>`;
}
