/**
 * An existing Entra service principal for cert-manager's Azure DNS solver, whose client secret
 * nobody types or stores: Vault's Azure secrets engine adds a short-lived password to the
 * application (`application_object_id`), the Vault Secrets Operator (VSO) writes it into a
 * Secret next to the issuer and restarts cert-manager, and Vault removes the password again when
 * the lease ends.
 *
 * Not ambient: the solver names the client ID and a Secret, so a namespaced Issuer needs no
 * `--issuer-ambient-credentials`, and cert-manager's own ServiceAccount stays unbound.
 *
 * @see ../shared/research/vault-aws.md §0–§3, §5
 * @see https://developer.hashicorp.com/vault/docs/secrets/azure
 * @see https://developer.hashicorp.com/vault/docs/platform/k8s/vso
 */
import { z } from 'zod';
import { guid, lazily, namespaceName, objectName } from '../schema/common.js';
import type { azureDnsSchema } from '../schema/dns01.js';
import type { Identity, IssuerModel } from '../model/model.js';
import { attr, blank, block, comment, expr, type HclBlock } from '../format/hcl.js';
import { command, shellQuote } from '../format/shell.js';
import { tfName } from '../format/names.js';
import { defineMethod, type CheckContext, type KubeObjectSink, type MethodContext, type ScriptSection } from '../model/method.js';
import type { CloudGrant } from '../model/cloud-grant.js';
import {
  azCloudCheck,
  azRoleArgument,
  azureadProvider,
  azurermProvider,
  checkAzureEnvironment,
  grantsOf,
  doubleQuotedQuery,
  postcondition,
  roleDefinitionFilter,
  tfRoleAssignments,
  azureRoleCloudGrants,
} from './shared/azure-common.js';
import { formatPath } from '../model/diagnostics.js';
import {
  AZURE_CREDS_CLIENT_ID_KEY,
  AZURE_CREDS_CLIENT_SECRET_KEY,
  durationSeconds,
  GRAPH_APPLICATION_READWRITE_ALL,
  isInClusterHost,
  MICROSOFT_GRAPH_APP_ID,
  VAULT_AZURE_SECRET_ENV,
  VAULT_DURATION,
  VAULT_MOUNT,
  VAULT_NAME,
  VSO_API_VERSION,
  VSO_DEFAULT_RENEWAL_PERCENT,
  VSO_MAX_RENEWAL_PERCENT,
  VSO_RESTARTED_AT_ANNOTATION,
  VSO_ROLLOUT_RESTART_KINDS,
  VSO_TOKEN_PERIOD_SECONDS,
} from './names/vault.js';

const vaultName = (what: string) =>
  z.string().regex(VAULT_NAME, { message: `${what} must be 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit` });
const vaultMount = lazily(() =>
  z.string().regex(VAULT_MOUNT, {
    message: "must be a Vault mount path such as azure or clusters/home/kubernetes (letters, digits, '_', '-'; no leading or trailing '/')",
  }),
);
const vaultDuration = lazily(() => z.string().regex(VAULT_DURATION, { message: 'must be a duration such as 30m, 1h, 24h or 7d (one unit: s, m, h or d)' }));

const VAULT_ADDRESS = /^(https?):\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(:[0-9]{1,5})?(\/[A-Za-z0-9._~/-]*)?$/;

const PARAMS_REJECTED =
  'is not allowed: Vault serves azure/creds/ROLE for reads only, and VSO sends a PUT whenever params is set, which Vault rejects; the role in vault.azure fixes everything a lease gets';

const AzureServicePrincipalVaultSchema = () => z
  .strictObject({
    clientID: guid('clientID').describe(
      'Application (client) ID of the existing Entra application cert-manager signs in as; written into the Issuer as azureDNS.clientID.',
    ),
    applicationObjectID: guid('applicationObjectID').describe(
      "Object ID of the same application (`az ad app show --id CLIENT_ID --query id -o tsv`), not of its service principal; Vault's role adds and removes passwords on it.",
    ),
    tenantID: guid('tenantID').optional().describe('Entra tenant of the application. @default cluster.aks.tenantID'),
    vault: z
      .strictObject({
        address: z
          .string()
          .regex(VAULT_ADDRESS, { message: 'must be the http:// or https:// address of Vault, e.g. https://vault.example.com:8200' })
          .describe('Address of Vault as VSO reaches it, e.g. http://vault.vault.svc.cluster.local:8200.'),
        caCertSecretRef: objectName()
          .optional()
          .describe(
            "Name of a Secret (key ca.crt) with the CA of Vault's TLS certificate, in each namespace that gets a VaultConnection. https addresses only.",
          ),
        kubernetesAuth: z
          .strictObject({
            mount: vaultMount().default('kubernetes').describe('Mount path of the Kubernetes auth method for this cluster. @default kubernetes'),
            role: vaultName('a Vault role name')
              .optional()
              .describe('Kubernetes auth role VSO logs in with; also the name of its policy. @default the identity name'),
            audience: z
              .string()
              .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, { message: 'must be a token audience such as vault' })
              .default('vault')
              .describe("Audience of the ServiceAccount token VSO presents; the auth role's audience and VaultAuth's audiences. @default vault"),
            serviceAccount: objectName()
              .optional()
              .describe('ServiceAccount VSO authenticates as, created next to each VaultDynamicSecret. @default vso-<identity name>'),
          })
          .prefault({})
          .describe("Vault's Kubernetes auth method, as VSO uses it."),
        azure: z
          .strictObject({
            mount: vaultMount().default('azure').describe('Mount path of the Azure secrets engine. @default azure'),
            role: vaultName('a Vault role name').optional().describe('Azure secrets engine role. @default the identity name'),
            ttl: vaultDuration()
              .default('1h')
              .describe('Lease TTL of each client secret; VSO renews at renewalPercent of it. @default 1h'),
            maxTTL: vaultDuration()
              .default('24h')
              .describe('Longest life of one client secret: VSO fetches a new one when renewals reach it. @default 24h'),
            explicitMaxTTL: vaultDuration()
              .optional()
              .describe(
                'Also caps the password end date in Azure (otherwise 10 years), so a lease Vault fails to revoke still expires. At least maxTTL; Vault 1.18+.',
              ),
            config: z
              .strictObject({
                clientID: guid('clientID').describe(
                  `Application (client) ID of the principal Vault itself signs in to Azure as (azure/config). Its secret is read from ${VAULT_AZURE_SECRET_ENV} when vault.sh runs, never from the spec.`,
                ),
                subscriptionID: guid('subscriptionID')
                  .optional()
                  .describe("azure/config subscription_id. @default the DNS zone's subscription"),
                rotateRoot: z
                  .boolean()
                  .default(false)
                  .describe(
                    "Right after configuring, run `vault write -f azure/rotate-root` so only Vault knows its own secret (needs Application.ReadWrite.All). @default false",
                  ),
              })
              .describe("The Azure secrets engine's own sign-in (azure/config)."),
          })
          .describe('The Azure secrets engine and the role that issues client secrets for the existing application.'),
      })
      .describe('Where Vault is and how VSO and the Azure secrets engine are set up in it.'),
    vaultDynamicSecret: z
      .strictObject({
        destinationName: objectName()
          .optional()
          .describe('Secret VSO writes (keys client_id and client_secret) and the Issuer references. @default <identity name>-azure-sp'),
        renewalPercent: z
          .number()
          .int({ message: 'must be a whole number' })
          .min(0, { message: 'must be between 0 and 90' })
          .max(VSO_MAX_RENEWAL_PERCENT, { message: 'must be between 0 and 90' })
          .default(VSO_DEFAULT_RENEWAL_PERCENT)
          .describe('Share of the lease TTL after which VSO renews it (plus jitter). @default 67'),
        rolloutRestartTargets: z
          .array(
            z.strictObject({
              kind: z.enum(VSO_ROLLOUT_RESTART_KINDS).describe('A kind VSO can restart: Deployment, DaemonSet, StatefulSet or argo.Rollout.'),
              name: objectName().describe('Workload name.'),
              namespace: namespaceName()
                .optional()
                .describe("A namespace that has this identity's VaultDynamicSecret; VSO restarts nothing elsewhere. @default certManager.namespace"),
            }),
          )
          .optional()
          .describe(
            "Workloads VSO restarts after writing a new secret. [] for none. @default cert-manager's Deployment, where a ClusterIssuer's secret lives",
          ),
        params: z
          .unknown()
          .optional()
          .refine((v) => v === undefined, { message: PARAMS_REJECTED })
          .meta({ not: {} })
          .describe('Not allowed: azure/creds/ROLE is read-only, and VSO would send a PUT.'),
      })
      .prefault({})
      .describe('The VaultDynamicSecret that keeps the Secret filled.'),
  })
  .describe('Existing Entra service principal whose client secret Vault issues and rotates, delivered by the Vault Secrets Operator.');

type AzureServicePrincipalVault = z.output<ReturnType<typeof AzureServicePrincipalVaultSchema>>;
type AzureDns = z.output<ReturnType<typeof azureDnsSchema>>;

interface RestartTarget {
  readonly kind: (typeof VSO_ROLLOUT_RESTART_KINDS)[number];
  readonly name: string;
  readonly namespace: string;
}

/** Every name this identity uses, decided once so objects, scripts and Terraform agree. */
interface Resolved {
  readonly cfg: AzureServicePrincipalVault;
  readonly tenantID: string;
  readonly issuers: readonly IssuerModel[];
  /** Where cert-manager reads the Secret for each issuer, in spec order. */
  readonly namespaces: readonly string[];
  readonly authMount: string;
  readonly authRole: string;
  readonly policy: string;
  readonly audience: string;
  readonly serviceAccount: string;
  readonly azureMount: string;
  readonly azureRole: string;
  readonly credsPath: string;
  readonly destination: string;
  readonly environment: AzureDns['environment'];
  readonly configSubscriptionID: string;
  readonly restartTargets: readonly RestartTarget[];
  /** VaultConnection, VaultAuth and VaultDynamicSecret share the identity's name. */
  readonly objectName: string;
}

function azureDnsOf(issuer: IssuerModel): AzureDns {
  // resolve.ts has matched every issuer of this identity to the azureDNS provider.
  return issuer.dns01.azureDNS as AzureDns;
}

function resolve(identity: Identity<AzureServicePrincipalVault>, ctx: MethodContext): Resolved {
  const cfg = identity.config;
  const issuers = (ctx.model.certManager?.issuers ?? []).filter((i) => i.identity === identity);
  const namespaces = [...new Set(issuers.map((i) => i.resourceNamespace))];
  const cmNamespace = ctx.model.certManager?.namespace ?? 'cert-manager';
  const authRole = cfg.vault.kubernetesAuth.role ?? identity.name;
  const azureMount = cfg.vault.azure.mount;
  const azureRole = cfg.vault.azure.role ?? identity.name;
  const first = issuers[0] ? azureDnsOf(issuers[0]) : undefined;
  const restartTargets: RestartTarget[] = cfg.vaultDynamicSecret.rolloutRestartTargets
    ? cfg.vaultDynamicSecret.rolloutRestartTargets.map((t) => ({ kind: t.kind, name: t.name, namespace: t.namespace ?? cmNamespace }))
    : namespaces.includes(cmNamespace) && ctx.model.certManager
      ? [{ kind: 'Deployment', name: ctx.model.certManager.deployment, namespace: cmNamespace }]
      : [];
  return {
    cfg,
    tenantID: cfg.tenantID ?? ctx.model.cluster.aks?.tenantID ?? '',
    issuers,
    namespaces,
    authMount: cfg.vault.kubernetesAuth.mount,
    authRole,
    policy: authRole,
    audience: cfg.vault.kubernetesAuth.audience,
    serviceAccount: cfg.vault.kubernetesAuth.serviceAccount ?? `vso-${identity.name}`,
    azureMount,
    azureRole,
    credsPath: `${azureMount}/creds/${azureRole}`,
    destination: cfg.vaultDynamicSecret.destinationName ?? `${identity.name}-azure-sp`,
    environment: first?.environment ?? 'AzurePublicCloud',
    configSubscriptionID: cfg.vault.azure.config.subscriptionID ?? first?.subscriptionID ?? '',
    restartTargets,
    objectName: identity.name,
  };
}

function check(identity: Identity<AzureServicePrincipalVault>, ctx: CheckContext): void {
  const at = [...identity.path, 'azureServicePrincipalVault'];
  const r = resolve(identity, ctx);
  const cfg = r.cfg;
  const d = ctx.diagnostics;
  for (const b of identity.bindings) {
    d.error(
      [...b.path.slice(0, -1), 'identity'],
      `identity "${identity.name}" (azureServicePrincipalVault) delivers a client secret to cert-manager's azureDNS solver through a Secret; it cannot be bound to a ServiceAccount`,
    );
  }
  if (r.issuers.length === 0) {
    d.error(at, `identity "${identity.name}" serves no cert-manager issuer; azureServicePrincipalVault only feeds an issuer's azureDNS solver`);
  }
  if (!cfg.tenantID && !ctx.model.cluster.aks) {
    d.error([...at, 'tenantID'], 'is required when the cluster has no aks block to take it from');
  }
  if (cfg.clientID.toLowerCase() === cfg.applicationObjectID.toLowerCase()) {
    d.error(
      [...at, 'applicationObjectID'],
      'equals clientID; the object ID of an application differs from its client ID (`az ad app show --id CLIENT_ID --query id -o tsv`)',
    );
  }
  // One application lives in one Azure cloud, the spec's (the same check as the other Azure methods).
  checkAzureEnvironment(identity, ctx);

  // Field order, so the lines read top to bottom like the spec.
  const address = VAULT_ADDRESS.exec(cfg.vault.address) as RegExpExecArray;
  if (address[1] === 'http' && cfg.vault.caCertSecretRef) {
    d.error([...at, 'vault', 'caCertSecretRef'], 'needs an https:// vault.address; over http there is no certificate to check');
  }
  if (address[1] === 'http' && !isInClusterHost((address[2] as string).replace(/^\[|\]$/g, ''))) {
    d.warn(
      [...at, 'vault', 'address'],
      'plain http outside the cluster: the Vault token and every client secret cross the network unencrypted; use https',
    );
  }

  const azure = cfg.vault.azure;
  const ttl = durationSeconds(azure.ttl);
  const maxTTL = durationSeconds(azure.maxTTL);
  if (ttl > maxTTL) d.error([...at, 'vault', 'azure', 'ttl'], `is longer than maxTTL (${azure.maxTTL}); Vault rejects the role`);
  if (azure.explicitMaxTTL !== undefined && durationSeconds(azure.explicitMaxTTL) < maxTTL) {
    d.error([...at, 'vault', 'azure', 'explicitMaxTTL'], `is shorter than maxTTL (${azure.maxTTL}); Vault rejects the role`);
  }
  if (maxTTL < 3600) {
    d.warn(
      [...at, 'vault', 'azure', 'maxTTL'],
      `a new client secret every ${azure.maxTTL}: Azure takes minutes to accept a new secret everywhere (AADSTS7000215 until then), so each rotation can fail a few challenges; prefer hours`,
    );
  }

  (cfg.vaultDynamicSecret.rolloutRestartTargets ?? []).forEach((t, i) => {
    const namespace = r.restartTargets[i]?.namespace as string;
    if (r.namespaces.length > 0 && !r.namespaces.includes(namespace)) {
      d.error(
        [...at, 'vaultDynamicSecret', 'rolloutRestartTargets', i, ...(t.namespace ? ['namespace'] : [])],
        `VSO restarts only workloads in the VaultDynamicSecret's own namespace (${r.namespaces.join(', ')}), not in ${namespace}`,
      );
    }
  });

  const cmNamespace = ctx.model.certManager?.namespace;
  for (const issuer of r.issuers) {
    if (issuer.kind === 'Issuer' && issuer.resourceNamespace !== cmNamespace) {
      d.warn(
        issuer.path,
        `Issuer ${issuer.namespace}/${issuer.name} gets its client secret in Secret ${issuer.resourceNamespace}/${r.destination}: whoever can read Secrets in ${issuer.resourceNamespace} can act as application ${cfg.clientID} (and its DNS role) until the secret's lease ends`,
      );
    }
    if (issuer.acme.privateKeySecretName === r.destination) {
      d.error(
        [...at, 'vaultDynamicSecret', 'destinationName'],
        `is also the ACME account key Secret of ${issuer.kind} ${issuer.name} in ${issuer.resourceNamespace}; VSO would overwrite it`,
      );
    }
  }

  // Two identities of this method must not fight over one Vault mount, role or Secret.
  const others = ctx.model.identities.filter(
    (o) => o.method === identity.method && o !== identity && ctx.model.identities.indexOf(o) < ctx.model.identities.indexOf(identity),
  ) as Identity<AzureServicePrincipalVault>[];
  for (const other of others) {
    const o = resolve(other, ctx);
    if (o.azureMount === r.azureMount) {
      d.error(
        [...at, 'vault', 'azure', 'mount'],
        `"${r.azureMount}" is already configured by identity "${other.name}"; azure/config holds one sign-in, so give each identity its own mount`,
      );
    }
    if (o.authMount === r.authMount && o.authRole === r.authRole) {
      d.error([...at, 'vault', 'kubernetesAuth', 'role'], `"${r.authRole}" is already used by identity "${other.name}"`);
    }
    const shared = r.namespaces.filter((n) => o.namespaces.includes(n));
    if (o.destination === r.destination && shared.length > 0) {
      d.error(
        [...at, 'vaultDynamicSecret', 'destinationName'],
        `Secret ${shared[0]}/${r.destination} is already written for identity "${other.name}"`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------- Kubernetes

function objects(identity: Identity<AzureServicePrincipalVault>, out: KubeObjectSink, ctx: MethodContext): void {
  const r = resolve(identity, ctx);
  const vault = r.cfg.vault;
  for (const namespace of r.namespaces) {
    const id = (kind: string) => `${identity.name}-${namespace}-${kind}`;
    const metadata = { name: r.objectName, namespace };
    out.add(id('connection'), {
      apiVersion: VSO_API_VERSION,
      kind: 'VaultConnection',
      metadata,
      spec: {
        address: vault.address,
        // Required by the CRD; stated so a reader sees TLS is verified.
        skipTLSVerify: false,
        ...(vault.caCertSecretRef ? { caCertSecretRef: vault.caCertSecretRef } : {}),
      },
    });
    out.add(id('service-account'), {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: r.serviceAccount, namespace },
      // VSO mints this ServiceAccount's tokens with the TokenRequest API; no pod mounts one.
      automountServiceAccountToken: false,
    });
    out.add(id('auth'), {
      apiVersion: VSO_API_VERSION,
      kind: 'VaultAuth',
      metadata,
      spec: {
        vaultConnectionRef: r.objectName,
        method: 'kubernetes',
        mount: r.authMount,
        kubernetes: { role: r.authRole, serviceAccount: r.serviceAccount, audiences: [r.audience] },
      },
    });
    const restart = r.restartTargets.filter((t) => t.namespace === namespace).map((t) => ({ kind: t.kind, name: t.name }));
    out.add(id('dynamic-secret'), {
      apiVersion: VSO_API_VERSION,
      kind: 'VaultDynamicSecret',
      metadata,
      spec: {
        vaultAuthRef: r.objectName,
        mount: r.azureMount,
        path: `creds/${r.azureRole}`,
        renewalPercent: r.cfg.vaultDynamicSecret.renewalPercent,
        // excludeRaw: without it VSO stores the secret a second time, as JSON under _raw.
        destination: { name: r.destination, create: true, transformation: { excludeRaw: true } },
        ...(restart.length > 0 ? { rolloutRestartTargets: restart } : {}),
      },
    });
  }
}

function dns01Solver(issuer: IssuerModel, ctx: MethodContext): Record<string, unknown> {
  const r = resolve(issuer.identity as Identity<AzureServicePrincipalVault>, ctx);
  const dns = azureDnsOf(issuer);
  return {
    azureDNS: {
      clientID: r.cfg.clientID,
      clientSecretSecretRef: { name: r.destination, key: AZURE_CREDS_CLIENT_SECRET_KEY },
      tenantID: r.tenantID,
      subscriptionID: dns.subscriptionID,
      resourceGroupName: dns.resourceGroupName,
      ...(dns.hostedZoneName ? { hostedZoneName: dns.hostedZoneName } : {}),
      environment: dns.environment,
      ...(dns.zoneType !== 'AzurePublicZone' ? { zoneType: dns.zoneType } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------- cloud side

/** `vault write PATH k=v …`, one argument per line so a diff shows which one changed. */
function vaultWrite(path: string, args: Readonly<Record<string, string | number>>, flags: readonly string[] = []): string {
  const words = Object.entries(args).map(([k, v]) => shellQuote(`${k}=${v}`));
  return ['vault write ' + [...flags, path].map(shellQuote).join(' '), ...words].join(' \\\n    ');
}

function policyRules(r: Resolved): { path: string; capabilities: string[]; description: string }[] {
  return [
    { path: r.credsPath, capabilities: ['read'], description: 'VSO reads a new client secret' },
    { path: 'sys/leases/revoke', capabilities: ['update'], description: 'VSO revokes the lease when its VaultDynamicSecret is deleted' },
  ];
}

function roleArgs(r: Resolved): Record<string, string> {
  const azure = r.cfg.vault.azure;
  return {
    application_object_id: r.cfg.applicationObjectID,
    ttl: azure.ttl,
    max_ttl: azure.maxTTL,
    ...(azure.explicitMaxTTL ? { explicit_max_ttl: azure.explicitMaxTTL } : {}),
  };
}

function vaultSection(r: Resolved): string[] {
  const config = r.cfg.vault.azure.config;
  const mount = r.azureMount;
  const configArgs: Record<string, string> = {
    subscription_id: r.configSubscriptionID,
    tenant_id: r.tenantID,
    client_id: config.clientID,
    ...(r.environment !== 'AzurePublicCloud' ? { environment: r.environment } : {}),
    // `-` makes vault read the value from stdin: it never appears in argv or in a file.
    client_secret: '-',
  };
  const lines = [
    `# The Azure secrets engine at ${mount}/.`,
    `if ! vault secrets list -format=json | grep -F ${shellQuote(`"${mount}/":`)} >/dev/null; then`,
    `  ${command('vault', 'secrets', 'enable', `-path=${mount}`, 'azure')}`,
    'fi',
    '',
    '# azure/config is written only while it is absent: after rotate-root only Vault knows its own',
    '# secret, and writing the operator\'s copy again would break the engine. Absent means a 404,',
    '# which vault prints as "No value found at PATH"; any other failure (403, sealed, unreachable)',
    '# stops the script instead of being taken for "not configured".',
    'config_state=configured',
    `if ! configured_client_id="$(vault read -field=client_id ${shellQuote(`${mount}/config`)} 2>&1)"; then`,
    `  case "$configured_client_id" in`,
    `    ${shellQuote(`No value found at ${mount}/config`)}*) config_state=absent ;;`,
    '    *)',
    `      echo ${shellQuote(`wi-gen: cannot read ${mount}/config, so cannot tell whether it is configured; stopping rather than overwrite it:`)} >&2`,
    '      printf \'%s\\n\' "$configured_client_id" >&2',
    '      exit 1',
    '      ;;',
    '  esac',
    'fi',
    'if [ "$config_state" = absent ]; then',
    `  : "\${${VAULT_AZURE_SECRET_ENV}:?export ${VAULT_AZURE_SECRET_ENV} with the client secret of ${config.clientID}, the principal Vault signs in to Azure as}"`,
    `  printf '%s' "$${VAULT_AZURE_SECRET_ENV}" | ${vaultWrite(`${mount}/config`, configArgs).replaceAll('\n', '\n  ')}`,
    ...(config.rotateRoot ? [`  ${command('vault', 'write', '-f', `${mount}/rotate-root`)}`] : []),
    `elif [ "$configured_client_id" != ${shellQuote(config.clientID)} ]; then`,
    `  echo ${shellQuote(`${mount}/config signs in as `)}"$configured_client_id"${shellQuote(`, not ${config.clientID}; to switch, run: vault delete ${mount}/config`)} >&2`,
    '  exit 1',
    'fi',
    '',
    `# The role adds a password to the existing application ${r.cfg.clientID} for each lease.`,
    vaultWrite(`${mount}/roles/${r.azureRole}`, roleArgs(r)),
    '',
    `vault policy write ${shellQuote(r.policy)} - <<'POLICY'`,
    ...policyRules(r).flatMap((rule, i) => [
      ...(i > 0 ? [''] : []),
      `# ${rule.description}`,
      `path "${rule.path}" {`,
      `  capabilities = [${rule.capabilities.map((c) => `"${c}"`).join(', ')}]`,
      '}',
    ]),
    'POLICY',
    '',
    '# token_period without token_max_ttl: when the token VSO holds expires, Vault revokes every',
    '# lease made with it, and with them every client secret.',
    vaultWrite(`auth/${r.authMount}/role/${r.authRole}`, {
      bound_service_account_names: r.serviceAccount,
      bound_service_account_namespaces: r.namespaces.join(','),
      token_policies: r.policy,
      audience: r.audience,
      token_period: VSO_TOKEN_PERIOD_SECONDS,
      token_ttl: 0,
      token_max_ttl: 0,
    }),
  ];
  return lines;
}

/**
 * `az role assignment` by the application's client ID (its service principal has long existed, so
 * the Graph lookup behind --assignee is safe), listed before it is created. The grants are the
 * ones Terraform makes (grantsOf): zone scope when the issuer names a zone, else its resource group.
 */
function azSection(identity: Identity<AzureServicePrincipalVault>, r: Resolved, ctx: MethodContext): string[] {
  const client = r.cfg.clientID;
  const lines = [
    '# Vault\'s role names the application object ID and the Issuer its client ID: check they are one application.',
    `app_object_id="$(${command('az', 'ad', 'app', 'show', '--id', client, '--query', 'id', '--output', 'tsv')} | tr '[:upper:]' '[:lower:]')"`,
    `if [ "$app_object_id" != ${shellQuote(r.cfg.applicationObjectID.toLowerCase())} ]; then`,
    `  echo ${shellQuote(`application ${client} has object ID `)}"$app_object_id"${shellQuote(`, but the spec says applicationObjectID ${r.cfg.applicationObjectID}`)} >&2`,
    '  exit 1',
    'fi',
  ];
  for (const g of grantsOf(identity, [], ctx)) {
    const list = command('az', 'role', 'assignment', 'list', '--assignee', client, '--scope', g.scope, '--query', 'QUERY', '--output', 'tsv')
      .replace('QUERY', doubleQuotedQuery(`[?${roleDefinitionFilter(g.roleGuid)}].id`));
    const where = g.scope.includes('/providers/') ? `zone ${g.scope.split('/').pop()}` : `every zone in resource group ${g.scope.split('/').pop()} (set hostedZoneName to narrow it)`;
    lines.push(
      '',
      `# ${g.roleName ?? g.roleGuid} on ${where}, for the service principal of ${client}.`,
      `if [ -z "$(${list.replaceAll('\n', '\n  ')})" ]; then`,
      `  ${command('az', 'role', 'assignment', 'create', '--assignee', client, '--role', azRoleArgument(g), '--scope', g.scope).replaceAll('\n', '\n  ')}`,
      'fi',
    );
  }
  return lines;
}

function terraformBlocks(identity: Identity<AzureServicePrincipalVault>, r: Resolved): HclBlock[] {
  const id = tfName(identity.name);
  const variable = `${id}_vault_azure_client_secret`;
  const config = r.cfg.vault.azure.config;
  const azure = r.cfg.vault.azure;
  return [
    block('variable', [variable], [
      attr('description', `Client secret of ${config.clientID}, the principal Vault signs in to Azure as. Ephemeral and write-only: never in a plan or the state.`),
      attr('type', expr('string')),
      attr('sensitive', true),
      attr('ephemeral', true),
    ]),
    block('resource', ['vault_azure_secret_backend', id], [
      attr('path', r.azureMount),
      attr('subscription_id', r.configSubscriptionID),
      attr('tenant_id', r.tenantID),
      attr('client_id', config.clientID),
      ...(r.environment !== 'AzurePublicCloud' ? [attr('environment', r.environment)] : []),
      blank,
      comment('Bump the version to send a new secret; Terraform cannot see a write-only value change.'),
      attr('client_secret_wo', expr(`var.${variable}`)),
      attr('client_secret_wo_version', 1),
    ]),
    block('resource', ['vault_azure_secret_backend_role', id], [
      attr('backend', expr(`vault_azure_secret_backend.${id}.path`)),
      attr('role', r.azureRole),
      attr('application_object_id', r.cfg.applicationObjectID),
      // Seconds: Vault reads them back as seconds, and "1h" would show a diff on every plan.
      attr('ttl', String(durationSeconds(azure.ttl))),
      attr('max_ttl', String(durationSeconds(azure.maxTTL))),
      ...(azure.explicitMaxTTL ? [attr('explicit_max_ttl', String(durationSeconds(azure.explicitMaxTTL)))] : []),
    ]),
    block('data', ['vault_policy_document', id], policyRules(r).map((rule) =>
      block('rule', [], [attr('path', rule.path), attr('capabilities', rule.capabilities), attr('description', rule.description)]),
    )),
    block('resource', ['vault_policy', id], [attr('name', r.policy), attr('policy', expr(`data.vault_policy_document.${id}.hcl`))]),
    block('resource', ['vault_kubernetes_auth_backend_role', id], [
      attr('backend', r.authMount),
      attr('role_name', r.authRole),
      attr('bound_service_account_names', [r.serviceAccount]),
      attr('bound_service_account_namespaces', [...r.namespaces]),
      attr('token_policies', [expr(`vault_policy.${id}.name`)]),
      attr('audience', r.audience),
      blank,
      comment('A periodic token that never expires: its expiry would revoke every client secret leased with it.'),
      attr('token_period', VSO_TOKEN_PERIOD_SECONDS),
      attr('token_ttl', 0),
      attr('token_max_ttl', 0),
    ]),
  ];
}

/**
 * The Azure half of what az.sh does, for Terraform: the application's object ID checked against
 * the spec, and the DNS role for its service principal (found by client ID through Graph).
 */
function azureTerraformBlocks(identity: Identity<AzureServicePrincipalVault>, r: Resolved, ctx: MethodContext): HclBlock[] {
  const id = tfName(identity.name);
  return [
    block('data', ['azuread_application', id], [
      attr('client_id', r.cfg.clientID),
      blank,
      postcondition(
        `lower(self.object_id) == "${r.cfg.applicationObjectID.toLowerCase()}"`,
        `Application ${r.cfg.clientID} has another object ID than ${formatPath([...identity.path, 'azureServicePrincipalVault', 'applicationObjectID'])} in the spec; Vault's role would add passwords to the wrong application.`,
      ),
    ]),
    block('data', ['azuread_service_principal', id], [attr('client_id', r.cfg.clientID)]),
    ...tfRoleAssignments(identity.name, expr(`data.azuread_service_principal.${id}.object_id`), grantsOf(identity, [], ctx)),
  ];
}

// ---------------------------------------------------------------------------------- README

function readme(identity: Identity<AzureServicePrincipalVault>, ctx: MethodContext) {
  const r = resolve(identity, ctx);
  const cfg = r.cfg;
  const azure = cfg.vault.azure;
  const config = azure.config;
  const cmNamespace = ctx.model.certManager?.namespace ?? 'cert-manager';
  const ttl = durationSeconds(azure.ttl);
  const renewEvery = Math.round((ttl * cfg.vaultDynamicSecret.renewalPercent) / 100 / 60);
  const restarted = r.restartTargets.map((t) => `${t.kind} ${t.namespace}/${t.name}`);

  const verify = r.namespaces.map((ns) => {
    const targets = r.restartTargets.filter((t) => t.namespace === ns && t.kind !== 'argo.Rollout');
    return [
      `VSO keeps Secret \`${ns}/${r.destination}\` filled from \`${r.credsPath}\`:`,
      '',
      '```sh',
      `kubectl get vaultauth,vaultdynamicsecret -n ${shellQuote(ns)} ${shellQuote(r.objectName)}`,
      `kubectl get events -n ${shellQuote(ns)} --field-selector involvedObject.name=${shellQuote(r.objectName)} --sort-by=.lastTimestamp`,
      `kubectl get secret -n ${shellQuote(ns)} ${shellQuote(r.destination)} -o jsonpath='{.data.${AZURE_CREDS_CLIENT_ID_KEY}}' | base64 -d; echo   # prints ${shellQuote(cfg.clientID)}`,
      ...targets.map(
        (t) =>
          `kubectl get ${shellQuote(t.kind.toLowerCase())} -n ${shellQuote(ns)} ${shellQuote(t.name)} -o jsonpath='{.spec.template.metadata.annotations.${VSO_RESTARTED_AT_ANNOTATION.replace(/\./g, '\\.')}}'; echo`,
      ),
      `vault list sys/leases/lookup/${shellQuote(r.credsPath)}`,
      '```',
      '',
      `Events \`SecretSynced\` and \`SecretRotated\` mean a secret was written${targets.length ? ', and `RolloutRestartTriggered` that cert-manager was restarted (the last command prints when)' : ''}. ` +
        // Event reasons as VSO v1.4 records them (internal/consts/reasons.go).
        '`VaultClientConfigError` means VSO could not log in to Vault: check the Kubernetes auth role (bound ServiceAccount, namespace, audience) and its mount; ' +
        '`SecretSyncError` with `permission denied` means the login worked but the policy does not allow reading the creds path, and with an Azure error that the engine could not add a password to the application (its own sign-in in azure/config, or its Graph permission); ' +
        '`SecretLeaseRenewalError` that a lease could not be renewed (VSO then reads new credentials); ' +
        '`RolloutRestartFailed` points at a target VSO cannot patch. The Secret never shows the client secret in these commands: do not print `.data.client_secret`.',
    ].join('\n');
  });

  const notes = [
    `**Rotation cadence (${identity.name}).** Each client secret is a Vault lease on \`${r.credsPath}\` with ttl ${azure.ttl} and max_ttl ${azure.maxTTL}. ` +
      `VSO renews it at renewalPercent ${cfg.vaultDynamicSecret.renewalPercent}% of the TTL (about every ${renewEvery} min, plus jitter); ` +
      `when Vault caps a renewal at max_ttl, VSO reads new credentials, which adds a new password to application ${cfg.clientID}, rewrites the Secret${restarted.length ? ` and restarts ${restarted.join(', ')}` : ''}. ` +
      `So cert-manager gets a new client secret about every ${azure.maxTTL}; Vault removes the old password when its lease reaches max_ttl` +
      `${azure.explicitMaxTTL ? `, and Azure itself expires it after ${azure.explicitMaxTTL} (explicit_max_ttl)` : ' (its Azure end date is 10 years out: set explicitMaxTTL so a lease Vault fails to revoke still expires)'}. ` +
      'Azure needs a few minutes (2–10) to accept a new password everywhere: challenges in that window can fail with `AADSTS7000215: Invalid client secret provided`, and cert-manager retries them with backoff.',
    `**Restarts.** cert-manager reads \`clientSecretSecretRef\` afresh for every challenge, so the new secret is used without a restart; the rollout restart is belt and braces and costs a cert-manager restart per rotation (set \`vaultDynamicSecret.rolloutRestartTargets: []\` to drop it). ` +
      `VSO restarts only workloads in the VaultDynamicSecret's own namespace${r.namespaces.some((n) => n !== cmNamespace) ? `, so the VaultDynamicSecret of a namespaced Issuer (in ${r.namespaces.filter((n) => n !== cmNamespace).join(', ')}) restarts nothing` : ''}.`,
    `**The Vault token.** The Kubernetes auth role \`${r.authRole}\` issues periodic tokens (token_period=${VSO_TOKEN_PERIOD_SECONDS}s, no max TTL): a token that expired would take every client secret leased with it. Deleting the VaultDynamicSecret revokes its lease (the policy allows \`sys/leases/revoke\`), which removes the password from the application.`,
    `**Terraform** does what both scripts do: \`vault-${identity.name}.tf\` configures Vault, and \`azure-${identity.name}.tf\` checks the application's object ID and assigns the DNS role to its service principal (azuread reads them from Microsoft Graph, so whoever runs it may read applications)${config.rotateRoot ? `; Terraform cannot call rotate-root: run \`vault write -f ${r.azureMount}/rotate-root\` after the first apply` : ''}. ` +
      `Pass Vault's own client secret as \`TF_VAR_${tfName(identity.name)}_vault_azure_client_secret\`; the variable is ephemeral and the argument write-only (Terraform 1.11+), so it never reaches a plan or the state.`,
  ];

  return {
    prerequisites: [
      `The Vault Secrets Operator (v1.4) runs in the cluster, e.g. \`helm install vault-secrets-operator hashicorp/vault-secrets-operator -n vault-secrets-operator-system --create-namespace\`; its ClusterRole lets it patch the Deployments it restarts.`,
      `Vault's Kubernetes auth method is enabled at \`${r.authMount}/\` and configured for this cluster (\`vault auth enable -path=${r.authMount} kubernetes\`, \`vault write auth/${r.authMount}/config kubernetes_host=…\`), and Vault is reachable at \`${cfg.vault.address}\` from the cluster.`,
      `The Entra application \`${cfg.clientID}\` (object ID \`${cfg.applicationObjectID}\`) and its service principal exist; wi-gen never creates them or their secrets.`,
      `Vault's own principal \`${config.clientID}\` has the Microsoft Graph application permission \`${GRAPH_APPLICATION_READWRITE_ALL.name}\`, admin-consented: Vault adds and removes passwords on an application it does not own${config.rotateRoot ? ', and rotate-root replaces its own' : ''}. ` +
        `A directory admin grants it with \`az ad app permission add --id ${shellQuote(config.clientID)} --api ${MICROSOFT_GRAPH_APP_ID} --api-permissions ${GRAPH_APPLICATION_READWRITE_ALL.id}=Role\` and \`az ad app permission admin-consent --id ${shellQuote(config.clientID)}\`. ` +
        "Vault's documentation also lists `GroupMember.ReadWrite.All` for this mode; only roles with `azure_groups` use it, and this role has none.",
      `\`export ${VAULT_AZURE_SECRET_ENV}=…\` with the client secret of \`${config.clientID}\` in the shell that runs \`cloud/vault.sh\` the first time: the script pipes it to \`vault\` and never writes it down. Later runs skip \`${r.azureMount}/config\` and do not need it.`,
      ...(cfg.vault.caCertSecretRef
        ? [`Secret \`${cfg.vault.caCertSecretRef}\` (key \`ca.crt\`) with the CA of Vault's certificate exists in ${r.namespaces.map((n) => `\`${n}\``).join(', ')}.`]
        : []),
    ],
    verify,
    notes,
  };
}

export const azureServicePrincipalVault = defineMethod<AzureServicePrincipalVault>({
  key: 'azureServicePrincipalVault',
  description:
    'Existing Entra service principal for cert-manager Azure DNS; Vault issues and rotates its client secret, the Vault Secrets Operator delivers it.',
  cloud: 'azure',
  schema: AzureServicePrincipalVaultSchema,
  dnsProvider: 'azureDNS',
  manifestFile: 'vault-secrets-operator',
  ambient: () => false,
  bindsCertManagerServiceAccount: () => false,
  check,
  serviceAccountMetadata: () => ({}),
  podTemplate: () => ({}),
  dns01Solver,
  objects,

  cloudGrants,

  cloudPlan(identity, ctx) {
    const r = resolve(identity, ctx);
    const sections: ScriptSection[] = [
      // az.sh first: it proves the client ID and object ID are one application before Vault's role uses them.
      {
        title: `identity ${identity.name}: DNS rights for the service principal of application ${r.cfg.clientID}`,
        lines: azSection(identity, r, ctx),
        preamble: azCloudCheck(ctx),
      },
      {
        file: 'vault.sh',
        purpose: 'Vault side: the Azure secrets engine, its role, a policy and the Kubernetes auth role (vault, as a Vault admin).',
        title: `identity ${identity.name}: Vault issues client secrets for application ${r.cfg.clientID}, VSO logs in as ${r.namespaces.map((n) => `${n}/${r.serviceAccount}`).join(', ')}`,
        lines: vaultSection(r),
      },
    ];
    return {
      scripts: sections,
      terraform: [
        {
          file: `vault-${identity.name}.tf`,
          providers: { vault: { source: 'hashicorp/vault', version: '>= 5.11.0, < 6' } },
          blocks: terraformBlocks(identity, r),
          minimumTerraformVersion: '1.11',
        },
        {
          file: `azure-${identity.name}.tf`,
          providers: { ...azurermProvider(ctx, r.configSubscriptionID), ...azureadProvider(ctx) },
          blocks: azureTerraformBlocks(identity, r, ctx),
        },
      ],
    };
  },

  readme,
});

/** What az.sh and vault.sh create and grant for this identity, as records for pruning and teardown (src/lifecycle). */
function cloudGrants(identity: Identity<AzureServicePrincipalVault>, ctx: MethodContext): CloudGrant[] {
  const r = resolve(identity, ctx);
  return [
    ...azureRoleCloudGrants(identity, [], { kind: 'servicePrincipal', appId: r.cfg.clientID }, ctx),
    { cli: 'vault', kind: 'vault-kubernetes-role', mount: r.authMount, name: r.authRole },
    { cli: 'vault', kind: 'vault-policy', name: r.policy },
    { cli: 'vault', kind: 'vault-azure-role', mount: r.azureMount, name: r.azureRole },
  ];
}
