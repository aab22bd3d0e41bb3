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
import { shellQuote } from '../emit/shell.js';
import { z } from 'zod';
import { parseOidcProviderArn } from '../spec/cluster.js';
import type { Identity, IssuerModel } from '../model/model.js';
import { block, attr, expr } from '../emit/hcl.js';
import { tfName } from '../emit/names.js';
import { defineMethod, type CheckContext, type MethodContext } from './method.js';
import { IRSA_ROLE_ANNOTATION, STS_AUDIENCE, webIdentityTrustPolicy, type PolicyDocument } from './aws-names.js';
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
} from './aws-role.js';

export const AwsIrsaSchema = () => z
  .strictObject({ ...awsRoleFields })
  .describe('IRSA: the KSA is annotated with an IAM role that trusts the cluster OIDC provider for that KSA.');

export type AwsIrsaIdentity = z.output<ReturnType<typeof AwsIrsaSchema>>;

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

  cloudPlan(identity, ctx) {
    const plan = { identity, trust: trustPolicy(identity, ctx), description: description(identity) };
    const providerData = `data.aws_iam_openid_connect_provider.${tfName(identity.name)}`;
    const providerArn = eksCluster(ctx).oidcProviderARN as string;
    return {
      scripts: [{ file: 'aws.sh', title: `identity ${identity.name}: IRSA role ${roleOf(identity).arn}`, lines: roleScriptLines(plan, ctx) }],
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
