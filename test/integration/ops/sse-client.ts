/** A small server-sent events client for tests: fetch with a bearer token, frames parsed as they come. */
export interface Frame {
  event: string;
  id?: string;
  // biome-ignore lint/suspicious/noExplicitAny: frames carry JSON of several shapes
  data: any;
  receivedAt: number;
}

export interface TestStream {
  frames: Frame[];
  closed: boolean;
  /** The next frame of this event not yet taken. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON
  next(event: string, timeoutMs?: number): Promise<any>;
  /** The first frame of this event (already received or to come) that satisfies `test`. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON
  until(event: string, test: (data: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): void;
}

export async function openStream(url: string, token: string): Promise<TestStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  if (!res.ok || !res.body) throw new Error(`stream ${url}: HTTP ${res.status} ${await res.text()}`);
  const frames: Frame[] = [];
  let taken = 0;
  const stream: TestStream = {
    frames,
    closed: false,
    async next(event, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const i = frames.findIndex((f, k) => k >= taken && f.event === event);
        if (i >= 0) {
          taken = i + 1;
          return frames[i]!.data;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no '${event}' frame within ${timeoutMs} ms`);
    },
    async until(event, test, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const f = frames.find((x) => x.event === event && test(x.data));
        if (f) return f.data;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no matching '${event}' frame within ${timeoutMs} ms`);
    },
    close() {
      controller.abort();
    },
  };
  (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let cut = buf.indexOf('\n\n');
        while (cut >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          cut = buf.indexOf('\n\n');
          let event = 'message';
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0)
            frames.push({
              event,
              ...(id ? { id } : {}),
              data: JSON.parse(data.join('\n')),
              receivedAt: Date.now(),
            });
        }
      }
    } catch {
      // aborted
    }
    stream.closed = true;
  })();
  return stream;
}
