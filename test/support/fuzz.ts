// Generators and the oracle for fuzzing wi-gen with fast-check.
//
// Generators come from what exists, so new identity methods are covered without edits here:
// - seeds: every examples/*/spec.yaml (and templates/*.yaml filled from test/fixtures/template-values.yaml);
// - the schema: z.toJSONSchema(SpecSchema) gives every key, enum value and string pattern, used both
//   to break a seed (wrong enum, misplaced key) and to vary it validly (fc.stringMatching(pattern));
// - text: byte and line mutations of the serialised spec, and random YAML.
//
// The oracle: loadSpec either fails with `spec.yaml:LINE:COL: …` one-line problems (and nothing
// else), or succeeds and render() yields files whose objects validate against their upstream
// schemas, whose paths are safe, and in which the secret scanner finds nothing.
import fc from 'fast-check';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { SpecSchema } from '../../src/spec/schema.js';
import { formatProblem, loadSpec } from '../../src/spec/load.js';
import { render } from '../../src/render.js';
import { validateKubernetesObject } from './core-schemas.js';
import { validateHelmValues } from './upstream.js';
import { scanForSecrets } from './secret-scan.js';
import { examplesDir, exampleNames, repoRoot } from './wi-gen.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonSchema = Record<string, unknown>;
type PathPart = string | number;

// ------------------------------------------------------------------------------------ seeds

/** Valid specs to mutate: every example, and every template once its placeholders are filled. */
export function seedSpecs(): { name: string; text: string }[] {
  const seeds = exampleNames().map((n) => ({ name: `examples/${n}`, text: readFileSync(join(examplesDir, n, 'spec.yaml'), 'utf8') }));
  const templates = join(repoRoot, 'templates');
  const values = join(repoRoot, 'test', 'fixtures', 'template-values.yaml');
  if (existsSync(templates) && existsSync(values)) {
    const fill = (parse(readFileSync(values, 'utf8')) ?? {}) as Record<string, string>;
    for (const file of readdirSync(templates).filter((f) => f.endsWith('.yaml')).sort()) {
      const text = readFileSync(join(templates, file), 'utf8').replace(/<([A-Z][A-Z0-9_]*)>/g, (m, key: string) => fill[key] ?? m);
      if (loadSpec(text, { file: 'spec.yaml' }).ok) seeds.push({ name: `templates/${file}`, text });
    }
  }
  return seeds;
}

// ----------------------------------------------------------------------------------- schema

const schemaRoot = z.toJSONSchema(SpecSchema, { io: 'input' }) as JsonSchema;

function deref(s: JsonSchema | undefined): JsonSchema | undefined {
  if (!s) return undefined;
  if (typeof s.$ref === 'string') return deref(((schemaRoot.$defs ?? schemaRoot.definitions) as Record<string, JsonSchema>)[s.$ref.split('/').pop() as string]);
  return s;
}

/** The schema node for a value path, through properties, items and the branches of unions. */
export function schemaAt(path: readonly PathPart[]): JsonSchema | undefined {
  let node = deref(schemaRoot);
  for (const part of path) {
    if (!node) return undefined;
    const branches = [node, ...(((node.anyOf ?? node.oneOf ?? node.allOf) as JsonSchema[] | undefined) ?? []).map(deref)].filter(Boolean) as JsonSchema[];
    let next: JsonSchema | undefined;
    for (const b of branches) {
      next = typeof part === 'number' ? deref(b.items as JsonSchema | undefined) : deref((b.properties as Record<string, JsonSchema> | undefined)?.[part]);
      if (next) break;
    }
    node = next;
  }
  return node;
}

interface SchemaPools {
  readonly keys: string[];
  readonly enums: string[];
  readonly patterns: string[];
}

function collectPools(): SchemaPools {
  const keys = new Set<string>();
  const enums = new Set<string>();
  const patterns = new Set<string>();
  const seen = new Set<JsonSchema>();
  const walk = (raw: JsonSchema | undefined) => {
    const s = deref(raw);
    if (!s || seen.has(s)) return;
    seen.add(s);
    for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, JsonSchema>)) {
      keys.add(k);
      walk(v);
    }
    for (const e of (s.enum ?? []) as unknown[]) if (typeof e === 'string') enums.add(e);
    if (typeof s.const === 'string') enums.add(s.const);
    if (typeof s.pattern === 'string') patterns.add(s.pattern);
    if (s.items) walk(s.items as JsonSchema);
    for (const c of ['anyOf', 'oneOf', 'allOf']) for (const b of (s[c] ?? []) as JsonSchema[]) walk(b);
  };
  walk(schemaRoot);
  return { keys: [...keys].sort(), enums: [...enums].sort(), patterns: [...patterns].sort() };
}

export const pools = collectPools();

// ------------------------------------------------------------------------------- generators

/** Strings that have broken parsers, shells, HCL, YAML 1.1 readers and terminals before. */
export const HOSTILE_STRINGS = [
  '', ' ', 'yes', 'no', 'on', 'off', 'y', 'n', 'true', 'False', '~', 'null', 'NULL', '0755', '0o17', '0x1F', '1e3', '.inf', '-.NaN', '12:30:00', '2001-12-14',
  '$(touch pwned)', '`touch pwned`', "'; touch pwned; '", '"; touch pwned; "', '${file("/etc/passwd")}', '%{ if true }x%{ endif }',
  'a\nb', 'a\r\nb', '\t', '\u0000', '\u001b[2J', '\u202egnp.exe', '\u2028', '\ufeff', '../../etc/passwd', '/etc/passwd', '..', '.', 'a/b', 'C:\\x',
  '*', '&anchor', '!tag', '|', '>', '- a', '? x', '# comment', '{a: 1}', '[1, 2]', '"', "'", '\\', 'é', '日本語', '😀', 'x'.repeat(300), 'a'.repeat(70000),
  '-----BEGIN PRIVATE KEY-----', 'AKIA0000000000000000',
  // Object.prototype members: an `in` or `obj[name]` lookup of a user string trips on these (issue 15).
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__',
  // Secret shapes refused by the loader, and YAML 1.2 numbers the writer must quote.
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ', 'abc8Q~' + 'x'.repeat(34), 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '0O17', '-0x1f', '+.inf', '=', '<<',
];

const SECRETISH_KEYS = ['clientSecret', 'password', 'key.json', 'privateKey', 'token', 'apiKey', 'credentials', 'serviceAccountKey'];

const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));
const wrongEnum = fc.constantFrom(...pools.enums);
const schemaKey = fc.constantFrom(...pools.keys);
/** A string matching `pattern`, or undefined when fast-check cannot generate from it (lookaheads). */
function matching(pattern: string, seed: number): string | undefined {
  try {
    return fc.sample(fc.stringMatching(new RegExp(pattern), { size: 'xsmall' }), { numRuns: 1, seed })[0];
  } catch {
    return undefined;
  }
}
const generatable = pools.patterns.filter((p) => matching(p, 1) !== undefined);
const patternValue = fc.constantFrom(...generatable).chain((p) => fc.stringMatching(new RegExp(p), { size: 'small' }));

/** A value of any JSON type, small, occasionally deeply nested. */
const anyJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 120 }).map((d) => Array.from({ length: d }).reduce<Json>((acc) => [acc], 'deep')) },
);

function paths(value: Json, prefix: PathPart[] = []): PathPart[][] {
  const out: PathPart[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function getAt(root: Json, path: readonly PathPart[]): Json | undefined {
  let cur: Json | undefined = root;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<PathPart, Json>)[p] : undefined;
  return cur;
}

type Mutation = (root: Json, path: PathPart[]) => void;

function setAt(root: Json, path: readonly PathPart[], value: Json): void {
  if (path.length === 0) return;
  const parent = getAt(root, path.slice(0, -1));
  if (parent && typeof parent === 'object') (parent as Record<PathPart, Json>)[path[path.length - 1] as PathPart] = value;
}

/** One schema-aware mutation: chosen kind plus its random ingredients. */
const mutation: fc.Arbitrary<{ name: string; apply: (v: Json, pick: number) => Json }> = fc.oneof(
  fc.constant({ name: 'drop', apply: (v: Json, pick: number) => edit(v, pick, (root, path) => {
    const parent = getAt(root, path.slice(0, -1));
    const last = path[path.length - 1];
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else if (parent && typeof parent === 'object' && last !== undefined) delete (parent as Record<string, Json>)[last as string];
  }) }),
  fc.oneof(schemaKey, fc.constantFrom(...SECRETISH_KEYS), hostileString, fc.string({ minLength: 1, maxLength: 12 })).map((key) => ({ name: 'rename', apply: (v: Json, pick: number) => edit(v, pick, (root, path) => {
    const parent = getAt(root, path.slice(0, -1));
    const last = path[path.length - 1];
    if (!parent || typeof parent !== 'object' || Array.isArray(parent) || typeof last !== 'string') return;
    const obj = parent as Record<string, Json>;
    const val = obj[last] as Json;
    delete obj[last];
    obj[key] = val;
  }) })),
  anyJson.map((value) => ({ name: 'retype', apply: (v: Json, pick: number) => edit(v, pick, (root, path) => setAt(root, path, value)) })),
  hostileString.map((value) => ({ name: 'hostile', apply: (v: Json, pick: number) => edit(v, pick, (root, path) => setAt(root, path, value)) })),
  wrongEnum.map((value) => ({ name: 'enum', apply: (v: Json, pick: number) => edit(v, pick, (root, path) => setAt(root, path, value)) })),
  // Valid-shaped variation: a value drawn from the field's own pattern or enum keeps many specs renderable.
  fc.tuple(patternValue, fc.boolean()).map(([value, useOwn]) => ({ name: 'valid-variation', apply: (v: Json, pick: number) => edit(v, pick, (root, path) => {
    const s = schemaAt(path);
    if (useOwn && s && Array.isArray(s.enum) && s.enum.length > 0) setAt(root, path, s.enum[pick % s.enum.length] as Json);
    else if (useOwn && s && typeof s.pattern === 'string' && matching(s.pattern, pick) !== undefined) setAt(root, path, matching(s.pattern, pick) as string);
    else if (typeof getAt(root, path) === 'string') setAt(root, path, value);
  }) })),
  fc.tuple(schemaKey, anyJson).map(([key, value]) => ({ name: 'add-key', apply: (v: Json, pick: number) => edit(v, pick, (root, path) => {
    const target = getAt(root, path);
    if (target && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, Json>)[key] = value;
  }) })),
  fc.constant({ name: 'duplicate-item', apply: (v: Json, pick: number) => edit(v, pick, (root, path) => {
    const target = getAt(root, path);
    if (Array.isArray(target) && target.length > 0) target.push(clone(target[pick % target.length] as Json));
  }) }),
  fc.nat().map((other) => ({ name: 'swap', apply: (v: Json, pick: number) => {
    const all = paths(v).filter((p) => p.length > 0);
    if (all.length < 2) return v;
    const a = all[pick % all.length] as PathPart[];
    const b = all[other % all.length] as PathPart[];
    if (a.join('.').startsWith(b.join('.')) || b.join('.').startsWith(a.join('.'))) return v;
    const out = clone(v);
    const va = clone(getAt(out, a) as Json);
    setAt(out, a, clone(getAt(out, b) as Json));
    setAt(out, b, va);
    return out;
  } })),
);

function edit(value: Json, pick: number, fn: Mutation): Json {
  const out = clone(value);
  const all = paths(out).filter((p) => p.length > 0);
  if (all.length === 0) return out;
  fn(out, [...(all[pick % all.length] as PathPart[])]);
  return out;
}

/** Text-level damage to a serialised spec. */
const textMutation: fc.Arbitrary<(text: string) => string> = fc.oneof(
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 4 })).map(([at, s]) => (t: string) => t.slice(0, at % (t.length + 1)) + s + t.slice(at % (t.length + 1))),
  fc.tuple(fc.nat(), fc.nat({ max: 40 })).map(([at, n]) => (t: string) => t.slice(0, at % (t.length + 1)) + t.slice((at % (t.length + 1)) + n)),
  fc.nat().map((at) => (t: string) => t.slice(0, at % (t.length + 1))),
  fc.tuple(fc.nat(), fc.constantFrom('\t', '  ', '---\n', '...\n', '&a ', '*a', '- ', ': ', '{', '[', '"', "'", '#', '\ufeff', '\r', '!!binary ', '<<: ')).map(([at, s]) => (t: string) => t.slice(0, at % (t.length + 1)) + s + t.slice(at % (t.length + 1))),
  fc.nat().map((n) => (t: string) => {
    const lines = t.split('\n');
    const i = n % lines.length;
    return [...lines.slice(0, i + 1), lines[i] as string, ...lines.slice(i + 1)].join('\n');
  }),
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 })).map(([n, d]) => (t: string) => {
    const lines = t.split('\n');
    const i = n % lines.length;
    lines[i] = d >= 0 ? ' '.repeat(d) + lines[i] : (lines[i] as string).replace(new RegExp(`^ {0,${-d}}`), '');
    return lines.join('\n');
  }),
);

export type FuzzCase = { readonly category: 'mutation' | 'text' | 'random'; readonly seed: string; readonly bytes: Uint8Array };

/** fast-check prints a failing case with this: the spec as text, not as a byte array. */
function printable(c: FuzzCase): FuzzCase {
  return Object.assign(c, { [fc.toStringMethod]: () => `${c.category} (${c.seed}): ${JSON.stringify(new TextDecoder().decode(c.bytes))}` });
}

export function specArbitrary(seeds: readonly { name: string; text: string }[]): fc.Arbitrary<FuzzCase> {
  const seedValues = seeds.map((s) => ({ name: s.name, value: parse(s.text, { version: '1.2' }) as Json, text: s.text }));
  const seedArb = fc.constantFrom(...seedValues);
  const mutated = fc.tuple(seedArb, fc.array(fc.tuple(mutation, fc.nat()), { minLength: 1, maxLength: 4 })).map(([seed, ms]): FuzzCase => {
    const value = ms.reduce((v, [m, pick]) => m.apply(v, pick), seed.value);
    return { category: 'mutation', seed: `${seed.name} ${ms.map(([m]) => m.name).join('+')}`, bytes: new TextEncoder().encode(stringify(value, { version: '1.2' })) };
  });
  const text = fc.tuple(seedArb, fc.array(textMutation, { minLength: 1, maxLength: 3 })).map(([seed, ms]): FuzzCase => ({
    category: 'text',
    seed: seed.name,
    bytes: new TextEncoder().encode(ms.reduce((t, m) => m(t), seed.text)),
  }));
  const random = fc.oneof(
    fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
    fc.uint8Array({ maxLength: 200 }),
    (fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>).map((v) => new TextEncoder().encode(stringify(v))),
    fc.dictionary(fc.oneof(schemaKey, fc.string({ maxLength: 8 })), anyJson, { maxKeys: 8 }).map((v) => new TextEncoder().encode(stringify(v))),
  ).map((bytes): FuzzCase => ({ category: 'random', seed: 'random', bytes }));
  return fc.oneof({ weight: 6, arbitrary: mutated }, { weight: 3, arbitrary: text }, { weight: 1, arbitrary: random }).map(printable);
}

// ----------------------------------------------------------------------------------- oracle

export const PROBLEM_LINE = /^spec\.yaml:[1-9][0-9]*:[1-9][0-9]*: [^\n]+$/;

export interface Verdict {
  readonly outcome: 'rejected' | 'rendered';
  readonly problems: number;
  readonly objects: number;
}

function fail(c: FuzzCase, what: string): never {
  throw new Error(`${what}\n  category: ${c.category} (${c.seed})\n  spec: ${JSON.stringify(new TextDecoder().decode(c.bytes)).slice(0, 4000)}`);
}

/** Runs loadSpec + render on one case; throws with the spec when wi-gen misbehaves. */
export function judge(c: FuzzCase): Verdict {
  let loaded: ReturnType<typeof loadSpec>;
  try {
    loaded = loadSpec(c.bytes, { file: 'spec.yaml' });
  } catch (error) {
    fail(c, `loadSpec threw: ${(error as Error).stack}`);
  }
  if (!loaded.ok) {
    if (loaded.problems.length === 0) fail(c, 'rejected without a problem');
    if (!loaded.problems.some((p) => p.severity === 'error')) fail(c, 'rejected with warnings only');
    for (const p of loaded.problems) {
      const line = formatProblem(p);
      if (!PROBLEM_LINE.test(line)) fail(c, `problem is not one file:line:col line: ${JSON.stringify(line)}`);
    }
    return { outcome: 'rejected', problems: loaded.problems.length, objects: 0 };
  }
  let rendered: ReturnType<typeof render>;
  try {
    rendered = render(loaded.model, loaded.warnings.map((w) => w.message));
  } catch (error) {
    fail(c, `render threw on an accepted spec: ${(error as Error).stack}`);
  }
  let objects = 0;
  for (const f of rendered.files) {
    if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(f.path) || f.path.split('/').some((s) => s === '..' || s === '.')) fail(c, `unsafe output path ${JSON.stringify(f.path)}`);
    const secrets = scanForSecrets(f.content);
    if (secrets.length > 0) fail(c, `${f.path} looks like it holds a credential: ${secrets.join('; ')}`);
    if (!f.path.endsWith('.yaml') || f.path.endsWith('kustomization.yaml') || f.path.startsWith('kustomize/')) continue;
    if (f.path.startsWith('helm/')) {
      const errors = validateHelmValues(parse(f.content));
      if (errors.length > 0) fail(c, `${f.path}: ${errors.join('; ')}`);
      objects++;
      continue;
    }
    for (const doc of parseAllDocuments(f.content)) {
      const obj = doc.toJS() as Record<string, unknown> | null;
      if (obj === null) continue;
      const errors = validateKubernetesObject(obj);
      if (errors.length > 0) fail(c, `${f.path}: ${String(obj.kind)}: ${errors.join('; ')}`);
      objects++;
    }
  }
  return { outcome: 'rendered', problems: 0, objects };
}
