/**
 * 待签收通知 on the unit page (#15.6): the warning notices that ask this unit for 签收, with the time
 * they are due; one button each. A 签收 done twice changes nothing (the workflow records it once).
 */
import { useState } from '../vendor/hooks.module.js';
import { ErrorBox, api, ep, fmtTime, html } from '../lib.js';

export function PendingAcknowledgements({ me, view, id, onDone }) {
  const unitId = me.principal.unit;
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const asked = (view.acknowledgements ?? []).filter((a) => a.units.includes(unitId));
  if (asked.length === 0) return null;
  const acknowledge = async (noticeKey) => {
    setBusy(noticeKey);
    setError(null);
    try {
      onDone(
        await api(`${ep(id)}/acknowledgements`, { method: 'POST', body: { noticeKey }, idempotent: true }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return html`<section class="card acknowledgements">
    <h3>通知签收</h3>
    <${ErrorBox} error=${error} />
    <ul>
      ${asked.map((a) => {
        const at = a.acknowledged[unitId];
        return html`<li data-notice=${a.noticeKey} class=${at ? 'done' : 'pending'}>
          <b>${a.title}</b>
          <span class="muted">（${fmtTime(a.sentAt)}下发）</span>
          ${
            at
              ? html`<span class="ok">已于${fmtTime(at)}签收</span>`
              : html`<span class=${a.overdueAt ? 'overdue' : ''}>请于${fmtTime(a.dueAt)}前签收</span>
                  <button type="button" disabled=${busy === a.noticeKey} onClick=${() => acknowledge(a.noticeKey)}>
                    签收
                  </button>`
          }
        </li>`;
      })}
    </ul>
  </section>`;
}
