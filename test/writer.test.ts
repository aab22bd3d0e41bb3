// -o DIR: atomic, owns only what it wrote, never clobbers foreign files or the spec.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MANIFEST_FILE, manifestContent, writeTree } from '../src/cli/writer.js';
import { binPath, cli, examplesDir, readTree, writtenTree } from './support/wi-gen.js';
import { GRANT_RECORD_FILE, parseGrantRecord } from '../src/lifecycle/record.js';
import { grantKey } from '../src/lifecycle/cloud-grant.js';
import { run, tmpDir } from './support/tools.js';

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


// ---------------------------------------------------------------- output that loses nothing

const leftovers = (parent: string) => readdirSync(parent).filter((n) => n.startsWith('.wi-gen-'));

/** A pid that no process holds right now: a child that has exited. */
function deadPid(): number {
  const r = spawn(process.execPath, ['-e', '']);
  const pid = r.pid as number;
  run(process.execPath, ['-e', 'setTimeout(()=>{},50)']);
  return pid;
}

test('a DIR that is a symlink stays a symlink; the directory it points at is written', () => {
  const root = tmpDir('wi-gen-w-');
  mkdirSync(join(root, 'real'));
  writeFileSync(join(root, 'real', 'NOTES.md'), 'mine\n');
  symlinkSync('real', join(root, 'out'));
  writeTree(join(root, 'out'), files('a.yaml'));
  writeTree(join(root, 'out'), files('b.yaml'));
  assert.ok(lstatSync(join(root, 'out')).isSymbolicLink(), 'the link is not replaced by a directory');
  assert.is(readlinkSync(join(root, 'out')), 'real');
  assert.equal([...readTree(join(root, 'real')).keys()].sort(), [MANIFEST_FILE, 'NOTES.md', 'b.yaml']);
  assert.equal(leftovers(root), []);
});

test('the spec is found inside DIR whether given relative, absolute, or through a symlink', () => {
  const root = tmpDir('wi-gen-w-');
  mkdirSync(join(root, 'proj'));
  writeFileSync(join(root, 'proj', 'spec.yaml'), 'x');
  symlinkSync('proj', join(root, 'link'));
  const cases: [string, string][] = [
    [join(root, 'proj'), join(root, 'proj', 'spec.yaml')],
    [join(root, 'link'), join(root, 'proj', 'spec.yaml')],
    [join(root, 'proj'), join(root, 'link', 'spec.yaml')],
    [root, relative(process.cwd(), join(root, 'proj', 'spec.yaml'))],
    [relative(process.cwd(), join(root, 'proj')), join(root, 'proj', 'spec.yaml')],
  ];
  for (const [dir, spec] of cases) {
    assert.throws(() => writeTree(dir, files('a.yaml'), { specPath: spec }), /contains the spec/, `${dir} ${spec}`);
  }
  assert.equal(readdirSync(join(root, 'proj')), ['spec.yaml']);
});

test('-o . and -o of a directory holding the working directory are refused (the swap would pull it away)', () => {
  const root = tmpDir('wi-gen-w-');
  mkdirSync(join(root, 'work', 'sub'), { recursive: true });
  const r = cli(['-', '-o', '.'], { cwd: join(root, 'work'), input: readFileSync(join(examplesDir, 'gke-cronjob', 'spec.yaml'), 'utf8') });
  assert.is(r.code, 2);
  assert.match(r.stderr, /^wi-gen: refusing to write to \.: it is \(or holds\) the current directory/);
  const up = cli(['-', '-o', '..'], { cwd: join(root, 'work', 'sub'), input: readFileSync(join(examplesDir, 'gke-cronjob', 'spec.yaml'), 'utf8') });
  assert.is(up.code, 2);
  assert.equal(readdirSync(join(root, 'work')), ['sub']);
});

test('foreign files are carried as hard links (same inode), directories keep their modes', () => {
  const dir = join(tmpDir('wi-gen-w-'), 'out');
  writeTree(dir, files('a.yaml'));
  writeFileSync(join(dir, 'notes.md'), 'mine\n');
  mkdirSync(join(dir, 'private'));
  writeFileSync(join(dir, 'private', 'x'), 'x\n');
  chmodSync(join(dir, 'private'), 0o500);
  chmodSync(dir, 0o750);
  const inode = statSync(join(dir, 'notes.md')).ino;
  writeTree(dir, files('a.yaml', 'b.yaml'));
  assert.is(statSync(join(dir, 'notes.md')).ino, inode);
  assert.is(statSync(join(dir, 'private')).mode & 0o777, 0o500);
  assert.is(statSync(dir).mode & 0o777, 0o750);
  assert.is(readFileSync(join(dir, 'private', 'x'), 'utf8'), 'x\n');
  assert.equal(leftovers(join(dir, '..')), [], 'the old tree with a read-only directory is removed too');
  chmodSync(join(dir, 'private'), 0o700);
});

test('a crash between the two renames is repaired by the next run: the previous tree comes back first', () => {
  const parent = tmpDir('wi-gen-w-');
  const dir = join(parent, 'out');
  writeTree(dir, files('a.yaml', 'gone.yaml'));
  writeFileSync(join(dir, 'notes.md'), 'mine\n');
  // The state a process killed after `rename(DIR, old)` leaves: no DIR, the old tree, its staging tree and its lock.
  const dead = deadPid();
  renameSync(dir, join(parent, `.wi-gen-old.${dead}-x.out`));
  mkdirSync(join(parent, `.wi-gen-new.${dead}-y.out`));
  writeFileSync(join(parent, '.wi-gen-lock.out'), `${dead} 1\n`);
  const result = writeTree(dir, files('a.yaml', 'b.yaml'), { lockTimeoutMs: 2000 });
  assert.equal(result.removed, ['gone.yaml'], 'ownership came back with the old tree');
  assert.equal([...readTree(dir).keys()].sort(), [MANIFEST_FILE, 'a.yaml', 'b.yaml', 'notes.md']);
  assert.equal(leftovers(parent), []);
});

test('a lock held by a live process is waited for, then refused with the holder and the lock path', () => {
  const parent = tmpDir('wi-gen-w-');
  const start = readFileSync(`/proc/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19];
  writeFileSync(join(parent, '.wi-gen-lock.out'), `${process.pid} ${start}\n`);
  assert.throws(() => writeTree(join(parent, 'out'), files('a.yaml'), { lockTimeoutMs: 100 }), new RegExp(`another wi-gen \\(pid ${process.pid}\\) is writing .*remove .*\\.wi-gen-lock\\.out`));
  assert.ok(!existsSync(join(parent, 'out')));
  // The same pid with another start time is a recycled pid: the lock is stale.
  writeFileSync(join(parent, '.wi-gen-lock.out'), `${process.pid} 1\n`);
  writeTree(join(parent, 'out'), files('a.yaml'), { lockTimeoutMs: 100 });
  assert.equal(leftovers(parent), []);
});

test('an empty lock left by a writer killed before it wrote its pid is stale once old', () => {
  const parent = tmpDir('wi-gen-w-');
  const lock = join(parent, '.wi-gen-lock.out');
  writeFileSync(lock, '');
  assert.throws(() => writeTree(join(parent, 'out'), files('a.yaml'), { lockTimeoutMs: 100 }), /another wi-gen/, 'a fresh empty lock may be being written');
  utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  writeTree(join(parent, 'out'), files('a.yaml'), { lockTimeoutMs: 100 });
  assert.equal(leftovers(parent), []);
});

test('foreign files created or replaced (editor-style rename) while the tree is staged are not lost', () => {
  const parent = tmpDir('wi-gen-w-');
  const dir = join(parent, 'out');
  writeTree(dir, files('a.yaml'));
  writeFileSync(join(dir, 'notes.md'), 'v1\n');
  const result = writeTree(dir, files('a.yaml', 'b.yaml'), {
    beforeSwap: () => {
      writeFileSync(join(dir, 'late.md'), 'late\n');
      mkdirSync(join(dir, 'new-dir'));
      writeFileSync(join(dir, 'new-dir', 'x'), 'x\n');
      writeFileSync(join(dir, '.notes.md.swp'), 'v2\n');
      renameSync(join(dir, '.notes.md.swp'), join(dir, 'notes.md'));
    },
  });
  assert.equal([...result.rescued].sort(), ['late.md', 'new-dir/x', 'notes.md']);
  assert.is(readFileSync(join(dir, 'late.md'), 'utf8'), 'late\n');
  assert.is(readFileSync(join(dir, 'new-dir', 'x'), 'utf8'), 'x\n');
  assert.is(readFileSync(join(dir, 'notes.md'), 'utf8'), 'v2\n');
  assert.equal(leftovers(parent), []);
});

test('a file created in the way of a generated one during staging is kept aside, not deleted', () => {
  const parent = tmpDir('wi-gen-w-');
  const dir = join(parent, 'out');
  writeTree(dir, files('a.yaml'));
  const result = writeTree(dir, files('a.yaml', 'b.yaml'), { beforeSwap: () => writeFileSync(join(dir, 'b.yaml'), 'mine\n') });
  assert.ok(result.leftIn, 'reported');
  assert.is(readFileSync(join(result.leftIn as string, 'b.yaml'), 'utf8'), 'mine\n');
  assert.is(readFileSync(join(dir, 'b.yaml'), 'utf8'), 'b.yaml\n');
});

test('render: two specs that would share one out/ are refused before anything is written', () => {
  const dir = tmpDir('wi-gen-w-');
  for (const n of ['gke-cronjob', 'gke-cert-manager']) cpSync(join(examplesDir, n, 'spec.yaml'), join(dir, `${n}.yaml`));
  const r = cli(['render', 'gke-cronjob.yaml', 'gke-cert-manager.yaml'], { cwd: dir });
  assert.is(r.code, 2);
  assert.is(r.stderr, 'wi-gen: gke-cronjob.yaml and gke-cert-manager.yaml would both write out; give each spec its own directory\n');
  assert.ok(!existsSync(join(dir, 'out')));
});

/** Runs the CLI asynchronously, so several really run at once. */
function cliAsync(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [binPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => done({ code: -1, stderr: `spawn failed: ${error.message}` }));
    child.on('close', (code) => done({ code, stderr }));
  });
}

/** A spec's tree as `-o` writes it over the tree `actual` found in DIR (see writtenTree). */
function expectedTree(spec: string, actual?: Map<string, string>): Map<string, string> {
  return writtenTree(readFileSync(spec, 'utf8'), spec, actual) as Map<string, string>;
}

test('concurrency: real processes rendering different specs into one DIR end with one complete tree', async () => {
  const root = tmpDir('wi-gen-w-');
  const specs = ['gke-cronjob', 'gke-cert-manager', 'gke-multi-workload-migration'].map((n) => {
    cpSync(join(examplesDir, n, 'spec.yaml'), join(root, `${n}.yaml`));
    return join(root, `${n}.yaml`);
  });
  const out = join(root, 'out');
  mkdirSync(out);
  writeFileSync(join(out, 'NOTES.md'), 'mine\n');
  for (let round = 0; round < 3; round++) {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => cliAsync([specs[(i + round) % specs.length] as string, '-o', out])));
    for (const r of results) assert.is(r.code, 0, r.stderr);
    const actual = readTree(out);
    const trees = specs.map((s) => new Map([...expectedTree(s, actual), ['NOTES.md', 'mine\n']]));
    const match = trees.findIndex((t) => JSON.stringify([...t].sort()) === JSON.stringify([...actual].sort()));
    assert.ok(match >= 0, `round ${round}: the tree is not exactly one spec's render: ${[...actual.keys()].join(', ')}`);
    assert.equal(leftovers(root), []);
  }
});

test('concurrency: writers killed at random moments never leave a mixed tree, and the next run repairs', async () => {
  const root = tmpDir('wi-gen-w-');
  const specs = ['gke-cronjob', 'gke-cert-manager'].map((n) => {
    cpSync(join(examplesDir, n, 'spec.yaml'), join(root, `${n}.yaml`));
    return join(root, `${n}.yaml`);
  });
  const out = join(root, 'out');
  assert.is(cli([specs[0] as string, '-o', out]).code, 0);
  writeFileSync(join(out, 'NOTES.md'), 'mine\n');
  const treesFor = (actual: Map<string, string>) => specs.map((s) => new Map([...expectedTree(s, actual), ['NOTES.md', 'mine\n']]));
  const isOneTree = (t: Map<string, string>) => treesFor(t).some((e) => JSON.stringify([...e].sort()) === JSON.stringify([...t].sort()));
  for (let i = 0; i < 12; i++) {
    const child = spawn(process.execPath, [binPath, specs[i % 2] as string, '-o', out], { stdio: 'ignore' });
    // Listen before the kill: a fast child may have finished already, and 'close' fires only once.
    const closed = new Promise((r) => child.on('close', r));
    const delay = 20 + ((i * 37) % 120);
    await new Promise((r) => setTimeout(r, delay));
    child.kill('SIGKILL');
    await closed;
    // Whatever moment the kill hit, DIR is absent (between the renames) or exactly one tree.
    if (existsSync(out)) assert.ok(isOneTree(readTree(out)), `after kill ${i}: mixed tree`);
  }
  const r = cli([specs[1] as string, '-o', out]);
  assert.is(r.code, 0, r.stderr);
  const final = readTree(out);
  assert.equal(final, treesFor(final)[1]);
  assert.equal(leftovers(root), []);
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

test('re-rendering an unchanged tree leaves DIR as it is; any difference (bytes, mode, a file, a symlinked directory) swaps it', () => {
  const parent = tmpDir('wi-gen-w-');
  const dir = join(parent, 'out');
  const tree = [...files('a.yaml', 'sub/deep/b.yaml'), { path: 'run.sh', content: 'echo\n', executable: true }];
  writeTree(dir, tree);
  writeFileSync(join(dir, 'notes.md'), 'mine\n');
  mkdirSync(join(dir, 'empty'));
  // A swap replaces DIR and every directory in it by new ones: their inodes tell whether one ran.
  const dirInodes = () => ['', 'sub', 'sub/deep', 'empty'].map((d) => statSync(join(dir, d)).ino).join(',');
  const before = dirInodes();
  const result = writeTree(dir, tree);
  assert.is(dirInodes(), before, 'no directory was made or removed');
  assert.equal(result, { written: 3, removed: [], kept: ['notes.md'], rescued: [] });
  assert.is(readFileSync(join(dir, 'notes.md'), 'utf8'), 'mine\n');
  assert.equal(leftovers(parent), []);

  const swapped = (change: () => void, next = tree) => {
    change();
    const was = dirInodes();
    writeTree(dir, next);
    assert.is.not(dirInodes(), was);
    assert.equal(readTree(dir).get('sub/deep/b.yaml'), 'sub/deep/b.yaml\n');
  };
  swapped(() => writeFileSync(join(dir, 'a.yaml'), 'edited\n'));
  assert.is(readFileSync(join(dir, 'a.yaml'), 'utf8'), 'a.yaml\n');
  swapped(() => chmodSync(join(dir, 'run.sh'), 0o644));
  assert.is(statSync(join(dir, 'run.sh')).mode & 0o111, 0o111 & ~process.umask());
  swapped(() => undefined, [...tree, ...files('c.yaml')]);
  swapped(() => undefined, tree);
  assert.ok(!existsSync(join(dir, 'c.yaml')), 'a file no longer generated is removed');
  // The same bytes reached through a symlinked directory are not the tree's own files: still refused.
  cpSync(join(dir, 'sub'), join(parent, 'elsewhere'), { recursive: true });
  renameSync(join(dir, 'sub'), join(parent, 'moved-away'));
  symlinkSync(join(parent, 'elsewhere'), join(dir, 'sub'));
  assert.throws(() => writeTree(dir, tree), /did not write: sub/);
});

test('after a crash between the two renames, an unchanged tree is still swapped (the recovery is made durable)', () => {
  const parent = tmpDir('wi-gen-w-');
  const dir = join(parent, 'out');
  writeTree(dir, files('a.yaml'));
  const dead = deadPid();
  renameSync(dir, join(parent, `.wi-gen-old.${dead}-x.out`));
  writeFileSync(join(parent, '.wi-gen-lock.out'), `${dead} 1\n`);
  const restoredInode = lstatSync(join(parent, `.wi-gen-old.${dead}-x.out`)).ino;
  writeTree(dir, files('a.yaml'), { lockTimeoutMs: 2000 });
  assert.is.not(statSync(dir).ino, restoredInode, 'the restored tree was swapped, not left as the recovery put it');
  assert.equal([...readTree(dir).keys()].sort(), [MANIFEST_FILE, 'a.yaml']);
  assert.equal(leftovers(parent), []);
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


test('concurrency: writers racing over one DIR never lose a grant to prune (the record is read under the lock)', async () => {
  const root = tmpDir('wi-gen-w-');
  const names = ['gke-cronjob', 'gke-cert-manager', 'gke-multi-workload-migration'];
  const specs = names.map((n) => {
    cpSync(join(examplesDir, n, 'spec.yaml'), join(root, `${n}.yaml`));
    return join(root, `${n}.yaml`);
  });
  const grantsOf = (spec: string) => {
    const t = writtenTree(readFileSync(spec, 'utf8'), spec) as Map<string, string>;
    return parseGrantRecord(t.get(GRANT_RECORD_FILE) as string).grants.map(grantKey);
  };
  const all = new Set(specs.flatMap(grantsOf));
  for (let round = 0; round < 3; round++) {
    const out = join(root, `out-${round}`);
    assert.is(cli([specs[2] as string, '-o', out]).code, 0);
    const results = await Promise.all([0, 1, 0, 1].map((i) => cliAsync([specs[i] as string, '-o', out])));
    for (const r of results) assert.is(r.code, 0, r.stderr);
    const record = parseGrantRecord(readFileSync(join(out, GRANT_RECORD_FILE), 'utf8'));
    const kept = new Set([...record.grants, ...record.prune].map(grantKey));
    // Whichever spec wrote last, every grant any of the three made is still granted or still to prune.
    assert.equal([...all].filter((k) => !kept.has(k)), []);
  }
});

test.run();
