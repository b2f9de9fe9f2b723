/**
 * 专班办公室的决定: confirm or decline the early response a consultation proposed (五(二)1), and
 * issue or decline each 通报 the escalation ladder proposed (五(四)2) — a decline needs a reason —,
 * and sign off (签发) the drafted work summary (#13.5).
 */
import { useState } from '../vendor/hooks.module.js';
import { ErrorBox, api, ep, fmtTime, html, unitName, useSubmitKey } from '../lib.js';

function useDecision(onChanged) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const submitKey = useSubmitKey();
  const send = async (path, body, message) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api(path, { method: 'POST', idempotencyKey: submitKey.key, body });
      submitKey.settle();
      onChanged(answer);
      setDone(message);
    } catch (e) {
      submitKey.settle(e);
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, send };
}

function EarlyResponse({ view, id, onChanged }) {
  const [reason, setReason] = useState('');
  const d = useDecision(onChanged);
  const p = view.pendingEarlyResponse;
  const path = `${ep(id)}/early-response/decision`;
  return html`<div class="pending-early" data-at=${p.at}>
    <h4>建议开展污染过程提前应对 <span class="muted small">${fmtTime(p.at)}</span></h4>
    <ul class="reasons">${p.reasons.map((r) => html`<li>${r.rule}</li>`)}</ul>
    <input class="comment" name="early-reason" placeholder="不启动的理由" value=${reason}
      onInput=${(e) => setReason(e.target.value)} />
    <div class="buttons">
      <button class="primary" disabled=${d.busy}
        onClick=${() => d.send(path, { decision: 'start' }, '已启动提前应对')}>确认启动</button>
      <button class="danger" disabled=${d.busy}
        onClick=${() => d.send(path, { decision: 'decline', ...(reason.trim() ? { reason } : {}) }, '已决定不启动')}>不启动</button>
    </div>
    ${d.done && html`<p class="ok" role="status">${d.done}</p>`}
    <${ErrorBox} error=${d.error} />
  </div>`;
}

function ProposedNotice({ me, notice: n, id, onChanged }) {
  const [reason, setReason] = useState('');
  const [text, setText] = useState('');
  const d = useDecision(onChanged);
  const path = `${ep(id)}/notices/${encodeURIComponent(n.noticeId)}/decision`;
  const item = n.responseDay === 'summary' ? '工作总结' : `第${n.responseDay}天工作日报`;
  return html`<li class="proposed-notice" data-notice=${n.noticeId} data-unit=${n.unitId}>
    <p><b>${unitName(me, n.unitId)}</b>未按时报送${item}（截止${fmtTime(n.dueAt)}），拟予以通报
      <span class="muted small">${fmtTime(n.at)}</span></p>
    <textarea class="notice-text" name="notice-text" rows="3" value=${text}
      placeholder="通报正文（可选）：留空则按方案生成；填写则以此为通报的基本情况，发给各单位"
      onInput=${(e) => setText(e.target.value)}></textarea>
    <input class="comment" name="notice-reason" placeholder="不予通报的理由" value=${reason}
      onInput=${(e) => setReason(e.target.value)} />
    <div class="buttons">
      <button class="primary" disabled=${d.busy}
        onClick=${() => d.send(path, { decision: 'issue', ...(text.trim() ? { text } : {}) }, '已签发通报')}>签发通报</button>
      <button class="danger" disabled=${d.busy}
        onClick=${() => d.send(path, { decision: 'decline', ...(reason.trim() ? { reason } : {}) }, '已决定不予通报')}>不予通报</button>
    </div>
    ${d.done && html`<p class="ok" role="status">${d.done}</p>`}
    <${ErrorBox} error=${d.error} />
  </li>`;
}

function SignOff({ view, id, onChanged }) {
  const [signer, setSigner] = useState('');
  const d = useDecision(onChanged);
  const w = view.workSummary;
  return html`<div class="sign-off" data-document=${w.documentId}>
    <h4>工作总结（草稿）待签发 <span class="muted small">${fmtTime(w.draftedAt)}</span></h4>
    <p class="muted small">签发后报送主送单位并结束本次过程；签发前可在“文件下载”中查看草稿并填写存在问题及经验做法。</p>
    <input class="comment" name="signer" placeholder="签发人" value=${signer} onInput=${(e) => setSigner(e.target.value)} />
    <div class="buttons">
      <button class="primary" disabled=${d.busy}
        onClick=${() => d.send(`${ep(id)}/work-summary/sign`, { signer }, '已签发')}>签发</button>
    </div>
    ${d.done && html`<p class="ok" role="status">${d.done}</p>`}
    <${ErrorBox} error=${d.error} />
  </div>`;
}

export function OfficeDecisions({ me, view, id, onChanged }) {
  const notices = view.proposedNotices ?? [];
  const unsigned = view.workSummary && !view.workSummary.signedAt;
  if (!view.pendingEarlyResponse && notices.length === 0 && !unsigned) return null;
  return html`<section class="card office-decisions">
    <h3>待办公室决定</h3>
    ${unsigned && html`<${SignOff} view=${view} id=${id} onChanged=${onChanged} />`}
    ${view.pendingEarlyResponse && html`<${EarlyResponse} view=${view} id=${id} onChanged=${onChanged} />`}
    ${
      notices.length > 0 &&
      html`<h4>拟通报（${notices.length}）</h4>
      <ul class="proposed-notices">
        ${notices.map((n) => html`<${ProposedNotice} me=${me} notice=${n} id=${id} onChanged=${onChanged} key=${n.noticeId} />`)}
      </ul>`
    }
  </section>`;
}
