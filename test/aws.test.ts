// AWS methods (awsIrsa, awsPodIdentity, awsServiceAccountRef): bad input as exact stderr lines,
// trust policies per KSA, the least-privilege Route53 policy, the dedicated-ServiceAccount RBAC,
// and cloud/aws.sh run for real against a recording stub of the aws CLI.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { examplesDir, renderText, repoRoot, yamlDocs, wiGen } from './support/wi-gen.js';
import { hasTool, run, tmpDir } from './support/tools.js';
import { validateKubernetesObject } from './support/core-schemas.js';
import { validateHelmValues } from './support/upstream.js';
import type { Rendered } from '../src/render.js';
import { loadSpec } from '../src/spec/load.js';
import type { PolicyDocument } from '../src/methods/names/aws.js';
import { badSpec, cliTable } from './support/table.js';

// IAM's default role trust policy quota, counted without whitespace (IAM and STS quotas, "Role trust
// policy length"); measured here independently of the code under test.
const TRUST_POLICY_LIMIT = 2048;
const policyLength = (policy: unknown): number => JSON.stringify(policy).length;

const EKS = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  eks:
    accountID: "111122223333"
    region: eu-west-1
    oidcProviderARN: arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789
`;
const ISSUER_HOST = 'oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789';
const PROVIDER_ARN = `arn:aws:iam::111122223333:oidc-provider/${ISSUER_HOST}`;
const ROLE_FORM = 'arn:aws:iam::ACCOUNT_ID:role/NAME (12-digit account ID; an IAM path such as /dns/ may precede NAME)';

const cluster = (eks: string) => `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  eks: ${eks}
`;

const badCases: { name: string; spec: string; stderr: string[] }[] = [
  {
    name: 'malformed role ARN: short account ID',
    spec: `${EKS}identities:
  - name: dns
    awsIrsa: {roleARN: "arn:aws:iam::1111:role/dns"}
`,
    stderr: [`spec.yaml:11:24: identities[0].awsIrsa.roleARN: has account ID "1111"; it must be 12 digits: ${ROLE_FORM}`],
  },
  {
    name: 'malformed role ARN: a bare role name',
    spec: `${EKS}identities:
  - name: dns
    awsIrsa: {roleARN: cert-manager-route53}
`,
    stderr: [`spec.yaml:11:24: identities[0].awsIrsa.roleARN: must be a full role ARN, not a bare name: ${ROLE_FORM}`],
  },
  {
    name: 'malformed role ARN: an STS session ARN names the role to use instead',
    spec: `${EKS}identities:
  - name: dns
    awsIrsa: {roleARN: "arn:aws:sts::111122223333:assumed-role/cert-manager-route53/1700000000"}
`,
    stderr: [
      "spec.yaml:11:24: identities[0].awsIrsa.roleARN: is an STS session ARN; use the role's own ARN: arn:aws:iam::111122223333:role/cert-manager-route53",
    ],
  },
  {
    name: 'malformed role ARN: a user ARN',
    spec: `${EKS}identities:
  - name: dns
    awsPodIdentity: {roleARN: "arn:aws:iam::111122223333:user/ci"}
`,
    stderr: [`spec.yaml:11:31: identities[0].awsPodIdentity.roleARN: names an IAM user, not a role; expected ${ROLE_FORM}`],
  },
  {
    name: 'OIDC provider given as the https:// issuer URL where the ARN is needed',
    spec: `${cluster(`
    accountID: "111122223333"
    region: eu-west-1
    oidcProviderARN: https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789`)}identities:
  - name: dns
    awsIrsa: {roleARN: "arn:aws:iam::111122223333:role/dns"}
`,
    stderr: [
      `spec.yaml:8:22: cluster.eks.oidcProviderARN: is the OIDC issuer URL; IAM names the provider by ARN: ${PROVIDER_ARN} (aws iam list-open-id-connect-providers lists the registered ones)`,
    ],
  },
  {
    name: 'OIDC provider given as the issuer host, in the China partition',
    spec: `${cluster(`
    accountID: "111122223333"
    region: cn-north-1
    oidcProviderARN: oidc.eks.cn-north-1.amazonaws.com.cn/id/ABCDEF0123456789ABCDEF0123456789`)}identities:
  - name: dns
    awsIrsa: {roleARN: "arn:aws-cn:iam::111122223333:role/dns"}
`,
    stderr: [
      'spec.yaml:8:22: cluster.eks.oidcProviderARN: is the OIDC issuer host; IAM names the provider by ARN: arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABCDEF0123456789ABCDEF0123456789 (aws iam list-open-id-connect-providers lists the registered ones)',
    ],
  },
  {
    name: "OIDC provider of another region's cluster",
    spec: `${cluster(`
    accountID: "111122223333"
    region: eu-west-1
    oidcProviderARN: arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789`)}identities:
  - name: dns
    awsIrsa: {roleARN: "arn:aws:iam::111122223333:role/dns"}
`,
    stderr: ['spec.yaml:8:22: cluster.eks.oidcProviderARN: names the OIDC issuer of an EKS cluster in us-east-1, but cluster.eks.region is eu-west-1'],
  },
  {
    name: 'region mismatch: IRSA issuer region differs from the cluster region',
    spec: `${EKS}identities:
  - name: dns
    awsIrsa: {roleARN: "arn:aws:iam::111122223333:role/dns"}
certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01:
        route53: {region: us-east-1}
`,
    stderr: [
      'spec.yaml:18:27: certManager.issuers[0].dns01.route53.region: cert-manager ignores this region: with awsIrsa, the EKS Pod Identity webhook sets AWS_REGION=eu-west-1 (cluster.eks.region) in its pod, and that wins; set region: eu-west-1 or remove it',
    ],
  },
  {
    name: 'region mismatch: Pod Identity issuer region differs from the cluster region',
    spec: `${EKS}identities:
  - name: dns
    awsPodIdentity: {roleARN: "arn:aws:iam::111122223333:role/dns"}
certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01:
        route53: {region: eu-central-1, hostedZoneID: Z0123456789ABCDEFGHIJ}
`,
    stderr: [
      'spec.yaml:18:27: certManager.issuers[0].dns01.route53.region: cert-manager ignores this region: with awsPodIdentity, the EKS Pod Identity Agent sets AWS_REGION=eu-west-1 (cluster.eks.region) in its pod, and that wins; set region: eu-west-1 or remove it',
    ],
  },
  {
    name: "region mismatch: dedicated ServiceAccount issuer region in another partition than the role",
    spec: `${EKS}identities:
  - name: dns
    awsServiceAccountRef: {roleARN: "arn:aws:iam::111122223333:role/dns"}
certManager:
  issuers:
    - name: le
      kind: Issuer
      namespace: team-a
      identity: dns
      acme: {server: letsencrypt}
      dns01:
        route53: {region: us-gov-west-1}
`,
    stderr: [
      'spec.yaml:20:27: certManager.issuers[0].dns01.route53.region: is in partition aws-us-gov, but role arn:aws:iam::111122223333:role/dns is in aws; STS there does not know the role (use a region of aws, such as cluster.eks.region eu-west-1)',
    ],
  },
  {
    name: 'IRSA without an OIDC provider',
    spec: `${cluster('{accountID: "111122223333", region: eu-west-1}')}identities:
  - name: dns
    awsIrsa: {roleARN: "arn:aws:iam::111122223333:role/dns"}
bindings:
  - identity: dns
    serviceAccount: {namespace: apps, name: api}
`,
    stderr: [
      `spec.yaml:5:8: cluster.eks: identity "dns" uses awsIrsa, which needs cluster.eks.oidcProviderARN (the IAM OIDC provider of the cluster's issuer: aws iam list-open-id-connect-providers)`,
    ],
  },
  {
    name: "IRSA role in another account than the OIDC provider",
    spec: `${EKS}identities:
  - name: dns
    awsIrsa: {roleARN: "arn:aws:iam::444455556666:role/dns"}
bindings:
  - identity: dns
    serviceAccount: {namespace: apps, name: api}
`,
    stderr: [
      "spec.yaml:11:24: identities[0].awsIrsa.roleARN: is in account 444455556666, but cluster.eks.oidcProviderARN is in 111122223333; IAM trusts only an OIDC provider registered in the role's own account (register the cluster's issuer in 444455556666 and use that ARN)",
    ],
  },
  {
    name: "Pod Identity role outside the cluster's account",
    spec: `${EKS}identities:
  - name: app
    awsPodIdentity: {roleARN: "arn:aws:iam::444455556666:role/app"}
bindings:
  - identity: app
    serviceAccount: {namespace: apps, name: api}
`,
    stderr: [
      "spec.yaml:11:31: identities[0].awsPodIdentity.roleARN: is in account 444455556666; EKS Pod Identity associates roles of the cluster's account (cluster.eks.accountID 111122223333); for another account's resources, let a role in 111122223333 assume one there",
    ],
  },
  {
    name: 'role and policy in another partition than the cluster',
    spec: `${EKS}identities:
  - name: app
    awsPodIdentity: {roleARN: "arn:aws-cn:iam::111122223333:role/app", policyARNs: ["arn:aws-cn:iam::aws:policy/ReadOnlyAccess"]}
bindings:
  - identity: app
    serviceAccount: {namespace: apps, name: api}
`,
    stderr: [
      'spec.yaml:11:31: identities[0].awsPodIdentity.roleARN: is in partition aws-cn, but cluster.eks.region eu-west-1 is in aws; a role is only usable in its own partition',
      'spec.yaml:11:85: identities[0].awsPodIdentity.policyARNs[0]: is in partition aws-cn, but the role is in aws',
    ],
  },
  {
    name: 'AWS identity on a GKE cluster',
    spec: `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  gke: {project: acme-prod}
identities:
  - name: dns
    awsIrsa: {roleARN: "arn:aws:iam::111122223333:role/dns"}
`,
    stderr: ['spec.yaml:4:3: cluster: identity "dns" uses awsIrsa, which needs a cluster.eks block'],
  },
  {
    name: 'a role that would trust nobody',
    spec: `${EKS}identities:
  - name: dns
    awsIrsa: {roleARN: "arn:aws:iam::111122223333:role/dns"}
`,
    stderr: [
      `spec.yaml:11:14: identities[0].awsIrsa: identity "dns" serves no ServiceAccount and no issuer; its role's trust policy would have no statement (IAM rejects that)`,
    ],
  },
  {
    name: 'a workload bound to a dedicated-ServiceAccount identity',
    spec: `${EKS}identities:
  - name: dns
    awsServiceAccountRef: {roleARN: "arn:aws:iam::111122223333:role/dns"}
bindings:
  - identity: dns
    serviceAccount: {namespace: apps, name: api}
certManager:
  issuers:
    - name: le
      identity: dns
      acme: {server: letsencrypt}
      dns01: {route53: {}}
`,
    stderr: [
      'spec.yaml:13:15: bindings[0].identity: identity "dns" uses awsServiceAccountRef, which only cert-manager can use (it mints the ServiceAccount token itself); bind workloads to an awsIrsa or awsPodIdentity identity',
    ],
  },
  {
    name: "a dedicated ServiceAccount that would be cert-manager's own",
    spec: `${EKS}identities:
  - name: dns
    awsServiceAccountRef: {roleARN: "arn:aws:iam::111122223333:role/dns", serviceAccountName: cert-manager}
certManager:
  issuers:
    - name: le
      identity: dns
      acme: {server: letsencrypt}
      dns01: {route53: {}}
`,
    stderr: [
      "spec.yaml:11:95: identities[0].awsServiceAccountRef.serviceAccountName: the dedicated ServiceAccount cert-manager/cert-manager would be cert-manager's own ServiceAccount; set serviceAccountName to another name",
    ],
  },
  {
    name: 'hosted zone ID with its /hostedzone/ prefix',
    spec: `${EKS}identities:
  - name: dns
    awsIrsa: {roleARN: "arn:aws:iam::111122223333:role/dns"}
certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {route53: {hostedZoneID: /hostedzone/Z0123456789ABCDEFGHIJ}}
`,
    stderr: [
      'spec.yaml:17:39: certManager.issuers[0].dns01.route53.hostedZoneID: must be a Route53 hosted zone ID such as Z0123456789ABCDEFGHIJ: uppercase letters and digits, without the /hostedzone/ prefix',
    ],
  },
  {
    name: 'unquoted account ID',
    spec: `${cluster('{accountID: 111122223333, region: eu-west-1}')}identities:
  - name: app
    awsPodIdentity: {roleARN: "arn:aws:iam::111122223333:role/app"}
bindings:
  - identity: app
    serviceAccount: {namespace: apps, name: api}
`,
    stderr: ['spec.yaml:5:20: cluster.eks.accountID: must be a string, got number 111122223333: quote it, e.g. "111122223333"'],
  },
  {
    name: 'a Cloud DNS solver on an IRSA identity',
    spec: `${EKS}identities:
  - name: dns
    awsIrsa: {roleARN: "arn:aws:iam::111122223333:role/dns"}
certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {cloudDNS: {project: acme-prod}}
`,
    stderr: ['spec.yaml:17:25: certManager.issuers[0].dns01.cloudDNS: identity "dns" (awsIrsa) authenticates route53; this solver uses cloudDNS'],
  },
];

cliTable('aws bad spec', badCases.map((c) => badSpec(c.name, c.spec, c.stderr)));

// ------------------------------------------------------------------------------------------ helpers

const file = (r: Rendered, path: string): string => {
  const f = r.files.find((x) => x.path === path);
  if (!f) throw new Error(`${path} not rendered; have ${r.files.map((x) => x.path).join(', ')}`);
  return f.content;
};

/** The JSON documents cloud/aws.sh assigns to script variables, by variable name. */
function scriptDocuments(script: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of script.matchAll(/^([a-z_0-9]+)=\$\(cat <<'JSON'\n([\s\S]*?)\nJSON\n\)$/gm)) out[m[1] as string] = JSON.parse(m[2] as string);
  return out;
}

/** The one IRSA trust statement: the cluster's OIDC provider, the audience, and the bound KSAs as a list of `:sub`. */
const irsaStatement = (subjects: readonly string[], audience = 'sts.amazonaws.com') => ({
  Effect: 'Allow',
  Principal: { Federated: PROVIDER_ARN },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: {
    StringEquals: {
      [`${ISSUER_HOST}:sub`]: subjects.length === 1 ? `system:serviceaccount:${subjects[0]}` : subjects.map((s) => `system:serviceaccount:${s}`),
      [`${ISSUER_HOST}:aud`]: audience,
    },
  },
});

const GET_CHANGE = { Effect: 'Allow', Action: 'route53:GetChange', Resource: 'arn:aws:route53:::change/*' };
const TXT_ONLY = { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] } };
const RECORD_ACTIONS = 'route53:ChangeResourceRecordSets';
const LIST_ZONES = { Effect: 'Allow', Action: 'route53:ListHostedZonesByName', Resource: '*' };

const IRSA_SPEC = `${EKS}identities:
  - name: dns
    awsIrsa: {roleARN: "arn:aws:iam::111122223333:role/dns/cert-manager"}
  - name: app
    awsIrsa: {roleARN: "arn:aws:iam::111122223333:role/app", policyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]}
bindings:
  - identity: app
    serviceAccount: {namespace: shop, name: api}
  - identity: app
    serviceAccount: {namespace: batch, name: reports, create: false}
certManager:
  identity: dns
  issuers:
    - name: a
      acme: {server: letsencrypt}
      dns01: {route53: {hostedZoneID: ZB2222222222222222222}}
    - name: b
      acme: {server: letsencrypt}
      dns01: {route53: {hostedZoneID: ZA1111111111111111111, region: eu-west-1}}
`;

// ------------------------------------------------------------------------------------------ IRSA

test('IRSA: one trust statement for the provider, pinning :aud and listing every bound KSA as :sub', () => {
  const docs = scriptDocuments(file(renderText(IRSA_SPEC), 'cloud/aws.sh'));
  assert.equal(docs['trust_policy_app'], { Version: '2012-10-17', Statement: [irsaStatement(['shop:api', 'batch:reports'])] });
  assert.equal(docs['trust_policy_dns'], { Version: '2012-10-17', Statement: [irsaStatement(['cert-manager:cert-manager'])] });
});

test('IRSA: every issuer names its hosted zone, so the policy lists those zones and no ListHostedZonesByName', () => {
  const docs = scriptDocuments(file(renderText(IRSA_SPEC), 'cloud/aws.sh'));
  assert.equal(docs['route53_policy_dns'], {
    Version: '2012-10-17',
    Statement: [
      GET_CHANGE,
      {
        Effect: 'Allow',
        Action: RECORD_ACTIONS,
        Resource: ['arn:aws:route53:::hostedzone/ZA1111111111111111111', 'arn:aws:route53:::hostedzone/ZB2222222222222222222'],
        Condition: TXT_ONLY,
      },
    ],
  });
  assert.not.ok('route53_policy_app' in docs, 'a workload identity gets no Route53 policy');
});

test('Route53 policy: one issuer without a hosted zone opens every zone and the zone lookup', () => {
  const spec = IRSA_SPEC.replace('dns01: {route53: {hostedZoneID: ZB2222222222222222222}}', 'dns01: {route53: {}}');
  const docs = scriptDocuments(file(renderText(spec), 'cloud/aws.sh'));
  assert.equal(docs['route53_policy_dns'], {
    Version: '2012-10-17',
    Statement: [GET_CHANGE, { Effect: 'Allow', Action: RECORD_ACTIONS, Resource: 'arn:aws:route53:::hostedzone/*', Condition: TXT_ONLY }, LIST_ZONES],
  });
});

test('IRSA: annotation on created KSAs, on patched KSAs and in the Helm values; the Issuer has no role and no keys', () => {
  const r = renderText(IRSA_SPEC);
  const annotation = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/app' };
  const [sa] = yamlDocs(file(r, 'manifests/service-accounts.yaml'));
  assert.equal((sa?.metadata as Record<string, unknown>).annotations, annotation);
  const patch = yamlDocs(file(r, 'kustomize/namespaces/batch/serviceaccount-reports.yaml'))[0] as Record<string, any>;
  assert.equal(patch.metadata.annotations, annotation);
  const values = parse(file(r, 'helm/cert-manager.values.yaml'));
  assert.equal(values.serviceAccount.annotations, { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/dns/cert-manager' });
  assert.equal(validateHelmValues(values), []);
  const issuers = yamlDocs(file(r, 'manifests/issuers.yaml')) as Record<string, any>[];
  assert.equal(
    issuers.map((i) => i.spec.acme.solvers[0].dns01),
    [{ route53: { hostedZoneID: 'ZB2222222222222222222' } }, { route53: { hostedZoneID: 'ZA1111111111111111111', region: 'eu-west-1' } }],
  );
  for (const o of [...issuers, ...yamlDocs(file(r, 'manifests/service-accounts.yaml'))]) assert.equal(validateKubernetesObject(o), []);
});

test('IRSA: Terraform reads the OIDC provider as a data source and references it as the Federated principal', () => {
  const tf = file(renderText(IRSA_SPEC), 'cloud/terraform/aws-dns.tf');
  assert.ok(tf.includes(`data "aws_iam_openid_connect_provider" "dns" {\n  arn = "${PROVIDER_ARN}"\n}`), tf);
  assert.ok(tf.includes('Federated = data.aws_iam_openid_connect_provider.dns.arn'), tf);
  assert.ok(tf.includes('  name        = "cert-manager"\n  path        = "/dns/"\n'), tf);
  assert.not.ok(tf.includes('resource "aws_iam_openid_connect_provider"'), 'the provider belongs to the cluster');
  assert.not.ok(tf.includes('ListHostedZonesByName'));
});

// ------------------------------------------------------------------------------------------ Pod Identity

const POD_IDENTITY_SPEC = `${cluster('{accountID: "111122223333", region: us-gov-west-1, clusterName: Prod_1}')}identities:
  - name: dns
    awsPodIdentity: {roleARN: "arn:aws-us-gov:iam::111122223333:role/dns"}
  - name: app
    awsPodIdentity: {roleARN: "arn:aws-us-gov:iam::111122223333:role/app"}
bindings:
  - identity: app
    serviceAccount: {namespace: shop, name: api}
    workloads: [{kind: Deployment, name: api}]
certManager:
  identity: dns
  install: manifests
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {route53: {region: us-gov-west-1}}
`;

test('Pod Identity: trust for pods.eks.amazonaws.com pinned to cluster, namespace and KSA; partition-aware ARNs', () => {
  const docs = scriptDocuments(file(renderText(POD_IDENTITY_SPEC), 'cloud/aws.sh'));
  const statement = (namespace: string, name: string) => ({
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: {
      StringEquals: {
        'aws:RequestTag/eks-cluster-arn': 'arn:aws-us-gov:eks:us-gov-west-1:111122223333:cluster/Prod_1',
        'aws:RequestTag/kubernetes-namespace': namespace,
        'aws:RequestTag/kubernetes-service-account': name,
      },
    },
  });
  assert.equal(docs['trust_policy_app'], { Version: '2012-10-17', Statement: [statement('shop', 'api')] });
  assert.equal(docs['trust_policy_dns'], { Version: '2012-10-17', Statement: [statement('cert-manager', 'cert-manager')] });
  assert.equal((docs['route53_policy_dns'] as { Statement: unknown[] }).Statement[0], {
    Effect: 'Allow',
    Action: 'route53:GetChange',
    Resource: 'arn:aws-us-gov:route53:::change/*',
  });
});

test('Pod Identity: no annotation anywhere, an association per KSA in Terraform', () => {
  const r = renderText(POD_IDENTITY_SPEC);
  assert.not.ok(r.files.some((f) => f.content.includes('eks.amazonaws.com/role-arn')));
  assert.not.ok(r.files.some((f) => f.path.startsWith('kustomize/cert-manager/')), 'nothing to patch on cert-manager');
  const [sa] = yamlDocs(file(r, 'manifests/service-accounts.yaml')) as Record<string, any>[];
  assert.is(sa?.metadata.annotations, undefined);
  const tf = file(r, 'cloud/terraform/aws-app.tf');
  assert.ok(
    tf.includes(`resource "aws_eks_pod_identity_association" "app_shop_api" {
  cluster_name    = "Prod_1"
  namespace       = "shop"
  service_account = "api"
  role_arn        = aws_iam_role.app.arn
}`),
    tf,
  );
  const issuer = yamlDocs(file(r, 'manifests/issuers.yaml'))[0] as Record<string, any>;
  assert.equal(issuer.spec.acme.solvers[0].dns01, { route53: { region: 'us-gov-west-1' } });
});

// ------------------------------------------------------------------------------------------ dedicated ServiceAccount

const DEDICATED_SPEC = `${EKS}identities:
  - name: team-dns
    awsServiceAccountRef:
      roleARN: "arn:aws:iam::111122223333:role/team-dns"
      serviceAccountName: route53
      audience: sts.example.internal
certManager:
  namespace: certs
  serviceAccount: cm-controller
  issuers:
    - name: team-a
      kind: Issuer
      namespace: team-a
      identity: team-dns
      acme: {server: letsencrypt}
      dns01: {route53: {hostedZoneID: ZA1111111111111111111}}
    - name: team-a-staging
      kind: Issuer
      namespace: team-a
      identity: team-dns
      acme: {server: letsencrypt-staging}
      dns01: {route53: {hostedZoneID: ZA1111111111111111111, region: us-west-2}}
    - name: shared
      identity: team-dns
      acme: {server: letsencrypt}
      dns01: {route53: {hostedZoneID: ZA1111111111111111111}}
`;

test('dedicated ServiceAccount: ServiceAccount, Role and RoleBinding per issuer namespace, exactly', () => {
  const r = renderText(DEDICATED_SPEC);
  const objects = (namespace: string) => `apiVersion: v1
kind: ServiceAccount
metadata:
  labels:
    app.kubernetes.io/managed-by: wi-gen
  name: route53
  namespace: ${namespace}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  labels:
    app.kubernetes.io/managed-by: wi-gen
  name: route53-tokenrequest
  namespace: ${namespace}
rules:
  - apiGroups:
      - ""
    resourceNames:
      - route53
    resources:
      - serviceaccounts/token
    verbs:
      - create
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  labels:
    app.kubernetes.io/managed-by: wi-gen
  name: cm-controller-route53-tokenrequest
  namespace: ${namespace}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: route53-tokenrequest
subjects:
  - kind: ServiceAccount
    name: cm-controller
    namespace: certs
`;
  const text = file(r, 'manifests/aws-dedicated-serviceaccounts.yaml');
  assert.fixture(text.slice(text.indexOf('\n') + 1), `${objects('certs')}---\n${objects('team-a')}`);
  for (const o of yamlDocs(text)) assert.equal(validateKubernetesObject(o), []);
});

test('dedicated ServiceAccount: Issuers name the role and the ServiceAccount, need no ambient flag', () => {
  const r = renderText(DEDICATED_SPEC);
  const issuers = yamlDocs(file(r, 'manifests/issuers.yaml')) as Record<string, any>[];
  const solver = (region: string) => ({
    route53: {
      auth: { kubernetes: { serviceAccountRef: { audiences: ['sts.example.internal'], name: 'route53' } } },
      hostedZoneID: 'ZA1111111111111111111',
      region,
      role: 'arn:aws:iam::111122223333:role/team-dns',
    },
  });
  assert.equal(
    issuers.map((i) => i.spec.acme.solvers[0].dns01),
    [solver('eu-west-1'), solver('us-west-2'), solver('eu-west-1')],
  );
  for (const o of issuers) assert.equal(validateKubernetesObject(o), []);
  const values = parse(file(r, 'helm/cert-manager.values.yaml'));
  assert.is(values.extraArgs, undefined, 'no --issuer-ambient-credentials');
  assert.is(values.serviceAccount.annotations, undefined, "cert-manager's own ServiceAccount carries no identity");
  const docs = scriptDocuments(file(r, 'cloud/aws.sh'));
  assert.equal(docs['trust_policy_team_dns'], {
    Version: '2012-10-17',
    Statement: [irsaStatement(['certs:route53', 'team-a:route53'], 'sts.example.internal')],
  });
});

test('dedicated ServiceAccount and IRSA together: ambient and non-ambient issuers side by side', () => {
  const spec = `${EKS}identities:
  - name: platform-dns
    awsIrsa: {roleARN: "arn:aws:iam::111122223333:role/platform-dns"}
  - name: team-dns
    awsServiceAccountRef: {roleARN: "arn:aws:iam::111122223333:role/team-dns"}
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
`;
  const loaded = loadSpec(spec, { file: 'spec.yaml' });
  assert.ok(loaded.ok);
  if (!loaded.ok) return;
  assert.equal(loaded.warnings, []);
  const r = renderText(spec);
  const values = parse(file(r, 'helm/cert-manager.values.yaml'));
  assert.equal(values.serviceAccount.annotations, { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/platform-dns' });
  assert.is(values.extraArgs, undefined);
});

// ------------------------------------------------------------------------------------------ cloud/aws.sh

const awsExamples = readdirSync(examplesDir).filter((d) => d.startsWith('eks-')).sort();

test('there are AWS examples', () => {
  assert.equal(awsExamples, ['eks-dedicated-serviceaccount', 'eks-irsa-cert-manager', 'eks-pod-identity']);
});

for (const name of awsExamples) {
  const script = join(examplesDir, name, 'out', 'cloud', 'aws.sh');
  test(`${name}: aws.sh passes bash -n${hasTool('shellcheck') ? ' and shellcheck' : ''}`, () => {
    const syntax = run('bash', ['-n', script]);
    assert.is(syntax.code, 0, syntax.stderr);
    if (hasTool('shellcheck')) {
      const lint = run('shellcheck', ['--severity=style', script]);
      assert.is(lint.code, 0, lint.stdout + lint.stderr);
    }
  });
}

/**
 * A stand-in for the aws CLI that records each call's argv as one JSON line, and answers the
 * two lookups the script makes: `iam get-role` (fails unless ROLE_EXISTS) and
 * `eks list-pod-identity-associations` (None unless ASSOCIATION_ID).
 */
function stubAws(): { dir: string; log: string } {
  const dir = tmpDir('wi-gen-aws-stub-');
  const log = join(dir, 'calls.jsonl');
  writeFileSync(
    join(dir, 'aws'),
    `#!/usr/bin/env node
const { appendFileSync } = require('node:fs');
const args = process.argv.slice(2);
appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
if (args[1] === 'get-role' && !process.env.ROLE_EXISTS) process.exit(254);
if (args[1] === 'list-pod-identity-associations') console.log(process.env.ASSOCIATION_ID || 'None');
`,
  );
  chmodSync(join(dir, 'aws'), 0o755);
  return { dir, log };
}

function runScript(example: string, env: Record<string, string> = {}): string[][] {
  const { dir, log } = stubAws();
  const r = run('bash', [join(examplesDir, example, 'out', 'cloud', 'aws.sh')], { env: { PATH: `${dir}:${process.env['PATH']}`, ...env } });
  assert.is(r.code, 0, r.stderr);
  return readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as string[]);
}

const flag = (argv: readonly string[], name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
};

test('aws.sh (IRSA): creates the missing role with the trust policy, then writes the policies; documents arrive intact', () => {
  const calls = runScript('eks-irsa-cert-manager');
  assert.equal(
    calls.map((c) => `${c[1]} ${flag(c, '--role-name')}`),
    [
      'get-role cert-manager-route53',
      'create-role cert-manager-route53',
      'update-assume-role-policy cert-manager-route53',
      'put-role-policy cert-manager-route53',
      'get-role reports-s3-read',
      'create-role reports-s3-read',
      'update-assume-role-policy reports-s3-read',
      'attach-role-policy reports-s3-read',
    ],
  );
  const spec = readFileSync(join(examplesDir, 'eks-irsa-cert-manager', 'spec.yaml'), 'utf8');
  const docs = scriptDocuments(file(renderText(spec), 'cloud/aws.sh'));
  const create = calls[1] as string[];
  assert.equal(JSON.parse(flag(create, '--assume-role-policy-document') as string), docs['trust_policy_dns01_solver']);
  assert.equal(JSON.parse(flag(calls[3] as string[], '--policy-document') as string), docs['route53_policy_dns01_solver']);
  assert.is(flag(calls[5] as string[], '--path'), '/apps/');
  assert.is(flag(calls[7] as string[], '--policy-arn'), 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
});

test('aws.sh (Pod Identity): creates associations when missing, updates them when present, never creates a role twice', () => {
  const fresh = runScript('eks-pod-identity');
  const creates = fresh.filter((c) => c[1] === 'create-pod-identity-association');
  assert.equal(
    creates.map((c) => [flag(c, '--cluster-name'), flag(c, '--namespace'), flag(c, '--service-account'), flag(c, '--role-arn'), flag(c, '--region')]),
    [
      ['shop-prod-us-east-2', 'cert-manager', 'cert-manager', 'arn:aws:iam::444455556666:role/shop-cert-manager-route53', 'us-east-2'],
      ['shop-prod-us-east-2', 'orders', 'worker', 'arn:aws:iam::444455556666:role/shop-orders-queue', 'us-east-2'],
    ],
  );
  const again = runScript('eks-pod-identity', { ROLE_EXISTS: '1', ASSOCIATION_ID: 'a-0123456789abcdef0' });
  assert.not.ok(again.some((c) => c[1] === 'create-role' || c[1] === 'create-pod-identity-association'));
  assert.equal(
    again.filter((c) => c[1] === 'update-pod-identity-association').map((c) => flag(c, '--association-id')),
    ['a-0123456789abcdef0', 'a-0123456789abcdef0'],
  );
});

// ------------------------------------------------------------------------------------------ templates

const fill = parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'template-values.yaml'), 'utf8')) as Record<string, string>;

for (const name of ['eks-irsa', 'eks-pod-identity', 'eks-dedicated-serviceaccount']) {
  const text = readFileSync(join(repoRoot, 'templates', `${name}.yaml`), 'utf8');
  test(`template ${name}: refused while placeholders remain, renders valid objects once filled`, () => {
    assert.ok(text.startsWith('# yaml-language-server: $schema=../schema/wi-gen.schema.json\n'));
    assert.not.ok(loadSpec(text, { file: `${name}.yaml` }).ok, 'an unfilled template must not render');
    const filled = text.replace(/<([A-Z][A-Z0-9_]*)>/g, (token, key: string) => {
      if (!(key in fill)) throw new Error(`no fill value for ${token} in test/fixtures/template-values.yaml`);
      return fill[key] as string;
    });
    const r = renderText(filled, `${name}.yaml`);
    const objects = r.files.filter((f) => f.path.startsWith('manifests/') && !f.path.endsWith('kustomization.yaml')).flatMap((f) => yamlDocs(f.content));
    assert.ok(objects.length > 0);
    for (const o of objects) assert.equal(validateKubernetesObject(o), []);
  });
}

// ------------------------------------------------------------------------------------------ issue 11: apply-time defects

test("Route53 policy: exactly the calls cert-manager's solver makes, ListResourceRecordSets nowhere", () => {
  // cert-manager pkg/issuer/acme/dns/route53/route53.go calls ChangeResourceRecordSets, GetChange and
  // (without a hostedZoneID) ListHostedZonesByName; it never lists record sets.
  const solverCalls = new Set(['route53:ChangeResourceRecordSets', 'route53:GetChange', 'route53:ListHostedZonesByName']);
  const withZone = scriptDocuments(file(renderText(IRSA_SPEC), 'cloud/aws.sh'))['route53_policy_dns'] as PolicyDocument;
  const anyZone = scriptDocuments(
    file(renderText(IRSA_SPEC.replace('dns01: {route53: {hostedZoneID: ZB2222222222222222222}}', 'dns01: {route53: {}}')), 'cloud/aws.sh'),
  )['route53_policy_dns'] as PolicyDocument;
  const actions = (p: PolicyDocument) => p.Statement.flatMap((st) => [st['Action']].flat() as string[]).sort();
  assert.equal(actions(withZone), ['route53:ChangeResourceRecordSets', 'route53:GetChange']);
  assert.equal(actions(anyZone), [...solverCalls].sort());
  for (const policy of [withZone, anyZone]) {
    const change = policy.Statement.find((st) => st['Action'] === 'route53:ChangeResourceRecordSets');
    assert.equal(change?.['Condition'], TXT_ONLY, 'record changes stay TXT-only');
  }
  for (const example of awsExamples) {
    for (const f of renderText(readFileSync(join(examplesDir, example, 'spec.yaml'), 'utf8')).files) {
      assert.not.ok(f.content.includes('ListResourceRecordSets'), `${example}/${f.path} grants ListResourceRecordSets`);
    }
  }
});

/** A spec with one IRSA identity bound to `count` KSAs, `app-NN` in namespaces `team-NN`. */
const manyIrsaKsas = (count: number, method = 'awsIrsa', cluster = EKS): string => {
  const bindings = Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return `  - identity: app\n    serviceAccount: {namespace: team-${n}, name: app-${n}}\n`;
  });
  return `${cluster}identities:\n  - name: app\n    ${method}: {roleARN: "arn:aws:iam::111122223333:role/app"}\nbindings:\n${bindings.join('')}`;
};

test('IRSA: 40 KSAs on one role fit one trust statement under the 2,048-character quota (5 used to break it)', () => {
  const docs = scriptDocuments(file(renderText(manyIrsaKsas(40)), 'cloud/aws.sh'));
  const trust = docs['trust_policy_app'] as PolicyDocument;
  assert.is(trust.Statement.length, 1);
  const subs = (trust.Statement[0] as any).Condition.StringEquals[`${ISSUER_HOST}:sub`] as string[];
  assert.is(subs.length, 40);
  assert.is(subs[39], 'system:serviceaccount:team-40:app-40');
  const length = policyLength(trust);
  assert.ok(length <= TRUST_POLICY_LIMIT, `${length}`);
  // IAM counts no whitespace: the measure is the minified document, the same bytes jsonencode sends.
  assert.is(length, JSON.stringify(JSON.parse(JSON.stringify(trust, null, 2))).length);
});

test('trust policy past the quota: a positioned spec error with the length, exit 2, no output', () => {
  for (const [method, count] of [['awsIrsa', 60], ['awsPodIdentity', 20]] as const) {
    const spec = method === 'awsIrsa' ? manyIrsaKsas(count) : manyIrsaKsas(count, method, cluster('{accountID: "111122223333", region: eu-west-1}'));
    const dir = tmpDir('wi-gen-aws-trust-');
    writeFileSync(join(dir, 'spec.yaml'), spec);
    const r = wiGen(['spec.yaml'], { cwd: dir });
    assert.is(r.stdout, '');
    assert.is(r.code, 2, r.stderr);
    const lines = spec.split('\n');
    const line = lines.findIndex((l) => l.includes(`${method}:`)) + 1;
    const column = (lines[line - 1] as string).indexOf('{') + 1;
    assert.match(
      r.stderr.trimEnd(),
      new RegExp(
        `^spec\\.yaml:${line}:${column}: identities\\[0\\]\\.${method}: the trust policy of role app would be [0-9]{4} characters \\(whitespace not counted\\), over IAM's default quota of 2048 for a role trust policy; give some of its ServiceAccounts an identity with a role of their own$`,
      ),
    );
  }
});

test('Pod Identity: namespaces with the same KSA names share a statement; the allowed pairs are exactly the bound KSAs', () => {
  const bound = [['a', 'x'], ['a', 'y'], ['b', 'y'], ['b', 'x'], ['c', 'z'], ['d', 'x']];
  const spec = `${cluster('{accountID: "111122223333", region: eu-west-1}')}identities:
  - name: app
    awsPodIdentity: {roleARN: "arn:aws:iam::111122223333:role/app"}
bindings:
${bound.map(([ns, name]) => `  - identity: app\n    serviceAccount: {namespace: ${ns}, name: ${name}}\n`).join('')}`;
  const trust = scriptDocuments(file(renderText(spec), 'cloud/aws.sh'))['trust_policy_app'] as PolicyDocument;
  const conditions = trust.Statement.map((st) => (st as any).Condition.StringEquals as Record<string, string | string[]>);
  assert.equal(
    conditions.map((c) => [c['aws:RequestTag/kubernetes-namespace'], c['aws:RequestTag/kubernetes-service-account']]),
    [[['a', 'b'], ['x', 'y']], ['c', 'z'], ['d', 'x']],
  );
  for (const st of trust.Statement) {
    assert.equal(st['Principal'], { Service: 'pods.eks.amazonaws.com' });
    assert.equal(st['Action'], ['sts:AssumeRole', 'sts:TagSession']);
  }
  const allowed = conditions.flatMap((c) =>
    [c['aws:RequestTag/kubernetes-namespace']].flat().flatMap((ns) => [c['aws:RequestTag/kubernetes-service-account']].flat().map((n) => `${ns}/${n}`)),
  );
  assert.equal(allowed.sort(), bound.map(([ns, n]) => `${ns}/${n}`).sort(), 'no namespace x name pair beyond the bound KSAs');
  assert.ok(conditions.every((c) => c['aws:RequestTag/eks-cluster-arn'] === 'arn:aws:eks:eu-west-1:111122223333:cluster/prod'));
});

test('Terraform: the aws provider is pinned to the cluster region (Pod Identity associations are regional)', () => {
  for (const example of awsExamples) {
    const region = (parse(readFileSync(join(examplesDir, example, 'spec.yaml'), 'utf8')) as any).cluster.eks.region as string;
    const versions = file(renderText(readFileSync(join(examplesDir, example, 'spec.yaml'), 'utf8')), 'cloud/terraform/versions.tf');
    assert.ok(versions.includes(`provider "aws" {\n  region = "${region}"\n}`), `${example}:\n${versions}`);
  }
  assert.ok(file(renderText(POD_IDENTITY_SPEC), 'cloud/terraform/versions.tf').includes('region = "us-gov-west-1"'));
});

const ADOPTED_SPEC = IRSA_SPEC.replace('awsIrsa: {roleARN: "arn:aws:iam::111122223333:role/app",', 'awsIrsa: {create: false, roleARN: "arn:aws:iam::111122223333:role/app",');

test('existing role (create: false): Terraform imports it by name and needs Terraform 1.5; a created role has no import', () => {
  assert.not.equal(ADOPTED_SPEC, IRSA_SPEC);
  const r = renderText(ADOPTED_SPEC);
  const tf = file(r, 'cloud/terraform/aws-app.tf');
  assert.ok(tf.includes('import {\n  to = aws_iam_role.app\n  id = "app"\n}'), tf);
  assert.ok(tf.includes('resource "aws_iam_role" "app" {'), 'the adopted role is managed, so its trust policy is written');
  assert.ok(file(r, 'cloud/terraform/versions.tf').includes('required_version = ">= 1.5"'));
  assert.ok(file(r, 'README.md').includes('Role `app` exists already (`create: false`)'));
  assert.not.ok(file(r, 'cloud/terraform/aws-dns.tf').includes('import {'));
  const created = renderText(IRSA_SPEC);
  // Only the opt-in adoption file, outside the module, imports a created role (test/adopt.test.ts).
  assert.not.ok(created.files.some((f) => f.path !== 'cloud/terraform/adopt/imports.tf' && f.content.includes('import {')));
  assert.ok(file(created, 'cloud/terraform/adopt/imports.tf').includes('import {'));
  assert.ok(file(created, 'cloud/terraform/versions.tf').includes('required_version = ">= 1.3"'));
});

test('existing role (create: false): aws.sh stops when the role is missing, never creates it, and updates it when present', () => {
  const dir = tmpDir('wi-gen-aws-adopted-');
  const script = join(dir, 'aws.sh');
  writeFileSync(script, file(renderText(ADOPTED_SPEC), 'cloud/aws.sh'));
  const { dir: stub, log } = stubAws();
  const missing = run('bash', [script], { env: { PATH: `${stub}:${process.env['PATH']}` } });
  assert.is(missing.code, 1);
  assert.ok(missing.stderr.includes('role arn:aws:iam::111122223333:role/app does not exist, and the spec says create: false'), missing.stderr);
  const calls = () => readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as string[]);
  assert.not.ok(calls().some((c) => c[1] === 'create-role' && flag(c, '--role-name') === 'app'));
  writeFileSync(log, '');
  const present = run('bash', [script], { env: { PATH: `${stub}:${process.env['PATH']}`, ROLE_EXISTS: '1' } });
  assert.is(present.code, 0, present.stderr);
  assert.equal(
    calls().filter((c) => flag(c, '--role-name') === 'app').map((c) => c[1]),
    ['get-role', 'update-assume-role-policy', 'attach-role-policy'],
  );
  if (hasTool('shellcheck')) {
    const lint = run('shellcheck', ['--severity=style', script]);
    assert.is(lint.code, 0, lint.stdout + lint.stderr);
  }
});

test('aws.sh: every IAM call names the cluster region, so GovCloud and China reach their own IAM endpoint', () => {
  const dir = tmpDir('wi-gen-aws-gov-');
  const script = join(dir, 'aws.sh');
  writeFileSync(script, file(renderText(POD_IDENTITY_SPEC), 'cloud/aws.sh'));
  const { dir: stub, log } = stubAws();
  const r = run('bash', [script], { env: { PATH: `${stub}:${process.env['PATH']}` } });
  assert.is(r.code, 0, r.stderr);
  const calls = readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as string[]);
  const iam = calls.filter((c) => c[0] === 'iam');
  assert.ok(iam.length >= 6, `${iam.length} IAM calls`);
  assert.equal([...new Set(calls.map((c) => flag(c, '--region')))], ['us-gov-west-1']);
});

// The aws CLI exits 255 on a parse failure and on missing credentials alike: read the message.
const AWS_PARSE_FAILURE = /Unknown options|Invalid choice|the following arguments are required|Parameter validation failed|You must specify a region/;
const AWS_PARSED = /Unable to locate credentials|Could not connect to the endpoint URL|InvalidIdentityToken|AccessDenied/;

/**
 * Runs one aws command with no credentials and no region. `endpoint` is the URL the CLI could not
 * reach, for unsigned calls (STS web identity) that get past credentials to the network.
 */
function awsParse(argv: readonly string[]): { parsed: boolean; message: string; endpoint?: string } {
  const env = {
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    AWS_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
  };
  // assume-role-with-web-identity is unsigned, so it reaches the network: fail fast there.
  const r = run('aws', [...argv, '--cli-connect-timeout', '1'], { env, timeoutMs: 30_000 });
  const message = r.stderr.trim().split('\n').filter(Boolean).pop() ?? '';
  const endpoint = /Could not connect to the endpoint URL: "([^"]+)"/.exec(r.stderr)?.[1];
  return { parsed: r.code === 255 && AWS_PARSED.test(r.stderr) && !AWS_PARSE_FAILURE.test(r.stderr), message, ...(endpoint ? { endpoint } : {}) };
}

/** The aws commands of a README's sh blocks, continuation lines joined, `"$(…)"` replaced by a stand-in token. */
function readmeAwsCommands(readme: string): string[][] {
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => (m[1] as string).replace(/\\\n\s*/g, ''));
  return blocks
    .flatMap((b) => b.split('\n'))
    .filter((l) => l.startsWith('aws '))
    .map((l) => l.replace(/"\$\([^)]*\)"/g, 'eyJhbGciOiJSUzI1NiJ9.stand-in.token').split(/\s+/).slice(1));
}

test(`README aws commands get past the real aws CLI's argument parsing${hasTool('aws') ? '' : ' (skipped: no aws CLI on PATH)'}`, () => {
  const commands = awsExamples.flatMap((e) => readmeAwsCommands(readFileSync(join(examplesDir, e, 'out', 'README.md'), 'utf8')));
  assert.equal(
    commands.map((c) => `${c[0]} ${c[1]}`).sort(),
    ['eks list-pod-identity-associations', 'eks list-pod-identity-associations', 'sts assume-role-with-web-identity'],
  );
  assert.ok(commands.every((c) => c.includes('--region')));
  if (!hasTool('aws')) {
    console.log('skip: no aws CLI on PATH; README aws commands not parsed');
    return;
  }
  for (const argv of commands) {
    const r = awsParse(argv);
    assert.ok(r.parsed, `aws ${argv.join(' ')}: ${r.message}`);
    // Offline, an unsigned STS call shows where it went: the regional endpoint of --region.
    if (r.endpoint) assert.is(r.endpoint, `https://sts.${argv[argv.indexOf('--region') + 1]}.amazonaws.com/`);
  }
  // The checker fails on the commands the README used to print.
  const listWithoutCluster = awsParse(['eks', 'list-pod-identity-associations', '--region', 'us-east-2']);
  assert.not.ok(listWithoutCluster.parsed);
  assert.match(listWithoutCluster.message, 'the following arguments are required: --cluster-name');
  // Without --region, CLI v2 stops ("You must specify a region"); v1 falls back to the global STS endpoint.
  const sts = commands.find((c) => c[0] === 'sts') as string[];
  const stsWithoutRegion = awsParse(sts.filter((a, i, all) => a !== '--region' && all[i - 1] !== '--region'));
  assert.ok(!stsWithoutRegion.parsed || stsWithoutRegion.endpoint === 'https://sts.amazonaws.com/', stsWithoutRegion.message);
});

test.run();
