/** The console's shell: sign-in with a token, the session (who am I), hash routing and navigation. */
import { render } from './vendor/preact.module.js';
import { useEffect, useState } from './vendor/hooks.module.js';
import { ROLE, api, errorText, html, session } from './lib.js';
import { AuditPage } from './pages/audit.js';
import { BoardPage } from './pages/board.js';
import { EnterprisesPage } from './pages/enterprises.js';
import { EpisodePage } from './pages/episode.js';
import { PrincipalsPage } from './pages/principals.js';
import { UnitPage } from './pages/unit.js';

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

function SignIn({ onSignedIn, error }) {
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

function Shell({ me, route, onSignOut }) {
  const { principal } = me;
  const unitName = me.units.find((u) => u.id === principal.unit)?.name;
  let page;
  if (route.page === 'episode' && route.id) page = html`<${EpisodePage} me=${me} id=${route.id} />`;
  else if (route.page === 'unit' && route.id) page = html`<${UnitPage} me=${me} id=${route.id} />`;
  else if (route.page === 'audit' && route.id) page = html`<${AuditPage} me=${me} id=${route.id} />`;
  else if (route.page === 'enterprises' && principal.role !== 'admin')
    page = html`<${EnterprisesPage} me=${me} />`;
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
              <a href="#/enterprises" class=${route.page === 'enterprises' ? 'current' : ''}>减排清单</a>`
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
  const [checking, setChecking] = useState(Boolean(session.token));
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!session.token) return;
    api('/console/api/session')
      .then(setMe)
      .catch((e) => {
        session.token = null;
        setError(errorText(e));
      })
      .finally(() => setChecking(false));
  }, []);
  if (checking) return html`<p class="loading">正在验证令牌…</p>`;
  if (!me) return html`<${SignIn} onSignedIn=${setMe} error=${error} />`;
  const signOut = () => {
    session.token = null;
    setMe(null);
    location.hash = '#/';
  };
  return html`<${Shell} me=${me} route=${route} onSignOut=${signOut} />`;
}

const root = document.getElementById('root');
root.textContent = '';
render(html`<${App} />`, root);
