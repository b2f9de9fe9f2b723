/**
 * What every command line of `smog` shares: `--help` / `-h` and `--version` / `-V` (exit 0), strict
 * argument parsing (node:util parseArgs: an unknown option or a missing value is a usage error, exit 2),
 * and table output for people (cli-table3) or one JSON document per line for scripts (`--json`).
 */
import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import Table from 'cli-table3';

export const VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

/** Exit codes: 0 done, 1 refused (not found, conflict…), 2 usage error. */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

export class UsageError extends Error {}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}
export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

type Options = NonNullable<ParseArgsConfig['options']>;
const COMMON: Options = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
};

/** Parses strictly; `--help` / `--version` answered here (returns null: the caller exits 0). */
export function parse<O extends Options>(
  argv: string[],
  options: O,
  usage: string,
  io: Io,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } | null {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...COMMON, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    io.out(`${usage}\n`);
    return null;
  }
  if (values.version) {
    io.out(`smog ${VERSION}\n`);
    return null;
  }
  return { values, positionals: parsed.positionals };
}

/** A positive integer option, or a usage error naming it. */
export function positiveInt(name: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[1-9]\d{0,4}$/.test(value)) {
    throw new UsageError(`--${name}: a whole number of days from 1 to 99999, got "${String(value)}"`);
  }
  return Number(value);
}

/** Rows for people (a table with these columns) or for scripts (one JSON object per line). */
export function printRows(
  io: Io,
  json: boolean,
  rows: ReadonlyArray<object>,
  columns: Array<[key: string, header: string]>,
): void {
  if (json) {
    for (const row of rows) io.out(`${JSON.stringify(row)}\n`);
    return;
  }
  const cell = (row: object, k: string) => (row as Record<string, unknown>)[k];
  const table = new Table({ head: columns.map(([, h]) => h), style: { head: [], border: [] } });
  for (const row of rows) table.push(columns.map(([k]) => String(cell(row, k) ?? '')));
  io.out(`${table.toString()}\n`);
}

/** Runs a command body: usage errors → exit 2 with the usage text on stderr. */
export async function withUsage(usage: string, io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n\n${usage}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
