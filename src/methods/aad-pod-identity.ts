/**
 * AAD Pod Identity (deprecated 2022-10-24, archived 2023-10-02): NMI intercepts IMDS calls and
 * answers pods whose `aadpodidbinding` label matches an AzureIdentityBinding. Kept only to
 * describe clusters that still run it while they move to workload identity: the method always
 * warns, and the README shows the same spec switched to azureWorkloadIdentity.
 *
 * @see https://github.com/Azure/aad-pod-identity (archived)
 * @see https://azure.github.io/azure-workload-identity/docs/topics/migration.html
 */
import { z } from 'zod';
import { guid } from '../schema/common.js';
import { formatPath } from '../model/diagnostics.js';
import type { Identity } from '../model/model.js';
import { attr, blank, block, expr, type HclBlock } from '../format/hcl.js';
import { assign, command, shellQuote, shellVar, shellVarName } from '../format/shell.js';
import { tfName } from '../format/names.js';
import { defineMethod, type CheckContext, type MethodContext } from '../model/method.js';
import type { CloudGrant } from '../model/cloud-grant.js';
import {
  AzureRoleSchema,
  aksCluster,
  azRoleAssignments,
  azureDnsSolver,
  azurermProvider,
  grantsOf,
  postcondition,
  tfRoleAssignments,
  assignLowercase,
  azCloudCheck,
  checkAzureEnvironment,
  azureRoleCloudGrants,
} from './shared/azure-common.js';
import {
  AAD_POD_IDENTITY_API_VERSION,
  AAD_POD_IDENTITY_BEHAVIOR_ANNOTATION,
  AAD_POD_IDENTITY_LABEL,
  AAD_POD_IDENTITY_TYPE_USER_ASSIGNED_MSI,
  AZURE_AD_TOKEN_EXCHANGE,
  USER_ASSIGNED_IDENTITY_ID,
  WI_CLIENT_ID_ANNOTATION,
  WI_USE_LABEL,
  federatedCredentialName,
  federatedSubject,
  parseUserAssignedIdentityId,
  type UserAssignedIdentityRef,
} from './names/azure.js';

const KEY = 'aadPodIdentity';

const AadPodIdentitySchema = () => z
  .strictObject({
    resourceID: z
      .string()
      .regex(USER_ASSIGNED_IDENTITY_ID, {
        message: 'must be a user-assigned identity resource ID: /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/NAME',
      })
      .describe('Resource ID of the user-assigned managed identity (AzureIdentity spec.resourceID).'),
    clientID: guid('clientID').describe('Client ID of the managed identity (AzureIdentity spec.clientID).'),
    selector: z
      .string()
      .max(63, { message: 'must be at most 63 characters (it is a label value)' })
      .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
        message: "must be a label value: letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
      })
      .optional()
      .describe('Value of the pod label aadpodidbinding and of the AzureIdentityBinding selector. @default the identity name'),
    roles: z.array(AzureRoleSchema()).default([]).describe('Role assignments for the workloads of this identity (DNS rights for issuers are added automatically).'),
  })
  .describe('AAD Pod Identity (deprecated; migration only): AzureIdentity + AzureIdentityBinding, pods selected by the aadpodidbinding label.');

type AadPodIdentity = z.output<ReturnType<typeof AadPodIdentitySchema>>;

const AAD_POD_IDENTITY_DEPRECATION =
  'AAD Pod Identity is deprecated since 2022-10-24 and archived (last release v1.8.17); wi-gen emits it only for clusters that still run it. The generated README shows this spec switched to azureWorkloadIdentity';

const selectorOf = (identity: Identity<AadPodIdentity>): string => identity.config.selector ?? identity.name;
const managedIdentity = (identity: Identity<AadPodIdentity>): UserAssignedIdentityRef =>
  parseUserAssignedIdentityId(identity.config.resourceID) as UserAssignedIdentityRef;

/** With Behavior: namespaced an AzureIdentity serves its own namespace only: one per namespace with bound pods. */
const namespacesOf = (identity: Identity): string[] => [...new Set(identity.bindings.map((b) => b.namespace))].sort();

function azSection(identity: Identity<AadPodIdentity>, ctx: MethodContext): string[] {
  const cfg = identity.config;
  const clientId = shellVar(shellVarName(identity.name, 'client_id'));
  const principalId = shellVar(shellVarName(identity.name, 'principal_id'));
  const grants = grantsOf(identity, cfg.roles, ctx);
  return [
    assignLowercase(clientId, command('az', 'identity', 'show', '--ids', cfg.resourceID, '--query', 'clientId', '--output', 'tsv')),
    `if [ "$${clientId.name}" != ${cfg.clientID.toLowerCase()} ]; then`,
    `  echo "wi-gen: managed identity ${managedIdentity(identity).name} has client ID $${clientId.name}, but ${formatPath([...identity.path, KEY, 'clientID'])} says ${cfg.clientID}" >&2`,
    '  exit 1',
    'fi',
    // Only when a role needs it: an unused variable is dead code (ShellCheck SC2034).
    ...(grants.length > 0
      ? [assign(principalId, command('az', 'identity', 'show', '--ids', cfg.resourceID, '--query', 'principalId', '--output', 'tsv'))]
      : []),
    ...azRoleAssignments(principalId, grants),
  ];
}

function terraformBlocks(identity: Identity<AadPodIdentity>, ctx: MethodContext): HclBlock[] {
  const cfg = identity.config;
  const ref = managedIdentity(identity);
  const id = tfName(identity.name);
  return [
    block('data', ['azurerm_user_assigned_identity', id], [
      attr('name', ref.name),
      attr('resource_group_name', ref.resourceGroup),
      blank,
      postcondition(
        `lower(self.client_id) == "${cfg.clientID.toLowerCase()}"`,
        `The managed identity's client ID differs from ${formatPath([...identity.path, KEY, 'clientID'])} in the spec.`,
      ),
    ]),
    ...tfRoleAssignments(identity.name, expr(`data.azurerm_user_assigned_identity.${id}.principal_id`), grantsOf(identity, cfg.roles, ctx)),
  ];
}

function check(identity: Identity<AadPodIdentity>, ctx: CheckContext): void {
  checkAzureEnvironment(identity, ctx);
  const subscription = aksCluster(ctx)?.subscriptionID;
  const own = managedIdentity(identity).subscriptionID;
  if (subscription && subscription.toLowerCase() !== own.toLowerCase()) {
    ctx.diagnostics.error(
      [...identity.path, KEY, 'resourceID'],
      `is in subscription ${own}, but cluster.aks.subscriptionID is ${subscription}; the Terraform output looks identities up in the cluster's subscription`,
    );
  }
}

/**
 * The README section: the same spec on workload identity, and what that changes. It covers every
 * pod identity of the spec at once (each identity contributes the same text; the README says it once).
 */
function migrationSection(ctx: MethodContext): string {
  const identities = ctx.model.identities.filter((i) => i.method.key === KEY) as Identity<AadPodIdentity>[];
  const aks = aksCluster(ctx);
  const cluster = ctx.model.cluster.name;
  const subscription = aks?.subscriptionID ?? managedIdentity(identities[0] as Identity<AadPodIdentity>).subscriptionID;
  const where = `--subscription ${shellQuote(subscription)} --resource-group ${shellQuote(aks?.resourceGroup ?? '<cluster resource group>')} --name ${shellQuote(cluster)}`;
  const spec = [
    'cluster:',
    `  name: ${cluster}`,
    '  aks:',
    `    oidcIssuerURL: ${aks?.oidcIssuerURL ?? `<what az aks show ${where} --query oidcIssuerProfile.issuerUrl -o tsv prints, with its trailing />`}`,
    `    tenantID: ${aks?.tenantID ?? '<tenant ID>'}`,
    `    subscriptionID: ${subscription}`,
    ...(aks?.resourceGroup ? [`    resourceGroup: ${aks.resourceGroup}`] : []),
    'identities:',
    ...identities.flatMap((identity) => {
      const ref = managedIdentity(identity);
      const roles = identity.config.roles;
      return [
        `  - name: ${identity.name}`,
        '    azureWorkloadIdentity:',
        `      name: ${ref.name}`,
        `      resourceGroup: ${ref.resourceGroup}`,
        `      clientID: ${identity.config.clientID}`,
        ...(roles.length ? ['      roles:', ...roles.flatMap((r) => [`        - role: ${JSON.stringify(r.role)}`, `          scope: ${r.scope}`])] : []),
      ];
    }),
  ];
  const labels = identities.map((identity) => {
    const workloads = identity.bindings.flatMap((b) =>
      b.certManager
        ? [`cert-manager (Helm \`podLabels\`, or the kustomize patch of Deployment \`${b.namespace}/${ctx.model.certManager?.deployment ?? 'cert-manager'}\`)`]
        : b.workloads.map((w) => `${w.kind} \`${b.namespace}/${w.name}\``),
    );
    return `  - ${workloads.join(', ') || `the workloads of identity \`${identity.name}\``}: \`${AAD_POD_IDENTITY_LABEL}: ${selectorOf(identity)}\``;
  });
  const annotations = identities.flatMap((identity) =>
    identity.bindings.map((b) => `  - \`${b.namespace}/${b.name}\`: \`${WI_CLIENT_ID_ANNOTATION}: ${identity.config.clientID}\``),
  );
  const deletions = identities.flatMap((identity) =>
    namespacesOf(identity).map((ns) => `kubectl delete -n ${shellQuote(ns)} azureidentitybinding/${shellQuote(identity.name)}-binding azureidentity/${shellQuote(identity.name)}`),
  );
  const credentials = identities.flatMap((identity) =>
    identity.bindings.map(
      (b) => `  - on \`${managedIdentity(identity).name}\`: \`${federatedCredentialName(cluster, b.namespace, b.name)}\` → \`${federatedSubject(b.namespace, b.name)}\``,
    ),
  );
  return [
    'AAD Pod Identity is deprecated and archived, and its NMI pods intercept the instance-metadata traffic of every pod. The same managed identities work with AKS workload identity. Replace `cluster` and `identities` in the spec with this (bindings and certManager stay as they are) and re-render:',
    '',
    '```yaml',
    ...spec,
    '```',
    '',
    '**What changes on the cluster**',
    '',
    `- The OIDC issuer and the webhook are enabled: \`az aks update ${where} --enable-oidc-issuer --enable-workload-identity\`.`,
    `- Pod templates: the label \`${AAD_POD_IDENTITY_LABEL}\` is replaced by \`${WI_USE_LABEL}: "true"\` on`,
    ...labels,
    `- ServiceAccounts get the client ID of their identity (issuers get it as \`managedIdentity.clientID\` in their azureDNS block):`,
    ...annotations,
    '- AzureIdentity and AzureIdentityBinding objects are no longer generated. Roll the workloads out (the webhook acts when a pod is created), check them (see Verify in the re-rendered README), then delete the old objects:',
    '',
    '  ```sh',
    ...deletions.map((d) => `  ${d}`),
    '  ```',
    '',
    '- When no pod carries the `aadpodidbinding` label any more, uninstall AAD Pod Identity (its Helm release, or `az aks update ... --disable-pod-identity` for the AKS add-on).',
    '',
    '**What changes in Azure**',
    '',
    '- The managed identities, their client IDs and their role assignments stay: nothing is granted again.',
    `- New: one federated credential per ServiceAccount (issuer = the cluster's OIDC issuer URL with its trailing \`/\`, audience \`${AZURE_AD_TOKEN_EXCHANGE}\`), written one after another by the re-rendered \`cloud/az.sh\` or Terraform:`,
    ...credentials,
    "- After the uninstall: MIC had attached the identities to the node pools' scale sets; detach them where they stay (`az vmss identity remove`), and remove the role assignments MIC's own identity needed (Managed Identity Operator on the identities, Virtual Machine Contributor on the node resource group) if nothing else uses them.",
  ].join('\n');
}

export const aadPodIdentity = defineMethod<AadPodIdentity>({
  key: KEY,
  description: 'AAD Pod Identity (deprecated since 2022-10-24; migration only): AzureIdentity + AzureIdentityBinding and the aadpodidbinding pod label.',
  cloud: 'azure',
  schema: AadPodIdentitySchema,
  dnsProvider: 'azureDNS',
  deprecated: AAD_POD_IDENTITY_DEPRECATION,
  ambient: () => true,
  bindsCertManagerServiceAccount: () => true,
  check,
  manifestFile: 'aad-pod-identity',

  serviceAccountMetadata: () => ({}),

  podTemplate(binding) {
    return { labels: { [AAD_POD_IDENTITY_LABEL]: selectorOf(binding.identity as Identity<AadPodIdentity>) } };
  },

  // No clientID at all: cert-manager then asks IMDS, which NMI answers for the labelled pod.
  dns01Solver: (issuer) => azureDnsSolver(issuer),

  objects(identity, out) {
    const cfg = identity.config;
    for (const namespace of namespacesOf(identity)) {
      out.add(`${namespace}-${identity.name}-identity`, {
        apiVersion: AAD_POD_IDENTITY_API_VERSION,
        kind: 'AzureIdentity',
        metadata: { name: identity.name, namespace, annotations: { [AAD_POD_IDENTITY_BEHAVIOR_ANNOTATION]: 'namespaced' } },
        spec: { type: AAD_POD_IDENTITY_TYPE_USER_ASSIGNED_MSI, resourceID: cfg.resourceID, clientID: cfg.clientID },
      });
      out.add(`${namespace}-${identity.name}-binding`, {
        apiVersion: AAD_POD_IDENTITY_API_VERSION,
        kind: 'AzureIdentityBinding',
        metadata: { name: `${identity.name}-binding`, namespace },
        spec: { azureIdentity: identity.name, selector: selectorOf(identity) },
      });
    }
  },

  cloudGrants,

  cloudPlan(identity, ctx) {
    return {
      scripts: [{ title: `identity ${identity.name}: AAD Pod Identity (deprecated) with managed identity ${managedIdentity(identity).name}`, lines: azSection(identity, ctx), preamble: azCloudCheck(ctx) }],
      terraform: [
        {
          file: `azure-${identity.name}.tf`,
          providers: azurermProvider(ctx, managedIdentity(identity).subscriptionID),
          blocks: terraformBlocks(identity, ctx),
        },
      ],
    };
  },

  readme(_identity, ctx) {
    return {
      prerequisites: [
        'AAD Pod Identity (v1.8.17, the last release) runs in the cluster, and its MIC may attach the managed identities to the nodes (Managed Identity Operator on each identity, Virtual Machine Contributor on the node resource group).',
      ],
      verify: [
        [
          'MIC records which pod got which identity:',
          '',
          '```sh',
          'kubectl get azureassignedidentities -A -o custom-columns=POD:.spec.pod,NAMESPACE:.spec.podNamespace,IDENTITY:.spec.azureIdentityRef.metadata.name,STATE:.status.status',
          '```',
          '',
          `A bound pod missing from the list lacks its \`${AAD_POD_IDENTITY_LABEL}\` label (set by the Components and Helm values), or runs in a namespace without the AzureIdentity: with \`${AAD_POD_IDENTITY_BEHAVIOR_ANNOTATION}: namespaced\` an AzureIdentity serves its own namespace only.`,
        ].join('\n'),
      ],
      sections: [{ title: 'Migrating to workload identity', body: migrationSection(ctx) }],
    };
  },
});

/** The role assignments az.sh makes for the existing managed identity (wi-gen does not own the identity). */
function cloudGrants(identity: Identity<AadPodIdentity>, ctx: MethodContext): CloudGrant[] {
  return azureRoleCloudGrants(identity, identity.config.roles, { kind: 'managedIdentityId', id: identity.config.resourceID }, ctx);
}
