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
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { gcpProjectId, namespaceName, safeText } from '../schema/common.js';
import type { GkeCluster } from '../schema/cluster.js';
import type { Identity, IssuerModel, ServiceAccountBinding } from '../model/model.js';
import { attr, block, expr, type HclBlock, type HclBodyItem } from '../format/hcl.js';
import { command, shellQuote, unless } from '../format/shell.js';
import { tfName } from '../format/names.js';
import { defineMethod, type CheckContext, type CloudObjects, type MethodContext } from '../model/method.js';
import type { CloudGrant, GcpIamResource } from '../model/cloud-grant.js';
import {
  CLOUD_DNS_SOLVER_PERMISSIONS,
  CLOUD_DNS_ZONE_LOOKUP_PERMISSION,
  GKE_GSA_ANNOTATION,
  GKE_METADATA_NODE_LABEL,
  GSA_EMAIL,
  ksaMember,
  ksaPrincipal,
  parseGsaEmail,
  workloadPool,
} from './names/gcp.js';
import { DNS_ZONE_IAM_MEMBER, DNS_ZONE_IAM_MEMBER_FUNCTION, RETRY_IAM, RETRY_IAM_FUNCTION } from './shared/gcloud-script.js';

const IAM_ROLE = /^(roles\/[a-zA-Z0-9_.]+|projects\/[a-z][-a-z0-9]{4,28}[a-z0-9]\/roles\/[a-zA-Z0-9_.]{3,64}|organizations\/[0-9]+\/roles\/[a-zA-Z0-9_.]{3,64})$/;

const GkeIdentitySchema = () => z
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
    rolesProject: gcpProjectId()
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
        namespace: namespaceName().describe('Namespace Config Connector manages the project from.'),
      })
      .optional()
      .describe('Also emit Config Connector objects (IAMServiceAccount, IAMPolicyMember) for the cloud side.'),
  })
  .describe('GKE Workload Identity Federation.');

export type GkeIdentity = z.output<ReturnType<typeof GkeIdentitySchema>>;

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

/** IAM custom role IDs: `[a-zA-Z0-9_.]{3,64}`. @see https://cloud.google.com/iam/docs/reference/rest/v1/projects.roles/create */
export const CUSTOM_ROLE_ID = /^[a-zA-Z0-9_.]{3,64}$/;

/**
 * `wigen_dns01_<identity>` (identity names are DNS labels, so `-` → `_` loses nothing). An ID over
 * 64 characters keeps its head and ends in a hash of the whole, so it stays unique and stable.
 */
export function customRoleId(identityName: string): string {
  const full = `wigen_dns01_${identityName.replace(/-/g, '_')}`;
  if (full.length <= 64) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 10);
  return `${full.slice(0, 53)}_${hash}`;
}

const customRoleTitle = (identity: Identity): string => `cert-manager DNS-01 (${identity.name})`;

function customRolePermissions(identity: Identity, ctx: MethodContext): string[] {
  const needsLookup = dnsGrants(identity, ctx).some((g) => g.zone === undefined);
  return [...CLOUD_DNS_SOLVER_PERMISSIONS, ...(needsLookup ? [CLOUD_DNS_ZONE_LOOKUP_PERMISSION] : [])].sort();
}

function dnsRole(identity: Identity<GkeIdentity>, grant: DnsGrant): string {
  return identity.config.dnsRole === 'admin' ? 'roles/dns.admin' : `projects/${grant.project}/roles/${customRoleId(identity.name)}`;
}

function rolesProject(identity: Identity<GkeIdentity>, ctx: MethodContext): string {
  const own = identity.config.serviceAccount ? parseGsaEmail(identity.config.serviceAccount)?.project : undefined;
  return identity.config.rolesProject ?? own ?? gkeCluster(ctx).project;
}

function gcloudSection(identity: Identity<GkeIdentity>, ctx: MethodContext): { lines: string[]; helpers: string[] } {
  const cfg = identity.config;
  const cluster = gkeCluster(ctx);
  const lines: string[] = [];
  const helpers = new Set<string>();
  // A binding that names a service account or role this script just created can race IAM's
  // propagation: run it through retry_iam. Re-running an add-binding is harmless.
  const afterCreate = (created: boolean, ...argv: string[]): string => {
    if (!created) return command(...argv);
    helpers.add(RETRY_IAM_FUNCTION);
    return command(RETRY_IAM, ...argv);
  };
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
        // --condition=None: without it gcloud prompts (or, without a terminal, fails) when the
        // policy already holds conditional bindings.
        afterCreate(
          cfg.create,
          'gcloud', 'iam', 'service-accounts', 'add-iam-policy-binding', email, '--project', project,
          '--role', 'roles/iam.workloadIdentityUser', '--member', ksaMember(cluster.project, b.namespace, b.name),
          '--condition', 'None',
        ),
      );
    }
  }
  const grants = dnsGrants(identity, ctx);
  const leastPrivilege = cfg.dnsRole === 'leastPrivilege';
  if (leastPrivilege) {
    for (const project of [...new Set(grants.map((g) => g.project))]) {
      const roleId = customRoleId(identity.name);
      const roleFlags = [
        '--title', customRoleTitle(identity), '--stage', 'GA', '--permissions', customRolePermissions(identity, ctx).join(','),
      ];
      const describe = command('gcloud', 'iam', 'roles', 'describe', roleId, '--project', project);
      lines.push(
        [
          `if ! ${describe} >/dev/null 2>&1; then`,
          `  ${command('gcloud', 'iam', 'roles', 'create', roleId, '--project', project, ...roleFlags).replaceAll('\n', '\n  ')}`,
          'else',
          '  # Deleted in the last 7 days: only soft-deleted, and create would fail on the taken ID.',
          `  if [ "$(${command('gcloud', 'iam', 'roles', 'describe', roleId, '--project', project, '--format', 'value(deleted)')})" = True ]; then`,
          `    ${command('gcloud', 'iam', 'roles', 'undelete', roleId, '--project', project)} >/dev/null`,
          '  fi',
          '  # Converge a role an earlier run (or a person) left with other permissions.',
          `  ${command('gcloud', 'iam', 'roles', 'update', roleId, '--project', project, ...roleFlags).replaceAll('\n', '\n  ')} >/dev/null`,
          'fi',
        ].join('\n'),
      );
    }
  }
  for (const member of grantees(identity, ctx)) {
    for (const grant of grants) {
      if (grant.zone) {
        helpers.add(DNS_ZONE_IAM_MEMBER_FUNCTION);
        lines.push(
          afterCreate(cfg.create || leastPrivilege, DNS_ZONE_IAM_MEMBER, 'add', grant.zone, grant.project, dnsRole(identity, grant), member),
        );
      } else {
        lines.push(
          afterCreate(
            cfg.create || leastPrivilege,
            'gcloud', 'projects', 'add-iam-policy-binding', grant.project, '--role', dnsRole(identity, grant),
            '--member', member, '--condition', 'None',
          ),
        );
      }
    }
    for (const role of cfg.roles) {
      lines.push(
        afterCreate(
          cfg.create,
          'gcloud', 'projects', 'add-iam-policy-binding', rolesProject(identity, ctx), '--role', role,
          '--member', member, '--condition', 'None',
        ),
      );
    }
  }
  // retry_iam before the zone helper: a fixed order keeps the script's bytes deterministic.
  return { lines, helpers: [RETRY_IAM_FUNCTION, DNS_ZONE_IAM_MEMBER_FUNCTION].filter((h) => helpers.has(h)) };
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
          attr('role_id', customRoleId(identity.name)),
          attr('title', customRoleTitle(identity)),
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
          ? // The project is part of the name: one zone name can exist in several projects.
            block('resource', ['google_dns_managed_zone_iam_member', tfName(identity.name, ...who, 'dns', grant.project, grant.zone)], [
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
    // One member per distinct role; the role ID keeps the address short unless a predefined and a custom
    // role share it (roles/x and projects/P/roles/x): then the whole role names it.
    const roles = [...new Set(cfg.roles)];
    const roleId = (role: string) => role.replace(/^.*roles\//, '');
    for (const role of roles) {
      const clash = roles.some((other) => other !== role && roleId(other) === roleId(role));
      blocks.push(
        block('resource', ['google_project_iam_member', tfName(identity.name, ...who, clash ? role : roleId(role))], [
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
  if (cfg.dnsRole === 'leastPrivilege') {
    // The custom role the DNS grants below name; Config Connector creates it (and keeps its
    // permissions in step) like any other resource.
    for (const project of [...new Set(grants.map((g) => g.project))]) {
      objects.push({
        apiVersion: 'iam.cnrm.cloud.google.com/v1beta1',
        kind: 'IAMCustomRole',
        metadata: { name: `${identity.name}-dns01-${project}`, namespace, annotations: { 'cnrm.cloud.google.com/project-id': project } },
        spec: {
          resourceID: customRoleId(identity.name),
          title: customRoleTitle(identity),
          stage: 'GA',
          permissions: customRolePermissions(identity, ctx),
        },
      });
    }
  }
  members.forEach((member, index) => {
    const memberField =
      cfg.mode === 'impersonation' && cfg.create ? { memberFrom: { serviceAccountRef: { name: identity.name } } } : { member };
    const suffix = cfg.mode === 'impersonation' ? '' : `-${index}`;
    for (const grant of grants) {
      // Zone grants carry their project too (one zone name can exist in several projects); the
      // dot cannot occur in a project ID, so a zone grant never takes a project grant's name.
      policyMember(`${identity.name}-dns-${grant.zone ? `${grant.project}.${grant.zone}` : grant.project}${suffix}`, {
        // DNSManagedZone's idTemplate in Config Connector's servicemappings/dns.yaml (iamConfig: zone-level IAM member).
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

  cloudGrants,

  cloudPlan(identity, ctx) {
    const kcc = configConnectorObjects(identity, ctx);
    return {
      scripts: [
        {
          title: `identity ${identity.name}: GKE Workload Identity (${identity.config.mode === 'impersonation' ? `impersonating ${identity.config.serviceAccount}` : 'direct principal'})`,
          ...gcloudSection(identity, ctx),
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
    const pool = workloadPool(cluster.project);
    const [zoneGrant] = dnsGrants(identity, ctx);
    const verify = identity.bindings.map((b) => {
      const overrides: Record<string, unknown> = { spec: { serviceAccountName: b.name } };
      if (cluster.metadataServerNodeSelector && !cluster.autopilot) {
        (overrides.spec as Record<string, unknown>).nodeSelector = { [GKE_METADATA_NODE_LABEL]: 'true' };
      }
      const run = (...cmd: string[]) =>
        [
          '```sh',
          `kubectl run -n ${shellQuote(b.namespace)} wi-gen-check-${shellQuote(identity.name)} --rm -i --restart=Never --image=google/cloud-sdk:slim \\`,
          `  --overrides='${JSON.stringify(overrides)}' -- ${cmd.join(' ')}`,
          '```',
        ].join('\n');
      if (cfg.mode === 'impersonation') {
        // gcloud auth list only echoes the annotation; a token for the GSA needs the
        // roles/iam.workloadIdentityUser grant, so that is the call that proves the binding.
        return [
          `\`${b.namespace}/${b.name}\` should get tokens as \`${cfg.serviceAccount}\`: this prints that account, then \`token OK\` (the token itself is discarded):`,
          '',
          run(`sh -c 'gcloud auth list --filter=status:ACTIVE --format="value(account)" && gcloud auth print-access-token >/dev/null && echo token OK'`),
          '',
          `Listing \`${pool}\` instead of the service account means the ServiceAccount lacks the \`${GKE_GSA_ANNOTATION}\` annotation. Listing the service account but failing on the token (for example \`Unable to generate access token; IAM returned 403 Forbidden\`) means the Google service account lacks the \`roles/iam.workloadIdentityUser\` member \`${ksaMember(cluster.project, b.namespace, b.name)}\`.`,
        ].join('\n');
      }
      // Direct principal: every KSA of the pool gets a federated token, so only a call the
      // granted roles allow tells a working binding from a missing grant.
      const probe = zoneGrant
        ? zoneGrant.zone
          ? `gcloud dns record-sets list --zone ${shellQuote(zoneGrant.zone)} --project ${shellQuote(zoneGrant.project)} --limit 1`
          : `gcloud dns managed-zones list --project ${shellQuote(zoneGrant.project)} --limit 1`
        : undefined;
      const principal = ksaPrincipal(cluster.project, cluster.projectNumber as string, b.namespace, b.name);
      const intro = `\`${b.namespace}/${b.name}\` acts as its own federated principal (no Google service account): \`gcloud auth list\` in its pods shows \`${pool}\`, which is correct here.`;
      if (!probe) {
        const roles = cfg.roles.map((r) => `\`${r}\``).join(', ') || 'none yet';
        return `${intro} Any pod gets a token, so prove the grant with a call one of its roles (${roles}) allows, run as this ServiceAccount; a 403 naming \`${principal}\` means the grant is missing.`;
      }
      return [`${intro} A call its DNS grant allows proves the grant:`, '', run(probe), '', `A 403 naming \`${principal}\` means the grant is missing.`].join('\n');
    });
    return {
      prerequisites: [
        `Workload Identity is enabled on cluster \`${ctx.model.cluster.name}\` (workload pool \`${cluster.project}.svc.id.goog\`)${cluster.autopilot ? ' (always on with Autopilot)' : ' and its node pools run with `--workload-metadata=GKE_METADATA`'}.`,
      ],
      verify,
    };
  },
});

/** One IAM grant the cloud half makes, as data: what `wi-gen doctor` looks for in IAM policies. */
export interface GcpIamGrant {
  readonly resource: GcpIamResource;
  readonly role: string;
  readonly member: string;
}

/** Every IAM grant of a GKE identity, from the same functions its gcloud script and Terraform use. */
export function gkeIamGrants(identity: Identity<GkeIdentity>, ctx: MethodContext): GcpIamGrant[] {
  const grants: GcpIamGrant[] = [];
  const cluster = gkeCluster(ctx);
  if (identity.config.mode === 'impersonation') {
    const email = identity.config.serviceAccount as string;
    const { project } = parseGsaEmail(email) as { accountId: string; project: string };
    for (const b of identity.bindings) {
      grants.push({ resource: { type: 'serviceAccount', email, project }, role: 'roles/iam.workloadIdentityUser', member: ksaMember(cluster.project, b.namespace, b.name) });
    }
  }
  for (const member of grantees(identity, ctx)) {
    for (const grant of dnsGrants(identity, ctx)) {
      grants.push({
        resource: grant.zone ? { type: 'managedZone', project: grant.project, zone: grant.zone } : { type: 'project', project: grant.project },
        role: dnsRole(identity, grant),
        member,
      });
    }
    for (const role of identity.config.roles) grants.push({ resource: { type: 'project', project: rolesProject(identity, ctx) }, role, member });
  }
  return grants;
}

/** What gcloud.sh creates and grants, as records for pruning and teardown (src/lifecycle). */
function cloudGrants(identity: Identity<GkeIdentity>, ctx: MethodContext): CloudGrant[] {
  const out: CloudGrant[] = [];
  const cfg = identity.config;
  if (cfg.mode === 'impersonation') {
    const email = cfg.serviceAccount as string;
    const { project } = parseGsaEmail(email) as { accountId: string; project: string };
    out.push({ cli: 'gcloud', kind: 'gcp-service-account', email, project, created: cfg.create });
  }
  if (cfg.dnsRole === 'leastPrivilege') {
    for (const project of [...new Set(dnsGrants(identity, ctx).map((g) => g.project))]) {
      out.push({ cli: 'gcloud', kind: 'gcp-custom-role', project, roleId: customRoleId(identity.name) });
    }
  }
  for (const g of gkeIamGrants(identity, ctx)) out.push({ cli: 'gcloud', kind: 'gcp-iam-binding', resource: g.resource, role: g.role, member: g.member });
  return out;
}
