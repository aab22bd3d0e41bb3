// The benchmark harness runs end to end on a small size; its timings are not asserted (no timed
// assertions in npm test), only that every row it promises is there and each command succeeded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cli, repoRoot } from './support/wi-gen.js';
import { MAX_SPEC_BYTES } from '../src/spec/load.js';
import { run, tmpDir } from './support/tools.js';
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

test('npm run bench prints the whole table (N=10, one run)', () => {
  const work = tmpDir('wi-gen-bench-');
  const r = run(process.execPath, [join(repoRoot, 'bench', 'bench.mjs'), '--sizes', '10,20', '--examples', 'gke-cronjob', '--runs', '1', '--warmup', '1', '--work', work, '--out', '-'], { timeoutMs: 120_000 });
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n');
  assert.match(rows[0] ?? '', /^\| case \| wall/);
  for (const expected of [/cold: wi-gen examples\/gke-cronjob\/spec\.yaml \| \d+ ms/, /no compile cache/, /10 bindings: wi-gen SPEC -o DIR \| \d+ ms/, /20 bindings: wi-gen SPEC -o DIR, DIR empty/, /growth: t\(20\) \/ t\(10\)/]) {
    assert.ok(rows.some((row) => expected.test(row)), `a row matching ${expected}`);
  }
});

test.run();
