/**
 * `wi-gen doctor`: every link of every binding, in the order a request travels it, judged
 * against what the spec implies. Expectations come from the renderer's own code (the methods'
 * metadata and grants, the rendered objects), never from a second copy of the rules.
 */
import type { Identity, Model, ServiceAccountBinding } from '../model/model.js';
import type { MethodContext } from '../model/method.js';
import type { Rendered } from '../render.js';
import { certManagerConfig } from '../emit/cert-manager.js';
import { parseUserAssignedIdentityId } from '../methods/names/azure.js';
import { grantsOf, type AzureRole } from '../methods/shared/azure-common.js';
import { dedicatedServiceAccounts } from '../methods/aws-service-account-ref.js';
import type { Facts } from './facts.js';
import type { Link, Verdict } from './link.js';
import { issuerSecretLinks, ownedObjectLinks, serviceAccountLink, webhookLink, workloadLinks, workloadsOf } from './kube.js';
import { gkeClusterLinks, gkeIdentityLinks, gsaLink } from './cloud-gcp.js';
import { aksClusterLinks, kubeletIdentityLinks, roleLinks, workloadIdentityLinks } from './cloud-azure.js';
import { eksClusterLinks, irsaLinks, podIdentityLinks, route53Links } from './cloud-aws.js';
import { diagnoseErrorText, type ErrorDiagnosis } from './error-text.js';

interface Chain {
  /** `namespace/name` of a ServiceAccount, `cluster`, `identity NAME` or `objects`. */
  readonly subject: string;
  readonly identity?: string;
  readonly method?: string;
  readonly links: readonly Link[];
}

export interface DoctorReport {
  readonly spec: string;
  readonly chains: readonly Chain[];
  readonly errors: readonly ErrorDiagnosis[];
  readonly summary: Readonly<Record<Verdict, number>>;
}

export function diagnose(model: Model, rendered: Rendered, facts: Facts, errorTexts: readonly string[] = []): DoctorReport {
  const ctx: MethodContext = { model };
  const cm = certManagerConfig(model);
  const chains: Chain[] = [];
  const keys = new Set(model.identities.map((i) => i.method.key));

  const clusterLinks = [
    ...gkeClusterLinks(model, facts),
    ...aksClusterLinks(model, facts, keys.has('azureWorkloadIdentity')),
    ...eksClusterLinks(model, facts, keys.has('awsIrsa') || keys.has('awsServiceAccountRef')),
  ];
  for (const key of keys) {
    const hook = webhookLink(key, facts);
    if (hook) clusterLinks.push(hook);
  }
  if (clusterLinks.length > 0) chains.push({ subject: `cluster ${model.cluster.name}`, links: clusterLinks });

  for (const binding of model.bindings) {
    const links: Link[] = [serviceAccountLink(binding, facts, ctx)];
    for (const target of workloadsOf(binding, model)) links.push(...workloadLinks(binding, target, facts, ctx, cm));
    links.push(...bindingCloudLinks(binding, facts, ctx));
    chains.push({ subject: `${binding.namespace}/${binding.name}`, identity: binding.identity.name, method: binding.identity.method.key, links });
  }

  for (const identity of model.identities) {
    const links = identityCloudLinks(identity, facts, ctx);
    if (links.length > 0) chains.push({ subject: `identity ${identity.name}`, identity: identity.name, method: identity.method.key, links });
  }

  const owned = [...ownedObjectLinks(rendered.objects, facts), ...issuerSecretLinks(rendered.objects, facts, model.certManager?.namespace ?? 'cert-manager')];
  if (owned.length > 0) chains.push({ subject: 'objects wi-gen owns', links: owned });

  const errors = errorTexts.flatMap((t) => diagnoseErrorText(t, model));
  const summary: Record<Verdict, number> = { ok: 0, broken: 0, unchecked: 0 };
  for (const c of chains) for (const l of c.links) summary[l.verdict]++;
  return { spec: model.specName, chains, errors, summary };
}

/** GKE grants that name one KSA: its workloadIdentityUser, or its principal:// roles in direct-principal mode. */
const perBinding = (l: Link): boolean => l.id.startsWith('gcp.iam:roles/iam.workloadIdentityUser@') || l.id.includes(':principal://');

/** Links that belong to one ServiceAccount: its trust in the cloud. */
function bindingCloudLinks(binding: ServiceAccountBinding, facts: Facts, ctx: MethodContext): Link[] {
  const identity = binding.identity;
  switch (identity.method.key) {
    case 'gke':
      return gkeIdentityLinks(identity as Identity<never>, facts, ctx, binding.namespace, binding.name).filter(perBinding);
    case 'azureWorkloadIdentity':
      return workloadIdentityLinks(identity as Identity<never>, binding, facts, ctx).filter((l) => !l.id.startsWith('azure.role:'));
    case 'awsIrsa':
      return irsaLinks(identity as Identity<never>, binding, facts, ctx);
    case 'awsPodIdentity':
      return podIdentityLinks(identity as Identity<never>, binding, facts, ctx);
    default:
      return [];
  }
}

/** Links shared by every binding of an identity: its roles and DNS rights. */
function identityCloudLinks(identity: Identity, facts: Facts, ctx: MethodContext): Link[] {
  switch (identity.method.key) {
    case 'gke':
      return [...gsaLink(identity as Identity<never>, facts), ...gkeIdentityLinks(identity as Identity<never>, facts, ctx).filter((l) => !perBinding(l))];
    case 'azureWorkloadIdentity': {
      const first = identity.bindings[0];
      return first ? workloadIdentityLinks(identity as Identity<never>, first, facts, ctx).filter((l) => l.id.startsWith('azure.role:')) : [];
    }
    case 'azureKubeletIdentity':
      return kubeletIdentityLinks(identity as Identity<{ objectID?: string }>, facts, ctx);
    case 'aadPodIdentity': {
      const cfg = identity.config as { resourceID: string; roles?: AzureRole[] };
      const name = parseUserAssignedIdentityId(cfg.resourceID)?.name ?? '';
      const principal = facts.azureIdentities.find((i) => i.name === name)?.principalId?.toLowerCase();
      return roleLinks(grantsOf(identity, cfg.roles ?? [], ctx), principal, `az identity show --ids ${cfg.resourceID} -o json`, facts);
    }
    case 'awsIrsa':
    case 'awsPodIdentity':
      return route53Links(identity as Identity<never>, facts, ctx);
    case 'awsServiceAccountRef': {
      const cfg = identity.config as { audience?: string };
      return [
        ...dedicatedServiceAccounts(identity as Identity<never>, ctx).flatMap((sa) => irsaLinks(identity as Identity<never>, sa, facts, ctx, cfg.audience)),
        ...route53Links(identity as Identity<never>, facts, ctx),
      ];
    }
    default:
      return [];
  }
}
