/**
 * Shell steps that remove one recorded grant: each looks before it deletes, so a prune or
 * teardown script is safe to re-run and never fails on what is already gone. Commands are built
 * with the scripts' own quoting (`format/shell.ts`).
 */
import { command, shellQuote, shellVar } from '../format/shell.js';
import type { AzurePrincipal, CloudGrant, GcpIamResource } from '../model/cloud-grant.js';
import { DNS_ZONE_IAM_MEMBER, DNS_ZONE_IAM_MEMBER_FUNCTION } from '../methods/shared/gcloud-script.js';
import { roleDefinitionFilter } from '../methods/shared/azure-common.js';

/** Shell functions the removal steps of these grants call, defined once at the top of a script. */
export function removalHelpers(grants: readonly CloudGrant[]): string[] {
  return grants.some((g) => g.kind === 'gcp-iam-binding' && g.resource.type === 'managedZone') ? [DNS_ZONE_IAM_MEMBER_FUNCTION] : [];
}

const indent = (text: string): string => `  ${text.replaceAll('\n', '\n  ')}`;

/** `if PROBE >/dev/null 2>&1; then ACTION; fi`: act only on what exists. */
function whenExists(probe: string, ...actions: string[]): string {
  return `if ${probe} >/dev/null 2>&1; then\n${actions.map(indent).join('\n')}\nfi`;
}

/** `if [ -n "$(QUERY)" ]; then ACTION; fi`: act only when a list query finds something. */
function whenFound(query: string, ...actions: string[]): string {
  return `if [ -n "$(${query.replaceAll('\n', '\n  ')})" ]; then\n${actions.map(indent).join('\n')}\nfi`;
}

const gcpFilter = (role: string, member: string): string => `bindings.role="${role}" AND bindings.members="${member}"`;

/** Lists ROLE for MEMBER in the policy of a service account or project (their get-iam-policy takes --filter). */
function gcpPolicyQuery(r: Exclude<GcpIamResource, { type: 'managedZone' }>, role: string, member: string): string {
  const flatten = ['--flatten', 'bindings[].members', '--filter', gcpFilter(role, member), '--format', 'value(bindings.role)'];
  if (r.type === 'serviceAccount') return command('gcloud', 'iam', 'service-accounts', 'get-iam-policy', r.email, '--project', r.project, ...flatten);
  return command('gcloud', 'projects', 'get-iam-policy', r.project, ...flatten);
}

function gcpBindingRemoval(g: Extract<CloudGrant, { kind: 'gcp-iam-binding' }>): string {
  const r = g.resource;
  // dns_zone_iam_member looks before it writes (managed-zones get-iam-policy takes no --filter).
  if (r.type === 'managedZone') return command(DNS_ZONE_IAM_MEMBER, 'remove', r.zone, r.project, g.role, g.member);
  const args = ['--role', g.role, '--member', g.member, '--condition=None'];
  const remove =
    r.type === 'serviceAccount'
      ? command('gcloud', 'iam', 'service-accounts', 'remove-iam-policy-binding', r.email, '--project', r.project, ...args)
      : command('gcloud', 'projects', 'remove-iam-policy-binding', r.project, ...args);
  return whenFound(gcpPolicyQuery(r, g.role, g.member), remove);
}

/** Sets `principal_id` to the principal's object ID, or to empty when it no longer exists. */
function principalLookup(p: AzurePrincipal): string {
  const sub = (s?: string) => (s ? ['--subscription', s] : []);
  switch (p.kind) {
    case 'objectId':
      return `principal_id=${shellQuote(p.id)}`;
    case 'managedIdentity':
      return `principal_id="$(${command('az', 'identity', 'show', ...sub(p.subscription), '--resource-group', p.resourceGroup, '--name', p.name, '--query', 'principalId', '--output', 'tsv')} 2>/dev/null || true)"`;
    case 'managedIdentityId':
      return `principal_id="$(${command('az', 'identity', 'show', '--ids', p.id, '--query', 'principalId', '--output', 'tsv')} 2>/dev/null || true)"`;
    case 'aksKubelet':
      return `principal_id="$(${command('az', 'aks', 'show', ...sub(p.subscription), '--resource-group', p.resourceGroup, '--name', p.cluster, '--query', 'identityProfile.kubeletidentity.objectId', '--output', 'tsv')} 2>/dev/null || true)"`;
    case 'servicePrincipal':
      return `principal_id="$(${command('az', 'ad', 'sp', 'show', '--id', p.appId, '--query', 'id', '--output', 'tsv')} 2>/dev/null || true)"`;
  }
}

/** The steps that remove one grant (or resource), idempotently. */
export function removalSteps(g: CloudGrant): string[] {
  switch (g.kind) {
    case 'gcp-iam-binding':
      return [`# ${g.role} for ${g.member}`, gcpBindingRemoval(g)];
    case 'gcp-custom-role':
      // A deleted custom role stays describable (deleted: True) for 7 days: only a live one is deleted.
      return [
        `# custom role ${g.roleId} in ${g.project}`,
        `if role_deleted="$(${command('gcloud', 'iam', 'roles', 'describe', g.roleId, '--project', g.project, '--format', 'value(deleted)')} 2>/dev/null)" && [ "$role_deleted" != True ]; then`,
        indent(command('gcloud', 'iam', 'roles', 'delete', g.roleId, '--project', g.project, '--quiet')),
        'fi',
      ];
    case 'gcp-service-account':
      return [
        `# service account ${g.email}`,
        whenExists(command('gcloud', 'iam', 'service-accounts', 'describe', g.email, '--project', g.project), command('gcloud', 'iam', 'service-accounts', 'delete', g.email, '--project', g.project, '--quiet')),
      ];
    case 'azure-role-assignment': {
      // Matched by principal and role definition ID in the query, deleted by assignment ID: az's
      // --role GUID resolves in the signed-in subscription, not the scope's (az 2.45 _resolve_role_id).
      const list = command('az', 'role', 'assignment', 'list', '--scope', g.scope, '--query', 'QUERY', '--output', 'tsv').replace(
        'QUERY',
        `"[?principalId=='$principal_id' && ${roleDefinitionFilter(g.role)}].id"`,
      );
      return [
        `# ${g.roleName ?? `role ${g.role}`} on ${g.scope}`,
        principalLookup(g.principal),
        'if [ -n "$principal_id" ]; then',
        `  for assignment in $(${list.replaceAll('\n', '\n  ')}); do`,
        `    ${command('az', 'role', 'assignment', 'delete', '--ids', shellVar('assignment'))}`,
        '  done',
        'fi',
      ];
    }
    case 'azure-federated-credential': {
      const where = [...(g.subscription ? ['--subscription', g.subscription] : []), '--resource-group', g.resourceGroup, '--identity-name', g.identityName];
      // By issuer and subject, not by name: the create step reuses a credential made under another name.
      const query = `[?issuer=='${g.issuer}' && subject=='${g.subject}'].name`;
      return [
        `# federated credential of ${g.identityName} for ${g.subject}`,
        `for credential in $(${command('az', 'identity', 'federated-credential', 'list', ...where, '--query', query, '--output', 'tsv')} 2>/dev/null || true); do`,
        indent(command('az', 'identity', 'federated-credential', 'delete', ...where, '--name', shellVar('credential'), '--yes')),
        'done',
      ];
    }
    case 'azure-identity': {
      const where = [...(g.subscription ? ['--subscription', g.subscription] : []), '--resource-group', g.resourceGroup, '--name', g.name];
      return [`# managed identity ${g.name}`, whenExists(command('az', 'identity', 'show', ...where), command('az', 'identity', 'delete', ...where))];
    }
    case 'aws-pod-identity-association':
      return [
        `# Pod Identity association ${g.namespace}/${g.serviceAccount}`,
        `association_id="$(${command('aws', 'eks', 'list-pod-identity-associations', '--region', g.region, '--cluster-name', g.cluster, '--namespace', g.namespace, '--service-account', g.serviceAccount, '--query', 'associations[0].associationId', '--output', 'text')})"`,
        'if [ "$association_id" != None ] && [ -n "$association_id" ]; then',
        indent(command('aws', 'eks', 'delete-pod-identity-association', '--region', g.region, '--cluster-name', g.cluster, '--association-id', shellVar('association_id'))),
        'fi',
      ];
    case 'aws-trust-subject':
      // aws.sh owns the whole trust policy and rewrites it without this subject; prune checks it did.
      return [
        `# trust of role ${g.role} for ${g.subject}: cloud/aws.sh rewrites the trust policy without it`,
        `if ${command('aws', 'iam', 'get-role', '--role-name', g.role, '--query', 'Role.AssumeRolePolicyDocument', '--output', 'json')} 2>/dev/null | grep -q ${shellQuote(`"${g.subject}"`)}; then`,
        `  echo ${shellQuote(`wi-gen: role ${g.role} still trusts ${g.subject}: run cloud/aws.sh first, then this script again`)} >&2`,
        '  exit 1',
        'fi',
      ];
    case 'aws-role': {
      const steps = [
        ...g.inlinePolicies.map((p) => whenExists(command('aws', 'iam', 'get-role-policy', '--role-name', g.name, '--policy-name', p), command('aws', 'iam', 'delete-role-policy', '--role-name', g.name, '--policy-name', p))),
        ...g.policyArns.map((arn) => whenFound(
          command('aws', 'iam', 'list-attached-role-policies', '--role-name', g.name, '--query', `AttachedPolicies[?PolicyArn=='${arn}'].PolicyArn`, '--output', 'text'),
          command('aws', 'iam', 'detach-role-policy', '--role-name', g.name, '--policy-arn', arn),
        )),
      ];
      if (g.owned) steps.push(command('aws', 'iam', 'delete-role', '--role-name', g.name));
      else steps.push(`echo ${shellQuote(`wi-gen: role ${g.name} is not wi-gen's (create: false): it is kept, and its trust policy still names the ServiceAccounts it served; edit it by hand`)} >&2`);
      return [`# role ${g.name}`, whenExists(command('aws', 'iam', 'get-role', '--role-name', g.name), ...steps)];
    }
    case 'vault-kubernetes-role':
      return [`# Vault Kubernetes auth role ${g.name}`, whenExists(command('vault', 'read', `auth/${g.mount}/role/${g.name}`), command('vault', 'delete', `auth/${g.mount}/role/${g.name}`))];
    case 'vault-azure-role':
      return [`# Vault Azure secrets role ${g.name}`, whenExists(command('vault', 'read', `${g.mount}/roles/${g.name}`), command('vault', 'delete', `${g.mount}/roles/${g.name}`))];
    case 'vault-policy':
      return [`# Vault policy ${g.name}`, whenExists(command('vault', 'policy', 'read', g.name), command('vault', 'policy', 'delete', g.name))];
    case 'cloud-object':
      return [kubectlDelete(g)];
  }
}

/** `kubectl delete` of a controller object, for the README (the scripts use cloud CLIs only). */
export function kubectlDelete(g: Extract<CloudGrant, { kind: 'cloud-object' }>): string {
  const group = g.apiVersion.includes('/') ? `.${g.apiVersion.split('/')[0]}` : '';
  return command('kubectl', 'delete', `${g.objectKind.toLowerCase()}${group}`, g.name, ...(g.namespace ? ['-n', g.namespace] : []), '--ignore-not-found');
}
