/** 单位日报: what the units reported, with the plan's form labels and the photos; and their summaries. */
import { useEffect, useState } from '../vendor/hooks.module.js';
import {
  ErrorBox,
  PHOTO_MARK,
  api,
  download,
  ep,
  fmtTime,
  html,
  imageDataUrl,
  reportDate,
  unitName,
} from '../lib.js';

/** A report's photo, with what its EXIF says against the report's day (taken another day, no time). */
export function Photo({ id, date }) {
  const [src, setSrc] = useState(null);
  const [facts, setFacts] = useState(null);
  useEffect(() => {
    imageDataUrl(`/photos/${id}`)
      .then(setSrc)
      .catch(() => setSrc(''));
    api(`/photos/${id}/facts${date ? `?reportDate=${date}` : ''}`)
      .then(setFacts)
      .catch(() => setFacts(null));
  }, [id, date]);
  const when = facts?.takenAt ? `拍摄于${fmtTime(facts.takenAt)}` : '';
  return html`<span class="photo" data-photo=${id} title=${when}>
    ${src ? html`<img class="thumb" src=${src} alt=${when || '现场照片'} />` : html`<span class="thumb empty">照片</span>`}
    ${(facts?.marks ?? []).map((m) => html`<span class="tag warn small" data-mark=${m}>${PHOTO_MARK[m] ?? m}</span>`)}
  </span>`;
}

/**
 * Reports as returned by GET /episodes/:id/reports: one expandable entry each; with the episode's
 * `firstDay`, each photo is checked against its report's day.
 */
export function ReportList({ me, reports, showUnit = true, firstDay = null }) {
  if (!reports) return html`<p class="loading">正在加载…</p>`;
  if (reports.length === 0) return html`<p class="muted">暂无。</p>`;
  const fields = me.reportForm.fields.filter((f) => f.type !== 'idList');
  return html`<ul class="reports">
    ${reports.map(
      (r) => html`<li class=${`report${r.current ? '' : ' replaced'}`} data-report=${r.reportId}
          data-unit=${r.unitId} data-day=${r.responseDay}>
        <details open=${r.current && !showUnit}>
          <summary>
            <span>第${r.responseDay}天</span>
            ${showUnit && html`<b>${unitName(me, r.unitId)}</b>`}
            <span class="muted small">${fmtTime(r.receivedAt)}</span>
            ${r.late ? html`<span class="status status-late">迟报</span>` : ''}
            ${r.version > 1 && r.current ? html`<span class="tag">更正（第${r.version}版）</span>` : ''}
            ${r.current ? '' : html`<span class="tag muted">已被更正</span>`}
            <span class="photos">${r.photoIds.map((p) => html`<${Photo} id=${p} date=${reportDate(firstDay, r.responseDay)} />`)}</span>
          </summary>
          <dl class="report-fields">
            ${fields
              .filter((f) => r.fields[f.name] !== undefined && r.fields[f.name] !== '')
              .map(
                (f) =>
                  html`<dt class=${f.type}>${f.label}</dt><dd class=${f.type} data-field=${f.name}>${String(r.fields[f.name])}</dd>`,
              )}
          </dl>
        </details>
      </li>`,
    )}
  </ul>`;
}

/** Loads the episode's reports (a unit gets its own only) again whenever `changeKey` changes. */
export function useReports(id, query, changeKey) {
  const [reports, setReports] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let stopped = false;
    api(`${ep(id)}/reports?limit=1000${query ? `&${query}` : ''}`)
      .then((r) => {
        if (!stopped) {
          setReports(r.items);
          setError(null);
        }
      })
      .catch((e) => !stopped && setError(e));
    return () => {
      stopped = true;
    };
  }, [id, query, changeKey]);
  return { reports, error };
}

/** The office's view of one response day: every unit's report in force, with its content. */
export function UnitReports({ me, view, id, changeKey }) {
  const days = view.responseDay ? Array.from({ length: view.responseDay }, (_, i) => i + 1) : [];
  const [day, setDay] = useState(null);
  const shown = day ?? view.responseDay ?? 1;
  const { reports, error } = useReports(id, `responseDay=${shown}`, changeKey);
  // the day's report duties not yet met (the view holds the current and the previous day)
  const missing = view.duties.filter(
    (d) => d.responseDay === shown && (d.status === 'pending' || d.status === 'overdue'),
  );
  const [summaries, setSummaries] = useState(null);
  const [exportError, setExportError] = useState(null);
  const exportAll = () => {
    setExportError(null);
    download(`${ep(id)}/reports/export?format=xlsx`, `单位日报-${id.replaceAll(':', '_')}.xlsx`).catch(
      setExportError,
    );
  };
  useEffect(() => {
    if (view.phase !== 'lifting' && view.phase !== 'closed') return;
    api(`${ep(id)}/summaries`)
      .then((r) => setSummaries(r.items))
      .catch(() => setSummaries([]));
  }, [id, changeKey]);
  return html`<section class="card unit-reports">
    <h3>
      单位日报
      ${
        days.length > 1 &&
        html`<select class="day-select" aria-label="响应日" value=${shown}
          onChange=${(e) => setDay(Number(e.target.value))}>
          ${days.map((d) => html`<option value=${d}>第${d}天</option>`)}
        </select>`
      }
      <button class="link export" onClick=${exportAll}>导出全部日报（Excel）</button>
    </h3>
    <${ErrorBox} error=${exportError} />
    ${error ? html`<p class="error" role="alert">日报读取失败。</p>` : html`<${ReportList} me=${me} reports=${reports} firstDay=${view.firstDay} />`}
    ${
      missing.length > 0 &&
      html`<p class="missing">尚未报送：${missing.map(
        (d, i) =>
          html`${i > 0 ? '、' : ''}<span class=${`status status-${d.status}`} data-unit=${d.unitId}>${unitName(me, d.unitId)}</span>`,
      )}</p>`
    }
    ${
      summaries &&
      html`<h4>单位工作总结（${summaries.length}）</h4>
      ${
        summaries.length === 0
          ? html`<p class="muted">暂无。</p>`
          : html`<ul class="summaries">
            ${summaries.map(
              (s) => html`<li data-unit=${s.unitId}>
                <details>
                  <summary><b>${unitName(me, s.unitId)}</b> <span class="muted small">${fmtTime(s.receivedAt)}</span>
                    ${s.late ? html`<span class="status status-late">迟报</span>` : ''}</summary>
                  <p class="summary-text">${s.text}</p>
                </details>
              </li>`,
            )}
          </ul>`
      }`
    }
  </section>`;
}
