/** 本单位报送: the notices to acknowledge (acknowledge.js), today's report form (report-form.js), earlier reports, the summary after the lift. */
import { useLive } from '../live.js';
import { useState } from '../vendor/hooks.module.js';
import { DUTY_STATUS, ErrorBox, api, dutyTitle, ep, errorText, fmtTime, html, useSubmitKey } from '../lib.js';
import { DutyStatus, EpisodeHeader } from './episode.js';
import { PendingAcknowledgements } from './acknowledge.js';
import { ReportForm } from './report-form.js';
import { ReportList, useReports } from './reports.js';

function SummaryForm({ id, onFiled }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submitKey = useSubmitKey();
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const filed = await api(`${ep(id)}/summaries`, {
        method: 'POST',
        body: { text },
        idempotencyKey: submitKey.key,
      });
      submitKey.settle();
      onFiled(filed);
    } catch (x) {
      submitKey.settle(x);
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="summary-form" onSubmit=${submit}>
    <h3>污染过程应对工作总结</h3>
    <p class="muted small">预警解除次日10:00前报送。</p>
    <textarea name="summary" required maxlength="20000" value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
    <${ErrorBox} error=${error} />
    <button type="submit" class="primary" disabled=${busy}>报送总结</button>
  </form>`;
}

export function UnitPage({ me, id }) {
  const unitId = me.principal.unit;
  const { data: view, error, reload } = useLive(() => api(ep(id)), `${ep(id)}/stream`, 3000, [id], 'episode');
  const [filed, setFiled] = useState([]);
  const [summary, setSummary] = useState(null);
  // every version this unit filed, corrections included; reloaded when the episode changes
  const { reports, error: reportsError } = useReports(
    id,
    'includeReplaced=true',
    `${view?.eventCount ?? 0}|${filed.length}`,
  );
  if (me.principal.role !== 'unit' || !unitId) {
    return html`<div class="error" role="alert">此页面仅供责任单位使用。</div>`;
  }
  if (!view) {
    return error
      ? html`<div class="error" role="alert">${errorText(error)}</div>`
      : html`<p class="loading">正在加载…</p>`;
  }
  const mine = view.duties.filter((d) => d.unitId === unitId);
  const reporting = (view.phase === 'active' || view.phase === 'early-response') && view.responseDay;
  const dueToday = mine.find((d) => d.responseDay === view.responseDay);
  const summaryDuty = mine.find((d) => d.responseDay === 'summary');
  const mySummary = view.summaries?.[unitId];
  return html`<section class="unit-page">
    <${EpisodeHeader} me=${me} view=${view} id=${id} current="unit" />
    <${ErrorBox} error=${error} />
    <${PendingAcknowledgements} me=${me} view=${view} id=${id} onDone=${() => reload()} />
    <div class="grid">
      <section class="card">
        ${
          reporting
            ? html`${
                dueToday &&
                html`<p>今日截止：<b>${fmtTime(dueToday.dueAt)}</b>
                <span class=${`status status-${dueToday.status}`}>${DUTY_STATUS[dueToday.status]}</span></p>`
              }
              ${
                filed[0] &&
                html`<p class="ok filed-note" role="status">
                已报送第${filed[0].responseDay}天日报${filed[0].late ? '（迟报）' : ''}，照片${filed[0].photoIds.length}张。
              </p>`
              }
              <${ReportForm} me=${me} view=${view} id=${id}
                onFiled=${(r) => {
                  setFiled([r, ...filed]);
                  reload();
                  // on a phone the form is long: bring the confirmation into view
                  setTimeout(() =>
                    document.querySelector('.filed-note')?.scrollIntoView({ block: 'center' }),
                  );
                }} />`
            : html`<p class="muted">当前没有需要报送的日报（${view.phase === 'lifting' ? '预警已解除' : '未进入响应'}）。</p>`
        }
      </section>
      <div>
      <section class="card">
        <h3>已报送的日报</h3>
        ${
          reportsError
            ? html`<p class="error" role="alert">日报读取失败。</p>`
            : html`<${ReportList} me=${me} reports=${reports && [...reports].reverse()} showUnit=${false}
                firstDay=${view.firstDay} />`
        }
      </section>
      <section class="card">
        ${
          summaryDuty && !mySummary && !summary
            ? html`<${SummaryForm} id=${id}
              onFiled=${(s) => {
                setSummary(s);
                reload();
              }} />`
            : mySummary || summary
              ? html`<h3>工作总结</h3><p class="ok">已报送${(mySummary ?? summary).late ? '（迟报）' : ''}。</p>`
              : html`<h3>工作总结</h3><p class="muted">预警解除后在此报送本单位工作总结。</p>`
        }
      </section>
      </div>
    </div>
    <section class="card">
      <h3>本单位任务</h3>
      <table class="duties">
        <thead><tr><th>任务</th><th>响应日</th><th>截止时间</th><th>状态</th></tr></thead>
        <tbody>
          ${mine.map(
            (d) => html`<tr class=${`duty duty-${d.status}`} data-status=${d.status}>
              <td>${d.dutyId} ${dutyTitle(me, d.dutyId)}</td>
              <td>${d.responseDay === 'summary' ? '总结' : d.responseDay ? `第${d.responseDay}天` : '常态'}</td>
              <td>${fmtTime(d.dueAt)}</td>
              <td><${DutyStatus} duty=${d} /></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </section>
  </section>`;
}
