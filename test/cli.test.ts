// The CLI as users run it (the committed bundle): stream, tree, check, help, version.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli, examplesDir, readTree, repoRoot, yamlDocs } from './support/wi-gen.js';
import { run, tmpDir } from './support/tools.js';

const example = join(examplesDir, 'gke-cert-manager', 'spec.yaml');

test('wi-gen SPEC prints the objects as one stream kubectl can read', () => {
  const r = cli([example]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(yamlDocs(r.stdout).map((d) => `${d.kind}/${(d.metadata as { name: string }).name}`), [
    'ClusterIssuer/letsencrypt-staging',
    'ClusterIssuer/letsencrypt',
  ]);
});

test('wi-gen SPEC reads standard input with -', () => {
  const r = cli(['-'], { input: readFileSync(example, 'utf8') });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, cli([example]).stdout.replace('from spec.yaml', 'from stdin'));
});

test('check: 0 when fresh, 1 with a unified diff and the fixing command when stale', () => {
  const dir = tmpDir('wi-gen-cli-');
  cpSync(join(examplesDir, 'gke-cert-manager'), join(dir, 'ex'), { recursive: true });
  const spec = join(dir, 'ex', 'spec.yaml');
  const fresh = cli(['check', spec]);
  assert.is(fresh.code, 0, fresh.stdout + fresh.stderr);
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('platform@acme.example', 'certs@acme.example'));
  const stale = cli(['check', spec]);
  assert.is(stale.code, 1);
  assert.match(stale.stdout, /^--- a\/manifests\/issuers\.yaml$/m);
  assert.match(stale.stdout, /^-    email: platform@acme\.example$/m);
  assert.match(stale.stdout, /^\+    email: certs@acme\.example$/m);
  assert.match(stale.stderr, new RegExp(`run: wi-gen ${spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -o `));
  assert.is(cli(['render', spec]).code, 0);
  assert.is(cli(['check', spec]).code, 0);
});

test('check: several specs in one call, as pre-commit passes them', () => {
  const dir = tmpDir('wi-gen-cli-');
  for (const name of ['gke-cronjob', 'gke-cert-manager']) cpSync(join(examplesDir, name), join(dir, name), { recursive: true });
  const specs = ['gke-cronjob', 'gke-cert-manager'].map((n) => join(dir, n, 'spec.yaml'));
  assert.is(cli(['check', ...specs]).code, 0);
  writeFileSync(join(dir, 'gke-cronjob', 'out', 'README.md'), 'edited\n');
  const r = cli(['check', ...specs]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /gke-cronjob\/out: 1 file\(s\) differ/);
  assert.not.match(r.stderr, /gke-cert-manager/);
});

test('render -o writes the same tree the library renders', () => {
  const dir = tmpDir('wi-gen-cli-');
  const r = cli([example, '-o', join(dir, 'out')]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(readTree(join(dir, 'out')), readTree(join(examplesDir, 'gke-cert-manager', 'out')));
});

test('--help and --version', () => {
  const help = cli(['--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /Usage:/);
  const version = cli(['--version']);
  assert.is(version.stdout.trim(), JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version);
});

test('the committed bundle is what the sources build to', () => {
  const r = run(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--check']);
  assert.is(r.code, 0, r.stderr);
});

// One non-ASCII character anywhere makes V8 hold the whole bundle as a two-byte string, slower to
// decode, scan and pre-parse at every start without a code cache (scripts/build.mjs, asciiOnly).
test('the bundle is pure ASCII; comments keep their characters as escapes, code with one fails the build', async () => {
  const bundle = readFileSync(join(repoRoot, 'lib', 'wi-gen.cjs'), 'utf8');
  assert.not.match(bundle, /[^\x00-\x7f]/);
  const { asciiOnly } = (await import(pathToFileURL(join(repoRoot, 'scripts', 'build.mjs')).href)) as { asciiOnly: (text: string) => string };
  assert.is(asciiOnly('  // a \u2014 dash\n   * it\u2019s\nvar a = "x";\n'), '  // a \\u{2014} dash\n   * it\\u{2019}s\nvar a = "x";\n');
  assert.throws(() => asciiOnly('var a = "\u2014";\n'), /non-ASCII character outside a comment/);
});

// scripts/build.mjs defers Node builtins that cdk8s, constructs and wi-gen load for features a
// render does not use (crypto, child_process, os): loading each costs start-up time on every run.
test('a stream render loads none of the deferred builtins', () => {
  const dir = tmpDir('wi-gen-builtins-');
  const preload = join(dir, 'list.cjs');
  writeFileSync(preload, "process.on('exit', () => require('fs').writeSync(2, JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule '))) + '\\n'));\n");
  const r = run(process.execPath, ['-r', preload, join(repoRoot, 'bin', 'wi-gen.cjs'), example, '--quiet'], { env: { NODE_DISABLE_COMPILE_CACHE: '1' } });
  assert.is(r.code, 0, r.stderr);
  const loaded = JSON.parse(r.stderr.trim().split('\n').pop() as string) as string[];
  assert.ok(loaded.includes('NativeModule vm'), `the list is read: ${loaded.length} modules`);
  for (const name of ['crypto', 'child_process', 'os']) assert.not.ok(loaded.includes(`NativeModule ${name}`), `${name} is loaded`);
});

test.run();
