// -o DIR written as the render makes it (renderTree → writeTree over an iterable): the same bytes
// as render().files, and every guarantee of the writer kept while no whole tree is in memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadSpec } from '../src/spec/load.js';
import { render, renderTree } from '../src/render.js';
import { lineParts, outputFile, withHeader, type OutputFile, type TreeFile } from '../src/format/tree.js';
import { tidyLines } from '../src/emit/readme.js';
import { MANIFEST_FILE, manifestContent, writeTree } from '../src/cli/writer.js';
// @ts-expect-error: plain ESM module without types
import { specText } from '../bench/generate.mjs';
import { exampleNames, examplesDir, readTree } from './support/wi-gen.js';
import { tmpDir } from './support/tools.js';

function loaded(text: string | Buffer, file: string) {
  const l = loadSpec(text, { file });
  if (!l.ok) throw new Error(`${file}: ${JSON.stringify(l.problems)}`);
  return { model: l.model, warnings: l.warnings.map((w) => w.message) };
}

const cases = (): { name: string; text: string | Buffer }[] => [
  ...exampleNames().map((name) => ({ name, text: readFileSync(join(examplesDir, name, 'spec.yaml')) })),
  { name: 'generated-200', text: specText(200) },
];

/** Differences between a tree on disk and the files it should hold (plus wi-gen's manifest): empty when equal. */
function treeDifferences(dir: string, files: readonly OutputFile[]): string[] {
  const expected = new Map(files.map((f) => [f.path, f] as const));
  const actual = readTree(dir);
  const out: string[] = [];
  for (const [path, f] of expected) {
    if (actual.get(path) !== f.content) out.push(`${path}: ${actual.has(path) ? 'other bytes' : 'missing'}`);
    else if (((statSync(join(dir, path)).mode & 0o111) !== 0) !== (f.executable === true)) out.push(`${path}: mode`);
  }
  for (const path of actual.keys()) if (path !== MANIFEST_FILE && !expected.has(path)) out.push(`${path}: not rendered`);
  if (actual.get(MANIFEST_FILE) !== manifestContent(files)) out.push(`${MANIFEST_FILE}: other bytes`);
  return out;
}

const siblingsOf = (dir: string) => readdirSync(dirname(dir)).filter((n) => n.startsWith('.wi-gen-'));

/** Every file under dir with its bytes and inode: what "unchanged" means here. */
function snapshot(dir: string): string[] {
  const tree = readTree(dir);
  return [...tree.keys()].sort().map((p) => `${p} ${statSync(join(dir, p)).ino} ${tree.get(p)?.length} ${tree.get(p)}`);
}

test('the streamed tree is render().files: same files, same bytes, every example and a 200-binding spec', () => {
  for (const { name, text } of cases()) {
    const { model, warnings } = loaded(text, 'spec.yaml');
    const whole = render(model, warnings).files;
    const streamed = [...renderTree(model, warnings)].map(outputFile).sort((a, b) => (a.path < b.path ? -1 : 1));
    assert.equal(streamed, whole, name);
    const dir = join(tmpDir('wi-gen-sw-'), 'out');
    writeTree(dir, renderTree(model, warnings));
    assert.equal(treeDifferences(dir, whole), [], name);
  }
});

test('planted: a stream that drops its last file, or changes one byte, is told apart', () => {
  const { model, warnings } = loaded(specText(20), 'spec.yaml');
  const whole = render(model, warnings).files;
  const dropLast = function* (): Generator<TreeFile> {
    const all = [...renderTree(model, warnings)];
    yield* all.slice(0, -1);
  };
  const dir = join(tmpDir('wi-gen-sw-'), 'out');
  writeTree(dir, dropLast());
  assert.equal(treeDifferences(dir, whole), ['README.md: missing', `${MANIFEST_FILE}: other bytes`]);
  const edited = join(tmpDir('wi-gen-sw-'), 'out');
  writeTree(edited, renderTree(model, warnings));
  writeFileSync(join(edited, 'cloud/gcloud.sh'), readFileSync(join(edited, 'cloud/gcloud.sh'), 'utf8').replace('—', '-'));
  assert.equal(treeDifferences(edited, whole), ['cloud/gcloud.sh: other bytes']);
});

test('tidyLines is join, blank-line runs made one, trimmed, one final newline', () => {
  const tidy = (lines: string[]) => lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
  const samples: string[][] = [
    ['a', '', '', 'b'],
    ['', '', 'a'],
    ['\n\na\n\n\n', '', '\nb\n', '\n'],
    ['x \n\n\n', ' ', '\t', ''],
    ['a\n\n\n\nb', 'c'],
    ['— header', '', 'body', '', '', '', ''],
    [''],
    ['\n\n\n'],
  ];
  // Random lines of letters, spaces and newlines: the exact runs the README makes and more.
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let n = 0; n < 300; n++) samples.push(Array.from({ length: next() % 8 }, () => Array.from({ length: next() % 6 }, () => 'a \n\n—'[next() % 5]).join('')));
  for (const lines of samples) assert.is(tidyLines(lines).join(''), tidy(lines), JSON.stringify(lines));
  // planted: a tidy that forgets the trailing trim is caught by the same comparison
  assert.is.not(tidyLines(['a', '', '', '']).join(''), `${['a', '', '', ''].join('\n').replace(/\n{3,}/g, '\n\n')}\n`);
});

const files = (...paths: string[]) => paths.map((path) => ({ path, content: `${path}\n` }));

test('a render that throws after some files were made leaves DIR as it was and no staging tree', () => {
  const dir = join(tmpDir('wi-gen-sw-'), 'out');
  writeTree(dir, files('a.yaml', 'sub/b.yaml'));
  writeFileSync(join(dir, 'NOTES.md'), 'mine\n');
  const before = snapshot(dir);
  let stagedWhileRendering: string[] = [];
  const failing = function* (): Generator<OutputFile> {
    yield { path: 'a.yaml', content: 'changed\n' }; // differs: the staging tree starts here
    yield { path: 'new.yaml', content: 'new\n' };
    stagedWhileRendering = siblingsOf(dir);
    throw new Error('render failed half-way');
  };
  assert.throws(() => writeTree(dir, failing), /render failed half-way/);
  assert.ok(stagedWhileRendering.some((n) => n.startsWith('.wi-gen-new.')), 'the files before the error were staged');
  assert.equal(snapshot(dir), before);
  assert.equal(siblingsOf(dir), [], 'staging tree and lock removed');
  // The same with no DIR yet: nothing is made.
  const fresh = join(tmpDir('wi-gen-sw-'), 'out');
  assert.throws(() => writeTree(fresh, failing), /render failed half-way/);
  assert.ok(!existsSync(fresh));
  assert.equal(siblingsOf(fresh), []);
});

test('an unchanged re-render stages nothing; a change in the last file stages then, linking the unchanged ones', () => {
  const { model, warnings } = loaded(specText(30), 'spec.yaml');
  const dir = join(tmpDir('wi-gen-sw-'), 'out');
  writeTree(dir, renderTree(model, warnings));
  const before = snapshot(dir);
  const dirIno = statSync(dir).ino;
  let stagedAtEnd: string[] | undefined;
  const watched = function* (tree: Iterable<TreeFile>, last?: (f: TreeFile) => TreeFile): Generator<TreeFile> {
    const all = [...tree];
    for (const [i, f] of all.entries()) yield i === all.length - 1 && last ? last(f) : f;
    stagedAtEnd = siblingsOf(dir).filter((n) => n.startsWith('.wi-gen-new.'));
  };
  writeTree(dir, watched(renderTree(model, warnings)));
  assert.equal(stagedAtEnd, [], 'no staging tree while every file was the same');
  assert.equal(snapshot(dir), before);
  assert.is(statSync(dir).ino, dirIno, 'DIR itself was not swapped');

  const changeLast = (f: TreeFile): TreeFile => ({ ...f, parts: [...f.parts, 'one more line\n'] });
  const lastPath = [...renderTree(model, warnings)].at(-1)?.path as string;
  writeTree(dir, watched(renderTree(model, warnings), changeLast));
  assert.is(stagedAtEnd?.length, 1, 'staged from the first changed file');
  assert.match(readFileSync(join(dir, lastPath), 'utf8'), /one more line\n$/);
  const inodes = new Map(before.map((l) => [l.split(' ')[0], l.split(' ')[1]] as const));
  for (const line of snapshot(dir)) {
    const [path, ino] = line.split(' ');
    if (path === lastPath || path === MANIFEST_FILE) continue;
    assert.is(ino, inodes.get(path as string), `${path}: unchanged, hard-linked into the new tree`);
  }
});

test('a foreign file in the way is refused with nothing changed, found after the stream ended', () => {
  const { model, warnings } = loaded(specText(10), 'spec.yaml');
  const dir = join(tmpDir('wi-gen-sw-'), 'out');
  writeTree(dir, renderTree(model, warnings));
  // README.md is the last file the render makes: in the way only once the whole stream was seen.
  const manifest = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
  writeFileSync(join(dir, MANIFEST_FILE), manifest.replace('README.md\n', ''));
  writeFileSync(join(dir, 'README.md'), 'my own notes\n');
  const before = snapshot(dir);
  const refused = (force: boolean) => {
    try {
      writeTree(dir, renderTree(model, warnings), { force });
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
  assert.match(refused(false) ?? '', /refusing to overwrite 1 file\(s\) in .* that wi-gen did not write: README\.md \(move them away, or pass --force\)/);
  assert.equal(snapshot(dir), before);
  assert.equal(siblingsOf(dir), []);
  // planted: with the check skipped (--force), the same assertions fail: the file is replaced.
  assert.is(refused(true), undefined);
  assert.is.not(readFileSync(join(dir, 'README.md'), 'utf8'), 'my own notes\n');
});

test('an unchanged file edited in DIR between its comparison and the staging stops the write; the edit is kept', () => {
  const dir = join(tmpDir('wi-gen-sw-'), 'out');
  writeTree(dir, files('a.yaml', 'b.yaml'));
  const edited = function* (): Generator<OutputFile> {
    yield { path: 'a.yaml', content: 'a.yaml\n' }; // the same: waits, not yet staged
    writeFileSync(join(dir, 'a.yaml'), 'edited by hand\n'); // another program, not a wi-gen
    yield { path: 'b.yaml', content: 'changed\n' }; // the first change: staging starts, a.yaml is no longer what was compared
  };
  assert.throws(() => writeTree(dir, edited()), /a\.yaml changed while wi-gen was writing .*; nothing was changed, run again/);
  assert.is(readFileSync(join(dir, 'a.yaml'), 'utf8'), 'edited by hand\n');
  assert.is(readFileSync(join(dir, 'b.yaml'), 'utf8'), 'b.yaml\n');
  assert.equal(siblingsOf(dir), []);
});

test('a stream that names one path twice, or an unsafe path, fails before the swap', () => {
  const dir = join(tmpDir('wi-gen-sw-'), 'out');
  writeTree(dir, files('a.yaml'));
  const before = snapshot(dir);
  const twice = function* (): Generator<OutputFile> {
    yield* files('b.yaml', 'c.yaml', 'b.yaml');
  };
  assert.throws(() => writeTree(dir, twice()), /"b\.yaml" was rendered twice/);
  const unsafe = function* (): Generator<OutputFile> {
    yield* files('b.yaml', '../escape.yaml');
  };
  assert.throws(() => writeTree(dir, unsafe()), /unsafe output path/);
  assert.equal(snapshot(dir), before);
  assert.equal(siblingsOf(dir), []);
});

test('a file in many parts, small and large, with multi-byte characters across chunk edges, is written byte for byte and then found unchanged', () => {
  const rnd = (() => {
    let x = 7;
    return () => (x = (x * 48271) % 2147483647) / 2147483647;
  })();
  const alphabet = ['a', 'é', '—', '\u{1F600}', '\n', 'z'];
  const piece = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
  // Sizes around the writer's chunk (16,384 UTF-16 units, 48 KiB): many small parts, parts that
  // just fit or just overflow what is left, and parts of several chunks.
  const sizes = [1, 5, 80, 16_000, 16_383, 16_384, 16_385, 40_000, 3, 49_151, 2, 70_000, 1, 1];
  // And parts of 3- and 4-byte characters only, where what fits in units does not fit in bytes.
  const dense = ['—'.repeat(10_000), '—'.repeat(10_000), '\u{1F600}'.repeat(6_000), 'a'.repeat(49_152), '—'.repeat(16_384), 'x'];
  for (let round = 0; round < 4; round++) {
    const parts = round === 3 ? dense : sizes.map((n) => piece(n + round));
    const file: TreeFile = { path: 'notes/big.md', parts };
    const dir = join(tmpDir('wi-gen-sw-'), 'out');
    writeTree(dir, [file, { path: 'small.txt', parts: ['a', 'b', 'c\n'] }]);
    assert.is(readFileSync(join(dir, 'notes', 'big.md'), 'utf8'), parts.join(''), `round ${round}`);
    assert.is(readFileSync(join(dir, 'small.txt'), 'utf8'), 'abc\n');
    const before = snapshot(dir);
    writeTree(dir, [file, { path: 'small.txt', parts: ['a', 'b', 'c\n'] }]);
    assert.equal(snapshot(dir), before, 'an unchanged re-render leaves the files as they are');
    // One character changed at the end of the last part is seen.
    writeTree(dir, [{ ...file, parts: [...parts.slice(0, -1), 'Z'] }, { path: 'small.txt', parts: ['a', 'b', 'c\n'] }]);
    assert.is(readFileSync(join(dir, 'notes', 'big.md'), 'utf8'), [...parts.slice(0, -1), 'Z'].join(''));
  }
});

/** The parts as a generator that can be read once, counting how often it was started. */
function once(parts: readonly string[], started: { count: number }, during?: (index: number) => void): Iterable<string> {
  return {
    *[Symbol.iterator]() {
      started.count++;
      for (const [i, p] of parts.entries()) {
        during?.(i);
        yield p;
      }
    },
  };
}

test('parts made as they are read are read once: an equal file is left as it is, one that differs anywhere is written whole', () => {
  const line = (i: number) => `line ${i} ${'x'.repeat(i % 97)}\n`;
  const base = Array.from({ length: 4_000 }, (_, i) => line(i)); // about 230 KB: several chunks
  const dir = join(tmpDir('wi-gen-sw-'), 'out');
  const write = (parts: readonly string[]) => {
    const started = { count: 0 };
    writeTree(dir, [{ path: 'big.txt', parts: once(parts, started) }, { path: 'small.txt', parts: once(['a\n'], started) }]);
    assert.is(started.count, 2, "each file's parts are read once");
    assert.is(readFileSync(join(dir, 'big.txt'), 'utf8'), parts.join(''));
  };
  write(base);
  const before = snapshot(dir);
  write(base);
  assert.equal(snapshot(dir), before, 'an unchanged re-render leaves the files as they are');
  // A difference in the first chunk, in a middle one, in the last byte; longer and shorter texts; empty.
  const variants: [string, string[]][] = [
    ['first byte', ['L', ...base.slice(0).map((p, i) => (i === 0 ? p.slice(1) : p))]],
    ['middle', base.map((p, i) => (i === 2_000 ? p.toUpperCase() : p))],
    ['last byte', [...base.slice(0, -1), 'Z']],
    ['longer', [...base, 'one more line\n']],
    ['shorter', base.slice(0, -1)],
    ['a prefix', base.slice(0, 10)],
    ['empty', []],
    ['back', base],
  ];
  for (const [name, parts] of variants) {
    write(parts);
    assert.is.not(statSync(join(dir, 'big.txt')).ino, Number(before[0]?.split(' ')[1]), name);
    assert.equal(siblingsOf(dir), [], name);
  }
});

test('a file that changes while its parts are compared with it stops the write, and nothing is changed', () => {
  const dir = join(tmpDir('wi-gen-sw-'), 'out');
  const parts = Array.from({ length: 3_000 }, (_, i) => `line ${i} ${'y'.repeat(60)}\n`);
  writeTree(dir, [{ path: 'big.txt', parts }]);
  const before = snapshot(dir);
  // The text differs at its end, so the bytes compared so far are copied from the file after it changed.
  const changed = [...parts.slice(0, -1), 'the end\n'];
  const edit = (i: number) => {
    if (i === 2_000) writeFileSync(join(dir, 'big.txt'), parts.join('').replace('line 1 ', 'LINE 1 '));
  };
  const started = { count: 0 };
  assert.throws(() => writeTree(dir, [{ path: 'big.txt', parts: once(changed, started, edit) }]), /big\.txt changed while wi-gen was writing/);
  const after = snapshot(dir);
  assert.is(after.length, before.length);
  assert.is(readFileSync(join(dir, 'big.txt'), 'utf8'), parts.join('').replace('line 1 ', 'LINE 1 '), 'the file holds the edit, not a mix of it and the render');
  assert.equal(siblingsOf(dir), []);
});

test("a render that fails inside a file's parts changes nothing", () => {
  const dir = join(tmpDir('wi-gen-sw-'), 'out');
  const parts = Array.from({ length: 3_000 }, (_, i) => `line ${i} ${'z'.repeat(60)}\n`);
  writeTree(dir, [{ path: 'a.txt', parts: ['a\n'] }, { path: 'big.txt', parts }]);
  const before = snapshot(dir);
  const failing = function* (): Generator<string> {
    yield* parts.slice(0, 1_500);
    yield 'changed here\n';
    throw new Error('a bug in an emitter');
  };
  assert.throws(() => writeTree(dir, [{ path: 'a.txt', parts: ['b\n'] }, { path: 'big.txt', parts: failing() }]), /a bug in an emitter/);
  assert.equal(snapshot(dir), before);
  assert.equal(siblingsOf(dir), []);
});

test('lines made into parts a batch at a time: each line and its newline, never the whole text in one part', () => {
  for (const n of [1, 2, 255, 256, 257, 513]) {
    const lines = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? '' : `line ${i}`));
    const parts = [...lineParts(lines)];
    assert.is(parts.join(''), `${lines.join('\n')}\n`, `${n} lines`);
    assert.is(parts.length, Math.ceil(n / 256), `${n} lines`);
  }
  assert.equal([...lineParts([])], []);
  assert.equal([...withHeader('# head\n', lineParts(['a', 'b']))], ['# head\n', 'a\nb\n']);
});

test.run();
