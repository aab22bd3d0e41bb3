#!/usr/bin/env node
// Render + build: `wi-gen SPEC -o out` then `kubectl kustomize` over the layout the generated README
// recommends, against the same final objects kept by hand (issue 12). Writes bench/RESULTS-build.md;
// bench/bench.mjs runs it as its `build` section. (Its cold and scale sections are superseded by
// bench/startup.mjs and bench/scale.mjs.)
//
//   node bench/build.mjs                         100, 300 and 1,000 bindings
//   node bench/build.mjs --build-sizes 10 --runs 1 --out -   a quick look
//
// Options: --sections build (default)  --build-sizes N,N,... (render + build against
// the hand-kept tree; default 100,300,1000)  --sizes N,N,...  --runs R (timed runs per command)  --warmup W  --kustomize-max N
// (largest size kustomize is run at; it grows quadratically)  --examples NAME,... (default: all)
// --kustomize-timeout-ms MS (a build stopped there counts as "> MS")  --work DIR  --out FILE|-
// --bin PATH (another build of the CLI, e.g. a previous commit's)
//
// Every command is a new process. The commands of one section run round-robin (A B C A B C ...)
// rather than one after the other, so a burst of load on this shared machine hits all of them
// alike; the table shows medians. Wall time comes from process.hrtime around the child, CPU time
// (user+sys) and peak RSS as bench/measure.mjs measures them (bench/rusage.py, or GNU time).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handServiceAccounts, writeScaleCase } from './generate.mjs';
import { machineLine, runOnce as measureOnce, timerDescription } from './measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

const SECTIONS = option('sections', 'build').split(',');
const BUILD_SIZES = option('build-sizes', '100,300,1000').split(',').map(Number);
const SIZES = option('sizes', '10,100,1000,2000,5000,10000').split(',').map(Number);
const RUNS = Number(option('runs', '7'));
const WARMUP = Number(option('warmup', '2'));
const KUSTOMIZE_MAX = Number(option('kustomize-max', '1000'));
const WORK = option('work', join(root, 'bench', 'work'));
const OUT = option('out', join(root, 'bench', 'RESULTS-build.md'));
const BIN = option('bin', join(root, 'bin', 'wi-gen.cjs'));
const EXAMPLES = option('examples', '');
/** A command whose single run takes longer than this gets fewer timed runs (never fewer than 3). */
const SLOW_RUN_BUDGET_MS = Number(option('budget-ms', '60000'));
/** kustomize's patch targets are regular expressions matched against every object: at 1,000 bindings one build takes many minutes. */
const KUSTOMIZE_TIMEOUT_MS = Number(option('kustomize-timeout-ms', '120000'));

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

/** One run of argv (bench/measure.mjs); a run stopped at `timeoutMs` counts as that long (a lower bound). */
function runOnce(argv, env, timeoutMs) {
  const r = measureOnce(WORK, argv, { env, timeoutMs });
  return r.stopped ? { ...r, wall: timeoutMs } : r;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs the commands round-robin: `warmup` untimed rounds, then `runs` timed ones. A command
 * slower than the budget allows is timed fewer times, so a full run stays within minutes.
 */
function measure(commands, { runs = RUNS, warmup = WARMUP } = {}) {
  const samples = commands.map(() => []);
  // argv may be a function: a new output directory per run, say.
  const once = (c) => runOnce(typeof c.argv === 'function' ? c.argv() : c.argv, c.env, c.timeoutMs);
  const first = commands.map(once); // also the first warm-up round
  // Runs that fit the budget, at least 3; a command whose one run is over budget (kustomize at
  // 1,000 patches takes minutes) keeps that run as its only sample.
  const plan = first.map((f) => (f.wall > SLOW_RUN_BUDGET_MS ? 0 : Math.max(Math.min(runs, 3), Math.min(runs, Math.floor(SLOW_RUN_BUDGET_MS / f.wall)))));
  plan.forEach((p, i) => p === 0 && samples[i].push(first[i]));
  for (let w = 1; w < warmup; w++) commands.forEach((c, i) => plan[i] === runs && once(c));
  for (let r = 0; r < runs; r++) {
    commands.forEach((c, i) => {
      if (r < plan[i]) samples[i].push(once(c));
    });
  }
  return commands.map((c, i) => ({
    label: c.label,
    runs: samples[i].length,
    wall: median(samples[i].map((s) => s.wall)),
    min: Math.min(...samples[i].map((s) => s.wall)),
    max: Math.max(...samples[i].map((s) => s.wall)),
    cpu: median(samples[i].map((s) => s.cpu)),
    rss: median(samples[i].map((s) => s.rss)),
    stopped: samples[i].some((s) => s.stopped),
  }));
}

const ms = (v) => (Number.isNaN(v) ? '–' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const mb = (v) => (Number.isNaN(v) ? '–' : `${Math.round(v)} MB`);
const times = (v) => `${v >= 0.1 ? v.toFixed(2) : v.toPrecision(2)}×`;

function examples() {
  const dir = join(root, 'examples');
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'spec.yaml')))
    .filter((d) => EXAMPLES === '' || EXAMPLES.split(',').includes(d))
    .sort()
    .map((d) => join(dir, d, 'spec.yaml'));
}

const rows = [];
const row = (cells) => rows.push(`| ${cells.join(' | ')} |`);
const verdict = (ok) => (ok ? 'yes' : '**no**');

mkdirSync(WORK, { recursive: true });
const node = process.execPath;

// 1. Cold start: the CLI as users run it, one new process per render, against node's own start.
if (SECTIONS.includes('cold')) {
  const specs = examples();
  const results = measure([
    { label: 'node -e 0', argv: [node, '-e', '0'] },
    ...specs.map((s) => ({ label: `wi-gen ${relative(root, s)}`, argv: [node, BIN, s] })),
    // The first run after an install or upgrade, before V8's code cache exists (lib/wi-gen.mjs).
    { label: `wi-gen ${relative(root, specs[0])}, no compile cache`, argv: [node, BIN, specs[0]], env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
  ]);
  const [floor, ...renders] = results;
  for (const r of renders) {
    const ratio = r.wall / floor.wall;
    const gated = !r.label.endsWith('no compile cache');
    row([`cold: ${r.label}`, ms(r.wall), ms(r.cpu), mb(r.rss), floor.label, ms(floor.wall), ms(floor.cpu), mb(floor.rss), times(ratio), gated ? '≤ 2.0× node' : '–', gated ? verdict(ratio <= 2.0) : '–']);
  }
}

// 2. Scale: wi-gen SPEC -o DIR against kubectl kustomize over the tree it wrote.
const scale = new Map();
for (const n of SECTIONS.includes('scale') ? SIZES : []) {
  const dir = join(WORK, `scale-${n}`);
  rmSync(dir, { recursive: true, force: true });
  const c = writeScaleCase(dir, n);
  const render = { label: 'wi-gen -o', argv: [node, BIN, c.spec, '-o', c.out, '--quiet'] };
  runOnce(render.argv); // writes the tree kustomize builds
  handServiceAccounts(c);
  const withKustomize = hasKubectl && n <= KUSTOMIZE_MAX;
  const commands = withKustomize ? [render, { label: 'kubectl kustomize', argv: ['kubectl', 'kustomize', c.app], timeoutMs: KUSTOMIZE_TIMEOUT_MS }] : [render];
  // The largest size is also written into an empty DIR: the first render, where no file of a
  // previous tree can be kept. Each run gets a new DIR, removed only after the section: removing
  // 10,000 files just before a run slows the file system down for the run that follows.
  let freshRuns = 0;
  const first = { label: 'wi-gen -o (empty DIR)', argv: () => [node, BIN, c.spec, '-o', join(dir, `fresh-${freshRuns++}`), '--quiet'] };
  const largest = n === Math.max(...SIZES);
  const [wi, kz, wiFresh] = largest ? (({ 0: a, 1: b, 2: f }) => (withKustomize ? [a, b, f] : [a, undefined, b]))(measure([...commands, first])) : measure(commands);
  for (let k = 0; k < freshRuns; k++) rmSync(join(dir, `fresh-${k}`), { recursive: true, force: true });
  scale.set(n, wi);
  const checks = [];
  let ratio = '–';
  if (kz) {
    ratio = `${kz.stopped ? '< ' : ''}${times(wi.wall / kz.wall)}`;
    if (n === 1000) checks.push(['≤ 1.0× kustomize', wi.wall <= kz.wall]);
  }
  if (n === 10000) checks.push(['< 3 s, < 500 MB', wi.wall < 3000 && !(wi.rss >= 500)]);
  row([
    `${n.toLocaleString('en-US')} bindings: wi-gen SPEC -o DIR`,
    ms(wi.wall), ms(wi.cpu), mb(wi.rss),
    kz ? `kubectl kustomize${kz.runs === 1 ? ' (1 run)' : ''}` : n > KUSTOMIZE_MAX ? `kustomize not run above ${KUSTOMIZE_MAX.toLocaleString('en-US')}` : 'no kubectl',
    kz ? `${kz.stopped ? '> ' : ''}${ms(kz.wall)}${kz.stopped ? ' (stopped)' : ''}` : '–', kz ? ms(kz.cpu) : '–', kz ? mb(kz.rss) : '–',
    ratio,
    checks.map(([t]) => t).join('; ') || '–',
    checks.length ? verdict(checks.every(([, ok]) => ok)) : '–',
  ]);
  if (wiFresh) {
    const ok = wiFresh.wall < 3000 && !(wiFresh.rss >= 500);
    row([`${n.toLocaleString('en-US')} bindings: wi-gen SPEC -o DIR, DIR empty`, ms(wiFresh.wall), ms(wiFresh.cpu), mb(wiFresh.rss), '', '', '', '', '', n === 10000 ? '< 3 s, < 500 MB' : '–', n === 10000 ? verdict(ok) : '–']);
  }
}

// 3. What users feel: render with wi-gen, then build the recommended layout with kubectl kustomize,
// against building a hand-kept tree with the same final objects (serviceAccountName written into
// each workload by hand). Both outputs are compared byte for byte; a build stopped at the time
// limit is "not measured", never a met target.
const buildRows = [];
if (SECTIONS.includes('build') && hasKubectl) {
  for (const n of BUILD_SIZES) {
    const dir = join(WORK, `build-${n}`);
    rmSync(dir, { recursive: true, force: true });
    const c = writeScaleCase(dir, n);
    runOnce([node, BIN, c.spec, '-o', c.out, '--quiet']);
    handServiceAccounts(c);
    const appOut = join(dir, 'app.yaml');
    const handOut = join(dir, 'hand.yaml');
    const handNsOut = join(dir, 'hand-ns.yaml');
    // exec: the build is the shell's own process, so the time limit stops it, not just the shell.
    const script = '"$0" "$1" "$2" -o "$3" --quiet && exec kubectl kustomize "$4" -o "$5"';
    const [wired, handNs, hand, render] = measure([
      { label: 'wi-gen -o, then kubectl kustomize (recommended layout)', argv: ['sh', '-c', script, node, BIN, c.spec, c.out, c.app, appOut], timeoutMs: KUSTOMIZE_TIMEOUT_MS },
      { label: 'kubectl kustomize (hand-kept tree, one directory per namespace)', argv: ['kubectl', 'kustomize', c.handNs, '-o', handNsOut], timeoutMs: KUSTOMIZE_TIMEOUT_MS },
      { label: 'kubectl kustomize (hand-kept tree, one kustomization)', argv: ['kubectl', 'kustomize', c.hand, '-o', handOut], timeoutMs: KUSTOMIZE_TIMEOUT_MS },
      // The render alone: (render + hand-kept build) / hand-kept build is the best ratio any
      // Component shape could reach, one whose patches cost kustomize nothing.
      { label: 'wi-gen -o alone', argv: [node, BIN, c.spec, '-o', c.out, '--quiet'] },
    ]);
    const stopped = wired.stopped || hand.stopped || handNs.stopped;
    const app = stopped ? '' : readFileSync(appOut, 'utf8');
    const same = !stopped && app === readFileSync(handOut, 'utf8') && app === readFileSync(handNsOut, 'utf8');
    const cell = (r) => (r.stopped ? `not measured (stopped at ${KUSTOMIZE_TIMEOUT_MS / 1000} s)` : `${ms(r.wall)} (${ms(r.min)}–${ms(r.max)}, ${r.runs} runs)`);
    const gated = n === 1000;
    const ratioCell = (a, b) => (stopped ? 'not measured' : times(a / b));
    // Two hand-kept trees, both gated: the one the issue measured against (every workload and
    // ServiceAccount in one kustomization), and the recommended layout without the Components
    // (what kustomize charges for the Components alone).
    for (const [baseline, h] of [
      ['one kustomization (the issue\'s hand-kept tree)', hand],
      ['a directory per namespace (the recommended layout, no Components)', handNs],
    ]) {
      const met = !stopped && same && wired.cpu / h.cpu <= 1.2 && wired.wall / h.wall <= 1.2;
      buildRows.push(
        `| ${n.toLocaleString('en-US')} | ${baseline} | ${cell(wired)} | ${ms(wired.cpu)} | ${cell(h)} | ${ms(h.cpu)} | ${ratioCell(wired.wall, h.wall)} | ${ratioCell(wired.cpu, h.cpu)} | ${ms(render.cpu)} | ${ratioCell(render.cpu + h.cpu, h.cpu)} | ${stopped ? 'not compared' : same ? 'byte-identical' : '**differ**'} | ${gated ? '≤ 1.2× (wall and CPU)' : '–'} | ${gated ? (stopped || !same ? '**no**' : verdict(met)) : '–'} |`,
      );
    }
  }
}

// 4. Growth: t(2N)/t(N) for every measured pair.
for (const n of SIZES) {
  if (!scale.has(2 * n)) continue;
  const ratio = scale.get(2 * n).wall / scale.get(n).wall;
  const cpuRatio = scale.get(2 * n).cpu / scale.get(n).cpu;
  const gated = n >= 1000;
  row([
    `growth: t(${(2 * n).toLocaleString('en-US')}) / t(${n.toLocaleString('en-US')})`,
    '', '', '', '', '', '', '',
    `${ratio.toFixed(2)} (CPU ${cpuRatio.toFixed(2)})`,
    gated ? '≤ 2.1' : '–',
    gated ? verdict(ratio <= 2.1) : '–',
  ]);
}

const header = [
  '| case | wall (median) | CPU | peak RSS | against | wall | CPU | peak RSS | ratio (wall) | target | met |',
  '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |',
];
const buildHeader = [
  '| bindings | hand-kept tree | render + build: wall median (min–max, runs) | CPU | hand-kept build: wall median (min–max, runs) | CPU | ratio (wall) | ratio (CPU) | render alone: CPU | floor: (render + hand-kept) / hand-kept (CPU) | outputs | target | met |',
  '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |',
];
const table = [...(rows.length ? [...header, ...rows] : []), ...(buildRows.length ? [...(rows.length ? [''] : []), ...buildHeader, ...buildRows] : [])].join('\n');
process.stdout.write(`${table}\n`);

if (OUT !== '-') {
  const kubectl = hasKubectl ? spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).join('; ') : 'not installed';
  const text = [
    '# wi-gen benchmark results',
    '',
    'Written by `npm run bench` (bench/bench.mjs); re-run it to refresh this file.',
    '',
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    machineLine(),
    `- Node ${process.version}; ${kubectl}`,
    `- Method: every command is a new process; ${WARMUP} warm-up round(s), then up to ${RUNS} timed runs, round-robin across the commands of a section; medians. Slow commands get fewer runs (at least 3; a command whose single run exceeds a minute is timed once). Wall time, CPU (user+sys) and peak RSS: ${timerDescription}. Generated specs: bench/generate.mjs (one GKE identity, 100 bindings per namespace, one Deployment per binding); kustomize builds bench/work/scale-N/app, the layout the generated README recommends: one kustomization per namespace holding its workloads and its Component, and a top one over them and out/manifests; a build still running after ${KUSTOMIZE_TIMEOUT_MS / 1000} s is stopped and shown as a lower bound. The render + build table times \`wi-gen SPEC -o out\` followed by that build, against \`kubectl kustomize\` over the hand-kept trees: the same Deployments with serviceAccountName written in and the same ServiceAccounts, in one kustomization (bench/work/build-N/hand: the hand-kept tree issue 12 measured against) and laid out like the recommended layout (bench/work/build-N/hand-ns: a directory per namespace holding its workloads and ServiceAccounts, so the ratio is what the Components alone cost in kustomize); all outputs are compared byte for byte. Each baseline is a row of its own and each is gated; a row is met only when its wall and CPU (user+sys) ratios both are within the target; CPU is the steadier of the two on this shared machine. The floor column is (render alone + hand-kept build) / hand-kept build: the best ratio any Component shape could reach, were its patches free in kustomize.`,
    '',
    table,
    '',
  ].join('\n');
  writeFileSync(OUT, text);
  process.stderr.write(`wrote ${relative(process.cwd(), OUT) || OUT}\n`);
}
