/**
 * 空气质量: a jurisdiction's observed AQI hour by hour (rolling 24-h) and day by day, beside the forecast
 * of its episode, with the plan's thresholds drawn and the warning levels in force shaded — an SVG drawn
 * by hand (no charting library, no bundler). The chart is shared with the assessment page.
 */
import { useEffect, useState } from '../vendor/hooks.module.js';
import { ErrorBox, LEVEL, aqiBand, api, ep, html, jurisdictionName } from '../lib.js';

const DAY = 86_400_000;
const dayStart = (date) => Date.parse(`${date}T00:00:00+08:00`);
const cstDate = (ms) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
const md = (date) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
const SHADE = { early: '#e0ecff', yellow: '#fff4b8', orange: '#ffdcb5', red: '#ffc9c9' };
/** Roles that read an episode's assessment (its forecast and levels). */
export const ASSESSMENT_ROLES = ['office', 'leader', 'commander'];

/**
 * The chart: `days` [{ date, observed, forecast, level }] over [from, to]; `hours` [{ hourEnd, aqi }]
 * (rolling 24-h AQI at the end of each hour); `thresholds` the plan's AQI thresholds.
 */
export function ObservedAqiChart({ from, to, days = [], hours = [], thresholds = [150, 200, 300] }) {
  const W = 760;
  const H = 270;
  const pad = { l: 40, r: 12, t: 14, b: 34 };
  const t0 = dayStart(from);
  const t1 = dayStart(to) + DAY;
  const values = [...hours.map((h) => h.aqi), ...days.flatMap((d) => [d.observed, d.forecast])].filter(
    (v) => typeof v === 'number',
  );
  const top = Math.ceil(Math.max(350, ...values.map((v) => v + 30)) / 50) * 50;
  const x = (ms) => pad.l + ((W - pad.l - pad.r) * (ms - t0)) / (t1 - t0);
  const y = (v) => pad.t + (H - pad.t - pad.b) * (1 - v / top);
  const nDays = Math.round((t1 - t0) / DAY);
  const every = Math.max(1, Math.ceil(nDays / 10));
  // the hourly line, broken where an hour has no valid value
  let path = '';
  let open = false;
  for (const h of hours) {
    const ms = Date.parse(h.hourEnd);
    if (typeof h.aqi !== 'number' || h.complete === false) {
      open = false;
      continue;
    }
    path += `${open ? 'L' : 'M'}${x(ms).toFixed(1)},${y(h.aqi).toFixed(1)}`;
    open = true;
  }
  const observedDays = days.filter((d) => typeof d.observed === 'number').length;
  return html`<figure class="aqi-figure">
    <svg class="chart aqi-chart" viewBox=${`0 0 ${W} ${H}`} role="img"
      aria-label=${`AQI：逐时实况、日实况与预报（${md(from)}至${md(to)}）`}
      data-days=${observedDays} data-hours=${hours.filter((h) => typeof h.aqi === 'number' && h.complete !== false).length}>
      ${days.map((d) => {
        const fill = SHADE[d.level];
        if (!fill) return null;
        const a = x(dayStart(d.date));
        return html`<rect class=${`level-shade level-shade-${d.level}`} x=${a} y=${pad.t}
          width=${x(dayStart(d.date) + DAY) - a} height=${H - pad.t - pad.b} fill=${fill}>
          <title>${md(d.date)} ${d.level === 'early' ? '提前应对' : LEVEL[d.level]}</title></rect>`;
      })}
      ${[0, 100, 200, 300, 400, 500]
        .filter((v) => v < top)
        .map((v) => html`<text x=${pad.l - 4} y=${y(v) + 4} class="axis" text-anchor="end">${v}</text>`)}
      ${thresholds.map(
        (t) => html`<g class="threshold-line" data-threshold=${t}>
          <line x1=${pad.l} x2=${W - pad.r} y1=${y(t)} y2=${y(t)} class="threshold" />
          <text x=${W - pad.r - 2} y=${y(t) - 3} class="axis" text-anchor="end">AQI ${t}</text>
        </g>`,
      )}
      ${Array.from({ length: nDays }, (_, i) => {
        const ms = t0 + i * DAY;
        return html`<g>
          <line x1=${x(ms)} x2=${x(ms)} y1=${pad.t} y2=${H - pad.b} class="gridline" />
          ${i % every === 0 && html`<text x=${x(ms + DAY / 2)} y=${H - pad.b + 16} class="axis" text-anchor="middle">${md(cstDate(ms))}</text>`}
        </g>`;
      })}
      ${path && html`<path d=${path} class="hourly" />`}
      ${hours
        .filter((h) => typeof h.aqi === 'number' && h.complete === false)
        .map(
          (h) => html`<circle class="hourly-partial" cx=${x(Date.parse(h.hourEnd))} cy=${y(h.aqi)} r="1.6">
            <title>部分污染物无有效值：AQI ${h.aqi}（不完整）</title></circle>`,
        )}
      ${days.map((d) => {
        const a = x(dayStart(d.date)) + 2;
        const b = x(dayStart(d.date) + DAY) - 2;
        const mid = (a + b) / 2;
        return html`<g class="day" data-date=${d.date}>
          ${
            typeof d.forecast === 'number' &&
            html`<g class="forecast-day"><line x1=${a} x2=${b} y1=${y(d.forecast)} y2=${y(d.forecast)} />
              <title>${md(d.date)} 预报AQI ${d.forecast}</title></g>`
          }
          ${
            typeof d.observed === 'number' &&
            html`<g class="observed-day">
              <line x1=${a} x2=${b} y1=${y(d.observed)} y2=${y(d.observed)} stroke=${aqiBand(d.observed).color} />
              <circle cx=${mid} cy=${y(d.observed)} r="4" fill=${aqiBand(d.observed).color} />
              <text x=${mid} y=${y(d.observed) - 7} text-anchor="middle" class="value">${d.observed}</text>
              <title>${md(d.date)} 实况日AQI ${d.observed}</title></g>`
          }
        </g>`;
      })}
      <line x1=${pad.l} x2=${W - pad.r} y1=${y(0)} y2=${y(0)} class="baseline" />
    </svg>
    <figcaption class="legend small">
      <span><i class="key key-hourly"></i>逐时实况（滑动24小时AQI）</span>
      <span><i class="key key-partial"></i>逐时实况不完整（部分污染物无有效值）</span>
      <span><i class="key key-observed"></i>日实况AQI</span>
      <span><i class="key key-forecast"></i>会商预报AQI</span>
      <span><i class="key key-threshold"></i>方案阈值</span>
      ${['early', 'yellow', 'orange', 'red'].map(
        (l) =>
          html`<span><i class="key" style=${`background:${SHADE[l]}`}></i>${l === 'early' ? '提前应对' : LEVEL[l]}</span>`,
      )}
    </figcaption>
  </figure>`;
}

/** The hourly series of a jurisdiction (at most 32 days; a longer span shows the days only). */
export async function hourlyOf(jurisdiction, from, to) {
  if ((dayStart(to) - dayStart(from)) / DAY + 1 > 32) return [];
  const q = new URLSearchParams({ jurisdiction, from, to });
  return (await api(`/air-quality/hourly?${q}`)).items;
}

function defaultRange() {
  const today = cstDate(Date.now());
  return { from: cstDate(dayStart(today) - 6 * DAY), to: today };
}

export function AirPage({ me, id }) {
  const city = me.jurisdictions.find((j) => j.kind === 'city')?.id ?? me.jurisdictions[0]?.id;
  const jurisdiction = id ?? city;
  const [range, setRange] = useState(defaultRange);
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    setError(null);
    (async () => {
      const q = new URLSearchParams({ jurisdiction, from: range.from, to: range.to });
      const [hours, daily] = await Promise.all([
        hourlyOf(jurisdiction, range.from, range.to),
        api(`/air-quality/daily?${q}`),
      ]);
      const days = daily.items.map((d) => ({ date: d.date, observed: d.value.aqi, reason: d.value.reason }));
      // the forecast and the levels of an episode of the jurisdiction in the range (its assessment)
      let episode = null;
      if (ASSESSMENT_ROLES.includes(me.principal.role)) {
        const eq = new URLSearchParams({
          jurisdiction,
          from: cstDate(dayStart(range.from) - 31 * DAY),
          to: range.to,
          limit: '20',
        });
        const { items } = await api(`/episodes?${eq}`);
        for (const e of items) {
          const a = await api(`${ep(e.id)}/assessment`).catch(() => null);
          if (a?.from && a.from <= range.to && a.to >= range.from) {
            episode = a;
            break;
          }
        }
      }
      if (episode)
        for (const d of days) {
          const e = episode.days.find((x) => x.date === d.date);
          if (e) Object.assign(d, { forecast: e.forecast, level: e.level });
        }
      if (live) setData({ hours, days, episode });
    })().catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [jurisdiction, range.from, range.to]);
  const set = (k) => (e) => e.target.value && setRange({ ...range, [k]: e.target.value });
  return html`<section class="air">
    <h2>空气质量 · ${jurisdictionName(me, jurisdiction)}</h2>
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <label>行政区
        <select name="jurisdiction" value=${jurisdiction}
          onChange=${(e) => {
            location.hash = `#/air/${encodeURIComponent(e.target.value)}`;
          }}>
          ${me.jurisdictions.map((j) => html`<option value=${j.id}>${j.name}</option>`)}
        </select>
      </label>
      <label>开始日期 <input type="date" name="from" value=${range.from} onChange=${set('from')} /></label>
      <label>结束日期 <input type="date" name="to" value=${range.to} onChange=${set('to')} /></label>
    </form>
    <${ErrorBox} error=${error} />
    ${
      !data
        ? !error && html`<p class="loading">正在加载…</p>`
        : html`<div class="card">
          <${ObservedAqiChart} from=${range.from} to=${range.to} days=${data.days} hours=${data.hours}
            thresholds=${data.episode?.thresholds ?? [150, 200, 300]} />
          ${
            data.episode
              ? html`<p class="small">预报与预警级别取自应急过程
                  <a href=${`#/assessment/${encodeURIComponent(data.episode.episodeId)}`}>${data.episode.episodeId}</a>（成效评估）。</p>`
              : html`<p class="muted small">所选时段内无可显示预报的应急过程。</p>`
          }
          <table class="air-days">
            <thead><tr><th>日期</th><th>日实况AQI</th><th>预报AQI</th><th>说明</th></tr></thead>
            <tbody>
              ${data.days.map(
                (d) => html`<tr data-date=${d.date}>
                  <td>${md(d.date)}</td>
                  <td>${d.observed ?? '—'}</td>
                  <td>${d.forecast ?? '—'}</td>
                  <td class="small muted">${d.observed === null ? (d.reason ?? '无数据') : ''}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`
    }
  </section>`;
}
