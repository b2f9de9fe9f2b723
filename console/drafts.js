/**
 * Drafts of forms kept on the device (IndexedDB, which also keeps the photos' compressed bytes), so
 * a reload, a closed tab or a dead battery loses nothing typed; removed once the form is filed.
 * Without IndexedDB (some private modes) drafts live as long as the page.
 */
const DB_NAME = 'smog-console';
const STORE = 'drafts';
const memory = new Map();

let opening = null;
function db() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      if (typeof indexedDB === 'undefined') return reject(new Error('no IndexedDB'));
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    }).catch((err) => {
      console.warn('drafts kept in memory only:', err?.message ?? err);
      return null;
    });
  }
  return opening;
}

function run(mode, action) {
  return db().then(
    (d) =>
      d &&
      new Promise((resolve, reject) => {
        const tx = d.transaction(STORE, mode);
        const req = action(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(req.result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      }),
  );
}

/** The draft under `key`, or null. */
export async function loadDraft(key) {
  try {
    const d = await db();
    if (!d) return memory.get(key) ?? null;
    return (await run('readonly', (s) => s.get(key))) ?? null;
  } catch {
    return memory.get(key) ?? null;
  }
}

/** Keeps `draft` (structured-cloneable: Blobs included) under `key`. */
export async function saveDraft(key, draft) {
  memory.set(key, draft);
  try {
    await run('readwrite', (s) => s.put(draft, key));
  } catch (err) {
    console.warn('draft not saved on the device:', err?.message ?? err);
  }
}

export async function deleteDraft(key) {
  memory.delete(key);
  try {
    await run('readwrite', (s) => s.delete(key));
  } catch {}
}
