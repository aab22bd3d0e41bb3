/**
 * A dedicated ServiceAccount per issuer namespace (cert-manager's `route53.auth.kubernetes`).
 * cert-manager mints a short-lived token for that ServiceAccount through the TokenRequest API
 * and calls AssumeRoleWithWebIdentity with the Issuer's `role` itself, so nothing is ambient:
 * it works for namespaced Issuers without `--issuer-ambient-credentials`, and a tenant can use
 * only the roles whose ServiceAccounts live in its namespace. The chart grants cert-manager no
 * right to mint tokens, so wi-gen emits a Role for exactly that ServiceAccount and binds it.
 *
 * @see https://cert-manager.io/docs/configuration/acme/dns01/route53/#referencing-your-own-serviceaccount-within-issuer-spec
 */
import { shellQuote } from '../format/shell.js';
import { z } from 'zod';
import { awsPartition, dnsLabel, safeText } from '../schema/common.js';
import { parseOidcProviderArn } from '../schema/cluster.js';
import type { Identity, IssuerModel } from '../model/model.js';
import { formatPath } from '../model/diagnostics.js';
import { attr, block, expr } from '../format/hcl.js';
import { tfName } from '../format/names.js';
import { defineMethod, type CheckContext, type KubeObjectSink, type MethodContext } from '../model/method.js';
import type { CloudGrant } from '../model/cloud-grant.js';
import { ksaSubject, roleArn, STS_AUDIENCE, webIdentityTrustPolicy, type KsaRef, type PolicyDocument } from './names/aws.js';
import {
  adoptedRoleNotes,
  checkRole,
  checkTrusted,
  checkTrustPolicyLength,
  roleCreateField,
  eksCluster,
  issuersOf,
  oidcProvider,
  oidcProviderPrerequisite,
  roleOf,
  roleScriptLines,
  roleTerraformBlocks,
  terraformFile,
  awsRoleCloudGrants,
} from './shared/aws-role.js';

const AwsServiceAccountRefSchema = () => z
  .strictObject({
    roleARN: roleArn().describe(
      'IAM role the issuers assume, e.g. arn:aws:iam::111122223333:role/team-a-route53. wi-gen owns its trust policy; see create for who makes the role.',
    ),
    create: roleCreateField(),
    serviceAccountName: dnsLabel('a ServiceAccount name')
      .optional()
      .describe(
        "Name of the dedicated ServiceAccount, created in each issuer's namespace (a ClusterIssuer's is cert-manager's namespace). @default the identity name",
      ),
    // IAM takes 1-255 characters per OIDC client ID (CreateOpenIDConnectProvider ClientIDList) and
    // Kubernetes any string; real audiences are URIs or host names, so only their characters pass:
    // a `;` or `|` here reached the README's shell snippet.
    audience: z
      .string()
      .max(255, { message: 'an audience must be at most 255 characters' })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._~:/@%+=,-]*$/, {
        message: 'an audience must be a URI or name: letters, digits and . _ ~ : / @ % + = , - (such as sts.amazonaws.com)',
      })
      .default(STS_AUDIENCE)
      .describe(
        "Audience of the token cert-manager mints (Issuer serviceAccountRef.audiences) and the trust policy's :aud; the IAM OIDC provider must list it as a client ID. @default sts.amazonaws.com",
      ),
  })
  .describe("A dedicated ServiceAccount per issuer namespace whose token cert-manager exchanges for the role (not ambient; namespaced Issuers need no flag).");

type AwsServiceAccountRefIdentity = z.output<ReturnType<typeof AwsServiceAccountRefSchema>>;

const KEY = 'awsServiceAccountRef';

const serviceAccountName = (identity: Identity<AwsServiceAccountRefIdentity>): string => identity.config.serviceAccountName ?? identity.name;

/** The dedicated ServiceAccounts: one per namespace where an issuer of this identity reads references. */
export function dedicatedServiceAccounts(identity: Identity<AwsServiceAccountRefIdentity>, ctx: MethodContext): KsaRef[] {
  const namespaces = [...new Set(issuersOf(identity, ctx).map((i) => i.resourceNamespace))].sort();
  return namespaces.map((namespace) => ({ namespace, name: serviceAccountName(identity) }));
}

const tokenRequestRoleName = (serviceAccount: string): string => `${serviceAccount}-tokenrequest`;
const tokenRequestBindingName = (certManagerServiceAccount: string, serviceAccount: string): string =>
  `${certManagerServiceAccount}-${serviceAccount}-tokenrequest`;

function trustPolicy(identity: Identity<AwsServiceAccountRefIdentity>, ctx: MethodContext): PolicyDocument {
  const providerArn = eksCluster(ctx).oidcProviderARN as string;
  return webIdentityTrustPolicy(providerArn, oidcProvider(ctx).issuer, dedicatedServiceAccounts(identity, ctx), identity.config.audience);
}

function check(identity: Identity<AwsServiceAccountRefIdentity>, ctx: CheckContext): void {
  const at = [...identity.path, KEY];
  for (const b of identity.bindings) {
    if (b.certManager) continue;
    ctx.diagnostics.error(
      [...b.path.slice(0, -1), 'identity'],
      `identity "${identity.name}" uses ${KEY}, which only cert-manager can use (it mints the ServiceAccount token itself); bind workloads to an awsIrsa or awsPodIdentity identity`,
    );
  }
  if (!checkRole(identity, ctx, { at, needsOidcProvider: true })) return;
  const accounts = dedicatedServiceAccounts(identity, ctx);
  checkTrusted(identity, ctx, at, accounts.length);
  if (parseOidcProviderArn(eksCluster(ctx).oidcProviderARN ?? '')) checkTrustPolicyLength(identity, ctx, at, trustPolicy(identity, ctx));

  const cm = ctx.model.certManager;
  const taken = new Map<string, string>();
  for (const b of ctx.model.bindings) {
    taken.set(`${b.namespace}/${b.name}`, b.certManager ? "cert-manager's own ServiceAccount" : `the ServiceAccount bound by ${formatPath(b.path.slice(0, 2))}`);
  }
  if (cm) taken.set(`${cm.namespace}/${cm.serviceAccount}`, "cert-manager's own ServiceAccount");
  for (const other of ctx.model.identities) {
    if (other === identity) break;
    if (other.method.key !== KEY) continue;
    for (const sa of dedicatedServiceAccounts(other as Identity<AwsServiceAccountRefIdentity>, ctx)) {
      taken.set(`${sa.namespace}/${sa.name}`, `the dedicated ServiceAccount of identity "${other.name}"`);
    }
  }
  for (const sa of accounts) {
    const owner = taken.get(`${sa.namespace}/${sa.name}`);
    if (owner) {
      ctx.diagnostics.error(
        identity.config.serviceAccountName ? [...at, 'serviceAccountName'] : at,
        `the dedicated ServiceAccount ${sa.namespace}/${sa.name} would be ${owner}; set serviceAccountName to another name`,
      );
    }
  }

  const cluster = ctx.model.cluster.eks as NonNullable<typeof ctx.model.cluster.eks>;
  const role = roleOf(identity);
  for (const issuer of issuersOf(identity, ctx)) {
    const region = issuer.dns01.route53?.region;
    if (region !== undefined && awsPartition(region) !== role.partition) {
      ctx.diagnostics.error(
        [...issuer.path, 'dns01', 'route53', 'region'],
        `is in partition ${awsPartition(region)}, but role ${role.arn} is in ${role.partition}; STS there does not know the role (use a region of ${role.partition}, such as cluster.eks.region ${cluster.region})`,
      );
    }
  }
}

function objects(identity: Identity<AwsServiceAccountRefIdentity>, out: KubeObjectSink, ctx: MethodContext): void {
  const cm = ctx.model.certManager;
  if (!cm) return;
  for (const sa of dedicatedServiceAccounts(identity, ctx)) {
    const id = `${identity.name}-${sa.namespace}`;
    out.add(`${id}-sa`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: sa.name, namespace: sa.namespace },
      // Nothing runs as it: cert-manager requests its tokens through the API.
      automountServiceAccountToken: false,
    });
    out.add(`${id}-role`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: tokenRequestRoleName(sa.name), namespace: sa.namespace },
      rules: [{ apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: [sa.name], verbs: ['create'] }],
    });
    out.add(`${id}-rolebinding`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: tokenRequestBindingName(cm.serviceAccount, sa.name), namespace: sa.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: tokenRequestRoleName(sa.name) },
      subjects: [{ kind: 'ServiceAccount', name: cm.serviceAccount, namespace: cm.namespace }],
    });
  }
}

export const awsServiceAccountRef = defineMethod<AwsServiceAccountRefIdentity>({
  key: KEY,
  description:
    'AWS dedicated ServiceAccount: cert-manager exchanges a token of a ServiceAccount in the issuer namespace for an IAM role (route53.auth.kubernetes); not ambient.',
  cloud: 'aws',
  schema: AwsServiceAccountRefSchema,
  dnsProvider: 'route53',
  ambient: () => false,
  bindsCertManagerServiceAccount: () => false,
  check,
  serviceAccountMetadata: () => ({}),
  podTemplate: () => ({}),
  manifestFile: 'aws-dedicated-serviceaccounts',
  objects,

  dns01Solver(issuer: IssuerModel, ctx) {
    const identity = issuer.identity as Identity<AwsServiceAccountRefIdentity>;
    const r53 = issuer.dns01.route53 as NonNullable<IssuerModel['dns01']['route53']>;
    return {
      route53: {
        // STS is regional and cert-manager's pod has no AWS_REGION here: without one it fails with "Missing Region".
        region: r53.region ?? eksCluster(ctx).region,
        ...(r53.hostedZoneID ? { hostedZoneID: r53.hostedZoneID } : {}),
        role: identity.config.roleARN,
        auth: { kubernetes: { serviceAccountRef: { name: serviceAccountName(identity), audiences: [identity.config.audience] } } },
      },
    };
  },

  cloudGrants,

  cloudPlan(identity, ctx) {
    const providerArn = eksCluster(ctx).oidcProviderARN as string;
    const plan = {
      identity,
      trust: trustPolicy(identity, ctx),
      description: `wi-gen identity ${identity.name} (cert-manager dedicated ServiceAccount)`,
    };
    const providerData = `data.aws_iam_openid_connect_provider.${tfName(identity.name)}`;
    return {
      scripts: [{ title: `identity ${identity.name}: role ${roleOf(identity).arn} for cert-manager's dedicated ServiceAccounts`, lines: roleScriptLines(plan, ctx) }],
      terraform: [
        terraformFile(identity, ctx, [
          block('data', ['aws_iam_openid_connect_provider', tfName(identity.name)], [attr('arn', providerArn)]),
          ...roleTerraformBlocks(plan, ctx, new Map([[providerArn, expr(`${providerData}.arn`)]])),
        ]),
      ],
    };
  },

  readme(identity, ctx) {
    const cm = ctx.model.certManager;
    const cluster = eksCluster(ctx);
    const role = roleOf(identity);
    const verify = dedicatedServiceAccounts(identity, ctx).map((sa) =>
      [
        `cert-manager may mint tokens for \`${sa.namespace}/${sa.name}\`, and the role accepts them:`,
        '',
        '```sh',
        `kubectl auth can-i create serviceaccounts/${shellQuote(sa.name)} --subresource=token -n ${shellQuote(sa.namespace)} --as=system:serviceaccount:${shellQuote(String(cm?.namespace))}:${shellQuote(String(cm?.serviceAccount))}`,
        // STS is regional and the CLI needs a region for it ("You must specify a region").
        `aws sts assume-role-with-web-identity --region ${shellQuote(cluster.region)} --role-arn ${shellQuote(role.arn)} --role-session-name wi-gen-check \\`,
        `  --web-identity-token "$(kubectl create token ${shellQuote(sa.name)} -n ${shellQuote(sa.namespace)} --audience ${shellQuote(identity.config.audience)} --duration 10m)"`,
        '```',
        '',
        '`no` from `can-i` means the RoleBinding is missing (the challenge fails with `serviceaccounts "…" is forbidden`); `InvalidIdentityToken` means the OIDC provider does not list the audience as a client ID; `AccessDenied` means the trust policy does not name this namespace and ServiceAccount.',
      ].join('\n'),
    );
    return {
      prerequisites: [
        oidcProviderPrerequisite(ctx),
        ...(identity.config.audience === STS_AUDIENCE
          ? []
          : [`The IAM OIDC provider \`${cluster.oidcProviderARN}\` also lists client ID \`${identity.config.audience}\` (\`aws iam add-client-id-to-open-id-connect-provider\`).`]),
      ],
      verify,
      notes: [
        ...adoptedRoleNotes(identity),
        `Identity \`${identity.name}\` is not ambient: each issuer names role \`${role.arn}\` and ServiceAccount \`${serviceAccountName(identity)}\` in its own namespace, so namespaced Issuers need no \`--issuer-ambient-credentials\`, and cert-manager can mint tokens only for that ServiceAccount.`,
      ],
    };
  },
});

/** The role aws.sh makes or adopts and the ServiceAccounts its trust policy admits. */
function cloudGrants(identity: Identity<AwsServiceAccountRefIdentity>, ctx: MethodContext): CloudGrant[] {
  return awsRoleCloudGrants(identity, ctx, dedicatedServiceAccounts(identity, ctx).map((s) => ksaSubject(s.namespace, s.name)));
}
