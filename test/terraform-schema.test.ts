// Every Terraform block wi-gen writes is checked against the provider schemas in test/upstream/terraform-providers/
// (test/support/terraform-schema.ts), for every example and every template filled in; and each kind of problem
// the checker knows is shown to be caught on a planted bad block.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { specMatrix } from './support/spec-matrix.js';
import { checkTerraform, versionAllowed, type TerraformFile } from './support/terraform-schema.js';
import { exampleNames, examplesDir, renderText, repoRoot } from './support/wi-gen.js';
import { PLACEHOLDER } from '../src/spec/placeholders.js';
import fc from 'fast-check';
import { loadSpec } from '../src/spec/load.js';
import { render } from '../src/render.js';
import { seedSpecs, specArbitrary } from './support/fuzz.js';

interface SpecCase {
  name: string;
  /** The spec's text and a file name for positions. */
  text: string;
  file: string;
}

/** Every example's spec.yaml. */
function exampleSpecs(): SpecCase[] {
  return exampleNames().map((n) => {
    const file = join(examplesDir, n, 'spec.yaml');
    return { name: `example ${n}`, text: readFileSync(file, 'utf8'), file };
  });
}

/** Every template, its placeholders filled from test/fixtures/template-values.yaml (as templates.test.ts does). */
function templateSpecs(): SpecCase[] {
  const dir = join(repoRoot, 'templates');
  const values = parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'template-values.yaml'), 'utf8')) as Record<string, unknown>;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({
      name: `template ${f.replace(/\.yaml$/, '')}`,
      text: readFileSync(join(dir, f), 'utf8').replace(PLACEHOLDER, (t) => String(values[t.slice(1, -1)])),
      file: f,
    }));
}

/** Variants found by running the checker over fuzzed specs: each once gave a duplicate Terraform address. */
function regressionSpecs(): SpecCase[] {
  const example = (n: string) => readFileSync(join(examplesDir, n, 'spec.yaml'), 'utf8');
  const arn = '        - arn:aws:iam::444455556666:policy/shop-orders-queue-consume';
  const role = '        - roles/bigquery.jobUser';
  const variants: [string, string, string, string][] = [
    ['eks-pod-identity', 'a policy ARN listed twice', arn, `${arn}\n${arn}`],
    ['eks-pod-identity', 'two policy ARNs with the same name on different paths', arn, `${arn}\n        - arn:aws:iam::444455556666:policy/team-b/shop-orders-queue-consume\n        - arn:aws:iam::aws:policy/shop-orders-queue-consume`],
    ['gke-cronjob', 'a role listed twice', role, `${role}\n${role}`],
    ['gke-cronjob', 'a predefined and a custom role with the same ID', role, `${role}\n        - projects/acme-analytics/roles/bigquery.jobUser`],
  ];
  return variants.map(([n, what, from, to]) => {
    const text = example(n);
    if (!text.includes(from)) throw new Error(`examples/${n}/spec.yaml no longer has ${JSON.stringify(from)}: update this variant`);
    return { name: `${n} with ${what}`, text: text.replace(from, to), file: `${n}.yaml` };
  });
}

/**
 * The module as a team adopting existing objects runs it: the .tf files of cloud/terraform/ plus the opt-in
 * import blocks copied in (README "Adopting existing resources"), so those are checked against the module too.
 */
function asAdopted(files: readonly { path: string; content: string }[]): TerraformFile[] {
  return files
    .filter((f) => /^cloud\/terraform\/[^/]+\.tf$/.test(f.path) || f.path === 'cloud/terraform/adopt/imports.tf')
    .map((f) => ({ path: f.path.replace('/adopt/', '/'), content: f.content }));
}

// The specs whose Terraform is checked: examples, filled templates, regressions, and the generated
// specs of the matrix (test/support/spec-matrix.ts), which turn on every option of every method.
const generated: SpecCase[] = specMatrix()
  .filter((s) => s.origin === 'generated')
  .map((s) => ({ name: s.name, text: s.text, file: `${s.name.replace(/\//g, '-')}.yaml` }));
const specs: SpecCase[] = [...exampleSpecs(), ...templateSpecs(), ...regressionSpecs(), ...generated];

const totals = { modules: 0, topLevel: 0, nested: 0, fuzzModules: 0, fuzzBlocks: 0, notes: new Set<string>() };

for (const spec of specs) {
  test(`${spec.name}: every Terraform block matches its provider schema`, () => {
    const rendered = renderText(spec.text, spec.file);
    const files: TerraformFile[] = asAdopted(rendered.files);
    assert.ok(files.length > 0, 'no Terraform rendered');
    const r = checkTerraform(files);
    assert.equal(r.problems, [], r.problems.join('\n'));
    assert.ok(r.blocks.topLevel >= 2, 'a terraform block and at least one more');
    totals.modules++;
    totals.topLevel += r.blocks.topLevel;
    totals.nested += r.blocks.nested;
    for (const n of r.notes) totals.notes.add(`${spec.name}: ${n}`);
  });
}

// Fuzzed variants of the examples and templates (test/support/fuzz.ts), with a fixed seed so that a failure
// reproduces: the specs wi-gen accepts render Terraform that matches the schemas too.
const FUZZ_RUNS = Number(process.env['WI_GEN_TF_FUZZ_RUNS'] ?? 400);
const FUZZ_SEED = Number(process.env['WI_GEN_TF_FUZZ_SEED'] ?? 42);
test(`fuzzed specs (${FUZZ_RUNS}, seed ${FUZZ_SEED}): the Terraform of every accepted one matches the schemas`, () => {
  const failures: string[] = [];
  let accepted = 0;
  for (const c of fc.sample(specArbitrary(seedSpecs()), { numRuns: FUZZ_RUNS, seed: FUZZ_SEED })) {
    const loaded = loadSpec(c.bytes, { file: 'spec.yaml' });
    if (!loaded.ok) continue;
    accepted++;
    const files = asAdopted(render(loaded.model).files);
    if (files.length === 0) continue;
    const r = checkTerraform(files);
    totals.fuzzModules++;
    totals.fuzzBlocks += r.blocks.topLevel + r.blocks.nested;
    if (r.problems.length > 0) failures.push(`${c.category} (${c.seed}):\n  ${r.problems.join('\n  ')}\n  spec: ${JSON.stringify(new TextDecoder().decode(c.bytes))}`);
  }
  assert.ok(accepted > FUZZ_RUNS / 20, `only ${accepted} of ${FUZZ_RUNS} fuzzed specs were accepted`);
  assert.equal(failures, [], failures.slice(0, 3).join('\n\n'));
});

// ------------------------------------------------------------------------------------ planted bad blocks

const VERSIONS = `terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6, < 8"
    }
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 4.65, < 6"
    }
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.31.0, < 7"
    }
    vault = {
      source  = "hashicorp/vault"
      version = ">= 5.11.0, < 6"
    }
  }
}

provider "azurerm" {
  features {}
}
`;

const GOOD = `resource "google_service_account" "app" {
  account_id   = "app"
  display_name = "app"
  project      = "p"
}

resource "google_service_account_iam_member" "app" {
  service_account_id = google_service_account.app.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:p.svc.id.goog[ns/app]"
}

data "azurerm_kubernetes_cluster" "aks" {
  name                = "aks"
  resource_group_name = "rg"
}

resource "azurerm_role_assignment" "kubelet" {
  scope                = "/subscriptions/x"
  role_definition_name = "Reader"
  principal_id         = data.azurerm_kubernetes_cluster.aks.kubelet_identity[0].object_id
}

resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = jsonencode({ Version = "2012-10-17" })
}

data "vault_policy_document" "p" {
  rule {
    path         = "azure/creds/x"
    capabilities = ["read"]
  }
}

resource "vault_policy" "p" {
  name   = "p"
  policy = data.vault_policy_document.p.hcl
}
`;

const check = (body: string) => checkTerraform([{ path: 'versions.tf', content: VERSIONS }, { path: 'main.tf', content: body }]);

test('planted: the good module has no problems (so each planted one below is what fails)', () => {
  const r = check(GOOD);
  assert.equal(r.problems, []);
  assert.is(r.blocks.topLevel, 9);
});

const planted: [string, string, string, RegExp][] = [
  ['unknown resource type', 'resource "google_service_acount" "x" {\n  account_id = "x"\n}\n', 'google_service_acount.x', /unknown resource type "google_service_acount" in hashicorp\/google 6\.50\.0/],
  ['unknown data source type', 'data "azurerm_kubernetes_clusters" "x" {\n  name = "x"\n}\n', 'data.azurerm_kubernetes_clusters.x', /unknown data source type/],
  ['unknown argument', 'resource "google_service_account" "x" {\n  account_id = "x"\n  acount     = "x"\n}\n', 'google_service_account.x', /acount: unknown argument "acount"/],
  ['unknown nested block', 'resource "google_service_account_iam_member" "x" {\n  service_account_id = "a"\n  role               = "r"\n  member             = "m"\n  conditions {\n    title      = "t"\n    expression = "true"\n  }\n}\n', 'google_service_account_iam_member.x', /unknown block "conditions"/],
  ['unknown argument in a nested block', 'data "vault_policy_document" "x" {\n  rule {\n    path         = "p"\n    capabilities = ["read"]\n    capability   = "read"\n  }\n}\n', 'data.vault_policy_document.x', /rule\.capability: unknown argument/],
  ['computed-only argument set', 'resource "google_service_account" "x" {\n  account_id = "x"\n  email      = "x@p.iam.gserviceaccount.com"\n}\n', 'google_service_account.x', /"email" is computed-only in hashicorp\/google/],
  ['required argument missing', 'resource "google_service_account_iam_member" "x" {\n  service_account_id = "a"\n  role               = "r"\n}\n', 'google_service_account_iam_member.x', /missing required argument "member"/],
  ['required argument missing in a nested block', 'resource "google_service_account_iam_member" "x" {\n  service_account_id = "a"\n  role               = "r"\n  member             = "m"\n  condition {\n    expression = "true"\n  }\n}\n', 'google_service_account_iam_member.x', /condition\.title: missing required argument "title"/],
  ['required block missing (azurerm features)', 'provider "azurerm" {\n  subscription_id = "s"\n}\n', 'provider.azurerm', /missing required block "features"/],
  ['max_items exceeded', 'resource "google_service_account_iam_member" "x" {\n  service_account_id = "a"\n  role               = "r"\n  member             = "m"\n  condition {\n    title      = "a"\n    expression = "true"\n  }\n  condition {\n    title      = "b"\n    expression = "true"\n  }\n}\n', 'google_service_account_iam_member.x', /at most 1 condition block/],
  ['block written as an attribute', 'resource "google_service_account_iam_member" "x" {\n  service_account_id = "a"\n  role               = "r"\n  member             = "m"\n  condition          = { title = "t", expression = "true" }\n}\n', 'google_service_account_iam_member.x', /"condition" is a block/],
  ['attribute written as a block', 'resource "google_service_account" "x" {\n  account_id = "x"\n  display_name {\n  }\n}\n', 'google_service_account.x', /"display_name" is an attribute/],
  ['a list where a string goes', 'resource "google_service_account" "x" {\n  account_id = ["x"]\n}\n', 'google_service_account.x', /account_id: must be a string, got a list/],
  ['a string where a list goes', 'data "vault_policy_document" "x" {\n  rule {\n    path         = "p"\n    capabilities = "read"\n  }\n}\n', 'data.vault_policy_document.x', /capabilities: must be a list, got a string/],
  ['argument set twice', 'resource "google_service_account" "x" {\n  account_id = "x"\n  account_id = "y"\n}\n', 'google_service_account.x', /set twice/],
  ['reference to an unknown attribute', 'resource "vault_policy" "x" {\n  name   = "x"\n  policy = data.vault_policy_document.p.json\n}\n', 'vault_policy.x', /data\.vault_policy_document\.p\.json: no attribute "json"/],
  ['reference into a list without an index', 'resource "azurerm_role_assignment" "x" {\n  scope                = "s"\n  role_definition_name = "Reader"\n  principal_id         = data.azurerm_kubernetes_cluster.aks.kubelet_identity.object_id\n}\n', 'azurerm_role_assignment.x', /kubelet_identity is a list\(object\); index it first/],
  ['reference to an unknown nested attribute', 'resource "azurerm_role_assignment" "x" {\n  scope                = "s"\n  role_definition_name = "Reader"\n  principal_id         = data.azurerm_kubernetes_cluster.aks.kubelet_identity[0].principal_id\n}\n', 'azurerm_role_assignment.x', /kubelet_identity\[…\]\.principal_id: no attribute "principal_id"/],
  ['reference indexing a set', 'resource "aws_iam_role" "x" {\n  name               = "x"\n  assume_role_policy = aws_iam_role.r.inline_policy[0].policy\n}\n', 'aws_iam_role.x', /inline_policy is a set, whose elements have no index/],
  ['reference past a string', 'resource "vault_policy" "x" {\n  name   = "x"\n  policy = vault_policy.p.name.first\n}\n', 'vault_policy.x', /vault_policy\.p\.name is string, it has no attribute "first"/],
  ['reference to an undeclared resource', 'resource "vault_policy" "x" {\n  name   = google_service_account.nope.email\n  policy = "x"\n}\n', 'vault_policy.x', /no resource "google_service_account\.nope" is declared/],
  ['reference to an undeclared data source', 'resource "vault_policy" "x" {\n  name   = "x"\n  policy = data.vault_policy_document.nope.hcl\n}\n', 'vault_policy.x', /no data source "vault_policy_document\.nope" is declared/],
  ['reference inside a string template', 'resource "vault_policy" "x" {\n  name   = "x-${google_service_account.app.mail}"\n  policy = "x"\n}\n', 'vault_policy.x', /google_service_account\.app\.mail: no attribute "mail"/],
  ['a bad reference in a conditional', 'resource "vault_policy" "x" {\n  name   = true ? vault_policy.p.nam : "x"\n  policy = "x"\n}\n', 'vault_policy.x', /vault_policy\.p\.nam: no attribute "nam"/],
  ['undeclared variable', 'resource "vault_policy" "x" {\n  name   = var.nope\n  policy = "x"\n}\n', 'vault_policy.x', /no variable "nope" is declared/],
  ['self outside a condition', 'resource "vault_policy" "x" {\n  name   = self.id\n  policy = "x"\n}\n', 'vault_policy.x', /self is only valid/],
  ['self with an unknown attribute in a postcondition', 'data "azurerm_kubernetes_cluster" "x" {\n  name                = "aks"\n  resource_group_name = "rg"\n\n  lifecycle {\n    postcondition {\n      condition     = self.kubelet_identity[0].client_ids == "a"\n      error_message = "e"\n    }\n  }\n}\n', 'data.azurerm_kubernetes_cluster.x', /self\.kubelet_identity\[…\]\.client_ids: no attribute/],
  ['unknown lifecycle argument', 'resource "vault_policy" "x" {\n  name   = "x"\n  policy = "x"\n\n  lifecycle {\n    prevent_destroys = true\n  }\n}\n', 'vault_policy.x', /lifecycle\.prevent_destroys: unknown argument/],
  ['postcondition without error_message', 'resource "vault_policy" "x" {\n  name   = "x"\n  policy = "x"\n\n  lifecycle {\n    postcondition {\n      condition = true\n    }\n  }\n}\n', 'vault_policy.x', /missing required argument "error_message"/],
  ['ignore_changes naming an unknown argument', 'resource "vault_policy" "x" {\n  name   = "x"\n  policy = "x"\n\n  lifecycle {\n    ignore_changes = [polcy]\n  }\n}\n', 'vault_policy.x', /ignore_changes: no argument "polcy"/],
  ['depends_on an attribute', 'resource "vault_policy" "x" {\n  name       = "x"\n  policy     = "x"\n  depends_on = [vault_policy.p.name]\n}\n', 'vault_policy.x', /depends_on takes whole addresses/],
  ['duplicate address', 'resource "vault_policy" "p" {\n  name   = "x"\n  policy = "x"\n}\n', 'vault_policy.p', /duplicate address/],
  ['provider not in required_providers', 'resource "azuread_application" "x" {\n  display_name = "x"\n}\n', 'azuread_application.x', /provider "azuread" is not in terraform\.required_providers/],
  ['unknown provider argument', 'provider "google" {\n  projekt = "p"\n}\n', 'provider.google', /projekt: unknown argument "projekt" \(hashicorp\/google/],
  ['an aws argument 6.66 has and 5.100 does not', 'resource "aws_iam_role" "x" {\n  name                = "x"\n  assume_role_policy  = "{}"\n  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]\n  nope                = 1\n}\n', 'aws_iam_role.x', /nope: unknown argument "nope" \(hashicorp\/aws 5\.100\.0\)/],
  ['an ephemeral variable in an argument that is stored', 'variable "secret" {\n  type      = string\n  ephemeral = true\n}\n\nresource "vault_azure_secret_backend" "x" {\n  subscription_id = "s"\n  tenant_id       = "t"\n  client_secret   = var.secret\n}\n', 'vault_azure_secret_backend.x', /client_secret: var\.secret is ephemeral and "client_secret" is not a write-only argument/],
  ['a write-only argument without required_version >= 1.11', 'resource "vault_azure_secret_backend" "x" {\n  subscription_id          = "s"\n  tenant_id                = "t"\n  client_secret_wo         = "x"\n  client_secret_wo_version = 1\n}\n', 'vault_azure_secret_backend.x', /the write-only argument client_secret_wo needs Terraform >= 1\.11/],
  ['an import into a data source', 'import {\n  to = data.azurerm_kubernetes_cluster.aks\n  id = "x"\n}\n', 'import', /to = data\.azurerm_kubernetes_cluster\.aks: only managed resources can be imported/],
  ['two import blocks for one address', 'import {\n  to = aws_iam_role.r\n  id = "r"\n}\n\nimport {\n  to = aws_iam_role.r\n  id = "r"\n}\n', 'import', /to = aws_iam_role\.r: a second import block for this address \(first at main\.tf:\d+\)/],
  ['an import ID in another format (an IAM role by ARN)', 'import {\n  to = aws_iam_role.r\n  id = "arn:aws:iam::111122223333:role/r"\n}\n', 'import', /id "arn:aws:iam::111122223333:role\/r" is not in the import ID format of aws_iam_role/],
  ['an import ID naming another object', 'import {\n  to = aws_iam_role.r\n  id = "other"\n}\n', 'import', /id "other" names name "other", but aws_iam_role\.r has name = "r"/],
  ['an import ID that is not a literal', 'import {\n  to = aws_iam_role.r\n  id = aws_iam_role.r.name\n}\n', 'import', /the id is not a literal string/],
  ['an import ID for a type with no known format', 'import {\n  to = vault_policy.p\n  id = "p"\n}\n', 'import', /no import ID format known for vault_policy/],
  ['import blocks without required_version >= 1.5', 'import {\n  to = aws_iam_role.r\n  id = "r"\n}\n', 'import', /import blocks need Terraform >= 1\.5, but no terraform\.required_version says so/],
  ['unknown top-level block', 'resources "vault_policy" "x" {\n}\n', 'resources', /unknown top-level block "resources"/],
  ['wrong label count', 'resource "vault_policy" {\n}\n', 'resource', /takes 2 labels/],
  ['parse error', 'resource "vault_policy" "x" {\n  name = "x\n}\n', '(file)', /unterminated string/],
];

for (const [what, body, address, message] of planted) {
  test(`planted: ${what} is caught`, () => {
    const r = check(`${GOOD}\n${body}`);
    const hit = r.problems.find((p) => p.includes(` ${address}: `) && message.test(p));
    assert.ok(hit, `expected a problem at ${address} matching ${message}, got:\n${r.problems.join('\n')}`);
    assert.match(hit as string, /^main\.tf:\d+:\d+: /, 'positioned file:line:col');
  });
}

test('planted: an azurerm resource with no provider "azurerm" block (features is required)', () => {
  const versions = VERSIONS.replace(/provider "azurerm" \{\n  features \{\}\n\}\n/, '');
  assert.not.match(versions, /provider "azurerm"/);
  const r = checkTerraform([{ path: 'versions.tf', content: versions }, { path: 'main.tf', content: GOOD }]);
  assert.ok(r.problems.some((p) => /^main\.tf:\d+:\d+: provider\.azurerm: no provider "azurerm" block, and hashicorp\/azurerm 4\.73\.0 requires features/.test(p)), r.problems.join('\n'));
  assert.is(r.problems.length, 1, r.problems.join('\n'));
});

test('planted: required_version that admits Terraform < 1.11 beside a write-only argument', () => {
  const body = 'resource "vault_azure_secret_backend" "x" {\n  subscription_id          = "s"\n  tenant_id                = "t"\n  client_secret_wo         = "x"\n  client_secret_wo_version = 1\n}\n';
  const versions = (v: string) => VERSIONS.replace('terraform {\n', `terraform {\n  required_version = "${v}"\n`);
  const old = checkTerraform([{ path: 'versions.tf', content: versions('>= 1.3') }, { path: 'main.tf', content: body }]);
  assert.ok(old.problems.some((p) => /^versions\.tf:2:3: terraform: required_version ">= 1\.3" admits Terraform < 1\.11/.test(p)), old.problems.join('\n'));
  assert.equal(checkTerraform([{ path: 'versions.tf', content: versions('>= 1.11') }, { path: 'main.tf', content: body }]).problems, []);
});

test('import blocks: a right one passes, and every required_version must exclude Terraform < 1.5', () => {
  const imports = 'import {\n  to = aws_iam_role.r\n  id = "r"\n}\n';
  const versions = (v: string) => VERSIONS.replace('terraform {\n', `terraform {\n  required_version = "${v}"\n`);
  const withFiles = (...extra: TerraformFile[]) => checkTerraform([{ path: 'versions.tf', content: versions('>= 1.3') }, { path: 'main.tf', content: GOOD }, ...extra]);
  // The adoption file's own terraform block raises the requirement of a module that says >= 1.3.
  assert.equal(withFiles({ path: 'imports.tf', content: `terraform {\n  required_version = ">= 1.5"\n}\n\n${imports}` }).problems, []);
  const old = withFiles({ path: 'imports.tf', content: imports });
  assert.ok(old.problems.some((p) => /^imports\.tf:1:1: import: import blocks need Terraform >= 1\.5, but required_version ">= 1\.3" admits older/.test(p)), old.problems.join('\n'));
  assert.is(old.problems.length, 1, old.problems.join('\n'));
});

test('planted: a deprecated argument and a schema outside the version range are notes, not problems', () => {
  const r = check(`${GOOD}\nresource "aws_iam_role" "d" {\n  name                = "d"\n  assume_role_policy  = "{}"\n  managed_policy_arns = []\n}\n`);
  assert.equal(r.problems, []);
  assert.ok(r.notes.some((n) => /managed_policy_arns is deprecated in hashicorp\/aws 5\.100\.0/.test(n)), r.notes.join('\n'));
  const out = checkTerraform([{ path: 'versions.tf', content: VERSIONS.replace('">= 6, < 8"', '">= 7"') }]);
  assert.ok(out.notes.some((n) => /google: the schema checked \(hashicorp\/google 6\.50\.0\) is outside ">= 7"/.test(n)), out.notes.join('\n'));
});

test('versionAllowed reads Terraform constraints', () => {
  assert.ok(versionAllowed('6.66.0', '>= 5.31.0, < 7'));
  assert.not.ok(versionAllowed('7.0.0', '>= 5.31.0, < 7'));
  assert.ok(versionAllowed('5.11.0', '>= 5.11.0, < 6'));
  assert.not.ok(versionAllowed('5.6.0', '>= 5.11.0'));
  assert.ok(versionAllowed('1.2.9', '~> 1.2.3'));
  assert.not.ok(versionAllowed('1.3.0', '~> 1.2.3'));
  assert.ok(versionAllowed('1.9', '~> 1.2'));
  assert.not.ok(versionAllowed('2.0', '~> 1.2'));
});

test('totals', () => {
  assert.is(totals.modules, specs.length);
  console.log(
    `# terraform-schema: ${totals.topLevel + totals.nested} Terraform blocks checked (${totals.topLevel} top-level, ${totals.nested} nested) ` +
      `in ${totals.modules} modules (${specs.length} specs), 0 problems; and ${totals.fuzzBlocks} blocks in ${totals.fuzzModules} modules of fuzzed specs` +
      (totals.notes.size ? `; notes:\n#   ${[...totals.notes].join('\n#   ')}` : ''),
  );
});

test.run();
