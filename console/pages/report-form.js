/**
 * 日报填报 on a phone: the plan's form fields and photos from the camera, kept as a draft on the device
 * (drafts.js) so a reload restores them; each photo compressed and uploaded as soon as it is taken
 * (upload.js, retried with its own key), its EXIF time checked against the report day; the report
 * sent with one Idempotency-Key per form fill, kept across retries, new after it was filed.
 */
import { deleteDraft, loadDraft, saveDraft } from '../drafts.js';
import { blobDataUrl, preparePhoto } from '../photo-prep.js';
import { uploadPhoto, withRetry } from '../upload.js';
import { useEffect, useRef, useState } from '../vendor/hooks.module.js';
import {
  ApiError,
  ErrorBox,
  PHOTO_MARK,
  api,
  cstNow,
  ep,
  fmtTime,
  html,
  isRetryable,
  newId,
  reportDate,
} from '../lib.js';

const freshDraft = () => ({ values: {}, photos: [], submitKey: newId(), savedAt: Date.now() });

export function DraftPhoto({ photo, retry, onRemove }) {
  const [src, setSrc] = useState(null);
  useEffect(() => {
    blobDataUrl(photo.blob)
      .then(setSrc)
      .catch(() => setSrc(''));
  }, [photo.blob]);
  const state = photo.uploadedId
    ? '已上传'
    : photo.failed
      ? '上传失败，报送时重试'
      : retry
        ? `网络中断，正在重试（第${retry}次）`
        : '正在上传…';
  return html`<li class="draft-photo" data-uploaded=${photo.uploadedId ? 'yes' : 'no'}>
    ${src ? html`<img class="thumb" src=${src} alt="现场照片" />` : html`<span class="thumb empty">照片</span>`}
    <span class="photo-info">
      <span class="small">${state}${photo.compressed ? `（已压缩，${Math.round(photo.blob.size / 1024)} KB）` : ''}</span>
      ${photo.facts?.takenAt && html`<span class="small muted">拍摄于${fmtTime(photo.facts.takenAt)}</span>`}
      ${(photo.facts?.marks ?? []).map((m) => html`<span class="tag warn" data-mark=${m}>${PHOTO_MARK[m] ?? m}</span>`)}
    </span>
    <button type="button" class="link remove" aria-label=${`移除照片 ${photo.name}`} onClick=${onRemove}>移除</button>
  </li>`;
}

export function ReportForm({ me, view, id, onFiled }) {
  const fields = me.reportForm.fields;
  const day = view.responseDay;
  const date = reportDate(view.firstDay, day);
  const key = `${me.principal.id}|report|${id}|${day}`;
  const draft = useRef(null);
  /** Per photo (localId) while the page lives: its upload under way, and which retry it is on. */
  const uploads = useRef(new Map());
  const [, setTick] = useState(0);
  const [busy, setBusy] = useState(false);
  const [retry, setRetry] = useState(0);
  const [error, setError] = useState(null);
  const [note, setNote] = useState(null);
  const rerender = () => setTick((t) => t + 1);
  /** Changes the draft, keeps it on the device, shows it. */
  const update = (change) => {
    if (!draft.current) return;
    change(draft.current);
    draft.current.savedAt = Date.now();
    saveDraft(key, draft.current);
    rerender();
  };

  const checkPhoto = async (photo) => {
    try {
      const q = date ? `?reportDate=${date}` : '';
      const facts = await api(`/photos/${photo.uploadedId}/facts${q}`);
      update(() => {
        photo.facts = { takenAt: facts.takenAt, marks: facts.marks };
      });
    } catch {}
  };
  /** Uploads the photo unless done; answers its id (throws when it could not be uploaded). */
  const ensureUploaded = async (photo) => {
    if (photo.uploadedId) return photo.uploadedId;
    const known = uploads.current.get(photo.localId);
    if (known?.pending) return known.pending;
    const state = { retry: 0, pending: null };
    uploads.current.set(photo.localId, state);
    state.pending = uploadPhoto(photo, {
      onRetry: (n) => {
        state.retry = n;
        rerender();
      },
    })
      .then((uploadedId) => {
        update(() => {
          photo.uploadedId = uploadedId;
          photo.failed = false;
        });
        checkPhoto(photo);
        return uploadedId;
      })
      .catch((err) => {
        // a final refusal (e.g. quota): the same bytes would be refused again, a new key for a new try
        if (!isRetryable(err)) photo.key = newId();
        update(() => {
          photo.failed = true;
        });
        throw err;
      })
      .finally(() => {
        state.pending = null;
        state.retry = 0;
      });
    return state.pending;
  };

  useEffect(() => {
    let stopped = false;
    draft.current = null;
    loadDraft(key).then((saved) => {
      if (stopped) return;
      draft.current = saved ?? freshDraft();
      if (saved && (Object.keys(saved.values).length > 0 || saved.photos.length > 0)) {
        setNote(`已恢复${fmtTime(cstNow(saved.savedAt))}保存的草稿。`);
      }
      rerender();
      // photos of the draft not yet uploaded (the page was left mid-upload): upload them now
      for (const p of draft.current.photos) if (!p.uploadedId) ensureUploaded(p).catch(() => {});
    });
    return () => {
      stopped = true;
    };
  }, [key]);

  if (!draft.current) return html`<p class="loading">正在读取草稿…</p>`;
  const { values, photos } = draft.current;
  const photoField = fields.find((f) => f.type === 'idList');

  const addFiles = async (e) => {
    const chosen = [...e.target.files];
    e.target.value = '';
    setError(null);
    for (const file of chosen) {
      let prepared;
      try {
        prepared = await preparePhoto(file);
      } catch (x) {
        setError(x);
        continue;
      }
      const photo = { localId: newId(), key: newId(), uploadedId: null, facts: null, ...prepared };
      update((d) => d.photos.push(photo));
      ensureUploaded(photo).catch(() => {});
    }
  };
  const removePhoto = (photo) => {
    update((d) => {
      d.photos = d.photos.filter((p) => p.localId !== photo.localId);
    });
    // uploaded by mistake: no report names it yet, so the API deletes it
    if (photo.uploadedId) api(`/photos/${photo.uploadedId}`, { method: 'DELETE' }).catch(() => {});
  };
  const setValue = (name, value) =>
    update((d) => {
      d.values = { ...d.values, [name]: value };
    });

  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setNote(null);
    if (photoField?.required && photos.length === 0) {
      setError(new Error(`请添加${photoField.label}（至少${photoField.minItems ?? 1}张照片）`));
      return;
    }
    setBusy(true);
    const out = {};
    for (const f of fields) {
      if (f.type === 'idList') continue;
      const raw = values[f.name] ?? '';
      if (raw === '' && !f.required) continue;
      out[f.name] = f.type === 'integer' || f.type === 'number' ? Number(raw) : raw;
    }
    const submitKey = draft.current.submitKey;
    try {
      const photoIds = [];
      for (const p of draft.current.photos) photoIds.push(await ensureUploaded(p));
      const body = { responseDay: day, fields: { ...out, photoIds } };
      const result = await withRetry(
        () => api(`${ep(id)}/reports`, { method: 'POST', body, idempotencyKey: submitKey }),
        { onRetry: setRetry },
      );
      await deleteDraft(key);
      draft.current = freshDraft();
      rerender();
      onFiled(result);
    } catch (x) {
      if (x instanceof ApiError && x.body?.code === 'idempotency_key_reused') {
        // the first try with this key was filed, with what the form said then: see the list
        update((d) => {
          d.submitKey = newId();
        });
        setError(
          new Error('此前的报送已被受理（内容与当前表单不同），请核对下方已报送的日报，如需更正请再次报送。'),
        );
      } else {
        // a final refusal (bad input): the corrected form is a new submission with a new key;
        // no answer at all: the key stays, the next try is answered with the first try's answer
        if (!isRetryable(x)) update((d) => (d.submitKey = newId()));
        setError(x);
      }
    } finally {
      setBusy(false);
      setRetry(0);
    }
  };

  return html`<form class="report-form" onSubmit=${submit} data-draft-key=${draft.current.submitKey}>
    <h3>${me.reportForm.title}（第${day}天）</h3>
    ${note && html`<p class="muted small draft-note" role="status">${note}</p>`}
    <div class="fields">
      ${fields.map((f) => {
        if (f.type === 'idList') {
          return html`<fieldset class="wide photos-field">
            <legend>${f.label}${f.required ? ' *' : ''}</legend>
            <ul class="draft-photos">
              ${photos.map(
                (
                  p,
                ) => html`<${DraftPhoto} key=${p.localId} photo=${p} retry=${uploads.current.get(p.localId)?.retry ?? 0}
                  onRemove=${() => removePhoto(p)} />`,
              )}
            </ul>
            <div class="photo-buttons">
              <label class="button camera">拍照
                <input type="file" name="camera" accept="image/*" capture="environment" onChange=${addFiles} />
              </label>
              <label class="button secondary gallery">从相册选择
                <input type="file" name="photos" accept="image/*" multiple onChange=${addFiles} />
              </label>
            </div>
          </fieldset>`;
        }
        if (f.type === 'text') {
          return html`<label class="wide">${f.label}${f.required ? ' *' : ''}
            <textarea name=${f.name} maxlength=${f.maxLength} required=${f.required} value=${values[f.name] ?? ''}
              onInput=${(e) => setValue(f.name, e.target.value)}></textarea>
          </label>`;
        }
        return html`<label>${f.label}${f.required ? ' *' : ''}
          <input type="number" inputmode="numeric" name=${f.name} min=${f.min} max=${f.max}
            step=${f.type === 'integer' ? 1 : 'any'} required=${f.required} value=${values[f.name] ?? ''}
            onInput=${(e) => setValue(f.name, e.target.value)} />
        </label>`;
      })}
    </div>
    ${retry > 0 && html`<p class="muted" role="status">网络中断，正在重试报送（第${retry}次）…</p>`}
    <${ErrorBox} error=${error} />
    <button type="submit" class="primary" disabled=${busy}>${busy ? '正在报送…' : '报送日报'}</button>
    <p class="muted small">填写内容和照片自动保存在本设备，刷新页面不会丢失。</p>
  </form>`;
}
