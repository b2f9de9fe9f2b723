/**
 * Failed sign-ins per client address (req.ip: behind a proxy, API_TRUST_PROXY): after `max` failures
 * within `windowMs` the address may not start or finish a sign-in until the oldest failure leaves the
 * window. Counted per API process, like the request rate limits.
 */
export interface ThrottleSettings {
  max: number;
  windowMs: number;
}

export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly settings: ThrottleSettings,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.settings.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Seconds until the address may try again, or 0 when it may now. */
  retryAfterSeconds(key: string): number {
    const list = this.recent(key);
    if (list.length < this.settings.max) return 0;
    return Math.max(1, Math.ceil((list[0]! + this.settings.windowMs - this.now()) / 1000));
  }

  fail(key: string): void {
    const list = this.recent(key);
    list.push(this.now());
    this.failures.set(key, list);
    if (this.failures.size > 10_000) {
      for (const k of [...this.failures.keys()].slice(0, 1_000)) this.failures.delete(k);
    }
  }
}
