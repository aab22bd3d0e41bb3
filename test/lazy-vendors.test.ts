// `yaml` and `diff` live in files of their own (lib/wi-gen-yaml.cjs, lib/wi-gen-diff.cjs; see
// scripts/build.mjs), which the bundle loads on the first call of one of their functions: a
// render of a valid spec, streamed or written, never loads them, so it never compiles them.
// Problems, the KRM function and check do, and give the same output as with the library inlined.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binPath, exampleNames, examplesDir, repoRoot } from './support/wi-gen.js';
import { run, tmpDir } from './support/tools.js';

const dir = tmpDir('wi-gen-lazy-');
// Reports every file of lib/ the process reads (the loader reads each bundle whole).
const preload = join(dir, 'reads.cjs');
writeFileSync(
  preload,
  [
    "const fs = require('fs'); const read = fs.readFileSync;",
    "fs.readFileSync = function (path, ...rest) { if (typeof path === 'string' && /wi-gen-(yaml|diff)\\.cjs$/.test(path)) fs.writeSync(2, 'LOADED ' + path.replace(/.*[\\\\/]/, '') + '\\n'); return read.call(this, path, ...rest); };",
  ].join('\n'),
);

function wiGen(args: readonly string[], input?: string) {
  // No compile cache: every run reads what it runs (the cache never stands in for a file).
  return run(process.execPath, ['-r', preload, binPath, ...args], { cwd: repoRoot, env: { NODE_DISABLE_COMPILE_CACHE: '1' }, input, timeoutMs: 30_000 });
}
const loadedFiles = (stderr: string) => [...stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]);

for (const name of exampleNames()) {
  test(`${name}: the stream and -o DIR load neither yaml nor diff`, () => {
    const spec = join(examplesDir, name, 'spec.yaml');
    const stream = wiGen([spec, '--quiet']);
    assert.is(stream.code, 0, stream.stderr);
    assert.equal(loadedFiles(stream.stderr), []);
    const tree = wiGen([spec, '-o', join(tmpDir('wi-gen-lazy-out-'), 'out'), '--quiet']);
    assert.is(tree.code, 0, tree.stderr);
    assert.equal(loadedFiles(tree.stderr), []);
  });
}

test('problems, fn and check load what they use, once, and work', () => {
  // The detector sees a load: a spec with a problem is read with yaml's positions.
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'apiVersion: wi-gen.dev/v1alpha1\nkind: WorkloadIdentitySpec\ncluster: [\n');
  const problem = wiGen([bad]);
  assert.is(problem.code, 2);
  assert.match(problem.stderr, /bad\.yaml:\d+:\d+: /);
  assert.equal(loadedFiles(problem.stderr), ['wi-gen-yaml.cjs']);

  const spec = join(examplesDir, 'gke-cert-manager', 'spec.yaml');
  const out = join(tmpDir('wi-gen-lazy-check-'), 'out');
  assert.is(wiGen([spec, '-o', out, '--quiet']).code, 0);
  writeFileSync(join(out, 'README.md'), 'changed\n');
  const check = wiGen(['check', spec, '-o', out, '--quiet']);
  assert.is(check.code, 1, check.stderr);
  assert.match(check.stdout, /^-changed$/m);
  assert.equal(loadedFiles(check.stderr), ['wi-gen-diff.cjs']);

  const specText = run('cat', [spec]).stdout;
  const list = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n${specText.replace(/^/gm, '  ')}`;
  const fn = wiGen(['fn'], list);
  assert.is(fn.code, 0, fn.stderr);
  assert.match(fn.stdout, /^kind: ResourceList$/m);
  assert.equal(loadedFiles(fn.stderr), ['wi-gen-yaml.cjs']);
});

test.run();
