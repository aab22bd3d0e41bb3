/**
 * Every grant and resource the spec's cloud scripts make, per method, from the same name and
 * grant functions the scripts are written with (so the record cannot disagree with them).
 */
import type { Identity, Model } from '../model/model.js';
import type { MethodContext } from '../methods/method.js';
import { gkeCloudGrants, type GkeIdentity } from '../methods/gke.js';
import { grantsOf, type AzureRole } from '../methods/azure-common.js';
import { federatedCredentialName, federatedSubject } from '../methods/azure-names.js';
import { vaultServicePrincipalCloudGrants } from '../methods/azure-service-principal-vault.js';
import { eksCluster, roleOf, route53PolicyFor, type AwsRoleConfig } from '../methods/aws-role.js';
import { ROUTE53_POLICY_NAME, ksaSubject } from '../methods/aws-names.js';
import { dedicatedServiceAccounts } from '../methods/aws-service-account-ref.js';
import { grantKey, type AzurePrincipal, type CloudGrant } from './cloud-grant.js';
import { cloudPlans } from '../emit/cloud.js';

type Collector = (identity: Identity<never>, ctx: MethodContext) => CloudGrant[];

function azureRoleGrants(identity: Identity, roles: readonly AzureRole[], principal: AzurePrincipal, ctx: MethodContext): CloudGrant[] {
  return grantsOf(identity, roles, ctx).map((g) => ({
    cli: 'az' as const,
    kind: 'azure-role-assignment' as const,
    principal,
    role: g.roleGuid,
    ...(g.roleName ? { roleName: g.roleName } : {}),
    scope: g.scope,
  }));
}

function awsRoleGrants(identity: Identity<AwsRoleConfig>, ctx: MethodContext, subjects: readonly string[]): CloudGrant[] {
  const role = roleOf(identity);
  // `create: false` (an adopted role) keeps the role when its identity leaves the spec.
  const owned = (identity.config as { create?: boolean }).create !== false;
  return [
    {
      cli: 'aws',
      kind: 'aws-role',
      name: role.name,
      owned,
      inlinePolicies: route53PolicyFor(identity, ctx) ? [ROUTE53_POLICY_NAME] : [],
      policyArns: [...(identity.config.policyARNs ?? [])].sort(),
    },
    ...subjects.map((subject) => ({ cli: 'aws' as const, kind: 'aws-trust-subject' as const, role: role.name, subject })),
  ];
}

const COLLECTORS: Readonly<Record<string, Collector>> = {
  gke: (identity, ctx) => gkeCloudGrants(identity as Identity<GkeIdentity>, ctx),
  azureWorkloadIdentity: (identity, ctx) => {
    const cfg = identity.config as { name?: string; resourceGroup: string; create: boolean; roles: AzureRole[] };
    const aks = ctx.model.cluster.aks;
    const subscription = aks?.subscriptionID;
    const name = cfg.name ?? identity.name;
    const sub = subscription ? { subscription } : {};
    return [
      { cli: 'az', kind: 'azure-identity', ...sub, resourceGroup: cfg.resourceGroup, name, created: cfg.create },
      ...identity.bindings.map((b): CloudGrant => ({
        cli: 'az',
        kind: 'azure-federated-credential',
        ...sub,
        resourceGroup: cfg.resourceGroup,
        identityName: name,
        name: federatedCredentialName(ctx.model.cluster.name, b.namespace, b.name),
        issuer: aks?.oidcIssuerURL ?? '',
        subject: federatedSubject(b.namespace, b.name),
      })),
      ...azureRoleGrants(identity, cfg.roles, { kind: 'managedIdentity', ...sub, resourceGroup: cfg.resourceGroup, name }, ctx),
    ];
  },
  azureKubeletIdentity: (identity, ctx) => {
    const cfg = identity.config as { objectID?: string };
    const aks = ctx.model.cluster.aks;
    const principal: AzurePrincipal = cfg.objectID
      ? { kind: 'objectId', id: cfg.objectID }
      : { kind: 'aksKubelet', ...(aks?.subscriptionID ? { subscription: aks.subscriptionID } : {}), resourceGroup: aks?.resourceGroup ?? '', cluster: ctx.model.cluster.name };
    return azureRoleGrants(identity, [], principal, ctx);
  },
  aadPodIdentity: (identity, ctx) => {
    const cfg = identity.config as { resourceID: string; roles: AzureRole[] };
    return azureRoleGrants(identity, cfg.roles, { kind: 'managedIdentityId', id: cfg.resourceID }, ctx);
  },
  azureServicePrincipalVault: (identity, ctx) => vaultServicePrincipalCloudGrants(identity as never, ctx),
  awsIrsa: (identity, ctx) =>
    awsRoleGrants(identity as Identity<AwsRoleConfig>, ctx, identity.bindings.map((b) => ksaSubject(b.namespace, b.name))),
  awsServiceAccountRef: (identity, ctx) =>
    awsRoleGrants(identity as Identity<AwsRoleConfig>, ctx, dedicatedServiceAccounts(identity as never, ctx).map((s) => ksaSubject(s.namespace, s.name))),
  awsPodIdentity: (identity, ctx) => {
    const eks = eksCluster(ctx);
    return [
      ...awsRoleGrants(identity as Identity<AwsRoleConfig>, ctx, []),
      ...identity.bindings.map((b): CloudGrant => ({
        cli: 'aws',
        kind: 'aws-pod-identity-association',
        region: eks.region,
        cluster: eks.clusterName ?? ctx.model.cluster.name,
        namespace: b.namespace,
        serviceAccount: b.name,
      })),
    ];
  },
};

/** The spec's grants, deduplicated by key and sorted by it: the bytes of the record. */
export function collectGrants(model: Model): CloudGrant[] {
  const ctx: MethodContext = { model };
  const byKey = new Map<string, CloudGrant>();
  for (const identity of model.identities) {
    const collect = COLLECTORS[identity.method.key];
    if (!collect) throw new Error(`no cloud-grant collector for method ${identity.method.key}`);
    for (const g of collect(identity as Identity<never>, ctx)) byKey.set(grantKey(g), g);
  }
  for (const plan of cloudPlans(model)) {
    for (const file of plan.objects ?? []) {
      for (const o of file.objects) {
        const meta = (o['metadata'] ?? {}) as { name?: string; namespace?: string };
        const g: CloudGrant = { cli: 'kubectl', kind: 'cloud-object', apiVersion: String(o['apiVersion']), objectKind: String(o['kind']), namespace: meta.namespace ?? '', name: meta.name ?? '' };
        byKey.set(grantKey(g), g);
      }
    }
  }
  return [...byKey.keys()].sort().map((k) => byKey.get(k) as CloudGrant);
}

/** Methods with a collector; a test keeps every registered method in it. */
export const COLLECTED_METHODS = Object.keys(COLLECTORS);
