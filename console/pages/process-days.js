/**
 * 预报与实况: the process day by day — the AQI forecast for each day beside the AQI observed — the
 * latest rolling 24-h AQI, and the days observed worse than forecast (the office was prompted).
 */
import { aqiBand, fmtTime, html } from '../lib.js';

const dayWords = (date) => {
  const [, m, d] = date.split('-').map(Number);
  return `${m}月${d}日`;
};

function Aqi({ value, partial }) {
  if (value === null || value === undefined) return html`<span class="muted">暂无</span>`;
  return html`<span class="aqi-value" style=${`border-color:${aqiBand(value).color}`}
    >${value}${partial ? html`<small class="muted">（当日未完）</small>` : ''}</span
  >`;
}

export function ProcessDays({ view }) {
  const rows = view.processDays ?? [];
  const latest = view.latestObservation;
  const worse = view.worseThanForecast ?? [];
  if (rows.length === 0) return html`<p class="muted">暂无预报与实况数据</p>`;
  return html`<div class="process-days">
    ${
      latest &&
      html`<p class="latest">
        最新24小时滑动平均AQI：<${Aqi} value=${latest.aqi} />（截至${fmtTime(latest.hourEnd).replace(/00分00秒$/, '')}）
      </p>`
    }
    <table class="process-table">
      <thead>
        <tr><th>日期</th><th>会商预报AQI</th><th>实况日AQI</th></tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) => html`<tr data-date=${r.date}>
            <td>${dayWords(r.date)}</td>
            <td>${r.forecast ?? html`<span class="muted">—</span>`}</td>
            <td><${Aqi} value=${r.observed} partial=${r.observed !== null && !r.observedComplete} /></td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${worse.map((w) => html`<p class="warning-note" role="note">${w.text}，已提示专班办公室加密会商。</p>`)}
  </div>`;
}
