// The benchmark harness runs end to end on a small size; its timings are not asserted (no timed
// assertions in npm test), only that every row it promises is there and each command succeeded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cli, repoRoot } from './support/wi-gen.js';
import { hasTool, run, tmpDir } from './support/tools.js';
// @ts-expect-error: a plain ES module without types
import { handServiceAccounts, specText, writeScaleCase } from '../bench/generate.mjs';

test('generated scale specs are valid and render the tree kustomize builds', () => {
  const dir = tmpDir('wi-gen-bench-');
  const c = writeScaleCase(dir, 150) as { spec: string; out: string; app: string; hand: string };
  const r = cli([c.spec, '-o', c.out]);
  assert.is(r.code, 0, r.stderr);
  handServiceAccounts(c);
  if (!hasTool('kubectl')) console.log('  (kubectl is not installed: the recommended layout and the hand-kept tree are not built)');
  else {
    // The benchmark compares like with like: the recommended layout builds the hand-kept tree's bytes.
    const app = run('kubectl', ['kustomize', c.app]);
    const hand = run('kubectl', ['kustomize', c.hand]);
    assert.is(app.code, 0, app.stderr);
    assert.is(hand.code, 0, hand.stderr);
    assert.match(app.stdout, 'serviceAccountName: s149');
    assert.is(app.stdout, hand.stdout);
  }
  const spec = parse(specText(150)) as { bindings: unknown[] };
  assert.is(spec.bindings.length, 150);
  assert.ok(specText(10000).length < 1024 * 1024, "10,000 bindings fit wi-gen's 1 MiB spec limit");
});

test('npm run bench prints the whole table (N=10, one run)', () => {
  const work = tmpDir('wi-gen-bench-');
  const r = run(process.execPath, [join(repoRoot, 'bench', 'bench.mjs'), '--sizes', '10,20', '--build-sizes', '10', '--examples', 'gke-cronjob', '--runs', '1', '--warmup', '1', '--work', work, '--out', '-'], { timeoutMs: 120_000 });
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n');
  assert.match(rows[0] ?? '', /^\| case \| wall/);
  if (hasTool('kubectl')) assert.ok(rows.some((row) => /^\| 10 \| \d+ ms \(\d+ ms–\d+ ms, 1 runs\) .* byte-identical \|/.test(row)), 'the render + build row');
  for (const expected of [/cold: wi-gen examples\/gke-cronjob\/spec\.yaml \| \d+ ms/, /no compile cache/, /10 bindings: wi-gen SPEC -o DIR \| \d+ ms/, /20 bindings: wi-gen SPEC -o DIR, DIR empty/, /growth: t\(20\) \/ t\(10\)/]) {
    assert.ok(rows.some((row) => expected.test(row)), `a row matching ${expected}`);
  }
});

test.run();
