import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config.js';
import { freePort } from '../../src/tools/temporal-dev-server.js';

let dataDir: string;
let env: NodeJS.ProcessEnv;
let apiUrl: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'smog-stack-'));
  await chmod(dataDir, 0o755);
  const apiPort = await freePort();
  apiUrl = `http://127.0.0.1:${apiPort}`;
  env = {
    ...process.env,
    DATA_DIR: dataDir,
    API_PORT: String(apiPort),
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    TEMPORAL_UI_PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    TEMPORAL_TASK_QUEUE: 'stack-test',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts `src/stack.ts` (what `make start` runs) and resolves once it prints its banner. */
function startStack(): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/stack.ts'], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack did not come up:\n${out}`)), 120_000);
    const check = setInterval(() => {
      if (out.includes('smog-response is up')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`stack exited with ${code}:\n${out}`));
    });
  });
}

async function stopStack(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

/** Processes whose command line names the stack's data folder (PostgreSQL, the Temporal dev server). */
function processesUsing(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', dir], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('the one-command stack (src/stack.ts)', () => {
  it('comes up from nothing, keeps an episode across a full stop and start, and leaves no process behind', async () => {
    const first = await startStack();
    expect(first.output()).toMatch(/started in \d+(\.\d+)? s/);
    expect(first.output()).toContain(`${apiUrl}/docs`);
    expect((await fetch(`${apiUrl}/readyz`)).status).toBe(200);
    const docs = await fetch(`${apiUrl}/docs/json`);
    expect(((await docs.json()) as { paths: object }).paths).toHaveProperty('/episodes');

    // the start command seeds one principal per role and writes their tokens
    const tokens = JSON.parse(await readFile(path.join(dataDir, 'dev-tokens.json'), 'utf8')) as Record<
      string,
      string
    >;
    const auth = { authorization: `Bearer ${tokens['dev-office']}` };
    const started = await fetch(`${apiUrl}/episodes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({
        jurisdiction: 'beipiao',
        date: '2026-11-29',
        forecast: [{ date: '2026-11-29', aqi: 220 }],
      }),
    });
    expect(started.status).toBe(202);
    const location = started.headers.get('location');
    expect(location).toBeTruthy();

    expect(await stopStack(first.child)).toBe(0);
    expect(processesUsing(dataDir)).toEqual([]);

    const second = await startStack();
    // Right after a restart the worker replays the episode; the API may answer 503 "try again" meanwhile.
    await expect
      .poll(async () => (await fetch(`${apiUrl}${location}`, { headers: auth })).status, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe(200);
    const read = await fetch(`${apiUrl}${location}`, { headers: auth });
    expect(await read.json()).toMatchObject({
      episodeId: 'episode:beipiao:2026-11-29:1',
      jurisdiction: 'beipiao',
    });
    expect(await stopStack(second.child)).toBe(0);
    expect(processesUsing(dataDir)).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  it('is a valid Compose file with the services users need, and pinned image tags', () => {
    const json = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
      cwd: projectRoot,
      encoding: 'utf8',
      // compose has no default passwords (test/integration/deploy-security.test.ts)
      env: {
        ...process.env,
        POSTGRES_PASSWORD: 'a',
        SMOG_DB_PASSWORD: 'b',
        TEMPORAL_DB_PASSWORD: 'c',
        TEMPORAL_UI_PASSWORD: 'd',
      },
    });
    for (const service of ['postgres', 'temporal-schema', 'temporal', 'temporal-ui', 'worker', 'api']) {
      expect(json).toMatch(new RegExp(`^  ${service}:`, 'm'));
    }
    const images = [...json.matchAll(/image: (\S+)/g)].map((m) => m[1]!);
    expect(images.length).toBeGreaterThanOrEqual(4);
    for (const image of images) expect(image).toMatch(/:\d+\.\d+/);
    expect(json).not.toContain('auto-setup');
  });
});
