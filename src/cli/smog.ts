/** `smog`: the command line of smog-response — one entry point for its commands (principals, audit). */
import { EXIT, type Io, VERSION, processIo } from './args.js';
import { main as audit } from './audit.js';
import { main as principals } from './principals.js';
import { runIfMain } from './run.js';

const COMMANDS: Record<string, (argv: string[], io: Io) => Promise<number>> = { principals, audit };

export const USAGE = `usage: smog <command> [options]

commands:
  principals   principals and tokens; the first administrator (smog principals --help)
  audit        replay or export an episode's history (smog audit --help)

options: --help, -h   this text;  --version, -V   the version
environment: DATABASE_URL (principals), TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (audit)`;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V') {
    io.out(`smog ${VERSION}\n`);
    return EXIT.ok;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.out(`${USAGE}\n`);
    return EXIT.ok;
  }
  const command = first ? COMMANDS[first] : undefined;
  if (!command) {
    io.err(`${first ? `error: unknown command "${first}"\n\n` : ''}${USAGE}\n`);
    return EXIT.usage;
  }
  return command(rest, io);
}

runIfMain(import.meta.url, main);
