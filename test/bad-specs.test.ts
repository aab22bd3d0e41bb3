// Bad specs: every problem reported at once as `file:line:col: path: message`, exit code 2,
// nothing on stdout, no stack trace. Table-driven (test/support/table.ts), literal YAML in, exact
// lines out, run in-process through main(); one case also through the built bundle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './support/wi-gen.js';
import { tmpDir } from './support/tools.js';
import { DNS01_PROVIDERS } from '../src/schema/dns01.js';
import { badSpec, cliTable, runCase } from './support/table.js';

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

cliTable('bad spec', cases.map((c) => badSpec(c.name, c.spec, c.stderr)));

cliTable('usage error', [
  { name: 'no spec', argv: [], code: 2, stdout: '', stderr: ['wi-gen: no spec given (see wi-gen --help)'] },
  { name: 'unknown option', argv: ['--bogus', 'x.yaml'], code: 2, stdout: '', stderr: ['wi-gen: unknown option --bogus (see wi-gen --help)'] },
  { name: 'missing file', argv: ['missing.yaml'], code: 2, stdout: '', stderr: ['wi-gen: missing.yaml: no such file'] },
  { name: 'two specs without render', argv: ['a.yaml', 'b.yaml'], code: 2, stdout: '', stderr: ['wi-gen: one spec at a time; use wi-gen render a.yaml b.yaml for several'] },
]);

test('table: a case whose output differs from its expectation fails', () => {
  const c = cases[0] as (typeof cases)[number];
  // uvu's assert.throws rethrows assertion errors, so catch them here.
  const failure = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      return (error as Error).message;
    }
    return 'passed';
  };
  assert.is(failure(() => runCase(badSpec('planted', c.spec, ['spec.yaml:1:1: not what the CLI says']))), 'stderr');
  assert.match(failure(() => runCase({ ...badSpec('planted', c.spec, c.stderr), code: 0 })), /^exit code/);
});

test('bundle smoke test: the built CLI refuses a bad spec the same way, as a child process', () => {
  const c = cases[0] as (typeof cases)[number];
  const dir = tmpDir('wi-gen-bad-bundle-');
  writeFileSync(join(dir, 'spec.yaml'), c.spec);
  const r = cli(['spec.yaml'], { cwd: dir });
  assert.equal({ code: r.code, stdout: r.stdout, stderr: r.stderr.trimEnd().split('\n') }, { code: 2, stdout: '', stderr: c.stderr });
});

test.run();
