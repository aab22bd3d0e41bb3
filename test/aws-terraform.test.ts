// `terraform validate` on every AWS Terraform tree wi-gen emits (the AWS examples' goldens, the
// EKS templates filled in, and a matrix of specs that turns on the AWS options), offline, against
// the hashicorp/aws provider of a local filesystem mirror.
//
// Speed: the provider binary is ~700 MB and takes seconds to start, so the trees are not
// validated one by one. One root module holds the trees that need the root (import blocks are
// allowed only there) and every other tree is a child module of it: one `terraform init` (which
// symlinks the unpacked mirror, copying nothing) and one `terraform validate` check them all.
// A planted bad tree rides along as one more module and must be the only one reported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { examplesDir, renderText, repoRoot } from './support/wi-gen.js';
import { hasTool, run, tmpDir } from './support/tools.js';

/**
 * Where a Terraform filesystem mirror with hashicorp/aws may be: WI_GEN_TF_PLUGIN_DIR, the
 * machine image's /opt/tf-plugins, then Terraform's implied local mirror directories on Linux.
 * @see https://developer.hashicorp.com/terraform/cli/config/config-file#implied-local-mirror-directories
 */
function findMirror(): string | undefined {
  const candidates = [
    process.env['WI_GEN_TF_PLUGIN_DIR'],
    '/opt/tf-plugins',
    join(homedir(), '.terraform.d', 'plugins'),
    join(process.env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share'), 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ].filter((d): d is string => !!d);
  return candidates.find((d) => existsSync(join(d, 'registry.terraform.io', 'hashicorp', 'aws')));
}

const mirror = findMirror();
const skipReason = !hasTool('terraform')
  ? 'no terraform on PATH'
  : !mirror
    ? 'no Terraform filesystem mirror with registry.terraform.io/hashicorp/aws (set WI_GEN_TF_PLUGIN_DIR, or see /opt/tf-plugins)'
    : undefined;

type Tree = { name: string; files: Map<string, string> };

const goldenTree = (example: string): Tree => {
  const dir = join(examplesDir, example, 'out', 'cloud', 'terraform');
  // Only the module's own .tf files: adopt/imports.tf is opt-in (test/adopt.test.ts validates it copied in).
  const tf = readdirSync(dir).filter((f) => f.endsWith('.tf'));
  return { name: `example-${example}`, files: new Map(tf.map((f) => [f, readFileSync(join(dir, f), 'utf8')])) };
};

const renderedTree = (name: string, spec: string): Tree => {
  const files = renderText(spec, `${name}.yaml`).files.filter((f) => /^cloud\/terraform\/[^/]+\.tf$/.test(f.path));
  return { name, files: new Map(files.map((f) => [f.path.slice('cloud/terraform/'.length), f.content])) };
};

const fill = parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'template-values.yaml'), 'utf8')) as Record<string, string>;
const templateTree = (name: string): Tree =>
  renderedTree(
    `template-${name}`,
    readFileSync(join(repoRoot, 'templates', `${name}.yaml`), 'utf8').replace(/<([A-Z][A-Z0-9_]*)>/g, (_, key: string) => fill[key] as string),
  );

const OIDC = (region: string, partition = 'aws', account = '111122223333', suffix = 'amazonaws.com') =>
  `arn:${partition}:iam::${account}:oidc-provider/oidc.eks.${region}.${suffix}/id/ABCDEF0123456789ABCDEF0123456789`;

/** Specs that turn on the AWS options between them. */
const MATRIX: Record<string, string> = {
  // Every method with create: false (import blocks, so this is the root), policies, paths, several KSAs.
  'matrix-adopted-roles': `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  eks: {accountID: "111122223333", region: eu-west-1, oidcProviderARN: "${OIDC('eu-west-1')}"}
identities:
  - name: dns
    awsIrsa: {create: false, roleARN: "arn:aws:iam::111122223333:role/dns/cert-manager"}
  - name: api
    awsPodIdentity: {create: false, roleARN: "arn:aws:iam::111122223333:role/api", policyARNs: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]}
  - name: tenant-dns
    awsServiceAccountRef: {create: false, roleARN: "arn:aws:iam::111122223333:role/tenant-dns", audience: sts.example.internal}
bindings:
  - identity: api
    serviceAccount: {namespace: shop, name: api}
  - identity: api
    serviceAccount: {namespace: shop, name: worker}
  - identity: api
    serviceAccount: {namespace: batch, name: api, create: false}
certManager:
  identity: dns
  issuers:
    - name: public
      acme: {server: letsencrypt}
      dns01: {route53: {}}
    - name: tenant
      kind: Issuer
      namespace: team-a
      identity: tenant-dns
      acme: {server: letsencrypt}
      dns01: {route53: {hostedZoneID: ZA1111111111111111111}}
`,
  // GovCloud, Pod Identity with a named cluster, issuers with hosted zones.
  'matrix-govcloud-pod-identity': `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  eks: {accountID: "111122223333", region: us-gov-west-1, clusterName: Prod_1}
identities:
  - name: dns
    awsPodIdentity: {roleARN: "arn:aws-us-gov:iam::111122223333:role/dns"}
certManager:
  identity: dns
  issuers:
    - name: a
      acme: {server: letsencrypt}
      dns01: {route53: {hostedZoneID: ZA1111111111111111111}}
    - name: b
      acme: {server: letsencrypt}
      dns01: {route53: {hostedZoneID: ZB2222222222222222222}}
`,
  // China partition, IRSA and a dedicated ServiceAccount side by side.
  'matrix-china-irsa-dedicated': `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  eks: {accountID: "111122223333", region: cn-north-1, oidcProviderARN: "${OIDC('cn-north-1', 'aws-cn', '111122223333', 'amazonaws.com.cn')}"}
identities:
  - name: platform-dns
    awsIrsa: {roleARN: "arn:aws-cn:iam::111122223333:role/platform-dns"}
  - name: team-dns
    awsServiceAccountRef: {roleARN: "arn:aws-cn:iam::111122223333:role/team-dns", serviceAccountName: route53}
certManager:
  identity: platform-dns
  issuers:
    - name: platform
      acme: {server: letsencrypt}
      dns01: {route53: {}}
    - name: team
      kind: Issuer
      namespace: team-a
      identity: team-dns
      acme: {server: letsencrypt}
      dns01: {route53: {}}
`,
};

/** A tree Terraform must reject: an argument aws_iam_role does not have. */
const PLANTED: Tree = {
  name: 'planted-bad',
  files: new Map([
    [
      'main.tf',
      'resource "aws_iam_role" "bad" {\n  name               = "bad"\n  assume_role_policy = "{}"\n  not_an_argument    = true\n}\n',
    ],
  ]),
};

const hasImport = (t: Tree): boolean => [...t.files.values()].some((c) => /^import \{/m.test(c));

test(`terraform validate: every AWS tree valid, a planted unknown argument caught${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const awsExamples = readdirSync(examplesDir).filter((d) => d.startsWith('eks-')).sort();
  const trees = [
    ...awsExamples.map(goldenTree),
    ...['eks-irsa', 'eks-pod-identity', 'eks-dedicated-serviceaccount'].map(templateTree),
    ...Object.entries(MATRIX).map(([name, spec]) => renderedTree(name, spec)),
  ];
  assert.is(trees.length, 9);
  for (const t of trees) assert.ok(t.files.has('versions.tf') && t.files.size > 1, `${t.name}: ${[...t.files.keys()].join(', ')}`);
  const roots = trees.filter(hasImport);
  assert.equal(roots.map((t) => t.name), ['matrix-adopted-roles'], 'one tree with import blocks, the root');
  if (skipReason) {
    console.log(`skip: terraform validate of the AWS trees: ${skipReason}`);
    return;
  }

  const dir = tmpDir('wi-gen-tf-aws-');
  const root = roots[0] as Tree;
  for (const [f, content] of root.files) writeFileSync(join(dir, f), content);
  const modules = [...trees.filter((t) => t !== root), PLANTED];
  for (const t of modules) {
    mkdirSync(join(dir, t.name));
    for (const [f, content] of t.files) writeFileSync(join(dir, t.name, f), content);
  }
  writeFileSync(join(dir, 'wi-gen-test-modules.tf'), modules.map((t) => `module "${t.name}" {\n  source = "./${t.name}"\n}\n`).join('\n'));

  const env = { CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_PLUGIN_CACHE_DIR: undefined, TF_CLI_ARGS: undefined };
  const started = Date.now();
  const init = run('terraform', ['init', '-backend=false', `-plugin-dir=${mirror}`, '-input=false', '-no-color'], { cwd: dir, env });
  assert.is(init.code, 0, `terraform init (offline, mirror ${mirror}) failed; does the mirror's hashicorp/aws satisfy versions.tf?\n${init.stdout}${init.stderr}`);
  const initMs = Date.now() - started;
  const validate = run('terraform', ['validate', '-json', '-no-color'], { cwd: dir, env });
  console.log(`terraform init ${initMs} ms, validate ${Date.now() - started - initMs} ms for ${trees.length} trees + the planted one`);
  const result = JSON.parse(validate.stdout) as {
    valid: boolean;
    diagnostics: { severity: string; summary: string; detail: string; range?: { filename: string } }[];
  };
  const where = (d: (typeof result.diagnostics)[number]) => `${d.range?.filename ?? '?'}: ${d.severity}: ${d.summary}: ${d.detail}`;
  const planted = result.diagnostics.filter((d) => d.range?.filename.startsWith(`${PLANTED.name}/`));
  const others = result.diagnostics.filter((d) => !planted.includes(d));
  assert.equal(others.map(where), [], 'the emitted trees have no errors and no warnings');
  assert.is(result.valid, false, 'the planted tree makes the configuration invalid');
  assert.equal(
    planted.map((d) => [d.severity, d.summary, d.range?.filename]),
    [['error', 'Unsupported argument', 'planted-bad/main.tf']],
    planted.map(where).join('\n'),
  );
  assert.match(planted[0]?.detail ?? '', 'not_an_argument');
});

test(`the mirror's hashicorp/aws versions satisfy the constraint wi-gen emits${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const versions = readFileSync(join(examplesDir, 'eks-pod-identity', 'out', 'cloud', 'terraform', 'versions.tf'), 'utf8');
  const constraint = /source\s+= "hashicorp\/aws"\n\s+version = "([^"]+)"/.exec(versions)?.[1];
  assert.is(constraint, '>= 5.31.0, < 7');
  const parts = (v: string) => v.split('.').map(Number) as [number, number, number];
  const cmp = (a: string, b: string) => {
    const [x, y] = [parts(a), parts(b)];
    for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  };
  const allows = (v: string) => cmp(v, '5.31.0') >= 0 && cmp(v, '7.0.0') < 0;
  assert.ok(allows('5.100.0') && allows('6.66.0') && !allows('5.30.0') && !allows('7.0.0'));
  if (skipReason) {
    console.log(`skip: mirror versions: ${skipReason}`);
    return;
  }
  const available = readdirSync(join(mirror as string, 'registry.terraform.io', 'hashicorp', 'aws'));
  assert.ok(available.some(allows), `mirror has ${available.join(', ')}`);
});

test.run();
