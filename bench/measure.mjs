// Measuring and reporting for the benchmark sections (bench/startup.mjs, scale.mjs,
// invocations.mjs). Every command is a new process; the commands of one comparison run
// interleaved (A B A B ...), so a burst of load on a shared machine hits both sides alike.
// Wall time, CPU time (user+sys) and peak RSS come from bench/rusage.py (the child's own wall
// time and getrusage, in microseconds), or with no python3 from process.hrtime and GNU time.
// Each side reports min/median/max and its number of runs; a side with a run stopped at its
// time limit makes the comparison "not measured".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, release, totalmem, type as osType } from 'node:os';

const GNU_TIME = '/usr/bin/time';
const RUSAGE = fileURLToPath(new URL('rusage.py', import.meta.url));

export function hasTool(command, args = ['--version']) {
  const r = spawnSync(command, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/**
 * How CPU and peak RSS are measured: bench/rusage.py (getrusage, microseconds) when python3 is
 * there, else GNU time (whole 10 ms ticks, rounded down), else not at all.
 */
export const timer = hasTool('python3') ? 'rusage' : existsSync(GNU_TIME) ? 'gnu-time' : 'none';
export const timerDescription = {
  rusage: 'getrusage of the child, in microseconds (bench/rusage.py, which also times the child itself)',
  'gnu-time': 'GNU time (CPU in 10 ms ticks, rounded down)',
  none: '(neither python3 nor GNU time installed: not measured)',
}[timer];

/**
 * One run: wall ms, CPU ms (user+sys) and peak RSS in MB (NaN when not measured). Throws when the
 * command fails. A run still going at `timeoutMs` is killed and marked `stopped`.
 */
export function runOnce(work, argv, { env, cwd, timeoutMs, input } = {}) {
  mkdirSync(work, { recursive: true });
  const timeFile = join(work, `.time-${process.pid}`);
  let full;
  if (timer === 'rusage') full = ['python3', RUSAGE, timeFile, String(timeoutMs ? timeoutMs / 1000 : 0), ...argv];
  else {
    // coreutils timeout kills the command itself (killing GNU time would orphan it).
    const limited = timeoutMs ? ['timeout', '-s', 'KILL', `${timeoutMs / 1000}s`, ...argv] : argv;
    full = timer === 'gnu-time' ? [GNU_TIME, '-o', timeFile, '-f', '%U %S %M', ...limited] : limited;
  }
  const start = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), { cwd, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
  let wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (timeoutMs && r.status === 137) return { wall, cpu: NaN, rss: NaN, stopped: true };
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 2000)}`);
  if (timer === 'none') return { wall, cpu: NaN, rss: NaN };
  const fields = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  if (timer === 'rusage') {
    const [childWall, user, sys, kb] = fields;
    // The child's own wall time: python's start is not the command's.
    wall = childWall;
    return { wall, cpu: user + sys, rss: kb / 1024 };
  }
  const [user, sys, kb] = fields;
  return { wall, cpu: (user + sys) * 1000, rss: kb / 1024 };
}

function stats(values) {
  const s = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (s.length === 0) return { min: NaN, median: NaN, max: NaN, mean: NaN };
  const m = Math.floor(s.length / 2);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { min: s[0], median: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2, max: s[s.length - 1], mean };
}

/**
 * Runs the commands interleaved: `warmup` untimed rounds, then up to `runs` timed rounds. A
 * command whose first run exceeds `budgetMs / runs` gets fewer runs (never fewer than 3; a run
 * stopped at its time limit, or over ten budgets, is the command's only sample). A command is {label, argv, env?, cwd?, timeoutMs?, input?};
 * argv and env may be functions (a new directory per run, say).
 */
export function measure(work, commands, { runs = 7, warmup = 1, budgetMs = 60_000 } = {}) {
  const once = (c) =>
    runOnce(work, typeof c.argv === 'function' ? c.argv() : c.argv, {
      env: typeof c.env === 'function' ? c.env() : c.env,
      cwd: c.cwd,
      timeoutMs: c.timeoutMs,
      input: c.input,
    });
  const samples = commands.map(() => []);
  const first = commands.map(once); // the first warm-up round, which also sizes the plan
  // One slow first run (a burst of load, a first write into an empty directory) must not leave a
  // command with a single sample: only a stopped run, or one over ten budgets, is kept alone.
  const plan = first.map((f) => (f.stopped || f.wall > 10 * budgetMs ? 0 : Math.max(Math.min(runs, 3), Math.min(runs, Math.floor(budgetMs / f.wall)))));
  plan.forEach((p, i) => p === 0 && samples[i].push(first[i]));
  for (let w = 1; w < warmup; w++) commands.forEach((c, i) => plan[i] > 0 && once(c));
  for (let r = 0; r < runs; r++) commands.forEach((c, i) => r < plan[i] && samples[i].push(once(c)));
  return commands.map((c, i) => ({
    label: c.label,
    runs: samples[i].length,
    wall: stats(samples[i].map((s) => s.wall)),
    cpu: stats(samples[i].map((s) => s.cpu)),
    rss: stats(samples[i].map((s) => s.rss)),
    stopped: samples[i].some((s) => s.stopped),
  }));
}

/**
 * Which CPU statistic the rows compare. With CPU in microseconds (rusage.py) the median, like the
 * wall time: on this shared machine one descheduled run moved a mean by several milliseconds,
 * and rows within a few of their target flipped with it. GNU time's whole 10 ms ticks resolve a
 * start-up only on average: the mean there.
 */
export const CPU_STATISTIC = timer === 'gnu-time' ? 'mean' : 'median';
export const cpuOf = (r) => r.cpu[CPU_STATISTIC];

export const ms = (v) => (Number.isNaN(v) ? '–' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
export const mb = (v) => (Number.isNaN(v) ? '–' : `${Math.round(v)} MB`);
export const times = (v) => (Number.isNaN(v) ? '–' : `${v >= 0.1 ? v.toFixed(2) : v.toPrecision(2)}×`);
const spread = (s) => `${ms(s.min)} / ${ms(s.median)} / ${ms(s.max)}`;

export const HEADER = [
  `| case | runs | wall min / median / max | CPU (${CPU_STATISTIC}) | peak RSS | against | runs | wall min / median / max | CPU (${CPU_STATISTIC}) | peak RSS | ratio: wall (CPU) | target | met |`,
  '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
];

/**
 * One table row comparing `subject` with `base`. `target` is a ratio limit on the wall medians and
 * the CPU statistics (CPU_STATISTIC) alike (or undefined for a row without a target). Returns {line, met}: met is true, false, or
 * 'not measured' when a side was stopped at its time limit.
 */
export function comparisonRow(caseLabel, subject, base, target) {
  const stopped = subject.stopped || base.stopped;
  const ratio = subject.wall.median / base.wall.median;
  const cpuRatio = cpuOf(subject) / cpuOf(base);
  // Met only when both the wall and the CPU ratio are within the target (CPU when measured): on a
  // shared machine a burst of load can flatter either one alone.
  const met = stopped ? 'not measured' : target === undefined ? undefined : ratio <= target && !(cpuRatio > target);
  const cells = [
    caseLabel, subject.runs, spread(subject.wall), ms(cpuOf(subject)), mb(subject.rss.median),
    base.label, base.runs, spread(base.wall), ms(cpuOf(base)), mb(base.rss.median),
    stopped ? 'not measured (a side was stopped at its time limit)' : `${times(ratio)} (${times(cpuRatio)})`,
    target === undefined ? '–' : `≤ ${target}×`,
    verdict(met),
  ];
  return { line: `| ${cells.join(' | ')} |`, met, caseLabel, target };
}

/** A row with a target that is not a comparison (growth, memory per binding). */
export function valueRow(caseLabel, subject, value, target, met) {
  const cells = [caseLabel, subject?.runs ?? '', subject ? spread(subject.wall) : '', subject ? ms(cpuOf(subject)) : '', subject ? mb(subject.rss.median) : '', '', '', '', '', '', value, target, verdict(met)];
  return { line: `| ${cells.join(' | ')} |`, met, caseLabel, target };
}

export function verdict(met) {
  if (met === undefined) return '–';
  if (met === 'not measured') return 'not measured';
  return met ? 'yes' : '**no**';
}

/** The RESULTS files' machine line: cores, CPU model, memory, kernel. */
export function machineLine() {
  const cpu = cpus();
  return `- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${osType()} ${release()}`;
}
