/**
 * EKS Pod Identity. No annotation: an association (cluster, namespace, KSA → role) lives in the
 * EKS API, and the eks-pod-identity-agent hands the pod credentials for a role that trusts the
 * `pods.eks.amazonaws.com` service. No OIDC provider is involved. Ambient for cert-manager.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
 */
import { z } from 'zod';
import { awsPartition } from '../schema/common.js';
import type { Identity, IssuerModel } from '../model/model.js';
import { attr, block, expr } from '../format/hcl.js';
import { command, shellQuote, shellVar } from '../format/shell.js';
import { tfName } from '../format/names.js';
import { defineMethod, type CheckContext, type MethodContext } from '../model/method.js';
import type { CloudGrant } from '../model/cloud-grant.js';
import { eksClusterArn, podIdentityTrustPolicy, type PolicyDocument } from './names/aws.js';
import {
  adoptedRoleNotes,
  awsRoleFields,
  callerIdentityCheck,
  checkAmbientIssuerRegions,
  checkRole,
  checkTrusted,
  checkTrustPolicyLength,
  eksCluster,
  partitionOf,
  roleOf,
  roleResource,
  roleScriptLines,
  roleTerraformBlocks,
  terraformFile,
  type AwsRoleConfig,
  awsRoleCloudGrants,
} from './shared/aws-role.js';

const AwsPodIdentitySchema = () => z
  .strictObject({ ...awsRoleFields() })
  .describe('EKS Pod Identity: an association per KSA to an IAM role that trusts pods.eks.amazonaws.com.');

type AwsPodIdentityIdentity = z.output<ReturnType<typeof AwsPodIdentitySchema>>;

const KEY = 'awsPodIdentity';

function clusterName(ctx: MethodContext): string {
  return eksCluster(ctx).clusterName ?? ctx.model.cluster.name;
}

function clusterArn(ctx: MethodContext): string {
  const cluster = eksCluster(ctx);
  return eksClusterArn(partitionOf(ctx), cluster.region, cluster.accountID, clusterName(ctx));
}

const trustPolicy = (identity: Identity<AwsRoleConfig>, ctx: MethodContext): PolicyDocument => podIdentityTrustPolicy(clusterArn(ctx), identity.bindings);

function associationLines(identity: Identity<AwsRoleConfig>, ctx: MethodContext): string[] {
  const region = eksCluster(ctx).region;
  const name = clusterName(ctx);
  const role = roleOf(identity).arn;
  return identity.bindings.map((b) => {
    const find = command(
      'aws', 'eks', 'list-pod-identity-associations', '--region', region, '--cluster-name', name,
      '--namespace', b.namespace, '--service-account', b.name, '--query', 'associations[0].associationId', '--output', 'text',
    );
    // One association per KSA: create it, or point the existing one at this role.
    return [
      `association_id=$(${find})`,
      'if [ "$association_id" = None ]; then',
      `  ${command('aws', 'eks', 'create-pod-identity-association', '--region', region, '--cluster-name', name, '--namespace', b.namespace, '--service-account', b.name, '--role-arn', role).replaceAll('\n', '\n  ')}`,
      'else',
      `  ${command('aws', 'eks', 'update-pod-identity-association', '--region', region, '--cluster-name', name, '--association-id', shellVar('association_id'), '--role-arn', role).replaceAll('\n', '\n  ')}`,
      'fi',
    ].join('\n');
  });
}

function check(identity: Identity<AwsPodIdentityIdentity>, ctx: CheckContext): void {
  const at = [...identity.path, KEY];
  if (!checkRole(identity, ctx, { at, needsOidcProvider: false })) return;
  const cluster = ctx.model.cluster.eks as NonNullable<typeof ctx.model.cluster.eks>;
  const role = roleOf(identity);
  if (role.accountID !== cluster.accountID && role.partition === awsPartition(cluster.region)) {
    ctx.diagnostics.error(
      [...at, 'roleARN'],
      `is in account ${role.accountID}; EKS Pod Identity associates roles of the cluster's account (cluster.eks.accountID ${cluster.accountID}); for another account's resources, let a role in ${cluster.accountID} assume one there`,
    );
  }
  checkTrusted(identity, ctx, at, identity.bindings.length);
  checkTrustPolicyLength(identity, ctx, at, trustPolicy(identity, ctx));
  checkAmbientIssuerRegions(identity, ctx, 'the EKS Pod Identity Agent');
}

export const awsPodIdentity = defineMethod<AwsPodIdentityIdentity>({
  key: KEY,
  description: 'EKS Pod Identity: an association per KSA gives its pods an IAM role; no annotation, no OIDC provider.',
  cloud: 'aws',
  schema: AwsPodIdentitySchema,
  dnsProvider: 'route53',
  ambient: () => true,
  bindsCertManagerServiceAccount: () => true,
  check,

  // The association lives in the EKS API: the ServiceAccount itself carries nothing.
  serviceAccountMetadata: () => ({}),
  podTemplate: () => ({}),

  dns01Solver(issuer: IssuerModel) {
    const r53 = issuer.dns01.route53 as NonNullable<IssuerModel['dns01']['route53']>;
    return { route53: { ...(r53.region ? { region: r53.region } : {}), ...(r53.hostedZoneID ? { hostedZoneID: r53.hostedZoneID } : {}) } };
  },

  cloudGrants,

  cloudPlan(identity, ctx) {
    const plan = {
      identity,
      trust: trustPolicy(identity, ctx),
      description: `wi-gen identity ${identity.name} (EKS Pod Identity)`,
    };
    const associations = identity.bindings.map((b) =>
      block('resource', ['aws_eks_pod_identity_association', tfName(identity.name, b.namespace, b.name)], [
        attr('cluster_name', clusterName(ctx)),
        attr('namespace', b.namespace),
        attr('service_account', b.name),
        attr('role_arn', expr(`${roleResource(identity)}.arn`)),
      ]),
    );
    return {
      scripts: [
        {
          title: `identity ${identity.name}: EKS Pod Identity role ${roleOf(identity).arn}`,
          lines: [...roleScriptLines(plan, ctx), ...associationLines(identity, ctx)],
        },
      ],
      terraform: [terraformFile(identity, ctx, [...roleTerraformBlocks(plan, ctx), ...associations])],
    };
  },

  readme(identity, ctx) {
    const name = clusterName(ctx);
    const region = eksCluster(ctx).region;
    const certManager = identity.bindings.some((b) => b.certManager);
    return {
      prerequisites: [
        `The EKS Pod Identity Agent add-on runs on cluster \`${shellQuote(name)}\` (\`aws eks create-addon --region ${shellQuote(region)} --cluster-name ${shellQuote(name)} --addon-name eks-pod-identity-agent\`).`,
      ],
      verify: identity.bindings.map((b) =>
        callerIdentityCheck(
          b.namespace,
          b.name,
          identity,
          "The second command must list the association; a node role in the ARN means the pod started before the association existed (restart it) or the agent is not running; `AccessDenied` on AssumeRole means the trust policy's session-tag conditions do not match the cluster, namespace or KSA.",
          [command('aws', 'eks', 'list-pod-identity-associations', '--region', region, '--cluster-name', name, '--namespace', b.namespace, '--service-account', b.name)],
        ),
      ),
      notes: [
        ...(certManager
          ? [
              `Restart cert-manager after the association exists (\`kubectl rollout restart deployment/${shellQuote(String(ctx.model.certManager?.deployment))} -n ${shellQuote(String(ctx.model.certManager?.namespace))}\`): the agent's credentials are wired into new pods only.`,
            ]
          : []),
        ...adoptedRoleNotes(identity),
      ],
    };
  },
});

/** The role aws.sh makes or adopts, and one Pod Identity association per binding. */
function cloudGrants(identity: Identity<AwsPodIdentityIdentity>, ctx: MethodContext): CloudGrant[] {
  const eks = eksCluster(ctx);
  return [
    ...awsRoleCloudGrants(identity, ctx, []),
    ...identity.bindings.map((b): CloudGrant => ({
      cli: 'aws',
      kind: 'aws-pod-identity-association',
      region: eks.region,
      cluster: eks.clusterName ?? ctx.model.cluster.name,
      namespace: b.namespace,
      serviceAccount: b.name,
    })),
  ];
}
