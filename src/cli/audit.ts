/**
 * `smog audit …`: the auditor's CLI, the same as the audit routes, against any Temporal address.
 * `replay` replays every run of the episode (or the one given) against the current workflow code and
 * prints the outcome as JSON; exit code 0 = pass, 3 = diverged. `export` prints (or writes) the raw
 * history JSON: one run as `temporal workflow show -o json` does, or the whole continue-as-new chain.
 */
import { writeFile } from 'node:fs/promises';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { temporalConnectConfig } from '../temporal/connect-config.js';
import { chainJson, fetchRunHistories, historyJson, replayRuns } from '../api/audit.js';
import { EPISODE_ID } from '../api/schemas.js';
import { loadConfig } from '../config.js';
import { EXIT, type Io, UsageError, parse, processIo, withUsage } from './args.js';
import { runIfMain } from './run.js';

export const USAGE = `usage: smog audit <replay|export> <episodeId> [options]
  smog audit replay <episodeId> [--run-id <runId>] [--address host:port] [--namespace ns]
  smog audit export <episodeId> [--run-id <runId>] [--out file.json] [--address host:port] [--namespace ns]

  replay: exit 0 = the history replays on the current code, 3 = it diverged (the first divergence printed)
  options: --help, --version`;

const OPTIONS = {
  'run-id': { type: 'string' },
  address: { type: 'string' },
  namespace: { type: 'string' },
  out: { type: 'string' },
} as const;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  return withUsage(USAGE, io, async () => {
    const args = parse(argv, OPTIONS, USAGE, io);
    if (args === null) return EXIT.ok;
    const { values, positionals } = args;
    const [command, episodeId, extra] = positionals;
    if (command !== 'replay' && command !== 'export') {
      throw new UsageError(command ? `unknown command "${command}"` : 'a command is missing');
    }
    if (!episodeId || !EPISODE_ID.test(episodeId)) {
      throw new UsageError('<episodeId>: an episode id like episode:chaoyang:2026-11-29:1');
    }
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    if (command === 'replay' && values.out !== undefined) throw new UsageError('--out: only for export');
    const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
    const config = loadConfig();
    const temporal = temporalConnectConfig(config);
    const connection = await Connection.connect({
      ...(temporal.connectionOptions as ConnectionOptions),
      ...(str('address') ? { address: str('address') as string } : {}),
    });
    try {
      const client = new Client({ connection, namespace: str('namespace') ?? temporal.namespace });
      const runId = str('run-id');
      const runs = await fetchRunHistories(client, episodeId, runId);
      if (command === 'export') {
        const json = runId ? historyJson(runs[0]!.history) : chainJson(episodeId, runs);
        const out = str('out');
        if (out) await writeFile(out, json);
        else io.out(`${json}\n`);
        return EXIT.ok;
      }
      const outcome = await replayRuns(episodeId, runs);
      io.out(`${JSON.stringify(outcome, null, 2)}\n`);
      return outcome.result === 'pass' ? EXIT.ok : 3;
    } finally {
      await connection.close();
    }
  });
}

runIfMain(import.meta.url, main);
