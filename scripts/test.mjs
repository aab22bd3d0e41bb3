#!/usr/bin/env node
// Test runner: uvu over test/**/*.test.ts, TypeScript loaded by tsx, and a last line the CI can read:
//   "N passed, N failed, N skipped"
//
//   node scripts/test.mjs            every test/**/*.test.ts (helpers in test/support/ are not tests)
//   node scripts/test.mjs gke synth  only test files whose path matches /gke/i or /synth/i
//   node scripts/test.mjs --bail gke arguments starting with "-" go to uvu as options (use --opt=value)
//
// uvu prints "Total / Passed / Skipped" but no failed count: failed = Total - Passed (Total excludes skips).
// If uvu dies before its summary (a test file throws while being imported, or the process crashes),
// that is reported as one failure. The exit code is uvu's (1 on any failure), or 1 on a crash.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// uvu's package "exports" hides bin.js (ERR_PACKAGE_PATH_NOT_EXPORTED); it sits beside dist/.
const uvuBin = join(dirname(createRequire(import.meta.url).resolve('uvu')), '..', 'bin.js');

// uvu matches its pattern (case-insensitively) against the file path relative to test/.
// Filters from argv are OR-ed, and a file must still end in .test.ts.
const escapeFilter = (f) => f.replaceAll('/', '[\\\\/]');
const args = process.argv.slice(2).filter((a) => a !== '');
const uvuOptions = args.filter((a) => a.startsWith('-'));
const filters = args.filter((a) => !a.startsWith('-'));
const pattern = filters.length === 0
  ? '\\.test\\.ts$'
  : `^(?=.*(?:${filters.map(escapeFilter).join('|')})).*\\.test\\.ts$`;

// `--import tsx` (rather than uvu's `-r tsx`) keeps the test files native ESM: import.meta, top-level await.
const child = spawn(
  process.execPath,
  ['--import', 'tsx', uvuBin, 'test', pattern, ...uvuOptions, '-c', 'false'],
  { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0' } },
);

let out = '';
child.stdout.on('data', (chunk) => {
  out += chunk;
  process.stdout.write(chunk);
});

const finish = (line, code) => {
  const text = (out === '' || out.endsWith('\n') ? '' : '\n') + line + '\n';
  // Let stdout drain before exiting, so the closing line is never cut off when piped.
  process.stdout.write(text, () => process.exit(code));
};

child.on('error', (err) => {
  console.error(`scripts/test.mjs: could not start uvu: ${err.message}`);
  finish('0 passed, 1 failed, 0 skipped', 1);
});

child.on('close', (code, signal) => {
  const count = (label) => {
    const m = out.match(new RegExp(`^\\s+${label}:\\s+(\\d+)\\s*$`, 'm'));
    return m ? Number(m[1]) : undefined;
  };
  const total = count('Total');
  const passed = count('Passed');
  const skipped = count('Skipped');
  if (total === undefined || passed === undefined || skipped === undefined) {
    // No summary: uvu crashed (e.g. a test file threw at import time) before running or reporting.
    console.error(`scripts/test.mjs: uvu ended without a summary (exit ${code ?? signal}); counted as one failure`);
    finish('0 passed, 1 failed, 0 skipped', 1);
    return;
  }
  const failed = total - passed;
  if (total === 0 && skipped === 0) console.error('scripts/test.mjs: warning: no test ran');
  finish(`${passed} passed, ${failed} failed, ${skipped} skipped`, code === 0 && failed === 0 ? 0 : (code || 1));
});
