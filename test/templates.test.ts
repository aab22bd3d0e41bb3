// templates/*.yaml and `wi-gen init`: every template is refused until its placeholders are filled,
// and renders valid objects once they are. Templates are discovered, not listed: a new template is
// covered as soon as its placeholders have values in test/fixtures/template-values.yaml.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderText, repoRoot, yamlDocs, wiGen } from './support/wi-gen.js';
import { tmpDir } from './support/tools.js';
import { validateKubernetesObject } from './support/core-schemas.js';
import { validateHelmValues } from './support/upstream.js';
import { PLACEHOLDER } from '../src/spec/placeholders.js';

const dir = join(repoRoot, 'templates');
const templates = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const values = parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'template-values.yaml'), 'utf8')) as Record<string, unknown>;

const bodyTokens = (text: string): string[] => [...new Set(text.replace(/^\s*#.*$/gm, '').match(PLACEHOLDER) ?? [])];

test('there are templates, and wi-gen init --list shows each with its description', () => {
  assert.ok(templates.includes('gke.yaml') && templates.includes('gke-direct-principal.yaml'));
  const r = wiGen(['init', '--list']);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.is(lines.length, templates.length);
  for (const f of templates) {
    const text = readFileSync(join(dir, f), 'utf8');
    const description = (text.split('\n')[1] as string).replace(/^# /, '');
    assert.ok(lines.some((l) => l.startsWith(`${f.replace(/\.yaml$/, '')} `) && l.endsWith(description)), `${f}: ${description}`);
  }
});

for (const file of templates) {
  const name = file.replace(/\.yaml$/, '');
  const text = readFileSync(join(dir, file), 'utf8');

  test(`${name}: starts with the schema line and a description, and has placeholders`, () => {
    const lines = text.split('\n');
    assert.is(lines[0], '# yaml-language-server: $schema=../schema/wi-gen.schema.json');
    assert.match(lines[1] as string, /^# \S/);
    assert.ok(bodyTokens(text).length > 0, 'a template without placeholders could render unedited');
  });

  test(`${name}: unfilled, it is refused (exit 2) with every message on a placeholder`, () => {
    const work = tmpDir('wi-gen-template-');
    const spec = join(work, 'spec.yaml');
    writeFileSync(spec, text);
    const r = wiGen([spec]);
    assert.is(r.code, 2, r.stdout);
    assert.is(r.stdout, '', 'no partial output');
    const problems = r.stderr.trimEnd().split('\n');
    const lines = text.split('\n');
    const flagged = new Set<number>();
    for (const p of problems) {
      const m = /^.*spec\.yaml:(\d+):(\d+): [^:]+: placeholders? (<[A-Z0-9_]+>)/.exec(p);
      assert.ok(m, `not a placeholder problem: ${p}`);
      const [, line, col, token] = m as unknown as [string, string, string, string];
      assert.is((lines[Number(line) - 1] as string).slice(Number(col) - 1, Number(col) - 1 + token.length), token, p);
      flagged.add(Number(line));
    }
    lines.forEach((l, i) => {
      if (!l.trimStart().startsWith('#') && PLACEHOLDER.test(l)) assert.ok(flagged.has(i + 1), `line ${i + 1} not reported: ${l}`);
      PLACEHOLDER.lastIndex = 0;
    });
  });

  test(`${name}: filled from template-values.yaml, it renders and every object validates`, () => {
    const missing = bodyTokens(text).filter((t) => !(t.slice(1, -1) in values));
    assert.equal(missing, [], `append values for ${missing.join(', ')} to test/fixtures/template-values.yaml`);
    const filled = text.replace(PLACEHOLDER, (t) => String(values[t.slice(1, -1)]));
    const rendered = renderText(filled, `${name}.yaml`);
    assert.ok(rendered.files.length > 0);
    let checked = 0;
    // As in examples.test.ts: kustomize/ holds partial patches, checked by kustomize.test.ts through kubectl.
    for (const f of rendered.files) {
      if (!f.path.endsWith('.yaml') || f.path.endsWith('kustomization.yaml') || f.path.startsWith('kustomize/')) continue;
      if (f.path.startsWith('helm/')) {
        assert.equal(validateHelmValues(parse(f.content)), [], f.path);
        checked++;
        continue;
      }
      for (const o of yamlDocs(f.content)) {
        assert.equal(validateKubernetesObject(o), [], `${f.path}: ${String(o['kind'])}/${String((o['metadata'] as { name?: string })?.name)}`);
        checked++;
      }
    }
    assert.ok(checked > 0, 'no object rendered');
  });
}

test('init --method writes the template with its schema line re-pointed, and refuses to overwrite', () => {
  const work = tmpDir('wi-gen-init-');
  const out = join(work, 'specs', 'prod', 'spec.yaml');
  const r = wiGen(['init', '--method', 'gke', '-o', out]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /fill in <CLUSTER_NAME>, /);
  const written = readFileSync(out, 'utf8');
  const schemaLine = written.split('\n')[0] as string;
  const target = schemaLine.replace('# yaml-language-server: $schema=', '');
  assert.ok(existsSync(join(work, 'specs', 'prod', target)), `${target} resolves to the schema`);
  assert.is(written.split('\n').slice(1).join('\n'), readFileSync(join(dir, 'gke.yaml'), 'utf8').split('\n').slice(1).join('\n'));

  writeFileSync(out, 'mine\n');
  const again = wiGen(['init', '--method', 'gke', '-o', out]);
  assert.is(again.code, 2);
  assert.match(again.stderr, /exists; pass --force/);
  assert.is(readFileSync(out, 'utf8'), 'mine\n');
  assert.is(wiGen(['init', '--method', 'gke', '-o', out, '--force']).code, 0);
  assert.is(readFileSync(out, 'utf8'), written);
});

test('init: unknown template and missing --method are usage errors naming the templates', () => {
  const r = wiGen(['init', '--method', 'nope', '-o', '-']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /no template named nope; one of: .*gke/);
  assert.match(wiGen(['init']).stderr, /init needs --method NAME/);
  assert.match(wiGen(['init', '--method', 'gke', '-o', '-']).stdout, /^# yaml-language-server: \$schema=\S+wi-gen\.schema\.json\n# GKE/);
});

test.run();
