// The benchmark harness runs end to end on a small size; its timings are not asserted (no timed
// assertions in npm test), only that every row it promises is there and each command succeeded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cli, repoRoot } from './support/wi-gen.js';
import { MAX_SPEC_BYTES } from '../src/spec/load.js';
// @ts-expect-error: a plain ES module without types
import { comparisonRow } from '../bench/measure.mjs';
import { hasTool, run, tmpDir } from './support/tools.js';
// @ts-expect-error: a plain ES module without types
import { specText, writeScaleCase } from '../bench/generate.mjs';

test('generated scale specs are valid and render the tree kustomize builds', () => {
  const dir = tmpDir('wi-gen-bench-');
  const c = writeScaleCase(dir, 150) as { spec: string; out: string; app: string };
  const r = cli([c.spec, '-o', c.out]);
  assert.is(r.code, 0, r.stderr);
  const spec = parse(specText(150)) as { bindings: unknown[] };
  assert.is(spec.bindings.length, 150);
  assert.ok(specText(40000).length < MAX_SPEC_BYTES, "40,000 bindings fit wi-gen's spec limit");
});

test('npm run bench prints the whole table (small sizes, one run)', () => {
  const work = tmpDir('wi-gen-bench-');
  const r = run(process.execPath, [join(repoRoot, 'bench', 'bench.mjs'), '--sections', 'startup,scale', '--sizes', '10,20', '--examples', 'gke-cronjob', '--runs', '1', '--warmup', '1', '--work', work, '--out', '-'], { timeoutMs: 120_000 });
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n');
  assert.match(rows[0] ?? '', /^\| case \| runs \| wall/);
  for (const expected of [
    /start: wi-gen examples\/gke-cronjob\/spec\.yaml, cache warm \| 1 \| \d+ ms \/ \d+ ms \/ \d+ ms/,
    /start: wi-gen examples\/gke-cronjob\/spec\.yaml -o DIR, cache unwritable/,
    /start: .*first run/,
    /scale: 10 bindings: wi-gen SPEC \| .*cdk8s-plus-27 app/,
    /scale: 10 bindings: wi-gen SPEC -o DIR \| .*cdk8s-plus-27 app --outdir DIR/,
    /scale: 20 bindings: wi-gen SPEC -o DIR \| \d/,
    /growth: wi-gen SPEC: t\(20\) \/ t\(10\)/,
    /^Targets: \d+ met, \d+ not met, \d+ not measured/,
  ]) {
    assert.ok(rows.some((row) => expected.test(row)), `a row matching ${expected}`);
  }
});

test('a side stopped at its time limit makes the row "not measured", never met', () => {
  const side = (label: string, median: number, stopped: boolean) => ({ label, runs: 1, stopped, wall: { min: median, median, max: median }, cpu: { min: 1, median: 1, max: 1, mean: 1 }, rss: { min: 1, median: 1, max: 1 } });
  const honest = comparisonRow('x', side('wi-gen', 10, false), side('slow tool', 120_000, true), 1.0);
  assert.is(honest.met, 'not measured');
  assert.match(honest.line, /\| not measured \|$/);
  assert.is(comparisonRow('x', side('wi-gen', 10, false), side('tool', 20, false), 1.0).met, true);
  assert.is(comparisonRow('x', side('wi-gen', 30, false), side('tool', 20, false), 1.0).met, false);
  // Wall within the target but CPU not: not met.
  const cpuHeavy = { ...side('wi-gen', 10, false), cpu: { min: 5, median: 5, max: 5, mean: 5 } };
  assert.is(comparisonRow('x', cpuHeavy, side('tool', 20, false), 1.0).met, false);
});

test('bench/build.mjs: render + build against the hand-kept tree, outputs compared byte for byte', () => {
  if (!hasTool('kubectl')) {
    console.log('  skipped: kubectl is not installed');
    return;
  }
  const work = tmpDir('wi-gen-bench-build-');
  const r = run(process.execPath, [join(repoRoot, 'bench', 'build.mjs'), '--build-sizes', '10', '--runs', '1', '--warmup', '1', '--work', work, '--out', '-'], { timeoutMs: 120_000 });
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.split('\n').filter((row) => /^\| 10 \| [^|]+ \| \d+ ms \(\d+ ms–\d+ ms, 1 runs\) .* byte-identical \|/.test(row));
  // One row per hand-kept tree: the (one kustomization) and the per-namespace one.
  assert.equal(rows.map((row) => row.split(' | ')[1]?.split(' ')[0]), ['one', 'a'], r.stdout);
});

test.run();
