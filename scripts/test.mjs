#!/usr/bin/env node
// Test runner: `tsc --noEmit` first, then uvu over test/**/*.test.ts, TypeScript loaded by tsx, and a
// last line the CI can read:
//   "N passed, N failed, N skipped"
//
// tsx strips types without checking them, so the type check is its own step: a type error fails the
// run before any test starts (incremental, so an unchanged tree checks in a few seconds). It runs on
// a whole run, or with --typecheck; a filtered run (a helper iterating on one file) skips it.
// WI_GEN_TYPECHECK_PROJECT names another tsconfig (the test that plants a type error uses it).
//
//   node scripts/test.mjs            type check, then every test/**/*.test.ts (test/support/ holds helpers)
//   node scripts/test.mjs gke synth  only test files whose path matches /gke/i or /synth/i
//   node scripts/test.mjs --bail gke arguments starting with "-" go to uvu as options (use --opt=value)
//
// uvu prints "Total / Passed / Skipped" but no failed count: failed = Total - Passed (Total excludes skips).
// If uvu dies before its summary (a test file throws while being imported, or the process crashes),
// that is reported as one failure. The exit code is uvu's (1 on any failure), or 1 on a crash.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// uvu's package "exports" hides bin.js (ERR_PACKAGE_PATH_NOT_EXPORTED); it sits beside dist/.
const uvuBin = join(dirname(createRequire(import.meta.url).resolve('uvu')), '..', 'bin.js');

// uvu matches its pattern (case-insensitively) against the file path relative to test/.
// Filters from argv are OR-ed, and a file must still end in .test.ts.
const escapeFilter = (f) => f.replaceAll('/', '[\\\\/]');
const args = process.argv.slice(2).filter((a) => a !== '');
const typecheckFlag = args.includes('--typecheck');
const uvuOptions = args.filter((a) => a.startsWith('-') && a !== '--typecheck');
const filters = args.filter((a) => !a.startsWith('-'));
const pattern = filters.length === 0
  ? '\\.test\\.ts$'
  : `^(?=.*(?:${filters.map(escapeFilter).join('|')})).*\\.test\\.ts$`;

const typecheckProject = process.env.WI_GEN_TYPECHECK_PROJECT;
if (filters.length === 0 || typecheckFlag || typecheckProject) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = typecheckProject ? resolve(typecheckProject) : join(repoRoot, 'tsconfig.json');
  // The project's own check is incremental, its state in the temp dir, one file per checkout (not in
  // node_modules, which worktrees may share); another project's check is not.
  const buildInfo = join(tmpdir(), `wi-gen-tsc-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 16)}.tsbuildinfo`);
  const incremental = typecheckProject ? [] : ['--incremental', '--tsBuildInfoFile', buildInfo];
  const started = Date.now();
  const check = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit', ...incremental, '--pretty', 'false'], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (check.status !== 0) {
    console.error(`scripts/test.mjs: tsc --noEmit failed (exit ${check.status ?? check.signal}): fix the type errors above; no test ran`);
    process.stdout.write('0 passed, 1 failed, 0 skipped\n', () => process.exit(1));
    await new Promise(() => {});
  }
  console.log(`tsc --noEmit: no type errors (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

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
