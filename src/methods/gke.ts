/**
 * GKE Workload Identity Federation.
 *
 * Impersonation (default): the KSA is annotated with a Google service account (GSA) and may act
 * as it because the GSA grants `roles/iam.workloadIdentityUser` to
 * `serviceAccount:PROJECT.svc.id.goog[NS/KSA]`; one GSA can serve many KSAs.
 * Direct principal (opt-in): no GSA and no annotation; roles go straight to the KSA's
 * `principal://` identifier, which needs the project number.
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity
 * @see https://cert-manager.io/docs/configuration/acme/dns01/google/
 */
import { z } from 'zod';
import { gcpProjectId, namespaceName, safeText } from '../spec/common.js';
import type { GkeCluster } from '../spec/cluster.js';
import type { Identity, IssuerModel, ServiceAccountBinding } from '../model/model.js';
import { attr, block, expr, type HclBlock, type HclBodyItem } from '../emit/hcl.js';
import { command, shellQuote, unless } from '../emit/shell.js';
import { tfName } from '../emit/names.js';
import { defineMethod, type CheckContext, type CloudObjects, type MethodContext } from './method.js';
import {
  CLOUD_DNS_SOLVER_PERMISSIONS,
  CLOUD_DNS_ZONE_LOOKUP_PERMISSION,
  GKE_GSA_ANNOTATION,
  GKE_METADATA_NODE_LABEL,
  GSA_EMAIL,
  ksaMember,
  ksaPrincipal,
  parseGsaEmail,
} from './gcp-names.js';

const IAM_ROLE = /^(roles\/[a-zA-Z0-9_.]+|projects\/[a-z][-a-z0-9]{4,28}[a-z0-9]\/roles\/[a-zA-Z0-9_.]{3,64}|organizations\/[0-9]+\/roles\/[a-zA-Z0-9_.]{3,64})$/;

export const GkeIdentitySchema = z
  .strictObject({
    mode: z
      .enum(['impersonation', 'directPrincipal'])
      .default('impersonation')
      .describe(
        'impersonation: KSA annotated with a GSA that grants it roles/iam.workloadIdentityUser; directPrincipal: roles granted to the KSA principal itself, no GSA. @default impersonation',
      ),
    serviceAccount: z
      .string()
      .regex(GSA_EMAIL, { message: 'must be a Google service account e-mail: NAME@PROJECT.iam.gserviceaccount.com' })
      .optional()
      .describe('Google service account e-mail (impersonation mode).'),
    create: z.boolean().default(false).describe('Create the Google service account. @default false'),
    displayName: safeText('a display name', 100).optional().describe('Display name of a created Google service account.'),
    roles: z
      .array(z.string().regex(IAM_ROLE, { message: 'must be an IAM role such as roles/storage.objectViewer or projects/P/roles/ID' }))
      .default([])
      .describe('Project-level roles for this identity (for its workloads), granted in rolesProject.'),
    rolesProject: gcpProjectId
      .optional()
      .describe("Project where roles are granted. @default the service account's project (direct principal: the cluster project)"),
    dnsRole: z
      .enum(['admin', 'leastPrivilege'])
      .default('admin')
      .describe(
        'DNS rights for issuers using this identity: roles/dns.admin, or a custom role with only the permissions cert-manager calls. Granted on the managed zone when the issuer names it. @default admin',
      ),
    configConnector: z
      .strictObject({
        namespace: namespaceName.describe('Namespace Config Connector manages the project from.'),
      })
      .optional()
      .describe('Also emit Config Connector objects (IAMServiceAccount, IAMPolicyMember) for the cloud side.'),
  })
  .describe('GKE Workload Identity Federation.');

export type GkeIdentity = z.output<typeof GkeIdentitySchema>;

function gkeCluster(ctx: MethodContext): GkeCluster {
  // check() has rejected specs without cluster.gke before any emitter runs.
  return ctx.model.cluster.gke as GkeCluster;
}

function issuersOf(identity: Identity, ctx: MethodContext): IssuerModel[] {
  return (ctx.model.certManager?.issuers ?? []).filter((i) => i.identity === identity);
}

/** The IAM member(s) that receive this identity's roles. */
function grantees(identity: Identity<GkeIdentity>, ctx: MethodContext): string[] {
  const cluster = gkeCluster(ctx);
  if (identity.config.mode === 'impersonation') return [`serviceAccount:${identity.config.serviceAccount}`];
  return identity.bindings.map((b) =>
    ksaPrincipal(cluster.project, cluster.projectNumber as string, b.namespace, b.name),
  );
}

interface DnsGrant {
  readonly project: string;
  readonly zone?: string;
}

function dnsGrants(identity: Identity, ctx: MethodContext): DnsGrant[] {
  const seen = new Map<string, DnsGrant>();
  for (const issuer of issuersOf(identity, ctx)) {
    const dns = issuer.dns01.cloudDNS;
    if (!dns) continue;
    const grant: DnsGrant = dns.hostedZoneName ? { project: dns.project, zone: dns.hostedZoneName } : { project: dns.project };
    seen.set(`${grant.project}/${grant.zone ?? ''}`, grant);
  }
  return [...seen.values()];
}

function customRoleId(identity: Identity): string {
  return `wigen_dns01_${identity.name.replace(/-/g, '_')}`;
}

function customRolePermissions(identity: Identity, ctx: MethodContext): string[] {
  const needsLookup = dnsGrants(identity, ctx).some((g) => g.zone === undefined);
  return [...CLOUD_DNS_SOLVER_PERMISSIONS, ...(needsLookup ? [CLOUD_DNS_ZONE_LOOKUP_PERMISSION] : [])].sort();
}

function dnsRole(identity: Identity<GkeIdentity>, grant: DnsGrant): string {
  return identity.config.dnsRole === 'admin' ? 'roles/dns.admin' : `projects/${grant.project}/roles/${customRoleId(identity)}`;
}

function rolesProject(identity: Identity<GkeIdentity>, ctx: MethodContext): string {
  const own = identity.config.serviceAccount ? parseGsaEmail(identity.config.serviceAccount)?.project : undefined;
  return identity.config.rolesProject ?? own ?? gkeCluster(ctx).project;
}

function gcloudSection(identity: Identity<GkeIdentity>, ctx: MethodContext): string[] {
  const cfg = identity.config;
  const cluster = gkeCluster(ctx);
  const lines: string[] = [];
  if (cfg.mode === 'impersonation') {
    const email = cfg.serviceAccount as string;
    const { accountId, project } = parseGsaEmail(email) as { accountId: string; project: string };
    if (cfg.create) {
      lines.push(
        unless(
          command('gcloud', 'iam', 'service-accounts', 'describe', email, '--project', project),
          command(
            'gcloud', 'iam', 'service-accounts', 'create', accountId, '--project', project,
            '--display-name', cfg.displayName ?? `wi-gen ${identity.name}`,
          ),
        ),
      );
    }
    for (const b of identity.bindings) {
      lines.push(
        command(
          'gcloud', 'iam', 'service-accounts', 'add-iam-policy-binding', email, '--project', project,
          '--role', 'roles/iam.workloadIdentityUser', '--member', ksaMember(cluster.project, b.namespace, b.name),
        ),
      );
    }
  }
  const grants = dnsGrants(identity, ctx);
  if (cfg.dnsRole === 'leastPrivilege') {
    for (const project of [...new Set(grants.map((g) => g.project))]) {
      lines.push(
        unless(
          command('gcloud', 'iam', 'roles', 'describe', customRoleId(identity), '--project', project),
          command(
            'gcloud', 'iam', 'roles', 'create', customRoleId(identity), '--project', project,
            '--title', `cert-manager DNS-01 (${identity.name})`, '--stage', 'GA',
            '--permissions', customRolePermissions(identity, ctx).join(','),
          ),
        ),
      );
    }
  }
  for (const member of grantees(identity, ctx)) {
    for (const grant of grants) {
      lines.push(
        grant.zone
          ? command(
              'gcloud', 'dns', 'managed-zones', 'add-iam-policy-binding', grant.zone, '--project', grant.project,
              '--role', dnsRole(identity, grant), '--member', member,
            )
          : command(
              'gcloud', 'projects', 'add-iam-policy-binding', grant.project, '--role', dnsRole(identity, grant),
              '--member', member, '--condition', 'None',
            ),
      );
    }
    for (const role of cfg.roles) {
      lines.push(
        command(
          'gcloud', 'projects', 'add-iam-policy-binding', rolesProject(identity, ctx), '--role', role,
          '--member', member, '--condition', 'None',
        ),
      );
    }
  }
  return lines;
}

function terraformBlocks(identity: Identity<GkeIdentity>, ctx: MethodContext): HclBlock[] {
  const cfg = identity.config;
  const cluster = gkeCluster(ctx);
  const blocks: HclBlock[] = [];
  const id = tfName(identity.name);
  let memberExpr: (member: string) => HclBodyItem = (m) => attr('member', m);
  if (cfg.mode === 'impersonation') {
    const email = cfg.serviceAccount as string;
    const { accountId, project } = parseGsaEmail(email) as { accountId: string; project: string };
    let serviceAccountId: string | ReturnType<typeof expr> = `projects/${project}/serviceAccounts/${email}`;
    if (cfg.create) {
      blocks.push(
        block('resource', ['google_service_account', id], [
          attr('project', project),
          attr('account_id', accountId),
          attr('display_name', cfg.displayName ?? `wi-gen ${identity.name}`),
        ]),
      );
      serviceAccountId = expr(`google_service_account.${id}.name`);
      memberExpr = () => attr('member', expr(`google_service_account.${id}.member`));
    }
    for (const b of identity.bindings) {
      blocks.push(
        block('resource', ['google_service_account_iam_member', tfName(identity.name, b.namespace, b.name)], [
          attr('service_account_id', serviceAccountId),
          attr('role', 'roles/iam.workloadIdentityUser'),
          attr('member', ksaMember(cluster.project, b.namespace, b.name)),
        ]),
      );
    }
  }
  const grants = dnsGrants(identity, ctx);
  const roleExpr = (grant: DnsGrant): string | ReturnType<typeof expr> =>
    cfg.dnsRole === 'admin' ? 'roles/dns.admin' : expr(`google_project_iam_custom_role.${tfName(identity.name, grant.project)}.name`);
  if (cfg.dnsRole === 'leastPrivilege') {
    for (const project of [...new Set(grants.map((g) => g.project))]) {
      blocks.push(
        block('resource', ['google_project_iam_custom_role', tfName(identity.name, project)], [
          attr('project', project),
          attr('role_id', customRoleId(identity)),
          attr('title', `cert-manager DNS-01 (${identity.name})`),
          attr('permissions', customRolePermissions(identity, ctx)),
        ]),
      );
    }
  }
  const members = grantees(identity, ctx);
  members.forEach((member, index) => {
    const who = cfg.mode === 'impersonation' ? [] : [(identity.bindings[index] as ServiceAccountBinding).namespace, (identity.bindings[index] as ServiceAccountBinding).name];
    for (const grant of grants) {
      blocks.push(
        grant.zone
          ? block('resource', ['google_dns_managed_zone_iam_member', tfName(identity.name, ...who, 'dns', grant.zone)], [
              attr('project', grant.project),
              attr('managed_zone', grant.zone),
              attr('role', roleExpr(grant)),
              memberExpr(member),
            ])
          : block('resource', ['google_project_iam_member', tfName(identity.name, ...who, 'dns', grant.project)], [
              attr('project', grant.project),
              attr('role', roleExpr(grant)),
              memberExpr(member),
            ]),
      );
    }
    for (const role of cfg.roles) {
      blocks.push(
        block('resource', ['google_project_iam_member', tfName(identity.name, ...who, role.replace(/^.*roles\//, ''))], [
          attr('project', rolesProject(identity, ctx)),
          attr('role', role),
          memberExpr(member),
        ]),
      );
    }
  });
  return blocks;
}

function configConnectorObjects(identity: Identity<GkeIdentity>, ctx: MethodContext): CloudObjects | undefined {
  const cfg = identity.config;
  if (!cfg.configConnector) return undefined;
  const namespace = cfg.configConnector.namespace;
  const cluster = gkeCluster(ctx);
  const objects: Record<string, unknown>[] = [];
  const gsaRef = (): Record<string, unknown> =>
    cfg.create
      ? { kind: 'IAMServiceAccount', name: identity.name }
      : { kind: 'IAMServiceAccount', external: `projects/${parseGsaEmail(cfg.serviceAccount as string)?.project}/serviceAccounts/${cfg.serviceAccount}` };
  const policyMember = (name: string, spec: Record<string, unknown>) =>
    objects.push({ apiVersion: 'iam.cnrm.cloud.google.com/v1beta1', kind: 'IAMPolicyMember', metadata: { name, namespace }, spec });
  if (cfg.mode === 'impersonation') {
    const { accountId, project } = parseGsaEmail(cfg.serviceAccount as string) as { accountId: string; project: string };
    if (cfg.create) {
      objects.push({
        apiVersion: 'iam.cnrm.cloud.google.com/v1beta1',
        kind: 'IAMServiceAccount',
        metadata: { name: identity.name, namespace, annotations: { 'cnrm.cloud.google.com/project-id': project } },
        spec: { displayName: cfg.displayName ?? `wi-gen ${identity.name}`, resourceID: accountId },
      });
    }
    for (const b of identity.bindings) {
      policyMember(`${identity.name}-wi-${b.namespace}-${b.name}`.slice(0, 253), {
        resourceRef: gsaRef(),
        role: 'roles/iam.workloadIdentityUser',
        member: ksaMember(cluster.project, b.namespace, b.name),
      });
    }
  }
  const members = grantees(identity, ctx);
  const grants = dnsGrants(identity, ctx);
  members.forEach((member, index) => {
    const memberField =
      cfg.mode === 'impersonation' && cfg.create ? { memberFrom: { serviceAccountRef: { name: identity.name } } } : { member };
    const suffix = cfg.mode === 'impersonation' ? '' : `-${index}`;
    for (const grant of grants) {
      policyMember(`${identity.name}-dns-${grant.zone ?? grant.project}${suffix}`, {
        resourceRef: grant.zone ? { kind: 'DNSManagedZone', external: `projects/${grant.project}/managedZones/${grant.zone}` } : { kind: 'Project', external: `projects/${grant.project}` },
        role: dnsRole(identity, grant),
        ...memberField,
      });
    }
    cfg.roles.forEach((role, r) => {
      policyMember(`${identity.name}-role-${r}${suffix}`, {
        resourceRef: { kind: 'Project', external: `projects/${rolesProject(identity, ctx)}` },
        role,
        ...memberField,
      });
    });
  });
  return { file: `config-connector/${identity.name}.yaml`, objects };
}

function check(identity: Identity<GkeIdentity>, ctx: CheckContext): void {
  const cluster = ctx.model.cluster.gke;
  const cfg = identity.config;
  const at = [...identity.path, 'gke'];
  if (!cluster) {
    ctx.diagnostics.error(['cluster'], `identity "${identity.name}" uses gke, which needs a cluster.gke block`);
    return;
  }
  if (cfg.mode === 'impersonation') {
    if (!cfg.serviceAccount) ctx.diagnostics.error(at, 'impersonation mode needs serviceAccount (NAME@PROJECT.iam.gserviceaccount.com)');
  } else {
    for (const key of ['serviceAccount', 'displayName'] as const) {
      if (cfg[key] !== undefined) ctx.diagnostics.error([...at, key], 'directPrincipal mode uses no Google service account; remove this');
    }
    if (cfg.create) ctx.diagnostics.error([...at, 'create'], 'directPrincipal mode uses no Google service account; remove this');
    if (!cluster.projectNumber) {
      ctx.diagnostics.error([...at, 'mode'], 'directPrincipal mode needs cluster.gke.projectNumber for the principal:// members');
    }
  }
  if (cluster.autopilot && cluster.metadataServerNodeSelector) {
    ctx.diagnostics.error(
      ['cluster', 'gke', 'metadataServerNodeSelector'],
      'Autopilot rejects the iam.gke.io/gke-metadata-server-enabled nodeSelector; remove it (every Autopilot node runs the metadata server)',
    );
  }
}

export const gke = defineMethod<GkeIdentity>({
  key: 'gke',
  description: 'GKE Workload Identity Federation: a KSA impersonates a Google service account, or is granted roles directly.',
  cloud: 'gcp',
  schema: GkeIdentitySchema,
  dnsProvider: 'cloudDNS',
  ambient: () => true,
  bindsCertManagerServiceAccount: () => true,
  check,

  serviceAccountMetadata(binding) {
    const cfg = binding.identity.config as GkeIdentity;
    return cfg.mode === 'impersonation' ? { annotations: { [GKE_GSA_ANNOTATION]: cfg.serviceAccount as string } } : {};
  },

  podTemplate(_binding, ctx) {
    const cluster = gkeCluster(ctx);
    return cluster.metadataServerNodeSelector && !cluster.autopilot ? { nodeSelector: { [GKE_METADATA_NODE_LABEL]: 'true' } } : {};
  },

  certManagerSettings(_identity, ctx) {
    // Autopilot forbids writes in kube-system, where cert-manager keeps its leader-election leases.
    const namespace = ctx.model.certManager?.namespace;
    return gkeCluster(ctx).autopilot && namespace ? { leaderElectionNamespace: namespace } : {};
  },

  dns01Solver(issuer) {
    const dns = issuer.dns01.cloudDNS as NonNullable<IssuerModel['dns01']['cloudDNS']>;
    // No serviceAccountSecretRef: its absence is what makes cert-manager use Workload Identity.
    return { cloudDNS: { project: dns.project, ...(dns.hostedZoneName ? { hostedZoneName: dns.hostedZoneName } : {}) } };
  },

  cloudPlan(identity, ctx) {
    const kcc = configConnectorObjects(identity, ctx);
    return {
      scripts: [
        {
          file: 'gcloud.sh',
          title: `identity ${identity.name}: GKE Workload Identity (${identity.config.mode === 'impersonation' ? `impersonating ${identity.config.serviceAccount}` : 'direct principal'})`,
          lines: gcloudSection(identity, ctx),
        },
      ],
      terraform: [
        {
          file: `gke-${identity.name}.tf`,
          providers: { google: { source: 'hashicorp/google', version: '>= 5.12.0, < 8' } },
          blocks: terraformBlocks(identity, ctx),
        },
      ],
      ...(kcc ? { objects: [kcc] } : {}),
    };
  },

  readme(identity, ctx) {
    const cluster = gkeCluster(ctx);
    const cfg = identity.config;
    const verify = identity.bindings.map((b) => {
      const overrides: Record<string, unknown> = { spec: { serviceAccountName: b.name } };
      if (cluster.metadataServerNodeSelector && !cluster.autopilot) {
        (overrides.spec as Record<string, unknown>).nodeSelector = { [GKE_METADATA_NODE_LABEL]: 'true' };
      }
      const expected = cfg.mode === 'impersonation' ? `\`${cfg.serviceAccount}\`` : `the federated principal of \`${b.namespace}/${b.name}\``;
      return [
        `\`${b.namespace}/${b.name}\` should authenticate as ${expected}:`,
        '',
        '```sh',
        `kubectl run -n ${shellQuote(b.namespace)} wi-gen-check-${shellQuote(identity.name)} --rm -i --restart=Never --image=google/cloud-sdk:slim \\`,
        `  --overrides='${JSON.stringify(overrides)}' -- gcloud auth list`,
        '```',
        '',
        `A broken binding lists \`${cluster.project}.svc.id.goog\` instead of the service account, and API calls fail with 403 from the metadata server: check the annotation on the ServiceAccount and the \`roles/iam.workloadIdentityUser\` member on the Google service account.`,
      ].join('\n');
    });
    return {
      prerequisites: [
        `Workload Identity is enabled on cluster \`${ctx.model.cluster.name}\` (workload pool \`${cluster.project}.svc.id.goog\`)${cluster.autopilot ? ' (always on with Autopilot)' : ' and its node pools run with `--workload-metadata=GKE_METADATA`'}.`,
      ],
      verify,
    };
  },
});
