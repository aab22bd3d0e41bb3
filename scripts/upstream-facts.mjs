#!/usr/bin/env node
// Makes test/upstream/: the facts about upstream APIs the tests check wi-gen's output against, kept in the
// project so that `npm test` needs nothing beside the repository.
//
//   node scripts/upstream-facts.mjs                 write test/upstream/ from ../shared/upstream
//   node scripts/upstream-facts.mjs --check         exit 1 (and name the files) when test/upstream/ is stale
//   node scripts/upstream-facts.mjs --from DIR      read upstream files from DIR instead of ../shared/upstream
//                                                   (same layout: DIR/cert-manager-v1.21.1/..., DIR/terraform-providers/...)
//
// What is kept is facts, never prose: for CRD schemas and the cert-manager chart's values.schema.json, only the
// keywords a validator acts on (type, properties, required, enum, pattern, format, lengths, bounds, the
// x-kubernetes-* structural markers, ...); every `description`, `default`, `example` and CEL rule (whose
// `message` is text) is dropped. For Terraform provider schemas, only the resource and data-source types wi-gen
// emits (every `<provider>_<name>` string in src/ that the provider defines, plus a short list below), with
// all their arguments. Each output file says where it came from in a `$comment`.
//
// test/upstream-facts.test.ts runs buildUpstreamFacts() in memory and fails when the committed copy differs.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the trimmed copy lives, relative to the repository. */
export const FACTS_DIR = 'test/upstream';
export const REGENERATE = 'node scripts/upstream-facts.mjs';

/** The upstream sources, by folder of ../shared/upstream; facts for the provenance note (from each SOURCE.md). */
const CRD_SOURCES = {
  'cert-manager-v1.21.1': {
    upstream: 'github.com/cert-manager/cert-manager',
    version: 'v1.21.1',
    files: { 'cert-manager.io_issuers.yaml': 'deploy/crds/cert-manager.io_issuers.yaml', 'cert-manager.io_clusterissuers.yaml': 'deploy/crds/cert-manager.io_clusterissuers.yaml' },
  },
  'vault-secrets-operator-v1.4.1': {
    upstream: 'github.com/hashicorp/vault-secrets-operator',
    version: 'v1.4.1',
    files: {
      'secrets.hashicorp.com_vaultauths.yaml': 'config/crd/bases/secrets.hashicorp.com_vaultauths.yaml',
      'secrets.hashicorp.com_vaultconnections.yaml': 'config/crd/bases/secrets.hashicorp.com_vaultconnections.yaml',
      'secrets.hashicorp.com_vaultdynamicsecrets.yaml': 'config/crd/bases/secrets.hashicorp.com_vaultdynamicsecrets.yaml',
    },
  },
  'config-connector': {
    upstream: 'github.com/GoogleCloudPlatform/k8s-config-connector',
    version: 'v1.155.1',
    files: Object.fromEntries(
      ['iamcustomroles', 'iampolicymembers', 'iamserviceaccounts'].map((k) => {
        const f = `apiextensions.k8s.io_v1_customresourcedefinition_${k}.iam.cnrm.cloud.google.com.yaml`;
        return [f, `config/crds/resources/${f}`];
      }),
    ),
  },
  'azure-service-operator': {
    upstream: 'github.com/Azure/azure-service-operator',
    version: 'commit 289c45c77eb148ecc6b1b7206186e2c19b028e1c',
    files: Object.fromEntries(
      ['authorization.azure.com_roleassignments', 'managedidentity.azure.com_federatedidentitycredentials', 'managedidentity.azure.com_userassignedidentities']
        .map((f) => [`${f}.yaml`, `v2/config/crd/bases/${f}.yaml`]),
    ),
  },
  'aad-pod-identity': {
    upstream: 'github.com/Azure/aad-pod-identity',
    version: 'v1.8.17',
    files: { 'aadpodidentity.k8s.io.yaml': 'config/crd/aadpodidentity.k8s.io.yaml' },
  },
};

const HELM_SOURCE = {
  dir: 'cert-manager-v1.21.1',
  file: 'values.schema.json',
  upstream: 'github.com/cert-manager/cert-manager',
  version: 'v1.21.1',
  path: 'deploy/charts/cert-manager/values.schema.json',
};

/** Terraform provider schemas (../shared/upstream/terraform-providers/SOURCE.md says how each was extracted). */
const TERRAFORM_SOURCES = ['google.json', 'azurerm.json', 'azuread.json', 'aws.json', 'aws-5.100.0.json', 'vault.json', 'kubernetes.json'];

/**
 * Types kept although no method emits them yet: the lookups and grants a method of this kind is most likely to
 * add next (caller/client config, the cluster, the zone, the policy document). A few kilobytes; they spare a
 * regeneration when a method starts using one.
 */
const EXTRA_TERRAFORM_TYPES = [
  'google_client_config', 'google_project', 'google_dns_managed_zone', 'google_container_cluster', 'google_project_iam_binding',
  'google_service_account_iam_binding', 'google_dns_managed_zone_iam_binding', 'google_dns_managed_zone_iam_policy',
  'azurerm_client_config', 'azurerm_subscription', 'azurerm_resource_group', 'azurerm_dns_zone', 'azurerm_private_dns_zone',
  'azurerm_role_definition', 'azuread_application', 'azuread_service_principal', 'azuread_application_federated_identity_credential',
  'aws_caller_identity', 'aws_partition', 'aws_region', 'aws_eks_cluster', 'aws_iam_policy', 'aws_iam_policy_document',
  'aws_iam_role_policy_attachments_exclusive', 'aws_route53_zone',
  'vault_mount', 'vault_auth_backend', 'vault_kubernetes_auth_backend_config', 'vault_azure_access_credentials',
  'kubernetes_service_account', 'kubernetes_service_account_v1', 'kubernetes_namespace_v1',
];

// ------------------------------------------------------------------------------------------------ helpers

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const isRecord = (x) => typeof x === 'object' && x !== null && !Array.isArray(x);
/** Stable JSON: keys sorted at every level, two-space indent, one trailing newline. */
function stableJson(value) {
  const sort = (v) => (Array.isArray(v) ? v.map(sort) : isRecord(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v);
  return `${JSON.stringify(sort(value), null, 1)}\n`;
}

// ------------------------------------------------------------------------------------------------ JSON schemas

/** Keywords kept in a schema node; their values are plain data (strings, numbers, lists of names, enum values). */
const VALUE_KEYWORDS = new Set([
  'type', 'required', 'enum', 'const', 'pattern', 'format', 'nullable', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minProperties',
  'maxProperties', '$ref', '$schema',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type',
]);
/** Keywords whose value is a schema (or, for additionalProperties, a boolean). */
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = new Set(['properties', '$defs', 'definitions', 'patternProperties']);
/** Dropped on purpose: prose, or data a validator does not act on. Anything not listed anywhere is an error. */
const DROPPED_KEYWORDS = new Set(['description', 'title', 'default', 'example', 'examples', '$comment', 'x-kubernetes-validations']);

/** A copy of a JSON schema node with only the keywords a validator uses. Throws on a keyword it does not know. */
export function trimSchema(node, where = '#') {
  if (typeof node === 'boolean') return node;
  if (!isRecord(node)) throw new Error(`${where}: not a schema`);
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (DROPPED_KEYWORDS.has(k)) continue;
    if (VALUE_KEYWORDS.has(k)) out[k] = v;
    else if (SCHEMA_KEYWORDS.has(k)) out[k] = trimSchema(v, `${where}/${k}`);
    else if (SCHEMA_LIST_KEYWORDS.has(k)) out[k] = v.map((s, i) => trimSchema(s, `${where}/${k}/${i}`));
    else if (SCHEMA_MAP_KEYWORDS.has(k)) out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, trimSchema(s, `${where}/${k}/${n}`)]));
    else throw new Error(`${where}: keyword ${JSON.stringify(k)} is neither kept nor known to be droppable; decide in scripts/upstream-facts.mjs`);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ builders

function crdFacts(upstreamDir, dir, file, meta) {
  const text = readFileSync(join(upstreamDir, dir, file), 'utf8');
  const crds = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${dir}/${file}: ${doc.errors[0].message}`);
    const crd = doc.toJS({ maxAliasCount: -1 });
    if (!isRecord(crd) || crd.kind !== 'CustomResourceDefinition') continue;
    if (crd.apiVersion !== 'apiextensions.k8s.io/v1') throw new Error(`${dir}/${file}: only apiextensions.k8s.io/v1 CRDs are supported`);
    const { group, scope, names, versions } = crd.spec;
    crds.push({
      group,
      kind: names.kind,
      scope,
      versions: versions.map((v) => ({
        name: v.name,
        served: v.served !== false,
        schema: trimSchema(v.schema.openAPIV3Schema, `${file}#${v.name}`),
      })),
    });
  }
  return {
    $comment:
      `Facts from ${meta.upstream} ${meta.version}, ${meta.files[file]} (sha256 ${sha256(text)}): the CRDs' ` +
      'openAPIV3Schema per version with descriptions, defaults and CEL rules removed. ' +
      `Made by ${REGENERATE} from ../shared/upstream/${dir}/${file}; do not edit.`,
    crds,
  };
}

function helmFacts(upstreamDir) {
  const { dir, file } = HELM_SOURCE;
  const text = readFileSync(join(upstreamDir, dir, file), 'utf8');
  const schema = trimSchema(JSON.parse(text));
  return {
    $comment:
      `Facts from ${HELM_SOURCE.upstream} ${HELM_SOURCE.version}, ${HELM_SOURCE.path} (sha256 ${sha256(text)}): ` +
      'descriptions and defaults removed. ' +
      `Made by ${REGENERATE} from ../shared/upstream/${dir}/${file}; do not edit.`,
    ...schema,
  };
}

/** Every `<provider>_<name>` token in src/**\/*.ts: a superset of the Terraform types wi-gen can emit. */
export function typeNamesInSource(root = repoRoot) {
  const names = new Set(EXTRA_TERRAFORM_TYPES);
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/\b(?:google|azurerm|azuread|aws|vault|kubernetes)_[a-z0-9_]+\b/g)) names.add(m[0]);
      }
    }
  };
  walk(join(root, 'src'));
  return names;
}

/** Keeps the marks the checker reads; `deprecated` may carry upstream text, so it becomes a plain flag. */
function trimArguments(args) {
  const out = {};
  for (const [name, a] of Object.entries(args)) {
    const copy = {};
    for (const [k, v] of Object.entries(a)) {
      if (k === 'arguments') copy[k] = trimArguments(v);
      else if (k === 'deprecated') copy[k] = Boolean(v);
      else if (k === 'description') continue;
      else copy[k] = v;
    }
    out[name] = copy;
  }
  return out;
}

function terraformFacts(upstreamDir, file, wanted) {
  const text = readFileSync(join(upstreamDir, 'terraform-providers', file), 'utf8');
  const s = JSON.parse(text);
  const pick = (types) =>
    Object.fromEntries(Object.keys(types).filter((t) => wanted.has(t)).sort().map((t) => [t, { ...types[t], arguments: trimArguments(types[t].arguments) }]));
  const source = s.source?.kind === 'npm' ? `npm ${s.source.package}@${s.source.package_version}` : String(s.source?.kind);
  const out = {
    $comment:
      `Facts from the Terraform provider ${s.provider} ${s.version} (schema extracted from ${source}; ` +
      `see ../shared/upstream/terraform-providers/SOURCE.md; ${file} sha256 ${sha256(text)})` +
      (s.patched ? `, patched to ${s.patched.version} for ${s.patched.types.join(', ')}` : '') +
      '. Only the resource and data-source types wi-gen emits (names found in src/) and a few it may. ' +
      `Made by ${REGENERATE} from ../shared/upstream/terraform-providers/${file}; do not edit.`,
    provider: s.provider,
    version: s.version,
    provider_config: { ...s.provider_config, arguments: trimArguments(s.provider_config.arguments) },
    resources: pick(s.resources),
    data_sources: pick(s.data_sources),
  };
  if (s.patched) out.patched = { version: s.patched.version, types: s.patched.types };
  // aws-5.100.0.json covers only these families of types: a type outside them is not unknown, just not checked there.
  if (s.restricted_to) out.restricted_to = { families: s.restricted_to.families };
  return out;
}

/**
 * Everything test/upstream/ should hold, as relative path → file text, built from `upstreamDir`
 * (normally ../shared/upstream). Deterministic: the same inputs give the same bytes.
 */
export function buildUpstreamFacts(upstreamDir, root = repoRoot) {
  const files = new Map();
  const put = (path, value) => files.set(path, stableJson(value));
  for (const [dir, meta] of Object.entries(CRD_SOURCES)) {
    for (const file of Object.keys(meta.files)) put(`${dir}/${file.replace(/\.ya?ml$/, '.json')}`, crdFacts(upstreamDir, dir, file, meta));
  }
  put(`${HELM_SOURCE.dir}/${HELM_SOURCE.file}`, helmFacts(upstreamDir));
  const wanted = typeNamesInSource(root);
  for (const file of TERRAFORM_SOURCES) put(`terraform-providers/${file}`, terraformFacts(upstreamDir, file, wanted));
  return files;
}

/** The committed copy, as relative path → file text (every *.json under test/upstream). */
export function readCommittedFacts(root = repoRoot) {
  const base = join(root, FACTS_DIR);
  const files = new Map();
  if (!existsSync(base)) return files;
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) files.set(relative(base, p).split('\\').join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(base);
  return files;
}

/** Paths that differ between what should be there and what is: missing, changed, or no longer made. */
export function staleFacts(expected, actual) {
  const out = [];
  for (const [p, text] of expected) if (actual.get(p) !== text) out.push(actual.has(p) ? `${p} (changed)` : `${p} (missing)`);
  for (const p of actual.keys()) if (!expected.has(p)) out.push(`${p} (no longer made)`);
  return out.sort();
}

export function defaultUpstreamDir(root = repoRoot) {
  const shared = process.env.WI_GEN_SHARED_DIR ? resolve(process.env.WI_GEN_SHARED_DIR) : resolve(root, '..', 'shared');
  return join(shared, 'upstream');
}

function main(argv) {
  const check = argv.includes('--check');
  const fromAt = argv.indexOf('--from');
  const upstreamDir = fromAt >= 0 ? resolve(argv[fromAt + 1] ?? '') : defaultUpstreamDir();
  if (!existsSync(upstreamDir)) {
    process.stderr.write(`upstream-facts: ${upstreamDir} not found (pass --from DIR, or set WI_GEN_SHARED_DIR)\n`);
    return 2;
  }
  const expected = buildUpstreamFacts(upstreamDir);
  const stale = staleFacts(expected, readCommittedFacts());
  if (check) {
    if (stale.length === 0) return 0;
    process.stderr.write(`upstream-facts: ${FACTS_DIR}/ is stale; run ${REGENERATE}\n${stale.map((s) => `  ${s}\n`).join('')}`);
    return 1;
  }
  rmSync(join(repoRoot, FACTS_DIR), { recursive: true, force: true });
  for (const [p, text] of expected) {
    const target = join(repoRoot, FACTS_DIR, p);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  process.stdout.write(`upstream-facts: wrote ${expected.size} files to ${FACTS_DIR}/ (${[...expected.values()].reduce((n, t) => n + t.length, 0)} bytes)\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
