#!/usr/bin/env node
// The `smog` command (package.json "bin"): runs src/cli/smog.ts through tsx, the project's runtime.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/smog.ts');
process.exitCode = await main(process.argv.slice(2));
