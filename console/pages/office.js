/**
 * 专班办公室的操作: start an episode after a consultation (or on a provincial directive), record a
 * new consultation on a running episode, end an early response or cancel an episode.
 */
import { useState } from '../vendor/hooks.module.js';
import { ErrorBox, LEVEL, LevelBadge, PROPOSAL_KIND, api, cstNow, ep, html, useSubmitKey } from '../lib.js';

/** 'YYYY-MM-DD' + n days (calendar arithmetic in UTC, so no time zone can shift it). */
export function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const today = () => cstNow().slice(0, 10);

/** Daily AQI forecasts for consecutive days from `start`; empty boxes at the end are left out. */
function ForecastInputs({ start, values, onChange }) {
  const set = (i) => (e) => onChange(values.map((v, j) => (j === i ? e.target.value : v)));
  return html`<fieldset class="forecast-inputs">
    <legend>逐日AQI预报</legend>
    ${values.map(
      (v, i) => html`<label class="forecast-day">
        ${addDays(start, i)}
        <input type="number" min="0" max="2000" step="1" inputmode="numeric" name=${`aqi-${i}`}
          aria-label=${`${addDays(start, i)} AQI`} value=${v} onInput=${set(i)} />
      </label>`,
    )}
    <span class="buttons">
      ${values.length < 15 && html`<button type="button" class="link" onClick=${() => onChange([...values, ''])}>增加一天</button>`}
      ${values.length > 1 && html`<button type="button" class="link" onClick=${() => onChange(values.slice(0, -1))}>减少一天</button>`}
    </span>
  </fieldset>`;
}

/**
 * The forecast series the API expects, or an error text: the filled boxes must be consecutive from
 * the first day, whole numbers 0–2000.
 */
export function forecastOf(start, values) {
  const filled = [...values];
  while (filled.length > 0 && String(filled[filled.length - 1]).trim() === '') filled.pop();
  if (filled.length === 0) return { error: '请至少填写第一天的AQI预报' };
  const days = [];
  for (const [i, v] of filled.entries()) {
    const text = String(v).trim();
    const aqi = Number(text);
    if (text === '' || !Number.isInteger(aqi) || aqi < 0 || aqi > 2000) {
      return { error: `${addDays(start, i)}：AQI须为0–2000的整数，且各日连续填写` };
    }
    days.push({ date: addDays(start, i), aqi });
  }
  return { forecast: days };
}

function Result({ result }) {
  if (!result) return null;
  const p = result.proposal;
  return html`<div class="ok" role="status">
    会商结果已记录（${result.consultationId}）：研判级别 <${LevelBadge} level=${result.level} />
    ${p ? html`，已报请指挥长${PROPOSAL_KIND[p.kind] ?? p.kind}（${LEVEL[p.level] ?? p.level}）。` : '，无需报请指挥长。'}
    ${result.earlyResponse && html` 已启动污染过程提前应对。`}
  </div>`;
}

/** 新建应急过程 (office): POST /episodes, then opens the episode page. */
export function StartEpisode({ me }) {
  const counties = me.jurisdictions;
  const startKey = useSubmitKey();
  const [f, setF] = useState({
    jurisdiction: counties[0]?.id ?? '',
    date: today(),
    seq: '1',
    exercise: false,
    exerciseDayMinutes: '',
    origin: 'consultation',
    directedLevel: 'orange',
  });
  const [aqi, setAqi] = useState(['', '', '']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const set = (k) => (e) =>
    setF({ ...f, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    const series = forecastOf(f.date, aqi);
    if (series.error) return setError(series.error);
    const body = {
      jurisdiction: f.jurisdiction,
      date: f.date,
      seq: Number(f.seq),
      exercise: f.exercise,
      forecast: series.forecast,
      origin: f.origin,
      ...(f.origin === 'province' ? { directedLevel: f.directedLevel } : {}),
      ...(f.exercise && f.exerciseDayMinutes
        ? { exerciseDayMs: Math.round(Number(f.exerciseDayMinutes) * 60_000) }
        : {}),
    };
    setBusy(true);
    try {
      const started = await api('/episodes', { method: 'POST', idempotencyKey: startKey.key, body });
      startKey.settle();
      location.hash = `#/episode/${encodeURIComponent(started.id)}`;
    } catch (x) {
      startKey.settle(x);
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  return html`<details class="card start-episode">
    <summary>新建应急过程（会商研判后启动）</summary>
    <form onSubmit=${submit}>
      <div class="row">
        <label>区域
          <select name="jurisdiction" value=${f.jurisdiction} onChange=${set('jurisdiction')}>
            ${counties.map((j) => html`<option value=${j.id}>${j.name}</option>`)}
          </select>
        </label>
        <label>日期 <input type="date" name="date" value=${f.date} onInput=${set('date')} required /></label>
        <label>当日序号 <input type="number" name="seq" min="1" max="99" value=${f.seq} onInput=${set('seq')} required /></label>
      </div>
      <${ForecastInputs} start=${f.date} values=${aqi} onChange=${setAqi} />
      <div class="row">
        <label>启动依据
          <select name="origin" value=${f.origin} onChange=${set('origin')}>
            <option value="consultation">会商研判</option>
            <option value="province">省级预警指令</option>
          </select>
        </label>
        ${
          f.origin === 'province' &&
          html`<label>指令级别
            <select name="directedLevel" value=${f.directedLevel} onChange=${set('directedLevel')}>
              ${['yellow', 'orange', 'red'].map((l) => html`<option value=${l}>${LEVEL[l]}</option>`)}
            </select>
          </label>`
        }
        <label class="check"><input type="checkbox" name="exercise" checked=${f.exercise} onChange=${set('exercise')} /> 演练</label>
        ${
          f.exercise &&
          html`<label>演练每个响应日时长（分钟，可选）
            <input type="number" name="exerciseDayMinutes" min="0.2" max="1440" step="0.1" value=${f.exerciseDayMinutes}
              onInput=${set('exerciseDayMinutes')} />
          </label>`
        }
      </div>
      <p class="muted small">启动后系统按预案研判预警级别并报请指挥长批示；未经指挥长批准不发布预警。</p>
      <button type="submit" class="primary" disabled=${busy}>启动</button>
      <${ErrorBox} error=${error} />
    </form>
  </details>`;
}

/** 办公室操作 on a running episode: a new consultation, ending an early response, cancelling. */
export function OfficeActions({ view, id, onChanged }) {
  const [start, setStart] = useState(today());
  const [aqi, setAqi] = useState(['', '', '']);
  const [directed, setDirected] = useState('');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [result, setResult] = useState(null);
  const [done, setDone] = useState(null);
  if (view.phase === 'closed') return null;
  const consultKey = useSubmitKey();
  const closeKey = useSubmitKey();
  /** Runs one action sent with `submitKey` (the same key on a retry while its outcome is unknown). */
  const run = async (submitKey, work) => {
    setBusy(true);
    setError(null);
    setDone(null);
    setResult(null);
    try {
      await work(submitKey.key);
      submitKey.settle();
    } catch (x) {
      submitKey.settle(x);
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  const consult = (e) => {
    e.preventDefault();
    const series = forecastOf(start, aqi);
    if (series.error) return setError(series.error);
    return run(consultKey, async (idempotencyKey) => {
      const r = await api(`${ep(id)}/consultations`, {
        method: 'POST',
        idempotencyKey,
        body: { forecast: series.forecast, ...(directed ? { directedLevel: directed } : {}) },
      });
      setResult(r);
      setAqi(['', '', '']);
      onChanged();
    });
  };
  const close = (reason, label) =>
    run(closeKey, async (idempotencyKey) => {
      const next = await api(`${ep(id)}/close`, {
        method: 'POST',
        idempotencyKey,
        body: { reason, ...(comment ? { comment } : {}) },
      });
      setDone(`已${label}`);
      onChanged(next);
    });
  const canConsult = view.phase !== 'lifting';
  const canEndEarly = view.phase === 'early-response' && view.level === 'none';
  // the workflow refuses to cancel once a warning or an early response is under way
  const canCancel = view.level === 'none' && view.phase !== 'early-response' && view.phase !== 'lifting';
  return html`<section class="card office-actions">
    <h3>办公室操作</h3>
    ${
      canConsult &&
      html`<form class="consult" onSubmit=${consult}>
        <h4>会商研判（更新预报）</h4>
        <label>预报起始日 <input type="date" name="start" value=${start} onInput=${(e) => setStart(e.target.value)} required /></label>
        <${ForecastInputs} start=${start} values=${aqi} onChange=${setAqi} />
        <label>省级预警指令（可选）
          <select name="directedLevel" value=${directed} onChange=${(e) => setDirected(e.target.value)}>
            <option value="">无</option>
            ${['yellow', 'orange', 'red'].map((l) => html`<option value=${l}>${LEVEL[l]}</option>`)}
          </select>
        </label>
        <button type="submit" disabled=${busy}>记录会商结果</button>
      </form>`
    }
    <${Result} result=${result} />
    ${
      (canEndEarly || canCancel) &&
      html`<div class="close">
        <input class="comment" placeholder="说明（可选）" value=${comment} onInput=${(e) => setComment(e.target.value)} />
        ${canEndEarly && html`<button disabled=${busy} onClick=${() => close('end-early-response', '结束提前应对')}>结束提前应对</button>`}
        ${canCancel && html`<button class="danger" disabled=${busy} onClick=${() => close('cancel', '撤销')}>撤销本次过程</button>`}
      </div>`
    }
    ${done && html`<p class="ok" role="status">${done}</p>`}
    <${ErrorBox} error=${error} />
  </section>`;
}
