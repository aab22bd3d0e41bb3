/**
 * Azure links: the AKS OIDC issuer and webhook, the managed identity's client ID, the federated
 * credential (issuer, subject, audience, compared character for character as Entra does), and
 * the role assignments `grantsOf` derives for the scripts, Terraform and ASO alike.
 */
import type { Identity, Model, ServiceAccountBinding } from '../model/model.js';
import type { MethodContext } from '../model/method.js';
import { grantsOf, type AzureGrant, type AzureRole } from '../methods/shared/azure-common.js';
import { AZURE_AD_TOKEN_EXCHANGE, federatedCredentialName, federatedSubject } from '../methods/names/azure.js';
import { shellQuote } from '../format/shell.js';
import type { Facts } from './facts.js';
import { broken, ok, unchecked, type Link } from './link.js';

interface WorkloadIdentityConfig {
  readonly name?: string;
  readonly resourceGroup: string;
  readonly clientID: string;
  readonly principalID?: string;
  readonly roles?: readonly AzureRole[];
}

const aksWhere = (model: Model): string =>
  `-g ${model.cluster.aks?.resourceGroup ?? 'RESOURCE_GROUP'} -n ${model.cluster.name}`;

export function aksClusterLinks(model: Model, facts: Facts, needsWorkloadIdentity: boolean): Link[] {
  const aks = model.cluster.aks;
  if (!aks || !needsWorkloadIdentity) return [];
  const title = `cluster ${model.cluster.name} has the OIDC issuer and workload identity enabled, issuer ${aks.oidcIssuerURL ?? '(spec sets none)'}`;
  const cluster = facts.aksClusters.find((c) => c.name === model.cluster.name) ?? facts.aksClusters[0];
  if (!cluster) return [unchecked('azure.oidc-issuer', title, `az aks show ${aksWhere(model)} -o json`)];
  if (!cluster.oidcEnabled || !cluster.workloadIdentityEnabled) {
    return [broken('azure.oidc-issuer', title, `${cluster.oidcEnabled ? '' : 'OIDC issuer disabled; '}${cluster.workloadIdentityEnabled ? '' : 'workload identity (webhook) disabled'}`.replace(/; $/, ''),
      `az aks update ${aksWhere(model)} --enable-oidc-issuer --enable-workload-identity`)];
  }
  if (aks.oidcIssuerURL && cluster.issuerUrl !== aks.oidcIssuerURL) {
    return [broken('azure.oidc-issuer', title, `the cluster's issuer is ${cluster.issuerUrl}, the spec's ${aks.oidcIssuerURL}`,
      `set cluster.aks.oidcIssuerURL: ${cluster.issuerUrl} in the spec, re-render, and run out/cloud/az.sh`)];
  }
  return [ok('azure.oidc-issuer', title)];
}

/** The principal (object) ID of an identity, from the spec or a dump. */
function principalOf(name: string, configured: string | undefined, facts: Facts): string | undefined {
  return (configured ?? facts.azureIdentities.find((i) => i.name === name)?.principalId)?.toLowerCase();
}

export function workloadIdentityLinks(identity: Identity<WorkloadIdentityConfig>, binding: ServiceAccountBinding, facts: Facts, ctx: MethodContext): Link[] {
  const cfg = identity.config;
  const name = cfg.name ?? identity.name;
  const links: Link[] = [];
  const identityTitle = `managed identity ${name} has client ID ${cfg.clientID}`;
  const found = facts.azureIdentities.find((i) => i.name === name);
  if (!found) links.push(unchecked('azure.identity', identityTitle, `az identity show -g ${cfg.resourceGroup} -n ${name} -o json`));
  else if ((found.clientId ?? '').toLowerCase() !== cfg.clientID.toLowerCase()) {
    links.push(broken('azure.identity', identityTitle, `its client ID is ${found.clientId}`, `set the identity's clientID: ${found.clientId} in the spec and re-render (the ServiceAccount annotation and Issuer carry it)`));
  } else links.push(ok('azure.identity', identityTitle));

  const issuer = ctx.model.cluster.aks?.oidcIssuerURL ?? '';
  const subject = federatedSubject(binding.namespace, binding.name);
  const ficTitle = `federated credential on ${name}: issuer ${issuer}, subject ${subject}, audience ${AZURE_AD_TOKEN_EXCHANGE}`;
  const ficName = federatedCredentialName(ctx.model.cluster.name, binding.namespace, binding.name);
  const create = `az identity federated-credential create --name ${ficName} --identity-name ${name} --resource-group ${cfg.resourceGroup} --issuer ${shellQuote(issuer)} --subject ${shellQuote(subject)} --audiences ${AZURE_AD_TOKEN_EXCHANGE}`;
  if (!facts.federatedCredentialsSeen) {
    links.push(unchecked('azure.federated-credential', ficTitle, `az identity federated-credential list --identity-name ${name} --resource-group ${cfg.resourceGroup} -o json`));
  } else {
    const onIdentity = facts.federatedCredentials.filter((f) => f.identityName === undefined || f.identityName === name);
    const elsewhereOnly = onIdentity.length === 0 && !facts.federatedCredentials.some((f) => f.subject === subject && f.issuer === issuer);
    // `az identity federated-credential list` is per identity: other identities' lists say nothing of this one.
    if (elsewhereOnly) {
      links.push(unchecked('azure.federated-credential', ficTitle, `az identity federated-credential list --identity-name ${name} --resource-group ${cfg.resourceGroup} -o json`));
      links.push(...roleLinks(grantsOf(identity, cfg.roles ?? [], ctx), principalOf(name, cfg.principalID, facts), `az identity show -g ${cfg.resourceGroup} -n ${name} -o json`, facts));
      return links;
    }
    const exact = onIdentity.find((f) => f.issuer === issuer && f.subject === subject && f.audiences.includes(AZURE_AD_TOKEN_EXCHANGE));
    if (exact) links.push(ok('azure.federated-credential', ficTitle));
    else {
      const sameSubject = onIdentity.find((f) => f.subject === subject);
      const elsewhere = facts.federatedCredentials.find((f) => f.identityName !== undefined && f.identityName !== name && f.subject === subject && f.issuer === issuer);
      const sameSa = onIdentity.find((f) => f.subject.endsWith(`:${binding.name}`) && f.issuer === issuer);
      let detail: string;
      if (sameSubject && sameSubject.issuer.replace(/\/$/, '') === issuer.replace(/\/$/, '') && sameSubject.issuer !== issuer) {
        detail = `credential ${sameSubject.name} has issuer ${sameSubject.issuer}: Entra compares issuers character for character, and the trailing slash differs (AADSTS70021)`;
      } else if (sameSubject && sameSubject.issuer !== issuer) {
        detail = `credential ${sameSubject.name} trusts issuer ${sameSubject.issuer}, not this cluster's ${issuer}`;
      } else if (sameSubject) {
        detail = `credential ${sameSubject.name} has audiences ${sameSubject.audiences.join(', ') || '(none)'}`;
      } else if (elsewhere) {
        detail = `the credential for ${subject} is on identity ${elsewhere.identityName}, not ${name}`;
      } else if (sameSa) {
        detail = `credential ${sameSa.name} names ${sameSa.subject}: another namespace`;
      } else {
        detail = `no credential names ${subject}`;
      }
      links.push(broken('azure.federated-credential', ficTitle, detail, create));
    }
  }
  links.push(...roleLinks(grantsOf(identity, cfg.roles ?? [], ctx), principalOf(name, cfg.principalID, facts), `az identity show -g ${cfg.resourceGroup} -n ${name} -o json`, facts));
  return links;
}

/** Role assignment links for a principal; `lookup` is the dump that tells its object ID. */
export function roleLinks(grants: readonly AzureGrant[], principal: string | undefined, lookup: string, facts: Facts): Link[] {
  return grants.map((g) => {
    const role = g.roleName ?? g.roleGuid;
    const id = `azure.role:${role}@${g.scope}`;
    const title = `${role} on ${g.scope}`;
    if (!principal) return unchecked(id, title, lookup);
    if (!facts.roleAssignmentsSeen) return unchecked(id, title, `az role assignment list --assignee ${principal} --all -o json`);
    const mine = facts.roleAssignments.filter((a) => a.principalId === principal);
    const covers = (scope: string) => {
      const want = g.scope.toLowerCase();
      const have = scope.toLowerCase().replace(/\/$/, '');
      return want === have || want.startsWith(`${have}/`);
    };
    const sameRole = (a: (typeof mine)[number]) => a.roleGuid === g.roleGuid.toLowerCase() || (g.roleName !== undefined && a.roleName === g.roleName);
    if (mine.some((a) => sameRole(a) && covers(a.scope))) return ok(id, title);
    const wrongScope = mine.find((a) => sameRole(a));
    const detail = wrongScope
      ? `${role} is assigned on ${wrongScope.scope}, which does not contain ${g.scope}`
      : mine.length
        ? `principal ${principal} has ${mine.map((a) => `${a.roleName ?? a.roleGuid} on ${a.scope}`).join('; ')}`
        : `principal ${principal} has no role assignments`;
    return broken(id, title, detail, `az role assignment create --assignee-object-id ${principal} --assignee-principal-type ServicePrincipal --role ${shellQuote(g.roleName ?? g.roleGuid)} --scope ${shellQuote(g.scope)}`);
  });
}

/** The kubelet identity's DNS role assignments; its principal comes from the spec or `az aks show`. */
export function kubeletIdentityLinks(identity: Identity<{ objectID?: string }>, facts: Facts, ctx: MethodContext): Link[] {
  const principal = (identity.config.objectID ?? facts.aksClusters[0]?.kubeletObjectId)?.toLowerCase();
  return roleLinks(grantsOf(identity, [], ctx), principal, `az aks show ${aksWhere(ctx.model)} -o json`, facts);
}
