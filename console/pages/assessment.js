/**
 * 成效评估 of an episode (五(一)4): the AQI chart (observed hour by hour and day by day, the forecast,
 * thresholds, levels in force), what the figures support, the verified cut by level, county, grade and
 * industry, duties and follow-ups, and the expert committee's opinion (the office attaches it).
 */
import { useEffect, useState } from '../vendor/hooks.module.js';
import { ErrorBox, LEVEL, api, download, ep, fmtTime, html } from '../lib.js';
import { ObservedAqiChart, hourlyOf } from './air.js';
import { EpisodeHeader } from './episode.js';

const pct = (f) => (typeof f === 'number' ? `${(f * 100).toFixed(1)}%` : '—');
const md = (date) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
const levelText = (l) => (l === 'early' ? '提前应对' : l === 'none' ? '—' : (LEVEL[l] ?? l));
const signed = (n) => (typeof n !== 'number' ? '—' : n > 0 ? `+${n}` : String(n));

function CutTable({ title, groups, extra }) {
  if (!groups.length) return null;
  return html`<div class="cut-table">
    <h4 class="cut-title">${title}</h4>
    <table class="cut" data-by=${title}>
      <thead><tr><th>${title.replace('按', '')}</th><th>核算企业</th><th>有数据</th><th>无数据</th><th>豁免</th>
        <th>平均降幅</th><th>平均要求</th>${extra && html`<th>方案要求</th>`}<th>达标企业日</th></tr></thead>
      <tbody>
        ${groups.map(
          (g) => html`<tr data-key=${g.key}>
            <td>${g.label}</td><td>${g.enterprises}</td><td>${g.withData}</td>
            <td class=${g.noData ? 'alert' : ''}>${g.noData}</td><td>${g.exempt}</td>
            <td class=${typeof g.meanCut === 'number' && g.meanCut < g.meanRequired ? 'alert' : ''}>${pct(g.meanCut)}</td>
            <td>${pct(g.meanRequired)}</td>${extra && html`<td>${g.planPercent}%</td>`}<td>${pct(g.complianceRate)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function Opinion({ me, id, opinion, onSaved }) {
  const office = me.principal.role === 'office';
  const [text, setText] = useState('');
  const [file, setFile] = useState(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(null);
  const [error, setError] = useState(null);
  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const form = new FormData();
      form.append('text', text);
      if (file) form.append('document', file, file.name);
      await api(`${ep(id)}/assessment/opinion`, { method: 'PUT', form });
      setDone('专家委员会意见已保存。');
      setText('');
      onSaved();
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="card opinion">
    <h3>专家委员会意见</h3>
    ${
      opinion
        ? html`<blockquote class="opinion-text">${opinion.text}</blockquote>
          <p class="muted small">${opinion.by} · ${fmtTime(opinion.at)}
            ${
              opinion.document &&
              html` · <button class="link" onClick=${() =>
                download(`${ep(id)}/assessment/opinion/document`, opinion.document.fileName).catch(setError)}>
                下载${opinion.document.fileName}</button>`
            }</p>`
        : html`<p class="muted">暂未提交。</p>`
    }
    ${
      office &&
      html`<form class="opinion-form" onSubmit=${save}>
        <label>意见全文
          <textarea name="opinion" rows="4" maxlength="20000" value=${text}
            onInput=${(e) => setText(e.target.value)}></textarea></label>
        <label>签字文件（PDF、DOCX或图片，可选）
          <input type="file" name="document" accept=".pdf,.docx,.png,.jpg,.jpeg"
            onChange=${(e) => setFile(e.target.files?.[0] ?? null)} /></label>
        <button class="primary" disabled=${busy || text.trim() === ''}>${opinion ? '更新意见' : '提交意见'}</button>
        ${done && html`<p class="ok" role="status">${done}</p>`}
      </form>`
    }
    <${ErrorBox} error=${error} />
  </section>`;
}

export function AssessmentPage({ me, id }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    (async () => {
      const [view, a] = await Promise.all([api(ep(id)), api(`${ep(id)}/assessment`)]);
      const hours = a.from ? await hourlyOf(a.jurisdiction.id, a.from, a.to).catch(() => []) : [];
      if (live) setData({ view, a, hours });
    })().catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [id, tick]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<p class="loading">正在加载…</p>`;
  const { view, a, hours } = data;
  const e = a.emission;
  return html`<section class="assessment">
    <${EpisodeHeader} me=${me} view=${view} id=${id} current="assessment" />
    <section class="card">
      <h3>应对成效评估${a.finished ? '' : html` <span class="tag">过程未结束</span>`}</h3>
      <ol class="statement">${a.statement.map((s) => html`<li>${s}</li>`)}</ol>
    </section>
    ${
      a.from &&
      html`<section class="card">
        <h3>空气质量：预报与实况</h3>
        <${ObservedAqiChart} from=${a.from} to=${a.to} days=${a.days} hours=${hours} thresholds=${a.thresholds} />
        <div class="scroll">
        <table class="assessment-days">
          <thead><tr><th>日期</th><th>响应级别</th><th>预报AQI</th><th>实况AQI</th><th>预报误差</th></tr></thead>
          <tbody>
            ${a.days.map(
              (d) => html`<tr data-date=${d.date}>
                <td>${md(d.date)}</td><td>${levelText(d.level)}</td><td>${d.forecast ?? '—'}</td>
                <td title=${d.observedReason ?? ''}>${d.observed ?? html`<span class="muted">无（${(d.observedReason ?? '无数据').split('；')[0]}）</span>`}</td>
                <td>${signed(d.error)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
        </div>
        <p class="small">实况峰值 <b>${a.observed.peak ?? '—'}</b>，均值 <b>${a.observed.mean ?? '—'}</b>；
          预报峰值 <b>${a.forecast.peak ?? '—'}</b>，均值 <b>${a.forecast.mean ?? '—'}</b>；
          平均绝对误差 <b class="mae">${a.meanAbsoluteError ?? '—'}</b>（${a.comparedDays}天可比）。
          ${a.observed.daysOver.map((x, i) => `超过${x.threshold}：实况${x.days}天、预报${a.forecast.daysOver[i]?.days ?? 0}天`).join('；')}</p>
      </section>`
    }
    <section class="card">
      <h3>减排措施落实核实（耗电量）</h3>
      ${
        e.overall.enterprises === 0
          ? html`<p class="muted">无耗电量核算结果。</p>`
          : html`<p>核算企业 <b>${e.overall.enterprises}</b> 家，有数据 ${e.overall.withData} 家，
              无数据 <b class=${e.overall.noData ? 'alert' : ''}>${e.overall.noData}</b> 家，豁免 ${e.overall.exempt} 家；
              平均降幅 <b>${pct(e.overall.meanCut)}</b>，平均要求 ${pct(e.overall.meanRequired)}。</p>
            <div class="scroll">
            <${CutTable} title="按预警级别" groups=${e.byLevel} extra=${true} />
            <${CutTable} title="按区县" groups=${e.byCounty} />
            <${CutTable} title="按绩效分级" groups=${e.byGrade} />
            <${CutTable} title="按行业" groups=${e.byIndustry} />
            </div>`
      }
    </section>
    <section class="card">
      <h3>职责落实与执法跟进</h3>
      <p class="duties-line">有时限的职责 ${a.duties.total} 项：按时 ${a.duties.onTime}，迟报 ${a.duties.late}，
        逾期未报 <b class=${a.duties.overdue ? 'alert' : ''}>${a.duties.overdue}</b>，未完成 ${a.duties.pending}。</p>
      <p>执法跟进企业 ${a.followups.enterprises} 家（${a.followups.opened} 次），办结 ${a.followups.closed} 件，未办结 ${a.followups.open} 家。</p>
    </section>
    <${Opinion} me=${me} id=${id} opinion=${a.opinion} onSaved=${() => setTick(tick + 1)} />
  </section>`;
}
