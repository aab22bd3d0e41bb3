/**
 * Kubernetes objects written in cdk8s' layout without a construct tree: what `ApiObject.toJson()`
 * gives for the same props in a chart labelled with MANAGED_BY_LABELS. Keys sorted at every level
 * (always: cdk8s skips it when CDK8S_DISABLE_SORT is set, wi-gen's bytes do not depend on the
 * environment), then apiVersion, kind and metadata first; the chart's labels under the object's
 * own (which win); in metadata, empty maps and lists left out; null and undefined left out
 * everywhere.
 *
 * The CLI renders every object this way: cdk8s and constructs are then not loaded on a run (a
 * few milliseconds of every start-up, and a construct per binding at scale). The cdk8s chart of
 * the library entry (src/cdk8s/) wraps these objects in ApiObjects for cdk8s users.
 * test/kube-object.test.ts synthesizes the same props with cdk8s for every object of every
 * matrix spec and requires the same bytes.
 */
import type { KubeObjectProps, KubeObjectSink } from '../model/method.js';
import { identityFieldsFirst, setOwn } from '../format/yaml.js';
import { MANAGED_BY_LABELS } from './labels.js';

/** cdk8s' sanitizeValue: keys sorted, null/undefined dropped, optionally empty maps and lists too. */
function sanitize(value: unknown, dropEmpty: boolean): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (dropEmpty && value.length === 0) return undefined;
    return value.map((v) => sanitize(v, dropEmpty));
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = sanitize((value as Record<string, unknown>)[key], dropEmpty);
    if (v !== undefined && v !== null) setOwn(out, key, v);
  }
  return dropEmpty && Object.keys(out).length === 0 ? undefined : out;
}

/** One object as cdk8s synthesizes `new ApiObject(chart, id, props)` in a chart with `chartLabels`. */
export function kubeObject(props: KubeObjectProps, chartLabels: Readonly<Record<string, string>> = MANAGED_BY_LABELS): Record<string, unknown> {
  const { metadata, ...rest } = props;
  const { name, namespace, labels, annotations, finalizers, ownerReferences, ...additional } = metadata;
  const meta = sanitize({ ...additional, name, namespace, annotations: { ...annotations }, finalizers, ownerReferences, labels: { ...chartLabels, ...labels } }, true);
  return identityFieldsFirst(sanitize({ ...rest, metadata: meta }, false) as Record<string, unknown>);
}

/** The objects of one `manifests/` file, in the order they were added. */
export class KubeObjectList implements KubeObjectSink {
  readonly objects: Record<string, unknown>[] = [];
  private readonly ids = new Set<string>();

  add(id: string, props: KubeObjectProps): void {
    // As a construct id would: two objects under one id is a bug in the method, not in the spec.
    if (this.ids.has(id)) throw new Error(`two objects with the id ${JSON.stringify(id)} in one manifest file`);
    this.ids.add(id);
    this.objects.push(kubeObject(props));
  }
}
