/**
 * Shared pieces of the benchmark and the resilience scenarios: servers in a temporary folder, the
 * worker / API as child processes (measured through /proc), principals with tokens, HTTP helpers,
 * percentiles and the table printer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPrincipal, issueToken } from '../src/api/principal-store.js';
import { projectRoot } from '../src/config.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateUp } from '../src/db/migrate.js';
import type pg from 'pg';
import { defaultPlan } from '../src/domain/index.js';
import { freePort, startDevServer } from '../src/tools/temporal-dev-server.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o755); // PostgreSQL runs as its own user when we are root
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function startPostgres(dir: string, port?: number) {
  const p = port ?? (await freePort());
  const db = interruptible(await startEmbeddedPostgres({ databaseDir: path.join(dir, 'pg'), port: p }));
  await migrateUp(db.url);
  return { ...db, port: p };
}

/** Stops `server` on Ctrl-C too (see onInterrupt). */
export function interruptible<T extends { stop(): Promise<unknown> }>(server: T): T {
  const forget = onInterrupt(() => server.stop());
  return {
    ...server,
    async stop() {
      forget();
      await server.stop();
    },
  };
}

export async function startTemporal(opts: { port?: number; dbFilename?: string } = {}) {
  const port = opts.port ?? (await freePort());
  return interruptible(
    await startDevServer({ port, ...(opts.dbFilename ? { dbFilename: opts.dbFilename } : {}) }),
  );
}

/** Where the children's output goes, one file per process (kept after the run for diagnosis). */
export const LOG_DIR = path.join(projectRoot, '.data', 'bench-logs');

/**
 * Everything the bench started (children, servers), stopped in reverse order on Ctrl-C / SIGTERM so
 * an interrupted run leaves no process behind.
 */
const cleanups = new Set<() => Promise<unknown>>();
export function onInterrupt(stop: () => Promise<unknown>): () => void {
  cleanups.add(stop);
  return () => cleanups.delete(stop);
}
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping ${cleanups.size} processes started by the bench…\n`);
    const all = [...cleanups].reverse();
    void (async () => {
      for (const stop of all) await stop().catch(() => {});
      process.exit(130);
    })();
  });
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** The file holding everything it printed. */
  logFile: string;
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it exited. */
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

/** Starts `node --import tsx <script>` and waits for `readyText` in its output. */
export function startNodeChild(
  script: string,
  env: Record<string, string>,
  readyText: string | (() => Promise<boolean>),
  timeoutMs = 120_000,
): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const logFile = path.join(
    LOG_DIR,
    `${new Date().toISOString().replaceAll(':', '-')}-${path.basename(script, '.ts')}-${proc.pid}.log`,
  );
  const file = mkdir(LOG_DIR, { recursive: true }).then(() => createWriteStream(logFile, { flags: 'a' }));
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
    void file.then((f) => f.write(d)).catch(() => {});
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const forget = onInterrupt(() => child.stop());
  void exited.then(() => {
    forget();
    void file.then((f) => f.end()).catch(() => {});
  });
  const child: Child = {
    proc,
    pid: proc.pid as number,
    logFile,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
    async kill9() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start:\n${out.slice(-3000)}`)),
      timeoutMs,
    );
    if (typeof readyText === 'function') {
      const poll = async () => {
        if (proc.exitCode !== null) return;
        if (await readyText().catch(() => false)) {
          clearTimeout(timer);
          resolve(child);
        } else setTimeout(poll, 200);
      };
      void poll();
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited with ${code}:\n${out.slice(-3000)}`));
      });
      return;
    }
    const check = () => {
      if (out.includes(readyText)) {
        clearTimeout(timer);
        proc.stdout?.off('data', check);
        proc.stderr?.off('data', check);
        resolve(child);
      }
    };
    proc.stdout?.on('data', check);
    proc.stderr?.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${out.slice(-3000)}`));
    });
  });
}

/** The product's worker (worker.ts) as a child process. */
export function startWorkerChild(env: {
  temporalAddress: string;
  databaseUrl: string;
  taskQueue: string;
  routesFile?: string;
}): Promise<Child> {
  return startNodeChild(
    'worker.ts',
    {
      TEMPORAL_ADDRESS: env.temporalAddress,
      DATABASE_URL: env.databaseUrl,
      TEMPORAL_TASK_QUEUE: env.taskQueue,
      LOG_LEVEL: 'info',
      DATABASE_POOL_MAX: '10',
      ...(env.routesFile ? { NOTIFY_ROUTES_FILE: env.routesFile } : {}),
    },
    'worker running',
  );
}

/** The product's API (src/api/server.ts: buildApp + listen) as a child process on a free port. */
export async function startApiChild(env: {
  temporalAddress: string;
  databaseUrl: string;
  taskQueue: string;
}): Promise<Child & { url: string }> {
  const port = await freePort();
  const child = await startNodeChild(
    'src/api/server.ts',
    {
      TEMPORAL_ADDRESS: env.temporalAddress,
      DATABASE_URL: env.databaseUrl,
      TEMPORAL_TASK_QUEUE: env.taskQueue,
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      API_RATE_LIMIT_MAX: '10000000',
      LOG_LEVEL: 'warn',
      DATABASE_POOL_MAX: '20',
    },
    async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
  );
  return { ...child, url: `http://127.0.0.1:${port}` };
}

const CLK_TCK = 100; // Linux USER_HZ
/** CPU time (user + system, ms) and RSS (MiB) of a process from /proc. */
export async function procStats(pid: number): Promise<{ cpuMs: number; rssMiB: number; peakMiB: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime = field 14, stime = field 15
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuMs, rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
}

/** Samples a process' RSS every second; `stop()` gives the CPU used since `start` and the largest RSS seen. */
export async function measureProcess(pid: number) {
  const start = await procStats(pid);
  let maxRss = start.rssMiB;
  const timer = setInterval(() => {
    procStats(pid)
      .then((s) => {
        maxRss = Math.max(maxRss, s.rssMiB);
      })
      .catch(() => {});
  }, 1000);
  return {
    async stop() {
      clearInterval(timer);
      const end = await procStats(pid).catch(() => null); // the process may have been replaced
      if (!end) return { cpuMs: Number.NaN, maxRssMiB: maxRss };
      return { cpuMs: end.cpuMs - start.cpuMs, maxRssMiB: Math.max(maxRss, end.rssMiB) };
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export interface Principals {
  office: { id: string; token: string };
  commander: { id: string; token: string };
  /** One per reporting unit of the plan, by unit id. */
  units: Record<string, { id: string; token: string }>;
}

/** The units that report daily in a city-wide episode of the default plan (8: 7 county branches + enforcement). */
export const CITY_UNITS = defaultPlan.units.filter((u) => u.filesDailyReport).map((u) => u.id);
export const COUNTIES = defaultPlan.jurisdictions.filter((j) => j.kind === 'county').map((j) => j.id);
/** Units obliged in an episode of this jurisdiction: all of them city-wide, else the county's branch and enforcement. */
export function unitsOf(jurisdiction: string): string[] {
  if (jurisdiction === defaultPlan.jurisdiction) return CITY_UNITS;
  return defaultPlan.units
    .filter((u) => u.filesDailyReport && (!u.jurisdiction || u.jurisdiction === jurisdiction))
    .map((u) => u.id);
}

export async function seedPrincipals(pool: pg.Pool): Promise<Principals> {
  const s = randomBytes(3).toString('hex');
  const make = async (key: string, p: { role: 'office' | 'commander' | 'unit'; unit?: string }) => {
    const id = `bench-${s}-${key}`.replaceAll('.', '-');
    await createPrincipal(pool, { id, ...p });
    return { id, token: (await issueToken(pool, id)).token };
  };
  const units: Principals['units'] = {};
  for (const u of CITY_UNITS) units[u] = await make(u, { role: 'unit', unit: u });
  return {
    office: await make('office', { role: 'office', unit: 'office' }),
    commander: await make('commander', { role: 'commander' }),
    units,
  };
}

/** The principals, and one uploaded photo per reporting unit (reports require photos). */
export async function seedUsers(pool: pg.Pool, apiUrl: string) {
  const principals = await seedPrincipals(pool);
  const photos: Record<string, string> = {};
  for (const u of CITY_UNITS) photos[u] = await uploadPhoto(apiUrl, principals.units[u]?.token as string);
  return { principals, photos };
}

export interface HttpResult {
  status: number;
  body: Record<string, unknown>;
  ms: number;
}

export async function http(
  base: string,
  token: string | null,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const t0 = performance.now();
  const res = await fetch(base + url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { raw: text.slice(0, 200) };
  }
  return { status: res.status, body: parsed, ms };
}

const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Uploads one photo per unit (POST /photos) and answers its id: reports require photos. */
export async function uploadPhoto(base: string, token: string): Promise<string> {
  const form = new FormData();
  form.append('photo', new Blob([PNG_1x1], { type: 'image/png' }), 'site.png');
  const res = await fetch(`${base}/photos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const body = (await res.json()) as { photos?: Array<{ id: string }> };
  if (res.status !== 201 || !body.photos?.[0])
    throw new Error(`photo upload: ${res.status} ${JSON.stringify(body)}`);
  return body.photos[0].id;
}

export function goodReport(photoId: string) {
  return {
    onSiteSupervisionCount: 4,
    enterprisesPatrolled: 12,
    onlineMonitoringChecks: 30,
    areaSourceActions: 5,
    vehiclesChecked: 40,
    machineryChecked: 6,
    problemsFound: 2,
    penalties: 1,
    notes: '驻场督导重点企业4家，巡查12家，未发现超标排放。',
    photoIds: [photoId],
  };
}

/** Prints rows as an aligned table (Markdown, so it pastes into BENCHMARKS.md). */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
export const ratio = (ours: number, base: number) =>
  Number.isFinite(ours) && Number.isFinite(base) && base > 0 ? `${(ours / base).toFixed(2)}×` : '—';
