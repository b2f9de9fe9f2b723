/**
 * Sending on a phone's connection: a call that got no answer (the connection dropped), a server
 * error or "too many requests" is sent again after a growing pause, with the same Idempotency-Key,
 * so the API answers a retry of what it already did with its first answer instead of doing it twice.
 * Photo uploads go one file per request, each with its own key kept in the draft.
 */
import { api, isRetryable } from './lib.js';

/** The pause before retry n (1-based): 1 s, 2 s, 4 s … at most 30 s, ±25 %. */
export function backoffMs(n, baseMs = 1000, maxMs = 30_000) {
  return Math.min(maxMs, baseMs * 2 ** (n - 1)) * (0.75 + Math.random() * 0.5);
}

/** Waits `ms`, or less when the browser, offline, comes back online. */
function pause(ms) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (navigator.onLine === false) addEventListener('online', done);
  });
}

/**
 * Runs `send` until it answers, retrying what may still succeed (lib.js isRetryable) up to
 * `attempts` times; `onRetry(n, err)` is told before each retry. A final refusal is thrown at once.
 */
export async function withRetry(send, { attempts = 8, onRetry } = {}) {
  for (let n = 1; ; n++) {
    try {
      return await send();
    } catch (err) {
      if (!isRetryable(err) || n >= attempts) throw err;
      onRetry?.(n, err);
      await pause(backoffMs(n));
    }
  }
}

/**
 * Uploads one prepared photo ({ blob, name, exif, key }) with its key: answers the stored photo's id.
 * The `meta` part carries what the browser read of its EXIF before compressing it.
 */
export async function uploadPhoto(photo, { onRetry } = {}) {
  const answer = await withRetry(
    () => {
      const form = new FormData();
      form.append('meta', JSON.stringify({ exif: [photo.exif ?? {}] }));
      form.append('photo', photo.blob, photo.name);
      return api('/photos', { method: 'POST', form, idempotencyKey: photo.key });
    },
    { onRetry },
  );
  return answer.photos[0].id;
}
