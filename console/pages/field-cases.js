/**
 * 案件 of field work on a phone: the unit's open cases with their due time (an overdue one marked),
 * each closed with a reason (a penalty case with its 处罚决定书文号, a monitoring case with its result),
 * one Idempotency-Key per close form; the API's refusal shown in Chinese.
 */
import { useState } from '../vendor/hooks.module.js';
import { ErrorBox, api, fmtTime, html, unitName, usePolling, useSubmitKey } from '../lib.js';

export const CASE_KIND = {
  followup: '耗电量核算未达标执法跟进',
  monitoring: '监督性监测',
  evidence: '调查取证',
  penalty: '立案处罚',
};

function CloseForm({ c, onClosed }) {
  const submitKey = useSubmitKey();
  const [reason, setReason] = useState('');
  const [decisionNumber, setDecisionNumber] = useState('');
  const [monitoringResult, setMonitoringResult] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = { reason };
    if (decisionNumber.trim()) body.decisionNumber = decisionNumber.trim();
    if (monitoringResult.trim()) body.monitoringResult = monitoringResult.trim();
    try {
      await api(`/field/cases/${encodeURIComponent(c.id)}/close`, {
        method: 'POST',
        body,
        idempotencyKey: submitKey.key,
      });
      submitKey.settle();
      onClosed();
    } catch (x) {
      submitKey.settle(x);
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="close-case" onSubmit=${submit}>
    <label>结案理由 *
      <textarea name="reason" required maxlength="2000" value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea>
    </label>
    ${
      c.kind === 'penalty' &&
      html`<label>处罚决定书文号
        <input name="decisionNumber" maxlength="100" value=${decisionNumber} onInput=${(e) => setDecisionNumber(e.target.value)} />
      </label>`
    }
    ${
      c.kind === 'monitoring' &&
      html`<label>监测结果
        <textarea name="monitoringResult" maxlength="2000" value=${monitoringResult}
          onInput=${(e) => setMonitoringResult(e.target.value)}></textarea>
      </label>`
    }
    <${ErrorBox} error=${error} />
    <button type="submit" class="primary" disabled=${busy || !reason.trim()}>${busy ? '正在提交…' : '结案'}</button>
  </form>`;
}

function CaseItem({ me, c, onClosed }) {
  const [closing, setClosing] = useState(false);
  const overdue = c.state === 'open' && Date.parse(c.dueAt) < Date.now();
  return html`<li class=${`case card${overdue ? ' overdue' : ''}`} data-case=${c.id} data-kind=${c.kind}>
    <div class="task-head">
      <span class="tag">${CASE_KIND[c.kind] ?? c.kind}</span>
      <strong>${c.enterpriseName ?? c.enterpriseId}</strong>
    </div>
    ${c.title && html`<p class="small">${c.title}</p>`}
    <p class="small">
      承办：${unitName(me, c.ownerUnit)} · 立案于${fmtTime(c.openedAt)}
    </p>
    <p class=${`small due${overdue ? ' overdue' : ''}`}>
      ${overdue ? '已逾期，' : ''}办结期限：${fmtTime(c.dueAt)}
    </p>
    ${
      closing
        ? html`<${CloseForm} c=${c} onClosed=${onClosed} />`
        : html`<button type="button" class="secondary" onClick=${() => setClosing(true)}>结案</button>`
    }
  </li>`;
}

/** The open cases the unit sees (a branch: its county's; the office: those of the chosen unit's county). */
export function FieldCases({ me, unitId, tick }) {
  const county = me.principal.role === 'unit' ? null : me.units.find((u) => u.id === unitId)?.jurisdiction;
  const q = `state=open${county ? `&county=${encodeURIComponent(county)}` : ''}`;
  const cases = usePolling(() => api(`/field/cases?${q}`), 60_000, [q, tick]);
  const [note, setNote] = useState(null);
  const items = cases.data?.items ?? [];
  return html`<section class="field-cases">
    <h2>案件</h2>
    <${ErrorBox} error=${cases.error} />
    ${note && html`<p role="status" class="filed-note">${note}</p>`}
    ${cases.data && items.length === 0 && html`<p class="muted">没有未结案件。</p>`}
    <ul class="cases">
      ${items.map(
        (c) => html`<${CaseItem} key=${c.id} me=${me} c=${c}
          onClosed=${() => {
            setNote(`已结案：${c.enterpriseName ?? c.enterpriseId}（${CASE_KIND[c.kind] ?? c.kind}）`);
            cases.reload();
          }} />`,
      )}
    </ul>
  </section>`;
}
