/**
 * 用户与令牌 (system administrator): every principal with its role, unit and working tokens; create a
 * principal, issue a token (shown once, to hand over), revoke all of a principal's tokens, disable
 * a principal (its tokens stop working) or enable it again.
 */
import { useState } from '../vendor/hooks.module.js';
import { ErrorBox, ROLE, api, html, unitName, usePolling } from '../lib.js';

function CreatePrincipal({ me, onCreated }) {
  const [values, setValues] = useState({ id: '', role: 'unit', unit: '', name: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const set = (k) => (e) => setValues({ ...values, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = { id: values.id.trim(), role: values.role };
    if (values.unit) body.unit = values.unit;
    if (values.name.trim()) body.name = values.name.trim();
    try {
      onCreated(await api('/principals', { method: 'POST', body, idempotent: true }));
      setValues({ id: '', role: values.role, unit: '', name: '' });
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="create-principal inline" onSubmit=${submit}>
    <label>用户标识
      <input name="id" required pattern="[a-z0-9][a-z0-9._\\-]{0,63}" title="小写字母、数字、点、下划线或连字符"
        value=${values.id} onInput=${set('id')} />
    </label>
    <label>角色
      <select name="role" value=${values.role} onChange=${set('role')}>
        ${Object.entries(ROLE).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
      </select>
    </label>
    <label>所属单位
      <select name="unit" value=${values.unit} onChange=${set('unit')}>
        <option value="">（无）</option>
        ${me.units.map((u) => html`<option value=${u.id}>${u.name}</option>`)}
      </select>
    </label>
    <label>姓名或说明
      <input name="name" maxlength="200" value=${values.name} onInput=${set('name')} />
    </label>
    <button type="submit" class="primary" disabled=${busy}>新建用户</button>
    <${ErrorBox} error=${error} />
  </form>`;
}

export function PrincipalsPage({ me }) {
  const { data, error, reload } = usePolling(() => api('/principals'), 0, []);
  const [issued, setIssued] = useState(null);
  const [notice, setNotice] = useState(null);
  const [actionError, setActionError] = useState(null);
  if (me.principal.role !== 'admin') {
    return html`<div class="error" role="alert">此页面仅供系统管理员使用。</div>`;
  }
  const act = async (fn) => {
    setActionError(null);
    setNotice(null);
    try {
      await fn();
      reload();
    } catch (x) {
      setActionError(x);
    }
  };
  const issue = (p) =>
    act(async () => {
      const t = await api(`/principals/${encodeURIComponent(p.id)}/tokens`, {
        method: 'POST',
        body: { label: '控制台签发' },
        idempotent: true,
      });
      if (t.status === 'pending') {
        // another principal's token: a second administrator (or the principal) confirms it
        setIssued(null);
        setNotice(
          `已提交 ${t.principalId} 的令牌申请（申请号 ${t.requestId}），须由${
            t.confirmBy === 'principal' ? '该用户本人' : '另一位管理员'
          }确认后签发。`,
        );
      } else setIssued(t);
    });
  const revoke = (p) => {
    if (!confirm(`撤销 ${p.id} 的全部令牌？撤销后立即失效。`)) return;
    act(async () => {
      const r = await api(`/principals/${encodeURIComponent(p.id)}/revoke`, {
        method: 'POST',
        idempotent: true,
      });
      setIssued(null);
      setNotice(`已撤销 ${r.principalId} 的 ${r.revoked} 个令牌。`);
    });
  };
  const setStatus = (p, disabled) => {
    if (disabled && !confirm(`停用 ${p.id}？停用后其全部令牌立即失效，可再启用。`)) return;
    act(async () => {
      await api(`/principals/${encodeURIComponent(p.id)}/status`, {
        method: 'POST',
        body: { disabled },
        idempotent: true,
      });
      setNotice(`已${disabled ? '停用' : '启用'} ${p.id}。`);
    });
  };
  return html`<section class="principals">
    <h2>用户与令牌</h2>
    <section class="card">
      <h3>新建用户</h3>
      <${CreatePrincipal} me=${me} onCreated=${(p) => {
        setNotice(`用户 ${p.id} 已就绪，请为其签发令牌。`);
        reload();
      }} />
    </section>
    ${
      issued &&
      html`<section class="card issued" role="status">
        <h3>新令牌（仅显示这一次）</h3>
        <p>用户 <b>${issued.principalId}</b> 的令牌，请当面或经安全渠道交付，系统只保存其摘要：</p>
        <input class="token mono" readonly value=${issued.token} onFocus=${(e) => e.target.select()} />
      </section>`
    }
    ${notice && html`<p class="ok" role="status">${notice}</p>`}
    <${ErrorBox} error=${actionError ?? error} />
    ${!data && !error && html`<p class="loading">正在加载…</p>`}
    ${
      data &&
      html`<table class="principal-list">
        <thead><tr><th>用户标识</th><th>角色</th><th>所属单位</th><th>姓名或说明</th><th>有效令牌</th><th></th></tr></thead>
        <tbody>
          ${data.items.map(
            (p) => html`<tr data-principal=${p.id} class=${p.disabled ? 'disabled' : ''}>
              <td class="mono">${p.id}${p.disabled ? html` <span class="tag">已停用</span>` : ''}</td>
              <td>${ROLE[p.role] ?? p.role}</td>
              <td>${p.unit ? unitName(me, p.unit) : '—'}</td>
              <td>${p.name || '—'}</td>
              <td class="tokens">${p.activeTokens}</td>
              <td class="actions">
                <button class="link" onClick=${() => issue(p)}>签发令牌</button>
                ${
                  // one's own tokens are revoked with the CLI: the console would lock itself out
                  p.activeTokens > 0 &&
                  p.id !== me.principal.id &&
                  html`<button class="link danger" onClick=${() => revoke(p)}>撤销令牌</button>`
                }
                ${
                  p.id !== me.principal.id &&
                  (p.disabled
                    ? html`<button class="link" onClick=${() => setStatus(p, false)}>启用</button>`
                    : html`<button class="link danger" onClick=${() => setStatus(p, true)}>停用</button>`)
                }
              </td>
            </tr>`,
          )}
        </tbody>
      </table>`
    }
  </section>`;
}
