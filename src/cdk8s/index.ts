/**
 * cdk8s constructs, the `wi-gen/cdk8s` package entry: a chart holding a spec's Kubernetes
 * objects in the caller's own cdk8s App, and `bind()` to run cdk8s-plus-27 workloads as a
 * binding's ServiceAccount (the cdk8s counterpart of the kustomize patches the CLI writes).
 *
 * `cdk8s`, `constructs` and `cdk8s-plus-27` are the caller's (optional peer dependencies): the
 * objects are added as plain JSON through the caller's cdk8s, so one App never mixes two copies
 * of cdk8s. The CLI never loads this file.
 */
import { ApiObject, Chart, JsonPatch, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { CronJob, DaemonSet, Deployment, EnvValue, IStorage, Job, StatefulSet } from 'cdk8s-plus-27';
import { loadSpec, formatProblem, render, type Binding, type Model, type Problem } from '../lib/index.js';

/** A cdk8s-plus-27 workload that can run as a bound ServiceAccount. */
export type BindableWorkload = Deployment | StatefulSet | DaemonSet | Job | CronJob;

/** Thrown by the constructs (a construct has no other way to refuse): the spec's problems, or a misuse. */
export class WorkloadIdentityError extends Error {
  override readonly name = 'WorkloadIdentityError';
  constructor(
    message: string,
    /** The spec's problems, when the spec did not load. */
    readonly problems: readonly Problem[] = [],
  ) {
    super(message);
  }
}

export interface WorkloadIdentityProps extends Omit<ChartProps, 'namespace'> {
  /**
   * The spec: its YAML text (loaded with `file` as its name), or a model from `loadSpec`
   * when the caller wants to handle problems as values.
   */
  readonly spec: string | Model;
  /** Name of the spec in problems and generated headers. @default 'spec.yaml' */
  readonly file?: string;
}

/**
 * Every Kubernetes object wi-gen owns for the spec (ServiceAccounts, Issuers, method objects),
 * the objects `wi-gen SPEC` prints, as one chart of the caller's App.
 */
export class WorkloadIdentity extends Chart {
  readonly model: Model;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    // No chart namespace: it would be stamped on cluster-scoped objects (ClusterIssuers).
    const { spec, file, ...chartProps } = props;
    super(scope, id, chartProps);
    if (typeof spec === 'string') {
      const loaded = loadSpec(spec, { file: file ?? 'spec.yaml' });
      if (!loaded.ok) {
        throw new WorkloadIdentityError(`wi-gen: the spec has problems:\n${loaded.problems.map(formatProblem).join('\n')}`, loaded.problems);
      }
      this.model = loaded.model;
    } else {
      this.model = spec;
    }
    const ids = new Set<string>();
    for (const object of render(this.model).objects) {
      const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
      const base = [object.kind, metadata.namespace, metadata.name].filter(Boolean).join('-');
      let objectId = base;
      for (let n = 2; ids.has(objectId); n++) objectId = `${base}-${n}`;
      ids.add(objectId);
      new ApiObject(this, objectId, object as unknown as ConstructorParameters<typeof ApiObject>[2]);
    }
  }

  /** The binding of ServiceAccount `namespace/serviceAccountName`; throws if the spec has none. */
  binding(namespace: string, serviceAccountName: string): Binding {
    const found = this.model.bindings.find((b) => b.namespace === namespace && b.serviceAccountName === serviceAccountName);
    if (!found) {
      const known = this.model.bindings.map((b) => `${b.namespace}/${b.serviceAccountName}`).join(', ') || 'none';
      throw new WorkloadIdentityError(`wi-gen: the spec binds no ServiceAccount ${namespace}/${serviceAccountName} (it binds: ${known})`);
    }
    return found;
  }

  /** Runs `workload` as ServiceAccount `namespace/serviceAccountName` of the spec; see `bind`. */
  bind(workload: BindableWorkload, namespace: string, serviceAccountName: string): void {
    bind(workload, this.binding(namespace, serviceAccountName));
  }
}

/**
 * Runs a cdk8s-plus-27 workload as the binding's ServiceAccount, with the pod labels,
 * annotations and nodeSelector its identity method needs: the same pod-template fields the
 * CLI's kustomize patch sets. The workload must be in the binding's namespace (or in none, to
 * be placed there at apply time).
 */
export function bind(workload: BindableWorkload, binding: Binding): void {
  const object = ApiObject.of(workload);
  const namespace = object.metadata.namespace;
  if (namespace !== undefined && namespace !== binding.namespace) {
    throw new WorkloadIdentityError(
      `wi-gen: ${object.kind} ${object.name} is in namespace ${namespace}, but ServiceAccount ${binding.serviceAccountName} is in ${binding.namespace}`,
    );
  }
  const pod = binding.pod;
  for (const [key, value] of Object.entries(pod.labels)) workload.podMetadata.addLabel(key, value);
  for (const [key, value] of Object.entries(pod.annotations)) workload.podMetadata.addAnnotation(key, value);
  // cdk8s-plus takes a ServiceAccount only at construction and has no nodeSelector (its node
  // attraction writes affinity terms), so these two go in as patches over its output.
  const podSpec = object.kind === 'CronJob' ? '/spec/jobTemplate/spec/template/spec' : '/spec/template/spec';
  object.addJsonPatch(JsonPatch.add(`${podSpec}/serviceAccountName`, pod.serviceAccountName));
  if (Object.keys(pod.nodeSelector).length > 0) object.addJsonPatch(JsonPatch.add(`${podSpec}/nodeSelector`, { ...pod.nodeSelector }));
  addToContainers(workload, pod);
}

/**
 * Env and volume mounts go into the containers through cdk8s-plus itself, not as JSON patches:
 * a patch cannot append to an `env` or `volumes` list that may or may not exist at synthesis.
 * The values are duck-typed, because this module loads no cdk8s-plus code of its own (it is the
 * caller's peer dependency): an env value is read as `{ value }`, and a volume as anything with a
 * `name` that renders itself with `_toKube()` (cdk8s-plus-27's own Volume contract). Containers
 * added after `bind()` get neither.
 */
function addToContainers(workload: BindableWorkload, pod: Binding['pod']): void {
  const containers = [...workload.initContainers, ...workload.containers];
  const volumes = pod.volumes.map((volume, i) => {
    const mount = pod.volumeMounts[i] as { mountPath: string; readOnly?: boolean };
    const storage = { name: volume.name as string, asVolume: () => storage, _toKube: () => structuredClone(volume) };
    return { storage: storage as unknown as IStorage, mount };
  });
  for (const container of containers) {
    for (const e of pod.env) container.env.addVariable(e.name, { value: e.value } as unknown as EnvValue);
    for (const v of volumes) container.mount(v.mount.mountPath, v.storage, v.mount.readOnly ? { readOnly: true } : {});
  }
}

export type { Binding, Model, PodTemplate, Problem, WorkloadKind } from '../lib/index.js';
