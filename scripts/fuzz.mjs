#!/usr/bin/env node
// The full fuzzing run: 12 000 generated specs in-process, 200 through the real CLI, 350 on the
// other surfaces (fn, plugin, check, overwrites, artifacts, kills), and the reliability tests with
// 20 concurrent writer pairs per PID-namespace setup.
//   npm run fuzz                    a new seed each run (printed; failures print their seed and spec)
//   WI_GEN_FUZZ_SEED=42 npm run fuzz  reproduce a run
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const env = {
  ...process.env,
  // npm test's seed is fixed; the long run explores a new one each time (printed in the test names).
  WI_GEN_FUZZ_SEED: process.env.WI_GEN_FUZZ_SEED ?? String(Date.now() % 2_147_483_647),
  WI_GEN_FUZZ_RUNS: process.env.WI_GEN_FUZZ_RUNS ?? '12000',
  WI_GEN_FUZZ_CLI_RUNS: process.env.WI_GEN_FUZZ_CLI_RUNS ?? '200',
  WI_GEN_FUZZ_SURFACE_RUNS: process.env.WI_GEN_FUZZ_SURFACE_RUNS ?? '350',
  // test/reliability.test.ts: concurrent writers per setup (one namespace, own /proc, host /proc).
  WI_GEN_LOCK_PAIRS: process.env.WI_GEN_LOCK_PAIRS ?? '20',
};
const child = spawn(process.execPath, [join(here, 'test.mjs'), 'fuzz', 'reliability'], { stdio: 'inherit', env });
child.on('close', (code) => process.exit(code ?? 1));
