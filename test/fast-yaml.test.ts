// src/spec/fast-yaml.ts reads the YAML subset specs are written in without the `yaml` library's
// syntax tree; loadSpec uses it only for specs without errors (a spec that only warns is read again
// with positions noted, to place the warnings where the Document would). Its contract: for every input, either
// `undefined` ("not sure") or exactly the library's value (numbers stay numbers, -0 stays -0,
// NaN stays NaN). These tests hold it to that contract on every spec the
// project has, restyled and mutated, on a few hundred generated documents and on hand-written
// edge cases; they check that loadSpec gives identical results with the fast path on and off,
// and that the fast path is actually taken for the examples and the benchmark's specs. The
// positions it notes must be the library's node starts for every path (see "Positions" below).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { isMap, isScalar, isSeq, LineCounter, parse, parseAllDocuments, stringify, type Document, type ToStringOptions } from 'yaml';
import { readSimpleYaml, ValuePositions } from '../src/spec/fast-yaml.js';
import { fastPath, loadSpec, type LoadResult } from '../src/spec/load.js';
import { SHAPES, SHORTEST_SECRET, holdsSecretShape } from '../src/spec/secret-values.js';
import { holdsPlaceholder } from '../src/spec/placeholders.js';
import { specMatrix } from './support/spec-matrix.js';
import { repoRoot } from './support/wi-gen.js';
// @ts-expect-error: plain ESM module without types
import { specText } from '../bench/generate.mjs';

type Reader = (text: string) => unknown;

/** What the library reads (YAML 1.2, core schema, as loadSpec asks for it), or ERROR for anything it complains about. */
const ERROR = Symbol('yaml error');
function reference(text: string): unknown {
  const docs = parseAllDocuments(text, { version: '1.2', prettyErrors: false, logLevel: 'silent' });
  if (!Array.isArray(docs) || docs.length !== 1) return ERROR;
  const doc = docs[0]!;
  if (doc.errors.length > 0) return ERROR;
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch {
    return ERROR;
  }
}

/** Why `reader` breaks the contract on `text`, or undefined when it keeps it. */
function violation(reader: Reader, text: string): string | undefined {
  const fast = reader(text);
  if (fast === undefined) return undefined;
  const expected = reference(text);
  if (expected === ERROR) return `the library refuses ${JSON.stringify(text)}, the reader read ${show(fast)}`;
  if (!isDeepStrictEqual(fast, expected)) return `${JSON.stringify(text)}: reader ${show(fast)}, library ${show(expected)}`;
  return undefined;
}

const show = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : Object.is(x, -0) ? '-0' : x));

/** Checks every text; returns the violations and how many texts the reader accepted. */
function check(reader: Reader, texts: Iterable<string>): { violations: string[]; accepted: number; total: number } {
  const violations: string[] = [];
  let accepted = 0;
  let total = 0;
  for (const text of texts) {
    total++;
    const v = violation(reader, text);
    if (v) violations.push(v);
    else if (reader(text) !== undefined) accepted++;
  }
  return { violations, accepted, total };
}

// ---------------------------------------------------------------------------------------------
// The corpus: every spec of the project, in several styles and with line-level mutations.

const matrixTexts = specMatrix().map((s) => s.text);
const rawTemplates = readdirSync(join(repoRoot, 'templates'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join(repoRoot, 'templates', f), 'utf8'));
const benchFlow = [specText(1), specText(30)] as string[];

/** The library's own writer in styles a person might use: block, flow, quoted, zero-indented sequences. */
const STYLES: readonly ToStringOptions[] = [
  { lineWidth: 0 },
  { lineWidth: 0, indentSeq: false },
  { lineWidth: 0, indent: 4 },
  { lineWidth: 0, collectionStyle: 'flow' },
  { lineWidth: 0, collectionStyle: 'flow', flowCollectionPadding: false },
  { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' },
  { lineWidth: 0, defaultStringType: 'QUOTE_SINGLE' },
  { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'QUOTE_DOUBLE', indentSeq: false },
];
const restyle = (text: string): string[] => STYLES.map((o) => stringify(parse(text, { version: '1.2' }), { version: '1.2', ...o }));

/** Line-level edits that keep the meaning (or should): CRLF, BOM, trailing spaces, comments, blank lines, `---`. */
function mutations(text: string): string[] {
  const lines = text.split('\n');
  const valueLine = (l: string) => /:\s+[^\s#[{'"|>]/.test(l) && !l.trimStart().startsWith('#');
  return [
    text.replace(/\n/g, '\r\n'),
    `\ufeff${text}`,
    lines.map((l) => (l === '' ? l : `${l}   `)).join('\n'),
    lines.map((l) => (valueLine(l) ? `${l} # a comment: with [brackets], {braces} and 'quotes'` : l)).join('\n'),
    lines.map((l) => (valueLine(l) ? `${l}#not a comment` : l)).join('\n'),
    lines.flatMap((l) => [l, '', '   ', '  # interleaved comment']).join('\n'),
    `--- # start\n${text}`,
    `# head\n---\n${text}`,
    lines.map((l) => l.replace(/^(\s*(?:- )?[A-Za-z]+):\s/, '$1:')).join('\n'), // `key:value`: a plain scalar, not a pair
    lines.map((l) => l.replace(/^(\s*)- /, '$1-   ')).join('\n'),
    text.trimEnd(), // no final newline
    `${text}\n\n\n`,
  ];
}

/** Block-style rewrite of the benchmark spec, as a person would write it. */
const benchBlock = benchFlow.map((t) => stringify(parse(t), { lineWidth: 0 }));

const projectSpecs = [...matrixTexts, ...rawTemplates, ...benchFlow, ...benchBlock];

// ---------------------------------------------------------------------------------------------
// Scalars and structures: each tricky scalar in every position, plain and quoted.

const SCALARS = [
  '0755', '010', '1e3', '1E+3', '1e', '.5', '-.5', '+.5', '5.', '.', '0x1F', '0x1g', '0X1F', '0o17', '0o8', '0o', '+1', '-1', '+0', '-0', '0', '-0.0',
  '1_000', '12345678901234567890', '0.1e-2', '1.5e+300', '1e400', '-.inf', '.inf', '+.Inf', '.INF', '.nan', '.NaN', '.NAN', '-.nan', 'nan', 'inf',
  '~', '~x', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n',
  '2001-12-14', '1:20', 'a:b', 'a#b', 'a #b', 'http://x.example:80/y?q=1#frag', 'apps/v1', 'roles/storage.objectViewer', 'serviceAccount:p.svc.id.goog[ns/sa]',
  'é', '日本', '😀', 'a b', 'x  y', '-x', '--flag=1', '-', '--', '---', '---x', '...', '...x', 'key:value', 'key: value', 'a:', 'a: b: c',
  '@x', '`x', '%x', '!x', '!!str x', '&a x', '*a', '|', '>', '?x', '? x', ':x', ': x', '[x', 'x]', '{x', 'x}', 'x,y', 'a, b', 'a [b]', 'x {y}',
  '00000000-0000-0000-0000-000000000000', '1-2', '1+2', '12-', '1e-5', '1E+5', '-1e-5', '+.5e-3', '1e-', '1.0e+-1', '0x1-', '-+1', '8f2c1a', '2001-12-14t21:59:43',
  'x "y"', "it's", '"q"', "'q'", 'a\\b', '<TOKEN>', '<NOT_FILLED>', '#x', 'x#', '= x', '<<', '__proto__', 'constructor', 'toString',
];
const quoteDouble = (s: string) => JSON.stringify(s);
const quoteSingle = (s: string) => `'${s.replace(/'/g, "''")}'`;

function scalarCases(s: string): string[] {
  const forms = [s, quoteDouble(s), quoteSingle(s)];
  return forms.flatMap((f) => [
    `k: ${f}\n`, `k: ${f} # c\n`, `k: ${f}   \n`, `k:${f}\n`, `k:\n  ${f}\n`, `- ${f}\n- z\n`, `k:\n- ${f}\n`, `k:\n  - ${f}\n  - z\n`,
    `{k: ${f}}\n`, `[${f}]\n`, `[${f}, z]\n`, `k: [${f}, z]\n`, `k: {a: ${f}, b: z}\n`, `k: {a:${f}}\n`,
    `${f}: v\n`, `- ${f}: v\n  b: w\n`, `{${f}: v}\n`, `k:\n  ${f}: v\n  o: w\n`, `${f}:\n  - v\n`,
  ]);
}

const STRUCTURES = [
  'a:\n- x\n- y\n', 'a:\n  - x\n  - y\nb: 1\n', '- - nested\n  - b\n- c\n', '- - - deep\n', '- k: v\n  k2: v2\n- k: w\n',
  '- k:\n  - x\n  k2: y\n', '- k:\n    - x\n', 'a:\n  b:\n    c: 1\n  d: 2\ne: 3\n', 'a: [x,\n  y]\n', 'a: [x,\n y, # c\n  z]\n', 'a: {\n  b: 1\n}\n',
  'a: {\n  b: 1\n  }\n', 'a: [\n]\n', '[a,\nb]\n', '{a: 1,\n b: 2}\n', 'a: []\n', 'a: {}\n', 'a: [ ]\n', 'a: { }\n', 'a: [a, b,]\n', 'a: {b: 1,}\n',
  'a: [a, , b]\n', 'a: [,]\n', 'a: {b: }\n', 'a: {b}\n', 'a: {b: 1 c: 2}\n', 'a: {"b":1}\n', "a: {'b':1}\n", 'a: {b:1}\n', 'a: [b:c]\n', 'a: [b: c]\n',
  'a: {b: [1, {c: d}]}\n', 'a: [[], {}, [[]]]\n', 'a:\n\n  b: 1\n', 'a: 1\n\n\nb: 2\n', '# c\n---\na: 1\n', '--- # c\na: 1\n', '---\na: 1\n', '--- a: 1\n',
  '---\n---\n', 'a: 1\n...\n', 'a: 1\n---\nb: 2\n', 'a: b\n  c\n', 'a:\n  b\n  c\n', '- a\n  b\n', 'a: "x\n  y"\n', "a: 'x\n", 'a: "x\n',
  '"a" : 1\n', "'a': 1\n", 'a : 1\n', 'a  :   1  \n', ' a: 1\n', '  a: 1\n  b: 2\n', 'a: 1\n b: 2\n', 'a:\n  b: 1\n c: 2\n', '-\n- a\n', '- \n- a\n',
  'a:\n-\n', 'a:\n-\nb: 1\n', 'a: -\n', 'a: - b\n', '- a: b: c\n', 'a: b: c\n', 'a:b: c\n', 'a: b:\n', ': a\n', '? a\n', '? a\n: b\n',
  'a: |\n  x\n', 'a: >\n  x\n', 'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: !x 1\n', '%YAML 1.2\n---\na: 1\n', 'a:\tb\n', '\ta: 1\n', 'a: 1\na: 2\n',
  'a: 1\n"a": 2\n', '{a: 1, a: 2}\n', '1: a\n', 'null: a\n', '~: a\n', 'true: a\n', '"1": a\n', '__proto__: a\n', '<<: {a: 1}\n', 'a: x#c\n',
  'a: x #c\n', 'a # c: 1\n', "a: 'x' y\n", 'a: "x" "y"\n', 'a: "x"#c\n', 'a: [x]#c\n', 'a: [x] #c\n', 'a: {b: c}: d\n', '[a]: b\n', '{a: b}: c\n',
  `a: ${'[' .repeat(40)}${']'.repeat(40)}\n`, `a: ${'[' .repeat(20)}${']'.repeat(20)}\n`, `x: ${'a'.repeat(3000)}\n`, `${'k'.repeat(1100)}: v\n`, `${'k'.repeat(990)}: v\n`,
  'a: "\\x41\\u00e9\\U0001F600\\n\\"\\\\\\/\\0\\ \\N\\_\\L\\P\\e\\a\\b\\f\\r\\v"\n', 'a: "\\q"\n', 'a: "\\x4"\n', 'a: "\\uD800"\n', 'a: "\\U00110000"\n', 'a: "x\\\n  y"\n',
  "a: 'it''s'\n", "a: ''\n", 'a: ""\n', "a: ' x '\n", 'a: " x "\n', 'a: "\t"\n', 'a: 1\r\nb: 2\r\n', 'a: 1\rb: 2\n', '\ufeffa: 1\n', 'a: 1\n\ufeff', 'a: \u0000\n',
  'a: \u0085\n', 'a: b\u00a0\n', 'a: b\u2028c\n', 'a: \ud800\n', 'a: \udc00x\n', 'a\n', 'a: 1\nb\n', '', '# only\n', 'a: 1 # c\n# d\n', '- [a, b]\n- {c: d}\n',
  'a[0]: x\n', 'a{b}: c\n', 'a,b: c\n', 'a]: b\n', 'a: b]\n', 'a: b}, c\n', 'a: [b]c\n', 'a: {b: c}d\n', '- a, b\n', "a: b'c\n", 'a: b"c"\n',
  '- [a,\n  b]\n', '-   a\n-   b\n', 'a:\n    - x\n    -   y: 1\n        z: 2\n', 'a:   # c\n  b: 1\n', 'a:\n  # c\n  b: 1\n', 'a:\n# c\n  b: 1\n', '- # c\n  a\n',
];

/** Random documents in the library's styles: maps, lists and tricky leaves, keys always strings. */
const leaf = fc.oneof(
  fc.constantFrom(...SCALARS),
  fc.string({ maxLength: 10 }),
  fc.stringMatching(/^[a-z0-9][a-z0-9.:/@=+ -]{0,15}$/),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constant(null),
);
const { doc } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('map'), tie('list')),
  map: fc.dictionary(fc.oneof(fc.constantFrom(...SCALARS), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_.-]{0,10}$/)), tie('value'), { maxKeys: 5 }),
  list: fc.array(tie('value'), { maxLength: 4 }),
  doc: fc.oneof(tie('map'), tie('list')),
}));
const generated: string[] = fc
  .sample(fc.tuple(doc, fc.constantFrom(...STYLES)), { numRuns: 300, seed: 17 })
  .map(([value, style]) => stringify(value, { version: '1.2', ...style }));

// ---------------------------------------------------------------------------------------------

test('the reader keeps the contract on every project spec, restyled and mutated', () => {
  const texts = projectSpecs.flatMap((t) => [t, ...restyle(t), ...mutations(t)]);
  const r = check(readSimpleYaml, texts);
  assert.equal(r.violations, [], r.violations.join('\n'));
  // Honest coverage: the specs as written (not their mutations) are inside the subset, except the
  // generated matrix specs the library wrote with anchors for repeated objects (`acme: &a1`).
  const unread = projectSpecs.filter((t) => readSimpleYaml(t) === undefined && !/: &a\d+\n/.test(t));
  assert.equal(unread.length, 0, `not read: ${unread.map((t) => t.slice(0, 80)).join('\n')}`);
  assert.ok(r.accepted > r.total / 2, `read ${r.accepted} of ${r.total}`);
});

test('the reader keeps the contract on tricky scalars in every position, plain and quoted', () => {
  const r = check(readSimpleYaml, SCALARS.flatMap(scalarCases));
  assert.equal(r.violations, [], r.violations.join('\n'));
  assert.ok(r.accepted > r.total / 3, `read ${r.accepted} of ${r.total}`);
});

test('the reader keeps the contract on structural edge cases', () => {
  const r = check(readSimpleYaml, [...STRUCTURES, ...STRUCTURES.map((t) => t.replace(/\n/g, '\r\n'))]);
  assert.equal(r.violations, [], r.violations.join('\n'));
});

test('the reader keeps the contract on 300 generated documents in eight styles', () => {
  const r = check(readSimpleYaml, generated);
  assert.equal(r.violations, [], r.violations.join('\n'));
  assert.ok(r.accepted > r.total / 2, `read ${r.accepted} of ${r.total}`);
});

/** Seeded (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('the reader keeps the contract on 3,000 inputs mutated a character at a time', () => {
  const next = random(12);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const PIECES = [':', '-', ' ', '#', "'", '"', '[', ']', '{', '}', ',', '\n', '\n  ', '\n- ', '0', '.', 'e', '?', '\\', '~', '\r\n', ': ', ' #', '---'];
  const seeds = [...STRUCTURES, ...matrixTexts.slice(0, 8).map((t) => t.slice(0, 500)), ...benchFlow.map((t) => t.slice(0, 500))];
  const texts: string[] = [];
  for (let k = 0; k < 3000; k++) {
    let t = pick(seeds);
    for (let e = 1 + Math.floor(next() * 3); e > 0; e--) {
      const at = Math.floor(next() * (t.length + 1));
      const r = next();
      t = r < 0.5 ? t.slice(0, at) + pick(PIECES) + t.slice(at) : r < 0.8 ? t.slice(0, at) + t.slice(at + 1) : t.slice(0, at) + pick(PIECES) + t.slice(at + 1);
    }
    texts.push(t);
  }
  const r = check(readSimpleYaml, texts);
  assert.equal(r.violations, [], r.violations.join('\n'));
  assert.ok(r.accepted > 300, `read ${r.accepted} of ${r.total}`);
});

test('numbers-like strings resolve as the core schema says: types included', () => {
  const read = (s: string) => (readSimpleYaml(`k: ${s}\n`) as { k: unknown }).k;
  assert.ok(Object.is(read('-0'), -0));
  assert.ok(Number.isNaN(read('.nan')));
  assert.is(read('-.inf'), Number.NEGATIVE_INFINITY);
  assert.is(read('0755'), 755);
  assert.is(read('0o17'), 15);
  assert.is(read('0x1F'), 31);
  assert.is(read('1e3'), 1000);
  assert.is(read('.5'), 0.5);
  assert.is(read('+1'), 1);
  assert.is(read('~'), null);
  assert.is(read('True'), true);
  for (const s of ['yes', 'on', 'off', '0X1F', '1_000', '0o8', 'nan', '2001-12-14', '1:20']) assert.is(read(s), s);
  assert.is(read('"0755"'), '0755');
  assert.is(read("'1e3'"), '1e3');
});

test('planted: out-of-subset inputs the library reads fine are refused (undefined), not misread', () => {
  const planted = {
    anchor: 'a: &x 1\nb: 2\n',
    alias: 'a: &x 1\nb: *x\n',
    tag: 'a: !!str 1\n',
    'local tag': 'a: !thing 1\n',
    'literal block scalar': 'a: |\n  x\n',
    'folded block scalar': 'a: >\n  x\n',
    'duplicate key': 'a: 1\na: 2\n',
    'second document': 'a: 1\n---\nb: 2\n',
    'tab indentation': 'a:\n\tb: 1\n',
    'multi-line plain scalar': 'a: one\n  two\n',
    'multi-line quoted scalar': 'a: "one\n  two"\n',
    '? key': '? a\n: b\n',
    directive: '%YAML 1.2\n---\na: 1\n',
    'number key': '1: a\n',
    '__proto__ key': '__proto__: a\n',
    'too deep': `a: ${'['.repeat(40)}${']'.repeat(40)}\n`,
  };
  for (const [what, text] of Object.entries(planted)) {
    assert.is(readSimpleYaml(text), undefined, what);
    // The refusal is the reader's choice: duplicates, tabs and extra documents aside, the library reads these.
    if (!['duplicate key', 'second document', 'tab indentation'].includes(what)) assert.is.not(reference(text), ERROR, what);
  }
});

test('planted: the contract check catches a reader that misreads (YAML 1.1 rules, a dropped number type)', () => {
  const yaml11: Reader = (t) => parse(t, { version: '1.1' });
  const caught = check(yaml11, ['k: yes\n', 'k: 0755\n', 'k: on\n']);
  assert.equal(caught.violations.length, 3, caught.violations.join('\n'));
  const stringly: Reader = (t) => JSON.parse(JSON.stringify(readSimpleYaml(t) ?? null, (_k, v) => (typeof v === 'number' ? String(v) : v)));
  assert.equal(check(stringly, ['k: 1\n']).violations.length, 1);
  const lenient: Reader = (t) => parse(t, { uniqueKeys: false });
  assert.equal(check(lenient, ['a: 1\na: 2\n']).violations.length, 1, 'a value the library refuses counts too');
  const zeroBlind: Reader = (t) => JSON.parse(JSON.stringify(readSimpleYaml(t)));
  assert.equal(check(zeroBlind, ['k: -0\n']).violations.length, 1, '-0 and 0 differ');
});

// ---------------------------------------------------------------------------------------------

function loadBoth(text: string | Uint8Array): { fast: LoadResult; slow: LoadResult; used: boolean } {
  const fast = loadSpec(text, { file: 'dir/spec.yaml' });
  const used = fastPath.lastUsed;
  fastPath.enabled = false;
  try {
    const slow = loadSpec(text, { file: 'dir/spec.yaml' });
    assert.not.ok(fastPath.lastUsed);
    return { fast, slow, used };
  } finally {
    fastPath.enabled = true;
  }
}

test('loadSpec gives identical results with the fast path on and off', () => {
  const texts = [...projectSpecs, ...projectSpecs.flatMap(restyle), ...matrixTexts.slice(0, 12).flatMap(mutations)];
  // Edits that make specs wrong in ways that need positions: every one must fall back and agree.
  const spec0 = matrixTexts[0] as string;
  texts.push(
    spec0.replace(/name: (\S+)/, 'name: 0755'),
    spec0.replace(/name: (\S+)/, 'name: <FILL_ME>'),
    spec0.replace(/name: (\S+)/, 'name: AKIAIOSFODNN7EXAMPLE'),
    spec0.replace(/name: (\S+)/, 'name: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
    spec0.replace(/kind: \S+/, 'kind: Other'),
    `${spec0}unknownField: 1\n`,
  );
  // Free text the schema accepts, so only the placeholder and secret checks stop the fast path.
  const certManager = readFileSync(join(repoRoot, 'examples', 'gke-cert-manager', 'spec.yaml'), 'utf8');
  const freeText = 'displayName: cert-manager DNS-01 solver';
  assert.ok(certManager.includes(freeText));
  const planted = [
    certManager.replace(freeText, 'displayName: solver <FILL_ME> here'),
    certManager.replace(freeText, 'displayName: "solver \\x3CFILL_ME>"'), // the token only after unescaping
    certManager.replace(freeText, 'displayName: solver AKIAIOSFODNN7EXAMPLE'),
    certManager.replace(freeText, 'displayName: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
  ];
  for (const text of planted) {
    const r = loadBoth(text);
    assert.not.ok(r.used, text);
    assert.ok(!r.slow.ok || r.slow.warnings.length > 0, 'the positioned path reports it');
  }
  texts.push(...planted);
  let used = 0;
  for (const text of texts) {
    const r = loadBoth(text);
    if (r.used) used++;
    if (!isDeepStrictEqual(r.fast, r.slow)) assert.unreachable(`differs for:\n${text.slice(0, 400)}\nfast ok: ${r.fast.ok}, slow ok: ${r.slow.ok}`);
  }
  assert.ok(used > texts.length / 3, `fast path taken for ${used} of ${texts.length}`);
});

test('the fast path is taken for every example (warned ones too) and for the benchmark specs, flow and block', () => {
  for (const name of readdirSync(join(repoRoot, 'examples')).sort()) {
    let text: string;
    try {
      text = readFileSync(join(repoRoot, 'examples', name, 'spec.yaml'), 'utf8');
    } catch {
      continue;
    }
    const result = loadSpec(text, { file: 'spec.yaml' });
    assert.ok(result.ok, name);
    assert.ok(fastPath.lastUsed, name);
  }
  for (const text of [specText(1000) as string, stringify(parse(specText(1000)), { lineWidth: 0 })]) {
    assert.ok(loadSpec(text, { file: 'spec.yaml' }).ok);
    assert.ok(fastPath.lastUsed);
  }
});

// The shortest string each shape matches, in SHAPES order; a new shape needs its own line here.
const SHORTEST_MATCHES = [
  '-----BEGIN PRIVATE KEY-----',
  `eyJ${'a'.repeat(8)}.eyJ${'b'.repeat(8)}.${'c'.repeat(16)}`,
  `abc1Q~${'d'.repeat(31)}`,
  `AKIA${'A'.repeat(16)}`,
  `${'aA1'.repeat(13)}x`,
];

test('secret shapes: none matches fewer than SHORTEST_SECRET characters (the length short cut is exact)', () => {
  const shortest = SHORTEST_MATCHES;
  assert.is(shortest.length, SHAPES.length, 'one shortest example per shape');
  SHAPES.forEach((shape, i) => {
    const example = shortest[i] as string;
    assert.ok(shape.pattern.test(example), shape.what);
    assert.ok(example.length >= SHORTEST_SECRET, `${shape.what}: ${example.length} characters`);
    // Minimal: without any one of its characters it no longer matches.
    for (let k = 0; k < example.length; k++) assert.not.ok(shape.pattern.test(example.slice(0, k) + example.slice(k + 1)), `${shape.what} without character ${k}`);
    assert.ok(holdsSecretShape({ a: [{ b: example }] }), shape.what);
  });
  assert.not.ok(holdsSecretShape({ name: 'AKIA', list: ['short', 1, null, true] }));
});

test('secret shapes: mayMatch, the cheap test before each pattern, never turns a match away', () => {
  // Strings around the shapes' alphabets and literals, and the shapes themselves inside other text.
  const pieces = ['-----BEGIN ', 'PRIVATE KEY', '-----', 'RSA ', 'eyJ', '.', 'Q~', 'AKIA', 'ASIA', '/', '+', '=', '_', '~', '-', ' ', 'a', 'Z', '7', 'aA1'.repeat(13)];
  const text = fc.oneof(
    fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join('')),
    fc.tuple(fc.string({ maxLength: 6 }), fc.stringMatching(/^[A-Za-z0-9/+_~.-]{36,44}$/), fc.string({ maxLength: 6 })).map((t) => t.join('')),
    fc.stringMatching(/^[A-Za-z0-9_-]{0,4}eyJ[A-Za-z0-9_-]{8,10}\.eyJ[A-Za-z0-9_-]{8,10}\.[A-Za-z0-9_-]{16,20}$/),
    fc.stringMatching(/^[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}$/),
    fc.stringMatching(/^[ -]?(AKIA|ASIA)[A-Z2-7]{16}$/),
  );
  let matched = 0;
  fc.assert(
    fc.property(text, (s) => {
      for (const shape of SHAPES) {
        if (!shape.pattern.test(s)) continue;
        matched++;
        assert.ok(shape.mayMatch(s), `${shape.what}: ${s}`);
      }
    }),
    { numRuns: 5000 },
  );
  assert.ok(matched > 500, `the strings reach the patterns (${matched} matches)`);
  // Each shape's shortest match passes; planted: a stricter cheap test (over 40 characters) would turn it away.
  SHAPES.forEach((shape, i) => {
    const example = SHORTEST_MATCHES[i] as string;
    assert.ok(shape.pattern.test(example) && shape.mayMatch(example), shape.what);
    const stricter = (v: string) => shape.mayMatch(v) && v.length > 40;
    assert.not.ok(stricter(example), shape.what);
  });
});

test('placeholders: found in keys and nested values, as findPlaceholders finds them', () => {
  assert.ok(holdsPlaceholder({ a: [{ b: 'x <CLUSTER_NAME> y' }] }));
  assert.ok(holdsPlaceholder({ a: { '<KEY>': 1 } }));
  assert.not.ok(holdsPlaceholder({ a: ['<lower>', '<>', 'a < b', 1, null], '<_X>': true }));
});

// ---------------------------------------------------------------------------------------------
// Positions: a spec that only warns is placed from the reader's value positions, not from the
// library's Document. For every path, the reader's place must be the library's: the start
// (`range[0]`) of the deepest node on the path that exists, as load.ts's `Located` finds it.

type Path = (string | number)[];
type Place = { offset: number; line: number; col: number };

/** The Document as loadSpec's positioned path parses it, with its line counter; undefined unless one clean document. */
function libraryDocument(text: string): { doc: Document.Parsed; lines: LineCounter } | undefined {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, version: '1.2', uniqueKeys: false, prettyErrors: false, logLevel: 'silent' });
  if (!Array.isArray(docs) || docs.length !== 1 || docs[0]!.errors.length > 0) return undefined;
  return { doc: docs[0]!, lines };
}

/** One step as `Located` takes it (NodeIndex.node): a mapping by the part as a string, a sequence by a number only. */
function libraryChild(node: unknown, part: string | number): unknown {
  if (isMap(node)) return node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part))?.value ?? undefined;
  if (isSeq(node) && typeof part === 'number') return node.items[part];
  return undefined;
}

/** Where `Located.problem` puts a warning at `path`: the deepest existing node's `range[0]`, in lines and columns. */
function libraryPlace(doc: Document.Parsed, lines: LineCounter, path: Path): Place {
  let node: unknown = doc.contents;
  let offset = (doc.contents as unknown as { range: [number] }).range[0];
  for (const part of path) {
    node = libraryChild(node, part);
    if (!node) break;
    offset = (node as { range: [number] }).range[0];
  }
  return { offset, ...lines.linePos(offset) };
}

/** Every path to a node of the Document, and from each node paths that leave it (missing keys and indexes, wrong part types, into scalars). */
function allPaths(doc: Document.Parsed): Path[] {
  const out: Path[] = [];
  const visit = (node: unknown, path: Path) => {
    out.push(path, [...path, 'no-such-key', 0], [...path, 0]);
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = String((pair.key as { value: unknown }).value);
        visit(pair.value, [...path, key]);
        if (/^\d+$/.test(key)) out.push([...path, Number(key)]); // a number finds a mapping key by its string
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
      out.push([...path, node.items.length], [...path, -1], [...path, '0'], [...path, 0.5]);
    } else out.push([...path, 'into', 'a scalar']);
  };
  visit(doc.contents, []);
  return out;
}

/** The reader's place for `path` in a read of `text` (the one loadSpec does): offsets in the text as read (CRLF as LF). */
type Locator = (text: string) => ((path: Path) => Place) | undefined;
const readerLocator: Locator = (text) => {
  const positions = new ValuePositions();
  const value = readSimpleYaml(text, positions);
  if (value === undefined) return undefined;
  return (path) => {
    const offset = positions.offsetOf(value, path);
    return { offset, ...positions.linePos(offset) };
  };
};

/** Compares the reader's place with the library's for every path of every text the reader reads. */
function comparePlaces(texts: Iterable<string>, locator: Locator = readerLocator): { mismatches: string[]; read: number; paths: number } {
  const mismatches: string[] = [];
  let read = 0;
  let paths = 0;
  for (const text of texts) {
    const place = locator(text);
    if (!place) continue;
    const library = libraryDocument(text);
    if (!library) {
      mismatches.push(`the reader read what the library refuses: ${JSON.stringify(text.slice(0, 200))}`);
      continue;
    }
    read++;
    // With CRLF the reader's offsets are in the text as read; lines and columns must still agree.
    const sameOffsets = !text.includes('\r');
    for (const path of allPaths(library.doc)) {
      paths++;
      const want = libraryPlace(library.doc, library.lines, path);
      const got = place(path);
      if (got.line !== want.line || got.col !== want.col || (sameOffsets && got.offset !== want.offset)) {
        mismatches.push(`${JSON.stringify(path)} in ${JSON.stringify(text.slice(0, 300))}: reader ${got.line}:${got.col} (@${got.offset}), library ${want.line}:${want.col} (@${want.offset})`);
        if (mismatches.length > 20) return { mismatches, read, paths };
      }
    }
  }
  return { mismatches, read, paths };
}

/** Edge cases of where a node starts, each with the line and column the library gives (checked below too). */
const PLACES: readonly { text: string; path: Path; at: string }[] = [
  { text: 'a:\nb: 1\n', path: ['a'], at: '1:3' }, // empty value: after the `:`
  { text: 'a:   \nb: 1\n', path: ['a'], at: '1:6' }, // ... and after the spaces that follow it
  { text: 'a:   # c\nb: 1\n', path: ['a'], at: '1:6' }, // ... which is where a comment starts
  { text: 'a:\n  b:\n  c: 1\n', path: ['a', 'b'], at: '2:5' },
  { text: 'a:', path: ['a'], at: '1:3' }, // at the end of the text
  { text: 'a:\n  b: 1\n', path: ['a'], at: '2:3' }, // a nested block: its first key
  { text: 'a:\n  # c\n\n  b: 1\n', path: ['a'], at: '4:3' }, // comments and blank lines between key and value
  { text: 'a:   # c\n  b: 1\n', path: ['a', 'b'], at: '2:6' },
  { text: 'a:\n- x\n-\n-   # c\n-   y\n', path: ['a', 1], at: '3:2' }, // an empty item: after the `-`
  { text: 'a:\n- x\n-\n-   # c\n-   y\n', path: ['a', 2], at: '4:5' },
  { text: 'a:\n- x\n-\n-   # c\n-   y\n', path: ['a', 3], at: '5:5' },
  { text: 'a:\n- x\n', path: ['a'], at: '2:1' }, // a sequence at the key's column: its first `-`
  { text: '-\n  a: 1\n', path: [0], at: '2:3' }, // an item on the line below its `-`
  { text: '- a: 1\n  b: 2\n', path: [0], at: '1:3' }, // a compact mapping: its first key
  { text: 'a: {}\nb: [ ]\n', path: ['b'], at: '2:4' }, // flow collections: the bracket
  { text: 'a: {x: [1, {y: z}]}\n', path: ['a', 'x', 1, 'y'], at: '1:16' },
  { text: 'a: [x,\n  y]\n', path: ['a', 1], at: '2:3' },
  { text: 'a: "q"\n"b c": \'d\'\n', path: ['b c'], at: '2:8' }, // quoted keys and values: the quote
  { text: 'a:\n  b: 1\n', path: ['a', 'nope', 'deeper'], at: '2:3' }, // leaves the document: deepest prefix
  { text: 'a:\n  b: 1\n', path: ['a', 'b', 'into'], at: '2:6' }, // into a scalar: the scalar
  { text: 'a:\n  - x\n', path: ['a', '0'], at: '2:3' }, // a string does not index a sequence
  { text: '"1": x\n', path: [1], at: '1:6' }, // a number finds a mapping key by its string
  { text: '# head\n--- # start\n\n  a: 1\n', path: [], at: '4:3' }, // the root: its first key
  { text: 'a: 1\r\nb:\r\n  - x\r\n', path: ['b', 0], at: '3:5' }, // CRLF
  { text: 'a: 1\r\nb:\r\n', path: ['b'], at: '2:3' },
];

test('positions: the edge cases are placed where the library places them, and where the table says', () => {
  for (const { text, path, at } of PLACES) {
    const library = libraryDocument(text);
    assert.ok(library, text);
    const want = libraryPlace(library!.doc, library!.lines, path);
    assert.is(`${want.line}:${want.col}`, at, `the table agrees with the library: ${JSON.stringify(text)} ${JSON.stringify(path)}`);
    const place = readerLocator(text);
    assert.ok(place, `read: ${JSON.stringify(text)}`);
    const got = place!(path);
    assert.is(`${got.line}:${got.col}`, at, `${JSON.stringify(text)} ${JSON.stringify(path)}`);
  }
  const r = comparePlaces(PLACES.map((p) => p.text));
  assert.equal(r.mismatches, [], r.mismatches.join('\n'));
});

test('positions: every path of every project spec, restyled and mutated, is placed as the library places it', () => {
  const texts = projectSpecs.flatMap((t) => [t, ...restyle(t), ...mutations(t)]);
  const r = comparePlaces(texts);
  assert.equal(r.mismatches, [], r.mismatches.join('\n'));
  assert.ok(r.read > texts.length / 2, `read ${r.read} of ${texts.length}`);
  assert.ok(r.paths > 50_000, `${r.paths} paths`);
});

test('positions: every path of the structural, scalar, generated and mutated inputs is placed as the library places it', () => {
  const next = random(34);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const PIECES = [':', '-', ' ', '#', '"', '[', ']', '{', '}', ',', '\n', '\n  ', '\n- ', '\r\n', ': ', ' #', '  '];
  const seeds = [...STRUCTURES, ...matrixTexts.slice(0, 8).map((t) => t.slice(0, 500))];
  const mutated: string[] = [];
  for (let k = 0; k < 3000; k++) {
    let t = pick(seeds);
    for (let e = 1 + Math.floor(next() * 3); e > 0; e--) {
      const at = Math.floor(next() * (t.length + 1));
      t = next() < 0.6 ? t.slice(0, at) + pick(PIECES) + t.slice(at) : t.slice(0, at) + t.slice(at + 1);
    }
    mutated.push(t);
  }
  const texts = [...STRUCTURES, ...STRUCTURES.map((t) => t.replace(/\n/g, '\r\n')), ...SCALARS.flatMap(scalarCases), ...generated, ...mutated];
  const r = comparePlaces(texts);
  assert.equal(r.mismatches, [], r.mismatches.join('\n'));
  assert.ok(r.read > 2000, `read ${r.read} of ${texts.length}`);
});

test('planted: a locator one column off, or one that stops a level short, is caught', () => {
  const texts = [...projectSpecs.slice(0, 3), ...STRUCTURES];
  const oneOff: Locator = (text) => {
    const place = readerLocator(text);
    return place && ((path) => ({ ...place(path), col: place(path).col + (path.length > 1 ? 1 : 0) }));
  };
  assert.ok(comparePlaces(texts, oneOff).mismatches.length > 0);
  const shallow: Locator = (text) => {
    const place = readerLocator(text);
    return place && ((path) => place(path.slice(0, -1)));
  };
  assert.ok(comparePlaces(texts, shallow).mismatches.length > 0);
});

/** The warnings loadSpec can give on the fast path: every spec of the project that warns, and edits that make more warn. */
function warnedSpecs(): string[] {
  const example = (name: string) => readFileSync(join(repoRoot, 'examples', name, 'spec.yaml'), 'utf8');
  // The generated matrix specs repeat objects as anchors, which the reader leaves to the library: written out in full.
  const unaliased = matrixTexts.map((t) => stringify(parse(t), { lineWidth: 0, aliasDuplicateObjects: false }));
  const vault = example('aks-vault-service-principal');
  const gke = example('gke-cert-manager');
  const edits = [
    vault.replace('http://vault.vault.svc.cluster.local:8200', 'http://vault.example.com:8200'), // plain http outside the cluster
    vault.replace('ttl: 1h', 'ttl: 10m').replace('maxTTL: 24h', 'maxTTL: 30m'), // short-lived client secrets
    vault.replace('ttl: 1h', 'ttl: 10m').replace('maxTTL: 24h', 'maxTTL: 30m').replace(':8200', '.example.com:8200'), // both
    gke.replace(/^certManager:\n/m, 'certManager:\n  issuerAmbientCredentials: true\n'), // the flag with no namespaced Issuer
  ];
  const all = [...matrixTexts, ...unaliased, ...edits];
  const styled = all.flatMap((t) => [t, ...restyle(t), ...mutations(t)]);
  return styled.filter((t) => {
    const r = loadSpec(t, { file: 'spec.yaml' });
    return r.ok && r.warnings.length > 0;
  });
}

test('positions: loadSpec places every warning it can give identically with the fast path on and off, and the fast path reads no Document', () => {
  const texts = warnedSpecs();
  const kinds = new Set<string>();
  let fast = 0;
  for (const text of texts) {
    const bytes = Buffer.from(`\ufeff${text}`); // a BOM decode strips: both paths see the same text
    for (const input of [text, bytes]) {
      const before = fastPath.documentParses;
      const r = loadBoth(input);
      // The load with the fast path off parses the Document; the fast one, when taken, does not.
      assert.is(fastPath.documentParses - before, r.used ? 1 : 2);
      if (!isDeepStrictEqual(r.fast, r.slow)) assert.unreachable(`differs for:\n${text.slice(0, 400)}\nfast: ${JSON.stringify(r.fast.ok && r.fast.warnings)}\nslow: ${JSON.stringify(r.slow.ok && r.slow.warnings)}`);
      if (!r.used) continue;
      fast++;
      for (const w of (r.fast as Extract<LoadResult, { ok: true }>).warnings) kinds.add(w.message.slice(0, 30));
    }
  }
  assert.ok(fast > texts.length, `fast path taken for ${fast} of ${2 * texts.length} warned loads`);
  // Deprecated method, kubelet identity, ambient Issuer, the ambient flag alone, vault over http, short maxTTL, Issuer client secret.
  assert.ok(kinds.size >= 7, [...kinds].join('\n'));
});

test.run();
