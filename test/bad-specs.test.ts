// Bad specs: every problem reported at once as `file:line:col: path: message`, exit code 2,
// nothing on stdout, no stack trace. Table-driven, literal YAML in, exact lines out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './support/wi-gen.js';
import { tmpDir } from './support/tools.js';
import { DNS01_PROVIDERS } from '../src/spec/dns01.js';

const HEAD = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  gke: {project: acme-prod}
`;

const cases: { name: string; spec: string; stderr: string[] }[] = [
  {
    name: 'unknown key, with a suggestion',
    spec: `${HEAD}identities:
  - name: dns
    gke:
      serviceAcount: dns-solver@acme-prod.iam.gserviceaccount.com
`,
    stderr: [
      'spec.yaml:9:7: identities[0].gke.serviceAcount: unknown key "serviceAcount" (did you mean "serviceAccount"?)',
    ],
  },
  {
    name: 'wrong project ID',
    spec: `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  gke: {project: Acme_Prod}
identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}
`,
    stderr: ['spec.yaml:5:18: cluster.gke.project: must be 6-30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen'],
  },
  {
    name: 'missing identity',
    spec: `${HEAD}identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}
bindings:
  - identity: dsn
    serviceAccount: {namespace: apps, name: api}
`,
    stderr: ['spec.yaml:10:15: bindings[0].identity: no identity named "dsn" (defined: dns)'],
  },
  {
    name: 'YAML syntax error',
    spec: `${HEAD}identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com
`,
    stderr: ['spec.yaml:9:1: Flow map in block collection must be sufficiently indented and end with a }'],
  },
  {
    name: 'duplicate binding',
    spec: `${HEAD}identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}
bindings:
  - identity: dns
    serviceAccount: {namespace: apps, name: api}
  - identity: dns
    serviceAccount: {namespace: apps, name: api}
`,
    stderr: [
      'spec.yaml:13:21: bindings[1].serviceAccount: ServiceAccount apps/api is already bound by bindings[0].serviceAccount; a ServiceAccount carries one identity',
    ],
  },
  {
    name: "binding that takes cert-manager's own ServiceAccount",
    spec: `${HEAD}identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}
bindings:
  - identity: dns
    serviceAccount: {namespace: cert-manager, name: cert-manager}
certManager:
  identity: dns
`,
    stderr: [
      'spec.yaml:13:3: certManager.serviceAccount: ServiceAccount cert-manager/cert-manager is already bound by bindings[0].serviceAccount; a ServiceAccount carries one identity',
    ],
  },
  {
    name: 'ambient namespaced Issuer without opt-in',
    spec: `${HEAD}identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}
certManager:
  identity: dns
  issuers:
    - name: team
      kind: Issuer
      namespace: team-a
      acme: {server: letsencrypt}
      dns01: {cloudDNS: {project: acme-prod}}
`,
    stderr: [
      'spec.yaml:13:13: certManager.issuers[0].kind: a namespaced Issuer with identity "dns" relies on cert-manager\'s own (ambient) credentials, which cert-manager disables for Issuers by default; use kind: ClusterIssuer, or set certManager.issuerAmbientCredentials: true to pass --issuer-ambient-credentials=true (every tenant that can create an Issuer can then use this identity)',
    ],
  },
  {
    name: 'several problems at once, in file order',
    spec: `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  gke: {project: acme-prod, projectNumber: 123456789012}
identities:
  - name: dns
    gke:
      serviceAccount: not-an-email
      password: hunter2
certManager:
  issuers:
    - name: le
      acme: {server: http://acme.example/directory, email: ops}
      dns01: {cloudDNS: {project: acme-prod}}
`,
    stderr: [
      'spec.yaml:5:44: cluster.gke.projectNumber: must be a string, got number 123456789012: quote it, e.g. "123456789012"',
      'spec.yaml:9:23: identities[0].gke.serviceAccount: must be a Google service account e-mail: NAME@PROJECT.iam.gserviceaccount.com',
      'spec.yaml:10:7: identities[0].gke.password: "password" looks like a secret value; wi-gen specs never hold secrets. Reference a Kubernetes Secret or a Vault path instead, or use a keyless identity method',
      'spec.yaml:14:22: certManager.issuers[0].acme.server: must be letsencrypt, letsencrypt-staging or an https:// ACME directory URL',
      'spec.yaml:14:60: certManager.issuers[0].acme.email: must be an e-mail address such as ops@example.com',
    ],
  },
  {
    name: 'direct principal without project number',
    spec: `${HEAD}identities:
  - name: direct
    gke: {mode: directPrincipal}
`,
    stderr: ['spec.yaml:8:17: identities[0].gke.mode: directPrincipal mode needs cluster.gke.projectNumber for the principal:// members'],
  },
  {
    name: 'metadata-server nodeSelector on Autopilot',
    spec: `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  gke: {project: acme-prod, autopilot: true, metadataServerNodeSelector: true}
identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}
`,
    stderr: [
      'spec.yaml:5:74: cluster.gke.metadataServerNodeSelector: Autopilot rejects the iam.gke.io/gke-metadata-server-enabled nodeSelector; remove it (every Autopilot node runs the metadata server)',
    ],
  },
  {
    name: 'dns01 block without a provider',
    spec: `${HEAD}identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}
certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {}
`,
    stderr: [`spec.yaml:14:14: certManager.issuers[0].dns01: needs one DNS provider block: ${DNS01_PROVIDERS.join(', ')}`],
  },
  {
    name: 'solver provider that the identity cannot authenticate',
    spec: `${HEAD}identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}
certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01:
        azureDNS: {subscriptionID: 11111111-2222-3333-4444-555555555555, resourceGroupName: dns}
`,
    stderr: ['spec.yaml:15:19: certManager.issuers[0].dns01.azureDNS: identity "dns" (gke) authenticates cloudDNS; this solver uses azureDNS'],
  },
  { name: 'empty file', spec: '', stderr: ['spec.yaml:1:1: spec is empty'] },
  {
    name: 'two documents',
    spec: `${HEAD}identities: []\n---\nkind: Other\n`,
    stderr: ["spec.yaml:7:1: a spec is one YAML document; found 2 (remove the extra '---' documents)"],
  },
];

for (const c of cases) {
  test(`bad spec: ${c.name}`, () => {
    const dir = tmpDir('wi-gen-bad-');
    writeFileSync(join(dir, 'spec.yaml'), c.spec);
    const r = cli(['spec.yaml'], { cwd: dir });
    assert.is(r.stdout, '', 'no partial output');
    assert.equal(r.stderr.trimEnd().split('\n'), c.stderr);
    assert.is(r.code, 2);
  });
}

test('usage errors exit 2 with one line', () => {
  for (const args of [[], ['--bogus', 'x.yaml'], ['missing.yaml'], ['a.yaml', 'b.yaml']]) {
    const r = cli(args);
    assert.is(r.code, 2, args.join(' '));
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^wi-gen: /);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test.run();
