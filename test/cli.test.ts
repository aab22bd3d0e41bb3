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

test.run();
