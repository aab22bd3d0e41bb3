// The committed JSON Schema (schema/wi-gen.schema.json) is what `wi-gen schema` prints, editors can
// use it (draft 2020-12, compiled by ajv), and it agrees with the zod schema on real specs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { exampleNames, examplesDir, repoRoot, wiGen } from './support/wi-gen.js';
import { specJsonSchema, SCHEMA_FILE } from '../src/cli/schema.js';
import { specSchema, specSchemaFor } from '../src/spec/schema.js';

const committed = readFileSync(join(repoRoot, SCHEMA_FILE), 'utf8');

test('schema/wi-gen.schema.json is fresh (run npm run schema after changing the spec)', () => {
  assert.ok(committed === specJsonSchema(), 'schema/wi-gen.schema.json is stale: run npm run schema');
  const r = wiGen(['schema']);
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.stdout === committed, 'wi-gen schema (the bundle) prints the committed schema');
});

test('every field of the schema carries a description', () => {
  const schema = JSON.parse(committed) as Record<string, unknown>;
  const undescribed: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return;
    const props = (node as { properties?: Record<string, unknown> }).properties;
    for (const [k, v] of Object.entries(props ?? {})) {
      const field = v as { description?: string; items?: { description?: string } };
      if (!field.description && !field.items?.description) undescribed.push(`${path}.${k}`);
      walk(v, `${path}.${k}`);
    }
    for (const key of ['items', 'additionalProperties'] as const) walk((node as Record<string, unknown>)[key], `${path}[]`);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) for (const b of ((node as Record<string, unknown[]>)[key] ?? [])) walk(b, path);
  };
  walk(schema, '');
  // metadata's own keys are Kubernetes ObjectMeta, described by the metadata field itself.
  assert.equal(undescribed.filter((p) => !p.startsWith('.metadata.')), []);
});

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(committed) as object);

test('the examples validate against the JSON Schema, and start with the schema line', () => {
  for (const name of exampleNames()) {
    const text = readFileSync(join(examplesDir, name, 'spec.yaml'), 'utf8');
    assert.is(text.split('\n')[0], '# yaml-language-server: $schema=../../schema/wi-gen.schema.json', name);
    assert.ok(validate(parse(text)), `${name}: ${JSON.stringify(validate.errors)}`);
  }
});

test('the JSON Schema rejects what zod rejects: unknown keys, a bad e-mail, an unfilled template', () => {
  const base = parse(readFileSync(join(examplesDir, 'gke-cert-manager', 'spec.yaml'), 'utf8')) as Record<string, any>;
  const typo = structuredClone(base);
  typo.cluster.gke.projcet = 'x';
  assert.not.ok(validate(typo));
  const email = structuredClone(base);
  email.identities[0].gke.serviceAccount = 'nope';
  assert.not.ok(validate(email));
  for (const f of readdirSync(join(repoRoot, 'templates')).filter((t) => t.endsWith('.yaml'))) {
    assert.not.ok(validate(parse(readFileSync(join(repoRoot, 'templates', f), 'utf8'))), f);
  }
});

// A render parses with specSchemaFor (only the named methods' blocks built, for start-up): it must
// answer exactly as the whole schema, on good specs and on the mistakes the identity schema catches.
test('the schema a render parses with answers as the whole schema', () => {
  const specs: unknown[] = exampleNames().map((name) => parse(readFileSync(join(examplesDir, name, 'spec.yaml'), 'utf8')));
  const base = specs[0] as Record<string, unknown>;
  const gke = { serviceAccount: 'a@p.iam.gserviceaccount.com' };
  const variants: unknown[] = [
    { ...base, identities: [{ name: 'a', gke, awsIrsa: { roleArn: 'arn:aws:iam::123456789012:role/r' } }] },
    { ...base, identities: [{ name: 'a' }] },
    { ...base, identities: [{ name: 'a', gke: null }] },
    { ...base, identities: [{ name: 'a', gke: { serviceAccount: 'not-an-email', bogus: 1 } }] },
    { ...base, identities: [{ name: 'a', gkee: gke }] },
    { ...base, identities: 'none' },
    null,
    // metadata (a KRM function config's) is built only where named too.
    { ...base, metadata: { name: 'wi-gen', labels: { a: 'b' }, annotations: { c: 1 } } },
    { ...base, metadata: null },
    { ...base, metadata: { bogus: [] } },
  ];
  // The cluster's cloud blocks, certManager and the dns01 providers are built only where named too.
  const cluster = base.cluster as Record<string, unknown>;
  const certManager = (specs.find((s) => (s as { certManager?: unknown }).certManager) as { certManager: { issuers: { dns01: Record<string, unknown> }[] } }).certManager;
  const issuer = certManager.issuers[0] as { dns01: Record<string, unknown> };
  const withDns01 = (dns01: unknown) => ({ ...base, certManager: { ...certManager, issuers: [{ ...issuer, dns01 }] } });
  variants.push(
    { ...base, cluster: { ...cluster, aks: { tenantID: 'not-a-guid' } } },
    { ...base, cluster: { ...cluster, eks: null, gkee: {} } },
    { ...base, cluster: { name: cluster.name, aks: { tenantID: '00000000-0000-0000-0000-000000000000', oidcIssuerURL: 'https://x' } } },
    { ...base, cluster: 'gke' },
    { ...base, certManager: null },
    { ...base, certManager: { ...certManager, issuers: 'none' } },
    withDns01({ ...issuer.dns01, route53: { hostedZoneID: 'lower' } }),
    withDns01({ azureDNS: { subscriptionID: 'x', resourceGroupName: 'rg', environment: 'AzureGermanCloud' } }),
    withDns01({ cloudDNSS: {} }),
    withDns01(null),
  );
  let partial = 0;
  for (const raw of [...specs, ...variants]) {
    const schema = specSchemaFor(raw);
    if (schema !== specSchema()) partial++;
    const got = schema.safeParse(raw, { jitless: true });
    const want = specSchema().safeParse(raw, { jitless: true });
    assert.equal(JSON.stringify(got), JSON.stringify(want), JSON.stringify(raw)?.slice(0, 200));
  }
  // Planted: a schema with the named method's block missing answers differently, so the comparison can fail.
  const blind = specSchemaFor({ identities: [{ awsIrsa: {} }] });
  assert.not.equal(JSON.stringify(blind.safeParse(variants[3])), JSON.stringify(specSchema().safeParse(variants[3])));
  const aksVariant = variants.find((v) => JSON.stringify(v).includes('not-a-guid'));
  const blindToAks = specSchemaFor({ ...(aksVariant as object), cluster: { name: 'c' } });
  assert.not.equal(JSON.stringify(blindToAks.safeParse(aksVariant)), JSON.stringify(specSchema().safeParse(aksVariant)));
  const metadataVariant = { ...base, metadata: { name: 'wi-gen', labels: { a: 1 } } };
  const blindToMetadata = specSchemaFor(base);
  assert.not.equal(JSON.stringify(blindToMetadata.safeParse(metadataVariant)), JSON.stringify(specSchema().safeParse(metadataVariant)));
  assert.ok(partial >= specs.length, 'the examples parse with partial schemas');
});

test.run();
