// -o DIR: atomic, owns only what it wrote, never clobbers foreign files or the spec.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, writeTree } from '../src/cli/writer.js';
import { cli, examplesDir } from './support/wi-gen.js';
import { tmpDir } from './support/tools.js';

const files = (...paths: string[]) => paths.map((path) => ({ path, content: `${path}\n` }));

test('writes the tree and a manifest of owned files', () => {
  const dir = join(tmpDir('wi-gen-w-'), 'out');
  writeTree(dir, files('a.yaml', 'sub/b.yaml'));
  assert.is(readFileSync(join(dir, 'sub/b.yaml'), 'utf8'), 'sub/b.yaml\n');
  assert.match(readFileSync(join(dir, MANIFEST_FILE), 'utf8'), /^a\.yaml\nsub\/b\.yaml\n$/m);
});

test('removes stale owned files, keeps foreign ones byte for byte', () => {
  const dir = join(tmpDir('wi-gen-w-'), 'out');
  writeTree(dir, files('a.yaml', 'old.yaml'));
  writeFileSync(join(dir, 'NOTES.md'), 'mine\n');
  mkdirSync(join(dir, 'keep'));
  writeFileSync(join(dir, 'keep', 'x.txt'), 'x\n');
  const result = writeTree(dir, files('a.yaml', 'new.yaml'));
  assert.equal(result.removed, ['old.yaml']);
  assert.ok(!existsSync(join(dir, 'old.yaml')));
  assert.is(readFileSync(join(dir, 'NOTES.md'), 'utf8'), 'mine\n');
  assert.is(readFileSync(join(dir, 'keep', 'x.txt'), 'utf8'), 'x\n');
  assert.ok(existsSync(join(dir, 'new.yaml')));
});

test('refuses to overwrite a foreign file, and leaves the tree as it was', () => {
  const dir = join(tmpDir('wi-gen-w-'), 'out');
  writeTree(dir, files('a.yaml'));
  writeFileSync(join(dir, 'README.md'), 'hand-written\n');
  assert.throws(() => writeTree(dir, files('a.yaml', 'README.md')), /did not write: README\.md/);
  assert.is(readFileSync(join(dir, 'README.md'), 'utf8'), 'hand-written\n');
  assert.equal(readdirSync(join(dir, '..')).filter((n) => n.startsWith('.wi-gen-')), [], 'no staging or lock left behind');
  writeTree(dir, files('a.yaml', 'README.md'), { force: true });
  assert.is(readFileSync(join(dir, 'README.md'), 'utf8'), 'README.md\n');
});

test('refuses a DIR that contains the spec, a file, or a root', () => {
  const root = tmpDir('wi-gen-w-');
  writeFileSync(join(root, 'spec.yaml'), 'x');
  assert.throws(() => writeTree(root, files('a.yaml'), { specPath: join(root, 'spec.yaml') }), /contains the spec/);
  assert.throws(() => writeTree(join(root, 'spec.yaml'), files('a.yaml')), /not a directory/);
  assert.throws(() => writeTree('/', files('a.yaml')), /filesystem root/);
});

test('rejects generated paths that could escape DIR', () => {
  const dir = join(tmpDir('wi-gen-w-'), 'out');
  for (const path of ['../x', '/etc/x', 'a/../../x', '']) {
    assert.throws(() => writeTree(dir, [{ path, content: '' }]), /unsafe output path/);
  }
  assert.ok(!existsSync(dir));
});

test('CLI: a bad spec leaves the previous tree exactly as it was', () => {
  const dir = tmpDir('wi-gen-w-');
  const spec = join(dir, 'spec.yaml');
  writeFileSync(spec, readFileSync(join(examplesDir, 'gke-cronjob', 'spec.yaml')));
  assert.is(cli([spec, '-o', join(dir, 'out')]).code, 0);
  const before = readFileSync(join(dir, 'out', 'manifests', 'service-accounts.yaml'), 'utf8');
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('reporting', 'Reporting'));
  const r = cli([spec, '-o', join(dir, 'out')]);
  assert.is(r.code, 2);
  assert.is(readFileSync(join(dir, 'out', 'manifests', 'service-accounts.yaml'), 'utf8'), before);
});

test('re-rendering keeps unchanged files as they are and rewrites changed, edited and re-moded ones', () => {
  const dir = join(tmpDir('wi-gen-w-'), 'out');
  const umask = process.umask();
  writeTree(dir, [...files('same.yaml', 'changed.yaml', 'edited.yaml', 'moded.yaml'), { path: 'run.sh', content: 'echo\n', executable: true }]);
  const inode = (p: string) => statSync(join(dir, p)).ino;
  const before = { same: inode('same.yaml'), run: inode('run.sh') };
  writeFileSync(join(dir, 'edited.yaml'), 'by hand\n');
  chmodSync(join(dir, 'moded.yaml'), 0o600);
  writeTree(dir, [...files('same.yaml', 'edited.yaml', 'moded.yaml'), { path: 'changed.yaml', content: 'v2\n' }, { path: 'run.sh', content: 'echo\n', executable: true }]);
  assert.is(inode('same.yaml'), before.same, 'an unchanged file is not written again');
  assert.is(inode('run.sh'), before.run);
  assert.is(statSync(join(dir, 'same.yaml')).nlink, 1, 'the previous tree is gone');
  assert.is(readFileSync(join(dir, 'changed.yaml'), 'utf8'), 'v2\n');
  assert.is(readFileSync(join(dir, 'edited.yaml'), 'utf8'), 'edited.yaml\n');
  assert.is(statSync(join(dir, 'moded.yaml')).mode & 0o777, 0o644 & ~umask);
  assert.is(statSync(join(dir, 'run.sh')).mode & 0o777, 0o755 & ~umask);
});

test('a foreign file where a generated directory goes, or inside a generated file path, is in the way', () => {
  const dir = join(tmpDir('wi-gen-w-'), 'out');
  writeTree(dir, files('a.yaml'));
  writeFileSync(join(dir, 'sub'), 'mine\n');
  assert.throws(() => writeTree(dir, files('a.yaml', 'sub/b.yaml')), /did not write: sub \(/);
  const other = join(tmpDir('wi-gen-w-'), 'out');
  writeTree(other, files('a.yaml'));
  mkdirSync(join(other, 'c.yaml'));
  writeFileSync(join(other, 'c.yaml', 'x'), 'mine\n');
  assert.throws(() => writeTree(other, files('a.yaml', 'c.yaml')), /did not write: c\.yaml\/x/);
});

test.run();
