#!/usr/bin/env node
// The full fuzzing run: 12 000 generated specs in-process and 200 through the real CLI.
//   npm run fuzz                    a new seed each run (printed; failures print their seed and spec)
//   WI_GEN_FUZZ_SEED=42 npm run fuzz  reproduce a run
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const env = {
  ...process.env,
  WI_GEN_FUZZ_RUNS: process.env.WI_GEN_FUZZ_RUNS ?? '12000',
  WI_GEN_FUZZ_CLI_RUNS: process.env.WI_GEN_FUZZ_CLI_RUNS ?? '200',
};
const child = spawn(process.execPath, [join(here, 'test.mjs'), 'fuzz'], { stdio: 'inherit', env });
child.on('close', (code) => process.exit(code ?? 1));
