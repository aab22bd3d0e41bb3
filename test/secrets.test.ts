// Secret hygiene: the spec cannot hold a secret (schema walk), secret-looking keys are refused
// with a pointer to references, and no generated file of any example looks like a credential.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parse, stringify } from 'yaml';
import { SpecSchema } from '../src/spec/schema.js';
import { loadSpec, formatProblem } from '../src/spec/load.js';
import { exampleNames, examplesDir, readTree, renderFile } from './support/wi-gen.js';
import { scanForSecrets, scanTree } from './support/secret-scan.js';

// ------------------------------------------------------------------------- the schema itself

type JsonSchema = Record<string, unknown>;
const root = z.toJSONSchema(SpecSchema, { io: 'input' }) as JsonSchema;

/** Every schema node with its spec path (`identities[].gke.serviceAccount`). */
function walk(schema: JsonSchema, path: string, visit: (s: JsonSchema, path: string, key: string) => void, key = ''): void {
  const resolved = typeof schema.$ref === 'string' ? (((root.$defs ?? root.definitions) as Record<string, JsonSchema>)[schema.$ref.split('/').pop() as string] as JsonSchema) : schema;
  visit(resolved, path, key);
  for (const [k, child] of Object.entries((resolved.properties ?? {}) as Record<string, JsonSchema>)) walk(child, path ? `${path}.${k}` : k, visit, k);
  if (resolved.items && typeof resolved.items === 'object') walk(resolved.items as JsonSchema, `${path}[]`, visit, key);
  if (resolved.additionalProperties && typeof resolved.additionalProperties === 'object') walk(resolved.additionalProperties as JsonSchema, `${path}.*`, visit, '*');
  for (const combo of ['anyOf', 'oneOf', 'allOf'] as const) for (const s of (resolved[combo] ?? []) as JsonSchema[]) walk(s, path, visit, key);
}

const SECRET_NAME = /secret|password|passwd|private.?key|token|credential|key\.?json|access.?key|api.?key|certificate|sas/i;
/** Spec paths whose free text the renderer never uses (KRM metadata) or validates in code. */
const FREE_TEXT_ALLOWED = new Map([
  ['metadata.name', 'KRM function config metadata; ignored by the renderer'],
  ['metadata.annotations.*', 'KRM function config metadata; ignored by the renderer'],
  ['metadata.labels.*', 'KRM function config metadata; ignored by the renderer'],
  ['certManager.issuers[].acme.server', 'an alias or an https:// URL without user info, refined in code'],
  ['cluster.eks.oidcProviderARN', 'parsed as an IAM OIDC-provider ARN in code, with a targeted message'],
  ['identities[].awsIrsa.roleARN', 'parsed as an IAM role ARN in code (superRefine)'],
  ['identities[].awsPodIdentity.roleARN', 'parsed as an IAM role ARN in code (superRefine)'],
  ['identities[].awsServiceAccountRef.roleARN', 'parsed as an IAM role ARN in code (superRefine)'],
  ['identities[].awsServiceAccountRef.audience', 'safeText plus a one-word pattern; zod writes two patterns as allOf'],
  ['identities[].azureWorkloadIdentity.roles[].role', 'a known built-in role name or a GUID, refined in code'],
  ['identities[].aadPodIdentity.roles[].role', 'a known built-in role name or a GUID, refined in code'],
]);
/** Secret-sounding names that hold configuration, not a value. */
const SECRET_NAME_ALLOWED = new Map([
  ['identities[].azureServicePrincipalVault.vaultDynamicSecret', 'settings of the VaultDynamicSecret object: names and a percentage'],
]);

test('schema: every field whose name sounds like a secret is a switch or a reference, never a value', () => {
  const offenders: string[] = [];
  walk(root, '', (s, path, key) => {
    if (!SECRET_NAME.test(key)) return;
    if (s.type === 'boolean' || s.type === 'integer' || s.type === 'number') return; // switches and lifetimes
    if (SECRET_NAME_ALLOWED.has(path)) return;
    const isRefName = /(Ref|SecretName|Name|Path)$/.test(key);
    const props = Object.keys((s.properties ?? {}) as object);
    const refObject = s.type === 'object' && props.length > 0 && props.every((p) => ['name', 'key', 'namespace', 'path', 'mount'].includes(p));
    const refString = s.type === 'string' && typeof s.pattern === 'string';
    if (isRefName && (refObject || refString)) return;
    offenders.push(`${path}: ${JSON.stringify(s).slice(0, 120)}`);
  });
  assert.equal(offenders, []);
});

test('schema: every string is constrained by a pattern, enum or const (no free text that could carry a key)', () => {
  const free: string[] = [];
  walk(root, '', (s, path) => {
    if (s.type !== 'string') return;
    if (typeof s.pattern === 'string' || Array.isArray(s.enum) || 'const' in s) return;
    if (!FREE_TEXT_ALLOWED.has(path)) free.push(path);
  });
  assert.equal(free, []);
});

test('schema: no open maps beyond KRM metadata; every object is closed', () => {
  const open: string[] = [];
  walk(root, '', (s, path) => {
    if (s.type !== 'object') return;
    if (s.additionalProperties === false) return;
    if (path === 'metadata' || path === 'metadata.annotations' || path === 'metadata.labels') return;
    open.push(path);
  });
  assert.equal(open, []);
});

// ------------------------------------------------------------------- secret-looking keys

const BASE = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  gke: {project: acme-prod}
identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}
bindings:
  - identity: dns
    serviceAccount: {namespace: apps, name: api}
certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {cloudDNS: {project: acme-prod}}
`;

const SECRET_KEYS = ['clientSecret', 'password', 'key.json', 'privateKey', 'serviceAccountKey', 'token', 'credentials', 'accessKey', 'apiKey', 'secretAccessKey'];
const LOCATIONS: (string | number)[][] = [
  [],
  ['cluster'],
  ['cluster', 'gke'],
  ['identities', 0],
  ['identities', 0, 'gke'],
  ['bindings', 0],
  ['bindings', 0, 'serviceAccount'],
  ['certManager'],
  ['certManager', 'issuers', 0],
  ['certManager', 'issuers', 0, 'acme'],
  ['certManager', 'issuers', 0, 'dns01'],
  ['certManager', 'issuers', 0, 'dns01', 'cloudDNS'],
];

const SECRET_MESSAGE = /: "[^"]+" looks like a secret value; wi-gen specs never hold secrets\. Reference a Kubernetes Secret or a Vault path instead, or use a keyless identity method$/;

test(`secret-looking keys are refused with a pointer to references (${SECRET_KEYS.length} keys × ${LOCATIONS.length} places)`, () => {
  for (const key of SECRET_KEYS) {
    for (const at of LOCATIONS) {
      const spec = parse(BASE) as Record<string, unknown>;
      let node: Record<string | number, unknown> = spec;
      for (const part of at) node = node[part] as Record<string | number, unknown>;
      node[key] = 'c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtYmUtaGVyZQ==';
      const text = stringify(spec);
      const loaded = loadSpec(text, { file: 'spec.yaml' });
      assert.ok(!loaded.ok, `${key} at ${at.join('.')} accepted`);
      const lines = loaded.problems.map(formatProblem);
      const expectedPath = [...at, key].map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
      const hit = lines.find((l) => l.includes(` ${expectedPath}: `));
      assert.ok(hit, `${key} at ${at.join('.')}: ${lines.join('\n')}`);
      assert.match(hit as string, SECRET_MESSAGE, hit);
      // It points at the key's own line and column.
      const [, line, col] = /^spec\.yaml:(\d+):(\d+):/.exec(hit as string) as RegExpExecArray;
      const lineText = text.split('\n')[Number(line) - 1] as string;
      assert.ok(lineText.slice(Number(col) - 1).startsWith(key.includes('.') ? key : key), `${hit} → ${lineText}`);
    }
  }
});

test('a near-miss of a real key that contains "token" is a typo, not a secret', () => {
  const text = BASE.replace('serviceAccount: {namespace: apps, name: api}', 'serviceAccount: {namespace: apps, name: api, automountTokens: true}');
  const loaded = loadSpec(text, { file: 'spec.yaml' });
  assert.ok(!loaded.ok);
  assert.equal(loaded.problems.map(formatProblem), ['spec.yaml:11:50: bindings[0].serviceAccount.automountTokens: unknown key "automountTokens" (did you mean "automountToken"?)']);
});

// ---------------------------------------------------------------------------- the scanner

/** Credential-shaped fixtures, assembled at run time so this file itself trips no scanner. */
const FAKE = {
  pem: ['-----BEGIN', 'RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA', 'PRIVATE KEY-----'].join(' '),
  pemEc: ['-----BEGIN', 'EC PRIVATE KEY-----'].join(' '),
  gcpKey: JSON.stringify({ type: ['service', 'account'].join('_'), project_id: 'p', private_key_id: 'a'.repeat(40), private_key: 'x' }),
  awsId: ['AKIA', 'IOSFODNN7EXAMPLE'].join(''),
  awsTemp: ['ASIA', 'Y34FZKBOKMUTVV7A'].join(''),
  awsSecret: `aws_secret_access_key = ${'wJalrXUtnFEMI/K7MDENG/bPxRfiCY'}EXAMPLEKEY`,
  azure: ['abc', '8Q~', 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0'].join('').slice(0, 40),
  secretData: ['apiVersion: v1', 'kind: Secret', 'metadata: {name: s}', 'data:', '  client_secret: c2VjcmV0'].join('\n'),
  base64: Buffer.from(Array.from({ length: 120 }, (_, i) => (i * 7919) % 256)).toString('base64'),
  password: 'password: hunter2hunter2',
};

test('scanner: flags each credential shape', () => {
  for (const [name, text] of Object.entries(FAKE)) {
    assert.ok(scanForSecrets(`prefix\n${text}\nsuffix\n`).length > 0, `${name} not flagged: ${text}`);
  }
});

test('scanner: quiet on what wi-gen legitimately writes', () => {
  const clean = [
    'iam.gke.io/gcp-service-account: dns01-solver@acme-prod-dns.iam.gserviceaccount.com',
    'privateKeySecretRef:\n  name: letsencrypt-account-key',
    'clientSecretSecretRef: {name: azuredns-config, key: client_secret}',
    'vault write azure/config client_secret="$AZURE_CLIENT_SECRET" tenant_id=00000000-0000-0000-0000-000000000000',
    'subject: system:serviceaccount:cert-manager:cert-manager',
    'principal://iam.googleapis.com/projects/731942650118/locations/global/workloadIdentityPools/shop-prod-1234.svc.id.goog/subject/ns/shop/sa/web',
    `sha256: ${'0123456789abcdef'.repeat(4)}`,
    'apiVersion: v1\nkind: Secret\nmetadata: {name: placeholder}\n',
  ];
  for (const text of clean) assert.equal(scanForSecrets(text), [], text);
});

for (const name of exampleNames()) {
  test(`${name}: no generated file (committed tree and fresh render) looks like a credential`, () => {
    assert.equal(scanTree(readTree(join(examplesDir, name, 'out'))), []);
    assert.equal(scanTree(renderFile(join(examplesDir, name, 'spec.yaml')).files), []);
    assert.equal(scanForSecrets(readFileSync(join(examplesDir, name, 'spec.yaml'), 'utf8')), []);
  });
}

test.run();
