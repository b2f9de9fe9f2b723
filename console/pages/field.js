/**
 * 现场检查 on a phone: the unit's tasks of today (驻场督导/执法巡查 with the enterprise's 一厂一策 measures
 * for the level, officer, 签到/签退), the inspection form of a task's enterprise (findings, measures in
 * place, photos from the camera uploaded as taken, optionally opening a case), sent with one
 * Idempotency-Key per form fill, and the saved inspection with its photos' evidence marks; the unit's
 * cases below (field-cases.js).
 */
import { preparePhoto } from '../photo-prep.js';
import { uploadPhoto, withRetry } from '../upload.js';
import { useRef, useState } from '../vendor/hooks.module.js';
import {
  ErrorBox,
  LEVEL,
  cstNow,
  fmtTime,
  html,
  isRetryable,
  newId,
  unitName,
  usePolling,
  useSubmitKey,
  api,
} from '../lib.js';
import { CASE_KIND, FieldCases } from './field-cases.js';
import { DraftPhoto } from './report-form.js';

export const TASK_KIND = { supervise: '驻场督导', patrol: '执法巡查' };
/** The evidence marks of an inspection's photos (GET /field/inspections/:id), as the officer reads them. */
export const EVIDENCE_MARK = {
  far: '距企业较远',
  'other-day': '非检查当日拍摄',
  'no-time': '无拍摄时间',
  'no-location': '无位置信息',
};
/** The cases an inspection may open. */
const OPEN_KIND = { evidence: '取证', penalty: '立案', monitoring: '监督性监测' };
/** Units with field tasks: the counties' branches and the enforcement team. */
const fieldUnits = (me) => me.units.filter((u) => u.id === 'enforcement' || u.id.startsWith('branch.'));
const today = () => cstNow().slice(0, 10);
/** '2026-12-02T10:20:00' (CST, a datetime-local value) → the instant with its offset. */
const withOffset = (local) => `${local.length === 16 ? `${local}:00` : local}+08:00`;

function taskState(t) {
  if (t.checkedOutAt) return `已签退（${fmtTime(t.checkedOutAt, { date: false })}）`;
  if (t.checkedInAt) return `在场（${fmtTime(t.checkedInAt, { date: false })}签到）`;
  return '未签到';
}

function TaskItem({ t, me, unitId, date, onChanged, onInspect }) {
  const [officer, setOfficer] = useState(t.officer ?? me.principal.name ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submitKey = useSubmitKey();
  const send = async (what) => {
    setBusy(true);
    setError(null);
    const body = { date, enterpriseId: t.enterpriseId, task: t.task };
    if (me.principal.role !== 'unit') body.unitId = unitId;
    if (what !== 'check-out' && officer.trim()) body.officer = officer.trim();
    try {
      await api(`/field/tasks/${what}`, { method: 'POST', body, idempotencyKey: submitKey.key });
      submitKey.settle();
      onChanged();
    } catch (x) {
      submitKey.settle(x);
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  return html`<li class="task card" data-enterprise=${t.enterpriseId} data-task=${t.task}
    data-state=${t.checkedOutAt ? 'out' : t.checkedInAt ? 'in' : 'none'}>
    <div class="task-head">
      <span class="tag">${TASK_KIND[t.task] ?? t.task}</span>
      <strong>${t.enterpriseName}</strong>
    </div>
    <p class="small">一厂一策：${t.measures || '（本级别无具体措施）'}</p>
    <p class="small task-state">${taskState(t)}${t.officer ? ` · 检查人员：${t.officer}` : ''}</p>
    <label>检查人员
      <input name="officer" value=${officer} maxlength="100" onInput=${(e) => setOfficer(e.target.value)} />
    </label>
    <div class="task-buttons">
      ${
        !t.checkedInAt &&
        html`<button type="button" class="primary" disabled=${busy || !officer.trim()} onClick=${() => send('check-in')}>签到</button>`
      }
      ${
        t.checkedInAt &&
        !t.checkedOutAt &&
        html`<button type="button" class="secondary" disabled=${busy} onClick=${() => send('check-out')}>签退</button>`
      }
      <button type="button" class="secondary" onClick=${() => onInspect(t, officer)}>现场检查</button>
    </div>
    <${ErrorBox} error=${error} />
  </li>`;
}

/** The photos of one form fill: prepared (compressed, EXIF read), uploaded at once with their own keys. */
function usePhotos() {
  const [photos, setPhotos] = useState([]);
  const [error, setError] = useState(null);
  const change = (localId, patch) =>
    setPhotos((ps) => ps.map((p) => (p.localId === localId ? { ...p, ...patch } : p)));
  const upload = (photo) =>
    uploadPhoto(photo)
      .then((uploadedId) => change(photo.localId, { uploadedId, failed: false }))
      .catch((x) => {
        change(photo.localId, { failed: true, ...(isRetryable(x) ? {} : { key: newId() }) });
        setError(x);
      });
  const add = async (e) => {
    const chosen = [...e.target.files];
    e.target.value = '';
    setError(null);
    for (const file of chosen) {
      try {
        const photo = { localId: newId(), key: newId(), uploadedId: null, ...(await preparePhoto(file)) };
        setPhotos((ps) => [...ps, photo]);
        upload(photo);
      } catch (x) {
        setError(x);
      }
    }
  };
  const remove = (photo) => {
    setPhotos((ps) => ps.filter((p) => p.localId !== photo.localId));
    if (photo.uploadedId) api(`/photos/${photo.uploadedId}`, { method: 'DELETE' }).catch(() => {});
  };
  return { photos, error, add, remove, retryFailed: () => photos.filter((p) => p.failed).forEach(upload) };
}

function InspectionForm({ task, officer: officer0, episodeId, onSaved, onCancel }) {
  const submitKey = useSubmitKey();
  const photos = usePhotos();
  const [officer, setOfficer] = useState(officer0 ?? '');
  const [findings, setFindings] = useState('');
  const [inPlace, setInPlace] = useState(null);
  const [openKind, setOpenKind] = useState('');
  const [caseNotes, setCaseNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [retry, setRetry] = useState(0);
  const [error, setError] = useState(null);
  const at = useRef(cstNow().slice(0, 16));
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    if (inPlace === null) return setError(new Error('请选择措施是否落实'));
    if (photos.photos.some((p) => !p.uploadedId)) {
      photos.retryFailed();
      return setError(new Error('照片尚未全部上传，请稍候再提交'));
    }
    setBusy(true);
    const body = {
      enterpriseId: task.enterpriseId,
      officer: officer.trim(),
      inspectedAt: withOffset(at.current),
      findings,
      measuresInPlace: inPlace,
      photoIds: photos.photos.map((p) => p.uploadedId),
      ...(episodeId ? { episodeId } : {}),
      ...(openKind ? { openCase: { kind: openKind, ...(caseNotes ? { notes: caseNotes } : {}) } } : {}),
    };
    try {
      // a dropped connection is sent again with the same key: the API answers with the first record
      const saved = await withRetry(
        () => api('/field/inspections', { method: 'POST', body, idempotencyKey: submitKey.key }),
        { onRetry: setRetry },
      );
      submitKey.settle();
      onSaved(saved);
    } catch (x) {
      submitKey.settle(x);
      setError(x);
    } finally {
      setBusy(false);
      setRetry(0);
    }
  };
  return html`<form class="card inspection-form" onSubmit=${submit} data-submit-key=${submitKey.key}>
    <h2>现场检查 · ${task.enterpriseName}</h2>
    <p class="small">一厂一策：${task.measures || '（本级别无具体措施）'}</p>
    <label>检查人员 *
      <input name="officer" required maxlength="100" value=${officer} onInput=${(e) => setOfficer(e.target.value)} />
    </label>
    <label>检查时间 *
      <input name="inspectedAt" type="datetime-local" required value=${at.current}
        onInput=${(e) => {
          at.current = e.target.value;
        }} />
    </label>
    <fieldset class="choice">
      <legend>一厂一策措施是否落实 *</legend>
      <label class="inline"><input type="radio" name="inPlace" checked=${inPlace === true} onChange=${() => setInPlace(true)} /> 已落实</label>
      <label class="inline"><input type="radio" name="inPlace" checked=${inPlace === false} onChange=${() => setInPlace(false)} /> 未落实</label>
    </fieldset>
    <label class="wide">检查发现
      <textarea name="findings" maxlength="4000" value=${findings} onInput=${(e) => setFindings(e.target.value)}></textarea>
    </label>
    <fieldset class="photos">
      <legend>现场照片</legend>
      <ul class="draft-photos">
        ${photos.photos.map((p) => html`<${DraftPhoto} key=${p.localId} photo=${p} onRemove=${() => photos.remove(p)} />`)}
      </ul>
      <div class="photo-buttons">
        <label class="button camera">拍照
          <input type="file" name="camera" accept="image/*" capture="environment" onChange=${photos.add} />
        </label>
        <label class="button secondary gallery">从相册选择
          <input type="file" name="photos" accept="image/*" multiple onChange=${photos.add} />
        </label>
      </div>
      <${ErrorBox} error=${photos.error} />
    </fieldset>
    <label>同时立案/取证/监督性监测
      <select name="openCase" value=${openKind} onChange=${(e) => setOpenKind(e.target.value)}>
        <option value="">不开立案件</option>
        ${Object.entries(OPEN_KIND).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
      </select>
    </label>
    ${
      openKind &&
      html`<label class="wide">案件说明
        <textarea name="caseNotes" maxlength="4000" value=${caseNotes} onInput=${(e) => setCaseNotes(e.target.value)}></textarea>
      </label>`
    }
    ${retry > 0 && html`<p class="muted" role="status">网络中断，正在重试提交（第${retry}次）…</p>`}
    <${ErrorBox} error=${error} />
    <div class="task-buttons">
      <button type="submit" class="primary" disabled=${busy}>${busy ? '正在提交…' : '提交检查记录'}</button>
      <button type="button" class="secondary" onClick=${onCancel}>返回任务</button>
    </div>
  </form>`;
}

/** A saved inspection with its photos' evidence marks. */
function SavedInspection({ id, opened, onClose }) {
  const { data, error } = usePolling(() => api(`/field/inspections/${encodeURIComponent(id)}`), 0, [id]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<p class="loading">正在读取检查记录…</p>`;
  return html`<section class="card saved-inspection" data-inspection=${data.id}>
    <p role="status" class="filed-note">已保存检查记录（${fmtTime(data.inspectedAt)}）${opened ? `，已开立案件：${CASE_KIND[opened.kind] ?? opened.kind}${opened.title ? `（${opened.title}）` : ''}` : ''}。</p>
    <dl class="report-fields">
      <dt>企业</dt><dd>${data.enterpriseName ?? data.enterpriseId}</dd>
      <dt>检查人员</dt><dd>${data.officer}</dd>
      <dt>措施落实</dt><dd>${data.measuresInPlace ? '已落实' : '未落实'}</dd>
      <dt>检查发现</dt><dd>${data.findings || '—'}</dd>
    </dl>
    <ul class="evidence">
      ${(data.photoEvidence ?? []).map(
        (p, i) => html`<li data-photo=${p.photoId}>
          照片${i + 1}：${p.takenAt ? `拍摄于${fmtTime(p.takenAt)}` : '—'}
          ${p.marks.length === 0 && html`<span class="tag">无异常</span>`}
          ${p.marks.map((m) => html`<span class="tag warn" data-mark=${m}>${EVIDENCE_MARK[m] ?? m}</span>`)}
        </li>`,
      )}
    </ul>
    <button type="button" class="secondary" onClick=${onClose}>返回任务</button>
  </section>`;
}

/** `episodeId` (#/field/<id>): that episode's level; else the open episode of the unit's county or the city. */
export function FieldPage({ me, episodeId }) {
  const units = fieldUnits(me);
  const own = me.principal.role === 'unit';
  const [unitId, setUnitId] = useState(own ? me.principal.unit : (units[0]?.id ?? ''));
  const [inspecting, setInspecting] = useState(null);
  const [saved, setSaved] = useState(null);
  const [casesTick, setCasesTick] = useState(0);
  const date = today();
  const q = `date=${date}${own ? '' : `&unitId=${encodeURIComponent(unitId)}`}${episodeId ? `&episodeId=${encodeURIComponent(episodeId)}` : ''}`;
  const tasks = usePolling(() => api(`/field/tasks?${q}`), 60_000, [q]);
  const d = tasks.data;
  return html`<section class="field">
    <h1>现场检查</h1>
    ${
      !own &&
      html`<label>单位
        <select name="unit" value=${unitId} onChange=${(e) => setUnitId(e.target.value)}>
          ${units.map((u) => html`<option value=${u.id}>${u.name}</option>`)}
        </select>
      </label>`
    }
    ${
      saved
        ? html`<${SavedInspection} id=${saved.id} opened=${saved.case} onClose=${() => setSaved(null)} />`
        : inspecting
          ? html`<${InspectionForm} task=${inspecting.task} officer=${inspecting.officer}
              episodeId=${d?.episodeId} onCancel=${() => setInspecting(null)}
              onSaved=${(s) => {
                setInspecting(null);
                setSaved(s);
                setCasesTick((n) => n + 1);
              }} />`
          : html`<section class="todays-tasks">
              <h2>今日任务</h2>
              <${ErrorBox} error=${tasks.error} />
              ${
                d &&
                html`<p class="muted small">${unitName(me, d.unitId)} · ${Number(date.slice(5, 7))}月${Number(date.slice(8))}日 ·
                  ${d.level ? (LEVEL[d.level] ?? d.level) : '当前无预警'}${
                    d.intensity ? `（驻场督导重点企业${d.intensity.onSiteSharePercent}%）` : ''
                  }</p>`
              }
              ${d && d.items.length === 0 && html`<p class="muted">今日没有现场任务。</p>`}
              <ul class="tasks">
                ${(d?.items ?? []).map(
                  (t) => html`<${TaskItem} key=${`${t.task}|${t.enterpriseId}`} t=${t} me=${me}
                    unitId=${d.unitId} date=${date} onChanged=${tasks.reload}
                    onInspect=${(task, officer) => setInspecting({ task, officer })} />`,
                )}
              </ul>
            </section>`
    }
    <${FieldCases} me=${me} unitId=${unitId} tick=${casesTick} />
  </section>`;
}
