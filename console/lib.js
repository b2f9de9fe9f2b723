/** Shared helpers of the console: the API client, Chinese labels, formatting and small components. */
import { h } from './vendor/preact.module.js';
import { useEffect, useRef, useState } from './vendor/hooks.module.js';
import htm from './vendor/htm.module.js';
import { ERROR_MESSAGES } from './error-messages.js';

export const html = htm.bind(h);

const TOKEN_KEY = 'smog-console-token';
/**
 * How the console is signed in: the session cookie of an OpenID Connect sign-in (HttpOnly: the page
 * never sees it; `csrfToken` from /console/api/session goes with every state-changing call), or,
 * without an identity provider, an API token kept in sessionStorage (per tab).
 */
export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  /** The cookie session's CSRF token and idle timeout (null with a token, or signed out). */
  csrfToken: null,
  idleSeconds: null,
  /** Whether someone is signed in (a 401 then means the session ended). */
  active: false,
};

/** The person's last interaction: requests long after it are background (they don't keep the session alive). */
let lastActivity = Date.now();
for (const type of ['pointerdown', 'keydown', 'hashchange']) {
  addEventListener(type, () => {
    lastActivity = Date.now();
  });
}
const isBackground = () => {
  const window = Math.min(10_000, ((session.idleSeconds ?? 1800) * 1000) / 4);
  return Date.now() - lastActivity > window;
};

/** Sent when a call answers 401 while signed in: the session has ended (idle, lifetime, revoked). */
export const SIGNED_OUT_EVENT = 'smog-signed-out';

/** The headers every call carries: the bearer token (if any), and whether it is the person's activity. */
export function authHeaders() {
  const headers = {};
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  else if (isBackground()) headers['x-smog-background'] = '1';
  return headers;
}

/** Notes a refused call: a 401 while signed in ends the console's session. */
export function noteStatus(status) {
  if (status === 401 && session.active) {
    session.active = false;
    dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT));
  }
}

/** A refused API call; `body` is the problem+json answer (code, detail, errors[] …). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/**
 * A random RFC 4122 version 4 id from `crypto.getRandomValues`, which browsers offer on any page
 * (`crypto.randomUUID` only in a secure context: on a plain-HTTP intranet address it is missing).
 */
export function newId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Whether a failed call may have happened or may still succeed when sent again unchanged: no answer
 * (the connection dropped), a server error, a timeout, too many requests, or the first try with the
 * same key still running. Any other refusal is final: sending the same again answers the same.
 */
export function isRetryable(err) {
  if (!(err instanceof ApiError)) return true;
  return (
    err.status >= 500 ||
    err.status === 408 ||
    err.status === 429 ||
    err.body?.code === 'idempotency_in_progress'
  );
}

/**
 * The Idempotency-Key of one form fill: made when the form opens, sent with every retry of its
 * submission (a retry after a dropped connection is then answered with the first answer, never done
 * twice), and replaced only once the submission succeeded or was refused for good (`settle`).
 */
export function useSubmitKey() {
  const ref = useRef(null);
  if (ref.current === null) ref.current = newId();
  return {
    get key() {
      return ref.current;
    },
    /** After an answer: a new key after success or a final refusal; the same key while unsure. */
    settle(err) {
      if (!err || !isRetryable(err)) ref.current = newId();
    },
  };
}

/**
 * Calls the API with the signed-in token. JSON in (or `text` of a given type), JSON out (or a Blob with
 * `as: 'blob'`).
 * `idempotencyKey` names the form fill a POST belongs to (see useSubmitKey); `idempotent: true`
 * makes a key for this one call.
 */
export async function api(
  path,
  { method = 'GET', body, form, text, as = 'json', idempotent = false, idempotencyKey } = {},
) {
  const headers = { ...authHeaders(), 'accept-language': 'zh-CN' };
  if (method !== 'GET' && session.csrfToken) headers['x-csrf-token'] = session.csrfToken;
  let payload;
  if (form) payload = form;
  else if (text) {
    // a document as typed (e.g. a plan in YAML): `text` = { type, value }
    headers['content-type'] = text.type;
    payload = text.value;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  else if (idempotent) headers['idempotency-key'] = newId();
  const res = await fetch(path, { method, headers, body: payload });
  if (!res.ok) {
    noteStatus(res.status);
    let err = null;
    try {
      err = await res.json();
    } catch {}
    throw new ApiError(res.status, err);
  }
  if (as === 'blob') return res.blob();
  return res.json();
}

export const ep = (id) => `/episodes/${encodeURIComponent(id)}`;

export const LEVEL = { none: '无预警', yellow: '黄色预警', orange: '橙色预警', red: '红色预警' };
export const LEVEL_SHORT = { none: '无', yellow: '黄', orange: '橙', red: '红' };
export const GRADE = { III: 'Ⅲ级响应', II: 'Ⅱ级响应', I: 'Ⅰ级响应' };
export const PHASE = {
  consultation: '会商研判',
  proposed: '待指挥长批示',
  'early-response': '提前应对',
  active: '预警响应中',
  lifting: '已解除·待总结',
  closed: '已结束',
};
export const DUTY_STATUS = { pending: '待报送', submitted: '已报送', late: '迟报', overdue: '逾期未报' };
export const ROLE = {
  office: '专班办公室',
  commander: '指挥长',
  leader: '专班领导',
  unit: '责任单位',
  auditor: '审计',
  admin: '系统管理员',
};
export const PROPOSAL_KIND = { start: '启动预警', change: '调整预警级别', lift: '解除预警' };
export const DECISION = { approve: '批准', 'order-level': '指令级别', decline: '不同意', lift: '解除' };
export const DOC_KIND = {
  'warning-notice': '预警通知',
  'daily-response-report': '应对日报',
  'daily-report': '应对日报',
  'work-summary': '工作总结',
  'circulated-notice': '通报',
  proposal: '请示',
  other: '其他',
};
export const VERDICT = {
  compliant: '达标',
  'non-compliant': '未达标',
  'insufficient-data': '数据不足',
  exempt: '豁免',
};
export const EVENT = {
  'episode.started': '过程启动',
  'consultation.recorded': '会商研判',
  'level.proposed': '报请指挥长',
  'commander.decided': '指挥长指令',
  'warning.issued': '发布预警',
  'warning.changed': '调整预警',
  'warning.lifted': '解除预警',
  'early-response.started': '启动提前应对',
  'early-response.ended': '结束提前应对',
  'duty.assigned': '分派任务',
  'report.submitted': '单位报送',
  'report.overdue': '报送逾期',
  'escalation.step': '逐级督促',
  'escalation.stopped': '督促结束',
  'notice.circulated': '签发通报',
  'notice.proposed': '拟通报（待办公室决定）',
  'notice.declined': '不予通报',
  'early-response.proposed': '建议提前应对',
  'early-response.declined': '不启动提前应对',
  'proposal.withdrawn': '建议撤回',
  'work-summary.drafted': '工作总结待签发',
  'work-summary.signed': '签发工作总结',
  'proposal.escalated': '请示催办',
  'electricity.assessed': '耗电量核算',
  'enforcement.followup': '执法跟进',
  'summary.submitted': '单位总结',
  'document.produced': '生成文件',
  'notification.sent': '发送通知',
  'observation.recorded': '空气质量实况',
  'observation.worse': '实况较预报偏重',
  'episode.closed': '过程结束',
};

/**
 * '2026-11-29T17:05:09.000+08:00' → '11月29日17时05分09秒', as people write times (China Standard
 * Time); `{ date: false }` → '17时05分09秒'.
 */
export function fmtTime(iso, { date = true } = {}) {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)/.exec(iso);
  if (!m) return iso;
  const time = `${Number(m[4])}时${m[5]}分${m[6]}秒`;
  return date ? `${Number(m[2])}月${Number(m[3])}日${time}` : time;
}

/** The current instant as CST 'YYYY-MM-DDTHH:MM:SS' (for a datetime-local input). */
export function cstNow(ms = Date.now()) {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19);
}

/** The photo marks the API gives (GET /photos/:id/facts), as the unit reads them. */
export const PHOTO_MARK = {
  'other-day': '非报送当日拍摄',
  'no-time': '照片无拍摄时间',
  far: '拍摄地点距企业较远',
  'no-location': '照片无拍摄位置',
};

/** The CST date of response day `day` of an episode whose day 1 is `firstDay` ('YYYY-MM-DD'). */
export function reportDate(firstDay, day) {
  if (!firstDay || !day) return null;
  const d = new Date(`${firstDay}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + day - 1);
  return d.toISOString().slice(0, 10);
}

/** The Chinese message of a refused call: the dictionary's text for its code, and the fields at fault. */
export function errorText(err) {
  if (err instanceof ApiError) {
    const code = err.body?.code;
    const text = ERROR_MESSAGES[code] ?? `请求未完成（HTTP ${err.status}）`;
    const fields = (err.body?.errors ?? []).map((e) => `${e.path}：${e.message}`).join('；');
    return `${text}${fields ? `：${fields}` : ''}（${err.status}）`;
  }
  return String(err?.message ?? err);
}

export function LevelBadge({ level, response }) {
  return html`<span class=${`level level-${level || 'none'}`}
    >${LEVEL[level] ?? level}${response ? ` · ${GRADE[response] ?? response}` : ''}</span
  >`;
}

export function PhaseTag({ phase }) {
  return html`<span class=${`phase phase-${phase}`}>${PHASE[phase] ?? phase}</span>`;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error" role="alert">${errorText(error)}</div>`;
}

const AQI_BANDS = [
  { max: 50, color: '#00e400', name: '优' },
  { max: 100, color: '#ffff00', name: '良' },
  { max: 150, color: '#ff7e00', name: '轻度' },
  { max: 200, color: '#ff0000', name: '中度' },
  { max: 300, color: '#99004c', name: '重度' },
  { max: 500, color: '#7e0023', name: '严重' },
];
export const aqiBand = (aqi) => AQI_BANDS.find((b) => aqi <= b.max) ?? AQI_BANDS[AQI_BANDS.length - 1];

/** The AQI forecast as an inline SVG bar chart with the 150/200/300 thresholds. */
export function AqiChart({ forecast }) {
  if (!forecast?.length) return html`<p class="muted">无预报数据</p>`;
  const W = 520;
  const H = 200;
  const pad = { l: 40, r: 10, t: 12, b: 28 };
  const top = Math.max(350, ...forecast.map((d) => d.aqi + 30));
  const y = (v) => pad.t + (H - pad.t - pad.b) * (1 - v / top);
  const bw = (W - pad.l - pad.r) / forecast.length;
  return html`<svg class="chart" viewBox=${`0 0 ${W} ${H}`} role="img" aria-label="AQI预报">
    ${[150, 200, 300].map(
      (t) => html`<g>
        <line x1=${pad.l} x2=${W - pad.r} y1=${y(t)} y2=${y(t)} class="threshold" />
        <text x=${pad.l - 4} y=${y(t) + 4} class="axis" text-anchor="end">${t}</text>
      </g>`,
    )}
    ${forecast.map((d, i) => {
      const x = pad.l + i * bw + bw * 0.15;
      const band = aqiBand(d.aqi);
      return html`<g class="bar">
        <rect x=${x} y=${y(d.aqi)} width=${bw * 0.7} height=${y(0) - y(d.aqi)} fill=${band.color} />
        <text x=${x + bw * 0.35} y=${y(d.aqi) - 4} text-anchor="middle" class="value">${d.aqi}</text>
        <text x=${x + bw * 0.35} y=${H - 10} text-anchor="middle" class="axis">${d.date.slice(5)}</text>
      </g>`;
    })}
    <line x1=${pad.l} x2=${W - pad.r} y1=${y(0)} y2=${y(0)} class="baseline" />
  </svg>`;
}

/** Downloads an authenticated resource (documents need the bearer token). */
export async function download(path, fileName) {
  const blob = await api(path, { as: 'blob' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** An authenticated image as a data: URL (the CSP allows data: images, not blob:). */
export async function imageDataUrl(path) {
  const blob = await api(path, { as: 'blob' });
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/**
 * Loads data now and again every `ms` (live refresh by polling; the API has no push channel a
 * browser can authenticate to). Answers { data, error, reload }.
 */
export function usePolling(load, ms, deps) {
  const [state, setState] = useState({ data: null, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stopped = false;
    let timer;
    const run = async () => {
      try {
        const data = await load();
        if (!stopped) setState({ data, error: null });
      } catch (error) {
        if (!stopped) setState((s) => ({ data: s.data, error }));
      }
      if (!stopped && ms) timer = setTimeout(run, ms);
    };
    run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

export const unitName = (me, id) => me.units.find((u) => u.id === id)?.name ?? id;
export const dutyTitle = (me, id) => me.duties.find((d) => d.id === id)?.title ?? id;
export const jurisdictionName = (me, id) => me.jurisdictions.find((j) => j.id === id)?.name ?? id;
export const AUDIT_ROLES = ['auditor', 'office', 'leader'];
