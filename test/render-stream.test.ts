// The stream-only path (renderStream, used by `wi-gen SPEC`, the kustomize plugin and the KRM
// function) must print exactly what the full render's stream is, for every example.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpec } from '../src/spec/load.js';
import { render, renderStream } from '../src/render.js';
import { examplesDir, exampleNames } from './support/wi-gen.js';

for (const name of exampleNames()) {
  test(`${name}: renderStream gives the full render's stream and objects`, () => {
    const file = join(examplesDir, name, 'spec.yaml');
    const loaded = loadSpec(readFileSync(file, 'utf8'), { file });
    if (!loaded.ok) throw new Error(`${name} does not load`);
    const full = render(loaded.model, loaded.warnings.map((w) => w.message));
    const stream = renderStream(loaded.model);
    assert.ok(full.stream.length > 0, 'the example has objects');
    assert.is(stream.stream, full.stream);
    assert.equal(stream.objects, full.objects);
  });
}

test('a planted difference in the stream is seen', () => {
  const file = join(examplesDir, 'gke-cronjob', 'spec.yaml');
  const loaded = loadSpec(readFileSync(file, 'utf8'), { file });
  if (!loaded.ok) throw new Error('gke-cronjob does not load');
  assert.is.not(`${renderStream(loaded.model).stream}#`, render(loaded.model).stream);
});

test.run();
