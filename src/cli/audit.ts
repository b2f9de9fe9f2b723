/**
 * The auditor's CLI, the same as the audit routes, against any Temporal address:
 *
 *   node --import tsx src/cli/audit.ts replay <episodeId> [--run-id <id>] [--address host:port] [--namespace ns]
 *   node --import tsx src/cli/audit.ts export <episodeId> [--run-id <id>] [--out file.json] [--address …]
 *
 * `replay` replays every run of the episode (or the one given) against the current workflow code and
 * prints the outcome as JSON; exit code 0 = pass, 3 = diverged. `export` prints (or writes) the raw
 * history JSON: one run as `temporal workflow show -o json` does, or the whole continue-as-new chain.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { chainJson, fetchRunHistories, historyJson, replayRuns } from '../api/audit.js';
import { loadConfig } from '../config.js';
import { runIfMain } from './run.js';

const USAGE = `usage:
  audit replay <episodeId> [--run-id <runId>] [--address host:port] [--namespace ns]
  audit export <episodeId> [--run-id <runId>] [--out file.json] [--address host:port] [--namespace ns]`;

export async function main(argv: string[], out = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'run-id': { type: 'string' },
      address: { type: 'string' },
      namespace: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const [command, episodeId] = positionals;
  if (!episodeId || (command !== 'replay' && command !== 'export')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const connection = await Connection.connect({ address: values.address ?? config.TEMPORAL_ADDRESS });
  try {
    const client = new Client({ connection, namespace: values.namespace ?? config.TEMPORAL_NAMESPACE });
    const runs = await fetchRunHistories(client, episodeId, values['run-id']);
    if (command === 'export') {
      const json = values['run-id'] ? historyJson(runs[0]!.history) : chainJson(episodeId, runs);
      if (values.out) await writeFile(values.out, json);
      else out.write(`${json}\n`);
      return 0;
    }
    const outcome = await replayRuns(episodeId, runs);
    out.write(`${JSON.stringify(outcome, null, 2)}\n`);
    return outcome.result === 'pass' ? 0 : 3;
  } finally {
    await connection.close();
  }
}

runIfMain(import.meta.url, main);
