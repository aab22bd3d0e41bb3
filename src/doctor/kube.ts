/**
 * The Kubernetes links of a binding, judged against what the renderer itself derives: the
 * method's ServiceAccount metadata and pod-template patch (the same calls the manifests, Helm
 * values and kustomize Components are made from), and the objects wi-gen owns.
 */
import type { Model, ServiceAccountBinding, WorkloadKind } from '../model/model.js';
import type { MethodContext } from '../model/method.js';
import type { CertManagerConfig } from '../emit/cert-manager.js';
import { GKE_METADATA_NODE_LABEL } from '../methods/names/gcp.js';
import { findKube, get, hasKind, isObject, str, type Facts, type JsonObject, type KubeObject } from './facts.js';
import { broken, ok, unchecked, type Link } from './link.js';

const KUBECTL_DUMP = 'kubectl get serviceaccounts,deployments,statefulsets,daemonsets,jobs,cronjobs,pods,nodes,issuers,clusterissuers,mutatingwebhookconfigurations -A -o json';

/**
 * Environment the admission webhooks of each method inject into a pod at creation. A pod that
 * lacks it was created before its ServiceAccount (or pod label) was right, or the webhook is not
 * running: either way the cure is a new pod.
 * @see https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-configuration.html (IRSA)
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html (Pod Identity)
 */
const INJECTED_ENV: Readonly<Record<string, readonly string[]>> = {
  azureWorkloadIdentity: ['AZURE_CLIENT_ID', 'AZURE_FEDERATED_TOKEN_FILE'],
  awsIrsa: ['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'],
  awsPodIdentity: ['AWS_CONTAINER_CREDENTIALS_FULL_URI'],
};

/**
 * The admission webhook each method relies on, by the name its installer gives the
 * MutatingWebhookConfiguration (AKS add-on / Helm chart; EKS's managed pod-identity-webhook).
 */
const WEBHOOKS: Readonly<Record<string, { readonly name: RegExp; readonly what: string; readonly fix: string }>> = {
  azureWorkloadIdentity: { name: /azure-wi-webhook/, what: 'the Azure Workload Identity webhook', fix: 'az aks update -g RESOURCE_GROUP -n CLUSTER --enable-workload-identity' },
  awsIrsa: { name: /pod-identity-webhook/, what: "EKS's pod-identity-webhook (IRSA)", fix: 'on EKS it is managed; on self-managed clusters install amazon-eks-pod-identity-webhook' },
};

/** The method's webhook is registered, when the dumps include MutatingWebhookConfigurations. */
export function webhookLink(methodKey: string, facts: Facts): Link | undefined {
  const hook = WEBHOOKS[methodKey];
  if (!hook || !hasKind(facts, 'MutatingWebhookConfiguration')) return undefined;
  const title = `${hook.what} is registered`;
  const found = facts.kube.some((o) => o.kind === 'MutatingWebhookConfiguration' && hook.name.test(o.name));
  return found ? ok(`webhook:${methodKey}`, title) : broken(`webhook:${methodKey}`, title, 'no MutatingWebhookConfiguration of it in the dump', hook.fix);
}

interface WorkloadTarget {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
}

/** The workloads that must run as the binding's ServiceAccount: its own, or cert-manager's controller. */
export function workloadsOf(binding: ServiceAccountBinding, model: Model): WorkloadTarget[] {
  if (binding.certManager && model.certManager) {
    return [{ kind: 'Deployment', namespace: model.certManager.namespace, name: model.certManager.deployment }];
  }
  return binding.workloads.map((w) => ({ kind: w.kind, namespace: binding.namespace, name: w.name }));
}

const podTemplateOf = (o: KubeObject): unknown =>
  o.kind === 'CronJob' ? get(o.raw, 'spec', 'jobTemplate', 'spec', 'template') : get(o.raw, 'spec', 'template');

const stringMap = (v: unknown): Record<string, string> =>
  isObject(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};

/** Keys of `want` that `have` lacks or holds with another value, as `key=value` of `want`. */
function missingEntries(want: Readonly<Record<string, string>> | undefined, have: Record<string, string>): string[] {
  return Object.entries(want ?? {})
    .filter(([k, v]) => have[k] !== v)
    .map(([k, v]) => `${k}=${v}`);
}

export function serviceAccountLink(binding: ServiceAccountBinding, facts: Facts, ctx: MethodContext): Link {
  const id = 'serviceaccount';
  const title = `ServiceAccount ${binding.namespace}/${binding.name} carries the identity`;
  const sa = findKube(facts, 'ServiceAccount', binding.namespace, binding.name);
  if (!sa) {
    if (!hasKind(facts, 'ServiceAccount')) return unchecked(id, title, KUBECTL_DUMP);
    return broken(id, title, 'the ServiceAccount does not exist', binding.certManager
      ? 'install cert-manager with the generated Helm values or kustomize Component'
      : 'kubectl apply -k out/manifests');
  }
  const meta = binding.identity.method.serviceAccountMetadata(binding, ctx);
  const missing = [
    ...missingEntries(meta.annotations, stringMap(get(sa.raw, 'metadata', 'annotations'))),
    ...missingEntries(meta.labels, stringMap(get(sa.raw, 'metadata', 'labels'))),
  ];
  if (missing.length > 0) {
    const annotations = missingEntries(meta.annotations, stringMap(get(sa.raw, 'metadata', 'annotations')));
    const fix = annotations.length > 0
      ? `kubectl annotate serviceaccount -n ${binding.namespace} ${binding.name} --overwrite ${annotations.join(' ')}`
      : `kubectl label serviceaccount -n ${binding.namespace} ${binding.name} --overwrite ${missing.join(' ')}`;
    return broken(id, title, `missing or different: ${missing.join(', ')}`, fix);
  }
  return ok(id, title);
}

/** Links for one workload: its pod template, then each of its running pods. */
export function workloadLinks(
  binding: ServiceAccountBinding,
  target: WorkloadTarget,
  facts: Facts,
  ctx: MethodContext,
  certManager: CertManagerConfig | undefined,
): Link[] {
  const ref = `${target.kind} ${target.namespace}/${target.name}`;
  const id = `workload:${target.kind}/${target.namespace}/${target.name}`;
  const title = `${ref} runs as ${binding.name} with the method's pod metadata`;
  const object = findKube(facts, target.kind, target.namespace, target.name);
  if (!object) {
    if (!hasKind(facts, target.kind)) return [unchecked(id, title, KUBECTL_DUMP)];
    return [broken(id, title, `${ref} is not in the cluster`, `deploy it, or fix the workload name in the spec`)];
  }
  const links: Link[] = [];
  const template = podTemplateOf(object);
  const want = binding.certManager && certManager ? certManager.pod : binding.identity.method.podTemplate(binding, ctx);
  const saName = str(get(template, 'spec', 'serviceAccountName')) ?? 'default';
  const problems: string[] = [];
  if (saName !== binding.name) problems.push(`serviceAccountName is ${saName}`);
  const labels = missingEntries(want.labels, stringMap(get(template, 'metadata', 'labels')));
  const annotations = missingEntries(want.annotations, stringMap(get(template, 'metadata', 'annotations')));
  const nodeSelector = missingEntries(want.nodeSelector, stringMap(get(template, 'spec', 'nodeSelector')));
  if (labels.length) problems.push(`pod labels missing: ${labels.join(', ')}`);
  if (annotations.length) problems.push(`pod annotations missing: ${annotations.join(', ')}`);
  if (nodeSelector.length) problems.push(`nodeSelector missing: ${nodeSelector.join(', ')}`);
  // Volumes by name at pod level; env and volume mounts in every container, as the patchers put them.
  const podVolumes = new Set(((get(template, 'spec', 'volumes') as unknown[] | undefined) ?? []).filter(isObject).map((v) => str(v['name'])));
  const missingVolumes = (want.volumes ?? []).filter((v) => !podVolumes.has(v.name)).map((v) => v.name);
  if (missingVolumes.length) problems.push(`volumes missing: ${missingVolumes.join(', ')}`);
  for (const c of ((get(template, 'spec', 'containers') as unknown[] | undefined) ?? []).filter(isObject)) {
    const env = new Map(((c['env'] as unknown[] | undefined) ?? []).filter(isObject).map((e) => [str(e['name']), str(e['value'])]));
    const mounts = new Set(((c['volumeMounts'] as unknown[] | undefined) ?? []).filter(isObject).map((m) => str(m['name'])));
    const lacking = [
      ...(want.env ?? []).filter((e) => env.get(e.name) !== e.value).map((e) => `env ${e.name}=${e.value}`),
      ...(want.volumes ?? []).filter((v) => !mounts.has(v.name)).map((v) => `volumeMount ${v.name}`),
    ];
    if (lacking.length) problems.push(`container ${str(c['name']) ?? '?'} lacks ${lacking.join(', ')}`);
  }
  if (problems.length > 0) {
    const fix = binding.certManager
      ? 'upgrade cert-manager with out/helm/cert-manager.values.yaml (or apply the kustomize/cert-manager Component)'
      : `add the Component out/kustomize/namespaces/${binding.namespace} to the kustomization that deploys ${target.name}, then apply it`;
    links.push(broken(id, title, problems.join('; '), fix));
  } else {
    links.push(ok(id, title));
  }
  if (binding.certManager && certManager) links.push(controllerArgsLink(object, certManager));
  links.push(...podLinks(binding, target, facts, ctx));
  return links;
}

function controllerArgsLink(deployment: KubeObject, cm: CertManagerConfig): Link {
  const id = 'cert-manager.args';
  const title = `cert-manager's controller has the flags the issuers need`;
  const containers = (get(deployment.raw, 'spec', 'template', 'spec', 'containers') as unknown[] | undefined) ?? [];
  const container = containers.filter(isObject).find((c) => c['name'] === cm.spec.container) ?? containers.filter(isObject)[0];
  const args = ((container?.['args'] as unknown[] | undefined) ?? []).filter((a): a is string => typeof a === 'string');
  const missing = cm.controllerArgs.filter((a) => !args.includes(a));
  if (missing.length === 0) return ok(id, title);
  return broken(id, title, `missing: ${missing.join(' ')}`, 'upgrade cert-manager with out/helm/cert-manager.values.yaml (extraArgs), or apply the kustomize/cert-manager Component');
}

/** Pods owned by a workload, through its ReplicaSet (Deployment) or Job (CronJob). */
function podsOf(target: WorkloadTarget, facts: Facts): KubeObject[] {
  const generated = (owner: string) => new RegExp(`^${target.name.replace(/[.]/g, '\\.')}-[a-z0-9]+$`).test(owner);
  return facts.kube.filter((o) => {
    if (o.kind !== 'Pod' || o.namespace !== target.namespace) return false;
    const owners = ((get(o.raw, 'metadata', 'ownerReferences') as unknown[] | undefined) ?? []).filter(isObject);
    return owners.some((r) => {
      const kind = str(r['kind']);
      const name = str(r['name']) ?? '';
      if (target.kind === 'Deployment') return kind === 'ReplicaSet' && generated(name);
      if (target.kind === 'CronJob') return kind === 'Job' && generated(name);
      return kind === target.kind && name === target.name;
    });
  });
}

/** When the ServiceAccount last got one of the method's annotations, from its managedFields. */
function annotatedAt(binding: ServiceAccountBinding, facts: Facts, ctx: MethodContext): string | undefined {
  const sa = findKube(facts, 'ServiceAccount', binding.namespace, binding.name);
  const keys = Object.keys(binding.identity.method.serviceAccountMetadata(binding, ctx).annotations ?? {});
  if (!sa || keys.length === 0) return undefined;
  let latest: string | undefined;
  for (const entry of ((get(sa.raw, 'metadata', 'managedFields') as unknown[] | undefined) ?? []).filter(isObject)) {
    const fields = get(entry, 'fieldsV1', 'f:metadata', 'f:annotations');
    const time = str(entry['time']);
    if (!time || !isObject(fields) || !keys.some((k) => Object.hasOwn(fields, `f:${k}`))) continue;
    if (latest === undefined || time > latest) latest = time;
  }
  return latest;
}

function podLinks(binding: ServiceAccountBinding, target: WorkloadTarget, facts: Facts, ctx: MethodContext): Link[] {
  const pods = podsOf(target, facts);
  const id = `pods:${target.kind}/${target.namespace}/${target.name}`;
  const title = `running pods of ${target.kind} ${target.namespace}/${target.name} have the identity`;
  if (!hasKind(facts, 'Pod')) return [unchecked(id, title, KUBECTL_DUMP)];
  if (pods.length === 0) return [ok(id, title, 'no running pods')];
  const restart = `kubectl rollout restart ${target.kind.toLowerCase()} -n ${target.namespace} ${target.name}`;
  const rerun = target.kind === 'Job' || target.kind === 'CronJob' ? 'delete the pods; the next run gets the identity' : restart;
  const key = binding.identity.method.key;
  const since = annotatedAt(binding, facts, ctx);
  const problems: string[] = [];
  const nodeProblems: string[] = [];
  const gke = ctx.model.cluster.gke;
  for (const pod of pods) {
    const name = pod.name;
    const sa = str(get(pod.raw, 'spec', 'serviceAccountName')) ?? 'default';
    if (sa !== binding.name) {
      problems.push(`pod ${name} runs as ${sa}`);
      continue;
    }
    const created = str(get(pod.raw, 'metadata', 'creationTimestamp'));
    if (since && created && created < since) problems.push(`pod ${name} was created (${created}) before the ServiceAccount annotation (${since})`);
    const env = new Set(
      ((get(pod.raw, 'spec', 'containers') as unknown[] | undefined) ?? [])
        .filter(isObject)
        .flatMap((c) => ((c['env'] as unknown[] | undefined) ?? []).filter(isObject).map((e) => str(e['name']) ?? '')),
    );
    const wantEnv = INJECTED_ENV[key] ?? [];
    const lacking = wantEnv.filter((e) => !env.has(e));
    if (lacking.length > 0) problems.push(`pod ${name} has no ${lacking.join(', ')} (the webhook did not mutate it)`);
    if (gke && !gke.autopilot) {
      const nodeName = str(get(pod.raw, 'spec', 'nodeName'));
      const node = nodeName ? findKube(facts, 'Node', '', nodeName) : undefined;
      if (node && stringMap(get(node.raw, 'metadata', 'labels'))[GKE_METADATA_NODE_LABEL] !== 'true') {
        nodeProblems.push(`pod ${name} runs on node ${nodeName}, which has no GKE metadata server (${GKE_METADATA_NODE_LABEL} is not "true")`);
      }
    }
  }
  const links: Link[] = [];
  if (problems.length > 0) links.push(broken(id, title, problems.join('; '), rerun));
  else links.push(ok(id, title, `${pods.length} pod(s)`));
  if (nodeProblems.length > 0) {
    links.push(broken(`nodes:${target.kind}/${target.namespace}/${target.name}`, 'pods run on nodes with the GKE metadata server', nodeProblems.join('; '),
      'gcloud container node-pools update POOL --cluster CLUSTER --location LOCATION --workload-metadata=GKE_METADATA (or set cluster.gke.metadataServerNodeSelector: true while migrating)'));
  }
  return links;
}

/**
 * Objects wi-gen owns (Issuers, VSO objects, AzureIdentity, RBAC…): present, with the rendered
 * `spec` contained in the live one, and Ready where the kind reports readiness.
 */
export function ownedObjectLinks(objects: readonly Record<string, unknown>[], facts: Facts): Link[] {
  const links: Link[] = [];
  for (const want of objects) {
    const kind = str(want['kind']) ?? '';
    if (kind === 'ServiceAccount') continue; // judged per binding
    const namespace = str(get(want, 'metadata', 'namespace')) ?? '';
    const name = str(get(want, 'metadata', 'name')) ?? '';
    const ref = `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
    const id = `object:${kind}/${namespace}/${name}`;
    const title = `${ref} is applied as rendered`;
    const live = findKube(facts, kind, namespace, name);
    if (!live) {
      if (!hasKind(facts, kind)) continue; // no dump of this kind: nothing to say, and no noise
      links.push(broken(id, title, `${ref} is not in the cluster`, 'kubectl apply -k out/manifests'));
      continue;
    }
    for (const field of ['spec', 'data', 'rules', 'roleRef', 'subjects'] as const) {
      if (want[field] === undefined) continue;
      const difference = firstDifference(want[field], live.raw[field], field);
      if (difference) {
        links.push(broken(id, title, `${difference} differs from the spec's`, 'kubectl apply -k out/manifests'));
        break;
      }
    }
    if (links.at(-1)?.id === id) continue;
    // VSO reports its objects as status.valid / status.error rather than conditions.
    if (get(live.raw, 'status', 'valid') === false) {
      links.push(broken(id, title, `not valid: ${str(get(live.raw, 'status', 'error')) ?? '(no error given)'}`, `kubectl describe ${kind.toLowerCase()} ${namespace ? `-n ${namespace} ` : ''}${name}`));
      continue;
    }
    const ready = ((get(live.raw, 'status', 'conditions') as unknown[] | undefined) ?? []).filter(isObject).find((c) => c['type'] === 'Ready');
    if (ready && ready['status'] !== 'True') {
      links.push(broken(id, title, `not Ready: ${str(ready['reason']) ?? ''} ${str(ready['message']) ?? ''}`.trim(), `kubectl describe ${kind.toLowerCase()} ${namespace ? `-n ${namespace} ` : ''}${name}`));
      continue;
    }
    links.push(ok(id, title));
  }
  return links;
}

/** Path of the first place where `want` is not contained in `have` (extra fields in `have` are fine). */
function firstDifference(want: unknown, have: unknown, path: string): string | undefined {
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length < want.length) return path;
    for (let i = 0; i < want.length; i++) {
      const d = firstDifference(want[i], have[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (isObject(want as JsonObject) && typeof want === 'object' && want !== null) {
    if (!isObject(have)) return path;
    for (const [k, v] of Object.entries(want)) {
      const d = firstDifference(v, (have as JsonObject)[k], `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return want === have ? undefined : path;
}

/** Every `{name, key}` Secret reference under a solver (e.g. azureDNS.clientSecretSecretRef). */
function secretRefs(value: unknown, out: { name: string; key: string }[] = []): { name: string; key: string }[] {
  if (Array.isArray(value)) for (const v of value) secretRefs(v, out);
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (/SecretRef$/.test(k) && isObject(v) && typeof v['name'] === 'string' && typeof v['key'] === 'string') out.push({ name: v['name'], key: v['key'] });
      else secretRefs(v, out);
    }
  }
  return out;
}

/**
 * The Secrets an issuer's solver reads hold the key it names (VSO writes them for the Vault
 * method). Only key names are read from a Secret dump, never values, and nothing of it is printed.
 */
export function issuerSecretLinks(objects: readonly Record<string, unknown>[], facts: Facts, clusterResourceNamespace: string): Link[] {
  if (!hasKind(facts, 'Secret')) return [];
  const links: Link[] = [];
  for (const issuer of objects.filter((o) => o['kind'] === 'Issuer' || o['kind'] === 'ClusterIssuer')) {
    const namespace = issuer['kind'] === 'Issuer' ? (str(get(issuer, 'metadata', 'namespace')) ?? '') : clusterResourceNamespace;
    for (const ref of secretRefs(get(issuer, 'spec', 'acme', 'solvers'))) {
      const id = `secret:${namespace}/${ref.name}`;
      const title = `Secret ${namespace}/${ref.name} holds ${ref.key} for ${str(issuer['kind'])} ${str(get(issuer, 'metadata', 'name'))}`;
      const secret = findKube(facts, 'Secret', namespace, ref.name);
      const keys = new Set([...Object.keys(stringMap(get(secret?.raw, 'data'))), ...Object.keys(stringMap(get(secret?.raw, 'stringData')))]);
      if (!secret) links.push(broken(id, title, 'the Secret does not exist', `kubectl describe vaultdynamicsecrets -n ${namespace} (VSO writes it; its events say why not)`));
      else if (!keys.has(ref.key)) links.push(broken(id, title, `the Secret has ${[...keys].sort().join(', ') || 'no keys'}, not ${ref.key}`, `kubectl describe vaultdynamicsecrets -n ${namespace}`));
      else links.push(ok(id, title));
    }
  }
  return links;
}
