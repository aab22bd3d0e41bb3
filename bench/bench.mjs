#!/usr/bin/env node
// wi-gen's benchmark. Prints one Markdown table and writes bench/RESULTS.md. Sections, each in
// its own file:
//   bench/startup.mjs      start-up on every example against `node -e 0`
//   bench/scale.mjs        1,000 to 40,000 bindings against a bare cdk8s-plus-27 app (bench/reference/)
//   bench/invocations.mjs  the documented invocations (CLI, pre-commit, kpt, kustomize) against their floors
//   bench/build.mjs        render + kubectl kustomize build against a hand-kept tree (bench/RESULTS-build.md)
// bench/measure.mjs runs the commands (interleaved, wall and CPU time, peak RSS) and formats rows.
//
//   npm run bench                 the full run (about ten minutes on two busy cores)
//   npm run bench -- --quick      one example, 1,000 and 2,000 bindings: under two minutes
//
// Options: --quick  --sizes N,N,...  --runs R (timed runs per command)  --startup-runs R (start-up rows:
// each run is ~0.1 s, and their targets sit within a few ms, so they take more; default --runs when
// given, else 15, 5 with --quick)  --warmup W
// --examples NAME,... (default: all)  --sections startup,scale,invocations  --work DIR
// --out FILE|- (- prints only)  --bin PATH (another build of the CLI, e.g. a previous commit's)
// --budget-ms MS (a command whose first run is slower gets fewer runs, at least 3)
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CPU_STATISTIC, HEADER, machineLine, timerDescription } from './measure.mjs';
import { startupSection } from './startup.mjs';
import { scaleSection } from './scale.mjs';
import { invocationsSection } from './invocations.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

const QUICK = process.argv.includes('--quick');
const settings = {
  root,
  quick: QUICK,
  sizes: option('sizes', QUICK ? '1000,2000' : '1000,2000,5000,10000,20000,40000').split(',').map(Number),
  runs: Number(option('runs', '5')),
  startupRuns: Number(option('startup-runs', option('runs', QUICK ? '5' : '15'))),
  warmup: Number(option('warmup', '1')),
  work: option('work', join(root, 'bench', 'work')),
  bin: option('bin', join(root, 'bin', 'wi-gen.cjs')),
  examples: option('examples', '') ? option('examples', '').split(',') : undefined,
  budgetMs: Number(option('budget-ms', '30000')),
};
const SECTIONS = option('sections', QUICK ? 'startup,scale,invocations' : 'startup,scale,invocations,build').split(',');
const OUT = option('out', join(root, 'bench', 'RESULTS.md'));
mkdirSync(settings.work, { recursive: true });

const started = Date.now();
const rows = [];
const notes = [];
if (SECTIONS.includes('startup')) rows.push(...startupSection({ ...settings, runs: settings.startupRuns }));
if (SECTIONS.includes('scale')) rows.push(...(await scaleSection(settings)));
if (SECTIONS.includes('invocations')) {
  const { rows: r, skipped } = invocationsSection(settings);
  rows.push(...r);
  for (const s of skipped) notes.push(`not measured: ${s}`);
}

if (SECTIONS.includes('build')) {
  // Its own table and file (bench/RESULTS-build.md): the two sides are builds, not wi-gen runs.
  const r = spawnSync(process.execPath, [join(root, 'bench', 'build.mjs'), '--work', join(settings.work, 'build'), '--runs', String(Math.min(settings.runs, 3))], { stdio: ['ignore', 'inherit', 'inherit'] });
  notes.push(r.status === 0 ? 'render + build: see bench/RESULTS-build.md' : `not measured: render + build (bench/build.mjs exited ${r.status})`);
}

const table = [...HEADER, ...rows.map((r) => r.line)].join('\n');
const gated = rows.filter((r) => r.met !== undefined);
const count = (v) => gated.filter((r) => r.met === v).length;
const summary = `Targets: ${count(true)} met, ${count(false)} not met, ${count('not measured')} not measured (of ${gated.length}).`;
const unmet = gated.filter((r) => r.met !== true).map((r) => `- ${r.met === false ? 'not met' : 'not measured'}: ${r.caseLabel} (target ${r.target})`);
process.stdout.write(`${table}\n\n${summary}\n${unmet.join('\n')}\n${notes.join('\n')}\n`);

if (OUT !== '-') {
  const version = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.split('\n').filter(Boolean)[0] : 'not installed';
  };
  const text = [
    '# wi-gen benchmark results',
    '',
    `Written by \`npm run bench${QUICK ? ' -- --quick' : ''}\` (bench/bench.mjs) in ${Math.round((Date.now() - started) / 1000)} s; re-run it to refresh this file.`,
    '',
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `${machineLine()}; shared with other jobs while this ran, so wall times are noisy: compare the CPU column too`,
    `- Node ${process.version}; kubectl ${version('kubectl', ['version', '--client'])}; kpt ${version('kpt', ['version'])}; pre-commit ${version('pre-commit', ['--version'])}`,
    `- Method: every command is a new process. The commands of a section run interleaved (A B C A B C …): ${settings.warmup} warm-up round(s), then up to ${settings.runs} timed runs each (${settings.startupRuns} in the start-up rows, whose targets sit within a few milliseconds); a command whose first run exceeds ${settings.budgetMs / 1000} s / runs gets fewer (at least 3). Each side shows min / median / max wall time and its number of runs; ratios are of wall medians and (in parentheses) of CPU ${CPU_STATISTIC}s; a ratio target is met only when both ratios are within it. Wall time, CPU (user+sys) and peak RSS: ${timerDescription}. A side stopped at its time limit makes the row "not measured". "cache warm": the compile cache made by an earlier run (lib/wi-gen-cli.cjs); "cache off": NODE_DISABLE_COMPILE_CACHE=1; "first run": a new cache directory on every run (on Node 20 such a run makes it; the next run there stores the cache); "cache unwritable": XDG_CACHE_HOME under /proc. Scale specs: bench/generate.mjs (one GKE identity, 100 bindings per namespace, one workload each); the reference is bench/reference/app.mjs, bundled with esbuild in the same run and checked to print the same objects as wi-gen's stream. In the scale rows each side's \`-o DIR\` / \`--outdir DIR\` is the same directory on every run: after the warm-up, wi-gen's is an unchanged re-render (its files compared and kept), the reference rewrites its one file.`,
    '',
    summary,
    '',
    ...unmet,
    ...notes.map((n) => `- ${n}`),
    '',
    table,
    '',
  ].join('\n');
  writeFileSync(OUT, text);
  process.stderr.write(`wrote ${relative(process.cwd(), OUT) || OUT}\n`);
}
