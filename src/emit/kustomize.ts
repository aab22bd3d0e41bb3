/**
 * kustomize Components that put the Kubernetes half of a binding onto objects wi-gen does not
 * own: cert-manager's static release manifest, ServiceAccounts that exist elsewhere, and the
 * workloads that must run as a bound ServiceAccount. A user includes them with `components:`
 * in the kustomization that holds those objects.
 *
 * Labels go on pod templates only, never in selectors (selectors are immutable) and never via
 * `commonLabels`. Args are appended with JSON6902 `add …/args/-`, because a strategic merge
 * would replace the whole list.
 */
import type { Model, ServiceAccountBinding, WorkloadRef } from '../model/model.js';
import { containerAdditions, kubeVolume, kubeVolumeMount, type MethodContext, type PodTemplatePatch } from '../model/method.js';
import { mergeMaps } from '../k8s/labels.js';
import type { CertManagerConfig } from './cert-manager.js';
import { fileSegment } from '../format/names.js';
import { generatedHeader, type OutputFile } from '../format/tree.js';
import { kubernetesOrder, sortKeys, toYaml } from '../format/yaml.js';

const COMPONENT = { apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component' };

function podTemplate(serviceAccountName: string | undefined, pod: PodTemplatePatch, container?: string): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (pod.labels) metadata.labels = { ...pod.labels };
  if (pod.annotations) metadata.annotations = { ...pod.annotations };
  const spec: Record<string, unknown> = {};
  if (serviceAccountName) spec.serviceAccountName = serviceAccountName;
  if (pod.nodeSelector) spec.nodeSelector = { ...pod.nodeSelector };
  // Pod volumes merge by name; container env and mounts cannot be placed without the containers'
  // names (resolve.ts warns), except in cert-manager's Deployment, whose container is known.
  if (pod.volumes?.length) spec.volumes = pod.volumes.map(kubeVolume);
  if (container && containerAdditions(pod)) {
    spec.containers = [
      {
        name: container,
        ...(pod.env?.length ? { env: pod.env.map((e) => ({ name: e.name, value: e.value })) } : {}),
        ...(pod.volumes?.length ? { volumeMounts: pod.volumes.map(kubeVolumeMount) } : {}),
      },
    ];
  }
  return { ...(Object.keys(metadata).length ? { metadata } : {}), spec };
}

const API_VERSIONS: Record<WorkloadRef['kind'], string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

/**
 * A strategic-merge patch that runs a workload as `serviceAccountName` with the pod metadata.
 * It names no namespace: its target selects the object, so the patch never moves one.
 */
function workloadPatch(workload: WorkloadRef, serviceAccountName: string, pod: PodTemplatePatch): Record<string, unknown> {
  const template = podTemplate(serviceAccountName, pod);
  // A CronJob's pod template sits one level deeper, under its Job template.
  const spec = workload.kind === 'CronJob' ? { jobTemplate: { spec: { template } } } : { template };
  return {
    apiVersion: API_VERSIONS[workload.kind],
    kind: workload.kind,
    metadata: { name: workload.name },
    spec,
  };
}

function yamlFile(path: string, specName: string, value: Record<string, unknown> | readonly Record<string, unknown>[]): OutputFile {
  const ordered = Array.isArray(value) ? value.map((v) => sortKeys(v)) : kubernetesOrder(value as Record<string, unknown>);
  return { path, content: generatedHeader(specName, 'hash') + toYaml(ordered) };
}

const REGEXP_SYNTAX = '.*+?^${}()|[]\\';
/** `s` as a literal in a selector pattern; most names hold none of the syntax characters (and compile no expression). */
const escapeRegExp = (s: string) => ([...REGEXP_SYNTAX].some((c) => s.includes(c)) ? s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : s);

/**
 * A patch target for an object of `namespace`. A Component's patches run before the including
 * kustomization's `namespace:` transformer, so objects written without a namespace still carry
 * the effective namespace `default` at that point: match either, and nothing else. kustomize
 * anchors every selector pattern itself (`^(?:…)$`, api/types/selector.go), so `web` selects
 * `web` and not `web2`; written without anchors, a plain name stays a plain YAML scalar.
 */
function namespacedTarget(apiVersion: string, kind: string, name: string, namespace: string): Record<string, string> {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  return {
    ...(group ? { group } : {}),
    version,
    kind,
    name: escapeRegExp(name),
    namespace: `${escapeRegExp(namespace)}|default`,
  };
}

/**
 * The bindings a namespace Component is written for: workloads to put on their ServiceAccount, or
 * a ServiceAccount made elsewhere to annotate. Each namespace holding one gets a kustomization.yaml.
 */
function needsNamespaceComponent(b: ServiceAccountBinding): boolean {
  return !b.certManager && !(b.create && b.workloads.length === 0);
}

/** namespaceComponents(model) is not empty, without building its files (the stream's stderr note). */
export function hasNamespaceComponents(model: Model): boolean {
  return model.bindings.some(needsNamespaceComponent);
}

/**
 * Components for each namespace with workloads or pre-existing ServiceAccounts to patch, a
 * namespace at a time as they are asked for (a tree of thousands of bindings holds one).
 *
 * Shaped for kustomize's cost model: every targeted strategic-merge patch makes kustomize rebuild
 * its whole resource list and load its OpenAPI schema, so one such patch per workload makes a
 * build cubic in the number of bindings (minutes at 300, still running after 40 minutes at
 * 1,000). `serviceAccountName` is therefore set with an inline JSON 6902 `add` per workload
 * (it replaces a value that is there, creates one that is not), and the pod metadata JSON 6902
 * cannot merge (labels, annotations, nodeSelector: `add` fails without its parent map, and
 * adding the whole map would drop the user's entries) goes into one strategic-merge patch per
 * kind and method settings, targeting all its workloads with one name alternation.
 *
 * Measured alternatives that do no better (bench/kustomize-shapes.md): `replacements` from a
 * local-config object (slower, and that object collides when a Component is included twice), one
 * untargeted strategic-merge file per namespace (fails on a workload that is absent and cannot
 * match `NS|default`), one JSON 6902 patch for several workloads (every target gets one value),
 * and the kustomize plugin as an exec transformer instead (three times the hand-kept build).
 */
export function* namespaceComponents(model: Model): Generator<OutputFile> {
  const ctx: MethodContext = { model };
  const byNamespace = new Map<string, ServiceAccountBinding[]>();
  for (const b of model.bindings) {
    if (!needsNamespaceComponent(b)) continue;
    const list = byNamespace.get(b.namespace) ?? [];
    list.push(b);
    byNamespace.set(b.namespace, list);
  }
  for (const namespace of [...byNamespace.keys()].sort()) {
    const dir = `kustomize/namespaces/${fileSegment(namespace)}`;
    const patches: Record<string, unknown>[] = [];
    /** Workloads sharing one pod-metadata patch: kind + the patch, in first-seen order. */
    const podGroups = new Map<string, { kind: WorkloadRef['kind']; pod: PodTemplatePatch; names: string[] }>();
    for (const b of byNamespace.get(namespace) as ServiceAccountBinding[]) {
      const method = b.identity.method;
      if (!b.create) {
        const meta = method.serviceAccountMetadata(b, ctx);
        const annotations = mergeMaps(meta.annotations);
        const labels = mergeMaps(meta.labels);
        if (annotations || labels) {
          const file = `serviceaccount-${fileSegment(b.name)}.yaml`;
          patches.push({ path: file, target: namespacedTarget('v1', 'ServiceAccount', b.name, namespace) });
          yield yamlFile(`${dir}/${file}`, model.specName, {
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: sortKeys({ name: b.name, ...(annotations ? { annotations } : {}), ...(labels ? { labels } : {}) }),
          });
        }
      }
      const pod = method.podTemplate(b, ctx);
      const hasPodMetadata = Boolean(pod.labels || pod.annotations || pod.nodeSelector || pod.volumes?.length);
      for (const w of b.workloads) {
        patches.push({
          target: namespacedTarget(API_VERSIONS[w.kind], w.kind, w.name, namespace),
          patch: JSON.stringify([{ op: 'add', path: `/${[...podSpecPath(w.kind)].join('/')}/serviceAccountName`, value: b.name }]),
        });
        if (!hasPodMetadata) continue;
        const key = `${w.kind}|${JSON.stringify(pod)}`;
        const group = podGroups.get(key) ?? { kind: w.kind, pod, names: [] };
        group.names.push(w.name);
        podGroups.set(key, group);
      }
    }
    const perKind = new Map<string, number>();
    for (const group of podGroups.values()) {
      const n = (perKind.get(group.kind) ?? 0) + 1;
      perKind.set(group.kind, n);
      const file = `pod-metadata-${group.kind.toLowerCase()}${n > 1 ? `-${n}` : ''}.yaml`;
      const names = group.names.map(escapeRegExp);
      patches.push({ path: file, target: { ...namespacedTarget(API_VERSIONS[group.kind], group.kind, '', namespace), name: names.join('|') } });
      yield yamlFile(`${dir}/${file}`, model.specName, podMetadataPatch(group.kind, group.pod));
    }
    yield yamlFile(`${dir}/kustomization.yaml`, model.specName, { ...COMPONENT, patches });
  }
}

/** `spec/template/spec`, or a CronJob's `spec/jobTemplate/spec/template/spec`, as JSON-pointer segments. */
function podSpecPath(kind: WorkloadRef['kind']): readonly string[] {
  return kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'spec'] : ['spec', 'template', 'spec'];
}

/**
 * The pod metadata of one method for every workload of one kind in a namespace. Its name is a
 * placeholder: kustomize applies a targeted patch to each object the target selects.
 */
function podMetadataPatch(kind: WorkloadRef['kind'], pod: PodTemplatePatch): Record<string, unknown> {
  const patch = workloadPatch({ kind, name: 'pod-metadata', path: [] }, '', pod);
  return patch;
}

/** The cert-manager Component for installs from the static release manifest. */
export function certManagerComponent(model: Model, config: CertManagerConfig): OutputFile[] {
  const { spec } = config;
  const dir = 'kustomize/cert-manager';
  const files: OutputFile[] = [];
  const patches: Record<string, unknown>[] = [];
  const annotations = mergeMaps(config.serviceAccount.annotations);
  const labels = mergeMaps(config.serviceAccount.labels);
  if (annotations || labels) {
    patches.push({ path: 'service-account.yaml' });
    files.push(
      yamlFile(`${dir}/service-account.yaml`, model.specName, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: sortKeys({ name: spec.serviceAccount, namespace: spec.namespace, ...(annotations ? { annotations } : {}), ...(labels ? { labels } : {}) }),
      }),
    );
  }
  const pod = config.pod;
  if (pod.labels || pod.annotations || pod.nodeSelector || pod.volumes?.length || pod.env?.length) {
    patches.push({ path: 'deployment.yaml' });
    files.push(
      yamlFile(`${dir}/deployment.yaml`, model.specName, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: spec.deployment, namespace: spec.namespace },
        spec: { template: podTemplate(undefined, pod, spec.container) },
      }),
    );
  }
  const appendArgs = (file: string, deployment: string, container: string, args: readonly string[]) => {
    patches.push({ path: file, target: { group: 'apps', version: 'v1', kind: 'Deployment', name: deployment, namespace: spec.namespace } });
    files.push(
      yamlFile(`${dir}/${file}`, model.specName, [
        // Fails the build, instead of patching the wrong container, if the manifest's layout changes.
        { op: 'test', path: '/spec/template/spec/containers/0/name', value: container },
        ...args.map((value) => ({ op: 'add', path: '/spec/template/spec/containers/0/args/-', value })),
      ]),
    );
  };
  const leader = config.leaderElectionNamespace ? [`--leader-election-namespace=${config.leaderElectionNamespace}`] : [];
  const controllerArgs = [...config.controllerArgs, ...leader];
  if (controllerArgs.length > 0) appendArgs('controller-args.yaml', spec.deployment, spec.container, controllerArgs);
  if (leader.length > 0) appendArgs('cainjector-args.yaml', `${spec.deployment}-cainjector`, 'cert-manager-cainjector', leader);
  if (config.leaderElectionNamespace) {
    // The leases follow --leader-election-namespace, so the Roles and RoleBindings that allow
    // taking them must too: the static manifest creates them in kube-system (which Autopilot
    // refuses), where the chart puts them in global.leaderElection.namespace (templates
    // rbac.yaml and cainjector-rbac.yaml, "<fullname>:leaderelection"). Move them.
    patches.push({
      path: 'leader-election-rbac.yaml',
      target: {
        group: 'rbac.authorization.k8s.io',
        version: 'v1',
        kind: '^(Role|RoleBinding)$',
        name: `^${escapeRegExp(spec.deployment)}(-cainjector)?:leaderelection$`,
        namespace: 'kube-system',
      },
    });
    files.push(
      yamlFile(`${dir}/leader-election-rbac.yaml`, model.specName, [
        { op: 'replace', path: '/metadata/namespace', value: config.leaderElectionNamespace },
      ]),
    );
  }
  if (patches.length === 0) return [];
  files.push(yamlFile(`${dir}/kustomization.yaml`, model.specName, { ...COMPONENT, patches }));
  return files;
}
