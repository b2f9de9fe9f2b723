/**
 * The console's shell: sign-in (at the identity provider by OpenID Connect, or with an API token when
 * none is configured), the session (who am I; it ends on the server after the idle timeout and the
 * console then asks to sign in again), hash routing and navigation.
 */
import { render } from './vendor/preact.module.js';
import { useEffect, useState } from './vendor/hooks.module.js';
import { ERROR_MESSAGES } from './error-messages.js';
import { AUDIT_ROLES, ROLE, SIGNED_OUT_EVENT, api, errorText, html, session } from './lib.js';
import { AirPage } from './pages/air.js';
import { AssessmentPage } from './pages/assessment.js';
import { AuditPage } from './pages/audit.js';
import { BoardPage } from './pages/board.js';
import { EnterprisesPage } from './pages/enterprises.js';
import { EpisodePage } from './pages/episode.js';
import { FieldPage } from './pages/field.js';
import { ListsPage } from './pages/lists.js';
import { PlansPage } from './pages/plans.js';
import { PrincipalsPage } from './pages/principals.js';
import { StatisticsPage } from './pages/statistics.js';
import { UnitPage } from './pages/unit.js';

/** Who works in the field (a branch, the enforcement team) or follows it (the office). */
const inField = (p) =>
  p.role === 'office' || (p.role === 'unit' && (p.unit === 'enforcement' || p.unit?.startsWith('branch.')));

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  const [page = '', id] = parts;
  return { page, id: id ? decodeURIComponent(id) : null };
}

function useRoute() {
  const [route, setRoute] = useState(parseRoute());
  useEffect(() => {
    const on = () => setRoute(parseRoute());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** The sign-in page: the identity provider's button, or the token form when the API has no provider. */
function SignIn({ options, onSignedIn, error }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(error);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    session.token = token.trim();
    try {
      onSignedIn(await api('/console/api/session'));
    } catch (x) {
      session.token = null;
      setErr(errorText(x));
    } finally {
      setBusy(false);
    }
  };
  if (options?.oidc) {
    const href = `${options.oidc.loginUrl}?returnTo=${encodeURIComponent(`/console/${location.hash}`)}`;
    return html`<main class="signin">
      <div class="card">
        <h1>重污染天气应急响应控制台</h1>
        <p class="muted">请使用${options.oidc.providerName}账号登录。</p>
        ${err && html`<div class="error" role="alert">${err}</div>`}
        <a class="button" href=${href}>${options.oidc.providerName}登录</a>
      </div>
    </main>`;
  }
  return html`<main class="signin">
    <form class="card" onSubmit=${submit}>
      <h1>重污染天气应急响应控制台</h1>
      <p class="muted">请输入系统管理员为您签发的访问令牌。令牌仅保存在本浏览器标签页中。</p>
      <label>访问令牌
        <input name="token" type="password" autocomplete="off" value=${token}
          onInput=${(e) => setToken(e.target.value)} required />
      </label>
      ${err && html`<div class="error" role="alert">${err}</div>`}
      <button type="submit" disabled=${busy}>登录</button>
    </form>
  </main>`;
}

/** The Chinese message of `?signin_error=<code>` (a failed sign-in sent back by the API), once. */
function signInErrorOfUrl() {
  const params = new URLSearchParams(location.search);
  const code = params.get('signin_error');
  if (!code) return null;
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  return ERROR_MESSAGES[code] ?? ERROR_MESSAGES.signin_failed;
}

function Shell({ me, route, onSignOut }) {
  const { principal } = me;
  const unitName = me.units.find((u) => u.id === principal.unit)?.name;
  let page;
  if (route.page === 'episode' && route.id) page = html`<${EpisodePage} me=${me} id=${route.id} />`;
  else if (route.page === 'unit' && route.id) page = html`<${UnitPage} me=${me} id=${route.id} />`;
  else if (route.page === 'audit' && route.id) page = html`<${AuditPage} me=${me} id=${route.id} />`;
  else if (route.page === 'assessment' && route.id)
    page = html`<${AssessmentPage} me=${me} id=${route.id} />`;
  else if (route.page === 'air' && principal.role !== 'admin')
    page = html`<${AirPage} me=${me} id=${route.id} />`;
  else if (route.page === 'enterprises' && principal.role !== 'admin')
    page = html`<${EnterprisesPage} me=${me} />`;
  else if (route.page === 'field' && inField(principal))
    page = html`<${FieldPage} me=${me} episodeId=${route.id} />`;
  else if (route.page === 'lists' && principal.role !== 'admin') page = html`<${ListsPage} me=${me} />`;
  else if (route.page === 'statistics' && AUDIT_ROLES.includes(principal.role))
    page = html`<${StatisticsPage} me=${me} />`;
  else if (route.page === 'plans' && principal.role !== 'admin') page = html`<${PlansPage} me=${me} />`;
  else if (route.page === 'principals' || principal.role === 'admin')
    page = html`<${PrincipalsPage} me=${me} />`;
  else page = html`<${BoardPage} me=${me} />`;
  return html`<div class="shell">
    <header class="top">
      <a class="brand" href="#/">重污染天气应急响应</a>
      <nav>
        ${
          principal.role === 'admin'
            ? html`<a href="#/principals" class="current">用户与令牌</a>`
            : html`<a href="#/" class=${route.page === '' ? 'current' : ''}>看板</a>
              ${
                inField(principal) &&
                html`<a href="#/field" class=${route.page === 'field' ? 'current' : ''}>现场检查</a>`
              }
              <a href="#/enterprises" class=${route.page === 'enterprises' ? 'current' : ''}>减排清单</a>
              <a href="#/lists" class=${route.page === 'lists' ? 'current' : ''}>清单版本与报备</a>
              ${
                AUDIT_ROLES.includes(principal.role) &&
                html`<a href="#/statistics" class=${route.page === 'statistics' ? 'current' : ''}>统计分析</a>`
              }
              <a href="#/plans" class=${route.page === 'plans' ? 'current' : ''}>应急预案</a>
              <a href="#/air" class=${route.page === 'air' ? 'current' : ''}>空气质量</a>`
        }
      </nav>
      <span class="who" data-role=${principal.role}>
        ${principal.name || principal.id} · ${ROLE[principal.role] ?? principal.role}${unitName ? ` · ${unitName}` : ''}
      </span>
      <button class="link" onClick=${onSignOut}>退出</button>
    </header>
    <main class="content">${page}</main>
  </div>`;
}

function App() {
  const route = useRoute();
  const [me, setMe] = useState(null);
  const [options, setOptions] = useState(null);
  const [checking, setChecking] = useState(true);
  const [error, setError] = useState(signInErrorOfUrl);
  const signedIn = (answer) => {
    session.csrfToken = answer.session?.csrfToken ?? null;
    session.idleSeconds = answer.session?.idleSeconds ?? null;
    session.active = true;
    setMe(answer);
  };
  useEffect(() => {
    // a session cookie (after the identity provider) or this tab's token: who is signed in, if anyone
    const opts = api('/auth/options').catch(() => ({ oidc: null, tokenSignIn: true }));
    api('/console/api/session')
      .then(signedIn)
      .catch((e) => {
        if (session.token) setError(errorText(e));
        session.token = null;
      })
      .finally(async () => {
        setOptions(await opts);
        setChecking(false);
      });
  }, []);
  useEffect(() => {
    const ended = () => {
      session.csrfToken = null;
      setMe(null);
      setError('登录已超时或已失效，请重新登录');
    };
    addEventListener(SIGNED_OUT_EVENT, ended);
    return () => removeEventListener(SIGNED_OUT_EVENT, ended);
  }, []);
  // a cookie session ends on the server after the idle timeout: look now and then (not as activity)
  useEffect(() => {
    if (!me?.session) return;
    const every = Math.max(1_000, Math.min(60_000, (me.session.idleSeconds * 1000) / 3));
    const timer = setInterval(() => api('/console/api/session').catch(() => {}), every);
    return () => clearInterval(timer);
  }, [me]);
  if (checking) return html`<p class="loading">正在验证登录…</p>`;
  if (!me) return html`<${SignIn} options=${options} onSignedIn=${signedIn} error=${error} />`;
  const signOut = async () => {
    let endSessionUrl = null;
    if (me.session) {
      try {
        endSessionUrl = (await api('/auth/logout', { method: 'POST' })).endSessionUrl;
      } catch {}
    }
    session.token = null;
    session.csrfToken = null;
    session.active = false;
    setError(null);
    setMe(null);
    location.hash = '#/';
    // the identity provider signs the person out too, then sends the browser back to the console
    if (endSessionUrl) location.assign(endSessionUrl);
  };
  return html`<${Shell} me=${me} route=${route} onSignOut=${signOut} />`;
}

const root = document.getElementById('root');
root.textContent = '';
render(html`<${App} />`, root);
