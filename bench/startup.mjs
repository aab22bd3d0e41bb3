// Start-up: wi-gen on every example against `node -e 0` (Node's own start is the floor), for the
// stream and for -o DIR, with the compile cache warm (target ≤ 1.5×), and with it off, on a first
// run (a new cache directory every run: on Node 20 such a run makes the directory and leaves
// storing the cache to the next run) and with a cache directory that cannot be made (under
// /proc), each ≤ 2.0×. -o DIR writes a new directory every run: a re-render whose tree is already
// in DIR leaves it as it is and costs less, so it is a row of its own (warm cache, not a target).
// All commands of the section run interleaved.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { comparisonRow, measure } from './measure.mjs';

export function startupSection({ root, work, bin, runs, warmup, quick, examples: only }) {
  const node = process.execPath;
  const dir = join(root, 'examples');
  let specs = readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'spec.yaml')))
    .filter((d) => !only || only.includes(d))
    .sort()
    .map((d) => join(dir, d, 'spec.yaml'));
  if (quick) specs = specs.filter((s) => s.includes('gke-cronjob')).slice(0, 1);
  const warm = join(work, 'cache-warm');
  mkdirSync(warm, { recursive: true });
  const firstRuns = join(work, 'cache-first');
  rmSync(firstRuns, { recursive: true, force: true });
  mkdirSync(firstRuns, { recursive: true });
  const outRoot = join(work, 'startup-out');
  rmSync(outRoot, { recursive: true, force: true });
  const outDir = (s) => join(outRoot, relative(dir, s).split('/')[0]);
  let written = 0;
  /**
   * A directory that does not exist yet, alone in its parent (as an output directory usually is:
   * the writer lists the parent for leftovers of an interrupted run): the run writes the whole tree.
   */
  const newOutDir = () => join(outRoot, 'new', String(written++), 'out');

  const commands = [{ label: 'node -e 0', argv: [node, '-e', '0'] }];
  const kinds = [];
  for (const s of specs) {
    const name = relative(root, s);
    for (const [mode, args] of [['stream', () => [s]], ['-o DIR', () => [s, '-o', newOutDir(), '--quiet']]]) {
      const variants = [
        ['cache warm', { XDG_CACHE_HOME: warm }, 1.5],
        ['cache off', { NODE_DISABLE_COMPILE_CACHE: '1' }, 2.0],
        // A new, empty cache directory per run: every run is the first after an install.
        ['first run', () => ({ XDG_CACHE_HOME: mkdtempSync(join(firstRuns, 'c-')) }), 2.0],
        ['cache unwritable', { XDG_CACHE_HOME: '/proc/wi-gen-bench-cache' }, 2.0],
      ];
      for (const [variant, env, target] of variants) {
        // --quick: every variant of one example; otherwise every variant of every example.
        // The time limit makes a hang (a cache problem that never returns) "not measured", not a stuck benchmark.
        commands.push({ label: `wi-gen ${name}${mode === 'stream' ? '' : ' -o DIR'}, ${variant}`, argv: () => [node, bin, ...args()], env, timeoutMs: 30_000 });
        kinds.push(target);
      }
    }
    commands.push({ label: `wi-gen ${name} -o DIR, unchanged re-render, cache warm`, argv: [node, bin, s, '-o', outDir(s), '--quiet'], env: { XDG_CACHE_HOME: warm }, timeoutMs: 30_000 });
    kinds.push(undefined);
  }
  const [floor, ...results] = measure(work, commands, { runs, warmup });
  rmSync(firstRuns, { recursive: true, force: true });
  rmSync(outRoot, { recursive: true, force: true });
  return results.map((r, i) => comparisonRow(`start: ${r.label}`, r, floor, kinds[i]));
}
