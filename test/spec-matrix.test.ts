// The spec matrix (test/support/spec-matrix.ts) turns on every option: each field of the spec
// schema is set by some spec, each enum value and each boolean value appears. A new option in a
// method's schema fails here until the matrix uses it, so the cloud-half checks cover it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './support/wi-gen.js';
import { specMatrix } from './support/spec-matrix.js';

type Schema = { type?: string | string[]; default?: unknown; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; anyOf?: Schema[]; not?: unknown };

// Not options: metadata is for KRM/kustomize configs; params is a field the schema refuses, and
// AzureGermanCloud a value it refuses.
const IGNORED = [/^metadata(\.|$)/, /\.params$/];
const REFUSED_VALUES = new Set<unknown>(['AzureGermanCloud']);

/** Every field path of the schema with the values it must be seen with (enums, booleans). */
function fields(schema: Schema, path = '', out = new Map<string, unknown[]>()): Map<string, unknown[]> {
  const s = schema.anyOf?.find((x) => x.type !== 'null') ?? schema;
  if (path && !IGNORED.some((r) => r.test(path))) {
    // A default is in effect wherever the field is unset: only the other values must be written.
    const values = s.enum ? [...s.enum] : s.type === 'boolean' ? [true, false] : [];
    out.set(path, values.filter((v) => v !== (s.default ?? schema.default) && !REFUSED_VALUES.has(v)));
  }
  for (const [k, v] of Object.entries(s.properties ?? {})) fields(v, path ? `${path}.${k}` : k, out);
  if (s.items) fields(s.items, `${path}[]`, out);
  return out;
}

/** Every field path a spec sets, with the values it sets there. */
function seen(value: unknown, path = '', out = new Map<string, Set<unknown>>()): Map<string, Set<unknown>> {
  if (path) {
    if (!out.has(path)) out.set(path, new Set());
    if (typeof value !== 'object' || value === null) (out.get(path) as Set<unknown>).add(value);
  }
  if (Array.isArray(value)) for (const v of value) seen(v, `${path}[]`, out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) seen(v, path ? `${path}.${k}` : k, out);
  return out;
}

test('the spec matrix sets every field of the schema, with every enum and boolean value', () => {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schema', 'wi-gen.schema.json'), 'utf8')) as Schema;
  const wanted = fields(schema);
  const got = new Map<string, Set<unknown>>();
  for (const spec of specMatrix()) {
    for (const [p, values] of seen(parse(spec.text))) {
      if (!got.has(p)) got.set(p, new Set());
      for (const v of values) (got.get(p) as Set<unknown>).add(v);
    }
  }
  const missing: string[] = [];
  for (const [p, values] of wanted) {
    const g = got.get(p);
    if (!g) missing.push(`${p}: never set`);
    else for (const v of values) if (!g.has(v)) missing.push(`${p}: never ${JSON.stringify(v)}`);
  }
  console.log(`  spec matrix: ${specMatrix().length} specs, ${wanted.size} schema fields, ${wanted.size - new Set(missing.map((m) => m.split(':')[0])).size} fully covered`);
  assert.equal(missing, []);
});

test('the matrix has examples, filled templates and generated specs, and each renders', async () => {
  const { renderedMatrix } = await import('./support/spec-matrix.js');
  const all = renderedMatrix();
  for (const origin of ['example', 'template', 'generated']) assert.ok(all.some((s) => s.origin === origin), origin);
  assert.ok(all.length >= 30 && all.length <= 60, `${all.length} specs`);
});

test.run();
