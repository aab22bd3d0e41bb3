// `wi-gen SPEC` says on stderr what its stream leaves out, once, with the -o command; --quiet
// silences it, and a tree the stream covers whole gets no note.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { cli, examplesDir, exampleNames } from './support/wi-gen.js';
import { streamNote } from '../src/cli/stream-note.js';
import { invocation } from '../src/cli/invocation.js';
import { loadSpec } from '../src/spec/load.js';
import { render, streamLeavesOut } from '../src/render.js';

const helm = join('examples', 'gke-cert-manager', 'spec.yaml');

test('a Helm install: one line naming the Helm values and the cloud side, and the -o command as the user can type it', () => {
  // Run as a clone runs it (README's first command): `wi-gen` alone would not be found there.
  const r = cli([helm], { env: { npm_command: undefined } });
  assert.is(r.code, 0, r.stderr);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines, [
    `wi-gen: this stream holds only the Kubernetes objects wi-gen owns; the cert-manager Helm values and the cloud side (scripts and Terraform) are written by: ./bin/wi-gen.cjs ${helm} -o ${join('examples', 'gke-cert-manager', 'out')} (--quiet hides this note)`,
  ]);
});

test('the command the note names: the bin by name when PATH finds it, npx under npx, else the path it was run by', () => {
  const cwd = '/home/u/project';
  const cases: [Parameters<typeof invocation>[0], string][] = [
    [{ script: '/home/u/project/node_modules/.bin/wi-gen', env: { PATH: '/usr/bin:/home/u/project/node_modules/.bin' }, cwd }, 'wi-gen'],
    [{ script: '/home/u/project/node_modules/.bin/wi-gen', env: { PATH: '/usr/bin:node_modules/.bin' }, cwd }, 'wi-gen'],
    [{ script: '/home/u/project/node_modules/.bin/wi-gen', env: { PATH: '/usr/bin' }, cwd }, './node_modules/.bin/wi-gen'],
    [{ script: '/home/u/project/bin/wi-gen.cjs', env: { PATH: '/usr/bin' }, cwd }, './bin/wi-gen.cjs'],
    [{ script: '/opt/wi gen/bin/wi-gen.cjs', env: {}, cwd }, "'/opt/wi gen/bin/wi-gen.cjs'"],
    [{ script: '/home/u/.npm/_npx/1/node_modules/.bin/wi-gen', env: { npm_command: 'exec', PATH: '/home/u/.npm/_npx/1/node_modules/.bin' }, cwd }, 'npx wi-gen'],
    [{ script: undefined, env: {}, cwd }, 'wi-gen'],
  ];
  for (const [invoked, expected] of cases) assert.is(invocation(invoked), expected, JSON.stringify(invoked));
});

test('workload Components are named; --quiet silences the note; -o prints none', () => {
  const spec = join('examples', 'gke-multi-workload-migration', 'spec.yaml');
  assert.match(cli([spec]).stderr, 'the cert-manager kustomize Component, the Components that put workloads on their ServiceAccounts and the cloud side');
  const quiet = cli([spec, '--quiet']);
  assert.is(quiet.code, 0);
  assert.is(quiet.stderr, '');
  assert.ok(examplesDir);
});

test('nothing left out: no note (a tree of manifests only)', () => {
  const files = [{ path: 'manifests/service-accounts.yaml', content: '' }, { path: 'manifests/kustomization.yaml', content: '' }, { path: 'README.md', content: '' }];
  assert.is(streamNote('spec.yaml', files.map((f) => f.path)), undefined);
  assert.ok(streamNote('spec.yaml', [...files.map((f) => f.path), 'cloud/gcloud.sh']));
});

// streamLeavesOut decides what the note names without building the Components or the cloud side:
// it must name exactly the parts the full render writes, on every example and on variants of
// them with other kinds of bindings (no workloads, ServiceAccounts made elsewhere, none at all).
const PART_PREFIXES = ['helm/', 'kustomize/cert-manager/', 'kustomize/namespaces/', 'cloud/'];
type Raw = { bindings?: { serviceAccount: { create?: boolean }; workloads?: unknown[] }[] };
const variants: [string, (spec: Raw) => void][] = [
  ['as is', () => undefined],
  ['no workloads', (spec) => spec.bindings?.forEach((b) => delete b.workloads)],
  ['ServiceAccounts made elsewhere, no workloads', (spec) => spec.bindings?.forEach((b) => ((b.serviceAccount.create = false), delete b.workloads))],
  ['no bindings', (spec) => delete spec.bindings],
];
const cases = exampleNames().flatMap((name) =>
  variants.flatMap(([variant, change]) => {
    const file = join(examplesDir, name, 'spec.yaml');
    const spec = parse(readFileSync(file, 'utf8')) as Raw;
    change(spec);
    const loaded = loadSpec(stringify(spec), { file });
    return loaded.ok ? [{ label: `${name}, ${variant}`, model: loaded.model }] : [];
  }),
);
const writtenParts = (model: (typeof cases)[number]['model']) => PART_PREFIXES.filter((p) => render(model).files.some((f) => f.path.startsWith(p)));

test('streamLeavesOut names exactly the parts the full render writes', () => {
  assert.ok(cases.length >= exampleNames().length * 3, `${cases.length} specs`);
  for (const { label, model } of cases) assert.equal(streamLeavesOut(model), writtenParts(model), label);
  // The variants reach both answers for the Components, whose check is written apart from them
  // (the cloud side's is the same call the render makes; every method has one for these specs).
  const answers = new Set(cases.map(({ model }) => writtenParts(model).includes('kustomize/namespaces/')));
  assert.equal([...answers].sort(), [false, true]);
  // A check that forgot the namespace Components would be caught.
  assert.ok(cases.some(({ model }) => JSON.stringify(streamLeavesOut(model).filter((p) => p !== 'kustomize/namespaces/')) !== JSON.stringify(writtenParts(model))));
});

test.run();
