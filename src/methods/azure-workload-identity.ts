/**
 * AKS workload identity: a user-assigned managed identity trusts the cluster's OIDC issuer for
 * one KSA per federated credential; the webhook injects the token into pods labelled
 * `azure.workload.identity/use: "true"` whose KSA carries the identity's client ID.
 *
 * The client ID is needed literally on the Kubernetes side (KSA annotation, Issuer), so the spec
 * holds it even for an identity wi-gen creates; the generated script and Terraform stop when
 * Azure reports another one. Object (principal) IDs are looked up, never typed.
 *
 * @see https://azure.github.io/azure-workload-identity/docs/
 * @see https://cert-manager.io/docs/configuration/acme/dns01/azuredns/
 */
import { z } from 'zod';
import { guid, namespaceName } from '../schema/common.js';
import { azureResourceGroup } from '../schema/dns01.js';
import type { AksCluster } from '../schema/cluster.js';
import { formatPath } from '../model/diagnostics.js';
import type { Identity } from '../model/model.js';
import { attr, blank, block, comment, expr, type HclBlock } from '../format/hcl.js';
import { assign, command, shellQuote, shellVar, shellVarName, unless } from '../format/shell.js';
import { tfName } from '../format/names.js';
import { defineMethod, type CheckContext, type CloudObjects, type MethodContext } from '../model/method.js';
import type { CloudGrant } from '../model/cloud-grant.js';
import {
  AzureRoleSchema,
  aksCluster,
  asoRoleAssignments,
  assignLowercase,
  azCloudCheck,
  checkAzureEnvironment,
  doubleQuotedQuery,
  azRoleAssignments,
  azureDnsSolver,
  azurermProvider,
  grantsOf,
  postcondition,
  requireAks,
  tfRoleAssignments,
  azureRoleCloudGrants,
} from './shared/azure-common.js';
import {
  ASO_MANAGED_IDENTITY_API_VERSION,
  AZURE_AD_TOKEN_EXCHANGE,
  MANAGED_IDENTITY_NAME,
  MAX_FEDERATED_CREDENTIALS,
  WI_CLIENT_ID_ANNOTATION,
  WI_MAX_TOKEN_EXPIRATION,
  WI_MIN_TOKEN_EXPIRATION,
  WI_TENANT_ID_ANNOTATION,
  WI_TOKEN_EXPIRATION_ANNOTATION,
  WI_USE_LABEL,
  federatedCredentialName,
  federatedSubject,
  resourceGroupScope,
  userAssignedIdentityId,
} from './names/azure.js';

const KEY = 'azureWorkloadIdentity';

const AzureWorkloadIdentitySchema = () => z
  .strictObject({
    name: z
      .string()
      .regex(MANAGED_IDENTITY_NAME, {
        message: "must be a managed identity name: 3-128 letters, digits, '-' or '_', starting with a letter or digit",
      })
      .optional()
      .describe('Name of the user-assigned managed identity in Azure. @default the identity name'),
    resourceGroup: azureResourceGroup().describe('Resource group of the managed identity (in the subscription cluster.aks.subscriptionID).'),
    clientID: guid('clientID').describe(
      'Client ID of the managed identity (`az identity show -g RG -n NAME --query clientId -o tsv`). The KSA annotation and the Issuer need it literally; for a created identity, put the clientId that `az identity create` prints here.',
    ),
    principalID: guid('principalID')
      .optional()
      .describe(
        'Object (principal) ID of the managed identity. Only the Azure Service Operator output of an existing identity needs it; scripts and Terraform look it up.',
      ),
    create: z.boolean().default(false).describe('Create the managed identity (az identity create, azurerm_user_assigned_identity). @default false'),
    location: z
      .string()
      .regex(/^[a-z][a-z0-9]{2,39}$/, { message: 'must be an Azure region name such as westeurope (lowercase, no spaces)' })
      .optional()
      .describe('Azure region of a created identity, e.g. westeurope. Required with create: true.'),
    tenantID: guid('tenantID')
      .optional()
      .describe(
        "Tenant of the identity, written to the KSA annotation azure.workload.identity/tenant-id and the Issuer's managedIdentity.tenantID. Must equal cluster.aks.tenantID: the identity lives in cluster.aks.subscriptionID, and a subscription belongs to one tenant.",
      ),
    tokenExpiration: z
      .number()
      .int({ message: 'must be a whole number of seconds' })
      .min(WI_MIN_TOKEN_EXPIRATION, { message: `must be at least ${WI_MIN_TOKEN_EXPIRATION} seconds (1h); the webhook refuses shorter tokens` })
      .max(WI_MAX_TOKEN_EXPIRATION, { message: `must be at most ${WI_MAX_TOKEN_EXPIRATION} seconds (24h); the webhook refuses longer tokens` })
      .optional()
      .describe('Lifetime of the projected service-account token, 3600-86400 seconds. @default 3600 (the webhook default)'),
    roles: z.array(AzureRoleSchema()).default([]).describe('Role assignments for the workloads of this identity (DNS rights for issuers are added automatically).'),
    serviceOperator: z
      .strictObject({ namespace: namespaceName().describe('Namespace Azure Service Operator reconciles the objects in.') })
      .optional()
      .describe('Also emit Azure Service Operator objects (UserAssignedIdentity, FederatedIdentityCredential, RoleAssignment) for the Azure side.'),
  })
  .superRefine((value, ctx) => {
    if (value.create && value.location === undefined) {
      ctx.addIssue({ code: 'custom', path: ['location'], message: 'is required with create: true (the Azure region of the new identity, e.g. westeurope)' });
    }
  })
  .describe('AKS workload identity: a user-assigned managed identity federated with the cluster OIDC issuer.');

type AzureWorkloadIdentity = z.output<ReturnType<typeof AzureWorkloadIdentitySchema>>;

function cluster(ctx: MethodContext): AksCluster & { oidcIssuerURL: string; subscriptionID: string } {
  // check() has rejected specs without these before any emitter runs.
  return aksCluster(ctx) as AksCluster & { oidcIssuerURL: string; subscriptionID: string };
}

const identityName = (identity: Identity<AzureWorkloadIdentity>): string => identity.config.name ?? identity.name;

interface Credential {
  readonly name: string;
  readonly subject: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

function credentials(identity: Identity<AzureWorkloadIdentity>, ctx: MethodContext): Credential[] {
  return identity.bindings.map((b) => ({
    name: federatedCredentialName(ctx.model.cluster.name, b.namespace, b.name),
    subject: federatedSubject(b.namespace, b.name),
    namespace: b.namespace,
    serviceAccount: b.name,
  }));
}

function azSection(identity: Identity<AzureWorkloadIdentity>, ctx: MethodContext): string[] {
  const cfg = identity.config;
  const aks = cluster(ctx);
  const name = identityName(identity);
  const where = ['--subscription', aks.subscriptionID, '--resource-group', cfg.resourceGroup];
  const clientId = shellVar(shellVarName(identity.name, 'client_id'));
  const principalId = shellVar(shellVarName(identity.name, 'principal_id'));
  const grants = grantsOf(identity, cfg.roles, ctx);
  const lines: string[] = [];
  if (cfg.create) {
    lines.push(
      unless(
        command('az', 'identity', 'show', ...where, '--name', name),
        command('az', 'identity', 'create', ...where, '--name', name, '--location', cfg.location as string),
      ),
    );
  }
  lines.push(
    assignLowercase(clientId, command('az', 'identity', 'show', ...where, '--name', name, '--query', 'clientId', '--output', 'tsv')),
    // The Kubernetes side was rendered with the spec's client ID; a different one would fail at runtime.
    `if [ "$${clientId.name}" != ${cfg.clientID.toLowerCase()} ]; then`,
    `  echo "wi-gen: managed identity ${name} has client ID $${clientId.name}, but the spec says ${cfg.clientID}: set ${formatPath([...identity.path, KEY, 'clientID'])} to it, re-render, and apply the Kubernetes side again" >&2`,
    '  exit 1',
    'fi',
  );
  // Only when a role needs it: an unused variable is dead code (ShellCheck SC2034).
  if (grants.length > 0) {
    lines.push(assign(principalId, command('az', 'identity', 'show', ...where, '--name', name, '--query', 'principalId', '--output', 'tsv')));
  }
  const creds = credentials(identity, ctx);
  if (creds.length > 0) {
    lines.push(
      '# One credential at a time: Azure answers 409 to concurrent writes on one identity.',
      '# A credential with the same issuer and subject under another name is reused: Azure refuses a',
      '# second one (409), and the token exchange only looks at issuer, subject and audience.',
    );
  }
  for (const c of creds) {
    const existing = shellVar('existing_credential');
    const list = command(
      'az', 'identity', 'federated-credential', 'list', ...where, '--identity-name', name,
      '--query', 'QUERY', '--output', 'tsv',
    ).replace('QUERY', doubleQuotedQuery(`[?issuer=='${aks.oidcIssuerURL}' && subject=='${c.subject}'].name | [0]`));
    lines.push(
      assign(existing, list),
      `if [ -z "$${existing.name}" ]; then`,
      `  ${command(
        'az', 'identity', 'federated-credential', 'create', ...where, '--identity-name', name, '--name', c.name,
        '--issuer', aks.oidcIssuerURL, '--subject', c.subject, '--audiences', AZURE_AD_TOKEN_EXCHANGE,
      ).replaceAll('\n', '\n  ')}`,
      `elif [ "$${existing.name}" != ${shellQuote(c.name)} ]; then`,
      `  echo "wi-gen: reusing federated credential $${existing.name} of ${name} for ${c.subject} (wi-gen would name it ${c.name})" >&2`,
      'fi',
    );
  }
  lines.push(...azRoleAssignments(principalId, grants));
  return lines;
}

function terraformBlocks(identity: Identity<AzureWorkloadIdentity>, ctx: MethodContext): HclBlock[] {
  const cfg = identity.config;
  const aks = cluster(ctx);
  const id = tfName(identity.name);
  const check = postcondition(
    `lower(self.client_id) == "${cfg.clientID.toLowerCase()}"`,
    `The managed identity's client ID differs from ${formatPath([...identity.path, KEY, 'clientID'])} in the spec: put the identity's client ID there, re-render, and apply the Kubernetes side again.`,
  );
  const ref = cfg.create ? `azurerm_user_assigned_identity.${id}` : `data.azurerm_user_assigned_identity.${id}`;
  const blocks: HclBlock[] = [
    cfg.create
      ? block('resource', ['azurerm_user_assigned_identity', id], [
          attr('name', identityName(identity)),
          attr('resource_group_name', cfg.resourceGroup),
          attr('location', cfg.location as string),
          blank,
          check,
        ])
      : block('data', ['azurerm_user_assigned_identity', id], [
          attr('name', identityName(identity)),
          attr('resource_group_name', cfg.resourceGroup),
          blank,
          check,
        ]),
  ];
  let previous: string | undefined;
  for (const c of credentials(identity, ctx)) {
    const name = tfName(identity.name, c.namespace, c.serviceAccount);
    blocks.push(
      block('resource', ['azurerm_federated_identity_credential', name], [
        attr('name', c.name),
        attr('user_assigned_identity_id', expr(`${ref}.id`)),
        attr('issuer', aks.oidcIssuerURL),
        attr('subject', c.subject),
        attr('audience', [AZURE_AD_TOKEN_EXCHANGE]),
        ...(previous
          ? [blank, comment('Azure answers 409 to concurrent credential writes on one identity: one at a time.'), attr('depends_on', [expr(previous)])]
          : []),
      ]),
    );
    previous = `azurerm_federated_identity_credential.${name}`;
  }
  blocks.push(...tfRoleAssignments(identity.name, expr(`${ref}.principal_id`), grantsOf(identity, cfg.roles, ctx)));
  return blocks;
}

/** The ConfigMap ASO writes a created identity's clientId and principalId to. */
const asoConfigMapName = (identity: Identity): string => `${identity.name}-identity`;

function serviceOperatorObjects(identity: Identity<AzureWorkloadIdentity>, ctx: MethodContext): CloudObjects | undefined {
  const cfg = identity.config;
  if (!cfg.serviceOperator) return undefined;
  const aks = cluster(ctx);
  const namespace = cfg.serviceOperator.namespace;
  const configMap = asoConfigMapName(identity);
  const objects: Record<string, unknown>[] = [];
  if (cfg.create) {
    objects.push({
      apiVersion: ASO_MANAGED_IDENTITY_API_VERSION,
      kind: 'UserAssignedIdentity',
      metadata: { name: identity.name, namespace },
      spec: {
        azureName: identityName(identity),
        location: cfg.location,
        owner: { armId: resourceGroupScope(aks.subscriptionID, cfg.resourceGroup) },
        operatorSpec: {
          configMaps: {
            clientId: { name: configMap, key: 'clientId' },
            principalId: { name: configMap, key: 'principalId' },
          },
        },
      },
    });
  }
  const owner = cfg.create ? { name: identity.name } : { armId: userAssignedIdentityId(aks.subscriptionID, cfg.resourceGroup, identityName(identity)) };
  for (const c of credentials(identity, ctx)) {
    objects.push({
      apiVersion: ASO_MANAGED_IDENTITY_API_VERSION,
      kind: 'FederatedIdentityCredential',
      metadata: { name: c.name.toLowerCase(), namespace },
      spec: { owner, azureName: c.name, issuer: aks.oidcIssuerURL, subject: c.subject, audiences: [AZURE_AD_TOKEN_EXCHANGE] },
    });
  }
  const principal = cfg.create
    ? { principalIdFromConfig: { name: configMap, key: 'principalId' } }
    : { principalId: cfg.principalID as string };
  objects.push(...asoRoleAssignments(identity.name, namespace, principal, grantsOf(identity, cfg.roles, ctx)));
  return { file: `azure-service-operator/${identity.name}.yaml`, objects };
}

function check(identity: Identity<AzureWorkloadIdentity>, ctx: CheckContext): void {
  const at = [...identity.path, KEY];
  const cfg = identity.config;
  const aks = requireAks(identity, KEY, ctx);
  checkAzureEnvironment(identity, ctx);
  if (aks) {
    if (!aks.oidcIssuerURL) {
      ctx.diagnostics.error(
        ['cluster', 'aks'],
        `identity "${identity.name}" (${KEY}) needs cluster.aks.oidcIssuerURL, the issuer its federated credentials trust (az aks show -g RG -n ${ctx.model.cluster.name} --query oidcIssuerProfile.issuerUrl -o tsv)`,
      );
    }
    if (!aks.subscriptionID) {
      ctx.diagnostics.error(['cluster', 'aks'], `identity "${identity.name}" (${KEY}) needs cluster.aks.subscriptionID, the subscription of its managed identity`);
    }
  }
  // Refused rather than supported: a subscription belongs to exactly one tenant, and the script,
  // Terraform and ASO objects all address the identity in cluster.aks.subscriptionID, so an
  // identity of another tenant would never be found there. Serving it would need its own
  // subscription (a second azurerm provider, another az context); until a spec can say so, an
  // error now beats AADSTS errors at runtime.
  if (cfg.tenantID && aks?.tenantID && cfg.tenantID.toLowerCase() !== aks.tenantID.toLowerCase()) {
    ctx.diagnostics.error(
      [...at, 'tenantID'],
      `is ${cfg.tenantID}, but cluster.aks.tenantID is ${aks.tenantID}: the managed identity is looked up and created in subscription ${aks.subscriptionID ?? 'cluster.aks.subscriptionID'}, which belongs to the cluster's tenant; use an identity of that tenant, or leave tenantID out`,
    );
  }
  if (identity.bindings.length > MAX_FEDERATED_CREDENTIALS) {
    ctx.diagnostics.error(
      at,
      `identity "${identity.name}" is bound to ${identity.bindings.length} ServiceAccounts, but Azure allows at most ${MAX_FEDERATED_CREDENTIALS} federated credentials per managed identity; split the ServiceAccounts over several identities`,
    );
  }
  const names = new Map<string, string>();
  for (const b of identity.bindings) {
    const name = federatedCredentialName(ctx.model.cluster.name, b.namespace, b.name);
    const other = names.get(name);
    if (other) ctx.diagnostics.error(b.path, `federated credential name "${name}" is also derived for ${other}; rename one of the ServiceAccounts`);
    else names.set(name, `${b.namespace}/${b.name}`);
  }
  if (cfg.serviceOperator && !cfg.create && !cfg.principalID) {
    ctx.diagnostics.error(
      [...at, 'serviceOperator'],
      'needs principalID for an existing identity (create: false): the RoleAssignment objects name the principal literally (az identity show --query principalId -o tsv)',
    );
  }
}

function clusterArgs(ctx: MethodContext): string {
  const aks = aksCluster(ctx);
  return `${aks?.subscriptionID ? `--subscription ${aks.subscriptionID} ` : ''}--resource-group ${shellQuote(aks?.resourceGroup ?? '<cluster resource group>')} --name ${shellQuote(ctx.model.cluster.name)}`;
}

export const azureWorkloadIdentity = defineMethod<AzureWorkloadIdentity>({
  key: KEY,
  description: 'AKS workload identity: a user-assigned managed identity with one federated credential per KSA.',
  cloud: 'azure',
  schema: AzureWorkloadIdentitySchema,
  dnsProvider: 'azureDNS',
  ambient: () => true,
  bindsCertManagerServiceAccount: () => true,
  check,

  serviceAccountMetadata(binding) {
    const cfg = binding.identity.config as AzureWorkloadIdentity;
    return {
      annotations: {
        [WI_CLIENT_ID_ANNOTATION]: cfg.clientID,
        ...(cfg.tenantID ? { [WI_TENANT_ID_ANNOTATION]: cfg.tenantID } : {}),
        ...(cfg.tokenExpiration !== undefined ? { [WI_TOKEN_EXPIRATION_ANNOTATION]: String(cfg.tokenExpiration) } : {}),
      },
      // Webhooks before v1.0 selected by the ServiceAccount label; newer ones ignore it.
      labels: { [WI_USE_LABEL]: 'true' },
    };
  },

  podTemplate() {
    // Pod template only: a selector is immutable, and the webhook looks at pod labels.
    return { labels: { [WI_USE_LABEL]: 'true' } };
  },

  dns01Solver(issuer) {
    const cfg = issuer.identity.config as AzureWorkloadIdentity;
    // clientID here as well as on the KSA: the Issuer keeps working if the annotation is lost.
    return azureDnsSolver(issuer, { clientID: cfg.clientID, ...(cfg.tenantID ? { tenantID: cfg.tenantID } : {}) });
  },

  cloudGrants,

  cloudPlan(identity, ctx) {
    const aso = serviceOperatorObjects(identity, ctx);
    return {
      scripts: [
        {
          title: `identity ${identity.name}: AKS workload identity (managed identity ${identityName(identity)} in ${identity.config.resourceGroup})`,
          lines: azSection(identity, ctx),
          preamble: azCloudCheck(ctx),
        },
      ],
      terraform: [{ file: `azure-${identity.name}.tf`, providers: azurermProvider(ctx), blocks: terraformBlocks(identity, ctx) }],
      ...(aso ? { objects: [aso] } : {}),
    };
  },

  readme(identity, ctx) {
    const cfg = identity.config;
    const aks = cluster(ctx);
    const name = identityName(identity);
    const prerequisites = [
      `The cluster runs the OIDC issuer and the workload identity webhook: \`az aks update ${clusterArgs(ctx)} --enable-oidc-issuer --enable-workload-identity\` (once per cluster; the webhook then runs as an AKS add-on).`,
      `\`az aks show ${clusterArgs(ctx)} --query oidcIssuerProfile.issuerUrl -o tsv\` prints exactly \`${aks.oidcIssuerURL}\`, trailing \`/\` included; if not, set cluster.aks.oidcIssuerURL to what it prints and re-render.`,
      cfg.create
        ? `Managed identity \`${name}\` is created in \`${cfg.resourceGroup}\` by the first step. Azure assigns its client ID: if it is not \`${cfg.clientID}\`, \`az.sh\` and Terraform stop and name the one to put in the spec.`
        : `Managed identity \`${name}\` exists in resource group \`${cfg.resourceGroup}\` with client ID \`${cfg.clientID}\` (\`az.sh\` and Terraform check it).`,
      'Whoever runs the cloud side may write federated credentials on the identity (Managed Identity Contributor) and assign roles on the scopes below (Owner, User Access Administrator or Role Based Access Control Administrator).',
    ];
    if (cfg.serviceOperator && cfg.create) {
      // ASO has no way to stop on a client ID that differs from the spec, as az.sh and Terraform
      // do: read back what it wrote to the identity's ConfigMap before the Kubernetes side goes on.
      const ns = cfg.serviceOperator.namespace;
      const configMap = asoConfigMapName(identity);
      prerequisites.push(
        [
          `**With Azure Service Operator, read the client ID back before applying the Kubernetes side.** ASO creates \`${name}\` and Azure picks its client ID, while the ServiceAccount annotation and the Issuer carry the spec's \`${cfg.clientID}\`. Apply \`cloud/azure-service-operator/${identity.name}.yaml\` first, wait for the identity, and compare what ASO wrote to ConfigMap \`${ns}/${configMap}\` (\`operatorSpec.configMaps\`):`,
          '',
          '```sh',
          `kubectl wait -n ${ns} userassignedidentity/${identity.name} --for=condition=Ready --timeout=10m`,
          `kubectl get configmap -n ${ns} ${configMap} -o jsonpath='{.data.clientId}'; echo   # must print ${cfg.clientID.toLowerCase()}`,
          '```',
          '',
          `If it prints another ID, put that in ${formatPath([...identity.path, KEY, 'clientID'])}, re-render, and only then apply the rest: with a wrong client ID every token exchange fails with \`AADSTS700016\`. The RoleAssignments take the principal ID from the same ConfigMap, so they need no edit.`,
        ].join('\n'),
      );
    }
    const creds = credentials(identity, ctx);
    // Prefer a workload's ServiceAccount for the test pod: it shows the identity a team will use.
    const checkSa = creds.find((c) => !identity.bindings.find((b) => b.namespace === c.namespace && b.name === c.serviceAccount)?.certManager) ?? creds[0];
    const verify: string[] = [];
    if (checkSa) {
      verify.push(
        [
          `Identity \`${name}\`: pods running as ${creds.map((c) => `\`${c.namespace}/${c.serviceAccount}\``).join(', ')} list the variables the webhook injects (\`AZURE_CLIENT_ID\`, \`AZURE_TENANT_ID\`, \`AZURE_FEDERATED_TOKEN_FILE\`, \`AZURE_AUTHORITY_HOST\`), and a test pod exchanges its token for an Entra token (it prints the expiry time):`,
          '',
          '```sh',
          ...creds.map(
            (c) =>
              `kubectl get pods -n ${c.namespace} -o jsonpath='{range .items[?(@.spec.serviceAccountName=="${c.serviceAccount}")]}{.metadata.name}{": "}{.spec.containers[*].env[*].name}{"\\n"}{end}'`,
          ),
          `kubectl run -n ${shellQuote(checkSa.namespace)} wi-gen-check-${shellQuote(identity.name)} --rm -i --restart=Never --image=mcr.microsoft.com/azure-cli \\`,
          `  --labels=${WI_USE_LABEL}=true --overrides='{"spec":{"serviceAccountName":"${checkSa.serviceAccount}"}}' -- \\`,
          `  bash -c 'az login --service-principal -u "$AZURE_CLIENT_ID" -t "$AZURE_TENANT_ID" --federated-token "$(cat "$AZURE_FEDERATED_TOKEN_FILE")" --allow-no-subscriptions -o none && az account get-access-token --query expiresOn -o tsv'`,
          '```',
        ].join('\n'),
      );
    }
    const troubleshooting = [
      `A pod without the \`AZURE_*\` variables lacks the pod label \`${WI_USE_LABEL}: "true"\`, or was created before the label or the webhook (the webhook acts only when a pod is created): roll it out again.`,
      '',
      `\`AADSTS70021: No matching federated identity record found for presented assertion\` means no federated credential of the identity matches the token's issuer, subject and audience. Compare the credentials (the \`az identity federated-credential list\` command in the notes) with the cluster's issuer URL above (a missing trailing \`/\` is the usual cause), the subject \`system:serviceaccount:NAMESPACE:SERVICEACCOUNT\` and the audience \`${AZURE_AD_TOKEN_EXCHANGE}\`. Right after the credentials are created the same error can be propagation delay: retry after a minute or two. \`AADSTS700016\` (application not found) means the ServiceAccount annotation \`${WI_CLIENT_ID_ANNOTATION}\` names another identity.`,
      '',
      "`cloud/az.sh` stops before it writes a federated credential when a managed identity's client ID differs from the spec, and names the right one; Terraform stops at the identity's postcondition. Fix clientID in the spec, re-render and apply again: the KSA annotation and the Issuer carry it.",
    ].join('\n');
    const notes = [
      `Federated credentials of \`${shellQuote(name)}\` (\`az identity federated-credential list --subscription ${shellQuote(aks.subscriptionID)} --resource-group ${shellQuote(cfg.resourceGroup)} --identity-name ${shellQuote(name)} -o table\`, at most ${MAX_FEDERATED_CREDENTIALS}): ${creds.map((c) => `\`${c.name}\` → \`${c.subject}\``).join(', ') || 'none'}.`,
      `A credential with the same issuer and subject under another name (made by hand, or by an older tool) is reused by \`az.sh\`, which says so; Azure refuses a second one with 409. Terraform cannot reuse it: delete it, or \`terraform import\` it under the name above.`,
      `The label \`${WI_USE_LABEL}: "true"\` goes on pod templates only, never into a selector (selectors are immutable) or \`commonLabels\`; the value is the string \`"true"\`.`,
    ];
    if (cfg.serviceOperator) {
      notes.push(
        `\`cloud/azure-service-operator/${identity.name}.yaml\` is the Azure side of \`${name}\` for Azure Service Operator v2 (namespace \`${cfg.serviceOperator.namespace}\`). ASO reconciles the federated credentials in parallel; Azure answers 409 to some of them and ASO retries until all are in place.`,
      );
    }
    return { prerequisites, verify, notes, sections: [{ title: 'When workload identity fails', body: troubleshooting }] };
  },
});

/** The identity, one federated credential per binding, and the role assignments az.sh makes. */
function cloudGrants(identity: Identity<AzureWorkloadIdentity>, ctx: MethodContext): CloudGrant[] {
  const cfg = identity.config;
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
    ...azureRoleCloudGrants(identity, cfg.roles, { kind: 'managedIdentity', ...sub, resourceGroup: cfg.resourceGroup, name }, ctx),
  ];
}
