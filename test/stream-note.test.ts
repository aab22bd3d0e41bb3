// `wi-gen SPEC` says on stderr what its stream leaves out, once, with the -o command; --quiet
// silences it, and a tree the stream covers whole gets no note.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { cli, examplesDir } from './support/wi-gen.js';
import { streamNote } from '../src/cli/stream-note.js';

const helm = join('examples', 'gke-cert-manager', 'spec.yaml');

test('a Helm install: one line naming the Helm values and the cloud side, and the -o command', () => {
  const r = cli([helm]);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines, [
    `wi-gen: this stream holds only the Kubernetes objects wi-gen owns; the cert-manager Helm values and the cloud side (scripts and Terraform) are written by: wi-gen ${helm} -o ${join('examples', 'gke-cert-manager', 'out')} (--quiet hides this note)`,
  ]);
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

test.run();
