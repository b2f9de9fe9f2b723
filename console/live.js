/**
 * Live data for console pages: loads once, then reloads on every server-sent event of the API's
 * stream (read with fetch: the session cookie goes with it, or the bearer token as a header); while the stream is down it
 * polls every `fallbackMs` and tries the stream again with a growing pause.
 */
import { useEffect, useState } from './vendor/hooks.module.js';
import { authHeaders, noteStatus } from './lib.js';

/** Reads an SSE response body, calling `onFrame(event, data)` per frame; resolves when it ends. */
async function readFrames(res, onFrame) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  while (true) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    let cut = buf.indexOf('\n\n');
    while (cut >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      cut = buf.indexOf('\n\n');
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) onFrame(event, JSON.parse(data.join('\n')));
    }
  }
}

/**
 * `load` gives the page's data; `streamPath` the API stream whose frames announce a change. A frame
 * `event` named in `take` carries the data itself (no reload). Answers { data, error, live, reload }.
 */
export function useLive(load, streamPath, fallbackMs, deps, take = null) {
  const [state, setState] = useState({ data: null, error: null });
  const [live, setLive] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stopped = false;
    let streaming = false;
    let pollTimer;
    let retryTimer;
    let debounce;
    let pause = 1000;
    const controller = new AbortController();
    const run = async () => {
      try {
        const data = await load();
        if (!stopped) setState({ data, error: null });
      } catch (error) {
        if (!stopped) setState((s) => ({ data: s.data, error }));
      }
    };
    const poll = async () => {
      clearTimeout(pollTimer);
      if (stopped || streaming) return;
      await run();
      if (!stopped && !streaming) pollTimer = setTimeout(poll, fallbackMs);
    };
    const connect = async () => {
      if (stopped) return;
      try {
        const res = await fetch(streamPath, {
          headers: { ...authHeaders(), accept: 'text/event-stream' },
          signal: controller.signal,
        });
        if (!res.ok) noteStatus(res.status);
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        streaming = true;
        pause = 1000;
        clearTimeout(pollTimer);
        setLive(true);
        await readFrames(res, (event, data) => {
          if (stopped) return;
          if (take && event === take) {
            setState({ data, error: null });
            return;
          }
          if (event === 'ready') return;
          clearTimeout(debounce);
          debounce = setTimeout(run, 150);
        });
      } catch {
        // the stream could not open or dropped: poll until it is back
      }
      streaming = false;
      if (stopped) return;
      setLive(false);
      poll();
      retryTimer = setTimeout(connect, pause);
      pause = Math.min(pause * 2, 30_000);
    };
    run();
    connect();
    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(pollTimer);
      clearTimeout(retryTimer);
      clearTimeout(debounce);
    };
  }, [...deps, tick]);
  return { ...state, live, reload: () => setTick((t) => t + 1) };
}
