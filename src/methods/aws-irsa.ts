/**
 * IAM Roles for Service Accounts (IRSA). The KSA is annotated with a role ARN; the EKS Pod
 * Identity webhook then mounts a projected token and sets AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE
 * and AWS_REGION in new pods, and the SDK calls AssumeRoleWithWebIdentity. The role trusts the
 * cluster's IAM OIDC provider for exactly the bound KSAs. Ambient for cert-manager: the Issuer's
 * `route53` block names no role and no keys.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
 * @see https://cert-manager.io/docs/configuration/acme/dns01/route53/
 */
import { shellQuote } from '../format/shell.js';
import { z } from 'zod';
import { parseOidcProviderArn } from '../schema/cluster.js';
import type { Identity, IssuerModel } from '../model/model.js';
import { block, attr, expr } from '../format/hcl.js';
import { tfName } from '../format/names.js';
import { defineMethod, type CheckContext, type MethodContext } from '../model/method.js';
import type { CloudGrant } from '../model/cloud-grant.js';
import { IRSA_ROLE_ANNOTATION, STS_AUDIENCE, ksaSubject, webIdentityTrustPolicy, type PolicyDocument } from './names/aws.js';
import {
  adoptedRoleNotes,
  awsRoleFields,
  callerIdentityCheck,
  checkAmbientIssuerRegions,
  checkRole,
  checkTrusted,
  checkTrustPolicyLength,
  eksCluster,
  oidcProvider,
  oidcProviderPrerequisite,
  roleOf,
  roleScriptLines,
  roleTerraformBlocks,
  terraformFile,
  type AwsRoleConfig,
  awsRoleCloudGrants,
} from './shared/aws-role.js';

const AwsIrsaSchema = () => z
  .strictObject({ ...awsRoleFields() })
  .describe('IRSA: the KSA is annotated with an IAM role that trusts the cluster OIDC provider for that KSA.');

type AwsIrsaIdentity = z.output<ReturnType<typeof AwsIrsaSchema>>;

const KEY = 'awsIrsa';

function trustPolicy(identity: Identity<AwsRoleConfig>, ctx: MethodContext): PolicyDocument {
  const provider = oidcProvider(ctx);
  return webIdentityTrustPolicy(eksCluster(ctx).oidcProviderARN as string, provider.issuer, identity.bindings, STS_AUDIENCE);
}

const description = (identity: Identity): string => `wi-gen identity ${identity.name} (IRSA)`;

function check(identity: Identity<AwsIrsaIdentity>, ctx: CheckContext): void {
  const at = [...identity.path, KEY];
  if (!checkRole(identity, ctx, { at, needsOidcProvider: true })) return;
  checkTrusted(identity, ctx, at, identity.bindings.length);
  if (parseOidcProviderArn(eksCluster(ctx).oidcProviderARN ?? '')) checkTrustPolicyLength(identity, ctx, at, trustPolicy(identity, ctx));
  checkAmbientIssuerRegions(identity, ctx, 'the EKS Pod Identity webhook');
}

export const awsIrsa = defineMethod<AwsIrsaIdentity>({
  key: KEY,
  description: 'AWS IRSA: a KSA annotated with eks.amazonaws.com/role-arn assumes an IAM role through the cluster OIDC provider.',
  cloud: 'aws',
  schema: AwsIrsaSchema,
  dnsProvider: 'route53',
  ambient: () => true,
  bindsCertManagerServiceAccount: () => true,
  check,

  serviceAccountMetadata(binding) {
    return { annotations: { [IRSA_ROLE_ANNOTATION]: (binding.identity.config as AwsIrsaIdentity).roleARN } };
  },

  podTemplate: () => ({}),

  dns01Solver(issuer: IssuerModel) {
    const r53 = issuer.dns01.route53 as NonNullable<IssuerModel['dns01']['route53']>;
    // No role and no keys: cert-manager falls back to the SDK chain, which finds the IRSA token.
    // A role here would make the IRSA role try to assume itself (cert-manager#4053).
    return { route53: { ...(r53.region ? { region: r53.region } : {}), ...(r53.hostedZoneID ? { hostedZoneID: r53.hostedZoneID } : {}) } };
  },

  cloudGrants,

  cloudPlan(identity, ctx) {
    const plan = { identity, trust: trustPolicy(identity, ctx), description: description(identity) };
    const providerData = `data.aws_iam_openid_connect_provider.${tfName(identity.name)}`;
    const providerArn = eksCluster(ctx).oidcProviderARN as string;
    return {
      scripts: [{ title: `identity ${identity.name}: IRSA role ${roleOf(identity).arn}`, lines: roleScriptLines(plan, ctx) }],
      terraform: [
        terraformFile(identity, ctx, [
          // A data source, not a resource: the provider belongs to the cluster, and the plan fails early if it is missing.
          block('data', ['aws_iam_openid_connect_provider', tfName(identity.name)], [attr('arn', providerArn)]),
          ...roleTerraformBlocks(plan, ctx, new Map([[providerArn, expr(`${providerData}.arn`)]])),
        ]),
      ],
    };
  },

  readme(identity, ctx) {
    const certManager = identity.bindings.some((b) => b.certManager);
    return {
      prerequisites: [oidcProviderPrerequisite(ctx)],
      verify: identity.bindings.map((b) =>
        callerIdentityCheck(
          b.namespace,
          b.name,
          identity,
          "An `assumed-role/…NodeInstanceRole…` ARN means the pod started before the annotation (restart it) or the annotation is missing; `AccessDenied … AssumeRoleWithWebIdentity` means the trust policy's `:sub` or `:aud` does not match the KSA.",
        ),
      ),
      notes: [
        ...(certManager
          ? [
              `Restart cert-manager after the ServiceAccount is annotated (\`kubectl rollout restart deployment/${shellQuote(String(ctx.model.certManager?.deployment))} -n ${shellQuote(String(ctx.model.certManager?.namespace))}\`): the webhook injects the IRSA token only into new pods.`,
            ]
          : []),
        ...adoptedRoleNotes(identity),
      ],
    };
  },
});

/** The role aws.sh makes or adopts and the ServiceAccounts its trust policy admits. */
function cloudGrants(identity: Identity<AwsIrsaIdentity>, ctx: MethodContext): CloudGrant[] {
  return awsRoleCloudGrants(identity, ctx, identity.bindings.map((b) => ksaSubject(b.namespace, b.name)));
}
