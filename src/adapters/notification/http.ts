import { DeliveryError } from './types.js';

export interface HttpResult {
  status: number;
  text: string;
}

/**
 * POSTs JSON with a timeout. Network errors, timeouts, 5xx and 429 are transient; other non-2xx
 * answers are permanent (the request itself is wrong: bad URL, bad token, rejected content).
 */
export async function postJson(
  fetchImpl: typeof fetch,
  url: string,
  body: unknown,
  options: { headers?: Record<string, string>; timeoutMs: number },
): Promise<HttpResult> {
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    throw new DeliveryError(`request to ${displayUrl(url)} failed: ${errorMessage(err)}`, false);
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return { status: res.status, text };
  const permanent = res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408;
  throw new DeliveryError(
    `${displayUrl(url)} answered ${res.status}: ${text.slice(0, 200)}`,
    permanent,
    res.status,
  );
}

/** URL without query string and credentials: robot webhook keys and tokens live in the query. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}
