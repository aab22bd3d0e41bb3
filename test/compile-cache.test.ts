// The bin's loader (lib/wi-gen-cli.cjs) and its compile cache: a cache directory that cannot be made,
// read or written must cost no more than having no cache. Each case runs the real bin with a
// time limit, because the failure this guards against is a CLI that prints its output and then
// never exits (Node's recursive mkdir spins forever under /proc).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binPath, examplesDir, repoRoot } from './support/wi-gen.js';
import { run, tmpDir } from './support/tools.js';

const spec = join(examplesDir, 'gke-cronjob', 'spec.yaml');

function renderWithCache(xdgCacheHome: string) {
  return run(process.execPath, [binPath, spec, '--quiet'], { cwd: repoRoot, env: { XDG_CACHE_HOME: xdgCacheHome, NODE_DISABLE_COMPILE_CACHE: undefined, NODE_COMPILE_CACHE: undefined }, timeoutMs: 20_000 });
}

const expected = run(process.execPath, [binPath, spec, '--quiet'], { cwd: repoRoot, env: { NODE_DISABLE_COMPILE_CACHE: '1' } });

const node20 = Number(process.versions.node.split('.')[0]) < 22;

test('a usable cache directory is made and filled, and the next runs give the same bytes', () => {
  assert.is(expected.code, 0, expected.stderr);
  const home = tmpDir('wi-gen-cache-');
  const first = renderWithCache(home);
  assert.is(first.code, 0, first.stderr);
  assert.is(first.stdout, expected.stdout);
  assert.ok(existsSync(join(home, 'wi-gen')), 'the cache directory exists after a run');
  // Node 20: the first run in a new cache directory only makes it (a one-off run would pay
  // ~4 ms for a cache nothing reads); the second stores the cache, the third reads it.
  if (node20) assert.equal(readdirSync(join(home, 'wi-gen')), [], 'nothing is cached by a first run');
  const second = renderWithCache(home);
  assert.is(second.code, 0, second.stderr);
  assert.is(second.stdout, expected.stdout);
  assert.ok(readdirSync(join(home, 'wi-gen')).length > 0, 'something was cached');
  const third = renderWithCache(home);
  assert.is(third.code, 0, third.stderr);
  assert.is(third.stdout, expected.stdout);
});

// Node 20's hand-made cache holds what a run compiled: a stream and a run writing a tree
// (-o DIR) keep one each, so neither runs with the other's functions. Node 22 has its own cache.
test('on Node 20 a stream and a -o DIR run keep separate caches, and each run reuses its own', () => {
  const home = tmpDir('wi-gen-cache-');
  const out = join(tmpDir('wi-gen-cache-out-'), 'out');
  const env = { XDG_CACHE_HOME: home, NODE_DISABLE_COMPILE_CACHE: undefined, NODE_COMPILE_CACHE: undefined };
  const caches = () => (existsSync(join(home, 'wi-gen')) ? readdirSync(join(home, 'wi-gen')).filter((n) => n.endsWith('.v8cache')).sort() : []);
  if (Number(process.versions.node.split('.')[0]) >= 22) {
    console.log('# compile-cache: Node >= 22 uses its own compile cache; the per-kind files are Node 20 only');
    return;
  }
  mkdirSync(join(home, 'wi-gen'), { recursive: true }); // not a first run: see above
  assert.is(renderWithCache(home).code, 0);
  const afterStream = caches();
  assert.is(afterStream.length, 1, afterStream.join(', '));
  const tree = () => run(process.execPath, [binPath, spec, '-o', out, '--quiet'], { cwd: repoRoot, env, timeoutMs: 20_000 });
  assert.is(tree().code, 0);
  const afterTree = caches();
  assert.is(afterTree.length, 2, afterTree.join(', '));
  assert.ok(afterTree.some((n) => n.endsWith('-tree.v8cache')), afterTree.join(', '));
  // A second run of either kind finds its cache and writes nothing new.
  const times = () => afterTree.map((n) => statSync(join(home, 'wi-gen', n)).mtimeMs).join(',');
  const before = times();
  assert.is(tree().code, 0);
  assert.is(renderWithCache(home).code, 0);
  assert.equal(caches(), afterTree);
  assert.is(times(), before);
});

const broken: [string, () => string][] = [
  // procfs answers ENOENT to mkdir of a new child of a directory that exists: the recursive
  // mkdir loop of nodejs/node.
  ['under /proc', () => '/proc/wi-gen-test-cache'],
  ['/proc itself', () => '/proc'],
  ['a dangling symlink', () => {
    const d = tmpDir('wi-gen-cache-');
    symlinkSync(join(d, 'missing', 'deeper'), join(d, 'link'));
    return join(d, 'link');
  }],
  ['a file where the cache directory should be', () => {
    const d = tmpDir('wi-gen-cache-');
    writeFileSync(join(d, 'wi-gen'), 'not a directory');
    return d;
  }],
  ['a file where XDG_CACHE_HOME should be', () => {
    const d = tmpDir('wi-gen-cache-');
    writeFileSync(join(d, 'file'), '');
    return join(d, 'file');
  }],
  ['a parent that does not exist', () => join(tmpDir('wi-gen-cache-'), 'a', 'b', 'c')],
  ['a character device (/dev/full)', () => '/dev/full'],
];

for (const [name, make] of broken) {
  test(`cache in ${name}: same output, exit 0, no hang`, () => {
    const home = make();
    const r = renderWithCache(home);
    assert.is(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    assert.is(r.stderr, '');
    assert.is(r.stdout, expected.stdout);
  });
}

// Node 20 has no module.enableCompileCache; a preloaded stand-in records the call, so the Node ≥ 22
// branch of the loader runs here too (on Node 22 the real function is used as is).
function withFakeEnableCompileCache(xdgCacheHome: string) {
  const dir = tmpDir('wi-gen-cache-fake-');
  const preload = join(dir, 'fake.cjs');
  writeFileSync(preload, "require('module').enableCompileCache = (d) => { require('fs').writeSync(2, 'enableCompileCache ' + d + '\\n'); return { status: 0, directory: d }; };\n");
  return run(process.execPath, ['-r', preload, binPath, spec, '--quiet'], { cwd: repoRoot, env: { XDG_CACHE_HOME: xdgCacheHome, NODE_DISABLE_COMPILE_CACHE: undefined, NODE_COMPILE_CACHE: undefined }, timeoutMs: 20_000 });
}

test('Node >= 22: module.enableCompileCache into $XDG_CACHE_HOME/wi-gen, made safely first', () => {
  const home = tmpDir('wi-gen-cache-');
  const r = withFakeEnableCompileCache(home);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, expected.stdout);
  assert.is(r.stderr, `enableCompileCache ${join(home, 'wi-gen', 'node-compile-cache')}\n`);
  // Node's own recursive mkdir has the /proc loop too: the loader does not hand it such a path.
  const proc = withFakeEnableCompileCache('/proc/wi-gen-test-cache');
  assert.is(proc.code, 0, proc.stderr);
  assert.is(proc.stderr, '');
  assert.is(proc.stdout, expected.stdout);
});

// The loader ends the process as soon as the command is done (lib/wi-gen-cli.cjs, Node 20): ticks
// queued while it ran still run first, 'exit' handlers run, and the exit code is the command's.
test('Node 20: the early exit keeps queued ticks, exit handlers and the exit code', () => {
  if (!node20) {
    console.log('# compile-cache: Node >= 22 ends the process by itself');
    return;
  }
  const dir = tmpDir('wi-gen-exit-');
  const preload = join(dir, 'tick.cjs');
  // The first write of the command queues a tick, as process.emitWarning does.
  writeFileSync(
    preload,
    [
      "const fs = require('fs'); const write = fs.writeSync; let first = true;",
      "fs.writeSync = (...a) => { if (first) { first = false; process.nextTick(() => write(2, 'queued tick ran\\n')); } return write(...a); };",
      "process.on('exit', (code) => write(2, 'exit handler, code ' + code + '\\n'));",
    ].join('\n'),
  );
  const env = { NODE_DISABLE_COMPILE_CACHE: '1' };
  const ok = run(process.execPath, ['-r', preload, binPath, spec, '--quiet'], { cwd: repoRoot, env, timeoutMs: 20_000 });
  assert.is(ok.code, 0, ok.stderr);
  assert.is(ok.stdout, expected.stdout);
  assert.is(ok.stderr, 'queued tick ran\nexit handler, code 0\n');
  const bad = run(process.execPath, ['-r', preload, binPath, join(dir, 'missing.yaml')], { cwd: repoRoot, env, timeoutMs: 20_000 });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /no such file\nqueued tick ran\nexit handler, code 2\n$/);
});

test.run();
