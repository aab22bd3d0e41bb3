/**
 * AKS kubelet identity: cert-manager asks the node's instance metadata service (IMDS) for a token
 * of the identity attached to the node pool. Nothing changes on the Kubernetes side, and every
 * pod on those nodes can ask for the same token: the method warns about that each time.
 *
 * @see https://cert-manager.io/docs/configuration/acme/dns01/azuredns/#managed-identity-using-aks-kubelet-identity
 */
import { z } from 'zod';
import { guid } from '../schema/common.js';
import type { AksCluster } from '../schema/cluster.js';
import { formatPath } from '../model/diagnostics.js';
import type { Identity } from '../model/model.js';
import { attr, blank, block, expr, type HclBlock, type HclBodyItem, type HclExpression } from '../format/hcl.js';
import { assign, command, shellQuote, shellVar, shellVarName } from '../format/shell.js';
import { tfName } from '../format/names.js';
import { defineMethod, type CheckContext, type MethodContext } from '../model/method.js';
import type { AzurePrincipal, CloudGrant } from '../model/cloud-grant.js';
import { aksCluster, assignLowercase, azCloudCheck, azRoleAssignments, checkAzureEnvironment, azureDnsSolver, azurermProvider, azureRoleCloudGrants, grantsOf, postcondition, requireAks, tfRoleAssignments } from './shared/azure-common.js';
import { USER_ASSIGNED_IDENTITY_ID } from './names/azure.js';

const KEY = 'azureKubeletIdentity';

const KUBELET_IDENTITY_WARNING =
  "every pod on the cluster's nodes can use the kubelet identity, and with it this identity's DNS rights; prefer azureWorkloadIdentity, which gives them to cert-manager's ServiceAccount only";

const AzureKubeletIdentitySchema = () => z
  .strictObject({
    clientID: guid('clientID')
      .optional()
      .describe(
        'Client ID of the kubelet identity (az aks show --query identityProfile.kubeletidentity.clientId). Set it, or resourceID, when the node pool carries several identities (add-ons attach their own).',
      ),
    resourceID: z
      .string()
      .regex(USER_ASSIGNED_IDENTITY_ID, {
        message: 'must be a user-assigned identity resource ID: /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/NAME',
      })
      .optional()
      .describe('Resource ID of the kubelet identity, as an alternative to clientID (az aks show --query identityProfile.kubeletidentity.resourceId).'),
    objectID: guid('objectID')
      .optional()
      .describe(
        "Object (principal) ID that receives the DNS role. @default looked up: the cluster's kubelet identity (az aks show --query identityProfile.kubeletidentity.objectId)",
      ),
  })
  .superRefine((value, ctx) => {
    if (value.clientID !== undefined && value.resourceID !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['resourceID'],
        message: 'clientID and resourceID both pick the identity and cert-manager refuses both at once; keep one',
      });
    }
  })
  .describe('AKS kubelet identity: the node-level managed identity, through IMDS. Every pod on the nodes holds its rights.');

type AzureKubeletIdentity = z.output<ReturnType<typeof AzureKubeletIdentitySchema>>;

const aks = (ctx: MethodContext): AksCluster => aksCluster(ctx) as AksCluster;

function clusterWhere(ctx: MethodContext): string[] {
  const cluster = aks(ctx);
  return [
    ...(cluster.subscriptionID ? ['--subscription', cluster.subscriptionID] : []),
    '--resource-group', cluster.resourceGroup as string, '--name', ctx.model.cluster.name,
  ];
}

/** The kubelet identity attribute the spec pins, if any (az query name, Terraform attribute, value). */
function pinned(cfg: AzureKubeletIdentity): { query: string; attribute: string; value: string; field: string } | undefined {
  if (cfg.clientID) return { query: 'clientId', attribute: 'client_id', value: cfg.clientID.toLowerCase(), field: 'clientID' };
  if (cfg.resourceID) return { query: 'resourceId', attribute: 'user_assigned_identity_id', value: cfg.resourceID.toLowerCase(), field: 'resourceID' };
  return undefined;
}

function azSection(identity: Identity<AzureKubeletIdentity>, ctx: MethodContext): string[] {
  const cfg = identity.config;
  const principal = shellVar(shellVarName(identity.name, 'principal_id'));
  const grants = grantsOf(identity, [], ctx);
  const lines: string[] = [];
  if (cfg.objectID) {
    if (grants.length > 0) lines.push(`${principal.name}=${cfg.objectID}`);
  } else {
    const pin = pinned(cfg);
    if (pin) {
      const actual = shellVar(shellVarName(identity.name, pin.field === 'clientID' ? 'client_id' : 'resource_id'));
      lines.push(
        assignLowercase(actual, command('az', 'aks', 'show', ...clusterWhere(ctx), '--query', `identityProfile.kubeletidentity.${pin.query}`, '--output', 'tsv')),
        // The role must go to the identity cert-manager will ask IMDS for, not just any kubelet identity.
        `if [ "$${actual.name}" != ${shellQuote(pin.value)} ]; then`,
        `  echo "wi-gen: the kubelet identity of ${ctx.model.cluster.name} has ${pin.query} $${actual.name}, not ${pin.value} (${formatPath([...identity.path, KEY, pin.field])}): if the spec names another identity of the node pool, set ${formatPath([...identity.path, KEY, 'objectID'])} to its principal ID" >&2`,
        '  exit 1',
        'fi',
      );
    }
    // Only when a role needs it: an unused variable is dead code (ShellCheck SC2034).
    if (grants.length > 0) {
      lines.push(
        assign(principal, command('az', 'aks', 'show', ...clusterWhere(ctx), '--query', 'identityProfile.kubeletidentity.objectId', '--output', 'tsv')),
      );
    }
  }
  lines.push(...azRoleAssignments(principal, grants));
  return lines;
}

function terraformBlocks(identity: Identity<AzureKubeletIdentity>, ctx: MethodContext): HclBlock[] {
  const cfg = identity.config;
  const id = tfName(identity.name);
  const blocks: HclBlock[] = [];
  let principal: string | HclExpression = cfg.objectID ?? '';
  if (!cfg.objectID) {
    const pin = pinned(cfg);
    const body: HclBodyItem[] = [attr('name', ctx.model.cluster.name), attr('resource_group_name', aks(ctx).resourceGroup as string)];
    if (pin) {
      body.push(
        blank,
        postcondition(
          `lower(self.kubelet_identity[0].${pin.attribute}) == "${pin.value}"`,
          `The cluster's kubelet identity is not the one ${formatPath([...identity.path, KEY, pin.field])} names: if the spec names another identity of the node pool, set ${formatPath([...identity.path, KEY, 'objectID'])} to its principal ID.`,
        ),
      );
    }
    blocks.push(block('data', ['azurerm_kubernetes_cluster', id], body));
    principal = expr(`data.azurerm_kubernetes_cluster.${id}.kubelet_identity[0].object_id`);
  }
  // skip_service_principal_aad_check: the principal is a managed identity, and Graph may not see it yet.
  blocks.push(...tfRoleAssignments(identity.name, principal, grantsOf(identity, [], ctx), { skipServicePrincipalAadCheck: true }));
  return blocks;
}

function check(identity: Identity<AzureKubeletIdentity>, ctx: CheckContext): void {
  checkAzureEnvironment(identity, ctx);
  const at = [...identity.path, KEY];
  const cluster = requireAks(identity, KEY, ctx);
  if (cluster && !identity.config.objectID && !cluster.resourceGroup) {
    ctx.diagnostics.error(
      at,
      `needs objectID, or cluster.aks.resourceGroup to look the kubelet identity up with az aks show -g RG -n ${ctx.model.cluster.name}`,
    );
  }
  for (const b of identity.bindings) {
    if (b.certManager) continue;
    ctx.diagnostics.error(
      b.path,
      `identity "${identity.name}" is the node's kubelet identity: a ServiceAccount cannot be bound to it (every pod on the nodes already has it); use azureWorkloadIdentity for per-ServiceAccount access`,
    );
  }
  ctx.diagnostics.warn(at, KUBELET_IDENTITY_WARNING);
}

export const azureKubeletIdentity = defineMethod<AzureKubeletIdentity>({
  key: KEY,
  description: "AKS kubelet identity: cert-manager uses the node pool's managed identity through IMDS (every pod on the nodes holds it).",
  cloud: 'azure',
  schema: AzureKubeletIdentitySchema,
  dnsProvider: 'azureDNS',
  ambient: () => true,
  // IMDS answers any pod on the node: there is nothing to put on cert-manager's ServiceAccount.
  bindsCertManagerServiceAccount: () => false,
  check,

  serviceAccountMetadata: () => ({}),
  podTemplate: () => ({}),

  dns01Solver(issuer) {
    const cfg = issuer.identity.config as AzureKubeletIdentity;
    const managedIdentity: Record<string, string> | undefined = cfg.clientID
      ? { clientID: cfg.clientID }
      : cfg.resourceID
        ? { resourceID: cfg.resourceID }
        : undefined;
    return azureDnsSolver(issuer, managedIdentity);
  },

  cloudGrants,

  cloudPlan(identity, ctx) {
    return {
      scripts: [{ title: `identity ${identity.name}: AKS kubelet identity of cluster ${ctx.model.cluster.name}`, lines: azSection(identity, ctx), preamble: azCloudCheck(ctx) }],
      terraform: [{ file: `azure-${identity.name}.tf`, providers: azurermProvider(ctx), blocks: terraformBlocks(identity, ctx) }],
    };
  },

  readme(identity, ctx) {
    const cluster = aks(ctx);
    const where = `${cluster.subscriptionID ? `--subscription ${cluster.subscriptionID} ` : ''}--resource-group ${shellQuote(cluster.resourceGroup ?? '<cluster resource group>')} --name ${shellQuote(ctx.model.cluster.name)}`;
    return {
      prerequisites: [
        `The IDs of the kubelet identity: \`az aks show ${where} --query identityProfile.kubeletidentity -o json\` (\`objectId\` receives the DNS role; \`clientId\` or \`resourceId\` picks it when the node pool carries several identities).`,
      ],
      verify: [
        [
          "cert-manager's pods reach IMDS with the kubelet identity; nothing is injected into them. A failing challenge (`kubectl describe challenges -A`) that says `Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request` needs clientID or resourceID in the spec; `Identity not found` means that identity is not attached to the node pool:",
          '',
          '```sh',
          `az vmss list --resource-group "$(az aks show ${where} --query nodeResourceGroup -o tsv)" --query '[].{scaleSet: name, identities: identity.userAssignedIdentities}' -o json`,
          '```',
        ].join('\n'),
      ],
      notes: [
        `**Every pod on the nodes of cluster \`${ctx.model.cluster.name}\` can use identity \`${identity.name}\`**, so any workload there can change the DNS records it may write. Prefer azureWorkloadIdentity, which gives the DNS rights to cert-manager's ServiceAccount only.`,
      ],
    };
  },
});

/** The DNS role assignments az.sh makes for the kubelet identity (found by object ID or through the cluster). */
function cloudGrants(identity: Identity<AzureKubeletIdentity>, ctx: MethodContext): CloudGrant[] {
  const cfg = identity.config as { objectID?: string };
  const aks = ctx.model.cluster.aks;
  const principal: AzurePrincipal = cfg.objectID
    ? { kind: 'objectId', id: cfg.objectID }
    : { kind: 'aksKubelet', ...(aks?.subscriptionID ? { subscription: aks.subscriptionID } : {}), resourceGroup: aks?.resourceGroup ?? '', cluster: ctx.model.cluster.name };
  return azureRoleCloudGrants(identity, [], principal, ctx);
}
