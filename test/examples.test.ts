// Every example: its committed out/ tree equals a fresh render byte for byte, the render is
// deterministic, every generated object validates against its upstream schema, and the real
// tools (kubectl kustomize, terraform fmt, bash -n) accept what was generated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { exampleNames, examplesDir, readTree, renderFile, yamlDocs } from './support/wi-gen.js';
import { validateKubernetesObject } from './support/core-schemas.js';
import { validateHelmValues } from './support/upstream.js';
import { hasTool, run } from './support/tools.js';
import { MANIFEST_FILE, manifestContent } from '../src/cli/writer.js';

const names = exampleNames();

test('there are examples to check', () => {
  assert.ok(names.length >= 3, `found ${names.length}`);
});

for (const name of names) {
  const dir = join(examplesDir, name);
  const specPath = join(dir, 'spec.yaml');
  const outDir = join(dir, 'out');

  test(`${name}: out/ equals a fresh render, byte for byte`, () => {
    assert.ok(existsSync(outDir), `${name}/out is missing: run npm run examples`);
    const rendered = renderFile(specPath);
    const expected = new Map(rendered.files.map((f) => [f.path, f.content]));
    expected.set(MANIFEST_FILE, manifestContent(rendered.files));
    const actual = readTree(outDir);
    assert.equal([...actual.keys()].sort(), [...expected.keys()].sort(), 'file list');
    for (const [path, content] of expected) assert.fixture(actual.get(path) as string, content);
    for (const f of rendered.files) {
      const mode = statSync(join(outDir, f.path)).mode & 0o111;
      assert.is(mode !== 0, f.executable === true, `${f.path} executable bit`);
    }
  });

  test(`${name}: rendering twice gives identical bytes`, () => {
    const a = renderFile(specPath);
    const b = renderFile(specPath);
    assert.equal(b.files, a.files);
    assert.is(b.stream, a.stream);
  });

  test(`${name}: every generated object validates against the upstream schema of its kind`, () => {
    const tree = readTree(outDir);
    let checked = 0;
    for (const [path, text] of tree) {
      if (!path.endsWith('.yaml') || path.endsWith('kustomization.yaml') || path.startsWith('kustomize/')) continue;
      if (path.startsWith('helm/')) {
        assert.equal(validateHelmValues(parse(text)), [], path);
        checked++;
        continue;
      }
      for (const doc of yamlDocs(text)) {
        assert.equal(validateKubernetesObject(doc), [], `${path}: ${doc.kind}/${(doc.metadata as { name?: string })?.name}`);
        checked++;
      }
    }
    assert.ok(checked > 0, 'nothing was validated');
  });

  test(`${name}: the stream holds exactly the objects of manifests/`, () => {
    const rendered = renderFile(specPath);
    const fromFiles = rendered.files
      .filter((f) => f.path.startsWith('manifests/') && !f.path.endsWith('kustomization.yaml'))
      .flatMap((f) => yamlDocs(f.content));
    // The stream is in apply order (ServiceAccounts before what uses them), files are by name.
    const key = (o: Record<string, unknown>) => JSON.stringify(o);
    assert.equal(yamlDocs(rendered.stream).map(key).sort(), fromFiles.map(key).sort());
  });

  if (hasTool('kubectl')) {
    test(`${name}: kubectl kustomize builds manifests/`, () => {
      if (!existsSync(join(outDir, 'manifests'))) return;
      const r = run('kubectl', ['kustomize', join(outDir, 'manifests')]);
      assert.is(r.code, 0, r.stderr);
      const id = (o: Record<string, unknown>) => {
        const m = o.metadata as { name: string; namespace?: string };
        return `${o.apiVersion}/${o.kind}/${m.namespace ?? ''}/${m.name}`;
      };
      const owned = [...readTree(join(outDir, 'manifests'))]
        .filter(([p]) => p !== 'kustomization.yaml')
        .flatMap(([, text]) => yamlDocs(text));
      assert.equal(yamlDocs(r.stdout).map(id).sort(), owned.map(id).sort());
    });
  }

  if (hasTool('terraform')) {
    test(`${name}: generated Terraform is terraform fmt clean`, () => {
      const tf = join(outDir, 'cloud', 'terraform');
      if (!existsSync(tf)) return;
      const r = run('terraform', ['fmt', '-check', '-recursive', '-diff', tf]);
      assert.is(r.code, 0, r.stdout + r.stderr);
    });
  }

  test(`${name}: generated scripts pass bash -n and start with set -euo pipefail`, () => {
    for (const [path, text] of readTree(outDir)) {
      if (!path.endsWith('.sh')) continue;
      assert.ok(text.startsWith('#!/usr/bin/env bash\n'), path);
      assert.match(text, /^set -euo pipefail$/m);
      const r = run('bash', ['-n', join(outDir, path)]);
      assert.is(r.code, 0, `${path}: ${r.stderr}`);
    }
  });
}

test.run();
