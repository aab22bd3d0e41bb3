// The folders of src/ are its layers, and imports point down only: a module imports from its own
// folder or a folder ranked below it, never above. Type-only imports count too (a type is part of
// the layer's vocabulary). The README's "Layers point one way" paragraph describes this table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readSources, sourceGraph, type SourceGraph } from './support/imports.js';
import { repoRoot } from './support/wi-gen.js';

/** Bottom first. A file belongs to the longest entry its path starts with. */
const LAYERS: readonly (readonly [folder: string, role: string])[] = [
  ['src/format/', 'file formats: HCL, shell, YAML, file trees and names; knows nothing of identities'],
  ['src/schema/', 'the spec blocks every method shares (cluster, dns01, cert-manager, field types)'],
  ['src/model/', 'the resolved model and the IdentityMethod contract it is read through'],
  ['src/methods/', 'one file per identity method, its helpers, and the registry'],
  ['src/spec/', 'the whole spec: schema assembled from the registry, loading, resolution'],
  ['src/lifecycle/', 'grant record, prune and teardown scripts, from the methods\' cloudGrants'],
  ['src/k8s/', 'Kubernetes objects wi-gen owns (cdk8s constructs, workload patches)'],
  ['src/emit/', 'orchestrating emitters: cert-manager, Helm, kustomize, cloud, README, Terraform imports'],
  ['src/render.ts', 'model → files: the pipeline every front end calls'],
  ['src/doctor/', 'wi-gen doctor: live checks against the rendered binding'],
  ['src/cli/', 'the command line, the KRM function and the kustomize plugin'],
  ['src/lib/', 'the published library (standalone types)'],
  ['src/cdk8s/', 'the published cdk8s bindings'],
  ['src/bundle.ts', 'the bundle entry: library plus runCli'],
];

function rankOf(file: string): number {
  let best = -1;
  let length = -1;
  LAYERS.forEach(([folder], i) => {
    if (file.startsWith(folder) && folder.length > length) [best, length] = [i, folder.length];
  });
  return best;
}

/** Every import that goes up the table (or comes from a file no layer claims). */
function violations(graph: SourceGraph): string[] {
  const out: string[] = [];
  for (const file of graph.exports.keys()) if (rankOf(file) < 0) out.push(`${file}: in no layer (add its folder to LAYERS)`);
  for (const e of graph.edges) {
    const [from, to] = [rankOf(e.from), rankOf(e.to)];
    if (from >= 0 && to > from) {
      out.push(`${e.from}:${e.line}: imports ${e.to} (${(LAYERS[to] as readonly string[])[0]} is above ${(LAYERS[from] as readonly string[])[0]})`);
    }
  }
  return out.sort();
}

test('src/ imports point down the layer table only', () => {
  const found = violations(sourceGraph(readSources(repoRoot, ['src'])));
  assert.equal(found, [], found.join('\n'));
});

test('planted: an upward import is reported with file, line and the two layers', () => {
  const files = readSources(repoRoot, ['src']);
  const model = files.get('src/model/model.ts') as string;
  files.set('src/model/model.ts', `import { METHODS } from '../methods/registry.js';\n${model}`);
  assert.equal(
    violations(sourceGraph(files)).filter((v) => v.startsWith('src/model/model.ts')),
    ['src/model/model.ts:1: imports src/methods/registry.ts (src/methods/ is above src/model/)'],
  );
});

test('planted: a type-only upward import counts, and a file outside every layer is reported', () => {
  const files = new Map([
    ['src/format/yaml.ts', "import type { Model } from '../model/model.js';\nexport const x = 1;\n"],
    ['src/model/model.ts', 'export interface Model {}\n'],
    ['src/elsewhere/x.ts', 'export const y = 1;\n'],
  ]);
  assert.equal(violations(sourceGraph(files)), [
    'src/elsewhere/x.ts: in no layer (add its folder to LAYERS)',
    'src/format/yaml.ts:1: imports src/model/model.ts (src/model/ is above src/format/)',
  ]);
});

test.run();
