// -o DIR is durable: every file of the new tree is fsync'd, and the staging directory too, before
// the rename that swaps the tree in, then the parent directory after it. The CLI syncs files on
// the thread pool while it writes the rest (writeTreeInParallel); in-process callers sync them in
// one pass (writeTree). Both are checked on what the kernel saw (strace -f), and both write the
// same tree, including past the number of syncs kept in flight.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { OutputFile } from '../src/format/tree.js';
import { writeTree, writeTreeInParallel } from '../src/cli/writer.js';
import { binPath, examplesDir, readTree, repoRoot } from './support/wi-gen.js';
import { hasTool, run, tmpDir } from './support/tools.js';

/**
 * What a strace -f log of one write says was not durable: files created in the staging tree whose
 * fsync had not returned 0 when the staging tree was renamed into place, a staging tree not synced
 * itself, or a parent directory not synced after the swap. Empty when the write was durable.
 */
function durabilityProblems(log: string): string[] {
  const pending = new Map<string, string>();
  const fds = new Map<number, string>();
  const created = new Set<string>();
  const synced = new Set<string>();
  let staging: string | undefined;
  let swapped: { from: string; to: string } | undefined;
  let parentSynced = false;
  const problems: string[] = [];
  for (const raw of log.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(raw);
    if (!m) continue;
    const [, pid, rest] = m as unknown as [string, string, string];
    let call = rest;
    // strace -f splits a call that another thread interrupts: "fsync(18 <unfinished ...>" then "<... fsync resumed>) = 0".
    if (call.endsWith('<unfinished ...>')) {
      pending.set(pid, call.slice(0, -'<unfinished ...>'.length).trimEnd());
      continue;
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(call);
    if (resumed) {
      call = (pending.get(pid) ?? '') + resumed[1];
      pending.delete(pid);
    }
    const open = /^openat\(AT_FDCWD, "([^"]+)", ([A-Z_|]+)[^)]*\)\s+= (\d+)$/.exec(call);
    if (open) {
      const [, path, flags, fd] = open as unknown as [string, string, string, string];
      fds.set(Number(fd), path);
      if (/\.wi-gen-new\./.test(path) && flags.includes('O_CREAT')) created.add(path);
      continue;
    }
    const sync = /^fsync\((\d+)\)\s+= 0$/.exec(call);
    if (sync) {
      const path = fds.get(Number(sync[1]));
      if (path !== undefined) synced.add(path);
      if (swapped && path === join(swapped.to, '..')) parentSynced = true;
      continue;
    }
    const close = /^close\((\d+)\)\s+= 0$/.exec(call);
    if (close) {
      fds.delete(Number(close[1]));
      continue;
    }
    const rename = /^rename\("([^"]+)", "([^"]+)"\)\s+= 0$/.exec(call);
    if (rename && /\.wi-gen-new\./.test(rename[1] as string)) {
      staging = rename[1] as string;
      swapped = { from: staging, to: rename[2] as string };
      for (const path of created) if (!synced.has(path)) problems.push(`not synced before the swap: ${path.slice(staging.length + 1)}`);
      if (!synced.has(staging)) problems.push('staging directory not synced before the swap');
      if (created.size === 0) problems.push('no staged file seen');
    }
  }
  if (!swapped) problems.push('no swap seen');
  else if (!parentSynced) problems.push(`parent directory of ${swapped.to} not synced after the swap`);
  return problems;
}

const strace = hasTool('strace');
const tsx = createRequire(import.meta.url).resolve('tsx');

function traced(argv: readonly string[]): string {
  const log = join(tmpDir('wi-gen-strace-'), 'log');
  // Paths as Node passes them to the kernel: absolute, so the log matches them.
  const r = run('strace', ['-f', '-e', 'trace=openat,fsync,close,rename', '-o', log, ...argv], { cwd: repoRoot, timeoutMs: 60_000 });
  assert.is(r.code, 0, r.stderr);
  return readFileSync(log, 'utf8');
}

/** A tree of `n` files in nested directories, some executable. */
function syntheticTree(n: number): OutputFile[] {
  return Array.from({ length: n }, (_, i) => ({ path: `d${i % 7}/sub${i % 3}/f${i}.txt`, content: `file ${i}\n`.repeat(1 + (i % 5)), ...(i % 4 === 0 ? { executable: true } : {}) }));
}

test('the CLI (files synced on the thread pool) syncs every staged file and the staging tree before the swap', () => {
  if (!strace) {
    console.log('# durability: strace is not installed; the kernel-level check is skipped');
    return;
  }
  const out = join(tmpDir('wi-gen-durable-'), 'out');
  const log = traced([process.execPath, binPath, join(examplesDir, 'gke-multi-workload-migration', 'spec.yaml'), '-o', out, '--quiet']);
  assert.equal(durabilityProblems(log), []);
  // Written again over a tree with an edited file: a replaced tree is synced the same way.
  writeFileSync(join(out, 'README.md'), 'edited\n');
  assert.equal(durabilityProblems(traced([process.execPath, binPath, join(examplesDir, 'gke-multi-workload-migration', 'spec.yaml'), '-o', out, '--quiet'])), []);
});

test('past the syncs kept in flight, and in one pass, every file is synced before the swap', () => {
  if (!strace) {
    console.log('# durability: strace is not installed; the kernel-level check is skipped');
    return;
  }
  const dir = tmpDir('wi-gen-durable-');
  const script = join(dir, 'write.mts');
  // The last file is large, so its sync is still running when the rest of the write is done:
  // a writer that did not wait for it would rename the tree in first.
  writeFileSync(
    script,
    [
      `import { writeTree, writeTreeInParallel } from ${JSON.stringify(join(repoRoot, 'src', 'cli', 'writer.ts'))};`,
      `const [mode, out, count] = process.argv.slice(2);`,
      `const files = Array.from({ length: Number(count) }, (_, i) => ({ path: 'd' + (i % 7) + '/f' + i + '.txt', content: i === Number(count) - 1 ? 'x'.repeat(16 << 20) : 'file ' + i + '\\n' }));`,
      `if (mode === 'parallel') await writeTreeInParallel(out, files); else writeTree(out, files);`,
    ].join('\n'),
  );
  for (const [mode, count] of [['parallel', 40], ['parallel', 150], ['one-pass', 40]] as const) {
    const log = traced([process.execPath, '--import', tsx, script, mode, join(dir, `${mode}-${count}`, 'out'), String(count)]);
    assert.equal(durabilityProblems(log), [], `${mode} ${count}`);
    assert.ok((log.match(/^\d+\s+fsync\(/gm) ?? []).length >= count, `${mode} ${count}`);
  }
});

test('the checker sees a file left unsynced, an unsynced staging tree and a missing parent sync', () => {
  if (!strace) {
    console.log('# durability: strace is not installed; the planted logs are checked without it');
  }
  const open = (fd: number, path: string, create = true) => `10 openat(AT_FDCWD, "${path}", ${create ? 'O_WRONLY|O_CREAT|O_EXCL|O_TRUNC|O_CLOEXEC, 0644' : 'O_RDONLY|O_CLOEXEC'}) = ${fd}`;
  const writeA = [open(18, '/t/.wi-gen-new.1-a.out/a.txt'), '11 fsync(18 <unfinished ...>'];
  const writeB = [open(19, '/t/.wi-gen-new.1-a.out/b.txt'), '12 fsync(19) = 0', '12 close(19) = 0'];
  const aDone = ['11 <... fsync resumed>) = 0', '11 close(18) = 0'];
  const stagingSynced = [open(20, '/t/.wi-gen-new.1-a.out', false), '10 fsync(20) = 0', '10 close(20) = 0'];
  const swap = ['10 rename("/t/.wi-gen-new.1-a.out", "/t/out") = 0'];
  const parentSynced = [open(21, '/t', false), '10 fsync(21) = 0'];
  const log = (...parts: string[][]) => parts.flat().join('\n');
  assert.equal(durabilityProblems(log(writeA, writeB, aDone, stagingSynced, swap, parentSynced)), []);
  // a.txt's sync returns only after the swap: it was not durable when renamed in.
  assert.equal(durabilityProblems(log(writeA, writeB, stagingSynced, swap, aDone, parentSynced)), ['not synced before the swap: a.txt']);
  assert.equal(durabilityProblems(log(writeA, writeB, aDone, swap, parentSynced)), ['staging directory not synced before the swap']);
  assert.equal(durabilityProblems(log(writeA, writeB, aDone, stagingSynced, swap)), ['parent directory of /t/out not synced after the swap']);
});

test('writeTreeInParallel writes what writeTree writes, past the syncs kept in flight and over a previous tree', async () => {
  const files = syntheticTree(150);
  const one = join(tmpDir('wi-gen-durable-'), 'out');
  const parallel = join(tmpDir('wi-gen-durable-'), 'out');
  writeTree(one, files);
  const result = await writeTreeInParallel(parallel, files);
  assert.is(result.written, 150);
  assert.equal(readTree(parallel), readTree(one));
  // Over the tree it wrote, with some files changed and a foreign file kept.
  const changed = files.map((f, i) => (i % 10 === 0 ? { ...f, content: `changed ${i}\n` } : f));
  writeFileSync(join(parallel, 'notes.txt'), 'mine\n');
  writeFileSync(join(one, 'notes.txt'), 'mine\n');
  writeTree(one, changed);
  await writeTreeInParallel(parallel, changed);
  assert.equal(readTree(parallel), readTree(one));
  assert.is(readTree(parallel).get('notes.txt'), 'mine\n');
});

test('writeTreeInParallel: a render that fails half-way changes nothing and leaves no staging tree', async () => {
  const parent = tmpDir('wi-gen-durable-');
  const out = join(parent, 'out');
  const files = syntheticTree(100);
  await writeTreeInParallel(out, files);
  const before = readTree(out);
  function* failing() {
    yield* files.slice(0, 80);
    throw new Error('render failed');
  }
  let message = '';
  await writeTreeInParallel(out, failing()).catch((error: Error) => (message = error.message));
  assert.is(message, 'render failed');
  assert.equal(readTree(out), before);
  assert.equal(run('ls', ['-A', parent]).stdout.split('\n').filter((n) => n.startsWith('.wi-gen-')), []);
});

test.run();
